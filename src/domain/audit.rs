//! The audit trail's vocabulary: who acted (a person, the command line, the API or the
//! schedule), what they did (a closed set of events, each stored by a stable name) and what it
//! was about (a typed subject). Nothing here can hold what people typed.
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{CardId, RoundId, StoryId, UserId};

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A Slack user (a forgotten one reads as their placeholder).
    Person(UserId),
    /// The `herobot` command line.
    Cli,
    /// A bearer of `HEROBOT_API_TOKEN` (the export API).
    Api,
    /// One of herobot's own jobs.
    Schedule,
}

impl Actor {
    /// How the actor is stored: the user ID, `cli`, `api` or `schedule`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Person(user) => user.as_str(),
            Self::Cli => "cli",
            Self::Api => "api",
            Self::Schedule => "schedule",
        }
    }

    /// The actor an action names by text (`cli`, `schedule`, or a user ID it was given).
    pub fn of(by: &str) -> Self {
        match by {
            "cli" => Self::Cli,
            "api" => Self::Api,
            "schedule" => Self::Schedule,
            // Actions are handed parsed user IDs; a stored one reads back as it was written.
            user => Self::Person(UserId::stored(user.to_owned())),
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares the events with their stored names and their words; one table, so a name cannot
/// be stored that does not read back.
macro_rules! events {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $words:literal;)*) => {
        /// What was done: a closed set, each kept by a stable name that never changes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Event {
            $($(#[$doc])* $variant,)*
        }

        impl Event {
            pub const ALL: &[Event] = &[$(Event::$variant,)*];

            /// The stable name it is stored by.
            pub fn name(self) -> &'static str {
                match self {
                    $(Event::$variant => $name,)*
                }
            }

            /// The event a stored name stands for.
            pub fn parse(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(Event::$variant),)*
                    _ => None,
                }
            }

            /// What happened, in words for the audit page.
            pub fn words(self) -> &'static str {
                match self {
                    $(Event::$variant => $words,)*
                }
            }
        }
    };
}

events! {
    /// A story marked talk-worthy.
    Featured = "story_featured", "featured a story";
    /// A story's featuring taken back.
    Unfeatured = "story_unfeatured", "unfeatured a story";
    /// `/hero library`: a sign-in link to the library.
    LibraryLinkIssued = "library_link_issued", "was given a library sign-in link";
    /// A sign-in link traded for a session.
    LibraryLinkUsed = "library_link_used", "signed in to the library";
    /// Stories exported (talk pack, CSV or JSON).
    Exported = "stories_exported", "exported stories";
    /// A wallboard link made.
    WallLinkMade = "wall_link_made", "made a wallboard link";
    /// Every wallboard link ended.
    WallLinksRevoked = "wall_links_revoked", "revoked the wallboard links";
    /// A report card created.
    CardCreated = "report_card_created", "created a report card";
    /// A report card edited.
    CardEdited = "report_card_edited", "edited a report card";
    /// A report card retired.
    CardRetired = "report_card_retired", "retired a report card";
    /// A round opened by hand (not by the schedule).
    RoundOpened = "round_opened", "opened a report-card round by hand";
    /// A round closed by hand.
    RoundClosed = "round_closed", "closed a report-card round by hand";
    /// A person forgotten (`herobot forget`, or departed long enough).
    Forgotten = "person_forgotten", "forgot a person";
    /// A retention run that deleted old records.
    RetentionRun = "retention_run", "deleted records past the retention";
    /// A backup taken.
    BackupTaken = "backup_taken", "took a backup";
}

/// The filter of an export, as its structured parts only: the dates and flags, and whether
/// words were searched for (never the words).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    #[serde(default)]
    pub query: bool,
    #[serde(default)]
    pub featured: bool,
    #[serde(default)]
    pub shareable: bool,
    /// Only the stories kept inside.
    #[serde(default)]
    pub internal_only: bool,
    #[serde(default)]
    pub include_internal: bool,
    /// `external` or `internal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// A tag was chosen (tags are typed by people: not which).
    #[serde(default)]
    pub tag: bool,
    /// One hero's stories (not whose: the trail names nobody but who acted).
    #[serde(default)]
    pub hero: bool,
}

/// What it was about. Stored as JSON by these names, which never change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// Nothing more to say (a sign-in link).
    Nothing,
    Story(StoryId),
    Card(CardId),
    Round {
        card: CardId,
        round: RoundId,
    },
    /// An export: its format (`md`, `csv`, `json`), its filter, and how many stories it held.
    Export {
        format: String,
        filter: ExportFilter,
        rows: u64,
    },
    /// Counts by kind: links ended, rows deleted or rewritten, what a backup holds.
    Counts(Vec<(String, u64)>),
}

