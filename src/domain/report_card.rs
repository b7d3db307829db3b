//! Internal report cards: a card as a leader fills it in, the month a round rates and when it
//! opens, ratings, and the rules of showing a round's results (averages, changes, the anonymity
//! threshold) and its action items.
use std::fmt;

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;

use super::{ChannelId, UserId};

/// The most deliverables a card has.
pub const MAX_DELIVERABLES: usize = 6;
/// The longest supplier name and deliverable, in characters.
pub const MAX_SUPPLIER: usize = 80;
pub const MAX_DELIVERABLE: usize = 150;
/// The most raters a card has (every one gets a DM each month).
pub const MAX_RATERS: usize = 100;
/// Below this many answers a round's averages and distributions are not shown, and on an
/// anonymous card neither are its comments, so that no single rater can be identified.
pub const MIN_ANSWERS: usize = 3;
/// The reminder goes this many days after a round opens, and the round closes after
/// `OPEN_FOR_DAYS`, at the same local time.
pub const REMIND_AFTER_DAYS: i64 = 3;
pub const OPEN_FOR_DAYS: i64 = 7;
/// The longest comment per deliverable, and the longest action item.
pub const MAX_COMMENT: usize = 1000;
pub const MAX_ACTION: usize = 200;

/// A calendar month in the configured time zone: the month a round rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i16,
    pub month: i8,
}

impl Month {
    /// Reads `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Self> {
        let (year, month) = s.trim().split_once('-')?;
        let (year, month) = (year.parse().ok()?, month.parse().ok()?);
        ((1970..=9998).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// The month an instant falls in, in `tz`.
    pub fn of(at: jiff::Timestamp, tz: &TimeZone) -> Self {
        let date = at.to_zoned(tz.clone()).date();
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn first_day(self) -> Date {
        Date::new(self.year, self.month, 1).expect("a parsed month exists")
    }

    pub fn previous(self) -> Self {
        match self.month {
            1 => Self {
                year: self.year - 1,
                month: 12,
            },
            m => Self {
                year: self.year,
                month: m - 1,
            },
        }
    }

    pub fn next(self) -> Self {
        match self.month {
            12 => Self {
                year: self.year + 1,
                month: 1,
            },
            m => Self {
                year: self.year,
                month: m + 1,
            },
        }
    }

    /// The month's name: `November`.
    pub fn name(self) -> &'static str {
        const NAMES: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        NAMES[(self.month - 1) as usize]
    }

    /// `November 2026`.
    pub fn long(self) -> String {
        format!("{} {}", self.name(), self.year)
    }

    /// `Nov 26`, for a chart's axis.
    pub fn short(self) -> String {
        format!("{} {:02}", &self.name()[..3], self.year % 100)
    }

    /// When the round rating this month opens: the first working day of the month after (Monday
    /// to Friday, and not New Year's Day; other public holidays differ by country and are not
    /// known), at `time` in `tz`.
    pub fn round_opens_at(self, time: Time, tz: &TimeZone) -> i64 {
        let mut day = self.next().first_day();
        let new_year = |d: Date| d.month() == 1 && d.day() == 1;
        while matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) || new_year(day) {
            day = day.tomorrow().expect("a working day follows");
        }
        day.to_datetime(time)
            .to_zoned(tz.clone())
            .map(|z| z.timestamp().as_second())
            .unwrap_or_default()
    }

    /// The twelve months up to and including this one, oldest first.
    pub fn last_twelve(self) -> Vec<Month> {
        let mut months = vec![self];
        for _ in 1..12 {
            months.push(months.last().expect("one at least").previous());
        }
        months.reverse();
        months
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

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

/// A card's inputs as the modal gave them.
#[derive(Debug, Clone, Default)]
pub struct CardForm {
    pub supplier: Option<String>,
    pub raters: Vec<String>,
    pub deliverables: Option<String>,
    pub review_channel: Option<String>,
    pub comments: Option<String>,
}

/// The field a problem with a card belongs beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CardField {
    Supplier,
    Raters,
    Deliverables,
    ReviewChannel,
}

/// A card as a leader filled it in, every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCard {
    supplier: String,
    raters: Vec<UserId>,
    deliverables: Vec<String>,
    review_channel: ChannelId,
    comments: Comments,
}

