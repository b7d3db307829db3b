//! The digest's content: a week's counts, its story, its heroes, its scorecard and the report
//! cards whose round closed, as the store counted and ranked them.
use crate::domain::Story;
use crate::domain::calendar::{IsoWeek, Month};
use crate::domain::scorecard::{Counts, HeroLine, Scorecard};

/// A week's digest.
#[derive(Debug, Clone)]
pub struct Digest {
    pub week: IsoWeek,
    pub counts: Counts,
    pub previous: Counts,
    pub story_of_the_week: Option<Story>,
    /// Most recognised first: from the store, only the first that are listed; `counts.heroes`
    /// says how many there are in all.
    pub heroes: Vec<HeroLine>,
    pub scorecard: Scorecard,
    /// The report cards whose round closed this week.
    pub report_cards: Vec<CardLine>,
    /// The scorecard of each of the 12 weeks that end with this one, oldest first (drawn as a
    /// line chart); empty when not counted.
    pub trend: Vec<(IsoWeek, Scorecard)>,
}

/// A report card whose round closed in the digest's week: its overall average (None: too few
/// answers to show) and its change on the round before.
#[derive(Debug, Clone, PartialEq)]
pub struct CardLine {
    pub card_id: i64,
    pub supplier: String,
    pub month: Month,
    pub overall: Option<f64>,
    pub change: Option<f64>,
}

impl Digest {
    pub fn is_empty(&self) -> bool {
        self.counts.nominations == 0 && self.counts.stories == 0
    }
}
