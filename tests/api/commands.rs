//! `/hero`: quick nominations end to end, help, and bad input that stores nothing.
use crate::sql;
use serde_json::Value;

use crate::helpers::{
    HEROES_CHANNEL, NOMINATOR, Options, command_body, json, spawn_app, spawn_app_with, to_path,
    trigger_id,
};

const EXAMPLE: &str = "<@U0ALICE|alice> <@U0BOB|bob> for turning a billing outage into a thank-you note #recovery #billing";

#[tokio::test]
async fn a_quick_nomination_is_confirmed_stored_celebrated_and_each_hero_told() {
    let app = spawn_app().await;

    let response = app.hero(NOMINATOR, EXAMPLE).await;

    assert_eq!(response.status(), 200);
    let ack: Value = response.json().await.unwrap();
    assert_eq!(ack["response_type"], "ephemeral");
    let ack_text = ack["text"].as_str().unwrap();
    assert!(ack_text.contains("<@U0ALICE> and <@U0BOB>"), "{ack_text}");
    assert!(
        ack_text.contains(&format!("<#{HEROES_CHANNEL}>")),
        "{ack_text}"
    );

    let row: (String, String, Option<String>, Option<String>, String, Option<String>, String) = sql::query_as(
        "select team_id, nominator_id, category, customer_kind, reason, channel_id, source from nominations",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "T0TEAM".into(),
            NOMINATOR.into(),
            Some("recovery".into()),
            None,
            "for turning a billing outage into a thank-you note".into(),
            Some("C0GENERAL".into()),
            "command".into()
        )
    );
    let heroes: Vec<String> =
        sql::query_scalar("select hero_id from nomination_heroes order by position")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(heroes, ["U0ALICE", "U0BOB"]);
    let tags: Vec<String> = sql::query_scalar("select tag from nomination_tags")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(tags, ["billing"]);

    let requests = app.slack_requests(3).await;
    let posts = to_path(&requests, "/chat.postMessage");
    assert_eq!(posts.len(), 3, "one celebration and two DMs");
    for post in &posts {
        assert_eq!(
            post.headers.get("authorization").unwrap(),
            "Bearer xoxb-test-token"
        );
    }
    let mut by_channel: Vec<Value> = posts.iter().map(|r| json(r)).collect();
    by_channel.sort_by_key(|b| b["channel"].as_str().unwrap().to_owned());
    let channels: Vec<&str> = by_channel
        .iter()
        .map(|b| b["channel"].as_str().unwrap())
        .collect();
    assert_eq!(channels, [HEROES_CHANNEL, "U0ALICE", "U0BOB"]);
    insta::assert_json_snapshot!("celebration", by_channel[0]);
    insta::assert_json_snapshot!("hero_dm", by_channel[1]);
    assert!(
        by_channel[2]["text"]
            .as_str()
            .unwrap()
            .contains("<@U0NOMINATOR> recognised you")
    );
}

#[tokio::test]
async fn without_a_heroes_channel_the_celebration_goes_to_the_channel_where_hero_was_typed() {
    let app = spawn_app_with(Options {
        heroes_channel: None,
        ..Options::default()
    })
    .await;

    let response = app
        .hero(
            NOMINATOR,
            "<@U0ALICE> for calming an angry customer in five minutes flat",
        )
        .await;

    let ack: Value = response.json().await.unwrap();
    assert!(
        ack["text"]
            .as_str()
            .unwrap()
            .contains("posted in this channel")
    );
    let requests = app.slack_requests(2).await;
    let responses = to_path(&requests, "/response/T0TEAM/1234/secret-token");
    assert_eq!(responses.len(), 1);
    let celebration = json(responses[0]);
    assert_eq!(celebration["response_type"], "in_channel");
    assert!(celebration["text"].as_str().unwrap().contains("<@U0ALICE>"));
    assert!(
        responses[0].headers.get("authorization").is_none(),
        "a response_url needs no token"
    );
    let dms = to_path(&requests, "/chat.postMessage");
    assert_eq!(json(dms[0])["channel"], "U0ALICE");
}

#[tokio::test]
async fn a_replayed_command_is_processed_once_and_answered_the_same() {
    let app = spawn_app().await;
    // A replay repeats the request exactly, its signed timestamp included.
    let body = command_body(&app.slack, NOMINATOR, EXAMPLE, &trigger_id());
    let signed_at = app.clock.now_secs();
    let send = || async {
        app.post_signed(
            "/slack/commands",
            &body,
            "application/x-www-form-urlencoded",
            signed_at,
        )
        .await
        .json::<Value>()
        .await
        .unwrap()
    };

    let first = send().await;
    let second = send().await;

    assert_eq!(first, second);
    assert_eq!(app.count("nominations").await, 1);
    assert_eq!(app.count("outbox").await, 3);
    app.settled().await;
    assert_eq!(app.slack_requests(3).await.len(), 3);
}

