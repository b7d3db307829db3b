//! Outbox messages as types: what a message says and where it is delivered. The store keeps
//! them (as text, in `store::outbox` only) and the outbox worker renders and sends them.
use serde_json::{Value, json};

use std::sync::Arc;

use super::{ActionItemId, NominationId, RoundId, StoryId, UserId};

/// The columns a rendered message keeps beside its kind: who it is for, and the record it is
/// about. Each field of a [`Render`] variant is kept in one of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    pub recipient: Option<UserId>,
    pub subject: Option<i64>,
}

/// A field of a [`Render`] variant: which of the [`Parts`] keeps it.
pub trait Part: Sized {
    fn keep(&self, parts: &mut Parts);
    /// The field, or what is missing.
    fn read(parts: &Parts) -> Result<Self, &'static str>;
}

impl Part for UserId {
    fn keep(&self, parts: &mut Parts) {
        parts.recipient = Some(self.clone());
    }

    fn read(parts: &Parts) -> Result<Self, &'static str> {
        parts.recipient.clone().ok_or("a DM without its recipient")
    }
}

macro_rules! subjects {
    ($($id:ty),*) => {$(
        impl Part for $id {
            fn keep(&self, parts: &mut Parts) {
                parts.subject = Some(self.get());
            }

            fn read(parts: &Parts) -> Result<Self, &'static str> {
                parts
                    .subject
                    .map(Self)
                    .ok_or("a rendered message without its subject")
            }
        }
    )*};
}

subjects!(NominationId, StoryId, RoundId, ActionItemId);

/// Defines [`Render`] and, in the same place, the name each kind is stored by: one table, so a
/// kind cannot be added without its name, and every kind can be listed ([`Kind::ALL`]).
macro_rules! renders {
    ($($(#[$doc:meta])* $kind:ident { $($field:ident: $ty:ty),* } = $name:literal,)*) => {
        /// A message rendered when it is sent, from the committed record it is about, so the
        /// row stays small and says what the record says at that moment.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Render {
            $($(#[$doc])* $kind { $($field: $ty),* },)*
        }

        /// The kinds of [`Render`], without their fields.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kind {
            $($kind,)*
        }

        impl Kind {
            pub const ALL: &[Kind] = &[$(Kind::$kind,)*];

            /// The name the kind is stored by. Rows already stored keep it: never change one.
            pub fn name(self) -> &'static str {
                match self {
                    $(Kind::$kind => $name,)*
                }
            }

            pub fn named(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|k| k.name() == name)
            }

            /// A message of this kind from its parts, or what is missing.
            pub fn read(self, parts: &Parts) -> Result<Render, &'static str> {
                Ok(match self {
                    $(Kind::$kind => Render::$kind { $($field: Part::read(parts)?),* },)*
                })
            }
        }

        impl Render {
            pub fn kind(&self) -> Kind {
                match self {
                    $(Render::$kind { .. } => Kind::$kind,)*
                }
            }

            /// The parts kept beside the kind.
            pub fn parts(&self) -> Parts {
                let mut parts = Parts::default();
                match self {
                    $(Render::$kind { $($field),* } => {
                        $(Part::keep($field, &mut parts);)*
                    })*
                }
                parts
            }
        }
    };
}

renders! {
    /// A nomination's public celebration.
    Celebration { nomination: NominationId } = "celebration",
    /// A nomination's DM to one of its heroes.
    HeroDm { nomination: NominationId, hero: UserId } = "hero_dm",
    /// A story's post in the stories channel (also its update after featuring).
    StoryPost { story: StoryId } = "story_post",
    /// A story's request to one credited hero for consent to tell it outside Slack.
    ConsentDm { story: StoryId, hero: UserId } = "consent_dm",
    /// A person's App Home, from what is stored about them when it is sent.
    Home { person: UserId } = "home",
    /// The teller's note that their story is told, with **Ask the customer**.
    StoryTold { story: StoryId } = "story_told",
    /// A story's question to its internal customer: were you blown away?
    CustomerQuestion { story: StoryId, customer: UserId } = "customer_question",
    /// The DM to one credited hero that the customer was blown away.
    CustomerPraise { story: StoryId, hero: UserId } = "customer_praise",
    /// A report-card round's request to one rater to rate the supplier team.
    RatingRequest { round: RoundId, rater: UserId } = "rating_request",
    /// The round's one reminder to a rater who has not answered.
    RatingReminder { round: RoundId, rater: UserId } = "rating_reminder",
    /// A closed round's results, in the card's review channel.
    RoundResults { round: RoundId } = "round_results",
    /// An action item's DM to its owner, with **Done**.
    ActionItem { item: ActionItemId, owner: UserId } = "action_item",
    /// A featured story's one polite ask to a credited hero who has not answered yet, with
    /// the consent buttons.
    FeatureAsk { story: StoryId, hero: UserId } = "feature_ask",
}

/// Messages about a record the same write stores, made once the write has given it its ID (a
/// nomination's celebration and DMs, stored by the group-commit writer).
#[derive(Clone)]
pub struct Unwritten<Id>(Arc<dyn Fn(Id) -> Vec<Message> + Send + Sync>);

