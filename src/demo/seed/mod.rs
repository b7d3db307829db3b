//! The demo's sample data: a plan drawn from a seed (who did what, when), then carried out as
//! people would, one Slack request at a time with the app's clock set to the moment it happens.
//! Eight weeks of recognitions and stories, and six months of Marketing's report card.
mod answers;
mod plan;
mod report_card;
mod run;

use crate::demo::samples::DELIVERABLES;
use crate::domain::report_card::Month;

pub use answers::{Field, values};
pub use plan::plan;
pub use report_card::{card_months, opens_at};
pub use run::run;

/// The seed `herobot demo` uses.
pub const DEFAULT_SEED: u64 = 2026;

/// How far back the recognitions and stories reach.
const DAYS: i64 = 56;
/// How many monthly rounds of the report card have opened by now: one per month of the
/// sample trend.
pub const ROUNDS: usize = DELIVERABLES[0].trend.len();
/// Who rates Marketing: the Sales, Customer Success and Support people.
pub const RATERS: [&str; 4] = ["U0DAMARA", "U0DMATEO", "U0DPRIYA", "U0DZAINAB"];
/// The rater who has not yet rated a round still open, so that a visitor playing them (the
/// page's first person) can.
const LEFT_TO_THE_VISITOR: &str = "U0DPRIYA";
/// When rounds open in the demo: 09:00 UTC, as herobot without a digest schedule opens them
/// (the demo runs in UTC with the digest posted by hand).
pub const ROUND_TIME: jiff::civil::Time = jiff::civil::Time::constant(9, 0, 0, 0);
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// One thing a person does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// A plain message in a channel.
    Say { user: &'static str, text: String },
    /// `/hero …` typed in #general.
    Command { user: &'static str, text: String },
    /// `/hero` opens the nomination modal; it is filled in and submitted.
    NominationModal {
        user: &'static str,
        heroes: Vec<&'static str>,
        category: &'static str,
        customer_kind: &'static str,
        reason: &'static str,
    },
    /// `/hero story` opens the story modal; it is filled in and submitted.
    Story {
        user: &'static str,
        heroes: Vec<&'static str>,
        sample: usize,
        happened_at: i64,
    },
    /// A credited hero answers the consent request of the story told from sample `story`.
    Consent {
        hero: &'static str,
        story: usize,
        grant: bool,
    },
    /// The leader features the story told from sample `story`.
    Feature { story: usize },
    /// The leader posts last week's digest.
    PostDigest,
    /// The leader types `/hero reportcard` in the review channel and fills in the card modal.
    NewCard,
    /// The card's round rating `month` opens, as the scheduler opens it at that moment.
    OpenRound { month: Month },
    /// A rater rates `month` through the rating modal: a rating per deliverable, in the
    /// card's order, and comments by deliverable.
    Rate {
        rater: &'static str,
        month: Month,
        ratings: Vec<u8>,
        comments: Vec<(usize, &'static str)>,
    },
    /// The round's one reminder goes to those who have not answered.
    RemindRound { month: Month },
    /// The round closes and its results post to the review channel.
    CloseRound { month: Month },
    /// The leader presses **Add an action** on `month`'s results and fills in the form with
    /// the sample action item `action`.
    AddAction { month: Month, action: usize },
    /// The owner of the sample action item `action` presses **Done** in their DM.
    ActionDone { action: usize },
}

/// An act and the moment it happens (unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub at: i64,
    pub act: Act,
}

#[cfg(test)]
fn is_card(act: &Act) -> bool {
    matches!(
        act,
        Act::NewCard
            | Act::OpenRound { .. }
            | Act::Rate { .. }
            | Act::RemindRound { .. }
            | Act::CloseRound { .. }
            | Act::AddAction { .. }
            | Act::ActionDone { .. }
    )
}
