//! Interactions as Slack really sends them: org-wide installs with `team: null`, `W…` IDs,
//! `\/` escapes, untouched optional inputs, large bodies, closed views and things herobot does
//! not know — acknowledged, and nothing changed unless it was meant for herobot.
use crate::sql;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn an_org_wide_install_with_team_null_and_grid_ids_is_stored_under_the_users_team() {
    let app = spawn_app().await;
    let payload: Value =
        serde_json::from_str(include_str!("../fixtures/view_submission_org_install.json")).unwrap();

    let response = app.interact(&payload).await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "");
    let row: (String, String, String) =
        sql::query_as("select team_id, nominator_id, reason from nominations")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        row,
        (
            "T0GRIDTEAM".into(),
            "W0GRIDUSER".into(),
            "Rebuilt the partner portal export at https://partners.example.com overnight".into()
        )
    );
    let hero: String = sql::query_scalar("select hero_id from nomination_heroes")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(hero, "W0GRIDHERO");
}

#[tokio::test]
async fn the_same_view_submitted_twice_is_stored_once() {
    let app = spawn_app().await;
    let payload: Value =
        serde_json::from_str(include_str!("../fixtures/view_submission_org_install.json")).unwrap();
    app.interact(&payload).await;
    app.interact(&payload).await;
    assert_eq!(app.count("nominations").await, 1);
}

#[tokio::test]
async fn a_closed_view_is_acknowledged_and_changes_nothing() {
    let app = spawn_app().await;
    let payload: Value =
        serde_json::from_str(include_str!("../fixtures/view_closed.json")).unwrap();
    let response = app.interact(&payload).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.count("slack_requests").await + app.count("outbox").await,
        0
    );
}

#[tokio::test]
async fn unknown_callbacks_actions_and_types_are_acknowledged_and_change_nothing() {
    let app = spawn_app().await;
    let mut unknown_view: Value =
        serde_json::from_str(include_str!("../fixtures/view_submission_org_install.json")).unwrap();
    unknown_view["view"]["callback_id"] = json!("someone_elses_modal");
    let unknown_shortcut = json!({"type": "message_action", "callback_id": "not_ours", "trigger_id": "1.2.3",
        "user": {"id": "U0NOMINATOR"}, "team": null, "channel": {"id": "C0X"}, "message": {"text": "hi", "ts": "1.2"}});
    let unknown_type =
        json!({"type": "block_suggestion", "user": {"id": "U0NOMINATOR"}, "value": "bil"});
    let global_shortcut = json!({"type": "shortcut", "callback_id": "whatever", "trigger_id": "1.2.3", "user": {"id": "U0X"}, "team": null});
    for payload in [
        unknown_view,
        unknown_shortcut,
        unknown_type,
        global_shortcut,
    ] {
        let response = app.interact(&payload).await;
        assert_eq!(response.status(), 200, "{payload}");
    }
    assert_eq!(
        app.count("nominations").await + app.count("stories").await + app.count("outbox").await,
        0
    );
    let opened = app.slack.received_requests().await.unwrap().len();
    assert_eq!(opened, 0, "nothing was sent to Slack");
}

#[tokio::test]
async fn a_100_kb_interaction_with_an_unknown_action_is_acknowledged() {
    let app = spawn_app().await;
    let mut payload: Value = serde_json::from_str(include_str!(
        "../fixtures/block_actions_unknown_in_modal.json"
    ))
    .unwrap();
    let filler = payload["view"]["blocks"][0].clone();
    payload["view"]["blocks"] = Value::Array(vec![filler; 900]);
    let body = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
    assert!(body.len() > 100_000, "the body is {} bytes", body.len());

    let response = app.interact_raw(&body).await;

    assert_eq!(response.status(), 200);
    assert_eq!(app.count("outbox").await, 0);
}

#[tokio::test]
async fn a_malformed_interaction_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    for body in ["payload=not-json", "nothing=here"] {
        let response = app.interact_raw(body).await;
        assert_eq!(response.status(), 400, "{body}");
    }
}
