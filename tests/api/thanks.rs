//! **👏 Add your thanks** on celebrations and story posts: once per person, never by a hero or
//! by whoever made the post, the post updated in place (coalesced in a burst), the count on the
//! heroes' profile and Home and in the export, and no new post or DM.
use crate::sql;
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::path;
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::{
    HEROES_CHANNEL, NOMINATOR, Options, TestApp, eventually, json as body_json, slack_ok,
    spawn_app, spawn_app_with, to_path, trigger_id,
};
use crate::home::{open_home, publishes};
use crate::modals::tell_story;

/// The ts fake Slack gives every posted message.
const POSTED_TS: &str = "1700000000.000100";

/// A press of **👏 Add your thanks** on the post at (`channel`, [`POSTED_TS`]), each with a
/// trigger of its own (a press is recognised by its trigger, as Slack makes them).
fn thank(app: &TestApp, user: &str, action_id: &str, id: i64, channel: &str) -> Value {
    json!({
        "type": "block_actions",
        "team": {"id": "T0TEAM", "domain": "acme"},
        "user": {"id": user, "username": "someone", "team_id": "T0TEAM"},
        "api_app_id": "A0HEROBOT",
        "container": {"type": "message", "message_ts": POSTED_TS, "channel_id": channel, "is_ephemeral": false},
        "trigger_id": trigger_id(),
        "channel": {"id": channel, "name": "heroes"},
        "message": {"type": "message", "ts": POSTED_TS, "text": "…"},
        "response_url": format!("{}/response/T0TEAM/thanks/{user}", app.slack.uri()),
        "actions": [{
            "action_id": action_id, "block_id": "thanks", "type": "button",
            "value": id.to_string(), "action_ts": "1700000001.000200",
        }],
    })
}

async fn mount_update(app: &TestApp, delay: Duration) {
    Mock::given(path("/chat.update"))
        .respond_with(slack_ok().set_delay(delay))
        .mount(&app.slack)
        .await;
}

/// A nomination of Alice by the nominator, its celebration posted; its ID.
async fn celebrated(app: &TestApp) -> i64 {
    app.hero(
        NOMINATOR,
        "<@U0ALICE> for turning a billing outage into a thank-you note",
    )
    .await;
    app.settled().await;
    sql::query_scalar("select max(id) from nominations")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The private notes `user` got, once there are `n`.
async fn notes_to(app: &TestApp, user: &str, n: usize) -> Vec<String> {
    let at = format!("/response/T0TEAM/thanks/{user}");
    eventually(&format!("{n} notes to {user}"), || async {
        let found: Vec<String> = app
            .slack
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == at)
            .map(body_json)
            .inspect(|note| {
                assert_eq!(note["response_type"], "ephemeral", "{note}");
                assert_eq!(note["replace_original"], false, "{note}");
            })
            .map(|note| note["text"].as_str().unwrap_or_default().to_owned())
            .collect();
        (found.len() >= n).then_some(found)
    })
    .await
}

async fn updates(app: &TestApp) -> Vec<Value> {
    let requests = app.slack.received_requests().await.unwrap();
    to_path(&requests, "/chat.update")
        .into_iter()
        .map(body_json)
        .collect()
}

/// How many posts and DMs Slack was sent.
async fn posts(app: &TestApp) -> usize {
    let requests = app.slack.received_requests().await.unwrap();
    to_path(&requests, "/chat.postMessage").len()
}

async fn thanks_stored(app: &TestApp) -> i64 {
    app.count("thanks").await
}

