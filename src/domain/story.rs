//! A service-recovery story: what went wrong, when, how it was fixed, the surprise, the
//! customer's reaction and the heroes credited; plus the measures taken from it.
use super::nomination::{CustomerKind, Tag, UserId};

/// Longest title, in characters (it heads a Slack post and a talk-pack section).
pub const MAX_TITLE: usize = 120;
/// Longest free-text field, in characters (a Slack input holds at most 3,000).
pub const MAX_TEXT: usize = 3000;
/// The recovery window the product measures against.
pub const RECOVERY_WINDOW_SECS: i64 = 24 * 60 * 60;

/// The customer's reaction to a recovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reaction {
    BlownAway,
    Satisfied,
    Unknown,
}

impl Reaction {
    pub const ALL: [Reaction; 3] = [Self::BlownAway, Self::Satisfied, Self::Unknown];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BlownAway => "blown_away",
            Self::Satisfied => "satisfied",
            Self::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::BlownAway => "Blown away",
            Self::Satisfied => "Satisfied",
            Self::Unknown => "Unknown",
        }
    }
}

/// A hero's consent to a story being told outside Slack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Consent {
    Pending,
    Granted,
    Declined,
}

impl Consent {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "granted" => Some(Self::Granted),
            "declined" => Some(Self::Declined),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Granted => "granted",
            Self::Declined => "declined",
        }
    }
}

/// A story as told, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStory {
    pub author: UserId,
    pub title: String,
    pub what_went_wrong: String,
    /// Unix seconds.
    pub happened_at: i64,
    /// Unix seconds; never before `happened_at`.
    pub fixed_at: i64,
    pub how_fixed: String,
    pub surprise: Option<String>,
    pub customer_kind: CustomerKind,
    pub reaction: Reaction,
    pub heroes: Vec<UserId>,
    pub tags: Vec<Tag>,
}

/// Which field of a story is wrong, and why; each reads as a message beside the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoryError {
    #[error("Please fill this in.")]
    Empty { field: &'static str },
    #[error("This is {len} characters long; please keep it under {max}.")]
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("The fix can't come before the mistake happened.")]
    FixedBeforeHappened,
    #[error("That time is in the future.")]
    InFuture { field: &'static str },
    #[error("Credit at least one hero.")]
    NoHero,
    #[error(
        "Credit someone besides yourself: recovery stories celebrate the people who fixed things."
    )]
    OnlyYourself,
    #[error("A story can credit at most {max} heroes.")]
    TooManyHeroes { max: usize },
}

impl StoryError {
    /// The field the error belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Empty { field } | Self::TooLong { field, .. } | Self::InFuture { field } => field,
            Self::FixedBeforeHappened => "fixed_at",
            Self::NoHero | Self::OnlyYourself | Self::TooManyHeroes { .. } => "heroes",
        }
    }
}

/// Checks a required text field: trimmed, not empty, within `max` characters.
pub fn required_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<String, StoryError> {
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(StoryError::Empty { field });
    }
    optional_text(field, Some(value), max).map(|v| v.unwrap_or_default())
}

/// Checks an optional text field: trimmed, empty means absent, within `max` characters.
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, StoryError> {
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    match value {
        Some(v) if v.chars().count() > max => Err(StoryError::TooLong {
            field,
            len: v.chars().count(),
            max,
        }),
        v => Ok(v.map(str::to_owned)),
    }
}

impl NewStory {
    /// Checks the rules that span fields: times in order and not in the future (as of `now`),
    /// heroes present, and not only the author.
    pub fn check(self, now: i64) -> Result<Self, StoryError> {
        // A minute of slack for clocks that disagree a little.
        if self.happened_at > now + 60 {
            return Err(StoryError::InFuture {
                field: "happened_at",
            });
        }
        if self.fixed_at > now + 60 {
            return Err(StoryError::InFuture { field: "fixed_at" });
        }
        if self.fixed_at < self.happened_at {
            return Err(StoryError::FixedBeforeHappened);
        }
        if self.heroes.is_empty() {
            return Err(StoryError::NoHero);
        }
        if self.heroes.iter().all(|h| *h == self.author) {
            return Err(StoryError::OnlyYourself);
        }
        if self.heroes.len() > super::nomination::MAX_HEROES {
            return Err(StoryError::TooManyHeroes {
                max: super::nomination::MAX_HEROES,
            });
        }
        Ok(self)
    }

