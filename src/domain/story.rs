//! A service-recovery story: what went wrong, when, how it was fixed, the surprise, the
//! customer's reaction and the heroes credited; plus the measures taken from it.
use super::answer::{Answer, CustomerAnswer};
use super::nomination::{CustomerKind, HeroRule, MAX_HEROES, Tag, UserId, heroes};

/// Longest title, in characters (it heads a Slack post and a talk-pack section).
pub const MAX_TITLE: usize = 120;
/// Longest free-text field, in characters (a Slack input holds at most 3,000).
pub const MAX_TEXT: usize = 3000;
/// The earliest time a story may say something happened: 1 January 2000 (unix seconds).
const EARLIEST: i64 = 946_684_800;
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

    /// How the choice reads to a person.
    pub fn label(self) -> &'static str {
        match self {
            Self::Granted => "agreed to share",
            Self::Pending => "not asked yet or not answered",
            Self::Declined => "declined to share",
        }
    }
}

/// A story as told, before it is stored: built only by `NewStory::parse`, so every stored
/// story kept the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStory {
    author: UserId,
    title: String,
    /// What the customer reads instead of the title; `None`: the title.
    customer_title: Option<String>,
    what_went_wrong: String,
    happened_at: i64,
    fixed_at: i64,
    how_fixed: String,
    surprise: Option<String>,
    customer_kind: CustomerKind,
    reaction: Reaction,
    heroes: Vec<UserId>,
    tags: Vec<Tag>,
}

/// A story as a person filled it in, before the rules are applied.
#[derive(Debug, Clone, Default)]
pub struct StoryForm {
    pub title: Option<String>,
    /// What the customer sees (optional): the title, worded for the customer.
    pub customer_title: Option<String>,
    pub what_went_wrong: Option<String>,
    /// Unix seconds.
    pub happened_at: Option<i64>,
    /// Unix seconds.
    pub fixed_at: Option<i64>,
    pub how_fixed: Option<String>,
    pub surprise: Option<String>,
    pub customer_kind: Option<CustomerKind>,
    pub reaction: Option<Reaction>,
    pub heroes: Vec<UserId>,
    pub tags: Vec<Tag>,
}

/// A stored story with its heroes, as every layer reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    pub id: i64,
    pub team_id: String,
    pub author_id: UserId,
    pub title: String,
    /// What the customer reads instead of the title, if the teller worded it.
    pub customer_title: Option<String>,
    pub what_went_wrong: String,
    pub happened_at: i64,
    pub fixed_at: i64,
    pub how_fixed: String,
    pub surprise: Option<String>,
    pub customer_kind: CustomerKind,
    pub reaction: Reaction,
    pub message_permalink: Option<String>,
    pub featured_at: Option<i64>,
    pub featured_by: Option<UserId>,
    pub created_at: i64,
    /// Heroes in the order credited, each with their consent.
    pub heroes: Vec<(UserId, Consent)>,
    pub tags: Vec<String>,
    /// The customer's own answer, once they gave one.
    pub customer_answer: Option<CustomerAnswer>,
    /// How many colleagues added their thanks to the story.
    pub thanks: i64,
}

impl Story {
    /// How long the fix took.
    pub fn recovery_secs(&self) -> i64 {
        self.fixed_at - self.happened_at
    }

    /// Whether the customer was blown away: their own answer where they gave one, else the
    /// teller's report.
    pub fn blown_away(&self) -> bool {
        match &self.customer_answer {
            Some(a) => a.answer == Answer::BlownAway,
            None => self.reaction == Reaction::BlownAway,
        }
    }

    /// What the customer reads as the story's title: the line the teller worded for them, else
    /// the title.
    pub fn customer_sees(&self) -> &str {
        self.customer_title.as_deref().unwrap_or(&self.title)
    }

    /// What the customer's own page shows as the story's title: [`Self::customer_sees`] with
    /// every mention of a colleague read as "our team". A name would carry a hero outside Slack
    /// without their consent, and a raw `<@U…>` means nothing to a customer.
    pub fn customer_reads(&self) -> String {
        super::text::replace_mentions(self.customer_sees(), |_| "our team".to_owned())
    }

