//! `herobot demo`: sample data made through the actions and the same for a seed, a fake Slack
//! that answers as Slack does, the page's requests signed like Slack's (and a forged one
//! refused), and `--reset` starting over.
use std::collections::HashMap;
use std::time::{Duration, Instant};

use herobot::demo::cast::{self, GENERAL, HEROES, LEADER, STORIES};
use herobot::demo::record::Shown;
use herobot::demo::seed::{self, Act};
use herobot::demo::{self as demo, Options, Running};
use herobot::domain::command::{self, Command};
use serde_json::{Value, json};
use sqlx::SqlitePool;

use crate::helpers::START;

pub const SEED: u64 = 2026;

/// A demo in `dir` on a free loopback port, its clock starting at the suite's `START`.
pub async fn start_demo(dir: &std::path::Path, reset: bool, seed: u64) -> Running {
    herobot::telemetry::init(herobot::config::LogFormat::Text);
    demo::start(Options {
        dir: dir.to_owned(),
        listen: "127.0.0.1:0".parse().unwrap(),
        reset,
        seed,
        start_at_ms: Some(START * 1000),
    })
    .await
    .expect("the demo starts")
}

async fn db(running: &Running) -> SqlitePool {
    SqlitePool::connect(&format!("sqlite://{}", running.database.display()))
        .await
        .unwrap()
}

async fn count(db: &SqlitePool, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
        .fetch_one(db)
        .await
        .unwrap()
}

/// Everything seeded, as comparable rows.
async fn contents(db: &SqlitePool) -> Vec<String> {
    sqlx::query_scalar(
        "select * from (
           select json_array(nominator_id, reason, category, customer_kind, source, created_at,
                  (select group_concat(hero_id, ',') from nomination_heroes where nomination_id = n.id))
           from nominations n order by id)
         union all
         select * from (
           select json_array(author_id, title, happened_at, fixed_at, featured_at, created_at,
                  (select group_concat(hero_id || ':' || consent, ',') from story_heroes where story_id = s.id))
           from stories s order by id)",
    )
    .fetch_all(db)
    .await
    .unwrap()
}

