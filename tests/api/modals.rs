//! The nomination and recovery-story modals: open → submit → stored → posted, and every
//! validation error beside its field.
use crate::sql;
use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{
    HEROES_CHANNEL, NOMINATOR, STORIES_CHANNEL, TestApp, json as body_json, now, spawn_app, to_path,
};

pub fn nomination_values(heroes: &[&str], reason: &str) -> Value {
    json!({
        "heroes": {"heroes": {"type": "multi_users_select", "selected_users": heroes}},
        "category": {"category": {"type": "static_select", "selected_option": null}},
        "reason": {"reason": {"type": "plain_text_input", "value": reason}},
        "customer_kind": {"customer_kind": {"type": "radio_buttons", "selected_option": null}},
        "tags": {"tags": {"type": "plain_text_input", "value": null}},
    })
}

/// A story submission's values: times as offsets in seconds from now.
pub fn story_values(happened_ago: i64, fixed_ago: i64, heroes: &[&str]) -> Value {
    json!({
        "title": {"title": {"type": "plain_text_input", "value": "The invoice that went out twice"}},
        "what_went_wrong": {"what_went_wrong": {"type": "plain_text_input", "value": "500 customers were billed twice for March."}},
        "happened_at": {"happened_at": {"type": "datetimepicker", "selected_date_time": now() - happened_ago}},
        "fixed_at": {"fixed_at": {"type": "datetimepicker", "selected_date_time": now() - fixed_ago}},
        "how_fixed": {"how_fixed": {"type": "plain_text_input", "value": "Refunded every double charge & emailed each customer."}},
        "surprise": {"surprise": {"type": "plain_text_input", "value": "A <handwritten> thank-you card and a month free."}},
        "customer_kind": {"customer_kind": {"type": "radio_buttons", "selected_option": {"text": {"type": "plain_text", "text": "External"}, "value": "external"}}},
        "reaction": {"reaction": {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": "Blown away"}, "value": "blown_away"}}},
        "heroes": {"heroes": {"type": "multi_users_select", "selected_users": heroes}},
        "tags": {"tags": {"type": "plain_text_input", "value": "billing, #refunds"}},
    })
}

pub fn submission(callback_id: &str, values: Value, metadata: &str) -> Value {
    json!({
        "type": "view_submission",
        "team": {"id": "T0TEAM", "domain": "acme"},
        "user": {"id": NOMINATOR, "username": "nominator", "team_id": "T0TEAM"},
        "api_app_id": "A0HEROBOT",
        "trigger_id": "8001.1234.abc",
        "view": {
            "id": format!("V0{}", crate::helpers::trigger_id().replace('.', "")),
            "team_id": "T0TEAM",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": metadata,
            "state": {"values": values},
        },
    })
}

fn metadata(app: &TestApp) -> String {
    json!({"channel": "C0GENERAL", "response_url": format!("{}/response/T0TEAM/5678/modal", app.slack.uri())}).to_string()
}

fn error_keys(answer: &Value) -> BTreeSet<String> {
    assert_eq!(answer["response_action"], "errors", "{answer}");
    answer["errors"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

fn keys(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// The views Slack was asked to open, in order.
async fn opened_views(app: &TestApp) -> Vec<Value> {
    app.slack
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/views.open")
        .map(body_json)
        .collect()
}

/// Tells a story through the modal; returns its ID.
pub async fn tell_story(app: &TestApp, heroes: &[&str]) -> i64 {
    let response = app
        .interact(&submission(
            "story",
            story_values(6 * 3600, 3600, heroes),
            &metadata(app),
        ))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "", "the modal closes");
    sql::query_scalar("select max(id) from stories")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn hero_alone_opens_the_nomination_modal_with_where_it_was_typed() {
    let app = spawn_app().await;

    let response = app.hero(NOMINATOR, "").await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "");
    let opened = opened_views(&app).await;
    assert_eq!(opened.len(), 1);
    assert!(
        opened[0]["trigger_id"]
            .as_str()
            .unwrap()
            .contains("4744562")
    );
    let view = &opened[0]["view"];
    assert_eq!(view["callback_id"], "nomination");
    assert!(view["title"]["text"].as_str().unwrap().chars().count() <= 24);
    let origin: Value = serde_json::from_str(view["private_metadata"].as_str().unwrap()).unwrap();
    assert_eq!(origin["channel"], "C0GENERAL");
    assert!(
        origin["response_url"]
            .as_str()
            .unwrap()
            .contains("/response/")
    );
    let block_ids: Vec<&str> = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["block_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        block_ids,
        ["heroes", "category", "reason", "customer_kind", "tags"]
    );
}

#[tokio::test]
async fn a_submitted_nomination_modal_is_stored_celebrated_and_told_to_the_hero() {
    let app = spawn_app().await;
    let mut values = nomination_values(
        &["U0ALICE"],
        "Walked the finance team through the new invoicing flow twice",
    );
    values["category"]["category"]["selected_option"] =
        json!({"text": {"type": "plain_text", "text": "Internal"}, "value": "internal"});
    values["tags"]["tags"]["value"] = json!("finance onboarding");

    let response = app
        .interact(&submission("nomination", values, &metadata(&app)))
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.text().await.unwrap(),
        "",
        "an empty answer closes the modal"
    );
    let row: (String, Option<String>, Option<String>, String) =
        sql::query_as("select source, category, customer_kind, reason from nominations")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        row,
        (
            "modal".into(),
            Some("internal".into()),
            Some("internal".into()),
            "Walked the finance team through the new invoicing flow twice".into()
        )
    );
    let requests = app.slack_requests(3).await;
    let channels: BTreeSet<String> = to_path(&requests, "/chat.postMessage")
        .iter()
        .map(|r| body_json(r)["channel"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(channels, keys(&[HEROES_CHANNEL, "U0ALICE"]));
    // The nominator is thanked privately where they typed `/hero`, as a quick nomination is.
    let confirmation = to_path(&requests, "/response/T0TEAM/5678/modal");
    assert_eq!(confirmation.len(), 1);
    let confirmation = body_json(confirmation[0]);
    assert_eq!(confirmation["response_type"], "ephemeral");
    assert!(
        confirmation["text"]
            .as_str()
            .unwrap()
            .contains("Thank you! <@U0ALICE> recognised."),
        "{confirmation}"
    );
}

#[tokio::test]
async fn a_nomination_modal_without_a_place_to_answer_confirms_in_a_dm() {
    let app = spawn_app().await;
    let values = nomination_values(
        &["U0ALICE"],
        "Walked the finance team through the new invoicing flow twice",
    );

    let response = app.interact(&submission("nomination", values, "")).await;

    assert_eq!(response.text().await.unwrap(), "");
    let dm = crate::helpers::eventually("the nominator's DM", || async {
        to_path(
            &app.slack.received_requests().await.unwrap(),
            "/chat.postMessage",
        )
        .into_iter()
        .map(body_json)
        .find(|p| p["channel"] == NOMINATOR)
    })
    .await;
    assert!(dm["text"].as_str().unwrap().contains("Thank you!"), "{dm}");
}

#[tokio::test]
async fn a_story_without_a_surprise_is_not_scolded_in_public_but_the_teller_gets_a_tip() {
    let app = spawn_app().await;
    let mut values = story_values(6 * 3600, 3600, &["U0ALICE"]);
    values["surprise"]["surprise"]["value"] = Value::Null;
    let response = app
        .interact(&submission("story", values, &metadata(&app)))
        .await;
    assert_eq!(response.text().await.unwrap(), "");

    let requests = app.slack_requests(3).await;
    let post = to_path(&requests, "/chat.postMessage")
        .into_iter()
        .map(body_json)
        .find(|p| p["channel"] == STORIES_CHANNEL)
        .expect("the story post");
    let public = post.to_string();
    assert!(
        !public.contains("No surprise") && !public.contains("surprise them"),
        "{public}"
    );
    let told = body_json(to_path(&requests, "/response/T0TEAM/5678/modal")[0]);
    assert!(told.to_string().contains("A tip for next time"), "{told}");
}

#[tokio::test]
async fn nomination_modal_errors_are_shown_beside_their_fields_and_store_nothing() {
    let app = spawn_app().await;
    let meta = metadata(&app);
    let cases = [
        (nomination_values(&[], "short"), keys(&["heroes", "reason"])),
        (
            nomination_values(
                &[NOMINATOR],
                "Fixed my own mistake before anyone noticed it",
            ),
            keys(&["heroes"]),
        ),
        (
            {
                let mut v = nomination_values(
                    &["U0ALICE"],
                    "Answered the partner's question within five minutes",
                );
                v["category"]["category"]["selected_option"] = json!({"value": "external"});
                v["customer_kind"]["customer_kind"]["selected_option"] =
                    json!({"value": "internal"});
                v
            },
            keys(&["customer_kind"]),
        ),
        (
            {
                let mut v = nomination_values(
                    &["U0ALICE"],
                    "Answered the partner's question within five minutes",
                );
                v["tags"]["tags"]["value"] = json!("good, not!ok");
                v
            },
            keys(&["tags"]),
        ),
    ];
    for (values, expected) in cases {
        let answer: Value = app
            .interact(&submission("nomination", values, &meta))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(error_keys(&answer), expected, "{answer}");
    }
    assert_eq!(app.count("nominations").await, 0);
    assert_eq!(app.count("outbox").await, 0);
}

#[tokio::test]
async fn hero_story_opens_the_story_modal_within_slacks_limits() {
    let app = spawn_app().await;

    app.hero(NOMINATOR, "story").await;

    let opened = opened_views(&app).await;
    let view = &opened[0]["view"];
    assert_eq!(view["callback_id"], "story");
    assert!(view["title"]["text"].as_str().unwrap().chars().count() <= 24);
    let blocks = view["blocks"].as_array().unwrap();
    assert!(blocks.len() <= 100);
    let surprise = blocks.iter().find(|b| b["block_id"] == "surprise").unwrap();
    assert_eq!(surprise["optional"], true);
    assert!(
        surprise["hint"]["text"]
            .as_str()
            .unwrap()
            .contains("half of a dazzling recovery")
    );
    for block in blocks {
        if let Some(max) = block["element"]["max_length"].as_u64() {
            assert!(max <= 3000);
        }
    }
}

#[tokio::test]
async fn a_told_story_is_stored_posted_to_the_stories_channel_and_each_hero_asked_for_consent() {
    let app = spawn_app().await;

    let id = tell_story(&app, &["U0ALICE", "U0BOB"]).await;

    let stored: (String, i64, Option<String>, String, String) =
        sql::query_as("select title, fixed_at - happened_at, surprise, customer_kind, reaction from stories where id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        stored,
        (
            "The invoice that went out twice".into(),
            5 * 3600,
            Some("A <handwritten> thank-you card and a month free.".into()),
            "external".into(),
            "blown_away".into()
        )
    );
    let consents: Vec<(String, String)> =
        sql::query_as("select hero_id, consent from story_heroes order by position")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        consents,
        [
            ("U0ALICE".into(), "pending".into()),
            ("U0BOB".into(), "pending".into())
        ]
    );

    // The post, two consent requests and the teller's confirmation.
    let requests = app.slack_requests(4).await;
    let posts: Vec<Value> = to_path(&requests, "/chat.postMessage")
        .iter()
        .map(|r| body_json(r))
        .collect();
    let post = posts
        .iter()
        .find(|p| p["channel"] == STORIES_CHANNEL)
        .expect("posted to the stories channel");
    let text = post["blocks"].to_string();
    assert!(text.contains("The invoice that went out twice"));
    assert!(text.contains("fixed in 5 hours — within 24 h ✓"), "{text}");
    assert!(
        text.contains("A &lt;handwritten&gt; thank-you card"),
        "user text is escaped: {text}"
    );
    assert!(text.contains("feature_story"));
    for hero in ["U0ALICE", "U0BOB"] {
        let dm = posts
            .iter()
            .find(|p| p["channel"] == hero)
            .expect("a consent request to each hero");
        let actions: Vec<&str> = dm["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["type"] == "actions")
            .flat_map(|b| b["elements"].as_array().unwrap())
            .map(|e| e["action_id"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["consent_grant", "consent_decline"]);
    }
}

#[tokio::test]
async fn a_story_fixed_after_three_days_says_so_without_the_tick() {
    let app = spawn_app().await;
    let values = story_values(4 * 86_400, 86_400, &["U0ALICE"]);
    app.interact(&submission("story", values, &metadata(&app)))
        .await;
    // The post, the consent DM and the teller's note go in lanes of their own: all of them.
    app.settled().await;
    let requests = app.slack.received_requests().await.unwrap();
    let post = to_path(&requests, "/chat.postMessage")
        .into_iter()
        .map(body_json)
        .find(|p| p["channel"] == STORIES_CHANNEL)
        .unwrap();
    let text = post["blocks"].to_string();
    assert!(
        text.contains("fixed in 3 days") && !text.contains("within 24 h"),
        "{text}"
    );
}

#[tokio::test]
async fn story_modal_errors_are_shown_beside_their_fields_and_store_nothing() {
    let app = spawn_app().await;
    let meta = metadata(&app);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = story_values(6 * 3600, 3600, &["U0ALICE"]);
        f(&mut v);
        v
    };
    let cases = [
        (
            with(&|v| v["fixed_at"]["fixed_at"]["selected_date_time"] = json!(now() - 7 * 3600)),
            keys(&["fixed_at"]),
        ),
        (
            with(&|v| v["happened_at"]["happened_at"]["selected_date_time"] = json!(now() + 3600)),
            keys(&["happened_at"]),
        ),
        (
            with(&|v| v["heroes"]["heroes"]["selected_users"] = json!([])),
            keys(&["heroes"]),
        ),
        (
            with(&|v| v["heroes"]["heroes"]["selected_users"] = json!([NOMINATOR])),
            keys(&["heroes"]),
        ),
        (
            with(&|v| {
                v["title"]["title"]["value"] = json!("   ");
                v["how_fixed"]["how_fixed"]["value"] = Value::Null;
            }),
            keys(&["title", "how_fixed"]),
        ),
        (
            with(&|v| v["title"]["title"]["value"] = json!("x".repeat(121))),
            keys(&["title"]),
        ),
        (
            with(&|v| v["fixed_at"]["fixed_at"]["selected_date_time"] = Value::Null),
            keys(&["fixed_at"]),
        ),
    ];
    for (values, expected) in cases {
        let answer: Value = app
            .interact(&submission("story", values, &meta))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(error_keys(&answer), expected, "{answer}");
    }
    assert_eq!(app.count("stories").await, 0);
    assert_eq!(app.count("outbox").await, 0);
}

#[tokio::test]
async fn the_nominate_shortcut_prefills_the_author_and_text_and_keeps_the_permalink() {
    let app = spawn_app().await;
    let fixture = include_str!("../fixtures/message_action_nominate.json").replace(
        "RESPONSE_URL",
        &format!("{}/response/T0TEAM/9/shortcut", app.slack.uri()),
    );
    let action: Value = serde_json::from_str(&fixture).unwrap();

    let response = app.interact(&action).await;

    assert_eq!(response.status(), 200);
    let view = opened_views(&app).await.remove(0)["view"].clone();
    assert_eq!(view["callback_id"], "nomination");
    let heroes = &view["blocks"][0]["element"];
    assert_eq!(heroes["initial_users"], json!(["U0ALICE"]));
    let reason = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "reason")
        .unwrap();
    assert_eq!(
        reason["element"]["initial_value"],
        "Fixed the refund for the Acme account & called them back within the hour"
    );
    let metadata = view["private_metadata"].as_str().unwrap().to_owned();

    let values = nomination_values(
        &["U0ALICE"],
        "Fixed the refund for the Acme account & called them back within the hour",
    );
    app.interact(&submission("nomination", values, &metadata))
        .await;
    let row: (String, Option<String>) =
        sql::query_as("select source, message_permalink from nominations")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        row,
        (
            "shortcut".into(),
            Some("https://acme.slack.com/archives/C0SUPPORT/p1700000000000100".into())
        )
    );
}

#[tokio::test]
async fn the_story_shortcut_prefills_what_went_wrong_and_keeps_the_permalink() {
    let app = spawn_app().await;
    let fixture = include_str!("../fixtures/message_action_nominate.json")
        .replace("nominate_from_message", "story_from_message")
        .replace(
            "RESPONSE_URL",
            &format!("{}/response/T0TEAM/9/shortcut", app.slack.uri()),
        );

    app.interact(&serde_json::from_str(&fixture).unwrap()).await;

    let view = opened_views(&app).await.remove(0)["view"].clone();
    assert_eq!(view["callback_id"], "story");
    let wrong = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "what_went_wrong")
        .unwrap();
    assert!(
        wrong["element"]["initial_value"]
            .as_str()
            .unwrap()
            .starts_with("Fixed the refund")
    );
    let metadata = view["private_metadata"].as_str().unwrap().to_owned();
    app.interact(&submission(
        "story",
        story_values(7200, 3600, &["U0ALICE"]),
        &metadata,
    ))
    .await;
    let permalink: Option<String> = sql::query_scalar("select message_permalink from stories")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        permalink.as_deref(),
        Some("https://acme.slack.com/archives/C0SUPPORT/p1700000000000100")
    );
}

/// A story submitted while another process holds the database's write lock keeps the modal open
/// with a message, in time, and stores nothing.
#[tokio::test]
async fn a_story_submitted_while_the_database_is_locked_keeps_the_modal_open() {
    let app = spawn_app().await;
    let meta = metadata(&app);
    let holder = crate::helpers::hold_write_lock(&app.db).await;

    let answer: Value = app
        .interact(&submission(
            "story",
            story_values(6 * 3600, 3600, &["U0ALICE"]),
            &meta,
        ))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(answer["response_action"], "errors");
    assert!(
        answer["errors"]["title"]
            .as_str()
            .unwrap()
            .contains("Nothing was saved"),
        "{answer}"
    );
    drop(holder);
    assert_eq!(app.count("stories").await, 0);
    assert_eq!(app.count("outbox").await, 0);
}
