//! Words for employees: a representative set of flows (commands, modals, buttons, refusals),
//! then every answer herobot gave and every request the fake Slack received is scanned for an
//! administrator's words: a setting's name, a file or a manifest field.
use serde_json::Value;

use crate::answers::press;
use crate::helpers::{LEADER, NOMINATOR, Options, spawn_app_with};
use crate::modals::{nomination_values, submission, tell_story};

/// What no person should read from herobot.
const ADMIN_WORDS: [&str; 4] = ["HEROBOT_", "manifest", ".yml", "should_escape"];

fn assert_for_employees(what: &str, text: &str) {
    for word in ADMIN_WORDS {
        assert!(
            !text.contains(word),
            "{what} names `{word}` to a person: {text}"
        );
    }
}

#[tokio::test]
async fn nothing_herobot_says_to_people_names_a_setting_a_file_or_a_manifest_field() {
    // No public URL and no digest channel: the refusals that once named their settings.
    let app = spawn_app_with(Options::default()).await;
    let mut answers: Vec<(String, String)> = Vec::new();

    let typed = [
        (NOMINATOR, "help"),
        (NOMINATOR, "stats"),
        (
            NOMINATOR,
            "@alice for turning a billing outage into a thank-you note",
        ),
        (
            NOMINATOR,
            "<@U0ALICE> :tada: :tada: :tada: !!! :raised_hands: ???",
        ),
        (NOMINATOR, "<@U0ALICE> thanks!"),
        (
            NOMINATOR,
            "<@U0ALICE> for turning a billing outage into a thank-you note #recovery",
        ),
        (NOMINATOR, "find billing outage"),
        (NOMINATOR, "profile"),
        (NOMINATOR, "top month"),
        (NOMINATOR, "top decade"),
        (NOMINATOR, "digest"),
        (NOMINATOR, "library"),
        (NOMINATOR, "wall"),
        (NOMINATOR, "reportcard"),
        (NOMINATOR, "reportcard list"),
        (LEADER, "digest post"),
        (LEADER, "library"),
        (LEADER, "wall"),
    ];
    for (user, text) in typed {
        let answer = app.hero(user, text).await.text().await.unwrap();
        answers.push((format!("`/hero {text}` by {user}"), answer));
    }
    let long = format!(
        "<@U0ALICE> for {}",
        "fixing every invoice by hand ".repeat(120)
    );
    let answer = app.hero(NOMINATOR, &long).await.text().await.unwrap();
    answers.push(("an over-long reason".into(), answer));

    // The modals: a nomination, and a story.
    let values = nomination_values(
        &["U0ALICE"],
        "Walked the finance team through the new invoicing flow twice",
    );
    let answer = app
        .interact(&submission("nomination", values, ""))
        .await
        .text()
        .await
        .unwrap();
    answers.push(("the nomination modal".into(), answer));
    let story = tell_story(&app, &["U0ALICE", "U0BOB"]).await;

    // Buttons: a hero's consent, a non-leader's feature, asking the customer without a link.
    for (user, action, ts) in [
        ("U0ALICE", "consent_grant", "w1"),
        ("U0BOB", "feature_story", "w2"),
        ("U0EVE", "ask_customer", "w3"),
        (NOMINATOR, "ask_customer", "w4"),
        (LEADER, "feature_story", "w5"),
    ] {
        let answer = app
            .interact(&press(&app, user, action, story, ts, None))
            .await
            .text()
            .await
            .unwrap();
        answers.push((format!("{action} pressed by {user}"), answer));
    }

    app.settled().await;
    for (what, answer) in &answers {
        assert_for_employees(what, answer);
    }
    let received = app.slack.received_requests().await.unwrap();
    assert!(received.len() >= 8, "the flows reached Slack");
    for request in &received {
        let body = String::from_utf8_lossy(&request.body);
        // Form bodies (none today) and JSON alike: what Slack would show is in there.
        let text = serde_json::from_str::<Value>(&body)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| body.into_owned());
        assert_for_employees(request.url.path(), &text);
    }
}
