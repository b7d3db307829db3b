//! What the wallboard shows, composed from the weekly scorecards, the latest nominations, the
//! newest customer quote and names: pure, so it is tested without a server.
use std::collections::HashMap;

use askama::Template;
use jiff::tz::TimeZone;

use crate::charts::gauge::{against, gauge};
use crate::charts::trend::{self, Line, Look, Weeks};
use crate::charts::{self, Svg};
use crate::domain::scorecard::{self, Share, WeekScore};
use crate::domain::story::recovery_in_words;
use crate::domain::text::{mentioned, with_names};
use crate::library::pages::excerpt;
use crate::store::wall::{Quote, Recognition};

/// Weeks in the trend chart.
pub const TREND_WEEKS: usize = 12;
/// Weeks the gauges measure together, the current one included: a Monday morning still shows
/// something.
pub const GAUGE_WEEKS: usize = 4;
/// Latest recognitions shown.
pub const RECOGNITIONS: i64 = 3;
/// Heroes named on one recognition; more are counted ("and 3 more").
const NAMED: usize = 3;

pub struct Gauge {
    pub label: &'static str,
    /// The measure's class: its colour, the same as its line in the trend.
    pub class: &'static str,
    /// How many stories the share is of (`2 of 3`), or that there were none or too few to judge.
    pub counts: String,
    /// Whether it met its target, in words (`below target 90 %`), or only the target.
    pub verdict: String,
    /// Below the minimum sample (or no stories): said in a neutral colour.
    pub judged: bool,
    pub svg: Svg,
}

/// The newest customer quote: the customer's own words, the story and its heroes; never who
/// the customer is.
pub struct QuoteCard {
    pub comment: String,
    pub title: String,
    pub heroes: String,
    pub when: String,
}

/// A recognition as the wall shows it.
pub struct Hero {
    pub heroes: String,
    pub reason: String,
    pub by: String,
    pub when: String,
}

/// The story of the week, short enough to read from a few metres.
pub struct StoryCard {
    pub title: String,
    pub heroes: String,
    pub recovery: String,
    pub went_wrong: String,
    pub how_fixed: String,
    pub surprise: Option<String>,
    pub week: &'static str,
}

#[derive(Template)]
#[template(path = "wall/board.html")]
pub struct Board {
    pub updated: String,
    pub period: String,
    pub gauges: Vec<Gauge>,
    /// How many of the blown-away stories the customer confirmed, under its gauge.
    pub confirmed: Option<String>,
    pub trend: Svg,
    /// Fewest stories for a week's share to be judged: the trend's hollow points.
    pub min_sample: usize,
    pub heroes: Vec<Hero>,
    pub story: Option<StoryCard>,
    pub quote: Option<QuoteCard>,
    /// No story shown although stories were told in the last two weeks: none of them may be told
    /// outside yet.
    pub stories_kept_inside: bool,
}

fn name(names: &HashMap<String, String>, id: &str) -> String {
    names.get(id).cloned().unwrap_or_else(|| id.to_owned())
}

/// Heroes by name, the first few and how many more: a long list does not push the reason off
/// the screen.
fn named(names: &HashMap<String, String>, ids: &[String]) -> String {
    let mut shown: Vec<String> = ids.iter().take(NAMED).map(|h| name(names, h)).collect();
    if ids.len() > NAMED {
        shown.truncate(NAMED - 1);
        return format!("{} and {} more", shown.join(", "), ids.len() - shown.len());
    }
    shown.join(", ")
}

/// A stored text for people: its mentions (`<@U…>`, kept as Slack wrote them) as `@name`, never
/// a raw ID; everything else is what the person typed, as it is (the page escapes it).
pub fn plain(text: &str, names: &HashMap<String, String>) -> String {
    with_names(text, names)
}

