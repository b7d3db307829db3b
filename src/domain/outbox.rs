//! Outbox messages as types: what a message says and where it is delivered. The store keeps
//! them (as text, in `store::outbox` only) and the outbox worker renders and sends them.
use serde_json::{Value, json};

use super::UserId;

/// A message rendered when it is sent, from the committed record it is about, so the row stays
/// small and says what the record says at that moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Render {
    /// A nomination's public celebration.
    Celebration,
    /// A nomination's DM to one of its heroes.
    HeroDm { hero: UserId },
    /// A story's post in the stories channel (also its update after featuring).
    StoryPost,
    /// A story's request to one credited hero for consent to tell it outside Slack.
    ConsentDm { hero: UserId },
    /// A person's App Home, from what is stored about them when it is sent.
    Home { person: UserId },
    /// The teller's note that their story is told, with **Ask the customer**.
    StoryTold,
    /// A story's question to its internal customer: were you blown away?
    CustomerQuestion { customer: UserId },
    /// The DM to one credited hero that the customer was blown away.
    CustomerPraise { hero: UserId },
    /// A report-card round's request to one rater to rate the supplier team.
    RatingRequest { rater: UserId },
    /// The round's one reminder to a rater who has not answered.
    RatingReminder { rater: UserId },
    /// A closed round's results, in the card's review channel.
    RoundResults,
    /// An action item's DM to its owner, with **Done**.
    ActionItem { owner: UserId },
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
        if let (Content::Rendered(Render::HeroDm { hero }), Delivery::Post { .. }) =
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
        let post = Message::rendered(Render::Celebration, respond(Visibility::InChannel));
        let note = Message::fixed(json!({"text": "no"}), respond(Visibility::Private));
        assert_eq!(post.lane(), "C0GENERAL");
        assert_ne!(note.lane(), post.lane());
    }

    #[test]
    fn a_dm_goes_to_the_person() {
        let hero = UserId::parse("U0ALICE").unwrap();
        let dm = Message::rendered(Render::HeroDm { hero: hero.clone() }, Delivery::dm(&hero));
        assert_eq!(dm.lane(), "recognitions:U0ALICE");
        assert_eq!(dm.delivery.fields(), json!({"channel": "U0ALICE"}));
    }
}