/// Waits until `test` holds for the fake's record.
async fn wait_for(
    running: &Running,
    what: &str,
    test: impl Fn(&[herobot::demo::record::Call]) -> bool,
) {
    let started = Instant::now();
    while !test(&running.recorder.since(0)) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never saw {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn posted_in(calls: &[herobot::demo::record::Call], channel: &str, words: &str) -> bool {
    calls.iter().any(|c| match &c.shown {
        Some(Shown::Message {
            channel: ch,
            message,
            ..
        }) => ch == channel && message.to_string().contains(words),
        _ => false,
    })
}

async fn page(running: &Running, path: &str, body: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}{path}", running.address))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Calls the page's API as the page does and reads its JSON answer.
async fn ask(running: &Running, path: &str, body: Value) -> Value {
    page(running, path, body)
        .await
        .json()
        .await
        .expect("a JSON answer")
}

#[tokio::test]
async fn seeding_is_the_same_for_a_seed_and_different_for_another() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let first = start_demo(a.path(), false, SEED).await;
    let second = start_demo(b.path(), false, SEED).await;
    let other = start_demo(c.path(), false, SEED + 1).await;
    let (one, two, three) = (
        contents(&db(&first).await).await,
        contents(&db(&second).await).await,
        contents(&db(&other).await).await,
    );
    assert!(one.len() > 40, "{} records", one.len());
    assert_eq!(one, two);
    assert_ne!(one, three);
    for running in [first, second, other] {
        running.stop().await.unwrap();
    }
}

#[tokio::test]
async fn seeded_records_are_what_the_actions_store_for_what_people_typed() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let db = db(&running).await;
    let steps = seed::plan(SEED, START);
    assert_eq!(running.seeded, steps.len());

    // Each quick nomination: what `/hero` makes of the text, stored at the moment it was typed.
    let mut quick = 0;
    for step in &steps {
        let Act::Command { user, text } = &step.act else {
            continue;
        };
        let nominator = herobot::domain::UserId::parse(user).unwrap();
        let Ok(Command::Nominate(n)) = command::parse(text, &nominator, 20) else {
            panic!("{text} is not a nomination");
        };
        let heroes: Vec<String> = n.heroes.iter().map(|h| h.to_string()).collect();
        let stored: Option<(String, Option<String>, String)> = sqlx::query_as(
            "select source, category, (select group_concat(hero_id, ',') from
                 (select hero_id from nomination_heroes where nomination_id = n.id order by position))
             from nominations n where nominator_id = ?1 and reason = ?2 and created_at = ?3",
        )
        .bind(user)
        .bind(n.reason.as_str())
        .bind(step.at)
        .fetch_optional(&db)
        .await
        .unwrap();
        let (source, category, stored_heroes) =
            stored.unwrap_or_else(|| panic!("{text} was not stored"));
        assert_eq!(source, "command");
        assert_eq!(category.as_deref(), n.category.map(|c| c.as_str()));
        assert_eq!(stored_heroes, heroes.join(","));
        quick += 1;
    }
    let modal = steps
        .iter()
        .filter(|s| matches!(s.act, Act::NominationModal { .. }))
        .count();
    assert_eq!(count(&db, "nominations").await, (quick + modal) as i64);
    assert_eq!(
        sqlx::query_scalar::<_, i64>(
            "select count(*) from nominations
             where source = 'modal' and channel_id = ?1 and reason like 'Thank you %'"
        )
        .bind(GENERAL.id)
        .fetch_one(&db)
        .await
        .unwrap(),
        modal as i64,
        "modal nominations are stored as the modal stores them"
    );

    // Stories, consent in every state, featured ones, and last week's digest.
    let stories = steps
        .iter()
        .filter(|s| matches!(s.act, Act::Story { .. }))
        .count();
    assert_eq!(count(&db, "stories").await, stories as i64);
    let consents: HashMap<String, i64> =
        sqlx::query_as("select consent, count(*) from story_heroes group by 1")
            .fetch_all(&db)
            .await
            .unwrap()
            .into_iter()
            .collect();
    for state in ["pending", "granted", "declined"] {
        assert!(
            consents.get(state).copied().unwrap_or_default() > 0,
            "{consents:?}"
        );
    }
    let granted = steps
        .iter()
        .filter(|s| matches!(s.act, Act::Consent { grant: true, .. }))
        .count();
    assert_eq!(consents["granted"], granted as i64);
    let featured = steps
        .iter()
        .filter(|s| matches!(s.act, Act::Feature { .. }))
        .count();
    assert_eq!(
        sqlx::query_scalar::<_, i64>("select count(*) from stories where featured_by = ?1")
            .bind(LEADER.id)
            .fetch_one(&db)
            .await
            .unwrap(),
        featured as i64
    );
    let slow: i64 =
        sqlx::query_scalar("select count(*) from stories where fixed_at - happened_at > 86400")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(
        slow > 0 && slow < stories as i64,
        "recoveries inside and outside 24 h"
    );
    let weeks: Vec<String> = sqlx::query_scalar("select week from digests")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(
        weeks,
        ["2026-W46"],
        "last week's digest, by the clock at START"
    );

    // Everything was delivered, and Slack shows it where it belongs.
    let undelivered: i64 = sqlx::query_scalar("select count(*) from outbox where status != 'sent'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(undelivered, 0);
    let calls = running.recorder.since(0);
    let in_channel = |channel: &str| {
        calls
            .iter()
            .filter(|c| matches!(&c.shown, Some(Shown::Message { channel: ch, user: None, .. }) if ch == channel))
            .count()
    };
    assert_eq!(in_channel(HEROES.id), quick + modal, "one celebration each");
    assert_eq!(in_channel(STORIES.id), stories, "one post each");
    assert_eq!(in_channel(cast::DIGEST.id), 1, "the digest");
    running.stop().await.unwrap();
}

