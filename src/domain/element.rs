//! Every interactive element herobot posts (a button on a message, on App Home or in a reply),
//! and how each is written on the wire: its action ID and the value its press carries back.
//! Messages encode an [`Element`]; the interactions route decodes one. Nothing else reads a
//! button's value.
//!
//! The action IDs and values are a promise kept to messages already in Slack: a button posted
//! by an earlier build is pressed after an upgrade, so an ID or a value's shape never changes;
//! a new shape is a new action ID.
use super::Answer;
use super::id::{ActionItemId, NominationId, RoundId, StoryId};

/// Action IDs, as posted by every build since each was introduced.
pub mod action {
    /// A hero agrees that a story is told outside Slack (value: the story's ID).
    pub const CONSENT_GRANT: &str = "consent_grant";
    /// A hero keeps a story inside Slack (value: the story's ID).
    pub const CONSENT_DECLINE: &str = "consent_decline";
    /// Feature a story on its post (value: the story's ID).
    pub const FEATURE: &str = "feature_story";
    /// Unfeature a story on its post (value: the story's ID).
    pub const UNFEATURE: &str = "unfeature_story";
    /// **Ask the customer** (value: the story's ID).
    pub const ASK: &str = "ask_customer";
    /// Before the answer's name (`customer_answer_blown_away`): the internal customer's three
    /// buttons (value: the story's ID).
    pub const ANSWER_PREFIX: &str = "customer_answer_";
    /// Home's **Recognise a hero** (no value).
    pub const NOMINATE: &str = "home_nominate";
    /// Home's **Tell a recovery story** (no value).
    pub const TELL_STORY: &str = "home_tell_story";
    /// Home's sign-in link to the story library, for leaders (no value).
    pub const LIBRARY_LINK: &str = "home_library_link";
    /// A rater's **Rate** (value: the round's ID).
    pub const RATE: &str = "reportcard_rate";
    /// **Add an action** on a round's results (value: the round's ID).
    pub const ADD_ACTION: &str = "reportcard_add_action";
    /// An action item's **Done** (value: the action item's ID).
    pub const DONE: &str = "reportcard_action_done";
    /// The link button of `/hero library`'s reply.
    pub const OPEN_LIBRARY: &str = "library_open";
    /// The link button of `/hero wall`'s reply.
    pub const OPEN_WALLBOARD: &str = "wall_open";
    /// The link button to a report card's page, on a round's results.
    pub const OPEN_CARD_PAGE: &str = "reportcard_open_library";
    /// **👏 Add your thanks** on a celebration (value: the nomination's ID).
    pub const THANK_NOMINATION: &str = "thanks_nomination";
    /// **👏 Add your thanks** on a story post (value: the story's ID).
    pub const THANK_STORY: &str = "thanks_story";
}

use action::*;

/// One interactive element, with what its press is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    /// A hero agrees that the story is told outside Slack.
    GrantConsent(StoryId),
    /// A hero keeps the story inside Slack.
    DeclineConsent(StoryId),
    Feature(StoryId),
    Unfeature(StoryId),
    /// **Ask the customer** whether the recovery blew them away.
    AskCustomer(StoryId),
    /// The internal customer's answer, from their DM.
    CustomerAnswer {
        story: StoryId,
        answer: Answer,
    },
    /// Home's button to the nomination form.
    Nominate,
    /// Home's button to the story form.
    TellStory,
    /// Home's button for a leader's sign-in link to the library.
    LibraryLink,
    /// A rater's button to the rating form of a round.
    Rate(RoundId),
    /// The button to the action-item form, on a round's results.
    AddAction(RoundId),
    /// An owner marks an action item done.
    ActionDone(ActionItemId),
    /// A link to the story library: the browser opens it, herobot has nothing to do.
    OpenLibrary,
    /// A link to the office wallboard.
    OpenWallboard,
    /// A link to a report card's page.
    OpenCardPage,
    /// A colleague adds their thanks to a celebration.
    ThankNomination(NominationId),
    /// A colleague adds their thanks to a story post.
    ThankStory(StoryId),
}