#[tokio::test]
async fn a_colleague_thanks_once_and_the_celebration_counts_it_in_place() {
    let app = spawn_app().await;
    mount_update(&app, Duration::ZERO).await;
    let nomination = celebrated(&app).await;
    let posted = posts(&app).await;
    let celebration: Value = {
        let requests = app.slack.received_requests().await.unwrap();
        to_path(&requests, "/chat.postMessage")
            .into_iter()
            .map(body_json)
            .find(|p| p["channel"] == HEROES_CHANNEL)
            .expect("the celebration")
    };
    let button = celebration["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "thanks")
        .expect("the celebration has the thanks button")["elements"][0]
        .clone();
    assert_eq!(button["action_id"], "thanks_nomination");
    assert_eq!(button["value"], nomination.to_string());

    for _ in 0..2 {
        app.interact(&thank(
            &app,
            "U0CAROL",
            "thanks_nomination",
            nomination,
            HEROES_CHANNEL,
        ))
        .await;
    }

    let notes = notes_to(&app, "U0CAROL", 2).await;
    assert!(notes[0].contains("Your thanks were added"), "{notes:?}");
    assert_eq!(notes[1], "You already added your thanks.");
    assert_eq!(thanks_stored(&app).await, 1);
    app.settled().await;
    let updated = updates(&app).await;
    assert_eq!(updated.len(), 1, "one change, one update: {updated:?}");
    assert_eq!(updated[0]["channel"], HEROES_CHANNEL);
    assert_eq!(updated[0]["ts"], POSTED_TS);
    let blocks = updated[0]["blocks"].to_string();
    assert!(
        blocks.contains(":clap: +1 colleague added their thanks")
            && blocks.contains("Service hero:")
            && blocks.contains("thanks_nomination"),
        "{blocks}"
    );
    assert_eq!(posts(&app).await, posted, "no new post and no DM");
}

#[tokio::test]
async fn heroes_and_the_nominator_cannot_add_thanks_and_nothing_changes() {
    let app = spawn_app().await;
    mount_update(&app, Duration::ZERO).await;
    let nomination = celebrated(&app).await;

    for user in ["U0ALICE", NOMINATOR] {
        app.interact(&thank(
            &app,
            user,
            "thanks_nomination",
            nomination,
            HEROES_CHANNEL,
        ))
        .await;
    }

    assert_eq!(
        notes_to(&app, "U0ALICE", 1).await,
        ["Heroes can't thank themselves, but your colleagues can."]
    );
    assert!(notes_to(&app, NOMINATOR, 1).await[0].contains("This recognition is yours"));
    app.settled().await;
    assert_eq!(thanks_stored(&app).await, 0);
    assert!(updates(&app).await.is_empty());
}

/// Twenty colleagues press at once while Slack is slow to update: every press counts, and the
/// post is updated a few times (each update renders the count when it is sent), not twenty.
#[tokio::test]
async fn a_burst_of_thanks_loses_no_count_and_updates_the_post_a_few_times() {
    let app = spawn_app().await;
    mount_update(&app, Duration::from_millis(500)).await;
    let nomination = celebrated(&app).await;

    let mut presses = tokio::task::JoinSet::new();
    for i in 0..20 {
        let press = thank(
            &app,
            &format!("U0COLLEAGUE{i:02}"),
            "thanks_nomination",
            nomination,
            HEROES_CHANNEL,
        );
        let body = serde_urlencoded::to_string([("payload", press.to_string())]).unwrap();
        presses.spawn(app.signed("/slack/interactions", &body).send());
    }
    while let Some(sent) = presses.join_next().await {
        assert_eq!(sent.unwrap().unwrap().status(), 200);
    }

    assert_eq!(thanks_stored(&app).await, 20);
    app.settled().await;
    let updated = updates(&app).await;
    assert!(
        // Measured here: one. A slow machine spreads the presses over more updates, but never
        // one each: a press finds the update still waiting and adds nothing to the queue.
        (1..20).contains(&updated.len()),
        "{} updates for 20 presses",
        updated.len()
    );
    let last = updated.last().unwrap()["blocks"].to_string();
    assert!(last.contains("+20 colleagues added their thanks"), "{last}");
}

#[tokio::test]
async fn thanks_on_a_story_post_count_in_the_heroes_profile_home_and_export() {
    let app = spawn_app_with(Options {
        api_token: Some("api-token-for-tests"),
        ..Options::default()
    })
    .await;
    mount_update(&app, Duration::ZERO).await;
    Mock::given(path("/views.publish"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&app.slack)
        .await;
    let story = tell_story(&app, &["U0ALICE", "U0BOB"]).await;
    app.settled().await;
    let nomination = celebrated(&app).await;

    // Fake Slack answers every post as made in the heroes channel: that is where it is.
    for user in ["U0CAROL", "U0DAN"] {
        app.interact(&thank(&app, user, "thanks_story", story, HEROES_CHANNEL))
            .await;
    }
    app.interact(&thank(
        &app,
        "U0CAROL",
        "thanks_nomination",
        nomination,
        HEROES_CHANNEL,
    ))
    .await;
    // The teller made the post: their thanks are in it.
    app.interact(&thank(
        &app,
        NOMINATOR,
        "thanks_story",
        story,
        HEROES_CHANNEL,
    ))
    .await;
    assert!(notes_to(&app, NOMINATOR, 1).await[0].contains("This recognition is yours"));
    assert_eq!(thanks_stored(&app).await, 3);
    app.settled().await;
    let story_update = updates(&app)
        .await
        .into_iter()
        .rfind(|u| u["blocks"].to_string().contains("thanks_story"))
        .expect("the story post updated");
    assert!(
        story_update["blocks"]
            .to_string()
            .contains("+2 colleagues added their thanks"),
        "{story_update}"
    );

    let profile: Value = app
        .hero("U0CAROL", "profile <@U0ALICE>")
        .await
        .json()
        .await
        .unwrap();
    let text = profile["text"].as_str().unwrap();
    assert!(text.contains("👏 3 thanks from colleagues"), "{text}");
    let bob: Value = app
        .hero("U0CAROL", "profile <@U0BOB>")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        bob["text"]
            .as_str()
            .unwrap()
            .contains("👏 2 thanks from colleagues"),
        "{bob}"
    );

    open_home(&app, "U0ALICE", "Ev1").await;
    let home = publishes(&app, 1).await.last().unwrap().to_string();
    assert!(home.contains("👏 3 thanks from colleagues"), "{home}");

    let csv = app
        .http
        .get(format!("{}/api/stories?format=csv", app.address))
        .bearer_auth("api-token-for-tests")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "thanks")
        .expect("a thanks column");
    assert_eq!(row[column], "2", "{csv}");
    let exported: Value = app
        .http
        .get(format!("{}/api/stories?format=json", app.address))
        .bearer_auth("api-token-for-tests")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(exported["stories"][0]["thanks"], 2);
}

