//! A period's records as the digest, the scorecard and `/hero top` read them from the store.
use super::story::within_window;
use super::{CustomerKind, Story};

/// A nomination as the digest needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominationFact {
    pub heroes: Vec<String>,
    pub reason: String,
    pub created_at: i64,
}

/// Everything the digest of one week is made from.
#[derive(Debug, Clone, Default)]
pub struct WeekData {
    pub nominations: Vec<NominationFact>,
    pub stories: Vec<Story>,
    /// The week before, for the change shown in the headline.
    pub previous: Counts,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub nominations: usize,
    pub heroes: usize,
    pub stories: usize,
}

/// One hero in a ranking: how often recognised, and one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeroLine {
    pub hero: String,
    pub recognitions: usize,
    pub reason: String,
}

/// The recovery measures of a period, against their targets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scorecard {
    pub stories: usize,
    pub within_24h: usize,
    pub surprised: usize,
    /// Stories whose customer was blown away: by the customer's own answer where they gave one,
    /// else by the teller's report.
    pub blown_away: usize,
    /// Stories whose customer answered themselves.
    pub customer_answers: usize,
    pub internal: usize,
    pub external: usize,
    pub target_recovery_24h: u8,
    pub target_surprise: u8,
}

impl Scorecard {
    pub fn of(stories: &[Story], target_recovery_24h: u8, target_surprise: u8) -> Self {
        let count = |f: &dyn Fn(&Story) -> bool| stories.iter().filter(|s| f(s)).count();
        Self {
            stories: stories.len(),
            within_24h: count(&|s| within_window(s.recovery_secs())),
            surprised: count(&|s| s.surprise.is_some()),
            blown_away: count(&|s| s.blown_away()),
            customer_answers: count(&|s| s.customer_answer.is_some()),
            internal: count(&|s| s.customer_kind == CustomerKind::Internal),
            external: count(&|s| s.customer_kind == CustomerKind::External),
            target_recovery_24h,
            target_surprise,
        }
    }

    /// "Customer blown away" as every surface shows it: `67 % (4 of 6) · 3 confirmed by the
    /// customer`.
    pub fn blown_away_line(&self) -> String {
        let pct = Self::percent(self.blown_away, self.stories).unwrap_or_default();
        format!(
            "{pct} % ({} of {}) · {} confirmed by the customer",
            self.blown_away, self.stories, self.customer_answers
        )
    }

    /// A share in whole percent, rounded; None when there is nothing to measure.
    pub fn percent(part: usize, whole: usize) -> Option<u32> {
        (whole > 0).then(|| ((part * 100 + whole / 2) / whole) as u32)
    }
}
