//! `POST /slack/interactions`: buttons, modals and shortcuts.
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::error::{Error, Result};
use crate::slack::extract::VerifiedBody;
use crate::slack::payload::{Interaction, InteractionForm};
use crate::state::AppState;

pub async fn interaction(
    State(_state): State<AppState>,
    VerifiedBody { body, .. }: VerifiedBody,
) -> Result<Response> {
    let form: InteractionForm = serde_urlencoded::from_bytes(&body)
        .map_err(|_| Error::BadRequest("malformed interaction".into()))?;
    let interaction: Interaction = serde_json::from_str(&form.payload)
        .map_err(|_| Error::BadRequest("malformed interaction payload".into()))?;
    // Nothing here changes state yet: acknowledge so Slack shows no error.
    tracing::debug!(kind = interaction.kind, "interaction acknowledged");
    Ok(().into_response())
}
