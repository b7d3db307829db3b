//! The recovery scorecard: a period's counts against their targets, one week's scorecard, the
//! weeks of a trend, and the counts and heroes of a digest.
use super::Story;
use super::calendar::IsoWeek;

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
    /// Fewest stories for a share to be judged as a percentage (`HEROBOT_MIN_SAMPLE`); 0 judges
    /// any number.
    pub min_sample: usize,
}

/// A share as every surface shows it: with its counts, and judged only from enough stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// No stories: nothing to measure.
    Nothing,
    /// Fewer stories than the minimum sample: the counts, but no percentage to judge by.
    TooFew { part: usize, whole: usize },
    /// A percentage of enough stories.
    Judged {
        percent: u32,
        part: usize,
        whole: usize,
    },
}

impl Share {
    /// `part` of `whole` stories, judged when `whole` reaches `min_sample`.
    pub fn of(part: usize, whole: usize, min_sample: usize) -> Self {
        match percent(part, whole) {
            None => Self::Nothing,
            Some(_) if whole < min_sample => Self::TooFew { part, whole },
            Some(percent) => Self::Judged {
                percent,
                part,
                whole,
            },
        }
    }

    /// The percentage, when there are enough stories to judge by.
    pub fn percent(self) -> Option<u32> {
        match self {
            Self::Judged { percent, .. } => Some(percent),
            _ => None,
        }
    }

    /// The big figure of a tile or gauge: `67 %`, `too few stories to judge (2)`, or `–`.
    pub fn figure(self) -> String {
        match self {
            Self::Nothing => "–".to_owned(),
            Self::TooFew { whole, .. } => format!("too few stories to judge ({whole})"),
            Self::Judged { percent, .. } => format!("{percent} %"),
        }
    }

    /// The counts beside it: `2 of 3`, or nothing when there were no stories.
    pub fn counts(self) -> String {
        match self {
            Self::Nothing => String::new(),
            Self::TooFew { part, whole } | Self::Judged { part, whole, .. } => {
                format!("{part} of {whole}")
            }
        }
    }

    /// The line of a scorecard in Slack: [`Share::line`], then the target and whether it was met
    /// (judged shares only): `67 % (2 of 3) · target 90 % ⚠️`.
    pub fn against(self, target: Option<u8>) -> String {
        let line = self.line();
        match (self, target) {
            (Self::Judged { percent, .. }, Some(t)) if percent >= u32::from(t) => {
                format!("{line} · target {t} % ✅")
            }
            (Self::Judged { .. }, Some(t)) => format!("{line} · target {t} % ⚠️"),
            (Self::TooFew { .. }, Some(t)) => format!("{line} · target {t} %"),
            _ => line,
        }
    }

    /// The whole: `67 % (2 of 3)`, `too few stories to judge (2): 1 of 2`, or `–`.
    pub fn line(self) -> String {
        match self {
            Self::Nothing => self.figure(),
            Self::TooFew { .. } => format!("{}: {}", self.figure(), self.counts()),
            Self::Judged { .. } => format!("{} ({})", self.figure(), self.counts()),
        }
    }
}

impl Scorecard {
    /// `part` of this period's stories as a [`Share`], judged against the minimum sample.
    pub fn share(&self, part: usize) -> Share {
        Share::of(part, self.stories, self.min_sample)
    }

    /// "Customer blown away" as every surface shows it: `67 % (4 of 6) · 3 confirmed by the
    /// customer` (or `too few stories to judge (2): 1 of 2 · …`).
    pub fn blown_away_line(&self) -> String {
        format!(
            "{} · {} confirmed by the customer",
            self.share(self.blown_away).line(),
            self.customer_answers
        )
    }

    /// A share in whole percent, rounded; None when there is nothing to measure.
    pub fn percent(part: usize, whole: usize) -> Option<u32> {
        percent(part, whole)
    }
}

/// A share in whole percent, rounded; None when there is nothing to measure.
pub fn percent(part: usize, whole: usize) -> Option<u32> {
    (whole > 0).then(|| ((part * 100 + whole / 2) / whole) as u32)
}