impl NewCard {
    /// Reads a filled-in card; every problem is reported beside its field.
    pub fn parse(form: CardForm) -> Result<Self, Vec<(CardField, String)>> {
        let mut problems = Vec::new();
        let supplier = form.supplier.as_deref().unwrap_or_default().trim();
        if supplier.is_empty() {
            problems.push((
                CardField::Supplier,
                "Name the team that is rated, for example Marketing.".into(),
            ));
        } else if supplier.chars().count() > MAX_SUPPLIER {
            problems.push((
                CardField::Supplier,
                format!("Keep the team's name within {MAX_SUPPLIER} characters."),
            ));
        }
        let mut raters: Vec<UserId> = Vec::new();
        for id in &form.raters {
            match UserId::parse(id) {
                Some(user) if !raters.contains(&user) => raters.push(user),
                Some(_) => {}
                None => problems.push((CardField::Raters, "Pick people to rate.".into())),
            }
        }
        if form.raters.is_empty() {
            problems.push((
                CardField::Raters,
                "Pick the people of the customer team who rate.".into(),
            ));
        } else if raters.len() > MAX_RATERS {
            problems.push((
                CardField::Raters,
                format!("Pick at most {MAX_RATERS} raters."),
            ));
        }
        let lines: Vec<String> = form
            .deliverables
            .as_deref()
            .unwrap_or_default()
            .lines()
            .map(|l| {
                l.trim()
                    .trim_start_matches(['-', '•', '*'])
                    .trim()
                    .to_owned()
            })
            .filter(|l| !l.is_empty())
            .collect();
        let mut deliverables: Vec<String> = Vec::new();
        for line in lines {
            if line.chars().count() > MAX_DELIVERABLE {
                problems.push((
                    CardField::Deliverables,
                    format!("Keep each deliverable within {MAX_DELIVERABLE} characters."),
                ));
            } else if deliverables.iter().any(|d| d.eq_ignore_ascii_case(&line)) {
                problems.push((
                    CardField::Deliverables,
                    format!("\"{line}\" is listed twice."),
                ));
            } else {
                deliverables.push(line);
            }
        }
        if deliverables.is_empty() && !problems.iter().any(|(f, _)| *f == CardField::Deliverables) {
            problems.push((
                CardField::Deliverables,
                "List what the team delivers, one per line.".into(),
            ));
        } else if deliverables.len() > MAX_DELIVERABLES {
            problems.push((
                CardField::Deliverables,
                format!(
                    "A card has at most {MAX_DELIVERABLES} deliverables; this lists {}.",
                    deliverables.len()
                ),
            ));
        }
        let review_channel = form.review_channel.as_deref().and_then(ChannelId::parse);
        if review_channel.is_none() {
            problems.push((
                CardField::ReviewChannel,
                "Pick the channel the results are reviewed in.".into(),
            ));
        }
        let comments = form
            .comments
            .as_deref()
            .and_then(Comments::parse)
            .unwrap_or(Comments::Anonymous);
        // One message per field, the first found.
        problems.sort_by_key(|(field, _)| *field);
        problems.dedup_by_key(|(field, _)| *field);
        let Some(review_channel) = review_channel.filter(|_| problems.is_empty()) else {
            return Err(problems);
        };
        Ok(Self {
            supplier: supplier.to_owned(),
            raters,
            deliverables,
            review_channel,
            comments,
        })
    }

    pub fn supplier(&self) -> &str {
        &self.supplier
    }

    pub fn raters(&self) -> &[UserId] {
        &self.raters
    }

    pub fn deliverables(&self) -> &[String] {
        &self.deliverables
    }

    pub fn review_channel(&self) -> &str {
        &self.review_channel
    }

