//! The scorecard week by week, for the scorecard page, the wallboard and App Home: counted in
//! SQL week by week as the digest counts its own ([`digests::scorecard`]), so their numbers are
//! the digest's and no week's stories are read into memory.
use jiff::tz::TimeZone;
use sqlx::SqlitePool;

use super::compute::{Scorecard, story_of_the_week};
use super::window::IsoWeek;
use crate::config::Config;
use crate::domain::Story;
use crate::store::digests;

/// One week's scorecard, and (for the last [`STORY_WEEKS`] weeks) its story of the week.
#[derive(Debug, Clone)]
pub struct WeekScore {
    pub week: IsoWeek,
    pub card: Scorecard,
    /// The week's story, as the digest chooses it; None before the last [`STORY_WEEKS`] weeks.
    pub story: Option<Story>,
}

/// The weeks, counted back from the last, whose story of the week is loaded (the wallboard
/// shows this week's story, else last week's).
pub const STORY_WEEKS: usize = 2;

impl WeekScore {
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

/// Sorts `stories` into `weeks` (by when they were told, in `tz`, as the digest does) and
/// scores each week in memory: the reference [`load_with`]'s counting in SQL is tested against.
pub fn score(
    weeks: &[IsoWeek],
    tz: &TimeZone,
    mut stories: Vec<Story>,
    target_recovery_24h: u8,
    target_surprise: u8,
) -> Vec<WeekScore> {
    let storied = weeks.len().saturating_sub(STORY_WEEKS);
    weeks
        .iter()
        .enumerate()
        .map(|(i, &week)| {
            let (start, end) = week.bounds(tz);
            let (inside, rest): (Vec<Story>, Vec<Story>) = std::mem::take(&mut stories)
                .into_iter()
                .partition(|s| s.created_at >= start && s.created_at < end);
            stories = rest;
            WeekScore {
                week,
                card: Scorecard::of(&inside, target_recovery_24h, target_surprise),
                story: if i >= storied {
                    story_of_the_week(&inside).cloned()
                } else {
                    None
                },
            }
        })
        .collect()
}

/// The scorecards of the `n` weeks that end with `last`, from what is stored.
pub async fn load(
    db: &SqlitePool,
    config: &Config,
    last: IsoWeek,
    n: usize,
) -> Result<Vec<WeekScore>, sqlx::Error> {
    let targets = (config.target_recovery_24h, config.target_surprise);
    load_with(db, &config.timezone, targets, last, n).await
}

/// As [`load`], with the time zone and the targets (24 h, surprise) given.
pub async fn load_with(
    db: &SqlitePool,
    tz: &TimeZone,
    (target_recovery_24h, target_surprise): (u8, u8),
    last: IsoWeek,
    n: usize,
) -> Result<Vec<WeekScore>, sqlx::Error> {
    let weeks = weeks_to(last, n);
    let storied = weeks.len().saturating_sub(STORY_WEEKS);
    let mut scores = Vec::with_capacity(weeks.len());
    for (i, week) in weeks.into_iter().enumerate() {
        let (start, end) = week.bounds(tz);
        let card = digests::scorecard(db, start, end).await?;
        let story = if i >= storied {
            digests::story_of_the_week(db, start, end).await?
        } else {
            None
        };
        scores.push(WeekScore {
            week,
            card: Scorecard {
                target_recovery_24h,
                target_surprise,
                ..card
            },
            story,
        });
    }
    Ok(scores)
}

/// One scorecard over several weeks together (the wallboard's gauges): their counts added.
pub fn together(weeks: &[WeekScore], target_recovery_24h: u8, target_surprise: u8) -> Scorecard {
    weeks.iter().fold(
        Scorecard {
            target_recovery_24h,
            target_surprise,
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
    use crate::digest::compute::tests::story;
    use crate::domain::{CustomerKind, Reaction};

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
    fn each_story_counts_in_the_week_it_was_told() {
        let tz = TimeZone::UTC;
        let weeks = weeks_to(week("2026-W47"), 2);
        let (w46, _) = weeks[0].bounds(&tz);
        let (w47, end) = weeks[1].bounds(&tz);
        let at = |mut s: Story, t: i64| {
            s.created_at = t;
            s
        };
        let stories = vec![
            at(
                story(1, 5, true, Reaction::BlownAway, CustomerKind::External),
                w46,
            ),
            at(
                story(2, 30, false, Reaction::Unknown, CustomerKind::Internal),
                w47 - 1,
            ),
            at(
                story(3, 2, true, Reaction::Satisfied, CustomerKind::Internal),
                w47,
            ),
            at(
                story(4, 2, true, Reaction::Satisfied, CustomerKind::Internal),
                end,
            ),
        ];
        let scored = score(&weeks, &tz, stories, 90, 80);
        assert_eq!(scored[0].card.stories, 2);
        assert_eq!(scored[0].recovered(), Some(50));
        assert_eq!((scored[0].card.internal, scored[0].card.external), (1, 1));
        assert_eq!(scored[1].card.stories, 1);
        assert_eq!(scored[1].story.as_ref().map(|s| s.id), Some(3));
        assert_eq!(scored[1].blown_away(), Some(0));
    }

    #[test]
    fn a_sparkline_has_a_bar_a_week_and_a_dot_where_nothing_was_measured() {
        assert_eq!(
            sparkline(&[Some(0), Some(50), None, Some(100), Some(93)]),
            "▁▅·██"
        );
    }
}
