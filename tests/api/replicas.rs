//! Two replicas on one database behave as one herobot: a request that reaches both is stored
//! once and answered alike, each message is delivered once, and the digest posts once. On
//! PostgreSQL (`HEROBOT_TEST_DATABASE=postgres`) they share the test's database, as replicas do;
//! on SQLite they share the file, as two processes on one machine would.
use std::time::Duration;

use serde_json::Value;
use wiremock::MockServer;

use crate::helpers::{
    LEADER, NOMINATOR, Options, TestApp, command_body, eventually, json, mount_slack_ok,
    spawn_app_with, start, trigger_id,
};
use crate::sql;

const DIGEST_CHANNEL: &str = "C0DIGEST";

fn options() -> Options {
    Options {
        digest_channel: Some(DIGEST_CHANNEL),
        ..Options::default()
    }
}

/// Two apps on one database, each with a fake Slack of its own.
async fn two_replicas() -> (TestApp, TestApp) {
    let a = spawn_app_with(options()).await;
    let slack = MockServer::start().await;
    mount_slack_ok(&slack).await;
    let b = start(a.dir.clone(), slack, &options()).await;
    (a, b)
}

/// Every `chat.postMessage` either replica made to `channel`.
async fn posts_to(replicas: [&TestApp; 2], channel: &str) -> Vec<Value> {
    let mut posts = Vec::new();
    for app in replicas {
        for request in app.slack.received_requests().await.unwrap_or_default() {
            if request.url.path() == "/chat.postMessage" && json(&request)["channel"] == channel {
                posts.push(json(&request));
            }
        }
    }
    posts
}

/// Waits until neither replica has a message left to send.
async fn both_settled(a: &TestApp, b: &TestApp) {
    a.settled().await;
    b.settled().await;
}

#[tokio::test]
async fn a_command_that_reaches_both_replicas_is_stored_once_and_answered_alike() {
    let (a, b) = two_replicas().await;
    let trigger = trigger_id();
    let body = command_body(
        &a.slack,
        NOMINATOR,
        "<@U0ALICE|alice> for answering the night call #ops",
        &trigger,
    );
    let at = a.clock.now_secs();
    let form = "application/x-www-form-urlencoded";
    let (first, second) = tokio::join!(
        a.post_signed("/slack/commands", &body, form, at),
        b.post_signed("/slack/commands", &body, form, at),
    );
    let (first, second): (Value, Value) =
        (first.json().await.unwrap(), second.json().await.unwrap());
    assert_eq!(first["text"], second["text"], "both replicas answer alike");
    assert_eq!(a.count("nominations").await, 1);
    assert_eq!(a.count("slack_requests").await, 1);
    both_settled(&a, &b).await;
    let celebrations = posts_to([&a, &b], crate::helpers::HEROES_CHANNEL).await;
    assert_eq!(celebrations.len(), 1, "one celebration: {celebrations:?}");
}

#[tokio::test]
async fn nominations_spread_over_two_replicas_are_each_celebrated_once() {
    let (a, b) = two_replicas().await;
    for i in 0..6 {
        let replica = if i % 2 == 0 { &a } else { &b };
        let text = format!("<@U0HERO{i}|hero> for the rescue number {i}");
        let answer = replica.hero(NOMINATOR, &text).await;
        assert!(answer.status().is_success());
    }
    assert_eq!(a.count("nominations").await, 6);
    both_settled(&a, &b).await;
    let celebrations = eventually("six celebrations", || async {
        let posts = posts_to([&a, &b], crate::helpers::HEROES_CHANNEL).await;
        (posts.len() >= 6).then_some(posts)
    })
    .await;
    // A little longer, so that a second delivery of any of them would have come.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = posts_to([&a, &b], crate::helpers::HEROES_CHANNEL).await;
    assert_eq!(again.len(), celebrations.len());
    let mut texts: Vec<String> = again.iter().map(|p| p.to_string()).collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 6, "each celebrated once: {texts:?}");
    let sent: i64 =
        sql::query_scalar("select count(*) from outbox where status = 'sent' and lane = $1")
            .bind(crate::helpers::HEROES_CHANNEL)
            .fetch_one(&a.db)
            .await
            .unwrap();
    assert_eq!(sent, 6);
}

#[tokio::test]
async fn the_digest_posted_on_both_replicas_at_once_goes_out_once() {
    let (a, b) = two_replicas().await;
    // A recognition in the middle of last week, the week the digest tells.
    let mut tx = crate::helpers::transaction(&a.db).await;
    let id: i64 = sql::query_scalar(
        "insert into nominations (team_id, nominator_id, reason, channel_id, source, created_at)
         values ('T0TEAM', 'U0NOMINATOR', 'for the weekend cover', 'C0GENERAL', 'command', $1)
         returning id",
    )
    .bind(crate::helpers::now() - 6 * 86_400)
    .fetch_one(&mut tx)
    .await
    .unwrap();
    sql::query("insert into nomination_heroes (nomination_id, hero_id, position) values ($1, 'U0ALICE', 0)")
        .bind(id)
        .execute(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (first, second) =
        tokio::join!(a.hero(LEADER, "digest post"), b.hero(LEADER, "digest post"));
    let answers: Vec<String> = [
        first.json::<Value>().await.unwrap(),
        second.json().await.unwrap(),
    ]
    .iter()
    .map(|v| v["text"].as_str().unwrap_or_default().to_owned())
    .collect();
    assert_eq!(
        answers.iter().filter(|t| t.contains("on its way")).count(),
        1,
        "one replica posts, the other says it is posted: {answers:?}"
    );
    assert_eq!(a.count("digests").await, 1);
    both_settled(&a, &b).await;
    assert_eq!(posts_to([&a, &b], DIGEST_CHANNEL).await.len(), 1);
}
