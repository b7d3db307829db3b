//! `POST /slack/events`: answers Slack's URL check and acknowledges each event once; opening
//! the App Home tab publishes the person's Home.
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::actions;
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
            let opened_home = (kind == "app_home_opened" && event["tab"] == "home")
                .then(|| event["user"].as_str().and_then(UserId::parse))
                .flatten();
            let first =
                actions::home::event(&state, format!("event:{event_id}"), opened_home).await?;
            tracing::debug!(event_id, kind, first, "event acknowledged");
            Ok(().into_response())
        }
        EventEnvelope::Other => Ok(().into_response()),
    }
}
