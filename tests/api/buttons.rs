//! Consent buttons in a hero's DM and the Feature button on a story post, including presses
//! that repeat and people who may not press them.
use crate::sql;
use serde_json::{Value, json};

use crate::helpers::{LEADER, NOMINATOR, TestApp, eventually, json as body_json, spawn_app};
use crate::modals::tell_story;

fn press(app: &TestApp, user: &str, action_id: &str, story_id: i64, channel: &str) -> Value {
    json!({
        "type": "block_actions",
        "team": {"id": "T0TEAM", "domain": "acme"},
        "user": {"id": user, "username": "someone", "team_id": "T0TEAM"},
        "api_app_id": "A0HEROBOT",
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": channel, "is_ephemeral": false},
        "trigger_id": "9001.1234.abc",
        "channel": {"id": channel, "name": "somewhere"},
        "message": {"type": "message", "ts": "1700000000.000100", "text": "…"},
        "response_url": format!("{}/response/T0TEAM/press/{user}", app.slack.uri()),
        "actions": [{
            "action_id": action_id, "block_id": "consent", "type": "button",
            "value": story_id.to_string(), "action_ts": "1700000001.000200",
        }],
    })
}

/// What was posted to response URLs, in order, once at least `wait_for` arrived.
async fn responses(app: &TestApp, wait_for: usize) -> Vec<Value> {
    eventually(&format!("{wait_for} responses"), || async {
        let found: Vec<Value> = app
            .slack
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path().contains("/response/T0TEAM/press/"))
            .map(body_json)
            .collect();
        (found.len() >= wait_for).then_some(found)
    })
    .await
}