/// One week's scorecard, and (for the last [`STORY_WEEKS`] weeks) its story of the week.
#[derive(Debug, Clone)]
pub struct WeekScore {
    pub week: IsoWeek,
    pub card: Scorecard,
    /// The week's story, chosen as the digest chooses it but among the stories every credited hero
    /// agreed to tell outside Slack (the wallboard shows it); None before the last [`STORY_WEEKS`]
    /// weeks.
    pub story: Option<Story>,
}

/// The weeks, counted back from the last, whose story of the week is loaded (the wallboard
/// shows this week's story, else last week's).
pub const STORY_WEEKS: usize = 2;

impl WeekScore {
    /// The week's shares, judged against the minimum sample: within 24 h, surprised, blown away.
    pub fn shares(&self) -> [Share; 3] {
        let c = &self.card;
        [c.within_24h, c.surprised, c.blown_away].map(|part| c.share(part))
    }

    pub fn recovered(&self) -> Option<u32> {
        Scorecard::percent(self.card.within_24h, self.card.stories)
    }

    pub fn surprised(&self) -> Option<u32> {
        Scorecard::percent(self.card.surprised, self.card.stories)
    }

    pub fn blown_away(&self) -> Option<u32> {
        Scorecard::percent(self.card.blown_away, self.card.stories)
    }
}

/// The `n` weeks that end with `last`, oldest first.
pub fn weeks_to(last: IsoWeek, n: usize) -> Vec<IsoWeek> {
    let mut weeks: Vec<IsoWeek> = std::iter::successors(Some(last), |w| Some(w.previous()))
        .take(n)
        .collect();
    weeks.reverse();
    weeks
}

/// One scorecard over several weeks together (the wallboard's gauges, Home): their counts
/// added, judged against the targets and minimum sample of the last.
pub fn together(weeks: &[WeekScore], target_recovery_24h: u8, target_surprise: u8) -> Scorecard {
    weeks.iter().fold(
        Scorecard {
            target_recovery_24h,
            target_surprise,
            min_sample: weeks.last().map_or(0, |w| w.card.min_sample),
            ..Scorecard::default()
        },
        |sum, w| Scorecard {
            stories: sum.stories + w.card.stories,
            within_24h: sum.within_24h + w.card.within_24h,
            surprised: sum.surprised + w.card.surprised,
            blown_away: sum.blown_away + w.card.blown_away,
            customer_answers: sum.customer_answers + w.card.customer_answers,
            internal: sum.internal + w.card.internal,
            external: sum.external + w.card.external,
            ..sum
        },
    )
}

/// Shares as a text sparkline, one character a week (`·` where nothing was measured).
pub fn sparkline(values: &[Option<u32>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values
        .iter()
        .map(|v| match v {
            Some(v) => BARS[((*v).min(100) as usize * 7 + 50) / 100],
            None => '·',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(s: &str) -> IsoWeek {
        IsoWeek::parse(s).unwrap()
    }

    #[test]
    fn the_weeks_to_one_run_oldest_first_across_a_new_year() {
        let weeks: Vec<String> = weeks_to(week("2026-W02"), 4)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(weeks, ["2025-W51", "2025-W52", "2026-W01", "2026-W02"]);
    }

    #[test]
    fn a_share_says_how_many_and_is_judged_only_from_enough_stories() {
        assert_eq!(Share::of(2, 3, 0).line(), "67 % (2 of 3)");
        assert_eq!(
            Share::of(2, 3, 5).line(),
            "too few stories to judge (3): 2 of 3"
        );
        assert_eq!(Share::of(2, 3, 5).percent(), None);
        assert_eq!(Share::of(4, 5, 5).line(), "80 % (4 of 5)");
        assert_eq!(Share::of(0, 0, 5), Share::Nothing);
        assert_eq!(Share::of(0, 0, 5).line(), "–");
    }

    #[test]
    fn a_sparkline_has_a_bar_a_week_and_a_dot_where_nothing_was_measured() {
        assert_eq!(
            sparkline(&[Some(0), Some(50), None, Some(100), Some(93)]),
            "▁▅·██"
        );
    }
}
