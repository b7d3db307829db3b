//! A message shortcut ("Nominate as service hero", "Save as recovery story"): the modal
//! pre-filled from the message, crediting the people it mentions (the author only when it
//! mentions nobody, and never the person using the shortcut), its mentions written as names.
use std::time::Duration;

use serde_json::Value;

use crate::domain::UserId;
use crate::domain::text::{mentioned, readable};
use crate::modals::{self, Origin};
use crate::state::AppState;

/// How long names may take: Slack's trigger lasts 3 seconds, and `views.open` needs the rest.
const NAMES_BUDGET: Duration = Duration::from_millis(1_200);

/// Which modal a shortcut opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Nomination,
    Story,
}

/// The message a shortcut was used on, as the route read it.
#[derive(Debug, Clone)]
pub struct Message {
    pub text: String,
    pub author: Option<UserId>,
}

/// The heroes to preselect: the people `text` mentions, else its author; never `user` (who
/// cannot nominate themselves).
pub fn heroes(text: &str, author: Option<&UserId>, user: &str) -> Vec<UserId> {
    let mentions = mentioned(text);
    let candidates = if mentions.is_empty() {
        author.cloned().into_iter().collect()
    } else {
        mentions
    };
    candidates
        .into_iter()
        .filter(|hero| hero.as_str() != user)
        .collect()
}

/// Opens `form` for `user`, pre-filled from `message`; None when it opened, else the private
/// note saying what went wrong.
pub async fn open(
    app: &AppState,
    form: Form,
    user: &str,
    message: &Message,
    origin: &Origin,
    trigger_id: &str,
) -> Option<Value> {
    let heroes: Vec<String> = heroes(&message.text, message.author.as_ref(), user)
        .iter()
        .map(ToString::to_string)
        .collect();
    let people: Vec<String> = mentioned(&message.text)
        .iter()
        .map(ToString::to_string)
        .collect();
    let names = if people.is_empty() {
        Default::default()
    } else {
        crate::library::names::resolve_within(
            &app.db,
            &app.writes,
            Some(&app.slack),
            &people,
            Some(NAMES_BUDGET),
            &app.clock,
        )
        .await
        .inspect_err(|err| tracing::warn!(error = %err, "names for a shortcut failed"))
        .unwrap_or_default()
    };
    let text = readable(&message.text, &names);
    let view = match form {
        Form::Nomination => modals::nomination::view(
            &modals::nomination::Prefill {
                heroes,
                reason: Some(text),
            },
            origin,
            app.config.min_reason,
        ),
        Form::Story => modals::story::view(
            &modals::story::Prefill {
                heroes,
                what_went_wrong: Some(text),
            },
            origin,
        ),
    };
    super::modal::open_modal(app, trigger_id, &view).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(heroes: &[UserId]) -> Vec<&str> {
        heroes.iter().map(UserId::as_str).collect()
    }

    #[test]
    fn the_mentioned_are_credited_before_the_author_and_never_the_user() {
        let author = UserId::parse("U0PRIYA").unwrap();
        let text = "Huge thanks to <@U0ZAINAB> and <@U0OMAR|omar> (and <@U0ME>), <@U0ZAINAB>!";
        assert_eq!(
            ids(&heroes(text, Some(&author), "U0ME")),
            ["U0ZAINAB", "U0OMAR"]
        );
        assert_eq!(ids(&heroes("Fixed it", Some(&author), "U0ME")), ["U0PRIYA"]);
        assert!(heroes("Fixed it", Some(&author), "U0PRIYA").is_empty());
        assert!(heroes("<@U0ME> fixed it", Some(&author), "U0ME").is_empty());
    }
}
