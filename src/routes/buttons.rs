//! Buttons on herobot's messages and App Home: a hero's consent choice, Feature and Ask the
//! customer on a story post, the internal customer's answer, Home's buttons (the two forms, a
//! leader's library link), a report card's Rate, Add an action and Done, and **👏 Add your
//! thanks** on a celebration or a story post. Each press is
//! decoded into an [`Element`] and calls one action; each changes state at most once however
//! often it is pressed, and answers through the outbox.
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
use crate::actions::thanks::add_thanks;
use crate::domain::answer::comment;
use crate::domain::thanks::Thanked;
use crate::domain::{Consent, Element, UserId};
use crate::error::Result;
use crate::messages::answer::COMMENT_BLOCK;
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
        let Some(element) = Element::decode(&action.action_id, action.value.as_deref()) else {
            tracing::debug!(action_id = action.action_id, "unknown action acknowledged");
            continue;
        };
        let pressed_on = Pressed {
            key: format!(
                "press:{signed_at}:{}:{}",
                pressed.trigger_id, action.action_id
            ),
            ..on.clone()
        };
        let trigger_id = &pressed.trigger_id;
        match element {
            Element::GrantConsent(story) => {
                record_consent(state, story, &user, Consent::Granted, Some(pressed_on)).await?;
            }
            Element::DeclineConsent(story) => {
                record_consent(state, story, &user, Consent::Declined, Some(pressed_on)).await?;
            }
            Element::Feature(story) => {
                feature(state, story, user.as_str(), true, Some(pressed_on)).await?;
            }
            Element::Unfeature(story) => {
                feature(state, story, user.as_str(), false, Some(pressed_on)).await?;
            }
            Element::AskCustomer(story) => {
                ask(state, story, &user, trigger_id, pressed_on).await?;
            }
            Element::CustomerAnswer { story, answer } => {
                let typed = Values(&pressed.state.values).text(COMMENT_BLOCK);
                let comment = comment(typed.as_deref());
                answer_in_slack(state, story, &user, answer, comment, pressed_on).await?;
            }
            Element::Nominate => {
                let view = modals::nomination::view(
                    &Default::default(),
                    &Default::default(),
                    state.config.min_reason,
                );
                open_modal(state, trigger_id, &view).await;
            }
            Element::TellStory => {
                let view = modals::story::view(&Default::default(), &Default::default());
                open_modal(state, trigger_id, &view).await;
            }
            Element::Rate(round) => {
                open_rating(state, round, &user, trigger_id, pressed_on).await?;
            }
            Element::AddAction(round) => {
                open_action_form(state, round, &user, trigger_id, pressed_on).await?;
            }
            Element::ActionDone(item) => {
                action_done(state, item, &user, pressed_on).await?;
            }
            Element::LibraryLink => {
                send_library_link(state, &user, &pressed_on.key).await?;
            }
            Element::ThankNomination(nomination) => {
                add_thanks(state, Thanked::Nomination(nomination), &user, pressed_on).await?;
            }
            Element::ThankStory(story) => {
                add_thanks(state, Thanked::Story(story), &user, pressed_on).await?;
            }
            // A link opens in the browser; the press only tells herobot it happened.
            Element::OpenLibrary | Element::OpenWallboard | Element::OpenCardPage => {}
        }
    }
    Ok(().into_response())
}
