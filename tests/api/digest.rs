//! The weekly digest and `/hero top`: leaders only, exactly once per week (also when posts race
//! or the service restarts), and the scheduler's catch-up on start-up.

use crate::sql;
use std::time::Duration;

use serde_json::Value;

use crate::helpers::{
    LEADER, NOMINATOR, Options, TestApp, eventually, json, spawn_app, spawn_app_with, start,
    to_path,
};

const DIGEST_CHANNEL: &str = "C0DIGEST";

/// Fails unless `message` keeps within Slack's limits for a message: at most 50 blocks, 3,000
/// characters a section, 2,000 a field or context element, 150 a header, and its charts as
/// Slack takes them (at most two, titles of at most 50 characters, labels of at most 20,
/// finite values, points at categories).
pub fn within_slack_limits(message: &Value) {
    let blocks = message["blocks"].as_array().expect("blocks");
    assert!(blocks.len() <= 50, "{} blocks", blocks.len());
    for block in blocks {
        let text = block["text"]["text"].as_str().unwrap_or_default();
        let limit = if block["type"] == "header" { 150 } else { 3000 };
        assert!(
            text.chars().count() <= limit,
            "{} characters in a {}",
            text.chars().count(),
            block["type"]
        );
        for small in ["fields", "elements"] {
            for field in block[small].as_array().into_iter().flatten() {
                let text = field["text"].as_str().unwrap_or_default();
                assert!(text.chars().count() <= 2000, "{block}");
            }
        }
    }
    if let Err(e) = herobot::slack::chart::check(blocks) {
        panic!("{e}");
    }
    assert!(message["text"].as_str().unwrap_or_default().chars().count() <= 40_000);
}

fn with_digest() -> Options {
    Options {
        digest_channel: Some(DIGEST_CHANNEL),
        ..Options::default()
    }
}

