//! Buttons on herobot's messages and App Home: a hero's consent choice, Feature and Ask the
//! customer on a story post, the internal customer's answer, Home's buttons (the two forms, a
//! leader's library link), and a report card's Rate, Add an action and Done. Each changes state
//! at most once however often it is pressed, and answers through the outbox.
use axum::response::{IntoResponse, Response};

use crate::actions::Pressed;
use crate::actions::action_item::{done as action_done, open_form as open_action_form};
use crate::actions::answer::answer_in_slack;
use crate::actions::ask_customer::ask;
use crate::actions::consent::record_consent;
use crate::actions::feature::feature;
use crate::actions::home::send_library_link;
use crate::actions::modal::open_modal;
use crate::actions::rate::open_rating;
use crate::domain::answer::comment;
use crate::domain::{Consent, UserId};
use crate::error::Result;
use crate::messages::answer::{ASK, COMMENT_BLOCK, pressed_answer};
use crate::messages::home::{LIBRARY_LINK, NOMINATE, TELL_STORY};
use crate::messages::report_card::{ADD_ACTION, DONE, RATE};
use crate::messages::story::{CONSENT_DECLINE, CONSENT_GRANT, FEATURE, UNFEATURE};
use crate::modals;
use crate::slack::payload::BlockActions;
use crate::slack::payload::Values;
use crate::state::AppState;

/// `signed_at` is the request's signed timestamp: with the trigger ID it makes each press
/// recognisable when replayed.
pub async fn pressed(state: &AppState, pressed: BlockActions, signed_at: i64) -> Result<Response> {
    let Some(user) = UserId::parse(&pressed.user.id) else {
        tracing::debug!("a press from an unreadable user ID ignored");
        return Ok(().into_response());
    };
    let on = Pressed {
        key: String::new(),
        response_url: pressed.response_url.clone(),
        // A DM's channel, or the user's own ID where Slack leaves it out.
        channel: pressed
            .channel
            .as_ref()
            .map(|c| c.id.clone())
            .unwrap_or_else(|| user.to_string()),
        message_ts: pressed.message.as_ref().map(|m| m.ts.clone()),
        on_home: pressed.container.as_ref().is_some_and(|c| c.kind == "view")
            && pressed.message.is_none(),
    };
    for action in &pressed.actions {
        let story_id = action.value.as_deref().and_then(|v| v.parse::<i64>().ok());
        let pressed_on = Pressed {
            key: format!(
                "press:{signed_at}:{}:{}",
                pressed.trigger_id, action.action_id
            ),
            ..on.clone()
        };
        let on = Some(pressed_on.clone());
        match (action.action_id.as_str(), story_id) {
            (CONSENT_GRANT, Some(id)) => {
                record_consent(state, id, &user, Consent::Granted, on).await?;
            }
            (CONSENT_DECLINE, Some(id)) => {
                record_consent(state, id, &user, Consent::Declined, on).await?;
            }
            (FEATURE, Some(id)) => {
                feature(state, id, user.as_str(), true, on).await?;
            }
            (UNFEATURE, Some(id)) => {
                feature(state, id, user.as_str(), false, on).await?;
            }
            (ASK, Some(id)) => {
                ask(state, id, &user, &pressed.trigger_id, pressed_on).await?;
            }
            (other, Some(id)) if let Some(answer) = pressed_answer(other) => {
                let typed = Values(&pressed.state.values).text(COMMENT_BLOCK);
                let comment = comment(typed.as_deref());
                answer_in_slack(state, id, &user, answer, comment, pressed_on).await?;
            }
            (NOMINATE, _) => {
                let view = modals::nomination::view(
                    &Default::default(),
                    &Default::default(),
                    state.config.min_reason,
                );
                open_modal(state, &pressed.trigger_id, &view).await;
            }
            (TELL_STORY, _) => {
                let view = modals::story::view(&Default::default(), &Default::default());
                open_modal(state, &pressed.trigger_id, &view).await;
            }
            (RATE, Some(round)) => {
                open_rating(state, round, &user, &pressed.trigger_id, pressed_on).await?;
            }
            (ADD_ACTION, Some(round)) => {
                open_action_form(state, round, &pressed.trigger_id, pressed_on).await?;
            }
            (DONE, Some(action)) => {
                action_done(state, action, &user, pressed_on).await?;
            }
            (LIBRARY_LINK, _) => {
                let key = on.map(|p| p.key).unwrap_or_default();
                send_library_link(state, &user, &key).await?;
            }
            (other, _) => tracing::debug!(action_id = other, "unknown action acknowledged"),
        }
    }
    Ok(().into_response())
}
