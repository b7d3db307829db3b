//! Typed IDs: a Slack channel's ID, parsed by one rule, and the IDs of herobot's own records, so
//! that a round's ID cannot be passed where a story's is meant.
use std::fmt;

macro_rules! record_ids {
    ($($(#[$doc:meta])* $name:ident,)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(sqlx::Type, serde::Serialize, serde::Deserialize)]
        #[sqlx(transparent)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The ID written as its number (in a button's value or a modal's metadata).
            pub fn parse(s: &str) -> Option<Self> {
                s.parse().ok().map(Self)
            }

            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }

        /// An ID reads as its number (in a button's value, a log line or a URL).
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

record_ids! {
    /// A stored nomination.
    NominationId,
    /// A stored recovery story.
    StoryId,
    /// A report card.
    CardId,
    /// One month of a report card.
    RoundId,
    /// An action item agreed on a report card.
    ActionItemId,
}

/// IDs Slack gives: one letter of a few, then capitals and digits (at most 32 characters),
/// each parsed by one rule and read back as the text Slack knows it by.
macro_rules! slack_ids {
    ($($(#[$doc:meta])* $name:ident starts with $($first:literal)|+,)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Option<Self> {
                let ok = s.len() >= 3
                    && s.len() <= 32
                    && ($(s.starts_with($first))||+)
                    && s.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
                ok.then(|| Self(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// A value read back from the store, where only parsed values are written.
            pub fn stored(s: String) -> Self {
                Self(s)
            }
        }

        /// Reads as the text Slack knows it by.
        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}

slack_ids! {
    /// A Slack user ID: `U…` for workspace users, `W…` for Enterprise Grid users.
    UserId starts with 'U' | 'W',
    /// A Slack channel ID: `C…` for public channels, `G…` for private ones. The one rule for
    /// every channel herobot is configured with or told (a report card's review channel).
    ChannelId starts with 'C' | 'G',
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_id_is_a_public_or_private_channel_s() {
        assert_eq!(ChannelId::parse("C0123ABCD").unwrap().as_str(), "C0123ABCD");
        assert!(ChannelId::parse("G0PRIVATE").is_some());
        for bad in [
            "", "C0", "U0ALICE", "D0DM", "c0lower", "#general", "C0 SPACE",
        ] {
            assert_eq!(ChannelId::parse(bad), None, "{bad:?}");
        }
        assert_eq!(ChannelId::parse(&format!("C{}", "0".repeat(32))), None);
    }

    #[test]
    fn a_record_id_reads_and_is_written_as_its_number() {
        assert_eq!(StoryId::parse("42"), Some(StoryId(42)));
        assert_eq!(StoryId::parse("4 2"), None);
        assert_eq!(StoryId(42).to_string(), "42");
        assert_eq!(RoundId::from(7).get(), 7);
    }
}