    pub fn comments(&self) -> Comments {
        self.comments
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

/// A rating on the 1–5 scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rating(u8);

impl Rating {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().parse::<u8>() {
            Ok(n @ 1..=5) => Some(Self(n)),
            _ => None,
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// How each point of the scale reads.
    pub fn label(value: u8) -> &'static str {
        match value {
            1 => "1 · rarely",
            2 => "2 · sometimes",
            3 => "3 · often",
            4 => "4 · almost always",
            _ => "5 · always, every time",
        }
    }
}

/// One rater's answer on one deliverable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub deliverable_id: i64,
    pub rating: Rating,
    pub comment: Option<String>,
}

/// A deliverable's ratings in one round: how many gave each point of the scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub deliverable_id: i64,
    pub name: String,
    /// `counts[0]` gave 1, … `counts[4]` gave 5.
    pub counts: [u32; 5],
}

impl Tally {
    pub fn answers(&self) -> u32 {
        self.counts.iter().sum()
    }

    pub fn sum(&self) -> u32 {
        self.counts
            .iter()
            .zip(1..)
            .map(|(count, point)| count * point)
            .sum()
    }

    /// The average rating, if anyone answered.
    pub fn average(&self) -> Option<f64> {
        let n = self.answers();
        (n > 0).then(|| f64::from(self.sum()) / f64::from(n))
    }
}

/// A comment a rater left on a deliverable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub deliverable: String,
    pub rater: UserId,
    pub text: String,
}

/// An action item agreed at a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub id: i64,
    pub card_id: i64,
    pub what: String,
    pub owner: UserId,
    pub due_on: Date,
    pub done_at: Option<i64>,
}

impl ActionItem {
    /// Not done, and due before `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.done_at.is_none() && self.due_on < today
    }
}

/// A closed (or closing) round's results as shown: with fewer than `MIN_ANSWERS` raters
/// answering, averages and distributions are kept back.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub card: Card,
    pub round: Round,
    pub invited: u32,
    pub answered: u32,
    pub tallies: Vec<Tally>,
    /// The previous closed round's tallies, when it had enough answers to show.
    pub previous: Option<(Month, Vec<Tally>)>,
    pub comments: Vec<Comment>,
    /// Action items not done yet, from this card's rounds.
    pub open_actions: Vec<ActionItem>,
}

impl Results {
    /// Whether enough raters answered the round for its averages to be shown.
    pub fn shown(&self) -> bool {
        shown(self.answered)
    }

    /// Whether comments are shown: on an attributed card always; on an anonymous one only with
    /// enough answers that a comment cannot be told to be one person's.
    pub fn comments_shown(&self) -> bool {
        self.card.comments == Comments::Attributed || self.shown()
    }

    /// The comments shown, None when they are kept back altogether. On an anonymous round a
    /// comment on a deliverable kept back on its own (rated by fewer than three) is left out
    /// too, or "I gave it a 1" would undo the hiding.
    pub fn shown_comments(&self) -> Option<Vec<&Comment>> {
        if !self.comments_shown() {
            return None;
        }
        let attributed = self.card.comments == Comments::Attributed;
        Some(
            self.comments
                .iter()
                .filter(|c| {
                    attributed
                        || self
                            .tallies
                            .iter()
                            .find(|t| t.name == c.deliverable)
                            .is_some_and(visible)
                })
                .collect(),
        )
    }

    /// A deliverable's average, when shown: enough raters answered the round, and enough rated
    /// this deliverable (one added while the round was open may have fewer).
    pub fn average(&self, tally: &Tally) -> Option<f64> {
        (self.shown() && visible(tally))
            .then(|| tally.average())
            .flatten()
    }

    /// A deliverable's change on the previous round, when both averages are shown.
    pub fn change(&self, tally: &Tally) -> Option<f64> {
        let now = self.average(tally)?;
        let (_, previous) = self.previous.as_ref()?;
        let before = previous
            .iter()
            .find(|t| t.deliverable_id == tally.deliverable_id)
            .filter(|t| visible(t))?
            .average()?;
        Some(now - before)
    }

    /// Every shown rating of the round, averaged.
    pub fn overall(&self) -> Option<f64> {
        let shown: Vec<Tally> = self
            .tallies
            .iter()
            .filter(|t| self.average(t).is_some())
            .cloned()
            .collect();
        overall(&shown)
    }

