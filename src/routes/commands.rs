//! `POST /slack/commands`: `/hero` and its subcommands, each handed to its action.
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::actions::{self, Refused, in_time::ReplyTo, nominate::Request};
use crate::domain::UserId;
use crate::domain::command::{self, Command, CommandError};
use crate::error::{Error, Result};
use crate::messages;
use crate::modals::{self, Origin};
use crate::slack::extract::VerifiedBody;
use crate::slack::payload::SlashCommand;
use crate::state::AppState;
use crate::store::nominations::Source;

pub async fn hero(
    State(state): State<AppState>,
    VerifiedBody { body, timestamp }: VerifiedBody,
) -> Result<Response> {
    let cmd: SlashCommand = serde_urlencoded::from_bytes(&body)
        .map_err(|_| Error::BadRequest("malformed slash command".into()))?;
    let user =
        UserId::parse(&cmd.user_id).ok_or_else(|| Error::BadRequest("malformed user_id".into()))?;
    match answer(&state, &cmd, &user, timestamp).await {
        Ok(Some(reply)) => Ok(json(reply.to_string())),
        // An empty acknowledgement: a modal opened.
        Ok(None) => Ok(().into_response()),
        // The person is told in their own words; nothing was stored.
        Err(Error::Busy) => Ok(json(messages::refusal(messages::BUSY).to_string())),
        Err(err) => Err(err),
    }
}

/// Hands `/hero …` to its action; the private reply, or None when a modal opened.
async fn answer(
    state: &AppState,
    cmd: &SlashCommand,
    user: &UserId,
    timestamp: i64,
) -> Result<Option<Value>> {
    let channel = Some(cmd.channel_id.clone()).filter(|c| !c.is_empty());
    let response_url = Some(cmd.response_url.clone()).filter(|u| !u.is_empty());
    // Only the modals need it: a nomination, the common case, copies nothing for it.
    let origin = || Origin {
        channel: channel.clone(),
        response_url: response_url.clone(),
        permalink: None,
    };
    let reply = match command::parse(&cmd.text, user, state.config.min_reason) {
        Ok(Command::Nominate(nomination)) => {
            // Slack sends both with every command; the trigger ID is what makes a replay
            // recognisable.
            if cmd.trigger_id.is_empty() || response_url.is_none() {
                return Err(Error::BadRequest(
                    "slash command without trigger_id or response_url".into(),
                ));
            }
            let request = Request {
                key: request_key(timestamp, &cmd.trigger_id),
                team_id: cmd.team_id.clone(),
                source: Source::Command,
                channel,
                response_url,
                permalink: None,
            };
            match actions::nominate::nominate(state, nomination, request).await? {
                Ok(confirmation) => confirmation,
                Err(Refused(why)) => messages::refusal(&why),
            }
        }
        Ok(Command::Help) => messages::help(),
        Ok(Command::NominationModal) => {
            let view =
                modals::nomination::view(&Default::default(), &origin(), state.config.min_reason);
            return Ok(actions::modal::open_modal(state, &cmd.trigger_id, &view).await);
        }
        Ok(Command::StoryModal) => {
            let view = modals::story::view(&Default::default(), &origin());
            return Ok(actions::modal::open_modal(state, &cmd.trigger_id, &view).await);
        }
        Ok(Command::Find(query)) => actions::search::find(state, query, reply_to(cmd)).await?,
        Ok(Command::Profile(who)) => {
            actions::search::profile(state, user, who, reply_to(cmd)).await?
        }
        Ok(Command::Top(period)) => actions::top::top(state, period, reply_to(cmd)).await?,
        Ok(Command::Digest { post }) => {
            actions::digest::digest_command(state, user.as_str(), post).await?
        }
        Ok(Command::Library) => {
            let key = request_key(timestamp, &cmd.trigger_id);
            actions::library_link::library_link(state, user.as_str(), &key).await?
        }
        Ok(Command::Wall { revoke }) => {
            let key = request_key(timestamp, &cmd.trigger_id);
            actions::wall_link::wall_link(state, user.as_str(), revoke, &key).await?
        }
        Ok(Command::ReportCard(card)) => {
            let metadata = modals::report_card::Metadata {
                card: None,
                channel,
                response_url,
            };
            return actions::report_card::command(state, user, card, &cmd.trigger_id, metadata)
                .await;
        }
        Err(CommandError::Nomination(
            err @ crate::domain::nomination::NominationError::ReasonTooLong { .. },
        )) => messages::refusal_with_text(&err.to_string(), &cmd.text),
        Err(CommandError::Nomination(err)) => messages::refusal(&err.to_string()),
        Err(CommandError::Usage(usage)) => messages::refusal(usage),
        Err(unknown @ CommandError::Unknown(_)) => messages::unknown(&unknown.to_string()),
    };
    Ok(Some(reply))
}

/// What makes a slash command's replay recognisable: Slack makes trigger IDs unique per
/// invocation, and a replay repeats the signed timestamp. Leading with the timestamp keeps the
/// keys in time order, so inserting them touches one index page per commit, not one per request.
fn request_key(signed_at: i64, trigger_id: &str) -> String {
    format!("command:{signed_at}:{trigger_id}")
}

/// Where a late answer to `cmd` goes, if Slack said.
fn reply_to(cmd: &SlashCommand) -> Option<ReplyTo> {
    (!cmd.response_url.is_empty()).then(|| ReplyTo {
        url: cmd.response_url.clone(),
        channel: cmd.channel_id.clone(),
    })
}

pub(super) fn json(body: String) -> Response {
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}
