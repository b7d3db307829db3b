//! Only requests signed by Slack, within five minutes, reach a handler.
use crate::helpers::{NOMINATOR, SECRET, command_body, now, spawn_app, trigger_id};
use herobot::slack::signature::sign;

const FORM: &str = "application/x-www-form-urlencoded";
const REASON: &str = "<@U0ALICE> for turning a billing outage into a thank-you note";

#[tokio::test]
async fn a_correctly_signed_command_is_accepted() {
    let app = spawn_app().await;
    let body = command_body(&app.slack, NOMINATOR, REASON, &trigger_id());
    let response = app.post_signed("/slack/commands", &body, FORM, now()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.count("nominations").await, 1);
}

#[tokio::test]
async fn requests_that_fail_verification_get_401_and_change_nothing() {
    let app = spawn_app().await;
    let body = command_body(&app.slack, NOMINATOR, REASON, &trigger_id());
    let ts = now().to_string();
    let good = sign(SECRET.as_bytes(), &ts, body.as_bytes());
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("no headers", vec![]),
        (
            "no signature",
            vec![("x-slack-request-timestamp", ts.clone())],
        ),
        ("no timestamp", vec![("x-slack-signature", good.clone())]),
        (
            "wrong secret",
            vec![
                ("x-slack-request-timestamp", ts.clone()),
                (
                    "x-slack-signature",
                    sign(b"not-the-secret", &ts, body.as_bytes()),
                ),
            ],
        ),
        (
            "signature of another body",
            vec![
                ("x-slack-request-timestamp", ts.clone()),
                (
                    "x-slack-signature",
                    sign(SECRET.as_bytes(), &ts, b"text=something+else"),
                ),
            ],
        ),
        (
            "timestamp changed after signing",
            vec![
                ("x-slack-request-timestamp", (now() + 1).to_string()),
                ("x-slack-signature", good.clone()),
            ],
        ),
        (
            "garbage signature",
            vec![
                ("x-slack-request-timestamp", ts.clone()),
                ("x-slack-signature", "v0=nothex".into()),
            ],
        ),
    ];
    for (case, headers) in cases {
        let response = app
            .post_with_headers("/slack/commands", &body, FORM, &headers)
            .await;
        assert_eq!(response.status(), 401, "{case}");
        let text = response.text().await.unwrap();
        assert!(
            !text.contains(&good[3..]),
            "{case}: the expected signature leaked"
        );
    }
    assert_eq!(app.count("nominations").await, 0);
    assert_eq!(app.count("outbox").await, 0);
}

#[tokio::test]
async fn a_timestamp_more_than_five_minutes_away_is_rejected_either_way() {
    let app = spawn_app().await;
    for (offset, expected) in [(-301, 401), (301, 401), (-290, 200), (290, 200)] {
        let body = command_body(&app.slack, NOMINATOR, REASON, &trigger_id());
        let response = app
            .post_signed("/slack/commands", &body, FORM, now() + offset)
            .await;
        assert_eq!(response.status(), expected, "offset {offset}s");
    }
    assert_eq!(app.count("nominations").await, 2);
}

#[tokio::test]
async fn a_changed_body_is_rejected_even_with_a_valid_signature_for_the_original() {
    let app = spawn_app().await;
    let body = command_body(&app.slack, NOMINATOR, REASON, &trigger_id());
    let ts = now().to_string();
    let signature = sign(SECRET.as_bytes(), &ts, body.as_bytes());
    let tampered = body.replace("U0ALICE", "U0MALLORY");
    let response = app
        .post_with_headers(
            "/slack/commands",
            &tampered,
            FORM,
            &[
                ("x-slack-request-timestamp", ts),
                ("x-slack-signature", signature),
            ],
        )
        .await;
    assert_eq!(response.status(), 401);
    assert_eq!(app.count("nominations").await, 0);
}

#[tokio::test]
async fn interactions_and_events_are_verified_too() {
    let app = spawn_app().await;
    let interaction = "payload=%7B%22type%22%3A%22view_closed%22%7D";
    let event = r#"{"type":"url_verification","challenge":"abc","token":"t"}"#;
    for (path, body, ct) in [
        ("/slack/interactions", interaction, FORM),
        ("/slack/events", event, "application/json"),
    ] {
        let unsigned = app.post_with_headers(path, body, ct, &[]).await;
        assert_eq!(unsigned.status(), 401, "{path}");
        let signed = app.post_signed(path, body, ct, now()).await;
        assert_eq!(signed.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn slacks_ssl_check_gets_an_empty_200_and_changes_nothing() {
    let app = spawn_app().await;
    let response = app
        .post_with_headers("/slack/commands", "ssl_check=1&token=abc", FORM, &[])
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "");
    assert_eq!(app.count("slack_requests").await, 0);
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_anything_else() {
    let app = spawn_app().await;
    let body = format!("text={}", "a".repeat(2 * 1024 * 1024));
    let response = app.post_signed("/slack/commands", &body, FORM, now()).await;
    assert_eq!(response.status(), 413);
}