#[tokio::test]
async fn concurrent_nominations_are_all_stored_with_their_own_heroes() {
    // One person sends more than the hourly limit here: the limit is off.
    let app = spawn_app_with(Options {
        hourly_limit: "0",
        ..Options::default()
    })
    .await;
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..40 {
        let text = format!("<@U0HERO{i}> for closing ticket number {i} with a handwritten note");
        let body = command_body(&app.slack, NOMINATOR, &text, &trigger_id());
        sends.spawn(app.signed("/slack/commands", &body).send());
    }
    while let Some(sent) = sends.join_next().await {
        assert_eq!(sent.unwrap().unwrap().status(), 200);
    }
    assert_eq!(app.count("nominations").await, 40);
    let mismatched: i64 = sql::query_scalar(
        "select count(*) from nominations n join nomination_heroes h on h.nomination_id = n.id
         where n.reason not like '%number ' || substr(h.hero_id, 7) || ' %'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        mismatched, 0,
        "every hero is stored with their own nomination"
    );
    assert_eq!(app.count("outbox").await, 80);
}

#[tokio::test]
async fn user_text_is_escaped_so_nobody_gets_pinged_through_the_bot() {
    let app = spawn_app().await;

    app.hero(
        NOMINATOR,
        "<@U0ALICE> for telling &lt;!channel&gt; &amp; &lt;@U0EVE&gt; the fix was live",
    )
    .await;

    let stored: String = sql::query_scalar("select reason from nominations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, "for telling <!channel> & <@U0EVE> the fix was live");
    // A broadcast pings nobody; a person's mention shows as their name (a live mention, never
    // escaped into visible `&lt;@U…&gt;` text), whoever wrote it and however.
    for request in app.slack_requests(2).await {
        let body = String::from_utf8(request.body.clone()).unwrap();
        assert!(!body.contains("<!channel>"), "{body}");
        assert!(!body.contains("&lt;@U0EVE&gt;"), "{body}");
        assert!(body.contains("&lt;!channel&gt; &amp; <@U0EVE>"), "{body}");
    }
}

#[tokio::test]
async fn help_and_anything_not_understood_answer_with_usage() {
    let app = spawn_app().await;
    for text in ["help", "HELP", "?"] {
        let ack: Value = app.hero(NOMINATOR, text).await.json().await.unwrap();
        assert_eq!(ack["response_type"], "ephemeral");
        assert!(
            ack["text"]
                .as_str()
                .unwrap()
                .contains("/hero @alice @bob for"),
            "{text:?}: {ack}"
        );
        let usage = ack["text"].as_str().unwrap();
        for sub in [
            "/hero story",
            "/hero find",
            "/hero profile",
            "/hero top",
            "/hero digest",
            "/hero library",
            "/hero wall",
        ] {
            assert!(usage.contains(sub), "{sub} missing from {usage}");
        }
    }
    let ack: Value = app
        .hero(NOMINATOR, "what is this")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        ack["text"].as_str().unwrap().contains("/hero help"),
        "{ack}"
    );
}

