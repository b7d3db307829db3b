//! Message shortcuts: "Nominate as service hero" and "Save as recovery story" open the modals
//! pre-filled from the message (its author as hero, its text as the story) and keep its link.
use axum::response::{IntoResponse, Response};

use crate::domain::text::{Piece, pieces};
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
    let heroes: Vec<String> = action.message.user.iter().cloned().collect();
    let text = readable(&action.message.text);
    let view = match action.callback_id.as_str() {
        NOMINATE => modals::nomination::view(
            &modals::nomination::Prefill {
                heroes,
                reason: Some(text),
            },
            &origin,
            state.config.min_reason,
        ),
        SAVE_STORY => modals::story::view(
            &modals::story::Prefill {
                heroes,
                what_went_wrong: Some(text),
            },
            &origin,
        ),
        other => {
            tracing::debug!(callback_id = other, "unknown message shortcut acknowledged");
            return Ok(().into_response());
        }
    };
    if let Err(err) = state.slack.open_view(&action.trigger_id, &view).await {
        tracing::warn!(error = %err, "views.open failed for a message shortcut");
    }
    Ok(().into_response())
}

/// A message's text as a person reads it: mentions kept as `<@U…>` (the modal shows them as
/// typed), Slack's escapes undone, references made readable.
fn readable(text: &str) -> String {
    pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::User(user) => format!("<@{user}>"),
            Piece::Typed(text) | Piece::Reference(text) => text,
        })
        .collect()
}
