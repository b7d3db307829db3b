//! The digest as Block Kit: worth reading in thirty seconds, within Slack's limits at any volume
//! (at most 50 blocks, 3,000 characters a section, 150 a header), every piece of user text escaped.
use serde_json::{Value, json};

use super::content::Digest;
use crate::domain::UserId;
use crate::domain::calendar::IsoWeek;
use crate::domain::report_card::{average_text, change_text};
use crate::domain::scorecard::Scorecard;
use crate::domain::scorecard::Share;
use crate::domain::story::recovery_in_words;
use crate::messages::people;
use crate::slack::blocks::{self, escape_within};
use crate::slack::chart::{Chart, Kind, Label, Series};

/// The weeks of the scorecard's trend drawn beside the week's own.
pub const TREND_WEEKS: usize = 12;

/// Heroes listed by name; the rest are counted and left to the library.
pub const MAX_HEROES_LISTED: usize = 40;
/// Room for hero lines in one section, below Slack's 3,000.
const SECTION_ROOM: usize = 2800;

/// Renders a digest; `library` is the URL of the library's scorecard for that week, if there is one.
pub fn render(d: &Digest, library: Option<&str>, public_url: Option<&str>) -> Value {
    let mut out = vec![blocks::header(&format!(
        "🏆 Service heroes · week {}",
        d.week
    ))];
    let more = match library {
        Some(url) => {
            format!("The scorecard's trend and everything else are in <{url}|the story library>.")
        }
        None => "Everything else is in the story library (`/hero library`).".to_owned(),
    };
    if d.is_empty() {
        out.push(blocks::section(
            "A quiet week: no recognitions or recovery stories were shared. Know someone who served a \
             customer remarkably well? `/hero @name for what they did` takes a minute — and shows \
             everyone what great service looks like.",
        ));
        out.extend(report_cards(d, public_url));
        out.push(blocks::context(&[more]));
        return message(d, out);
    }
    out.push(blocks::section(&headline(d)));
    if let Some(story) = &d.story_of_the_week {
        let heroes: Vec<UserId> = story.heroes.iter().map(|(h, _)| h.clone()).collect();
        let mut text = format!(
            "*📖 Story of the week: {}*\n{} · {}\n>{}",
            escape_within(&story.title, 200),
            people(&heroes),
            recovery_in_words(story.recovery_secs()),
            escape_within(&story.what_went_wrong, 500).replace('\n', "\n>"),
        );
        text.push_str(&format!(
            "\n*The fix:* {}",
            escape_within(&story.how_fixed, 500)
        ));
        if let Some(surprise) = &story.surprise {
            text.push_str(&format!(
                "\n*The surprise:* {}",
                escape_within(surprise, 500)
            ));
        }
        out.push(blocks::divider());
        out.push(blocks::section(&text));
    }
    out.push(blocks::divider());
    out.extend(heroes(d));
    out.push(blocks::divider());
    out.push(scorecard(&d.scorecard));
    out.extend(trend(&d.trend));
    out.extend(report_cards(d, public_url));
    out.push(blocks::context(&[more]));
    message(d, out)
}

/// One line per report card whose round closed this week: its overall average, its change,
/// and a link to the card's page.
fn report_cards(d: &Digest, public_url: Option<&str>) -> Option<Value> {
    if d.report_cards.is_empty() {
        return None;
    }
    let lines: Vec<String> = d
        .report_cards
        .iter()
        .map(|card| {
            let overall = match (card.overall, card.change) {
                (Some(overall), Some(change)) => {
                    format!(
                        "*{}* overall ({})",
                        average_text(overall),
                        change_text(change)
                    )
                }
                (Some(overall), None) => format!("*{}* overall", average_text(overall)),
                (None, _) => "not enough answers to show an average".to_owned(),
            };
            let link = public_url
                .map(|url| format!(" · <{url}/library/reportcards/{}|the card>", card.card_id))
                .unwrap_or_default();
            format!(
                "• *{}* for {}: {overall}{link}",
                escape_within(&card.supplier, 100),
                card.month.name()
            )
        })
        .collect();
    Some(blocks::section(&format!(
        "*📋 Report cards reviewed this week*\n{}",
        lines.join("\n")
    )))
}

