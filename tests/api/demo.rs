//! `herobot demo`: sample data made through the actions and the same for a seed, a fake Slack
//! that answers as Slack does, the page's requests signed like Slack's (and a forged one
//! refused), `--reset` starting over, and Marketing's report card: six months seeded through the
//! modals and actions, a rater rating the open round from their DM, and an action item added
//! from the results.
use crate::sql;
use std::collections::HashMap;

use herobot::demo::cast::{self, GENERAL, HEROES, LEADER, REVIEW, STORIES};
use herobot::demo::record::Shown;
use herobot::demo::seed::{self, Act};
use herobot::demo::{self as demo, Options, Running};
use herobot::domain::command::{self, Command};
use herobot::store::Db;
use serde_json::{Value, json};
use sqlx::SqlitePool;

use crate::helpers::{START, eventually};

pub const SEED: u64 = 2026;

/// Thursday 3 December 2026, 10:00 UTC: December's round (rating November) opened on Tuesday
/// 1st and is still open.
pub const EARLY_DECEMBER: i64 = 1_796_292_000;

/// A demo in `dir` on a free loopback port, its clock starting at the suite's `START`.
pub async fn start_demo(dir: &std::path::Path, reset: bool, seed: u64) -> Running {
    start_demo_at(dir, reset, seed, START).await
}

/// A demo in `dir` whose clock starts at `at` (unix seconds).
pub async fn start_demo_at(dir: &std::path::Path, reset: bool, seed: u64, at: i64) -> Running {
    herobot::telemetry::init(herobot::config::LogFormat::Text);
    demo::start(Options {
        dir: dir.to_owned(),
        listen: "127.0.0.1:0".parse().unwrap(),
        reset,
        seed,
        start_at_ms: Some(at * 1000),
    })
    .await
    .expect("the demo starts")
}

async fn db(running: &Running) -> Db {
    Db::Sqlite(
        SqlitePool::connect(&format!("sqlite://{}", running.database.display()))
            .await
            .unwrap(),
    )
}

async fn count(db: &Db, table: &str) -> i64 {
    sql::query_scalar(format!("select count(*) from {table}"))
        .fetch_one(db)
        .await
        .unwrap()
}

