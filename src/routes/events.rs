//! `POST /slack/events`: answers Slack's URL check and acknowledges each event once; opening
//! the App Home tab publishes the person's Home; `user_change` says whether an account was
//! deactivated or is active.
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::actions;
use crate::actions::departed::Account;
use crate::domain::UserId;
use crate::error::{Error, Result};
use crate::slack::extract::VerifiedBody;
use crate::slack::payload::EventEnvelope;
use crate::state::AppState;

pub async fn event(
    State(state): State<AppState>,
    VerifiedBody { body, .. }: VerifiedBody,
) -> Result<Response> {
    let envelope: EventEnvelope =
        serde_json::from_slice(&body).map_err(|_| Error::BadRequest("malformed event".into()))?;
    match envelope {
        EventEnvelope::UrlVerification { challenge } => {
            Ok(Json(json!({ "challenge": challenge })).into_response())
        }
        EventEnvelope::EventCallback { event_id, event } => {
            let kind = event
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("unknown");
            let key = format!("event:{event_id}");
            let first = match account(kind, &event) {
                Some(account) => actions::departed::account_changed(&state, key, account).await?,
                None => {
                    let opened_home = (kind == "app_home_opened" && event["tab"] == "home")
                        .then(|| event["user"].as_str().and_then(UserId::parse))
                        .flatten();
                    actions::home::event(&state, key, opened_home).await?
                }
            };
            tracing::debug!(event_id, kind, first, "event acknowledged");
            Ok(().into_response())
        }
        EventEnvelope::Other => Ok(().into_response()),
    }
}

/// A `user_change` event's account: deactivated (`deleted: true`) or active.
fn account(kind: &str, event: &serde_json::Value) -> Option<Account> {
    if kind != "user_change" {
        return None;
    }
    let user = UserId::parse(event["user"]["id"].as_str()?)?;
    Some(match event["user"]["deleted"].as_bool().unwrap_or(false) {
        true => Account::Deactivated(user),
        false => Account::Active(user),
    })
}
