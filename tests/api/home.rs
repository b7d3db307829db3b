//! App Home: opening the tab publishes the person's Home through the outbox (each section, the
//! leaders' scorecard for leaders only), its buttons work like the DM's, and a change for the
//! person re-publishes it, at most about once a minute.
use crate::sql;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::{
    LEADER, NOMINATOR, Options, TestApp, eventually, insert_story, json as body_of, now,
    spawn_app_with,
};
use crate::library::PUBLIC_URL;

const ALICE: &str = "U0ALICE";

async fn home_app() -> TestApp {
    let app = spawn_app_with(Options {
        public_url: Some(PUBLIC_URL),
        ..Options::default()
    })
    .await;
    Mock::given(method("POST"))
        .and(path("/views.publish"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"ok": true, "view": {"id": "V0HOME"}})),
        )
        .mount(&app.slack)
        .await;
    app
}

/// `user` opens the Home tab (event `id`), signed as Slack sends it.
pub async fn open_home(app: &TestApp, user: &str, id: &str) {
    let body = json!({
        "token": "x", "team_id": "T0TEAM", "api_app_id": "A0HEROBOT", "type": "event_callback",
        "event_id": id, "event_time": now(),
        "event": {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home",
                  "event_ts": format!("{}.000100", now())},
        "authorizations": [{"team_id": "T0TEAM", "user_id": "U0BOT", "is_bot": true}],
    })
    .to_string();
    let response = app
        .post_signed("/slack/events", &body, "application/json", now())
        .await;
    assert_eq!(response.status(), 200);
}

/// Every views.publish Slack received, once there are at least `n`.
pub async fn publishes(app: &TestApp, n: usize) -> Vec<Value> {
    eventually(&format!("{n} Home publishes"), || async {
        let found: Vec<Value> = app
            .slack
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == "/views.publish")
            .map(body_of)
            .collect();
        (found.len() >= n).then_some(found)
    })
    .await
}

/// A button pressed on `user`'s Home (a view: no message, no response_url).
fn press_on_home(user: &str, action_id: &str, value: Option<i64>) -> Value {
    json!({
        "type": "block_actions",
        "team": {"id": "T0TEAM", "domain": "acme"},
        "user": {"id": user, "username": "someone", "team_id": "T0TEAM"},
        "api_app_id": "A0HEROBOT",
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": "9001.1234.home",
        "view": {"id": "V0HOME", "type": "home"},
        "actions": [{
            "action_id": action_id, "block_id": "home", "type": "button",
            "value": value.map(|v| v.to_string()), "action_ts": "1700000001.000200",
        }],
    })
}

/// A recognition for Alice, a story crediting her (waiting for her OK), and one she told.
async fn alices_week(app: &TestApp) -> i64 {
    let answer = app
        .hero(
            NOMINATOR,
            "<@U0ALICE> for calling the partner back within ten minutes & fixing it",
        )
        .await;
    assert!(answer.status().is_success());
    let waiting = insert_story(
        app,
        "The <invoice> that went out twice",
        "A card",
        &[(ALICE, "pending")],
        now(),
    )
    .await;
    let told = insert_story(
        app,
        "Payroll rescued overnight",
        "Cake",
        &[("U0BOB", "granted")],
        now(),
    )
    .await;
    sql::query("update stories set author_id = $1 where id = $2")
        .bind(ALICE)
        .bind(told)
        .execute(&app.db)
        .await
        .unwrap();
    waiting
}

#[tokio::test]
async fn opening_home_publishes_the_persons_view_with_each_section() {
    let app = home_app().await;
    let waiting = alices_week(&app).await;

    open_home(&app, ALICE, "Ev0HOME1").await;

    let published = publishes(&app, 1).await;
    assert_eq!(published[0]["user_id"], ALICE);
    let view = &published[0]["view"];
    assert_eq!(view["type"], "home");
    assert!(view["blocks"].as_array().unwrap().len() <= 100);
    let text = view.to_string();
    for part in [
        "Recognise a hero",
        "Tell a recovery story",
        "*1* received · *0* given in the last 90 days",
        "calling the partner back within ten minutes &amp; fixing it",
        "from <@U0NOMINATOR>",
        "Waiting for your OK",
        "The &lt;invoice&gt; that went out twice",
        "Stories you told",
        "Payroll rescued overnight",
    ] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
    let buttons: Vec<&Value> = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["elements"].as_array().into_iter().flatten())
        .collect();
    let consent: Vec<(&str, &str)> = buttons
        .iter()
        .filter(|b| {
            b["action_id"]
                .as_str()
                .is_some_and(|a| a.starts_with("consent_"))
        })
        .map(|b| {
            (
                b["action_id"].as_str().unwrap(),
                b["value"].as_str().unwrap(),
            )
        })
        .collect();
    let id = waiting.to_string();
    assert_eq!(
        consent,
        [
            ("consent_grant", id.as_str()),
            ("consent_decline", id.as_str())
        ]
    );
    assert!(
        !text.contains("scorecard"),
        "only leaders see the scorecard"
    );

    // The same event again, and opening it again within the minute, publish nothing more.
    open_home(&app, ALICE, "Ev0HOME1").await;
    open_home(&app, ALICE, "Ev0HOME2").await;
    app.settled().await;
    assert_eq!(publishes(&app, 1).await.len(), 1);
}