fn message(d: &Digest, blocks: Vec<Value>) -> Value {
    debug_assert!(blocks.len() <= 50);
    json!({
        "text": format!(
            "Service heroes, week {}: {} recognitions, {} heroes, {} recovery stories",
            d.week, d.counts.nominations, d.counts.heroes, d.counts.stories
        ),
        "blocks": blocks,
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

fn headline(d: &Digest) -> String {
    let part = |n: usize, before: usize, one: &str, many: &str| {
        let noun = if n == 1 { one } else { many };
        let change = match n.cmp(&before) {
            std::cmp::Ordering::Greater => format!("▲ {}", n - before),
            std::cmp::Ordering::Less => format!("▼ {}", before - n),
            std::cmp::Ordering::Equal => "=".to_owned(),
        };
        format!("*{n} {noun}* ({change})")
    };
    format!(
        "{}  ·  {}  ·  {}\n_Change against the week before in brackets._",
        part(
            d.counts.nominations,
            d.previous.nominations,
            "recognition",
            "recognitions"
        ),
        part(d.counts.heroes, d.previous.heroes, "hero", "heroes"),
        part(
            d.counts.stories,
            d.previous.stories,
            "recovery story",
            "recovery stories"
        ),
    )
}

/// The heroes, most recognised first, packed into as few sections as fit.
fn heroes(d: &Digest) -> Vec<Value> {
    let mut sections = Vec::new();
    let mut current = "*Heroes of the week*".to_owned();
    for h in d.heroes.iter().take(MAX_HEROES_LISTED) {
        let times = if h.recognitions > 1 {
            format!(" ×{}", h.recognitions)
        } else {
            String::new()
        };
        let line = format!(
            "\n• <@{}>{times} — {}",
            h.hero,
            blocks::escape_keeping_mentions(&h.reason.replace('\n', " "), 150, |u| u.as_str()
                == h.hero)
        );
        if current.chars().count() + line.chars().count() > SECTION_ROOM {
            sections.push(blocks::section(&current));
            current.clear();
        }
        current.push_str(&line);
    }
    if d.counts.heroes > MAX_HEROES_LISTED {
        current.push_str(&format!(
            "\n…and {} more heroes.",
            d.counts.heroes - MAX_HEROES_LISTED
        ));
    }
    sections.push(blocks::section(&current));
    sections
}

/// `W47`, for the chart's axis and the lines beside it.
fn week_label(week: IsoWeek) -> String {
    format!("W{:02}", week.week)
}

/// The 12-week trend as a line chart of the two shares with their targets, and beside it the
/// same in words (for clients and screen readers that do not draw charts). The chart's axis
/// holds only the weeks judged: a week with fewer stories than the minimum sample is no
/// percentage to judge by, and leaving it off the axis (rather than leaving a gap in a series)
/// keeps every series one value per category, which Slack's chart block requires. The words
/// beside it name every week, judged or not.
fn trend(weeks: &[(IsoWeek, Scorecard)]) -> Vec<Value> {
    let percent = |card: &Scorecard, part: usize| match card.share(part) {
        Share::Judged { percent, .. } => Some(f64::from(percent)),
        _ => None,
    };
    let judged: Vec<(IsoWeek, f64, f64)> = weeks
        .iter()
        .filter_map(|(w, c)| Some((*w, percent(c, c.within_24h)?, percent(c, c.surprised)?)))
        .collect();
    let Some((_, last)) = weeks.last() else {
        return Vec::new();
    };
    if judged.is_empty() {
        return Vec::new();
    }
    let target = |t: u8| vec![f64::from(t); judged.len()];
    let labels: Vec<String> = judged.iter().map(|(w, _, _)| week_label(*w)).collect();
    let chart = Chart {
        kind: Kind::Line,
        title: format!("Recovery scorecard, last {} weeks", weeks.len()),
        categories: Label::distinct(&labels),
        series: vec![
            Series {
                name: Label::cut("Within 24 h (%)"),
                values: judged.iter().map(|(_, within, _)| *within).collect(),
            },
            Series {
                name: Label::cut("Surprise given (%)"),
                values: judged.iter().map(|(_, _, surprised)| *surprised).collect(),
            },
            Series {
                name: Label::cut("24 h target"),
                values: target(last.target_recovery_24h),
            },
            Series {
                name: Label::cut("Surprise target"),
                values: target(last.target_surprise),
            },
        ],
        x_title: Some("ISO week (weeks judged)".to_owned()),
        y_title: Some("Share of recovery stories (%)".to_owned()),
    };
    let block = match chart.block(Some("scorecard_trend")) {
        Ok(block) => block,
        Err(e) => {
            tracing::warn!(error = %e, "the scorecard's chart was left out");
            return Vec::new();
        }
    };
    let words: Vec<String> = weeks
        .iter()
        .map(|(w, c)| {
            let figure = match (c.share(c.within_24h), c.share(c.surprised)) {
                (Share::Nothing, _) => "no stories".to_owned(),
                (Share::TooFew { whole, .. }, _) => format!("too few to judge ({whole})"),
                (a, b) => format!("{} · {} of {}", a.figure(), b.figure(), c.stories),
            };
            format!("{} {figure}", week_label(*w))
        })
        .collect();
    vec![
        block,
        blocks::context(&[format!(
            "*Last {} weeks* (within 24 h · surprise given, of the week's stories): {}",
            weeks.len(),
            words.join(" · ")
        )]),
    ]
}

fn scorecard(card: &Scorecard) -> Value {
    if card.stories == 0 {
        return blocks::section(
            "*Recovery scorecard*\nNo recovery stories this week. Fixed a mistake and surprised the customer? Tell it with `/hero story`.",
        );
    }
    let measure = |label: &str, part: usize, target: Option<u8>| json!({"type": "mrkdwn", "text": format!("*{label}*\n{}", card.share(part).against(target))});
    json!({
        "type": "section",
        "text": {"type": "mrkdwn", "text": "*Recovery scorecard*"},
        "fields": [
            measure("Recovered within 24 h", card.within_24h, Some(card.target_recovery_24h)),
            measure("Surprise given", card.surprised, Some(card.target_surprise)),
            {"type": "mrkdwn", "text": format!("*Customer blown away*\n{}", card.blown_away_line())},
            {"type": "mrkdwn", "text": format!("*Customers*\n{} external · {} internal", card.external, card.internal)},
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::oracle::story;
    use crate::digest::oracle::{NominationFact, WeekData, compute};
    use crate::domain::calendar::IsoWeek;
    use crate::domain::{CustomerKind, Reaction};

    const WEEK: IsoWeek = IsoWeek {
        year: 2026,
        week: 47,
    };

    fn within_limits(message: &Value) {
        let blocks = message["blocks"].as_array().unwrap();
        assert!(blocks.len() <= 50, "{} blocks", blocks.len());
        for block in blocks {
            let text = block["text"]["text"].as_str().unwrap_or_default();
            let limit = if block["type"] == "header" { 150 } else { 3000 };
            assert!(
                text.chars().count() <= limit,
                "{} characters in a {}",
                text.chars().count(),
                block["type"]
            );
            for field in block["fields"].as_array().into_iter().flatten() {
                assert!(field["text"].as_str().unwrap().chars().count() <= 2000);
            }
        }
        assert!(message["text"].as_str().unwrap().chars().count() <= 300);
        assert!(message.to_string().len() < 40_000);
        crate::slack::chart::check(blocks).unwrap();
    }

    fn week_with(nominations: usize, stories: usize) -> Value {
        let data = WeekData {
            nominations: (0..nominations)
                .map(|i| NominationFact {
                    heroes: vec![
                        format!("U0HERO{}", i % 4000),
                        format!("U0HERO{}", (i * 7) % 4000),
                    ],
                    reason: format!("<b>for</b> fixing & {i} {}", "long ".repeat(i % 200)),
                    created_at: i as i64,
                })
                .collect(),
            stories: (0..stories)
                .map(|i| {
                    story(
                        i as i64,
                        (i % 50) as i64,
                        i % 2 == 0,
                        Reaction::BlownAway,
                        CustomerKind::External,
                    )
                })
                .collect(),
            previous: Default::default(),
        };
        render(
            &compute(WEEK, data, 90, 80),
            Some("https://herobot.example.com/library/scorecard?week=2026-W47"),
            Some("https://herobot.example.com"),
        )
    }

    #[test]
    fn an_empty_week_gets_a_short_encouraging_post() {
        let message = week_with(0, 0);
        within_limits(&message);
        assert_eq!(message["blocks"].as_array().unwrap().len(), 3);
        assert!(message.to_string().contains("A quiet week"));
    }

    #[test]
    fn one_nomination_renders_within_limits() {
        let message = week_with(1, 0);
        within_limits(&message);
        let text = message.to_string();
        assert!(text.contains("*1 recognition* (▲ 1)"), "{text}");
        assert!(text.contains("No recovery stories this week"));
        assert!(
            text.contains("&lt;b&gt;for&lt;/b&gt; fixing &amp; 0"),
            "reasons are escaped"
        );
    }

    #[test]
    fn five_thousand_nominations_still_render_a_valid_message() {
        let message = week_with(5000, 1000);
        within_limits(&message);
        let text = message.to_string();
        assert!(text.contains("more heroes"));
        assert!(text.contains("Story of the week"));
        assert!(text.contains("the story library"));
    }

    #[test]
    fn the_digest_carries_the_twelve_week_scorecard_as_a_line_chart_with_words_beside_it() {
        let mut digest = compute(
            WEEK,
            WeekData {
                stories: (0..6)
                    .map(|i| {
                        story(
                            i,
                            5,
                            i % 2 == 0,
                            Reaction::BlownAway,
                            CustomerKind::External,
                        )
                    })
                    .collect(),
                ..Default::default()
            },
            90,
            80,
        );
        let card = |stories, within_24h, surprised| Scorecard {
            stories,
            within_24h,
            surprised,
            target_recovery_24h: 90,
            target_surprise: 80,
            min_sample: 5,
            ..Scorecard::default()
        };
        digest.trend = crate::domain::scorecard::weeks_to(WEEK, TREND_WEEKS)
            .into_iter()
            .enumerate()
            .map(|(i, w)| match i {
                0 => (w, card(0, 0, 0)),
                1 => (w, card(2, 2, 1)),
                _ => (w, card(6, 5, 3)),
            })
            .collect();
        let message = render(&digest, None, None);
        within_limits(&message);
        let blocks = message["blocks"].as_array().unwrap();
        let at = blocks
            .iter()
            .position(|b| b["type"] == "data_visualization")
            .expect("a chart");
        let chart = &blocks[at];
        assert_eq!(chart["title"], "Recovery scorecard, last 12 weeks");
        assert_eq!(chart["chart"]["type"], "line");
        let categories = chart["chart"]["axis_config"]["categories"]
            .as_array()
            .unwrap();
        // Only the weeks judged are on the axis: W36 had no stories, W37 too few.
        assert_eq!(categories.len(), 10);
        assert_eq!(categories[0], "W38");
        assert_eq!(categories[9], "W47");
        let series = chart["chart"]["series"].as_array().unwrap();
        let names: Vec<&str> = series.iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "Within 24 h (%)",
                "Surprise given (%)",
                "24 h target",
                "Surprise target"
            ]
        );
        // Every series has one value per category.
        for s in series {
            assert_eq!(s["data"].as_array().unwrap().len(), 10, "{s}");
        }
        assert_eq!(series[0]["data"][0], json!({"label": "W38", "value": 83.0}));
        assert_eq!(series[2]["data"][0]["value"], 90.0);
        // The same in words beside it.
        let words = blocks[at + 1].to_string();
        assert!(words.contains("W36 no stories"), "{words}");
        assert!(words.contains("W37 too few to judge (2)"), "{words}");
        assert!(words.contains("W47 83 % · 50 % of 6"), "{words}");
        // Nothing judged in 12 weeks: no chart, the scorecard's words only.
        digest
            .trend
            .iter_mut()
            .for_each(|(_, c)| c.stories = c.stories.min(2));
        let message = render(&digest, None, None);
        assert!(!message.to_string().contains("data_visualization"));
    }

    #[test]
    fn the_scorecard_shows_each_measure_against_its_target() {
        let stories = [
            story(1, 5, true, Reaction::BlownAway, CustomerKind::External),
            story(2, 30, false, Reaction::Satisfied, CustomerKind::Internal),
        ];
        let text = scorecard(&crate::digest::oracle::scorecard_of(&stories, 90, 50)).to_string();
        assert!(
            text.contains("Recovered within 24 h*\\n50 % (1 of 2) · target 90 % ⚠️"),
            "{text}"
        );
        assert!(
            text.contains("Surprise given*\\n50 % (1 of 2) · target 50 % ✅"),
            "{text}"
        );
        assert!(
            text.contains("Customer blown away*\\n50 % (1 of 2) · 0 confirmed by the customer"),
            "{text}"
        );
        assert!(text.contains("1 external · 1 internal"));
    }
}
