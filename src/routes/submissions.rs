//! Modal submissions: a nomination, a recovery story, the internal customer to ask, a report
//! card, a rater's ratings or an action item, handed to its action. Invalid input keeps the
//! modal open with a message beside each field and stores nothing.
use serde_json::Value;

use crate::actions::Refused;
use crate::actions::action_item::add as add_action;
use crate::actions::ask_customer::ask_colleague;
use crate::actions::nominate::{Request, nominate};
use crate::actions::rate::rate;
use crate::actions::report_card::save as save_card;
use crate::actions::tell_story::tell_story;
use crate::domain::UserId;
use crate::error::{Error, Result};
use crate::messages;
use crate::modals::{self, FieldErrors, Origin, errors_response};
use crate::slack::payload::{Interaction, Values, ViewSubmission};
use crate::state::AppState;
use crate::store::nominations::Source;

/// The answer to a submission: None closes the modal; Some keeps it open with errors.
pub async fn submitted(state: &AppState, submission: ViewSubmission) -> Result<Option<Value>> {
    let Some(user) = UserId::parse(&submission.user.id) else {
        tracing::debug!("submission from an unreadable user ID ignored");
        return Ok(None);
    };
    let view = &submission.view;
    let origin = Origin::from_metadata(&view.private_metadata);
    let values = Values(&view.state.values);
    let request = |source| Request {
        // A view is submitted once; its ID makes a repeated delivery harmless.
        key: format!("view:{}", view.id),
        team_id: Interaction::team_of(&submission.team, &submission.user, view.team_id.as_deref()),
        source,
        channel: origin.channel.clone(),
        response_url: origin.response_url.clone(),
        permalink: origin.permalink.clone(),
    };
    match view.callback_id.as_str() {
        modals::nomination::CALLBACK_ID => {
            let nomination =
                match modals::nomination::parse(&values, &user, state.config.min_reason) {
                    Ok(n) => n,
                    Err(errors) => return Ok(Some(errors_response(&errors))),
                };
            let source = if origin.permalink.is_some() {
                Source::Shortcut
            } else {
                Source::Modal
            };
            let stored = nominate(state, nomination, request(source)).await;
            Ok(refused_beside(stored, beside("reason"))?.err())
        }
        modals::story::CALLBACK_ID => {
            let story = match modals::story::parse(&values, &user, state.clock.now_secs()) {
                Ok(story) => story,
                Err(errors) => return Ok(Some(errors_response(&errors))),
            };
            let told = tell_story(state, story, request(Source::Modal)).await;
            Ok(refused_beside(told, beside("title"))?.err())
        }
        modals::ask::CALLBACK_ID => {
            let (story, customer) = match modals::ask::parse(&values, &view.private_metadata) {
                Ok(picked) => picked,
                Err(errors) => return Ok(Some(errors_response(&errors))),
            };
            match ask_colleague(state, story, &user, &customer).await? {
                Ok(customer) => Ok(Some(modals::ask::asked(&customer))),
                Err(Refused(why)) => Ok(Some(errors_response(&modals::ask::refused(&why)))),
            }
        }
        modals::report_card::CALLBACK_ID => {
            let card = match modals::report_card::parse(&values) {
                Ok(card) => card,
                Err(errors) => return Ok(Some(errors_response(&errors))),
            };
            let metadata = modals::report_card::Metadata::read(&view.private_metadata);
            let saved = save_card(state, &user, metadata, card, &format!("view:{}", view.id)).await;
            Ok(refused_beside(saved, modals::report_card::refused)?.err())
        }
        modals::rating::CALLBACK_ID => {
            let Some(metadata) = modals::rating::Metadata::read(&view.private_metadata) else {
                return Ok(None);
            };
            let answers = match modals::rating::parse(&values, &metadata) {
                Ok(answers) => answers,
                Err(errors) => return Ok(Some(errors_response(&errors))),
            };
            let rated = rate(state, &user, &metadata, answers).await;
            Ok(Some(
                refused_beside(rated, modals::rating::refused)?.unwrap_or_else(|e| e),
            ))
        }
        modals::action_item::CALLBACK_ID => {
            let today = state.clock.today(&state.config.timezone);
            let (round, action) =
                match modals::action_item::parse(&values, &view.private_metadata, today) {
                    Ok(parsed) => parsed,
                    Err(errors) => return Ok(Some(errors_response(&errors))),
                };
            let added = add_action(state, round, &user, action, &format!("view:{}", view.id)).await;
            Ok(refused_beside(added, modals::action_item::refused)?.err())
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

/// What an action gave, or the answer that keeps the modal open with why not beside its field
/// (`beside` places the message), a locked database included.
fn refused_beside<T>(
    outcome: Result<std::result::Result<T, Refused>>,
    beside: impl Fn(&str) -> FieldErrors,
) -> Result<std::result::Result<T, Value>> {
    match outcome {
        Ok(Ok(done)) => Ok(Ok(done)),
        Ok(Err(Refused(why))) => Ok(Err(errors_response(&beside(&why)))),
        Err(Error::Busy) => Ok(Err(errors_response(&beside(messages::BUSY)))),
        Err(err) => Err(err),
    }
}

/// Places a refusal beside `field`.
fn beside(field: &'static str) -> impl Fn(&str) -> FieldErrors {
    move |why| FieldErrors::from([(field, why.to_owned())])
}