#[tokio::test]
async fn leaders_see_the_scorecard_and_get_a_library_link_privately() {
    let app = home_app().await;
    // Last week's: the current week is not over.
    let last_week = now() - 7 * 86_400;
    insert_story(
        &app,
        "A recovery",
        "A card",
        &[(ALICE, "granted")],
        last_week,
    )
    .await;

    open_home(&app, LEADER, "Ev0LEAD").await;

    let view = publishes(&app, 1).await[0].clone();
    assert_eq!(view["user_id"], LEADER);
    let text = view.to_string();
    assert!(text.contains("Last week's scorecard · 2026-W46"), "{text}");
    assert!(
        text.contains("too few stories to judge (1): 1 of 1 · target 90 %"),
        "{text}"
    );
    assert!(
        text.contains(
            "*Customer blown away*\\ntoo few stories to judge (1): 1 of 1 · 0 confirmed by the customer"
        ),
        "{text}"
    );
    assert!(text.contains("recovered within 24 h"));
    assert!(text.contains("home_library_link"));

    let answer = app
        .interact(&press_on_home(LEADER, "home_library_link", None))
        .await;
    assert_eq!(answer.status(), 200);
    let dm = eventually("the library link's DM", || async {
        app.slack
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == "/chat.postMessage")
            .map(body_of)
            .find(|b| b["channel"] == LEADER)
    })
    .await;
    assert!(
        dm.to_string()
            .contains(&format!("{PUBLIC_URL}/library/login?token=")),
        "{dm}"
    );
}

#[tokio::test]
async fn consent_buttons_on_home_record_the_choice_and_show_it_at_once() {
    let app = home_app().await;
    let waiting = alices_week(&app).await;
    open_home(&app, ALICE, "Ev0HOME1").await;
    publishes(&app, 1).await;

    let answer = app
        .interact(&press_on_home(ALICE, "consent_grant", Some(waiting)))
        .await;

    assert_eq!(answer.status(), 200);
    let consent: String =
        sql::query_scalar("select consent from story_heroes where story_id = $1 and hero_id = $2")
            .bind(waiting)
            .bind(ALICE)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(consent, "granted");
    // Re-published at once (not a minute later), with nothing left waiting.
    let again = publishes(&app, 2).await;
    assert_eq!(again[1]["user_id"], ALICE);
    let text = again[1]["view"].to_string();
    assert!(text.contains("Nothing waits for you"), "{text}");

    // The DM's button does the same: declining from the DM changes the stored choice.
    let dm = json!({
        "type": "block_actions",
        "user": {"id": ALICE},
        "container": {"type": "message"},
        "channel": {"id": "D0ALICE"},
        "message": {"ts": "1700000000.000100"},
        "response_url": format!("{}/response/T0TEAM/press/dm", app.slack.uri()),
        "actions": [{"action_id": "consent_decline", "value": waiting.to_string()}],
    });
    assert_eq!(app.interact(&dm).await.status(), 200);
    let consent: String =
        sql::query_scalar("select consent from story_heroes where story_id = $1 and hero_id = $2")
            .bind(waiting)
            .bind(ALICE)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(consent, "declined");
}

#[tokio::test]
async fn a_new_recognition_republishes_the_heros_home_at_most_once_a_minute() {
    let app = home_app().await;
    open_home(&app, ALICE, "Ev0HOME1").await;
    publishes(&app, 1).await;
    // Recorded as sent before the clock moves on, or the next publish would wait a minute
    // from the later time.
    app.settled().await;
    app.clock.advance_ms(61_000);

    app.hero(
        NOMINATOR,
        "<@U0ALICE> for answering the partner's call at midnight",
    )
    .await;
    app.hero(
        NOMINATOR,
        "<@U0BOB> for a recognition of someone who never opened Home",
    )
    .await;

    let again = publishes(&app, 2).await;
    assert_eq!(again[1]["user_id"], ALICE);
    assert!(
        again[1]["view"]
            .to_string()
            .contains("answering the partner's call at midnight")
    );

    // Another right away (once that publish is recorded as sent) waits a minute after it, and
    // is queued once.
    app.settled().await;
    app.hero(NOMINATOR, "<@U0ALICE> for staying late to ship the hotfix")
        .await;
    app.hero(
        NOMINATOR,
        "<@U0ALICE> for writing the customer a real apology",
    )
    .await;
    let (waiting, due_ms, sent_at): (i64, i64, i64) = sql::query_as(
        "select count(*), max(next_attempt_at_ms),
                (select max(sent_at) from outbox where render = 'home' and recipient = $1)
         from outbox where render = 'home' and recipient = $1 and status = 'pending'",
    )
    .bind(ALICE)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(waiting, 1);
    assert!(due_ms >= sent_at * 1000 + 60_000, "{due_ms} vs {sent_at}");
    let bobs: i64 = sql::query_scalar(
        "select count(*) from outbox where render = 'home' and recipient = 'U0BOB'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        bobs, 0,
        "Home is re-published only for people who opened it"
    );
}

#[tokio::test]
async fn homes_buttons_open_the_same_forms_as_hero_and_hero_story() {
    let app = home_app().await;
    for action in ["home_nominate", "home_tell_story"] {
        let answer = app.interact(&press_on_home(ALICE, action, None)).await;
        assert_eq!(answer.status(), 200);
    }
    app.hero(ALICE, "").await;
    app.hero(ALICE, "story").await;

    let opened: Vec<Value> = eventually("four forms opened", || async {
        let found: Vec<Value> = app
            .slack
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == "/views.open")
            .map(body_of)
            .collect();
        (found.len() >= 4).then_some(found)
    })
    .await;
    assert_eq!(opened[0]["trigger_id"], "9001.1234.home");
    let callback = |i: usize| opened[i]["view"]["callback_id"].clone();
    assert_eq!(
        callback(0),
        callback(2),
        "Recognise a hero opens /hero's form"
    );
    assert_eq!(
        callback(1),
        callback(3),
        "Tell a recovery story opens /hero story's form"
    );
    assert_ne!(callback(0), callback(1));
}