#[tokio::test]
async fn the_fake_slack_answers_as_slack_does() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let token = running.state.config.bot_token.expose().to_owned();
    let api = |method: &str| format!("{}/demo/slack/api/{method}", running.address);
    let http = reqwest::Client::new();
    let call = |method: &str, token: &str, body: Value| {
        http.post(api(method)).bearer_auth(token).json(&body).send()
    };

    let posted: Value = call(
        "chat.postMessage",
        &token,
        json!({"channel": HEROES.id, "text": "hi"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(posted["ok"], true);
    assert_eq!(posted["channel"], HEROES.id);
    let ts = posted["ts"].as_str().unwrap();
    assert!(ts.contains('.'), "{ts}");
    let dm: Value = call(
        "chat.postMessage",
        &token,
        json!({"channel": "U0DPRIYA", "text": "hi"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        dm["channel"], "D0DPRIYA",
        "a DM to a user ID lands in their DM channel"
    );
    let updated: Value = call(
        "chat.update",
        &token,
        json!({"channel": HEROES.id, "ts": ts, "text": "hello"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(updated["ok"], true);
    let missing: Value = call(
        "chat.update",
        &token,
        json!({"channel": HEROES.id, "ts": "1.2", "text": "x"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(missing["error"], "message_not_found");
    let unauthorised: Value = call(
        "chat.postMessage",
        "xoxb-wrong",
        json!({"channel": HEROES.id, "text": "hi"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(unauthorised, json!({"ok": false, "error": "invalid_auth"}));
    let trigger: Value = call(
        "views.open",
        &token,
        json!({"trigger_id": "1.2.3", "view": {"type": "modal"}}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(trigger["error"], "invalid_trigger_id");
    let user: Value = http
        .post(api("users.info"))
        .bearer_auth(&token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("user=U0DLENA")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(user["user"]["real_name"], "Lena Fischer");
    let opened: Value = call("conversations.open", &token, json!({"users": "U0DOMAR"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(opened["channel"]["id"], "D0DOMAR");
    let listed: Value = call("users.list", &token, json!({}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["members"].as_array().unwrap().len(),
        cast::PEOPLE.len() + 2
    );
    let unknown: Value = call("chat.scheduleMessage", &token, json!({}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unknown["error"], "unknown_method");
    assert_eq!(
        running.recorder.message(HEROES.id, ts).unwrap().1["text"],
        "hello"
    );
    running.stop().await.unwrap();
}

#[tokio::test]
async fn the_pages_requests_are_signed_as_slack_signs_them_and_a_forged_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let db = db(&running).await;
    let before = count(&db, "nominations").await;

    let reply: Value = ask(&running, "/demo/api/send", json!({
        "user": "U0DPRIYA", "channel": GENERAL.id,
        "text": "/hero <@U0DLENA|lena> for untangling the refund queue before the weekend #billing",
    }))
    .await;
    assert_eq!(reply["status"], 200);
    assert!(
        reply["body"]["text"]
            .as_str()
            .unwrap()
            .contains("Thank you"),
        "{reply}"
    );
    assert_eq!(count(&db, "nominations").await, before + 1);
    wait_for(&running, "the celebration and the DM", |calls| {
        posted_in(calls, HEROES.id, "untangling the refund queue")
            && posted_in(calls, "D0DLENA", "untangling the refund queue")
    })
    .await;

    // The same request signed with another secret is refused and changes nothing.
    let form = serde_urlencoded::to_string([
        ("team_id", cast::TEAM_ID),
        ("channel_id", GENERAL.id),
        ("user_id", "U0DPRIYA"),
        ("command", "/hero"),
        (
            "text",
            "<@U0DLENA|lena> for something forged and long enough",
        ),
        ("response_url", "http://127.0.0.1:9/x"),
        ("trigger_id", "1.2.forged"),
    ])
    .unwrap();
    let (status, _) = running
        .wire
        .post_signed("/slack/commands", &form, "not-the-secret")
        .await
        .unwrap();
    assert_eq!(status, 401);
    let (status, _) = running
        .wire
        .post_signed(
            "/slack/commands",
            &form,
            running.state.config.signing_secret.expose(),
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "the same body, signed with the demo's secret");
    assert_eq!(count(&db, "nominations").await, before + 2);

    // Someone outside the sample workspace cannot act through the page.
    let stranger = page(
        &running,
        "/demo/api/send",
        json!({"user": "U0NOBODY", "channel": GENERAL.id, "text": "/hero help"}),
    )
    .await;
    assert_eq!(stranger.status(), 400);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn the_story_modal_opens_refuses_what_is_missing_and_posts_the_story() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let db = db(&running).await;
    let opened: Value = ask(
        &running,
        "/demo/api/send",
        json!({"user": "U0DOMAR", "channel": GENERAL.id, "text": "/hero story"}),
    )
    .await;
    let view_id = opened["view"]["id"].as_str().unwrap().to_owned();
    assert_eq!(opened["view"]["view"]["callback_id"], "story");

    let refused: Value = ask(
        &running,
        "/demo/api/submit",
        json!({"user": "U0DOMAR", "view_id": view_id, "values": {}}),
    )
    .await;
    assert_eq!(refused["body"]["response_action"], "errors");
    assert!(refused["body"]["errors"]["title"].is_string(), "{refused}");

    let now = running.state.clock.now_secs();
    let values = seed::values(
        &opened["view"]["view"],
        &[
            ("title", seed::Answer::Text("The pallet that went to Porto")),
            (
                "what_went_wrong",
                seed::Answer::Text("A pallet of monitors went to the wrong city."),
            ),
            ("happened_at", seed::Answer::DateTime(now - 7200)),
            ("fixed_at", seed::Answer::DateTime(now - 3600)),
            (
                "how_fixed",
                seed::Answer::Text("Rebooked it on the first truck."),
            ),
            ("customer_kind", seed::Answer::Choice("external")),
            ("heroes", seed::Answer::Users(&["U0DKENJI"])),
        ],
    );
    let before = count(&db, "stories").await;
    let stored: Value = ask(
        &running,
        "/demo/api/submit",
        json!({"user": "U0DOMAR", "view_id": view_id, "values": values}),
    )
    .await;
    assert!(stored["body"].is_null(), "{stored}");
    assert_eq!(count(&db, "stories").await, before + 1);
    wait_for(
        &running,
        "the story post and the consent request",
        |calls| {
            posted_in(calls, STORIES.id, "The pallet that went to Porto")
                && posted_in(calls, "D0DKENJI", "Porto")
        },
    )
    .await;
    running.stop().await.unwrap();
}

#[tokio::test]
async fn an_existing_demo_is_reused_and_reset_starts_over() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let seeded = running.seeded;
    let sample = count(&db(&running).await, "nominations").await;
    page(
        &running,
        "/demo/api/send",
        json!({"user": "U0DAMARA", "channel": GENERAL.id,
        "text": "/hero <@U0DOMAR|omar> for finding the lost pallet within the hour"}),
    )
    .await;
    let calls = running.recorder.len();
    running.stop().await.unwrap();

    let again = start_demo(dir.path(), false, SEED).await;
    assert_eq!(again.seeded, 0, "nothing seeded twice");
    assert_eq!(count(&db(&again).await, "nominations").await, sample + 1);
    assert!(
        again.recorder.len() >= calls,
        "the channels show what they showed"
    );
    again.stop().await.unwrap();

    let reset = start_demo(dir.path(), true, SEED).await;
    assert_eq!(reset.seeded, seeded);
    assert_eq!(count(&db(&reset).await, "nominations").await, sample);
    assert!(reset.recorder.len() < calls, "the old channels are gone");
    reset.stop().await.unwrap();
}

#[tokio::test]
async fn the_demo_listens_on_loopback_only_and_its_page_keeps_to_itself() {
    assert_eq!(
        demo::listen_address(None).unwrap().to_string(),
        "127.0.0.1:3000"
    );
    assert!(demo::listen_address(Some("[::1]:4000")).is_ok());
    assert!(demo::listen_address(Some("0.0.0.0:3000")).is_err());
    let dir = tempfile::tempdir().unwrap();
    let refused = demo::start(Options {
        dir: dir.path().to_owned(),
        listen: "0.0.0.0:0".parse().unwrap(),
        reset: false,
        seed: SEED,
        start_at_ms: None,
    })
    .await;
    assert!(refused.is_err());

    let running = start_demo(dir.path(), false, SEED).await;
    let http = reqwest::Client::new();
    let served = http
        .get(format!("{}/demo", running.address))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    let csp = served.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    let html = served.text().await.unwrap();
    assert!(
        html.contains("/demo/app.js") && !html.contains("http"),
        "nothing fetched from elsewhere"
    );
    let rebound = http
        .get(format!("{}/demo/api/workspace", running.address))
        .header("host", "attacker.example:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_message_shortcut_opens_the_modal_prefilled_from_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let said: Value = ask(
        &running,
        "/demo/api/send",
        json!({"user": "U0DGRACE", "channel": GENERAL.id, "text": "Sofia rewrote the launch FAQ overnight for the support team"}),
    )
    .await;
    let ts = said["ts"].as_str().unwrap();
    let opened: Value = ask(
        &running,
        "/demo/api/shortcut",
        json!({"user": "U0DPRIYA", "channel": GENERAL.id, "ts": ts, "callback_id": "nominate_from_message"}),
    )
    .await;
    let view = &opened["view"]["view"];
    assert_eq!(view["callback_id"], "nomination");
    let blocks = view["blocks"].to_string();
    assert!(
        blocks.contains("U0DGRACE"),
        "the message's author as hero: {blocks}"
    );
    assert!(
        blocks.contains("rewrote the launch FAQ"),
        "its text as the reason"
    );
    running.stop().await.unwrap();
}

#[tokio::test]
async fn opening_the_home_tab_sends_app_home_opened_and_shows_what_herobot_publishes() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let opened: Value = ask(&running, "/demo/api/home", json!({"user": "U0DPRIYA"})).await;
    assert_eq!(opened["status"], 200, "{opened}");
    wait_for(&running, "Priya's Home published", |calls| {
        calls.iter().any(|c| {
            matches!(&c.shown, Some(Shown::Home { user, view, view_id })
                if user == "U0DPRIYA" && view["type"] == "home" && !view_id.is_empty())
        })
    })
    .await;
    running.stop().await.unwrap();
}

/// The wallboard is in the demo the way a leader reaches it: `/hero wall` answers privately with
/// a link that opens the board.
#[tokio::test]
async fn the_leader_opens_the_wallboard_from_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let reply: Value = ask(
        &running,
        "/demo/api/send",
        json!({"user": "U0DLEADER", "channel": GENERAL.id, "text": "/hero wall"}),
    )
    .await;
    assert_eq!(reply["status"], 200);
    let text = reply["body"].to_string();
    let at = text.find("/wall/").expect("a wallboard link");
    let key: String = text[at + 6..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let board = reqwest::get(format!("{}/wall/{key}", running.address))
        .await
        .unwrap();
    assert_eq!(board.status(), 200);
    let html = board.text().await.unwrap();
    assert!(html.contains("http-equiv=\"refresh\""), "{html}");
}
