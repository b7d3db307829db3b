//! The durable outbox: retries, rate limits, errors that will not heal, restarts and pacing.
use crate::sql;
use std::time::Duration;

use wiremock::matchers::{body_partial_json, method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::{
    HEROES_CHANNEL, NOMINATOR, Options, Scripted, TestApp, mount_slack_ok, slack_ok,
    spawn_app_with, start, wait_for_requests,
};

const NOMINATION: &str = "<@U0ALICE> for turning a billing outage into a thank-you note";

async fn outbox_rows(app: &TestApp) -> Vec<(String, String, i64, Option<String>)> {
    sql::query_as("select lane, status, attempts, last_error from outbox order by id")
        .fetch_all(&app.db)
        .await
        .unwrap()
}

async fn mount_response_url_ok(slack: &MockServer) {
    Mock::given(method("POST"))
        .and(path_regex("^/response/"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(slack)
        .await;
}

async fn mount_post_message(slack: &MockServer, responder: Scripted) {
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(responder)
        .mount(slack)
        .await;
}

#[tokio::test]
async fn slack_failing_three_times_then_recovering_means_delivered_once() {
    let app = spawn_app_with(Options {
        heroes_channel: None,
        mock_slack_ok: false,
        ..Options::default()
    })
    .await;
    mount_response_url_ok(&app.slack).await;
    let slack = Scripted::new(vec![
        ResponseTemplate::new(500),
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"ok": false, "error": "internal_error"})),
        ResponseTemplate::new(503),
        slack_ok(),
    ]);
    mount_post_message(&app.slack, slack.clone()).await;

    app.hero(NOMINATOR, NOMINATION).await;
    app.settled().await;

    assert_eq!(
        slack.arrivals().len(),
        4,
        "three failures, then one delivery"
    );
    let rows = outbox_rows(&app).await;
    assert_eq!(
        rows[1],
        ("recognitions:U0ALICE".into(), "sent".into(), 4, None)
    );
    assert_eq!(
        rows[0].1, "sent",
        "the celebration went through the response_url"
    );
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_delivered() {
    let app = spawn_app_with(Options {
        heroes_channel: None,
        mock_slack_ok: false,
        ..Options::default()
    })
    .await;
    mount_response_url_ok(&app.slack).await;
    let slack = Scripted::new(vec![
        ResponseTemplate::new(429)
            .insert_header("retry-after", "1")
            .set_body_json(serde_json::json!({"ok": false, "error": "ratelimited"})),
        slack_ok(),
    ]);
    mount_post_message(&app.slack, slack.clone()).await;

    app.hero(NOMINATOR, NOMINATION).await;
    app.settled().await;

    let arrivals = slack.arrivals();
    assert_eq!(arrivals.len(), 2);
    let waited = arrivals[1] - arrivals[0];
    assert!(
        waited >= Duration::from_millis(950),
        "retried after {waited:?}, before Retry-After ran out"
    );
    assert_eq!(
        outbox_rows(&app).await[1],
        ("recognitions:U0ALICE".into(), "sent".into(), 1, None)
    );
}

/// A Retry-After of centuries neither stops the worker nor parks the message for centuries: it
/// waits at most 15 minutes, and other lanes go on being delivered meanwhile.
#[tokio::test]
async fn a_hostile_retry_after_is_capped_and_delivery_goes_on() {
    let app = spawn_app_with(Options {
        mock_slack_ok: false,
        ..Options::default()
    })
    .await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .and(body_partial_json(
            serde_json::json!({"channel": HEROES_CHANNEL}),
        ))
        .respond_with(
            ResponseTemplate::new(429).insert_header("retry-after", "18446744073709551615"),
        )
        .with_priority(1)
        .mount(&app.slack)
        .await;
    mount_slack_ok(&app.slack).await;

    app.hero(NOMINATOR, NOMINATION).await;
    let dm = crate::helpers::eventually("the hero's DM", || async {
        let requests = app.slack.received_requests().await.unwrap_or_default();
        crate::helpers::to_path(&requests, "/chat.postMessage")
            .into_iter()
            .map(crate::helpers::json)
            .find(|body| body["channel"] == "U0ALICE")
    })
    .await;
    assert!(dm["text"].as_str().unwrap().contains("recognised you"));

    let (status, next_attempt_at_ms): (String, i64) = crate::helpers::eventually(
        "the celebration to be put back",
        || async {
            sql::query_as(
                "select status, next_attempt_at_ms from outbox where lane = $1 and last_error is not null",
            )
            .bind(HEROES_CHANNEL)
            .fetch_optional(&app.db)
            .await
            .unwrap()
        },
    )
    .await;
    assert_eq!(status, "pending");
    let wait_ms = next_attempt_at_ms - app.clock.now_ms();
    assert!(
        (0..=15 * 60 * 1000).contains(&wait_ms),
        "the celebration waits {wait_ms} ms"
    );
    let ready = app
        .http
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200, "the worker is still running");
}

