//! The library's scorecard page: the recovery measures week by week against their targets, as
//! charts, as a table (for screen readers and spreadsheets) and as a CSV download.
use std::fmt::Write;

use askama::Template;

use super::pages::Layout;
use crate::charts::trend::{self, Line, Look, Stack, Weeks};
use crate::charts::{self, Svg};
use crate::domain::calendar::IsoWeek;
use crate::domain::scorecard::{Share, WeekScore};

/// How many weeks the page shows.
pub const WEEKS: usize = 26;

/// One measure of one week: how many stories, and their share.
pub struct Cell {
    pub count: usize,
    pub percent: String,
}

/// One week of the table (and of the CSV).
pub struct Row {
    pub week: String,
    /// The week's Monday and Sunday, `YYYY-MM-DD`: the story list of that week.
    pub monday: String,
    pub sunday: String,
    pub stories: usize,
    pub internal: usize,
    pub external: usize,
    pub recovered: Cell,
    pub surprised: Cell,
    pub blown_away: Cell,
    /// Stories whose customer answered themselves.
    pub confirmed: usize,
    pub selected: bool,
}

/// A chart with its heading, drawn twice: for a wide screen and for a phone (the page shows
/// the one that fits, without script).
pub struct Chart {
    pub heading: String,
    pub svg: Svg,
    pub phone: Svg,
}

/// A measure's chart, with its class: its colour in the key.
pub struct Measure {
    pub chart: Chart,
    pub class: &'static str,
}

/// One tile of the summary: the big figure (a percentage, or "too few stories to judge (2)"
/// below the minimum sample), the counts it is of, and whether it was judged (else it is drawn
/// in a neutral colour).
pub struct Tile {
    pub figure: String,
    pub counts: String,
    pub judged: bool,
}

impl Tile {
    fn of(share: Share) -> Self {
        Self {
            figure: share.figure(),
            counts: share.counts(),
            judged: share.percent().is_some(),
        }
    }
}

/// The chosen week in words, above the charts.
pub struct Summary {
    pub stories: usize,
    pub recovered: Tile,
    pub surprised: Tile,
    pub blown_away: Tile,
    /// How many of the week's stories the customer confirmed themselves (their own answer).
    pub confirmed: usize,
}

#[derive(Template)]
#[template(path = "library/scorecard.html")]
pub struct Page {
    pub layout: Layout,
    pub week: String,
    pub first: String,
    pub summary: Summary,
    pub target_recovery_24h: u8,
    pub target_surprise: u8,
    /// Fewest stories for a week's share to be judged (`HEROBOT_MIN_SAMPLE`): fewer, a hollow
    /// point.
    pub min_sample: usize,
    pub measures: Vec<Measure>,
    pub stories: Chart,
    pub rows: Vec<Row>,
    /// Query strings of the weeks before and after (none after the current week).
    pub earlier: String,
    pub later: Option<String>,
}

fn cell(part: usize, whole: usize) -> Cell {
    Cell {
        count: part,
        percent: charts::percent(crate::domain::scorecard::Scorecard::percent(part, whole)),
    }
}

/// A week as the x axis names it: `W47`, with the year where a year starts.
fn label(week: IsoWeek, first: bool) -> String {
    if first || week.week == 1 {
        format!("{}-W{:02}", week.year, week.week)
    } else {
        format!("W{:02}", week.week)
    }
}

