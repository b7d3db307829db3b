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
use crate::store;

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
            let first = store::requests::record(
                &state.db,
                &format!("event:{event_id}"),
                state.clock.now_secs(),
            )
            .await?;
            let kind = event
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("unknown");
            // Recording it makes a retried delivery a no-op.
            tracing::debug!(event_id, kind, first, "event acknowledged");
            if first
                && kind == "app_home_opened"
                && event["tab"] == "home"
                && let Some(person) = event["user"].as_str().and_then(UserId::parse)
            {
                actions::home::opened(&state, &person).await?;
            }
            Ok(().into_response())
        }
        EventEnvelope::Other => Ok(().into_response()),
    }
}