#[tokio::test]
async fn an_error_that_will_not_heal_is_recorded_as_failed_and_not_retried() {
    let app = spawn_app_with(Options {
        mock_slack_ok: false,
        ..Options::default()
    })
    .await;
    let failing =
        Scripted::new(vec![ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"ok": false, "error": "channel_not_found"}),
        )]);
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .and(body_partial_json(
            serde_json::json!({"channel": HEROES_CHANNEL}),
        ))
        .respond_with(failing.clone())
        .with_priority(1)
        .mount(&app.slack)
        .await;
    mount_slack_ok(&app.slack).await;

    app.hero(NOMINATOR, NOMINATION).await;
    app.settled().await;

    assert_eq!(failing.arrivals().len(), 1);
    let rows = outbox_rows(&app).await;
    assert_eq!(
        rows[0],
        (
            HEROES_CHANNEL.into(),
            "failed".into(),
            1,
            Some("channel_not_found".into())
        )
    );
    assert_eq!(
        rows[1],
        ("recognitions:U0ALICE".into(), "sent".into(), 1, None),
        "the hero's DM still went out"
    );
}

#[tokio::test]
async fn messages_still_pending_at_a_restart_are_delivered_after_it() {
    let app = spawn_app_with(Options {
        mock_slack_ok: false,
        ..Options::default()
    })
    .await;
    let down = Scripted::new(vec![ResponseTemplate::new(503)]);
    mount_post_message(&app.slack, down.clone()).await;
    app.hero(NOMINATOR, NOMINATION).await;
    wait_for_requests(&app.slack, 1, Duration::from_secs(5)).await;
    let (dir, slack) = app.stop().await;

    slack.reset().await;
    mount_slack_ok(&slack).await;
    let app = start(dir, slack, &Options::default()).await;
    app.settled().await;

    let rows = outbox_rows(&app).await;
    assert!(rows.iter().all(|r| r.1 == "sent"), "{rows:?}");
    let delivered = app.slack.received_requests().await.unwrap();
    assert_eq!(delivered.len(), 2, "the celebration and the DM, once each");
}

#[tokio::test]
async fn a_burst_to_one_channel_is_paced_without_holding_up_dms() {
    let interval = Duration::from_millis(200);
    let app = spawn_app_with(Options {
        mock_slack_ok: false,
        lane_interval: interval,
        lane_burst: 2,
        ..Options::default()
    })
    .await;
    let channel = Scripted::new(vec![slack_ok()]);
    let dms = Scripted::new(vec![slack_ok()]);
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .and(body_partial_json(
            serde_json::json!({"channel": HEROES_CHANNEL}),
        ))
        .respond_with(channel.clone())
        .with_priority(1)
        .mount(&app.slack)
        .await;
    mount_post_message(&app.slack, dms.clone()).await;

    for i in 0..5 {
        app.hero(
            NOMINATOR,
            &format!("<@U0HERO{i}> for closing ticket {i} with a handwritten note"),
        )
        .await;
    }
    app.settled().await;

    let (channel, dms) = (channel.arrivals(), dms.arrivals());
    assert_eq!((channel.len(), dms.len()), (5, 5));
    let spread = channel[4] - channel[0];
    // Unpaced, five posts would arrive within a few milliseconds; the margin is for a machine
    // so busy that the first arrival is late.
    assert!(
        spread >= interval * 3 - Duration::from_millis(150),
        "5 posts with a burst of 2 took only {spread:?}"
    );
    let dm_spread = dms[4] - dms[0];
    assert!(
        dm_spread < spread,
        "DMs to five heroes were held up by the busy channel ({dm_spread:?})"
    );
}

