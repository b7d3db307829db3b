//! `POST /slack/interactions`: modal submissions, message shortcuts and buttons. Anything
//! herobot does not know is acknowledged and changes nothing.
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::{buttons, shortcuts, submissions};
use crate::error::{Error, Result};
use crate::slack::extract::VerifiedBody;
use crate::slack::payload::{Interaction, InteractionForm};
use crate::state::AppState;

pub async fn interaction(
    State(state): State<AppState>,
    VerifiedBody { body, timestamp }: VerifiedBody,
) -> Result<Response> {
    let form: InteractionForm = serde_urlencoded::from_bytes(&body)
        .map_err(|_| Error::BadRequest("malformed interaction".into()))?;
    let interaction: Interaction = serde_json::from_str(&form.payload)
        .map_err(|_| Error::BadRequest("malformed interaction payload".into()))?;
    match interaction {
        Interaction::ViewSubmission(submission) => {
            match submissions::submitted(&state, submission).await? {
                Some(answer) => Ok(Json(answer).into_response()),
                None => Ok(().into_response()),
            }
        }
        Interaction::MessageAction(action) => shortcuts::used(&state, action).await,
        Interaction::BlockActions(actions) => buttons::pressed(&state, actions, timestamp).await,
        Interaction::ViewClosed {} | Interaction::Other => {
            tracing::debug!("interaction acknowledged and ignored");
            Ok(().into_response())
        }
    }
}
