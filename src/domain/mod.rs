//! Parse-don't-validate types and the pure rules of the product.
pub mod answer;
pub mod calendar;
pub mod command;
pub mod element;
pub mod forgotten;
pub mod id;
pub mod nomination;
pub mod outbox;
pub mod report_card;
pub mod scorecard;
pub mod story;
pub mod text;
pub mod thanks;

pub use answer::{Answer, Customer, CustomerAnswer};
pub use command::Command;
pub use element::Element;
pub use id::{ActionItemId, CardId, ChannelId, NominationId, RoundId, StoryId};
pub use nomination::{Category, CustomerKind, Nomination, NominationError, Reason, Tag, UserId};
pub use story::{Consent, NewStory, Reaction, Story, StoryError};