/// Messages queued by a build from before outbox messages were typed (a DM whose lane was its
/// hero, a response_url reply whose lane was its channel) are still delivered after the upgrade.
#[tokio::test]
async fn messages_queued_before_the_typed_outbox_are_delivered_after_the_upgrade() {
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    // The database as the earlier build left it: migrated up to 0006, with rows pending.
    let earlier = dir.path().join("earlier-migrations");
    std::fs::create_dir(&earlier).unwrap();
    for entry in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap()
    {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.as_str() < "0007" {
            std::fs::copy(&path, earlier.join(name)).unwrap();
        }
    }
    let url = format!("sqlite://{}/herobot.db?mode=rwc", dir.path().display());
    let db = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::migrate::Migrator::new(earlier.as_path())
        .await
        .unwrap()
        .run(&db)
        .await
        .unwrap();
    let nomination: i64 = sql::query_scalar(
        "insert into nominations (team_id, nominator_id, reason, channel_id, source, created_at)
         values ('T0TEAM', 'U0NOMINATOR', 'for turning a billing outage into a thank-you note',
                 'C0GENERAL', 'command', 1794990000) returning id",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    sql::query("insert into nomination_heroes (nomination_id, hero_id, position) values ($1, 'U0ALICE', 0)")
        .bind(nomination)
        .execute(&db)
        .await
        .unwrap();
    let slack = MockServer::start().await;
    let response_url = format!("{}/response/T0TEAM/1/old", slack.uri());
    sql::query(
        "insert into outbox (method, lane, url, payload, render, subject_id, next_attempt_at_ms, created_at) values
         ('chat.postMessage', 'U0ALICE', null, '{\"channel\":\"U0ALICE\"}', 'hero_dm', $1, 0, 0),
         ('response_url', 'C0GENERAL', $2, '{\"response_type\":\"in_channel\"}', 'celebration', $1, 0, 0)",
    )
    .bind(nomination)
    .bind(&response_url)
    .execute(&db)
    .await
    .unwrap();
    db.close().await;

    mount_slack_ok(&slack).await;
    // Only SQLite databases were ever left by that build: PostgreSQL came later.
    let app = start(
        dir,
        slack,
        &Options {
            on_sqlite: true,
            ..Options::default()
        },
    )
    .await;
    app.settled().await;

    let requests = wait_for_requests(&app.slack, 2, Duration::from_secs(10)).await;
    let dm = crate::helpers::json(
        crate::helpers::to_path(&requests, "/chat.postMessage")
            .first()
            .expect("the DM was sent"),
    );
    assert_eq!(dm["channel"], "U0ALICE");
    assert!(
        dm["text"].as_str().unwrap().contains("recognised you"),
        "{dm}"
    );
    let celebration = crate::helpers::json(
        crate::helpers::to_path(&requests, "/response/T0TEAM/1/old")
            .first()
            .expect("the celebration was posted where /hero was typed"),
    );
    assert_eq!(celebration["response_type"], "in_channel");
    assert!(celebration["text"].as_str().unwrap().contains("<@U0ALICE>"));
    assert!(
        outbox_rows(&app).await.iter().all(|r| r.1 == "sent"),
        "{:?}",
        outbox_rows(&app).await
    );
}

/// When more celebrations wait for one channel than its pace clears in a minute, they go out as
/// roll-ups, so a burst reaches the channel in seconds; every hero is still named, once.
#[tokio::test]
async fn a_burst_of_celebrations_is_rolled_up() {
    let app = spawn_app_with(Options {
        // Slack's pace and its minute, scaled down tenfold: a second clears about 10 posts.
        lane_interval: Duration::from_millis(100),
        lane_burst: 1,
        rollup_window: Duration::from_secs(1),
        hourly_limit: "0",
        ..Options::default()
    })
    .await;
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..90 {
        let body = crate::helpers::command_body(
            &app.slack,
            NOMINATOR,
            &format!("<@U0HERO{i}> for closing ticket number {i} with a handwritten note"),
            &crate::helpers::trigger_id(),
        );
        sends.spawn(app.signed("/slack/commands", &body).send());
    }
    while let Some(sent) = sends.join_next().await {
        assert_eq!(sent.unwrap().unwrap().status(), 200);
    }
    app.settled().await;

    let requests = app.slack.received_requests().await.unwrap();
    let posts: Vec<serde_json::Value> = crate::helpers::to_path(&requests, "/chat.postMessage")
        .into_iter()
        .map(crate::helpers::json)
        .filter(|body| body["channel"] == HEROES_CHANNEL)
        .collect();
    assert!(
        posts.len() < 20,
        "{} posts for 90 celebrations",
        posts.len()
    );
    assert!(
        posts
            .iter()
            .any(|p| p["text"].as_str().unwrap().contains("new recognitions")),
        "no roll-up"
    );
    let all = posts
        .iter()
        .map(|p| p["blocks"].to_string())
        .collect::<String>();
    for i in 0..90 {
        assert_eq!(
            all.matches(&format!("<@U0HERO{i}>")).count(),
            1,
            "hero {i} is named once"
        );
    }
}

/// A hero recognised three times within a minute gets the first DM at once and the other two
/// together, in one DM.
#[tokio::test]
async fn a_heros_dms_within_a_minute_are_combined() {
    let app = spawn_app_with(Options {
        dm_window: Duration::from_millis(1500),
        ..Options::default()
    })
    .await;
    for (i, reason) in [
        "the midnight fix",
        "the morning follow-up",
        "the thank-you call",
    ]
    .into_iter()
    .enumerate()
    {
        app.hero(
            NOMINATOR,
            &format!("<@U0ALICE> for {reason} to our customer"),
        )
        .await;
        if i == 0 {
            // The first goes out alone once it is sent; the next two come within the window.
            app.settled().await;
        }
    }
    app.settled().await;

    let requests = app.slack.received_requests().await.unwrap();
    let dms: Vec<String> = crate::helpers::to_path(&requests, "/chat.postMessage")
        .into_iter()
        .map(crate::helpers::json)
        .filter(|body| body["channel"] == "U0ALICE")
        .map(|body| body.to_string())
        .collect();
    assert_eq!(dms.len(), 2, "{dms:?}");
    assert!(dms[0].contains("the midnight fix"));
    assert!(
        dms[1].contains("2 times")
            && dms[1].contains("the morning follow-up")
            && dms[1].contains("the thank-you call"),
        "{}",
        dms[1]
    );
}