impl<Id> Unwritten<Id> {
    pub fn new(make: impl Fn(Id) -> Vec<Message> + Send + Sync + 'static) -> Self {
        Self(Arc::new(make))
    }

    /// The messages about `id`.
    pub fn about(&self, id: Id) -> Vec<Message> {
        (self.0)(id)
    }
}

impl<Id> std::fmt::Debug for Unwritten<Id> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Unwritten(..)")
    }
}

/// What a message says.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// Rendered at delivery from the record the message is about.
    Rendered(Render),
    /// Fixed when queued: a digest, or a private note.
    Fixed(Value),
}

/// How a reply through a `response_url` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Posted for everyone in the channel.
    InChannel,
    /// Replaces the message whose button was pressed.
    ReplaceOriginal,
    /// Only the person who acted sees it, beside the original.
    Private,
}

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// `chat.postMessage` to a channel, or to a person (their DM with herobot).
    Post { channel: String },
    /// `chat.update` of a message herobot posted.
    Update { channel: String, ts: String },
    /// A `response_url` Slack handed out with a command or an interaction; `channel` is where
    /// it shows.
    Respond {
        url: String,
        channel: String,
        visibility: Visibility,
    },
    /// `views.publish` of a person's Home tab.
    Publish { user: UserId },
}

impl Delivery {
    /// A DM to `person`.
    pub fn dm(person: &UserId) -> Self {
        Self::Post {
            channel: person.to_string(),
        }
    }

    /// The fields Slack needs beside the content to deliver it here.
    pub fn fields(&self) -> Value {
        match self {
            Self::Post { channel } => json!({ "channel": channel }),
            Self::Update { channel, ts } => json!({ "channel": channel, "ts": ts }),
            Self::Publish { user } => json!({ "user_id": user }),
            Self::Respond { visibility, .. } => match visibility {
                Visibility::InChannel => json!({ "response_type": "in_channel" }),
                Visibility::ReplaceOriginal => json!({ "replace_original": true }),
                Visibility::Private => {
                    json!({ "response_type": "ephemeral", "replace_original": false })
                }
            },
        }
    }
}

/// The lane every Home publish is paced in.
pub const HOME_LANE: &str = "views.publish";

/// One outbox message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub content: Content,
    pub delivery: Delivery,
}

impl Message {
    pub fn rendered(render: Render, delivery: Delivery) -> Self {
        Self {
            content: Content::Rendered(render),
            delivery,
        }
    }

    /// A publish of `person`'s App Home.
    pub fn home(person: UserId) -> Self {
        Self::rendered(
            Render::Home {
                person: person.clone(),
            },
            Delivery::Publish { user: person },
        )
    }

    pub fn fixed(body: Value, delivery: Delivery) -> Self {
        Self {
            content: Content::Fixed(body),
            delivery,
        }
    }

    /// The lane the message is paced in: posts to one channel go one after another, at Slack's
    /// pace. A private reply has a lane of its own, so it never waits behind a channel's posts.
    pub fn lane(&self) -> String {
        // A hero's recognition DMs have a lane of their own, so that holding them for a minute
        // (to combine them) holds nothing else up.
        if let (Content::Rendered(Render::HeroDm { hero, .. }), Delivery::Post { .. }) =
            (&self.content, &self.delivery)
        {
            return format!("recognitions:{hero}");
        }
        match &self.delivery {
            Delivery::Post { channel } | Delivery::Update { channel, .. } => channel.clone(),
            Delivery::Respond {
                url, visibility, ..
            } if *visibility == Visibility::Private => format!("private:{url}"),
            Delivery::Respond { channel, .. } => channel.clone(),
            // Home views are paced together, within views.publish's rate limit.
            Delivery::Publish { .. } => HOME_LANE.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_replies_never_share_a_lane_with_the_channel() {
        let respond = |visibility| Delivery::Respond {
            url: "https://hooks.slack.test/r/1".into(),
            channel: "C0GENERAL".into(),
            visibility,
        };
        let post = Message::rendered(
            Render::Celebration {
                nomination: NominationId(1),
            },
            respond(Visibility::InChannel),
        );
        let note = Message::fixed(json!({"text": "no"}), respond(Visibility::Private));
        assert_eq!(post.lane(), "C0GENERAL");
        assert_ne!(note.lane(), post.lane());
    }

    #[test]
    fn a_dm_goes_to_the_person() {
        let hero = UserId::parse("U0ALICE").unwrap();
        let dm = Message::rendered(
            Render::HeroDm {
                nomination: NominationId(1),
                hero: hero.clone(),
            },
            Delivery::dm(&hero),
        );
        assert_eq!(dm.lane(), "recognitions:U0ALICE");
        assert_eq!(dm.delivery.fields(), json!({"channel": "U0ALICE"}));
    }

    #[test]
    fn every_kind_reads_back_from_the_parts_it_keeps() {
        let all = Parts {
            recipient: UserId::parse("U0ALICE"),
            subject: Some(7),
        };
        for kind in Kind::ALL {
            let render = kind.read(&all).unwrap();
            assert_eq!(render.kind(), *kind);
            assert_eq!(kind.read(&render.parts()), Ok(render));
            assert_eq!(Kind::named(kind.name()), Some(*kind));
        }
    }
}