#[tokio::test]
async fn bad_input_gets_a_clear_message_and_stores_nothing() {
    let app = spawn_app().await;
    let cases = [
        (
            "for being great to a customer all week",
            "Name at least one hero",
        ),
        (
            "<@U0NOMINATOR> for fixing my own mistake in an hour",
            "can't nominate only yourself",
        ),
        (
            "@alice for turning a billing outage into a thank-you note",
            "can't tell who `@alice` is",
        ),
        ("<@U0ALICE> thanks!", "at least 20 characters"),
        (
            "<@U0ALICE> for great work with the customer #internal #external",
            "Pick one category",
        ),
    ];
    for (text, expected) in cases {
        let response = app.hero(NOMINATOR, text).await;
        assert_eq!(response.status(), 200, "{text}");
        let ack: Value = response.json().await.unwrap();
        assert_eq!(ack["response_type"], "ephemeral");
        let message = ack["text"].as_str().unwrap();
        assert!(message.contains(expected), "{text}: {message}");
    }
    assert_eq!(app.count("nominations").await, 0);
    assert_eq!(app.count("outbox").await, 0);
    assert_eq!(app.count("slack_requests").await, 0);
    app.settled().await;
    assert!(app.slack.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_unresolved_name_message_explains_how_to_fix_it() {
    let app = spawn_app().await;
    let ack: Value = app
        .hero(NOMINATOR, "@alice for the weekend rescue of the launch")
        .await
        .json()
        .await
        .unwrap();
    let message = ack["text"].as_str().unwrap();
    assert!(
        message.contains("Slack admin") && !message.contains("manifest"),
        "{message}"
    );
}

/// Past the hourly limit a person is thanked and told to wait, in private; nothing is stored
/// and no hero is messaged. The modal says it beside its field.
#[tokio::test]
async fn the_hourly_limit_answers_kindly_and_stores_nothing() {
    let app = spawn_app_with(Options {
        hourly_limit: "3",
        ..Options::default()
    })
    .await;
    for i in 0..3 {
        let ack: Value = app
            .hero(
                NOMINATOR,
                &format!("<@U0ALICE> for answering ticket {i} on a Sunday"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert!(ack["text"].as_str().unwrap().contains("Thank you"), "{ack}");
    }
    let refused: Value = app
        .hero(
            NOMINATOR,
            "<@U0ALICE> for answering one more ticket on a Sunday",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refused["response_type"], "ephemeral");
    let text = refused["text"].as_str().unwrap();
    assert!(
        text.contains("reached 3 nominations and stories this hour") && text.contains("try again"),
        "{text}"
    );
    let other: Value = app
        .hero(
            "U0SOMEONE",
            "<@U0ALICE> for answering my ticket on a Sunday",
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        other["text"].as_str().unwrap().contains("Thank you"),
        "{other}"
    );
    assert_eq!(app.count("nominations").await, 4);
    app.settled().await;
    let dms = app
        .slack
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| json(r)["channel"] == "U0ALICE")
        .count();
    assert_eq!(dms, 4, "one DM per stored nomination");
}

/// With another process holding the database's write lock, `/hero` still answers well within
/// Slack's patience, says nothing was saved, and leaves nothing half-written behind.
#[tokio::test]
async fn a_locked_database_gets_an_answer_in_time_and_keeps_nothing() {
    let app = spawn_app().await;
    let holder = crate::helpers::hold_write_lock(&app.db).await;

    let started = std::time::Instant::now();
    let answer: Value = app.hero(NOMINATOR, EXAMPLE).await.json().await.unwrap();
    let waited = started.elapsed();

    assert_eq!(answer["response_type"], "ephemeral");
    assert!(
        answer["text"]
            .as_str()
            .unwrap()
            .contains("Nothing was saved"),
        "{answer}"
    );
    // The budget is 2 s; the old build waited past 10 s.
    assert!(
        waited < std::time::Duration::from_secs(5),
        "answered after {waited:?}"
    );
    drop(holder);
    app.settled().await;
    assert_eq!(app.count("nominations").await, 0);
    assert_eq!(app.count("slack_requests").await, 0);
    assert!(app.slack.received_requests().await.unwrap().is_empty());

    // Once the lock is gone, the same person's next try is stored.
    let again: Value = app.hero(NOMINATOR, EXAMPLE).await.json().await.unwrap();
    assert!(
        again["text"].as_str().unwrap().contains("Thank you"),
        "{again}"
    );
    assert_eq!(app.count("nominations").await, 1);
}

#[tokio::test]
async fn an_unknown_word_is_named_and_followed_by_the_usage() {
    let app = spawn_app().await;
    let ack: Value = app.hero(NOMINATOR, "stats").await.json().await.unwrap();
    let message = ack["text"].as_str().unwrap();
    assert!(message.starts_with("I don't know `stats`."), "{message}");
    assert!(message.contains("/hero find billing outage"), "{message}");
    assert_eq!(app.count("nominations").await, 0);
}

#[tokio::test]
async fn a_reason_of_only_emoji_and_punctuation_is_refused() {
    let app = spawn_app().await;
    let ack: Value = app
        .hero(
            NOMINATOR,
            "<@U0ALICE> :tada: :tada: :tada: !!! 🎉🎉🎉🎉🎉 ??? 🙌🙌🙌🙌",
        )
        .await
        .json()
        .await
        .unwrap();
    let message = ack["text"].as_str().unwrap();
    assert!(message.contains("letters or digits"), "{message}");
    assert_eq!(app.count("nominations").await, 0);
}

#[tokio::test]
async fn a_reason_over_the_limit_is_refused_with_the_text_given_back() {
    let app = spawn_app().await;
    let long = "fixed the billing run & wrote to every customer ".repeat(100);
    let typed = format!("<@U0ALICE> for {}", long.trim());
    let ack: Value = app.hero(NOMINATOR, &typed).await.json().await.unwrap();
    let message = ack["text"].as_str().unwrap();
    assert!(message.contains("shorten it to at most 3000"), "{message}");
    assert!(
        message.contains(&long.trim().replace('&', "&amp;")),
        "the person's own text comes back"
    );
    assert_eq!(app.count("nominations").await, 0);
}