/// Nominations dated in the middle of last week (UTC), straight into the store.
async fn seed_last_week(app: &TestApp, heroes: &[&str]) {
    let last_week_tuesday = crate::helpers::now() - 6 * 86_400;
    for (i, hero) in heroes.iter().enumerate() {
        // A nomination and its hero in one transaction, as herobot stores them: the indexer
        // must never see one without the other (it would roll up a nomination with no hero).
        let mut tx = crate::helpers::transaction(&app.db).await;
        let id: i64 = sql::query_scalar(
            "insert into nominations (team_id, nominator_id, reason, channel_id, source, created_at)
             values ('T0TEAM', 'U0NOMINATOR', $1, 'C0GENERAL', 'command', $2) returning id",
        )
        .bind(format!("for rescuing customer number {i} before lunch"))
        .bind(last_week_tuesday)
        .fetch_one(&mut tx)
        .await
        .unwrap();
        sql::query(
            "insert into nomination_heroes (nomination_id, hero_id, position) values ($1, $2, 0)",
        )
        .bind(id)
        .bind(*hero)
        .execute(&mut tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

async fn digests_posted(app: &TestApp) -> i64 {
    app.count("digests").await
}

async fn digest_messages(app: &TestApp) -> i64 {
    sql::query_scalar("select count(*) from outbox where lane = $1")
        .bind(DIGEST_CHANNEL)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn only_leaders_can_preview_or_post_the_digest() {
    let app = spawn_app_with(with_digest()).await;
    for text in ["digest", "digest post"] {
        let answer: Value = app.hero(NOMINATOR, text).await.json().await.unwrap();
        assert_eq!(answer["response_type"], "ephemeral");
        assert!(
            answer["text"]
                .as_str()
                .unwrap()
                .contains("Only the service leaders"),
            "{answer}"
        );
    }
    assert_eq!(digests_posted(&app).await, 0);
}

#[tokio::test]
async fn a_leader_previews_this_week_so_far_privately() {
    let app = spawn_app_with(with_digest()).await;
    app.hero(
        NOMINATOR,
        "<@U0ALICE> for untangling the partner's billing by herself",
    )
    .await;

    let answer: Value = app.hero(LEADER, "digest").await.json().await.unwrap();

    assert_eq!(answer["response_type"], "ephemeral");
    let text = answer["blocks"].to_string();
    assert!(text.contains("Preview of this week so far"), "{text}");
    assert!(
        text.contains("*1 recognition*") && text.contains("<@U0ALICE>"),
        "{text}"
    );
    assert_eq!(digests_posted(&app).await, 0, "a preview posts nothing");
}

#[tokio::test]
async fn posting_twice_posts_last_weeks_digest_once() {
    let app = spawn_app_with(with_digest()).await;
    seed_last_week(&app, &["U0ALICE", "U0BOB", "U0ALICE"]).await;

    let first: Value = app.hero(LEADER, "digest post").await.json().await.unwrap();
    let second: Value = app.hero(LEADER, "digest post").await.json().await.unwrap();

    assert!(
        first["text"].as_str().unwrap().contains("on its way"),
        "{first}"
    );
    assert!(
        second["text"].as_str().unwrap().contains("already posted"),
        "{second}"
    );
    assert_eq!(
        (digests_posted(&app).await, digest_messages(&app).await),
        (1, 1)
    );
    let requests = app.slack_requests(1).await;
    let posts: Vec<Value> = requests
        .iter()
        .map(json)
        .filter(|b| b["channel"] == DIGEST_CHANNEL)
        .collect();
    assert_eq!(posts.len(), 1);
    let text = posts[0]["blocks"].to_string();
    assert!(
        text.contains("*3 recognitions*") && text.contains("<@U0ALICE> ×2"),
        "{text}"
    );
}

/// Around midnight between a Sunday and a Monday (UTC), `/hero digest post` posts the week
/// before the one the clock is in, and the week's own digest only once Monday has come.
#[tokio::test]
async fn the_digest_posted_around_sunday_midnight_is_of_the_week_before() {
    const SUNDAY_23_40: i64 = 1_795_390_800_000; // 22 Nov 2026, week 47
    const MONDAY_00_20: i64 = 1_795_393_200_000; // 23 Nov 2026, week 48
    let app = spawn_app_with(with_digest()).await;
    for (moment, week) in [(SUNDAY_23_40, "2026-W46"), (MONDAY_00_20, "2026-W47")] {
        app.clock.set_ms(moment);
        let answer: Value = app.hero(LEADER, "digest post").await.json().await.unwrap();
        assert!(answer["text"].as_str().unwrap().contains(week), "{answer}");
    }
    let weeks: Vec<String> = sql::query_scalar("select week from digests order by week")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(weeks, ["2026-W46", "2026-W47"]);
}

#[tokio::test]
async fn two_concurrent_posters_post_once() {
    let app = spawn_app_with(with_digest()).await;
    seed_last_week(&app, &["U0ALICE"]).await;

    let (a, b) = tokio::join!(
        app.hero(LEADER, "digest post"),
        app.hero(LEADER, "digest post")
    );

    let answers = [
        a.json::<Value>().await.unwrap(),
        b.json::<Value>().await.unwrap(),
    ];
    let posted = answers
        .iter()
        .filter(|a| a["text"].as_str().unwrap().contains("on its way"))
        .count();
    assert_eq!(posted, 1, "{answers:?}");
    assert_eq!(
        (digests_posted(&app).await, digest_messages(&app).await),
        (1, 1)
    );
}

#[tokio::test]
async fn without_a_digest_channel_posting_says_so() {
    let app = spawn_app().await;
    let answer: Value = app.hero(LEADER, "digest post").await.json().await.unwrap();
    assert!(
        answer["text"]
            .as_str()
            .unwrap()
            .contains("no digest channel")
    );
    assert_eq!(digests_posted(&app).await, 0);
}

#[tokio::test]
async fn a_digest_missed_while_down_is_posted_on_start_up_and_not_again_after_a_restart() {
    // Monday 00:00 has always passed by the time the test runs: the scheduled moment this week
    // is behind us, as if the service had been down then.
    let options = || Options {
        digest_schedule: "MON 00:00",
        ..with_digest()
    };
    let app = spawn_app_with(options()).await;
    seed_last_week(&app, &["U0ALICE"]).await;
    let app = {
        let (dir, slack) = app.stop().await;
        start(dir, slack, &options()).await
    };
    eventually("the scheduler to post the missed digest", || async {
        (digest_messages(&app).await == 1).then_some(())
    })
    .await;
    assert_eq!(digests_posted(&app).await, 1);
    let posted_by: String = sql::query_scalar("select posted_by from digests")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(posted_by, "schedule");

    let (dir, slack) = app.stop().await;
    let app = start(dir, slack, &options()).await;
    // The restarted scheduler finds the week posted; a leader asking now is told so too.
    app.settled().await;
    let answer: Value = app.hero(LEADER, "digest post").await.json().await.unwrap();
    assert!(answer["text"].as_str().unwrap().contains("already posted"));
    assert_eq!(
        (digests_posted(&app).await, digest_messages(&app).await),
        (1, 1)
    );
}

#[tokio::test]
async fn top_lists_the_most_recognised_heroes_with_a_reason_each() {
    let app = spawn_app().await;
    app.hero(
        NOMINATOR,
        "<@U0ALICE> for calming the angriest customer of the year",
    )
    .await;
    app.hero(
        NOMINATOR,
        "<@U0ALICE> <@U0BOB> for shipping the hotfix before breakfast",
    )
    .await;

    let answer: Value = app.hero(NOMINATOR, "top week").await.json().await.unwrap();

    let text = answer["text"].as_str().unwrap();
    assert!(
        text.starts_with("*Most recognised heroes, the last 7 days*"),
        "{text}"
    );
    assert!(
        text.contains("1. <@U0ALICE> (2 times) — for shipping the hotfix before breakfast"),
        "{text}"
    );
    assert!(text.contains("2. <@U0BOB> (once)"), "{text}");
}

#[tokio::test]
async fn a_top_not_ready_within_the_budget_is_acknowledged_and_follows_privately() {
    let app = spawn_app_with(Options {
        answer_budget: Duration::ZERO,
        ..Options::default()
    })
    .await;
    app.hero(NOMINATOR, "<@U0ALICE> for answering every page at night")
        .await;
    app.settled().await;
    let before = app.slack.received_requests().await.unwrap().len();

    let answer: Value = app.hero(NOMINATOR, "top week").await.json().await.unwrap();

    assert_eq!(answer["response_type"], "ephemeral");
    assert!(
        answer["text"].as_str().unwrap().contains("only for you"),
        "{answer}"
    );
    let requests = app.slack_requests(before + 1).await;
    let replies = to_path(&requests[before..], "/response/T0TEAM/1234/secret-token");
    assert_eq!(replies.len(), 1, "one private reply");
    let reply = json(replies[0]);
    assert_eq!(reply["response_type"], "ephemeral");
    assert_eq!(reply["replace_original"], false);
    let text = reply["text"].as_str().unwrap();
    assert!(
        text.starts_with("*Most recognised heroes, the last 7 days*")
            && text.contains("1. <@U0ALICE> (once) — for answering every page at night"),
        "{text}"
    );
}

/// The digest carries the 12-week scorecard as a line chart (a point only for a week with
/// enough stories to judge), the same in words beside it, within Slack's limits.
#[tokio::test]
async fn the_digest_carries_the_scorecards_trend_as_a_chart_within_slacks_limits() {
    use crate::scorecard::recovery;
    let app = spawn_app_with(with_digest()).await;
    seed_last_week(&app, &["U0ALICE"]).await;
    // Week 46 (last week): five stories, three fixed within 24 h, three with a surprise. Week 43:
    // two stories, too few to judge.
    let last_week = crate::helpers::now() - 7 * 86_400;
    for (hours, surprise) in [(2, true), (30, true), (5, false), (48, false), (1, true)] {
        recovery(&app, last_week, hours, surprise, "satisfied", "external").await;
    }
    for _ in 0..2 {
        recovery(
            &app,
            last_week - 21 * 86_400,
            1,
            true,
            "satisfied",
            "external",
        )
        .await;
    }

    let answer: Value = app.hero(LEADER, "digest post").await.json().await.unwrap();
    assert!(
        answer["text"].as_str().unwrap().contains("2026-W46"),
        "{answer}"
    );
    let requests = app.slack_requests(1).await;
    let post = requests
        .iter()
        .map(json)
        .find(|b| b["channel"] == DIGEST_CHANNEL)
        .expect("the digest");
    within_slack_limits(&post);
    let blocks = post["blocks"].as_array().unwrap();
    let charts: Vec<&Value> = blocks
        .iter()
        .filter(|b| b["type"] == "data_visualization")
        .collect();
    assert_eq!(charts.len(), 1, "{post}");
    let chart = &charts[0]["chart"];
    assert_eq!(chart["type"], "line");
    assert_eq!(
        chart["axis_config"]["categories"],
        serde_json::json!(["W46"]),
        "only the week judged is on the axis"
    );
    assert_eq!(
        chart["series"][0]["data"],
        serde_json::json!([{"label": "W46", "value": 60.0}]),
        "one point per category"
    );
    let words = blocks
        .iter()
        .skip_while(|b| b["type"] != "data_visualization")
        .nth(1)
        .unwrap()
        .to_string();
    assert!(words.contains("W43 too few to judge (2)"), "{words}");
    assert!(words.contains("W46 60 % · 60 % of 5"), "{words}");
}