    /// Every credited hero has agreed to the story being told outside Slack.
    pub fn shareable(&self) -> bool {
        !self.heroes.is_empty() && self.heroes.iter().all(|(_, c)| *c == Consent::Granted)
    }
}

/// Why a story is not featured for talks, naming (as `names` gives them: Slack mentions, or
/// names on a page) the heroes who asked to keep it inside.
pub fn not_featurable(names: &[String]) -> String {
    format!(
        "This story can't be featured: {} asked to keep it inside.",
        super::text::listed(names)
    )
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
    #[error("Pick a date and time.")]
    NoTime { field: &'static str },
    #[error("That time is too long ago.")]
    TooLongAgo { field: &'static str },
    #[error("Pick the kind of customer.")]
    NoCustomerKind,
}

impl From<HeroRule> for StoryError {
    fn from(rule: HeroRule) -> Self {
        match rule {
            HeroRule::NoHero => Self::NoHero,
            HeroRule::OnlyYourself => Self::OnlyYourself,
            HeroRule::TooMany => Self::TooManyHeroes { max: MAX_HEROES },
        }
    }
}

impl StoryError {
    /// The field the error belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Empty { field }
            | Self::TooLong { field, .. }
            | Self::InFuture { field }
            | Self::NoTime { field }
            | Self::TooLongAgo { field } => field,
            Self::FixedBeforeHappened => "fixed_at",
            Self::NoCustomerKind => "customer_kind",
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
    /// Reads a story told by `author`, as of `now`: text trimmed and bounded, times given, in
    /// order and not in the future, a kind of customer, and the hero rules. Every problem is
    /// reported, each beside its field.
    pub fn parse(author: &UserId, form: StoryForm, now: i64) -> Result<Self, Vec<StoryError>> {
        let mut errors = Vec::new();
        let mut keep = |result: Result<String, StoryError>| {
            result.map_err(|e| errors.push(e)).unwrap_or_default()
        };
        let title = keep(required_text("title", form.title.as_deref(), MAX_TITLE));
        let what_went_wrong = keep(required_text(
            "what_went_wrong",
            form.what_went_wrong.as_deref(),
            MAX_TEXT,
        ));
        let how_fixed = keep(required_text(
            "how_fixed",
            form.how_fixed.as_deref(),
            MAX_TEXT,
        ));
        let surprise = optional_text("surprise", form.surprise.as_deref(), MAX_TEXT)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        // The same words as the title are no wording of their own.
        let customer_title =
            optional_text("customer_title", form.customer_title.as_deref(), MAX_TITLE)
                .map_err(|e| errors.push(e))
                .unwrap_or_default()
                .filter(|line| *line != title);
        // Each time given and not in the future (a minute of slack for clocks that disagree a
        // little); their order is checked only when both are.
        let mut time = |field: &'static str, at: Option<i64>| match at {
            None => {
                errors.push(StoryError::NoTime { field });
                None
            }
            Some(at) if at > now + 60 => {
                errors.push(StoryError::InFuture { field });
                None
            }
            // A forged submission can carry any number; no story happened before 2000.
            Some(at) if at < EARLIEST => {
                errors.push(StoryError::TooLongAgo { field });
                None
            }
            at => at,
        };
        let (happened_at, fixed_at) = (
            time("happened_at", form.happened_at),
            time("fixed_at", form.fixed_at),
        );
        if let (Some(happened), Some(fixed)) = (happened_at, fixed_at)
            && fixed < happened
        {
            errors.push(StoryError::FixedBeforeHappened);
        }
        if form.customer_kind.is_none() {
            errors.push(StoryError::NoCustomerKind);
        }
        let heroes = heroes(form.heroes, author)
            .map_err(|rule| errors.push(rule.into()))
            .unwrap_or_default();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            author: author.clone(),
            title,
            customer_title,
            what_went_wrong,
            happened_at: happened_at.unwrap_or_default(),
            fixed_at: fixed_at.unwrap_or_default(),
            how_fixed,
            surprise,
            customer_kind: form.customer_kind.unwrap_or(CustomerKind::External),
            reaction: form.reaction.unwrap_or(Reaction::Unknown),
            heroes,
            tags: form.tags,
        })
    }

    pub fn author(&self) -> &UserId {
        &self.author
    }
    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn customer_title(&self) -> Option<&str> {
        self.customer_title.as_deref()
    }
    pub fn what_went_wrong(&self) -> &str {
        &self.what_went_wrong
    }
    /// Unix seconds.
    pub fn happened_at(&self) -> i64 {
        self.happened_at
    }
    /// Unix seconds; never before `happened_at`.
    pub fn fixed_at(&self) -> i64 {
        self.fixed_at
    }
    pub fn how_fixed(&self) -> &str {
        &self.how_fixed
    }
    pub fn surprise(&self) -> Option<&str> {
        self.surprise.as_deref()
    }
    pub fn customer_kind(&self) -> CustomerKind {
        self.customer_kind
    }
    pub fn reaction(&self) -> Reaction {
        self.reaction
    }
    pub fn heroes(&self) -> &[UserId] {
        &self.heroes
    }
    pub fn tags(&self) -> &[Tag] {
        &self.tags
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

    fn author() -> UserId {
        UserId::parse("U0AUTHOR").unwrap()
    }

    /// Times in the tests below count from here.
    const T0: i64 = EARLIEST;

    fn story(happened_at: i64, fixed_at: i64) -> StoryForm {
        story_at(T0 + happened_at, T0 + fixed_at)
    }

    fn story_at(happened_at: i64, fixed_at: i64) -> StoryForm {
        StoryForm {
            title: Some("Billing outage".into()),
            what_went_wrong: Some("Invoices went out twice".into()),
            happened_at: Some(happened_at),
            fixed_at: Some(fixed_at),
            how_fixed: Some("Refunded everyone".into()),
            customer_kind: Some(CustomerKind::External),
            heroes: vec![UserId::parse("U0ALICE").unwrap()],
            ..StoryForm::default()
        }
    }

    fn check(form: StoryForm, now: i64) -> Result<NewStory, StoryError> {
        NewStory::parse(&author(), form, T0 + now).map_err(|mut e| e.remove(0))
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
            check(story(1000, 999), 2000),
            Err(StoryError::FixedBeforeHappened)
        );
        assert!(check(story(1000, 1000), 2000).is_ok());
    }

    #[test]
    fn times_in_the_future_are_refused() {
        assert_eq!(
            check(story(1000, 5000), 2000).unwrap_err().field(),
            "fixed_at"
        );
        assert_eq!(
            check(story(5000, 5000), 2000).unwrap_err().field(),
            "happened_at"
        );
    }

    #[test]
    fn heroes_are_required_and_not_only_the_author() {
        let mut s = story(1, 2);
        s.heroes.clear();
        assert_eq!(check(s.clone(), 10), Err(StoryError::NoHero));
        s.heroes = vec![author()];
        assert_eq!(check(s, 10), Err(StoryError::OnlyYourself));
    }

    #[test]
    fn forged_extreme_times_are_refused() {
        let now = 1_794_996_000;
        for (happened, fixed) in [(i64::MIN, now), (-1, now), (0, i64::MAX), (now, i64::MAX)] {
            let problems = NewStory::parse(&author(), story_at(happened, fixed), now).unwrap_err();
            assert!(
                problems.iter().all(|p| matches!(
                    p,
                    StoryError::TooLongAgo { .. } | StoryError::InFuture { .. }
                )),
                "{happened} {fixed}: {problems:?}"
            );
        }
    }

    #[test]
    fn every_problem_is_reported_beside_its_field() {
        let errors = NewStory::parse(&author(), StoryForm::default(), T0).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(StoryError::field).collect();
        assert_eq!(
            fields,
            [
                "title",
                "what_went_wrong",
                "how_fixed",
                "happened_at",
                "fixed_at",
                "customer_kind",
                "heroes"
            ]
        );
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
