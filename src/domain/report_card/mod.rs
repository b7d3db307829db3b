//! Internal report cards: a card as stored, its rounds and when they are reminded and closed.
//! The card form, the ratings and results (with the anonymity rules) and the action items live
//! in the submodules, re-exported here.
mod action_item;
mod form;
mod results;

pub use action_item::{ActionItem, MAX_ACTION, due_on};
pub use form::{
    CardField, CardForm, MAX_DELIVERABLE, MAX_DELIVERABLES, MAX_RATERS, MAX_SUPPLIER, NewCard,
};
pub use results::{
    Comment, MAX_COMMENT, MIN_ANSWERS, MinAnswers, Rated, Rating, Results, Tally, average_text,
    change_text, overall, response_rate, shown, visible,
};

pub use super::calendar::Month;
use super::{ChannelId, UserId};

/// The reminder goes this many days after a round opens, and the round closes after
/// `OPEN_FOR_DAYS`, at the same local time.
pub const REMIND_AFTER_DAYS: i64 = 3;
pub const OPEN_FOR_DAYS: i64 = 7;

/// Whether a card's comments carry their rater's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comments {
    Anonymous,
    Attributed,
}

impl Comments {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "anonymous" => Some(Self::Anonymous),
            "attributed" => Some(Self::Attributed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous",
            Self::Attributed => "attributed",
        }
    }
}

/// A deliverable of a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliverable {
    pub id: i64,
    pub name: String,
}

/// A card as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub id: i64,
    pub supplier: String,
    pub review_channel: ChannelId,
    pub comments: Comments,
    pub created_at: i64,
    pub retired_at: Option<i64>,
    /// Its deliverables today, in order.
    pub deliverables: Vec<Deliverable>,
    pub raters: Vec<UserId>,
}

/// A round as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub id: i64,
    pub card_id: i64,
    pub month: Month,
    pub opened_at: i64,
    pub remind_at: i64,
    pub closes_at: i64,
    pub closed_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Time;
    use jiff::tz::TimeZone;

    #[test]
    fn a_round_opens_on_the_first_working_day_of_the_month_after() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let nine = Time::new(9, 0, 0, 0).unwrap();
        // 1 November 2026 is a Sunday: October's round opens on Monday 2 November.
        let october = Month::parse("2026-10").unwrap();
        let opens = jiff::Timestamp::from_second(october.round_opens_at(nine, &tz)).unwrap();
        assert_eq!(opens.to_string(), "2026-11-02T08:00:00Z");
        // 1 December 2026 is a Tuesday.
        let november = october.next();
        let opens = jiff::Timestamp::from_second(november.round_opens_at(nine, &tz)).unwrap();
        assert_eq!(opens.to_string(), "2026-12-01T08:00:00Z");
        // 1 January 2027 is a Friday, but New Year's Day: December's round opens on Monday 4.
        let opens = jiff::Timestamp::from_second(
            Month::parse("2026-12").unwrap().round_opens_at(nine, &tz),
        )
        .unwrap();
        assert_eq!(opens.to_string(), "2027-01-04T08:00:00Z");
        // 1 January 2028 is a Saturday: December 2027's round opens on Monday 3 January.
        let december = Month::parse("2027-12").unwrap();
        let opens = jiff::Timestamp::from_second(december.round_opens_at(nine, &tz)).unwrap();
        assert_eq!(opens.to_string(), "2028-01-03T08:00:00Z");
        assert_eq!(december.next().to_string(), "2028-01");
        assert_eq!(
            Month::parse("2026-01").unwrap().previous().to_string(),
            "2025-12"
        );
        assert_eq!(november.long(), "November 2026");
        assert_eq!(november.last_twelve()[0].to_string(), "2025-12");
        for bad in ["2026-13", "2026-00", "2026", "26-1x"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }
}