#[tokio::test]
async fn an_old_thanks_button_for_a_recognition_no_longer_kept_is_answered_in_words() {
    let app = spawn_app().await;
    app.interact(&thank(&app, "U0CAROL", "thanks_story", 999, "C0STORIES"))
        .await;
    assert!(notes_to(&app, "U0CAROL", 1).await[0].contains("no longer kept"));
    assert_eq!(thanks_stored(&app).await, 0);
}

/// A celebration posted where `/hero` was typed (no heroes channel) has no `ts` herobot keeps:
/// the press's response_url replaces it, counting the thanks.
#[tokio::test]
async fn a_celebration_posted_where_hero_was_typed_is_replaced_through_the_press() {
    let app = spawn_app_with(Options {
        heroes_channel: None,
        ..Options::default()
    })
    .await;
    let nomination = celebrated(&app).await;

    app.interact(&thank(
        &app,
        "U0CAROL",
        "thanks_nomination",
        nomination,
        "C0GENERAL",
    ))
    .await;

    let at = "/response/T0TEAM/thanks/U0CAROL";
    let replies = eventually("the replacement and the note", || async {
        let found: Vec<Value> = app
            .slack
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == at)
            .map(body_json)
            .collect();
        (found.len() >= 2).then_some(found)
    })
    .await;
    let replaced = replies
        .iter()
        .find(|r| r["replace_original"] == true)
        .expect("the celebration replaced");
    assert!(
        replaced["blocks"]
            .to_string()
            .contains("+1 colleague added their thanks"),
        "{replaced}"
    );
    assert!(updates(&app).await.is_empty());
}