/// How long ago, as a person says it.
pub fn ago(secs: i64) -> String {
    match secs.max(0) {
        s if s < 3_600 => "just now".to_owned(),
        s if s < 86_400 => format!("{} h ago", s / 3_600),
        s if s < 2 * 86_400 => "yesterday".to_owned(),
        s => format!("{} days ago", s / 86_400),
    }
}

/// Everyone the board names: heroes and nominators, the story's heroes, mentions in reasons,
/// the quoted story's heroes and mentions.
pub fn people_to_name(
    scores: &[WeekScore],
    recognitions: &[Recognition],
    quote: Option<&Quote>,
) -> Vec<String> {
    let mut ids: Vec<String> = recognitions
        .iter()
        .flat_map(|r| {
            r.hero_ids()
                .into_iter()
                .chain([r.nominator_id.clone()])
                .chain(mentioned(&r.reason).into_iter().map(|u| u.to_string()))
        })
        .chain(scores.iter().rev().take(2).flat_map(|w| {
            w.story.iter().flat_map(|s| {
                let texts = [&s.title, &s.what_went_wrong, &s.how_fixed];
                s.heroes
                    .iter()
                    .map(|(h, _)| h.clone())
                    .chain(texts.into_iter().flat_map(|t| mentioned(t)))
                    .chain(s.surprise.iter().flat_map(|t| mentioned(t)))
                    .map(|h| h.as_str().to_owned())
                    .collect::<Vec<_>>()
            })
        }))
        .chain(quote.into_iter().flat_map(|q| {
            q.hero_ids().into_iter().chain(
                [&q.title, &q.comment]
                    .into_iter()
                    .flat_map(|t| mentioned(t))
                    .map(|u| u.to_string()),
            )
        }))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The board from the last `TREND_WEEKS` weekly scorecards (ending with the current week), the
/// latest recognitions, the newest customer quote and everyone's names, at `now`.
pub fn board(
    scores: &[WeekScore],
    recognitions: &[Recognition],
    quote: Option<&Quote>,
    names: &HashMap<String, String>,
    now: i64,
    tz: &TimeZone,
) -> Board {
    let current = scores.last().expect("the board has weeks");
    let (t24, tsurprise) = (
        current.card.target_recovery_24h,
        current.card.target_surprise,
    );
    let recent = &scores[scores.len().saturating_sub(GAUGE_WEEKS)..];
    let card = scorecard::together(recent, t24, tsurprise);
    let gauge = |class: &'static str, label: &'static str, part: usize, target: u8, colour| {
        let share = card.share(part);
        Gauge {
            label,
            class,
            // The ring shows the counts when there are too few to judge, and says so here.
            counts: match share {
                Share::Nothing => "no stories yet".to_owned(),
                Share::TooFew { .. } => "too few to judge".to_owned(),
                Share::Judged { .. } => share.counts(),
            },
            // Below the minimum sample the ring says "too few to judge"; the words here only
            // give the target.
            verdict: against(share, target),
            judged: share.percent().is_some(),
            svg: gauge(&format!("gauge-{class}"), label, share, target, colour),
        }
    };
    let gauges = vec![
        gauge(
            "recovered",
            "Recovered within 24 h",
            card.within_24h,
            t24,
            charts::RECOVERED,
        ),
        gauge(
            "surprised",
            "Surprise given",
            card.surprised,
            tsurprise,
            charts::SURPRISED,
        ),
        gauge(
            "blown-away",
            "Customer blown away",
            card.blown_away,
            tsurprise,
            charts::BLOWN_AWAY,
        ),
    ];
    let labels: Vec<String> = scores
        .iter()
        .map(|s| format!("W{:02}", s.week.week))
        .collect();
    let recovered: Vec<Option<u32>> = scores.iter().map(WeekScore::recovered).collect();
    let surprised: Vec<Option<u32>> = scores.iter().map(WeekScore::surprised).collect();
    let blown_away: Vec<Option<u32>> = scores.iter().map(WeekScore::blown_away).collect();
    let counts: Vec<usize> = scores.iter().map(|s| s.card.stories).collect();
    let min_sample = current.card.min_sample;
    let trend = trend::percentages(
        "trend",
        &format!("The recovery measures over {} weeks", scores.len()),
        &format!(
            "Weekly shares from {} to {}, one strip each: recovered within 24 h (target {t24} %), surprise given and customer blown away (target {tsurprise} % each), with each week's number of stories under it; a week of fewer than {} stories is a hollow point. This week: {}, {} and {} of {} stories.",
            scores[0].week,
            current.week,
            min_sample.max(1),
            charts::percent(current.recovered()),
            charts::percent(current.surprised()),
            charts::percent(current.blown_away()),
            current.card.stories,
        ),
        &Weeks {
            labels: &labels,
            counts: &counts,
            min_sample,
        },
        &[
            // Short names: the gauges above say them whole, in the same colours.
            Line {
                label: "Within 24 h",
                colour: charts::RECOVERED,
                values: &recovered,
                target: Some(t24),
            },
            Line {
                label: "Surprise",
                colour: charts::SURPRISED,
                values: &surprised,
                target: Some(tsurprise),
            },
            Line {
                label: "Blown away",
                colour: charts::BLOWN_AWAY,
                values: &blown_away,
                target: Some(tsurprise),
            },
        ],
        Look::WALL,
    );
    let heroes = recognitions
        .iter()
        .map(|r| Hero {
            heroes: named(names, &r.hero_ids()),
            reason: excerpt(&plain(&r.reason, names), 120),
            by: name(names, &r.nominator_id),
            when: ago(now - r.created_at),
        })
        .collect();
    // This week's story, else last week's: only one every credited hero agreed to tell outside
    // (the store chose it among those), since anyone passing the screen reads it.
    let story = scores
        .iter()
        .rev()
        .take(2)
        .zip(["This week", "Last week"])
        .find_map(|(w, when)| {
            w.story
                .as_ref()
                .filter(|s| s.shareable())
                .map(|s| StoryCard {
                    title: plain(&s.title, names),
                    heroes: named(
                        names,
                        &s.heroes
                            .iter()
                            .map(|(h, _)| h.to_string())
                            .collect::<Vec<_>>(),
                    ),
                    // Its mark kept with its words when the line breaks.
                    recovery: recovery_in_words(s.recovery_secs()).replace(" ✓", "\u{a0}✓"),
                    went_wrong: excerpt(&plain(&s.what_went_wrong, names), 180),
                    how_fixed: excerpt(&plain(&s.how_fixed, names), 180),
                    surprise: s
                        .surprise
                        .as_deref()
                        .map(|t| excerpt(&plain(t, names), 140)),
                    week: when,
                })
        });
    Board {
        updated: crate::clock::local(now, tz, "%a %-d %b, %H:%M"),
        period: format!(
            "{} stories in the last {} weeks",
            card.stories,
            recent.len()
        ),
        gauges,
        confirmed: (card.stories > 0)
            .then(|| format!("{} confirmed by the customer", card.customer_answers)),
        trend,
        min_sample,
        heroes,
        quote: quote.map(|q| QuoteCard {
            comment: excerpt(&plain(&q.comment, names), 140),
            title: plain(&q.title, names),
            heroes: named(names, &q.hero_ids()),
            when: ago(now - q.answered_at),
        }),
        stories_kept_inside: story.is_none()
            && scores.iter().rev().take(2).any(|w| w.card.stories > 0),
        story,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::oracle::score;
    use crate::digest::oracle::story;
    use crate::domain::calendar::IsoWeek;
    use crate::domain::scorecard::weeks_to;
    use crate::domain::{Consent, CustomerKind, Reaction};

    fn scores(tz: &TimeZone) -> Vec<WeekScore> {
        scores_with(tz, Consent::Granted)
    }

    /// The weeks' scorecards, every hero of every story having answered `consent`.
    fn scores_with(tz: &TimeZone, consent: Consent) -> Vec<WeekScore> {
        let weeks = weeks_to(IsoWeek::parse("2026-W47").unwrap(), TREND_WEEKS);
        let at = |mut s: crate::domain::Story, week: usize| {
            s.created_at = weeks[week].bounds(tz).0 + 3_600;
            for (_, c) in &mut s.heroes {
                *c = consent;
            }
            s
        };
        let stories = vec![
            // Long ago: not in the gauges.
            at(
                story(1, 1, true, Reaction::BlownAway, CustomerKind::External),
                0,
            ),
            at(
                story(2, 2, true, Reaction::BlownAway, CustomerKind::External),
                10,
            ),
            at(
                story(3, 30, false, Reaction::Unknown, CustomerKind::Internal),
                10,
            ),
        ];
        score(&weeks, tz, stories, 90, 80)
    }

    #[test]
    fn the_gauges_measure_the_last_four_weeks_against_the_targets() {
        let tz = TimeZone::UTC;
        let names = HashMap::from([("U0ALICE".to_owned(), "Alice".to_owned())]);
        let board = board(&scores(&tz), &[], None, &names, 0, &tz);
        assert_eq!(board.period, "2 stories in the last 4 weeks");
        assert!(board.gauges[0].svg.as_str().contains(">\n50 %\n</text>"));
        assert_eq!(board.gauges[0].verdict, "below target 90\u{a0}%");
        assert_eq!(board.gauges[0].counts, "1 of 2");
        assert_eq!(board.gauges[2].verdict, "below target 80\u{a0}%");
        assert_eq!(
            board.confirmed.as_deref(),
            Some("0 confirmed by the customer")
        );
        let story = board.story.expect("last week's story");
        assert_eq!((story.title.as_str(), story.week), ("Story 2", "Last week"));
        assert_eq!(story.heroes, "Alice");
    }

    #[test]
    fn a_story_not_every_hero_agreed_to_tell_outside_is_not_shown() {
        let tz = TimeZone::UTC;
        let names = HashMap::from([("U0ALICE".to_owned(), "Alice".to_owned())]);
        for consent in [Consent::Declined, Consent::Pending] {
            let board = board(&scores_with(&tz, consent), &[], None, &names, 0, &tz);
            assert!(board.story.is_none(), "{consent:?}");
            assert!(board.stories_kept_inside, "{consent:?}");
            let html = board.render().unwrap();
            assert!(!html.contains("Story 2"), "{consent:?}");
            assert!(!html.contains("Invoices went out twice"), "{consent:?}");
            assert!(html.contains("stay inside Slack until every hero credited agrees"));
        }
        let told = board(&scores(&tz), &[], None, &names, 0, &tz);
        assert!(!told.stories_kept_inside);
    }

    #[test]
    fn recognitions_show_names_reasons_and_how_long_ago() {
        let tz = TimeZone::UTC;
        let names = HashMap::from([
            ("U0ALICE".to_owned(), "Alice".to_owned()),
            ("U0BOB".to_owned(), "Bob".to_owned()),
        ]);
        let recognition = Recognition {
            nominator_id: "U0BOB".into(),
            reason: "for helping <@U0CAROL> & the partner <fast>, <@U0BOB|bob> <@nobody".into(),
            created_at: 1_000,
            heroes: r#"["U0ALICE","U0CAROL"]"#.into(),
        };
        let board = board(
            &scores(&tz),
            std::slice::from_ref(&recognition),
            None,
            &names,
            1_000 + 7_200,
            &tz,
        );
        let hero = &board.heroes[0];
        assert_eq!(hero.heroes, "Alice, U0CAROL");
        assert_eq!(
            hero.reason,
            "for helping @someone & the partner <fast>, @Bob <@nobody"
        );
        assert_eq!((hero.by.as_str(), hero.when.as_str()), ("Bob", "2 h ago"));
        let people = people_to_name(&scores(&tz), &[recognition], None);
        assert_eq!(people, ["U0ALICE", "U0BOB", "U0CAROL"]);
    }
}
