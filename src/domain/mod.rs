//! Parse-don't-validate types and the pure rules of the product.
pub mod command;
pub mod nomination;
pub mod story;
pub mod text;

pub use command::Command;
pub use nomination::{Category, CustomerKind, Nomination, NominationError, Reason, Tag, UserId};
pub use story::{Consent, NewStory, Reaction, StoryError};
