//! The scorecard week by week: the digest's own computation (`Scorecard::of` over the stories
//! created in each ISO week), for the scorecard page, the wallboard and App Home, so that their
//! numbers are the digest's.
use jiff::tz::TimeZone;
use sqlx::SqlitePool;

use super::compute::Scorecard;
use super::window::IsoWeek;
use crate::config::Config;
use crate::domain::Story;
use crate::store::digests;

/// One week's scorecard and the stories it was computed from.
#[derive(Debug, Clone)]
pub struct WeekScore {
    pub week: IsoWeek,
    pub card: Scorecard,
    pub stories: Vec<Story>,
}

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
/// scores each week.
pub fn score(
    weeks: &[IsoWeek],
    tz: &TimeZone,
    mut stories: Vec<Story>,
    target_recovery_24h: u8,
    target_surprise: u8,
) -> Vec<WeekScore> {
    weeks
        .iter()
        .map(|&week| {
            let (start, end) = week.bounds(tz);
            let (inside, rest) = std::mem::take(&mut stories)
                .into_iter()
                .partition(|s| s.created_at >= start && s.created_at < end);
            stories = rest;
            WeekScore {
                week,
                card: Scorecard::of(&inside, target_recovery_24h, target_surprise),
                stories: inside,
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
    let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
        return Ok(Vec::new());
    };
    let stories = digests::stories(db, first.bounds(tz).0, last.bounds(tz).1).await?;
    Ok(score(
        &weeks,
        tz,
        stories,
        target_recovery_24h,
        target_surprise,
    ))
}

/// One scorecard over several weeks together (the wallboard's gauges).
pub fn together(weeks: &[WeekScore], target_recovery_24h: u8, target_surprise: u8) -> Scorecard {
    let stories: Vec<Story> = weeks.iter().flat_map(|w| w.stories.clone()).collect();
    Scorecard::of(&stories, target_recovery_24h, target_surprise)
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
        assert_eq!(scored[1].stories[0].id, 3);
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
