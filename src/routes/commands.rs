//! `POST /slack/commands`: `/hero` and its subcommands.
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::domain::command::{self, Command, CommandError};
use crate::domain::{Nomination, UserId};
use crate::error::{Error, Result};
use crate::messages::{self, TypedIn};
use crate::modals::{self, Origin};
use crate::slack::extract::VerifiedBody;
use crate::slack::payload::SlashCommand;
use crate::state::AppState;
use crate::store::batch::{Committed, Source, Submission};

pub async fn hero(
    State(state): State<AppState>,
    VerifiedBody { body, timestamp }: VerifiedBody,
) -> Result<Response> {
    let cmd: SlashCommand = serde_urlencoded::from_bytes(&body)
        .map_err(|_| Error::BadRequest("malformed slash command".into()))?;
    let user =
        UserId::parse(&cmd.user_id).ok_or_else(|| Error::BadRequest("malformed user_id".into()))?;
    let origin = Origin {
        channel: Some(cmd.channel_id.clone()).filter(|c| !c.is_empty()),
        response_url: Some(cmd.response_url.clone()).filter(|u| !u.is_empty()),
        permalink: None,
    };
    let reply = match command::parse(&cmd.text, &user, state.config.min_reason) {
        Ok(Command::Nominate(nomination)) => {
            return nominate(&state, &cmd, timestamp, nomination).await;
        }
        Ok(Command::Help) => messages::help(),
        Ok(Command::NominationModal) => {
            let view =
                modals::nomination::view(&Default::default(), &origin, state.config.min_reason);
            return open(&state, &cmd.trigger_id, &view).await;
        }
        Ok(Command::StoryModal) => {
            return open(
                &state,
                &cmd.trigger_id,
                &modals::story::view(&Default::default(), &origin),
            )
            .await;
        }
        Ok(Command::Find(query)) => super::hero_find::find(&state, &query).await?,
        Ok(Command::Profile(who)) => super::hero_find::profile(&state, &user, who).await?,
        Ok(Command::Top(period)) => super::hero_digest::top(&state, period).await?,
        Ok(Command::Digest { post }) => {
            super::hero_digest::digest(&state, user.as_str(), post).await?
        }
        Ok(Command::Library) => super::hero_library::library(&state, user.as_str()).await?,
        Err(CommandError::Nomination(err)) => messages::refusal(&err.to_string()),
        Err(CommandError::Usage(usage)) => messages::refusal(usage),
    };
    Ok(json(reply.to_string()))
}

/// Opens a modal while Slack's trigger is fresh; answers with an empty acknowledgement, or with
/// what went wrong.
async fn open(state: &AppState, trigger_id: &str, view: &Value) -> Result<Response> {
    match state.slack.open_view(trigger_id, view).await {
        Ok(()) => Ok(().into_response()),
        Err(err) => {
            tracing::warn!(error = %err, "views.open failed");
            let reply = messages::refusal(&format!(
                "Slack would not open the form ({err}). Please try again."
            ));
            Ok(json(reply.to_string()))
        }
    }
}

/// Stores a quick nomination with its celebration and DMs, then acknowledges.
async fn nominate(
    state: &AppState,
    cmd: &SlashCommand,
    signed_at: i64,
    nomination: Nomination,
) -> Result<Response> {
    // Slack sends both with every command; the trigger ID is what makes a replay recognisable.
    if cmd.trigger_id.is_empty() || cmd.response_url.is_empty() {
        return Err(Error::BadRequest(
            "slash command without trigger_id or response_url".into(),
        ));
    }
    let typed_in = TypedIn {
        channel: &cmd.channel_id,
        response_url: &cmd.response_url,
    };
    let (outbox, place) = messages::nomination_messages(
        &nomination.heroes,
        state.config.heroes_channel.as_deref(),
        Some(typed_in),
    );
    let place = place.ok_or_else(|| Error::BadRequest("nowhere to post the celebration".into()))?;
    let ack = messages::nomination_confirmed(&nomination, place).to_string();
    let submission = Submission {
        // Slack makes trigger IDs unique per invocation, and a replay repeats the signed
        // timestamp; leading with it keeps the keys in time order, so inserting them touches
        // one index page per commit rather than one per request.
        key: format!("command:{signed_at}:{}", cmd.trigger_id),
        ack: ack.clone(),
        team_id: cmd.team_id.clone(),
        channel_id: Some(cmd.channel_id.clone()).filter(|c| !c.is_empty()),
        source: Source::Command,
        message_permalink: None,
        nomination,
        messages: outbox,
    };
    match state.writer.submit(submission).await? {
        Committed::Stored(id) => {
            tracing::info!(nomination = id, "nomination stored");
            Ok(json(ack))
        }
        Committed::Replay(first_ack) => {
            tracing::info!("replayed slash command answered without storing again");
            Ok(json(first_ack))
        }
    }
}

pub(super) fn json(body: String) -> Response {
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}
