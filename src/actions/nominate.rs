//! Nominate: store a nomination with its celebration and a DM to each hero, once per Slack
//! request, through the group-commit writer.
use serde_json::Value;

use super::Refused;
use crate::domain::Nomination;
use crate::domain::outbox::{Message, Unwritten};
use crate::error::Result;
use crate::messages::{self, TypedIn};
use crate::state::AppState;
use crate::store::nominations::{Committed, Source, Submission};

/// The Slack request a nomination came in.
#[derive(Debug, Clone)]
pub struct Request {
    /// Unique per Slack request: a replay with the same key stores nothing again.
    pub key: String,
    pub team_id: String,
    pub source: Source,
    /// Where `/hero` was typed (or the shortcut used), and its response_url.
    pub channel: Option<String>,
    pub response_url: Option<String>,
    /// The message a shortcut was used on.
    pub permalink: Option<String>,
}

/// Where `/hero` was typed, from its channel and response_url.
pub(super) fn typed_in(
    (channel, response_url): &(Option<String>, Option<String>),
) -> Option<TypedIn<'_>> {
    match (channel, response_url) {
        (Some(channel), Some(response_url)) => Some(TypedIn {
            channel,
            response_url,
        }),
        _ => None,
    }
}

/// Stores `nomination`; returns the private confirmation for the nominator (on a replay, the
/// first one's), or why nothing was stored.
pub async fn nominate(
    app: &AppState,
    nomination: Nomination,
    request: Request,
) -> Result<Result<Value, Refused>> {
    if let Err(over) = app
        .hourly_limit
        .take(&app.writes, &nomination.nominator, app.clock.now_ms())
        .await?
    {
        return Ok(Err(over.into()));
    }
    let heroes_channel = app.config.heroes_channel.clone();
    let here = (request.channel.clone(), request.response_url.clone());
    let place = messages::public_place(heroes_channel.as_deref(), typed_in(&here));
    let ack = messages::nomination_confirmed(&nomination, place);
    // The messages name the nomination, whose ID the writer gives it as it stores it.
    let heroes = nomination.heroes.clone();
    // A command shows the confirmation as its answer; a submitted modal closes, so the
    // confirmation follows privately (where `/hero` was typed, else in a DM).
    let confirm =
        (request.source != Source::Command).then(|| (nomination.nominator.clone(), ack.clone()));
    let outbox = Unwritten::new(move |id| {
        let mut messages =
            messages::nomination_messages(id, &heroes, heroes_channel.as_deref(), typed_in(&here));
        if let Some((nominator, ack)) = &confirm {
            let delivery = messages::deliveries::privately(nominator, typed_in(&here));
            messages.push(Message::fixed(ack.clone(), delivery));
        }
        messages
    });
    let submission = Submission {
        key: request.key,
        ack: ack.to_string(),
        team_id: request.team_id,
        channel_id: request.channel,
        source: request.source,
        message_permalink: request.permalink,
        nomination,
        messages: outbox,
    };
    // The writer wakes the outbox worker after each commit that queued messages.
    match app.writes.run(submission).await? {
        Committed::Stored(id) => {
            tracing::info!(nomination = id, "nomination stored");
            Ok(Ok(ack))
        }
        Committed::Replay(first) => {
            tracing::info!("replayed nomination answered without storing again");
            Ok(Ok(serde_json::from_str(&first).unwrap_or(ack)))
        }
    }
}
