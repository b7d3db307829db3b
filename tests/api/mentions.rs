//! A `<@U…>` that reaches a stored reason or story, by any path (here the forms, where a
//! shortcut's prefill or a paste puts it), shows in Slack as a live mention: never escaped into
//! visible `&lt;@U…&gt;` text, never a raw ID in plain text; `<!channel>` stays disarmed.
use serde_json::{Value, json};

use crate::helpers::{HEROES_CHANNEL, NOMINATOR, STORIES_CHANNEL, TestApp, eventually, spawn_app};
use crate::home::{open_home, publishes};
use crate::modals::{nomination_values, story_values, submission};

const REASON: &str =
    "Huge thanks to <@U0ZAINAB> for jumping on the escalation & telling <!channel> it was fixed";

fn metadata(app: &TestApp) -> String {
    json!({"channel": "C0GENERAL", "response_url": format!("{}/response/T0TEAM/5678/modal", app.slack.uri())}).to_string()
}

/// Everything herobot posted (`chat.postMessage`), once there are `n`.
async fn posted(app: &TestApp, n: usize) -> Vec<Value> {
    eventually(&format!("{n} posts"), || async {
        let found: Vec<Value> = app
            .slack
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == "/chat.postMessage")
            .map(crate::helpers::json)
            .collect();
        (found.len() >= n).then_some(found)
    })
    .await
}

/// A mention shows live; the broadcast and the escapes stay text.
fn assert_live(text: &str) {
    assert!(text.contains("<@U0ZAINAB>"), "{text}");
    assert!(
        !text.contains("&lt;@U0ZAINAB"),
        "escaped into visible text: {text}"
    );
    assert!(!text.contains("<!channel>"), "a broadcast armed: {text}");
}

#[tokio::test]
async fn a_mention_in_a_reason_is_live_in_the_celebration_the_dm_home_and_top() {
    let app = spawn_app().await;
    let response = app
        .interact(&submission(
            "nomination",
            nomination_values(&["U0ALICE"], REASON),
            &metadata(&app),
        ))
        .await;
    assert_eq!(response.status(), 200);

    let posts = posted(&app, 2).await;
    let celebration = posts
        .iter()
        .find(|p| p["channel"] == HEROES_CHANNEL)
        .expect("the celebration");
    assert_live(&celebration["blocks"].to_string());
    assert_live(celebration["text"].as_str().unwrap());
    assert!(
        celebration["blocks"]
            .to_string()
            .contains("&lt;!channel&gt;")
    );
    let dm = posts
        .iter()
        .find(|p| p["channel"] == "U0ALICE")
        .expect("the hero's DM");
    assert_live(&dm["blocks"].to_string());

    let top: Value = app.hero(NOMINATOR, "top week").await.json().await.unwrap();
    assert_live(top["text"].as_str().unwrap());
    let profile: Value = app
        .hero(NOMINATOR, "profile <@U0ALICE>")
        .await
        .json()
        .await
        .unwrap();
    assert_live(profile["text"].as_str().unwrap());

    open_home(&app, "U0ALICE", "Ev1").await;
    assert_live(&publishes(&app, 1).await[0].to_string());
}

#[tokio::test]
async fn a_mention_in_a_story_is_live_in_its_post_the_consent_dm_and_home() {
    let app = spawn_app().await;
    let mut values = story_values(6 * 3600, 3600, &["U0ALICE"]);
    values["title"]["title"]["value"] = json!("Saved by <@U0ZAINAB> <!channel>");
    values["what_went_wrong"]["what_went_wrong"]["value"] =
        json!("<@U0ZAINAB|zainab> saw 500 customers billed twice & told <!channel>.");
    app.interact(&submission("story", values, &metadata(&app)))
        .await;

    let posts = posted(&app, 2).await;
    let post = posts
        .iter()
        .find(|p| p["channel"] == STORIES_CHANNEL)
        .expect("the story post");
    let blocks = post["blocks"].as_array().unwrap();
    // A header is plain text, where a mention would show as a raw ID: the title is mrkdwn.
    assert_eq!(blocks[0]["type"], "section", "{post}");
    assert_live(&blocks[0]["text"]["text"].to_string());
    assert_live(&post["blocks"].to_string());
    assert_live(post["text"].as_str().unwrap());
    assert!(!post.to_string().contains("U0ZAINAB|zainab"), "{post}");
    let consent = posts
        .iter()
        .find(|p| p["channel"] == "U0ALICE")
        .expect("the consent DM");
    assert_live(&consent["blocks"].to_string());

    open_home(&app, "U0ALICE", "Ev1").await;
    assert_live(&publishes(&app, 1).await[0].to_string());
}
