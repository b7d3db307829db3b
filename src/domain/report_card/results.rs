//! Ratings and a round's results: tallies, averages and changes, and the anonymity rules that
//! keep back what too few answered.
use super::{ActionItem, Card, Comments, Month, Round, UserId};

/// Below this many answers a round's averages and distributions are not shown, and on an
/// anonymous card neither are its comments, so that no single rater can be identified: the
/// default anonymity threshold, and the lowest one allowed.
pub const MIN_ANSWERS: usize = 3;

/// The anonymity threshold in force (`HEROBOT_REPORTCARD_MIN_ANSWERS`): never below
/// `MIN_ANSWERS`, so built only by `parse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinAnswers(usize);

impl MinAnswers {
    /// The threshold `n`, if it is at least `MIN_ANSWERS`.
    pub fn parse(n: usize) -> Option<Self> {
        (n >= MIN_ANSWERS).then_some(Self(n))
    }

    pub fn get(self) -> usize {
        self.0
    }
}

impl Default for MinAnswers {
    fn default() -> Self {
        Self(MIN_ANSWERS)
    }
}
/// The longest comment per deliverable.
pub const MAX_COMMENT: usize = 1000;

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

    /// How each point of the scale reads, as the rating modal offers it: `5 — Always, every time`.
    pub fn label(value: u8) -> &'static str {
        match value {
            1 => "1 — Rarely",
            2 => "2 — Sometimes",
            3 => "3 — Often",
            4 => "4 — Almost always",
            _ => "5 — Always, every time",
        }
    }
}

/// One rater's rating (and comment) of one deliverable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rated {
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

/// A comment a rater left on a deliverable, or on the whole card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The deliverable it is about, by ID (None: the whole card). Two deliverables may share a
    /// name (one removed and re-added while a round was open), and a comment must stay with its
    /// own, or the anonymity threshold of one is undone under the other.
    pub deliverable_id: Option<i64>,
    /// That deliverable's name (None: the whole card).
    pub deliverable: Option<String>,
    pub rater: UserId,
    pub text: String,
}

/// A closed (or closing) round's results as shown: with fewer than `min_answers` raters
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
    /// Action items not done yet, from this card's rounds, and those agreed in this round (done
    /// or not).
    pub open_actions: Vec<ActionItem>,
    /// The anonymity threshold the results are shown under.
    pub min_answers: MinAnswers,
}

impl Results {
    /// Whether enough raters answered the round for its averages to be shown.
    pub fn shown(&self) -> bool {
        shown(self.answered, self.min_answers)
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
                        || c.deliverable_id.is_none_or(|id| {
                            self.tallies
                                .iter()
                                .find(|t| t.deliverable_id == id)
                                .is_some_and(|t| visible(t, self.min_answers))
                        })
                })
                .collect(),
        )
    }

    /// A deliverable's average, when shown: enough raters answered the round, and enough rated
    /// this deliverable (one added while the round was open may have fewer).
    pub fn average(&self, tally: &Tally) -> Option<f64> {
        (self.shown() && visible(tally, self.min_answers))
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
            .filter(|t| visible(t, self.min_answers))?
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
                .find(|t| t.deliverable_id == tally.deliverable_id && visible(t, self.min_answers));
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
pub fn visible(tally: &Tally, min: MinAnswers) -> bool {
    tally.answers() as usize >= min.get()
}

/// Whether a round with `answered` raters answering shows its averages.
pub fn shown(answered: u32, min: MinAnswers) -> bool {
    answered as usize >= min.get()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_whole_numbers_from_one_to_five() {
        assert_eq!(Rating::parse("4").map(Rating::value), Some(4));
        for bad in ["0", "6", "3.5", "", "five", "-1"] {
            assert_eq!(Rating::parse(bad), None, "{bad}");
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
            review_channel: crate::domain::ChannelId::parse("C0REVIEW").unwrap(),
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
            min_answers: MinAnswers::default(),
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
        let comment = |id: i64, text: &str| Comment {
            deliverable_id: Some(id),
            deliverable: Some(format!("D{id}")),
            rater: UserId::parse("U0ANA").unwrap(),
            text: text.into(),
        };
        results.comments = vec![comment(1, "Leads were late"), comment(3, "I gave it a 5")];
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
    fn the_threshold_is_never_below_three_and_hides_a_round_below_it() {
        assert_eq!(MinAnswers::parse(2), None);
        assert_eq!(MinAnswers::default().get(), 3);
        let four = MinAnswers::parse(4).unwrap();
        assert!(shown(3, MinAnswers::default()));
        assert!(!shown(3, four));
        assert!(shown(4, four));
    }
}
