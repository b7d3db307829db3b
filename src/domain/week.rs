//! A period's records as the digest, the scorecard and `/hero top` read them from the store.
use super::Story;

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