impl Element {
    /// The element a press stands for, from its action ID and value; `None` for an ID herobot
    /// never posted or a value that does not fit it.
    pub fn decode(action_id: &str, value: Option<&str>) -> Option<Self> {
        let story = || value.and_then(StoryId::parse);
        let round = || value.and_then(RoundId::parse);
        Some(match action_id {
            CONSENT_GRANT => Self::GrantConsent(story()?),
            CONSENT_DECLINE => Self::DeclineConsent(story()?),
            FEATURE => Self::Feature(story()?),
            UNFEATURE => Self::Unfeature(story()?),
            ASK => Self::AskCustomer(story()?),
            NOMINATE => Self::Nominate,
            TELL_STORY => Self::TellStory,
            LIBRARY_LINK => Self::LibraryLink,
            RATE => Self::Rate(round()?),
            ADD_ACTION => Self::AddAction(round()?),
            DONE => Self::ActionDone(value.and_then(ActionItemId::parse)?),
            OPEN_LIBRARY => Self::OpenLibrary,
            OPEN_WALLBOARD => Self::OpenWallboard,
            OPEN_CARD_PAGE => Self::OpenCardPage,
            THANK_NOMINATION => Self::ThankNomination(value.and_then(NominationId::parse)?),
            THANK_STORY => Self::ThankStory(story()?),
            other => {
                let answer = other.strip_prefix(ANSWER_PREFIX).and_then(Answer::parse)?;
                Self::CustomerAnswer {
                    story: story()?,
                    answer,
                }
            }
        })
    }

    /// The action ID the element is posted with.
    pub fn action_id(&self) -> String {
        match self {
            Self::GrantConsent(_) => CONSENT_GRANT,
            Self::DeclineConsent(_) => CONSENT_DECLINE,
            Self::Feature(_) => FEATURE,
            Self::Unfeature(_) => UNFEATURE,
            Self::AskCustomer(_) => ASK,
            Self::CustomerAnswer { answer, .. } => {
                return format!("{ANSWER_PREFIX}{}", answer.as_str());
            }
            Self::Nominate => NOMINATE,
            Self::TellStory => TELL_STORY,
            Self::LibraryLink => LIBRARY_LINK,
            Self::Rate(_) => RATE,
            Self::AddAction(_) => ADD_ACTION,
            Self::ActionDone(_) => DONE,
            Self::OpenLibrary => OPEN_LIBRARY,
            Self::OpenWallboard => OPEN_WALLBOARD,
            Self::OpenCardPage => OPEN_CARD_PAGE,
            Self::ThankNomination(_) => THANK_NOMINATION,
            Self::ThankStory(_) => THANK_STORY,
        }
        .to_owned()
    }