    /// The overall average's change on the previous round, over the deliverables shown in both
    /// (so that a changed list of deliverables does not read as a change in how well they were
    /// delivered).
    pub fn overall_change(&self) -> Option<f64> {
        let (_, previous) = self.previous.as_ref()?;
        let (mut now, mut before) = (Vec::new(), Vec::new());
        for tally in &self.tallies {
            let earlier = previous
                .iter()
                .find(|t| t.deliverable_id == tally.deliverable_id && visible(t));
            if let (Some(_), Some(earlier)) = (self.average(tally), earlier) {
                now.push(tally.clone());
                before.push(earlier.clone());
            }
        }
        Some(overall(&now)? - overall(&before)?)
    }

    /// The share of the raters asked who answered, in percent.
    pub fn response_rate(&self) -> Option<u32> {
        response_rate(self.answered, self.invited)
    }
}

/// Whether a deliverable's ratings can be shown: enough people rated it that no one's rating
/// can be told apart.
pub fn visible(tally: &Tally) -> bool {
    tally.answers() as usize >= MIN_ANSWERS
}

/// Whether a round with `answered` raters answering shows its averages.
pub fn shown(answered: u32) -> bool {
    answered as usize >= MIN_ANSWERS
}

/// Every rating in `tallies`, averaged.
pub fn overall(tallies: &[Tally]) -> Option<f64> {
    let (sum, n) = tallies
        .iter()
        .fold((0, 0), |(s, n), t| (s + t.sum(), n + t.answers()));
    (n > 0).then(|| f64::from(sum) / f64::from(n))
}

/// `answered` of `invited` in percent, rounded.
pub fn response_rate(answered: u32, invited: u32) -> Option<u32> {
    (invited > 0).then(|| (f64::from(answered) * 100.0 / f64::from(invited)).round() as u32)
}

/// An average as people read it: `3.8`.
pub fn average_text(average: f64) -> String {
    format!("{average:.1}")
}

/// A change as people read it: `▲ 0.4`, `▼ 0.2`, `no change`.
pub fn change_text(change: f64) -> String {
    if change >= 0.05 {
        format!("▲ {change:.1}")
    } else if change <= -0.05 {
        format!("▼ {:.1}", -change)
    } else {
        "no change".to_owned()
    }
}