/// The page for `scores` (oldest first, ending with the chosen week); `current` is the week
/// that is under way.
pub fn page(layout: Layout, scores: &[WeekScore], current: IsoWeek) -> Page {
    let chosen = scores.last().expect("a scorecard has weeks");
    let card = &chosen.card;
    let (t24, tsurprise) = (card.target_recovery_24h, card.target_surprise);
    let labels: Vec<String> = scores
        .iter()
        .enumerate()
        .map(|(i, s)| label(s.week, i == 0))
        .collect();
    let span = format!(
        "the {} weeks from {} to {}",
        scores.len(),
        scores[0].week,
        chosen.week
    );
    let counts: Vec<usize> = scores.iter().map(|s| s.card.stories).collect();
    let weeks = Weeks {
        labels: &labels,
        counts: &counts,
        min_sample: card.min_sample,
    };
    let measure = |id: &'static str,
                   name: &str,
                   colour,
                   target: u8,
                   values: Vec<Option<u32>>,
                   what: &str| {
        let latest = charts::percent(values.last().copied().flatten());
        let title = format!("{name}, week by week");
        let desc = format!(
            "Share of recovery stories {what}, each week of {span}, against a target of {target} %, with each week's number of stories under it; a week of fewer than {} stories is a hollow point. {}: {latest}. The table below has every figure.",
            card.min_sample.max(1),
            chosen.week
        );
        let lines = [Line {
            label: name,
            colour,
            values: &values,
            target: Some(target),
        }];
        let chart = Chart {
            heading: format!("{name} · target {target} %"),
            svg: trend::percentages(id, &title, &desc, &weeks, &lines, Look::PAGE),
            phone: trend::percentages(
                &format!("{id}-phone"),
                &title,
                &desc,
                &weeks,
                &lines,
                Look::PHONE,
            ),
        };
        Measure { chart, class: id }
    };
    let measures = vec![
        measure(
            "recovered",
            "Recovered within 24 h",
            charts::RECOVERED,
            t24,
            scores.iter().map(WeekScore::recovered).collect(),
            "fixed within 24 hours",
        ),
        measure(
            "surprised",
            "Surprise given",
            charts::SURPRISED,
            tsurprise,
            scores.iter().map(WeekScore::surprised).collect(),
            "where the customer was given a surprise",
        ),
        measure(
            "blown-away",
            "Customer blown away",
            charts::BLOWN_AWAY,
            tsurprise,
            scores.iter().map(WeekScore::blown_away).collect(),
            "where the customer was blown away",
        ),
    ];
    let internal: Vec<usize> = scores.iter().map(|s| s.card.internal).collect();
    let external: Vec<usize> = scores.iter().map(|s| s.card.external).collect();
    let stacks = [
        Stack {
            colour: charts::INTERNAL,
            values: &internal,
        },
        Stack {
            colour: charts::EXTERNAL,
            values: &external,
        },
    ];
    let title = "Recovery stories per week, internal and external customers";
    let desc = format!(
        "Recovery stories told each week of {span}, internal customers stacked under external ones. {}: {} internal, {} external.",
        chosen.week, card.internal, card.external
    );
    let stories = Chart {
        heading: "Recovery stories per week, by customer".to_owned(),
        svg: trend::stacked_counts("stories", title, &desc, &labels, &stacks, Look::PAGE),
        phone: trend::stacked_counts("stories-phone", title, &desc, &labels, &stacks, Look::PHONE),
    };
    let rows = scores
        .iter()
        .map(|s| Row {
            week: s.week.to_string(),
            monday: s.week.monday().to_string(),
            sunday: s
                .week
                .monday()
                .saturating_add(jiff::Span::new().days(6))
                .to_string(),
            stories: s.card.stories,
            internal: s.card.internal,
            external: s.card.external,
            recovered: cell(s.card.within_24h, s.card.stories),
            surprised: cell(s.card.surprised, s.card.stories),
            blown_away: cell(s.card.blown_away, s.card.stories),
            confirmed: s.card.customer_answers,
            selected: s.week == chosen.week,
        })
        .collect();
    Page {
        layout,
        week: chosen.week.to_string(),
        first: scores[0].week.to_string(),
        summary: Summary {
            stories: card.stories,
            recovered: Tile::of(card.share(card.within_24h)),
            surprised: Tile::of(card.share(card.surprised)),
            blown_away: Tile::of(card.share(card.blown_away)),
            confirmed: card.customer_answers,
        },
        target_recovery_24h: t24,
        target_surprise: tsurprise,
        min_sample: card.min_sample,
        measures,
        stories,
        rows,
        earlier: format!("week={}", chosen.week.previous()),
        later: (chosen.week < current).then(|| format!("week={}", chosen.week.next())),
    }
}

/// The weekly series as CSV, oldest week first: the table's numbers, shares in whole percent
/// (empty where nothing was measured).
pub fn csv(scores: &[WeekScore]) -> String {
    let mut out = String::from(
        "week,monday,stories,internal,external,recovered_within_24h,recovered_within_24h_percent,surprise_given,surprise_given_percent,blown_away,blown_away_percent,target_recovery_24h_percent,target_surprise_percent,blown_away_confirmed_by_customer\r\n",
    );
    let pct = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    for s in scores {
        let c = &s.card;
        let _ = write!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\r\n",
            s.week,
            s.week.monday(),
            c.stories,
            c.internal,
            c.external,
            c.within_24h,
            pct(s.recovered()),
            c.surprised,
            pct(s.surprised()),
            c.blown_away,
            pct(s.blown_away()),
            c.target_recovery_24h,
            c.target_surprise,
            c.customer_answers,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::oracle::score;
    use crate::digest::oracle::story;
    use crate::domain::scorecard::weeks_to;
    use crate::domain::{CustomerKind, Reaction};

    fn scores() -> Vec<WeekScore> {
        let tz = jiff::tz::TimeZone::UTC;
        let weeks = weeks_to(IsoWeek::parse("2026-W47").unwrap(), 3);
        let mut told = story(1, 5, true, Reaction::BlownAway, CustomerKind::External);
        told.created_at = weeks[2].bounds(&tz).0 + 60;
        let mut late = story(2, 40, false, Reaction::Unknown, CustomerKind::Internal);
        late.created_at = weeks[2].bounds(&tz).0 + 120;
        score(&weeks, &tz, vec![told, late], 90, 80)
    }

    #[test]
    fn the_csv_has_a_row_a_week_and_leaves_unmeasured_shares_empty() {
        let csv = csv(&scores());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[1], "2026-W45,2026-11-02,0,0,0,0,,0,,0,,90,80,0");
        assert_eq!(lines[3], "2026-W47,2026-11-16,2,1,1,1,50,1,50,1,50,90,80,0");
    }

    #[test]
    fn the_page_marks_the_chosen_week_and_offers_no_later_week_than_the_current() {
        let layout = || Layout {
            base: "/library".into(),
            csrf: None,
        };
        let week = IsoWeek::parse("2026-W47").unwrap();
        let page = page(layout(), &scores(), week);
        assert_eq!(page.week, "2026-W47");
        assert!(page.rows[2].selected && !page.rows[0].selected);
        assert_eq!(page.rows[2].recovered.percent, "50 %");
        assert_eq!(page.rows[0].recovered.percent, "–");
        assert_eq!(page.later, None);
        assert_eq!(page.earlier, "week=2026-W46");
        let earlier = super::page(layout(), &scores(), week.next());
        assert_eq!(earlier.later.as_deref(), Some("week=2026-W48"));
        assert_eq!(page.measures.len(), 3);
        assert!(page.measures[0].chart.heading.contains("target 90 %"));
    }
}