/// Everything seeded, as comparable rows.
async fn contents(db: &Db) -> Vec<String> {
    sql::query_scalar(
        "select * from (
           select json_array(nominator_id, reason, category, customer_kind, source, created_at,
                  (select group_concat(hero_id, ',') from nomination_heroes where nomination_id = n.id))
           from nominations n order by id)
         union all
         select * from (
           select json_array(author_id, title, happened_at, fixed_at, featured_at, created_at,
                  (select group_concat(hero_id || ':' || consent, ',') from story_heroes where story_id = s.id))
           from stories s order by id)
         union all
         select * from (
           select json_array(supplier, review_channel, anonymous, created_by, created_at,
                  (select group_concat(name, '|') from
                     (select name from report_card_deliverables where card_id = c.id order by position)),
                  (select group_concat(rater_id, ',') from
                     (select rater_id from report_card_raters where card_id = c.id order by rater_id)))
           from report_cards c order by id)
         union all
         select * from (
           select json_array(month, opened_at, reminded_at, closed_at,
                  (select group_concat(rater_id || ':' || deliverable_id || ':' || rating || ':'
                                       || coalesce(comment, '') || ':' || answered_at, ',') from
                     (select * from report_card_answers where round_id = r.id
                      order by rater_id, deliverable_id)))
           from report_card_rounds r order by id)
         union all
         select * from (
           select json_array(what, owner_id, due_on, added_by, added_at, done_at, done_by)
           from report_card_actions order by id)",
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
    eventually(what, || async {
        test(&running.recorder.since(0)).then_some(())
    })
    .await;
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
        let stored: Option<(String, Option<String>, String)> = sql::query_as(
            "select source, category, (select group_concat(hero_id, ',') from
                 (select hero_id from nomination_heroes where nomination_id = n.id order by position))
             from nominations n where nominator_id = $1 and reason = $2 and created_at = $3",
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
        sql::query_scalar::<i64>(
            "select count(*) from nominations
             where source = 'modal' and channel_id = $1 and reason like 'Thank you %'"
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
        sql::query_as("select consent, count(*) from story_heroes group by 1")
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
        sql::query_scalar::<i64>("select count(*) from stories where featured_by = $1")
            .bind(LEADER.id)
            .fetch_one(&db)
            .await
            .unwrap(),
        featured as i64
    );
    let slow: i64 =
        sql::query_scalar("select count(*) from stories where fixed_at - happened_at > 86400")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(
        slow > 0 && slow < stories as i64,
        "recoveries inside and outside 24 h"
    );
    let weeks: Vec<String> = sql::query_scalar("select week from digests")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(
        weeks,
        ["2026-W46"],
        "last week's digest, by the clock at START"
    );

    // Everything was delivered, and Slack shows it where it belongs.
    let undelivered: i64 = sql::query_scalar("select count(*) from outbox where status != 'sent'")
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
            ("title", seed::Field::Text("The pallet that went to Porto")),
            (
                "what_went_wrong",
                seed::Field::Text("A pallet of monitors went to the wrong city."),
            ),
            ("happened_at", seed::Field::DateTime(now - 7200)),
            ("fixed_at", seed::Field::DateTime(now - 3600)),
            (
                "how_fixed",
                seed::Field::Text("Rebooked it on the first truck."),
            ),
            ("customer_kind", seed::Field::Choice("external")),
            ("heroes", seed::Field::Users(&["U0DKENJI"])),
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
async fn the_reset_button_starts_the_demo_over_on_the_same_address() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let (address, seeded) = (running.address.clone(), running.seeded);
    let sample = count(&db(&running).await, "nominations").await;
    page(
        &running,
        "/demo/api/send",
        json!({"user": "U0DAMARA", "channel": GENERAL.id,
        "text": "/hero <@U0DOMAR|omar> for finding the lost pallet within the hour"}),
    )
    .await;
    assert_eq!(count(&db(&running).await, "nominations").await, sample + 1);
    let before: Value = reqwest::get(format!("{address}/demo/api/workspace"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    // A form posted from another site (no JSON body) resets nothing.
    let forged = reqwest::Client::new()
        .post(format!("{address}/demo/api/reset"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("x=1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.status(),
        415,
        "a cross-site form cannot reset the demo"
    );
    assert_eq!(count(&db(&running).await, "nominations").await, sample + 1);

    let pressed = page(&running, "/demo/api/reset", json!({})).await;
    assert_eq!(pressed.status(), 202);
    tokio::time::timeout(std::time::Duration::from_secs(5), running.reset_asked())
        .await
        .expect("the press asks whoever runs the demo to start over");
    let running = running.start_over().await.unwrap();

    assert_eq!(running.address, address, "the page's address still works");
    assert_eq!(running.seeded, seeded, "seeded again");
    assert_eq!(count(&db(&running).await, "nominations").await, sample);
    let after: Value = reqwest::get(format!("{address}/demo/api/workspace"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(after["ready"], true);
    assert_ne!(
        after["started"], before["started"],
        "the page sees a new start"
    );
    assert_eq!(after["team"]["name"], cast::COMPANY);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn the_teller_asks_the_customer_from_their_confirmation_and_the_library_opens_only_for_a_leader()
 {
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    // A seeded teller's confirmation, only they can see, with its Ask the customer button.
    let (teller, channel, story) = running
        .recorder
        .since(0)
        .into_iter()
        .rev()
        .find_map(|call| match call.shown {
            Some(Shown::Ephemeral {
                channel,
                user,
                message,
            }) => message["blocks"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|b| b["elements"].as_array().into_iter().flatten())
                .find(|e| e["action_id"] == "ask_customer")
                .map(|e| (user, channel, e["value"].as_str().unwrap().to_owned())),
            _ => None,
        })
        .expect("a teller's confirmation");
    let before = running.recorder.len() as u64;
    let reply = ask(
        &running,
        "/demo/api/press",
        json!({"user": teller, "channel": channel, "ephemeral": true,
               "action": {"action_id": "ask_customer", "block_id": "ask", "value": story}}),
    )
    .await;
    assert_eq!(reply["status"], 200, "{reply}");
    // An external customer's link, privately; for an internal one, the picker opens.
    wait_for(&running, "the answer link or the picker", |calls| {
        calls.iter().skip(before as usize).any(|c| {
            matches!(&c.shown, Some(Shown::Ephemeral { user, message, .. })
                if *user == teller && message.to_string().contains("/answer/"))
        }) || reply["view"].is_object()
    })
    .await;

    // The library: a sign-in link for the leader, herobot's refusal for anyone else.
    let led = ask(
        &running,
        "/demo/api/library",
        json!({"user": LEADER.id, "channel": GENERAL.id}),
    )
    .await;
    assert!(
        led["url"].as_str().unwrap().contains("/library/login"),
        "{led}"
    );
    let refused = ask(
        &running,
        "/demo/api/library",
        json!({"user": "U0DPRIYA", "channel": GENERAL.id}),
    )
    .await;
    assert!(refused["url"].is_null(), "{refused}");
    // herobot's own pages lead back to the demo.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(format!("{}/library/sign-in", running.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Back to the demo"), "{page}");
    running.stop().await.unwrap();
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
    // A name that only starts like a loopback address resolves wherever its owner likes.
    for (host, status) in [
        ("127.0.0.1.nip.io", 403),
        ("127.0.0.1.nip.io:3000", 403),
        ("127.0.0.1:3000", 200),
        ("localhost:3000", 200),
        ("[::1]:3000", 200),
    ] {
        let answered = http
            .get(format!("{}/demo/api/workspace", running.address))
            .header("host", host)
            .send()
            .await
            .unwrap();
        assert_eq!(answered.status(), status, "{host}");
    }
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

/// The latest message in `channel` with a button `action_id`: its ts and the button's value.
fn button_in(running: &Running, channel: &str, action_id: &str) -> Option<(String, String)> {
    running
        .recorder
        .since(0)
        .into_iter()
        .rev()
        .find_map(|call| match call.shown {
            Some(Shown::Message { channel: c, ts, .. }) if c == channel => {
                let (_, message) = running.recorder.message(channel, &ts)?;
                let value = message["blocks"]
                    .as_array()?
                    .iter()
                    .flat_map(|b| b["elements"].as_array().into_iter().flatten())
                    .find(|e| e["action_id"] == action_id)?["value"]
                    .as_str()?
                    .to_owned();
                Some((ts, value))
            }
            _ => None,
        })
}

/// The messages the bot posted in `channel`, as they show now.
fn bot_messages(running: &Running, channel: &str) -> Vec<Value> {
    running
        .recorder
        .since(0)
        .into_iter()
        .filter_map(|call| match call.shown {
            Some(Shown::Message {
                channel: c,
                ts,
                user: None,
                ..
            }) if c == channel => running.recorder.message(channel, &ts).map(|(_, m)| m),
            _ => None,
        })
        .collect()
}

/// A round: ID, month, opened, reminded and closed at.
type RoundRow = (i64, String, i64, Option<i64>, Option<i64>);
/// An action item: what, owner, due on, added by, added at, done at, done by.
type ActionRow = (
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
);

const DELIVERABLES: [&str; 5] = [
    "Qualified leads by the 5th",
    "Accurate price lists",
    "Campaign calendar a month ahead",
    "Case studies for sales calls",
    "Answers to product questions within a day",
];

#[tokio::test]
async fn the_seeded_report_card_is_what_the_actions_store_for_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let db = db(&running).await;
    let steps = seed::plan(SEED, START);
    let at = |act: &Act| steps.iter().find(|s| s.act == *act).map(|s| s.at);

    // The card, as the leader filled in its modal about seven months ago.
    let (card, supplier, channel, anonymous, created_by, created_at): (
        i64,
        String,
        String,
        i64,
        String,
        i64,
    ) = sql::query_as(
        "select id, supplier, review_channel, anonymous, created_by, created_at from report_cards",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        (
            supplier.as_str(),
            channel.as_str(),
            anonymous,
            created_by.as_str()
        ),
        ("Marketing", REVIEW.id, 1, LEADER.id)
    );
    assert_eq!(Some(created_at), at(&Act::NewCard));
    assert!((START - created_at) / 86_400 > 180, "made months ago");
    let names: Vec<String> = sql::query_scalar(
        "select name from report_card_deliverables where card_id = $1 order by position",
    )
    .bind(card)
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(names, DELIVERABLES);
    let raters: Vec<String> =
        sql::query_scalar("select rater_id from report_card_raters order by rater_id")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(raters, seed::RATERS);

    // Six rounds, opened when herobot's schedule opens them, reminded after three days and
    // closed after seven (November's closed before START).
    let rounds: Vec<RoundRow> = sql::query_as(
        "select id, month, opened_at, reminded_at, closed_at from report_card_rounds order by month",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let months = seed::card_months(START);
    assert_eq!(months.len(), 6);
    let config = &running.state.config;
    for ((_, month, opened, reminded, closed), expected) in rounds.iter().zip(&months) {
        assert_eq!(*month, expected.to_string());
        let due = expected.round_opens_at(
            herobot::actions::round::time_of_day(config),
            &config.timezone,
        );
        assert_eq!(*opened, due, "{month} opens as the scheduler opens it");
        assert_eq!(*reminded, Some(opened + 3 * 86_400));
        assert_eq!(*closed, Some(opened + 7 * 86_400));
    }
    assert_eq!(rounds.len(), 6);

    // Each rating, as the rating modal gave it.
    let mut given = 0;
    for step in &steps {
        let Act::Rate {
            rater,
            month,
            ratings,
            comments,
        } = &step.act
        else {
            continue;
        };
        let round = rounds.iter().find(|r| r.1 == month.to_string()).unwrap().0;
        let stored: Vec<(i64, Option<String>, i64)> = sql::query_as(
            "select a.rating, a.comment, a.answered_at from report_card_answers a
             join report_card_deliverables d on d.id = a.deliverable_id
             where a.round_id = $1 and a.rater_id = $2 order by d.position",
        )
        .bind(round)
        .bind(rater)
        .fetch_all(&db)
        .await
        .unwrap();
        let expected: Vec<(i64, Option<String>, i64)> = ratings
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let comment = comments
                    .iter()
                    .find(|(d, _)| *d == i)
                    .map(|(_, t)| t.to_string());
                (i64::from(*r), comment, step.at)
            })
            .collect();
        assert_eq!(stored, expected, "{rater} in {month}");
        given += ratings.len();
    }
    assert_eq!(count(&db, "report_card_answers").await, given as i64);
    let comments: i64 =
        sql::query_scalar("select count(*) from report_card_answers where comment is not null")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(comments >= 5, "{comments} comments");

    // The story the trend tells: price lists better since the action item, leads slipping.
    let average = |round: i64, position: i64| {
        let db = db.clone();
        async move {
            sql::query_scalar::<f64>(
                "select avg(a.rating) from report_card_answers a
                 join report_card_deliverables d on d.id = a.deliverable_id
                 where a.round_id = $1 and d.position = $2",
            )
            .bind(round)
            .bind(position)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    let (first, last) = (rounds[0].0, rounds[5].0);
    let leads = (average(first, 0).await, average(last, 0).await);
    let prices = (average(first, 1).await, average(last, 1).await);
    assert!(leads.1 < leads.0 - 1.0, "leads slip: {leads:?}");
    assert!(prices.1 > prices.0 + 1.0, "price lists improve: {prices:?}");

    // One results post per round in the review channel, averages shown, with Add an action.
    let results = bot_messages(&running, REVIEW.id);
    let posts: Vec<&Value> = results
        .iter()
        .filter(|m| m.to_string().contains("reportcard_add_action"))
        .collect();
    assert_eq!(posts.len(), 6);
    for (post, month) in posts.iter().zip(&months) {
        let text = post.to_string();
        assert!(
            text.contains(&format!("Marketing's report card for {}", month.long())),
            "{text}"
        );
        assert!(!text.contains("not enough answers"), "{text}");
    }
    assert!(
        posts[5]
            .to_string()
            .contains("Agree the lead hand-off date"),
        "the open action item shows in the next results"
    );
    assert!(
        !posts[5].to_string().contains("Send the price list"),
        "the one done does not"
    );

    // Every rater was asked each month; a closed round's request says how it closed instead.
    for rater in seed::RATERS {
        let asked = bot_messages(&running, &cast::dm_channel(rater))
            .iter()
            .filter(|m| {
                let m = m.to_string();
                m.contains("reportcard_rate") || m.contains("this round closed on")
            })
            .count();
        assert!(asked >= 6, "{rater} was asked {asked} times");
    }

    // The action items, added through the form: the first done by its owner from her DM.
    let actions: Vec<ActionRow> = sql::query_as(
        "select what, owner_id, due_on, added_by, added_at, done_at, done_by
             from report_card_actions order by id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(actions.len(), 2);
    assert_eq!(
        Some(actions[0].4),
        at(&Act::AddAction {
            month: months[1],
            action: 0
        })
    );
    assert_eq!(actions[0].5, at(&Act::ActionDone { action: 0 }));
    assert_eq!(actions[0].6.as_deref(), Some("U0DSOFIA"));
    assert_eq!(actions[1].5, None);
    assert!(
        actions
            .iter()
            .all(|a| a.1 == "U0DSOFIA" && a.3 == LEADER.id)
    );
    let sofia = bot_messages(&running, "D0DSOFIA");
    let owned: Vec<&Value> = sofia
        .iter()
        .filter(|m| m.to_string().contains("You own an action"))
        .collect();
    assert_eq!(owned.len(), 2);
    assert!(
        !owned[0].to_string().contains("reportcard_action_done")
            && owned[0].to_string().contains("done"),
        "the done one shows it, without its button: {}",
        owned[0]
    );
    assert!(owned[1].to_string().contains("reportcard_action_done"));
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_rater_rates_the_open_round_from_their_dm_and_the_leader_adds_an_action() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo_at(dir.path(), false, SEED, EARLY_DECEMBER).await;
    let db = db(&running).await;
    let open: Vec<(i64, String)> =
        sql::query_as("select id, month from report_card_rounds where closed_at is null")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].1, "2026-11", "December's round rates November");
    let round = open[0].0;
    let answered = |rater: &'static str| {
        let db = db.clone();
        async move {
            sql::query_scalar::<i64>(
                "select count(*) from report_card_answers where round_id = $1 and rater_id = $2",
            )
            .bind(round)
            .bind(rater)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    assert_eq!(answered("U0DPRIYA").await, 0, "left for the visitor");

    // Priya presses Rate in her DM: the rating modal opens.
    let (ts, value) = button_in(&running, "D0DPRIYA", "reportcard_rate").unwrap();
    assert_eq!(value, round.to_string());
    let opened: Value = ask(
        &running,
        "/demo/api/press",
        json!({"user": "U0DPRIYA", "channel": "D0DPRIYA", "ts": ts,
               "action": {"action_id": "reportcard_rate", "block_id": "rate", "value": value}}),
    )
    .await;
    let view_id = opened["view"]["id"].as_str().unwrap().to_owned();
    let view = &opened["view"]["view"];
    assert_eq!(view["callback_id"], "report_card_rating");
    for name in DELIVERABLES {
        assert!(view.to_string().contains(name), "{name}");
    }
    let mut values = json!({});
    for (i, r) in ["2", "4", "3", "4", "5"].iter().enumerate() {
        let block = format!("rating_{}", i + 1);
        values[&block][&block] = json!({"type": "static_select",
            "selected_option": {"text": {"type": "plain_text", "text": r}, "value": r}});
    }
    // One comment, about the first deliverable (the second choice: the first is the whole card).
    let about = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "comment_about")
        .unwrap()["element"]["options"][1]
        .clone();
    values["comment"]["comment"] =
        json!({"type": "plain_text_input", "value": "Leads came on the 11th again."});
    values["comment_about"]["comment_about"] =
        json!({"type": "static_select", "selected_option": about});
    // A rating missing is refused beside it.
    let mut missing = values.clone();
    missing["rating_3"]["rating_3"]["selected_option"] = Value::Null;
    let refused: Value = ask(
        &running,
        "/demo/api/submit",
        json!({"user": "U0DPRIYA", "view_id": view_id, "values": missing}),
    )
    .await;
    assert_eq!(refused["body"]["response_action"], "errors");
    assert!(
        refused["body"]["errors"]["rating_3"].is_string(),
        "{refused}"
    );
    let thanked: Value = ask(
        &running,
        "/demo/api/submit",
        json!({"user": "U0DPRIYA", "view_id": view_id, "values": values}),
    )
    .await;
    assert_eq!(thanked["body"]["response_action"], "update", "{thanked}");
    assert_eq!(thanked["body"]["view"]["title"]["text"], "Thank you");
    assert_eq!(answered("U0DPRIYA").await, 5);
    let comment: Option<String> = sql::query_scalar(
        "select a.comment from report_card_answers a join report_card_deliverables d
         on d.id = a.deliverable_id where a.round_id = $1 and a.rater_id = 'U0DPRIYA' and d.position = 0",
    )
    .bind(round)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(comment.as_deref(), Some("Leads came on the 11th again."));

    // The leader's list, and the card modal with its channel select.
    let list: Value = ask(
        &running,
        "/demo/api/send",
        json!({"user": LEADER.id, "channel": REVIEW.id, "text": "/hero reportcard list"}),
    )
    .await;
    let text = list["body"].to_string();
    assert!(
        text.contains("Marketing") && text.contains("October 2026"),
        "{text}"
    );
    let modal: Value = ask(
        &running,
        "/demo/api/send",
        json!({"user": LEADER.id, "channel": REVIEW.id, "text": "/hero reportcard"}),
    )
    .await;
    assert_eq!(modal["view"]["view"]["callback_id"], "report_card");
    assert!(
        modal["view"]["view"]
            .to_string()
            .contains("conversations_select")
    );

    // Add an action on October's results: the form, then the owner's DM with Done.
    let (ts, value) = button_in(&running, REVIEW.id, "reportcard_add_action").unwrap();
    let form: Value = ask(
        &running,
        "/demo/api/press",
        json!({"user": LEADER.id, "channel": REVIEW.id, "ts": ts,
               "action": {"action_id": "reportcard_add_action", "block_id": "review", "value": value}}),
    )
    .await;
    let view = &form["view"]["view"];
    assert_eq!(view["callback_id"], "report_card_action");
    let values = json!({
        "what": {"what": {"type": "plain_text_input", "value": "Send the lead list on the 3rd"}},
        "owner": {"owner": {"type": "users_select", "selected_user": "U0DSOFIA"}},
        "due": {"due": {"type": "datepicker", "selected_date": "2026-12-17"}},
    });
    let added: Value = ask(
        &running,
        "/demo/api/submit",
        json!({"user": LEADER.id, "view_id": form["view"]["id"], "values": values}),
    )
    .await;
    assert_eq!(added["status"], 200, "{added}");
    assert!(added["body"]["response_action"].is_null(), "{added}");
    wait_for(&running, "Sofia's DM about the action", |calls| {
        posted_in(calls, "D0DSOFIA", "Send the lead list on the 3rd")
    })
    .await;
    let (ts, value) = button_in(&running, "D0DSOFIA", "reportcard_action_done").unwrap();
    let done: Value = ask(
        &running,
        "/demo/api/press",
        json!({"user": "U0DSOFIA", "channel": "D0DSOFIA", "ts": ts,
               "action": {"action_id": "reportcard_action_done", "block_id": "action", "value": value}}),
    )
    .await;
    assert_eq!(done["status"], 200);
    let message = eventually("the item's DM marked done", || async {
        let (_, message) = running.recorder.message("D0DSOFIA", &ts).unwrap();
        (!message.to_string().contains("reportcard_action_done")).then_some(message)
    })
    .await;
    assert!(message.to_string().contains("done"), "{message}");
    let done_by: Option<String> = sql::query_scalar(
        "select done_by from report_card_actions where what = 'Send the lead list on the 3rd'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(done_by.as_deref(), Some("U0DSOFIA"));
    running.stop().await.unwrap();
}