    /// The value a press carries back, if any.
    pub fn value(&self) -> Option<String> {
        match self {
            Self::GrantConsent(story)
            | Self::DeclineConsent(story)
            | Self::Feature(story)
            | Self::Unfeature(story)
            | Self::AskCustomer(story)
            | Self::CustomerAnswer { story, .. }
            | Self::ThankStory(story) => Some(story.to_string()),
            Self::ThankNomination(nomination) => Some(nomination.to_string()),
            Self::Rate(round) | Self::AddAction(round) => Some(round.to_string()),
            Self::ActionDone(item) => Some(item.to_string()),
            Self::Nominate
            | Self::TellStory
            | Self::LibraryLink
            | Self::OpenLibrary
            | Self::OpenWallboard
            | Self::OpenCardPage => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What builds before the typed protocol posted, written out by hand (not from the
    /// constants above): each must still decode to the element it stood for, and each element
    /// must still be posted exactly so.
    fn posted_by_earlier_builds() -> Vec<(&'static str, Option<&'static str>, Element)> {
        vec![
            (
                "consent_grant",
                Some("12"),
                Element::GrantConsent(StoryId(12)),
            ),
            (
                "consent_decline",
                Some("12"),
                Element::DeclineConsent(StoryId(12)),
            ),
            ("feature_story", Some("3"), Element::Feature(StoryId(3))),
            ("unfeature_story", Some("3"), Element::Unfeature(StoryId(3))),
            (
                "ask_customer",
                Some("41"),
                Element::AskCustomer(StoryId(41)),
            ),
            (
                "customer_answer_blown_away",
                Some("41"),
                Element::CustomerAnswer {
                    story: StoryId(41),
                    answer: Answer::BlownAway,
                },
            ),
            (
                "customer_answer_satisfied",
                Some("41"),
                Element::CustomerAnswer {
                    story: StoryId(41),
                    answer: Answer::Satisfied,
                },
            ),
            (
                "customer_answer_not_really",
                Some("41"),
                Element::CustomerAnswer {
                    story: StoryId(41),
                    answer: Answer::NotReally,
                },
            ),
            ("home_nominate", None, Element::Nominate),
            ("home_tell_story", None, Element::TellStory),
            ("home_library_link", None, Element::LibraryLink),
            ("reportcard_rate", Some("5"), Element::Rate(RoundId(5))),
            (
                "reportcard_add_action",
                Some("5"),
                Element::AddAction(RoundId(5)),
            ),
            (
                "reportcard_action_done",
                Some("9"),
                Element::ActionDone(ActionItemId(9)),
            ),
            ("library_open", None, Element::OpenLibrary),
            ("wall_open", None, Element::OpenWallboard),
            ("reportcard_open_library", None, Element::OpenCardPage),
            (
                "thanks_nomination",
                Some("8"),
                Element::ThankNomination(NominationId(8)),
            ),
            ("thanks_story", Some("3"), Element::ThankStory(StoryId(3))),
        ]
    }

    /// Each variant's place; the compiler asks for a new variant here, and the test below then
    /// asks for it in the list above.
    fn ordinal(element: Element) -> usize {
        match element {
            Element::GrantConsent(_) => 0,
            Element::DeclineConsent(_) => 1,
            Element::Feature(_) => 2,
            Element::Unfeature(_) => 3,
            Element::AskCustomer(_) => 4,
            Element::CustomerAnswer { .. } => 5,
            Element::Nominate => 6,
            Element::TellStory => 7,
            Element::LibraryLink => 8,
            Element::Rate(_) => 9,
            Element::AddAction(_) => 10,
            Element::ActionDone(_) => 11,
            Element::OpenLibrary => 12,
            Element::OpenWallboard => 13,
            Element::OpenCardPage => 14,
            Element::ThankNomination(_) => 15,
            Element::ThankStory(_) => 16,
        }
    }

    #[test]
    fn every_element_is_in_the_list_of_what_earlier_builds_posted() {
        let mut seen: Vec<usize> = posted_by_earlier_builds()
            .into_iter()
            .map(|(_, _, element)| ordinal(element))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, (0..=16).collect::<Vec<_>>());
    }

    #[test]
    fn a_button_posted_by_an_earlier_build_decodes_to_what_it_stood_for() {
        for (action_id, value, element) in posted_by_earlier_builds() {
            assert_eq!(
                Element::decode(action_id, value),
                Some(element),
                "{action_id} {value:?}"
            );
        }
    }

    #[test]
    fn every_element_is_posted_as_earlier_builds_posted_it() {
        for (action_id, value, element) in posted_by_earlier_builds() {
            assert_eq!(element.action_id(), action_id);
            assert_eq!(element.value().as_deref(), value, "{action_id}");
            assert_eq!(
                Element::decode(&element.action_id(), element.value().as_deref()),
                Some(element)
            );
        }
    }

    #[test]
    fn a_button_without_the_record_it_is_about_decodes_to_nothing() {
        for action_id in [
            "consent_grant",
            "feature_story",
            "ask_customer",
            "customer_answer_satisfied",
            "reportcard_rate",
            "reportcard_action_done",
            "thanks_nomination",
            "thanks_story",
        ] {
            assert_eq!(Element::decode(action_id, None), None, "{action_id}");
            assert_eq!(Element::decode(action_id, Some("x")), None, "{action_id}");
        }
        assert_eq!(Element::decode("customer_answer_", Some("1")), None);
        assert_eq!(Element::decode("customer_answer_maybe", Some("1")), None);
        assert_eq!(Element::decode("someone_elses_button", Some("1")), None);
    }

    #[test]
    fn a_button_that_needs_no_value_ignores_one() {
        assert_eq!(
            Element::decode("home_nominate", Some("anything")),
            Some(Element::Nominate)
        );
    }
}
