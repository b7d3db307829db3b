//! Message shortcuts: "Nominate as service hero" and "Save as recovery story" open the modals
//! pre-filled from the message (the people it mentions as heroes, else its author; its text as
//! the story, mentions as names) and keep its link.
use axum::response::{IntoResponse, Response};

use crate::actions::shortcut::{self, Form, Message};
use crate::domain::UserId;
use crate::error::Result;
use crate::modals::{self, Origin};
use crate::slack::payload::MessageAction;
use crate::state::AppState;

pub const NOMINATE: &str = "nominate_from_message";
pub const SAVE_STORY: &str = "story_from_message";

pub async fn used(state: &AppState, action: MessageAction) -> Result<Response> {
    let channel = action
        .channel
        .as_ref()
        .map(|c| c.id.clone())
        .filter(|c| !c.is_empty());
    let domain = action.team.as_ref().and_then(|t| t.domain.as_deref());
    let origin = Origin {
        permalink: modals::permalink(
            domain,
            channel.as_deref().unwrap_or_default(),
            &action.message.ts,
        ),
        channel,
        response_url: action.response_url.clone(),
    };
    let form = match action.callback_id.as_str() {
        NOMINATE => Form::Nomination,
        SAVE_STORY => Form::Story,
        other => {
            tracing::debug!(callback_id = other, "unknown message shortcut acknowledged");
            return Ok(().into_response());
        }
    };
    let message = Message {
        text: action.message.text.clone(),
        author: action.message.user.as_deref().and_then(UserId::parse),
    };
    // A failure is logged by the action; the person sees the modal or nothing, as before.
    let _ = shortcut::open(
        state,
        form,
        &action.user.id,
        &message,
        &origin,
        &action.trigger_id,
    )
    .await;
    Ok(().into_response())
}