impl Subject {
    /// Counts from `(kind, n)` pairs.
    pub fn counts(pairs: &[(&str, u64)]) -> Self {
        Self::Counts(pairs.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect())
    }

    /// The subject in words: "story 12", "card 3, round 7", "csv · since 2026-11-01 · query:
    /// yes · 12 stories", "deleted: 4 · rewritten: 9".
    pub fn words(&self) -> String {
        match self {
            Self::Nothing => String::new(),
            Self::Story(id) => format!("story {id}"),
            Self::Card(id) => format!("card {id}"),
            Self::Round { card, round } => format!("card {card}, round {round}"),
            Self::Export {
                format,
                filter,
                rows,
            } => {
                let mut parts = vec![format.clone()];
                parts.extend(filter.since.as_ref().map(|d| format!("since {d}")));
                parts.extend(filter.until.as_ref().map(|d| format!("until {d}")));
                if filter.query {
                    parts.push("query: yes".to_owned());
                }
                parts.extend(filter.customer.as_ref().map(|c| format!("{c} customer")));
                for (on, what) in [
                    (filter.featured, "featured only"),
                    (filter.shareable, "shareable only"),
                    (filter.internal_only, "kept inside only"),
                    (filter.include_internal, "kept-inside included"),
                    (filter.tag, "tag: yes"),
                    (filter.hero, "hero: yes"),
                ] {
                    if on {
                        parts.push(what.to_owned());
                    }
                }
                parts.push(format!(
                    "{rows} stor{}",
                    if *rows == 1 { "y" } else { "ies" }
                ));
                parts.join(" · ")
            }
            Self::Counts(counts) => counts
                .iter()
                .map(|(kind, n)| format!("{}: {n}", kind.replace('_', " ")))
                .collect::<Vec<_>>()
                .join(" · "),
        }
    }

    /// The stored form (JSON).
    pub fn stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "\"nothing\"".to_owned())
    }

    /// A stored subject read back; None for one this version cannot read.
    pub fn parse(stored: &str) -> Option<Self> {
        serde_json::from_str(stored).ok()
    }
}

/// One event to record: who did what, about what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub actor: Actor,
    pub event: Event,
    pub subject: Subject,
}

impl Entry {
    pub fn new(actor: Actor, event: Event, subject: Subject) -> Self {
        Self {
            actor,
            event,
            subject,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_reads_back_from_its_stored_name_and_the_names_are_distinct() {
        let mut names = std::collections::HashSet::new();
        for event in Event::ALL {
            assert_eq!(Event::parse(event.name()), Some(*event));
            assert!(names.insert(event.name()), "{} twice", event.name());
            assert!(!event.words().is_empty());
        }
        assert_eq!(Event::parse("story_featured"), Some(Event::Featured));
        assert_eq!(Event::parse("nonsense"), None);
    }

    #[test]
    fn subjects_are_stored_by_stable_names_and_read_back() {
        let export = Subject::Export {
            format: "csv".into(),
            filter: ExportFilter {
                since: Some("2026-11-01".into()),
                query: true,
                ..ExportFilter::default()
            },
            rows: 12,
        };
        let cases = [
            (Subject::Nothing, r#""nothing""#),
            (Subject::Story(StoryId(12)), r#"{"story":12}"#),
            (Subject::Card(CardId(3)), r#"{"card":3}"#),
            (
                Subject::Round {
                    card: CardId(3),
                    round: RoundId(7),
                },
                r#"{"round":{"card":3,"round":7}}"#,
            ),
            (
                Subject::counts(&[("deleted", 4), ("rewritten", 9)]),
                r#"{"counts":[["deleted",4],["rewritten",9]]}"#,
            ),
        ];
        for (subject, stored) in cases {
            assert_eq!(subject.stored(), stored);
            assert_eq!(Subject::parse(stored), Some(subject));
        }
        assert_eq!(Subject::parse(&export.stored()), Some(export.clone()));
        assert_eq!(
            export.words(),
            "csv · since 2026-11-01 · query: yes · 12 stories"
        );
        assert_eq!(
            Subject::counts(&[("deleted", 4), ("outbox_messages", 1)]).words(),
            "deleted: 4 · outbox messages: 1"
        );
    }

    #[test]
    fn actors_are_stored_as_the_id_or_a_fixed_word() {
        assert_eq!(Actor::of("cli"), Actor::Cli);
        assert_eq!(Actor::of("schedule").as_str(), "schedule");
        assert_eq!(Actor::of("api"), Actor::Api);
        assert_eq!(Actor::of("U0LEADER").as_str(), "U0LEADER");
    }
}
