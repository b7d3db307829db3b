//! Modal submissions: a nomination or a recovery story, stored with the messages they cause.
//! Invalid input keeps the modal open with a message beside each field and stores nothing.
use serde_json::Value;

use crate::clock;
use crate::domain::UserId;
use crate::error::Result;
use crate::messages::{self, TypedIn};
use crate::modals::{self, Origin, errors_response};
use crate::slack::payload::{Interaction, Values, ViewSubmission};
use crate::state::AppState;
use crate::store::batch::{Source, Submission};
use crate::store::stories;

/// The answer to a submission: None closes the modal; Some keeps it open with errors.
pub async fn submitted(state: &AppState, submission: ViewSubmission) -> Result<Option<Value>> {
    let Some(user) = UserId::parse(&submission.user.id) else {
        tracing::debug!("submission from an unreadable user ID ignored");
        return Ok(None);
    };
    let view = &submission.view;
    let origin = Origin::from_metadata(&view.private_metadata);
    let team = Interaction::team_of(&submission.team, &submission.user, view.team_id.as_deref());
    let values = Values(&view.state.values);
    let typed_in = match (&origin.channel, &origin.response_url) {
        (Some(channel), Some(response_url)) => Some(TypedIn {
            channel,
            response_url,
        }),
        _ => None,
    };
    // A view is submitted once; its ID makes a repeated delivery harmless.
    let key = format!("view:{}", view.id);
    match view.callback_id.as_str() {
        modals::nomination::CALLBACK_ID => {
            let nomination =
                match modals::nomination::parse(&values, &user, state.config.min_reason) {
                    Ok(n) => n,
                    Err(errors) => return Ok(Some(errors_response(&errors))),
                };
            let (messages, _) = messages::nomination_messages(
                &nomination.heroes,
                state.config.heroes_channel.as_deref(),
                typed_in,
            );
            let source = if origin.permalink.is_some() {
                Source::Shortcut
            } else {
                Source::Modal
            };
            state
                .writer
                .submit(Submission {
                    key,
                    ack: String::new(),
                    team_id: team,
                    channel_id: origin.channel.clone(),
                    source,
                    message_permalink: origin.permalink.clone(),
                    nomination,
                    messages,
                })
                .await?;
            Ok(None)
        }
        modals::story::CALLBACK_ID => {
            let story = match modals::story::parse(&values, &user, clock::now_secs()) {
                Ok(story) => story,
                Err(errors) => return Ok(Some(errors_response(&errors))),
            };
            let channel = state
                .config
                .stories_channel
                .as_deref()
                .or(state.config.heroes_channel.as_deref());
            let messages = messages::story_messages(&story.heroes, channel, typed_in);
            let told = stories::tell(
                &state.db,
                &key,
                &team,
                &story,
                origin.permalink.as_deref(),
                &messages,
                clock::now_ms(),
            )
            .await?;
            if let Some(id) = told {
                tracing::info!(story = id, "story stored");
                crate::metrics::STORIES_STORED.add(1);
                state.outbox.notify_one();
            }
            Ok(None)
        }
        other => {
            tracing::debug!(
                callback_id = other,
                "submission of an unknown view acknowledged"
            );
            Ok(None)
        }
    }
}