/// Reads an action item's due date, `YYYY-MM-DD`, not before `today`.
pub fn due_on(s: &str, today: Date) -> Result<Date, String> {
    let date: Date = s
        .trim()
        .parse()
        .map_err(|_| "Pick the date it is due by.".to_owned())?;
    if date < today {
        return Err("Pick today or a later day.".to_owned());
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(deliverables: &str) -> CardForm {
        CardForm {
            supplier: Some("Marketing".into()),
            raters: vec!["U0ANA".into(), "U0BEN".into()],
            deliverables: Some(deliverables.into()),
            review_channel: Some("C0REVIEW".into()),
            comments: None,
        }
    }

    #[test]
    fn a_card_reads_its_deliverables_one_per_line_and_is_anonymous_by_default() {
        let card = NewCard::parse(form(
            "- Qualified leads by the 5th\n\n  Accurate price lists \n",
        ))
        .unwrap();
        assert_eq!(
            card.deliverables(),
            ["Qualified leads by the 5th", "Accurate price lists"]
        );
        assert_eq!(card.comments(), Comments::Anonymous);
        assert_eq!(card.raters().len(), 2);
    }

    #[test]
    fn every_problem_is_told_beside_its_field() {
        let seven = (1..=7).map(|i| format!("Thing {i}\n")).collect::<String>();
        let problems = NewCard::parse(CardForm {
            supplier: Some("  ".into()),
            raters: vec![],
            deliverables: Some(seven),
            review_channel: None,
            comments: None,
        })
        .unwrap_err();
        let fields: Vec<CardField> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                CardField::Supplier,
                CardField::Raters,
                CardField::Deliverables,
                CardField::ReviewChannel
            ]
        );
        assert!(problems[2].1.contains("at most 6"), "{problems:?}");
        let twice = NewCard::parse(form("Leads\nleads")).unwrap_err();
        assert_eq!(twice[0].0, CardField::Deliverables);
        assert!(NewCard::parse(form("")).is_err());
    }

    #[test]
    fn ratings_are_whole_numbers_from_one_to_five() {
        assert_eq!(Rating::parse("4").map(Rating::value), Some(4));
        for bad in ["0", "6", "3.5", "", "five", "-1"] {
            assert_eq!(Rating::parse(bad), None, "{bad}");
        }
    }

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

    fn tally(id: i64, counts: [u32; 5]) -> Tally {
        Tally {
            deliverable_id: id,
            name: format!("D{id}"),
            counts,
        }
    }

    #[test]
    fn averages_and_changes_show_only_with_three_answers() {
        let card = Card {
            id: 1,
            supplier: "Marketing".into(),
            review_channel: ChannelId::parse("C0REVIEW").unwrap(),
            comments: Comments::Anonymous,
            created_at: 0,
            retired_at: None,
            deliverables: vec![],
            raters: vec![],
        };
        let round = Round {
            id: 2,
            card_id: 1,
            month: Month::parse("2026-11").unwrap(),
            opened_at: 0,
            remind_at: 0,
            closes_at: 0,
            closed_at: None,
        };
        let mut results = Results {
            card,
            round,
            invited: 4,
            answered: 3,
            tallies: vec![tally(1, [0, 0, 1, 1, 1]), tally(2, [0, 1, 1, 1, 0])],
            previous: Some((
                Month::parse("2026-10").unwrap(),
                vec![tally(1, [0, 1, 1, 1, 0])],
            )),
            comments: vec![],
            open_actions: vec![],
        };
        assert_eq!(results.tallies[0].average(), Some(4.0));
        assert_eq!(results.change(&results.tallies[0].clone()), Some(1.0));
        assert_eq!(results.change(&results.tallies[1].clone()), None);
        assert_eq!(results.overall(), Some(3.5));
        assert_eq!(
            results.overall_change(),
            Some(1.0),
            "over the deliverables shown in both rounds"
        );
        assert_eq!(results.response_rate(), Some(75));
        assert!(results.comments_shown());
        // A deliverable added while the round was open, rated by one: kept back on its own,
        // with its comments on an anonymous round.
        results.tallies.push(tally(3, [0, 0, 0, 0, 1]));
        assert_eq!(results.average(&results.tallies[2].clone()), None);
        assert_eq!(results.overall(), Some(3.5), "without it");
        let comment = |deliverable: &str, text: &str| Comment {
            deliverable: deliverable.into(),
            rater: UserId::parse("U0ANA").unwrap(),
            text: text.into(),
        };
        results.comments = vec![
            comment("D1", "Leads were late"),
            comment("D3", "I gave it a 5"),
        ];
        let shown: Vec<&str> = results
            .shown_comments()
            .unwrap()
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(shown, ["Leads were late"]);
        results.card.comments = Comments::Attributed;
        assert_eq!(
            results.shown_comments().unwrap().len(),
            2,
            "attributed: all"
        );
        results.card.comments = Comments::Anonymous;
        results.answered = 2;
        assert_eq!(results.overall(), None);
        assert_eq!(results.change(&results.tallies[0].clone()), None);
        assert!(!results.comments_shown());
        results.card.comments = Comments::Attributed;
        assert!(results.comments_shown());
        assert_eq!(change_text(0.42), "▲ 0.4");
        assert_eq!(change_text(-0.2), "▼ 0.2");
        assert_eq!(change_text(0.01), "no change");
    }

    #[test]
    fn due_dates_are_days_not_before_today() {
        let today = Date::new(2026, 11, 18).unwrap();
        assert_eq!(
            due_on("2026-11-30", today).unwrap(),
            Date::new(2026, 11, 30).unwrap()
        );
        assert!(due_on("2026-11-18", today).is_ok());
        assert!(due_on("2026-11-17", today).is_err());
        assert!(due_on("soon", today).is_err());
    }
}
