//! The Events API: the URL check, and each event acknowledged once.
use crate::helpers::{now, spawn_app};
use crate::sql;

#[tokio::test]
async fn url_verification_answers_with_the_challenge() {
    let app = spawn_app().await;
    let body = r#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let response = app
        .post_signed("/slack/events", body, "application/json", now())
        .await;
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        json["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
}

#[tokio::test]
async fn an_event_delivered_twice_is_acknowledged_both_times_and_recorded_once() {
    let app = spawn_app().await;
    let body = r#"{"token":"x","team_id":"T0TEAM","api_app_id":"A0HEROBOT","type":"event_callback","event_id":"Ev0PV52K21","event_time":1700000000,"event":{"type":"app_mention","user":"U0ALICE","text":"<@U0BOT> hi","ts":"1.2","channel":"C0GENERAL","event_ts":"1.2"},"authorizations":[{"team_id":"T0TEAM","user_id":"U0BOT","is_bot":true}]}"#;
    for _ in 0..2 {
        let response = app
            .post_signed("/slack/events", body, "application/json", now())
            .await;
        assert_eq!(response.status(), 200);
    }
    let keys: Vec<String> = sql::query_scalar("select key from slack_requests")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(keys, ["event:Ev0PV52K21"]);
}

#[tokio::test]
async fn an_unknown_envelope_type_is_acknowledged_and_ignored() {
    let app = spawn_app().await;
    let response = app
        .post_signed(
            "/slack/events",
            r#"{"type":"app_rate_limited"}"#,
            "application/json",
            now(),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.count("slack_requests").await, 0);
}