async fn consent_of(app: &TestApp, story: i64, hero: &str) -> String {
    sql::query_scalar("select consent from story_heroes where story_id = $1 and hero_id = $2")
        .bind(story)
        .bind(hero)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_hero_grants_consent_and_the_dm_shows_it_even_when_pressed_twice() {
    let app = spawn_app().await;
    let story = tell_story(&app, &["U0ALICE", "U0BOB"]).await;

    for _ in 0..2 {
        let response = app
            .interact(&press(&app, "U0ALICE", "consent_grant", story, "D0ALICE"))
            .await;
        assert_eq!(response.status(), 200);
    }

    assert_eq!(consent_of(&app, story, "U0ALICE").await, "granted");
    assert_eq!(
        consent_of(&app, story, "U0BOB").await,
        "pending",
        "only the hero who pressed"
    );
    let updates = responses(&app, 1).await;
    app.settled().await;
    assert_eq!(
        responses(&app, 1).await.len(),
        1,
        "pressed twice, changed once"
    );
    assert_eq!(updates[0]["replace_original"], true);
    assert!(
        updates[0]["blocks"]
            .to_string()
            .contains("You agreed that this story can be told outside Slack")
    );
}

#[tokio::test]
async fn a_hero_can_change_their_mind_later() {
    let app = spawn_app().await;
    let story = tell_story(&app, &["U0ALICE"]).await;

    app.interact(&press(&app, "U0ALICE", "consent_grant", story, "D0ALICE"))
        .await;
    responses(&app, 1).await;
    app.interact(&press(&app, "U0ALICE", "consent_decline", story, "D0ALICE"))
        .await;

    assert_eq!(consent_of(&app, story, "U0ALICE").await, "declined");
    let updates = responses(&app, 2).await;
    assert!(
        updates[1]["blocks"]
            .to_string()
            .contains("keep this story inside Slack")
    );
}

#[tokio::test]
async fn someone_not_credited_cannot_consent_for_a_story() {
    let app = spawn_app().await;
    let story = tell_story(&app, &["U0ALICE"]).await;
    app.interact(&press(
        &app,
        "U0MALLORY",
        "consent_grant",
        story,
        "D0MALLORY",
    ))
    .await;
    assert_eq!(consent_of(&app, story, "U0ALICE").await, "pending");
    let changed: i64 =
        sql::query_scalar("select count(*) from story_heroes where consent != 'pending'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(changed, 0);
}

#[tokio::test]
async fn a_leader_features_a_story_once_and_the_post_shows_it() {
    let app = spawn_app().await;
    let story = tell_story(&app, &["U0ALICE"]).await;

    for _ in 0..2 {
        app.interact(&press(&app, LEADER, "feature_story", story, "C0STORIES"))
            .await;
    }

    let featured: (Option<i64>, Option<String>) =
        sql::query_as("select featured_at, featured_by from stories where id = $1")
            .bind(story)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(featured.0.is_some());
    assert_eq!(featured.1.as_deref(), Some(LEADER));
    let updates = responses(&app, 1).await;
    app.settled().await;
    assert_eq!(
        responses(&app, 1).await.len(),
        1,
        "pressed twice, changed once"
    );
    let post = updates[0]["blocks"].to_string();
    assert!(
        post.contains("Featured for talks by <@U0LEADER>") && post.contains("unfeature_story"),
        "{post}"
    );

    app.interact(&press(&app, LEADER, "unfeature_story", story, "C0STORIES"))
        .await;
    let featured_at: Option<i64> =
        sql::query_scalar("select featured_at from stories where id = $1")
            .bind(story)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(featured_at, None);
}

#[tokio::test]
async fn only_leaders_can_feature_stories() {
    let app = spawn_app().await;
    let story = tell_story(&app, &["U0ALICE"]).await;

    let response = app
        .interact(&press(&app, NOMINATOR, "feature_story", story, "C0STORIES"))
        .await;

    assert_eq!(response.status(), 200);
    let featured_at: Option<i64> =
        sql::query_scalar("select featured_at from stories where id = $1")
            .bind(story)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(featured_at, None);
    let answer = &responses(&app, 1).await[0];
    assert_eq!(answer["response_type"], "ephemeral");
    assert_eq!(answer["replace_original"], false);
    assert!(
        answer["text"]
            .as_str()
            .unwrap()
            .contains("Only the service leaders can feature stories: <@U0LEADER>.")
    );
}

/// A story a hero asked to keep inside is never featured, not even by a leader: nothing is
/// stored, the post stays as it was, and the leader is told privately who asked.
#[tokio::test]
async fn feature_is_refused_on_a_story_a_hero_kept_inside_and_the_leader_is_told_why() {
    let app = spawn_app().await;
    let story = tell_story(&app, &["U0ZAINAB", "U0ALICE"]).await;
    sql::query(
        "update story_heroes set consent = 'declined' where story_id = $1 and hero_id = 'U0ZAINAB'",
    )
    .bind(story)
    .execute(&app.db)
    .await
    .unwrap();

    let response = app
        .interact(&press(&app, LEADER, "feature_story", story, "C0STORIES"))
        .await;

    assert_eq!(response.status(), 200);
    let featured: (Option<i64>, Option<String>) =
        sql::query_as("select featured_at, featured_by from stories where id = $1")
            .bind(story)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(featured, (None, None));
    let answers = responses(&app, 1).await;
    app.settled().await;
    let answers_after = responses(&app, 1).await;
    assert_eq!(answers_after.len(), 1, "{answers_after:?}");
    let answer = &answers[0];
    assert_eq!(answer["response_type"], "ephemeral");
    assert_eq!(answer["replace_original"], false);
    assert_eq!(
        answer["text"],
        "This story can't be featured: <@U0ZAINAB> asked to keep it inside."
    );
    let updated = app
        .slack
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/chat.update")
        .count();
    assert_eq!(updated, 0, "the story's post is not changed");
}

/// A hero who has not answered yet does not stop a leader featuring the story.
#[tokio::test]
async fn feature_on_a_story_with_heroes_still_pending_is_allowed() {
    let app = spawn_app().await;
    let story = tell_story(&app, &["U0ALICE", "U0BOB"]).await;
    sql::query(
        "update story_heroes set consent = 'granted' where story_id = $1 and hero_id = 'U0ALICE'",
    )
    .bind(story)
    .execute(&app.db)
    .await
    .unwrap();

    app.interact(&press(&app, LEADER, "feature_story", story, "C0STORIES"))
        .await;

    let featured_by: Option<String> =
        sql::query_scalar("select featured_by from stories where id = $1")
            .bind(story)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(featured_by.as_deref(), Some(LEADER));
}

/// Featuring a story some heroes have not answered for sends each of them one polite ask with
/// the consent buttons, never a hero who answered, and never twice: not on a second press, nor
/// after unfeaturing and featuring again.
#[tokio::test]
async fn featuring_asks_each_pending_hero_once_politely() {
    let app = spawn_app().await;
    let story = tell_story(&app, &["U0ALICE", "U0BOB", "U0CAROL"]).await;
    sql::query(
        "update story_heroes set consent = 'granted' where story_id = $1 and hero_id = 'U0ALICE'",
    )
    .bind(story)
    .execute(&app.db)
    .await
    .unwrap();
    app.settled().await;
    let dms_before = asks(&app).await;
    assert!(dms_before.is_empty(), "{dms_before:?}");

    let mut trigger = 0;
    for action in [
        "feature_story",
        "feature_story",
        "unfeature_story",
        "feature_story",
    ] {
        trigger += 1;
        let mut pressed = press(&app, LEADER, action, story, "C0STORIES");
        pressed["trigger_id"] = json!(format!("9100.{trigger}.abc"));
        app.interact(&pressed).await;
        app.settled().await;
    }

    let asked = asks(&app).await;
    let mut to: Vec<&str> = asked
        .iter()
        .map(|dm| dm["channel"].as_str().unwrap())
        .collect();
    to.sort_unstable();
    assert_eq!(to, ["U0BOB", "U0CAROL"], "{asked:?}");
    let ask = &asked[0];
    let text = ask["blocks"].to_string();
    assert!(
        text.contains("<@U0LEADER> would like to tell your recovery story")
            && text.contains("in talks. Is that OK with you?"),
        "{text}"
    );
    assert!(text.contains("consent_grant") && text.contains("consent_decline"));
    let featured: Option<i64> = sql::query_scalar("select featured_at from stories where id = $1")
        .bind(story)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(featured.is_some());
}

/// The polite asks featuring sent, as Slack received them.
async fn asks(app: &TestApp) -> Vec<Value> {
    app.slack
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/chat.postMessage")
        .map(body_json)
        .filter(|m| m["text"].as_str().unwrap_or_default().contains("in talks"))
        .collect()
}

/// A signed press replayed later (within Slack's five minutes) changes nothing: after the
/// leader unfeatured the story, a replay of the Feature press leaves it unfeatured.
#[tokio::test]
async fn a_replayed_press_changes_nothing() {
    let app = spawn_app().await;
    let story = tell_story(&app, &["U0ALICE"]).await;
    let body = |action| {
        serde_urlencoded::to_string([(
            "payload",
            press(&app, LEADER, action, story, "C0STORIES").to_string(),
        )])
        .unwrap()
    };
    let (feature, unfeature) = (body("feature_story"), body("unfeature_story"));
    let signed_at = app.clock.now_secs();
    let app = &app;
    let send = |body: String| async move {
        app.post_signed(
            "/slack/interactions",
            &body,
            "application/x-www-form-urlencoded",
            signed_at,
        )
        .await
    };
    let featured_at = || async {
        sql::query_scalar::<Option<i64>>("select featured_at from stories where id = $1")
            .bind(story)
            .fetch_one(&app.db)
            .await
            .unwrap()
    };

    send(feature.clone()).await;
    assert!(featured_at().await.is_some());
    send(unfeature).await;
    assert!(featured_at().await.is_none());
    assert_eq!(send(feature).await.status(), 200);
    assert!(
        featured_at().await.is_none(),
        "the replay featured it again"
    );
}