    pub fn recovery_secs(&self) -> i64 {
        self.fixed_at - self.happened_at
    }
}

/// True when a fix came within the 24-hour recovery window.
pub fn within_window(recovery_secs: i64) -> bool {
    recovery_secs <= RECOVERY_WINDOW_SECS
}

/// Time to recovery in words: "fixed in 5 hours — within 24 h ✓", "fixed in 3 days".
pub fn recovery_in_words(recovery_secs: i64) -> String {
    let span = duration_in_words(recovery_secs);
    if within_window(recovery_secs) {
        format!("fixed in {span} — within 24 h ✓")
    } else {
        format!("fixed in {span}")
    }
}

/// A duration rounded to the unit a person would use.
pub fn duration_in_words(secs: i64) -> String {
    let secs = secs.max(0);
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    match secs {
        s if s < 60 => "under a minute".to_owned(),
        s if s < 3600 => plural((s + 30) / 60, "minute"),
        s if s < 48 * 3600 => {
            let hours = s / 3600;
            let minutes = (s % 3600 + 30) / 60;
            if hours < 10 && (5..60).contains(&minutes) {
                format!("{} {}", plural(hours, "hour"), plural(minutes, "minute"))
            } else {
                plural((s + 1800) / 3600, "hour")
            }
        }
        s => plural((s + 43_200) / 86_400, "day"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(happened_at: i64, fixed_at: i64) -> NewStory {
        let u = |s| UserId::parse(s).unwrap();
        NewStory {
            author: u("U0AUTHOR"),
            title: "Billing outage".into(),
            what_went_wrong: "Invoices went out twice".into(),
            happened_at,
            fixed_at,
            how_fixed: "Refunded everyone".into(),
            surprise: None,
            customer_kind: CustomerKind::External,
            reaction: Reaction::Unknown,
            heroes: vec![u("U0ALICE")],
            tags: vec![],
        }
    }

    #[test]
    fn recovery_time_reads_in_words_with_the_window_marked() {
        assert_eq!(
            recovery_in_words(5 * 3600),
            "fixed in 5 hours — within 24 h ✓"
        );
        assert_eq!(
            recovery_in_words(24 * 3600),
            "fixed in 24 hours — within 24 h ✓"
        );
        assert_eq!(recovery_in_words(3 * 86_400), "fixed in 3 days");
        assert_eq!(recovery_in_words(25 * 3600), "fixed in 25 hours");
        assert_eq!(duration_in_words(90 * 60), "1 hour 30 minutes");
        assert_eq!(duration_in_words(45 * 60), "45 minutes");
        assert_eq!(duration_in_words(20), "under a minute");
        assert_eq!(duration_in_words(60), "1 minute");
    }

    #[test]
    fn a_fix_before_the_mistake_is_refused() {
        assert_eq!(
            story(1000, 999).check(2000),
            Err(StoryError::FixedBeforeHappened)
        );
        assert!(story(1000, 1000).check(2000).is_ok());
    }

    #[test]
    fn times_in_the_future_are_refused() {
        assert_eq!(
            story(1000, 5000).check(2000).unwrap_err().field(),
            "fixed_at"
        );
        assert_eq!(
            story(5000, 5000).check(2000).unwrap_err().field(),
            "happened_at"
        );
    }

    #[test]
    fn heroes_are_required_and_not_only_the_author() {
        let mut s = story(1, 2);
        s.heroes.clear();
        assert_eq!(s.clone().check(10), Err(StoryError::NoHero));
        s.heroes = vec![s.author.clone()];
        assert_eq!(s.check(10), Err(StoryError::OnlyYourself));
    }

    #[test]
    fn text_fields_are_trimmed_required_and_bounded() {
        assert_eq!(required_text("title", Some("  x "), 5), Ok("x".into()));
        assert_eq!(
            required_text("title", Some("   "), 5),
            Err(StoryError::Empty { field: "title" })
        );
        assert_eq!(
            required_text("title", None, 5),
            Err(StoryError::Empty { field: "title" })
        );
        assert_eq!(
            required_text("title", Some("abcdef"), 5),
            Err(StoryError::TooLong {
                field: "title",
                len: 6,
                max: 5
            })
        );
        assert_eq!(optional_text("surprise", Some(" "), 5), Ok(None));
    }
}
