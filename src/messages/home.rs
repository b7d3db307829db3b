//! A person's App Home as Block Kit: pure, from what is stored about them (and, for leaders,
//! the scorecard), within Slack's 100 blocks.
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::domain::calendar::IsoWeek;
use crate::domain::scorecard::Scorecard;
use crate::domain::scorecard::{WeekScore, sparkline};
use crate::domain::{Consent, Element, RoundId, Story, StoryId};
use crate::slack::blocks::{self, escape_with_mentions, escape_within};
use crate::store::home::{HomeData, Received};

use super::button;

/// Home views hold at most this many blocks.
pub const MAX_BLOCKS: usize = 100;

/// What a leader's Home adds: the last complete week's scorecard and the weeks' trend.
pub struct LeaderView<'a> {
    /// Oldest first, ending with the current week.
    pub weeks: &'a [WeekScore],
}

/// A date as Slack shows it in the reader's own zone, with a fallback in ours.
fn date(unix: i64, tz: &TimeZone) -> String {
    format!(
        "<!date^{unix}^{{date_short}}|{}>",
        crate::clock::local(unix, tz, "%-d %b %Y")
    )
}

/// A received recognition's reason: escaped, with every mention kept live so Slack shows the
/// name (a Home tab notifies nobody), never a raw ID.
fn reason(r: &Received) -> String {
    blocks::escape_keeping_mentions(&r.reason, 600, |_| true)
}

fn consent_word(consent: Consent) -> &'static str {
    match consent {
        Consent::Pending => "waiting",
        Consent::Granted => "agreed",
        Consent::Declined => "kept inside",
    }
}

fn measure(label: &str, part: usize, card: &Scorecard, target: Option<u8>) -> String {
    format!("*{label}*\n{}", card.share(part).against(target))
}

/// The Home of `person` from `data`; `leader` adds the scorecard.
pub fn view(data: &HomeData, leader: Option<LeaderView>, tz: &TimeZone) -> Value {
    let mut out = vec![
        blocks::header("Service heroes"),
        blocks::section(
            "Recognise someone who served a customer (external, or an internal team) remarkably well, or tell how a mistake was turned around.",
        ),
        json!({"type": "actions", "block_id": "home_start", "elements": [
            button("Recognise a hero", Element::Nominate, Some("primary")),
            button("Tell a recovery story", Element::TellStory, None),
        ]}),
        blocks::divider(),
        blocks::header("Your recognitions"),
        blocks::section(&format!(
            "*{}* received · *{}* given in the last 90 days{}",
            data.received,
            data.given,
            super::search::thanks_from_colleagues(data.thanks)
        )),
    ];
    for r in &data.latest_received {
        out.push(blocks::section(&blocks::block_quote(&reason(r))));
        out.push(blocks::context(&[format!(
            "from <@{}> · {}",
            r.nominator_id,
            date(r.created_at, tz)
        )]));
    }
    out.push(blocks::divider());
    out.push(blocks::header("Waiting for your OK"));
    if data.waiting.is_empty() {
        out.push(blocks::section(
            "Nothing waits for you: no story that credits you needs your consent.",
        ));
    }
    for story in &data.waiting {
        out.push(blocks::section(&format!(
            "*{}*\n<@{}> told it on {}. May we tell it outside Slack, in talks and at events?",
            escape_with_mentions(&story.title, 200),
            story.author_id,
            date(story.created_at, tz)
        )));
        out.push(json!({"type": "actions", "block_id": format!("home_consent_{}", story.id), "elements": [
            button("Yes, tell it", Element::GrantConsent(StoryId(story.id)), Some("primary")),
            button("Keep it inside", Element::DeclineConsent(StoryId(story.id)), None),
        ]}));
    }
    if !data.to_rate.is_empty() {
        out.push(blocks::divider());
        out.push(blocks::header("Report cards to rate"));
    }
    for round in &data.to_rate {
        let month = crate::domain::report_card::Month::parse(&round.month)
            .map_or(String::new(), |m| m.name().to_owned());
        let closes = crate::clock::local(round.closes_at, tz, "%a %-d %b, %H:%M %Z");
        let state = if round.answered {
            "You answered; you can change your ratings"
        } else {
            "Waiting for your ratings"
        };
        out.push(blocks::section(&format!(
            "*{}* for {month}\n{state} until {closes}.",
            escape_within(&round.supplier, 100)
        )));
        let label = if round.answered {
            "Change your ratings".to_owned()
        } else {
            format!(
                "Rate {} for {month}",
                crate::slack::blocks::truncate_plain(&round.supplier, 40)
            )
        };
        out.push(json!({"type": "actions", "block_id": format!("home_rate_{}", round.round_id), "elements": [
            button(&label, Element::Rate(RoundId(round.round_id)), Some("primary")),
        ]}));
    }
    out.push(blocks::divider());
    out.push(blocks::header("Stories you told"));
    if data.told.is_empty() {
        out.push(blocks::section(
            "None yet. Fixed a mistake and surprised the customer? Tell it with the button above.",
        ));
    }
    for story in &data.told {
        out.push(blocks::section(&told(story, tz)));
    }
    if let Some(leader) = leader {
        out.extend(scorecard(&leader));
    }
    out.truncate(MAX_BLOCKS);
    json!({"view": {"type": "home", "blocks": out}})
}

fn told(story: &Story, tz: &TimeZone) -> String {
    let consents: Vec<String> = story
        .heroes
        .iter()
        .map(|(hero, consent)| format!("<@{hero}> {}", consent_word(*consent)))
        .collect();
    format!(
        "*{}*\n{} · {}",
        escape_with_mentions(&story.title, 200),
        date(story.created_at, tz),
        consents.join(", ")
    )
}

fn scorecard(leader: &LeaderView) -> Vec<Value> {
    let Some(current) = leader.weeks.last() else {
        return Vec::new();
    };
    // The last complete week: the current one is empty on a Monday morning.
    let shown = leader.weeks.iter().rev().nth(1).unwrap_or(current);
    let card = &shown.card;
    let line = |label: &str, values: Vec<Option<u32>>| format!("`{}` {label}", sparkline(&values));
    let weeks = leader.weeks;
    let first: IsoWeek = weeks[0].week;
    vec![
        blocks::divider(),
        blocks::header(&format!("Last week's scorecard · {}", shown.week)),
        json!({"type": "section", "fields": [
            {"type": "mrkdwn", "text": format!("*Recovery stories*\n{}", card.stories)},
            {"type": "mrkdwn", "text": measure("Recovered within 24 h", card.within_24h, card, Some(card.target_recovery_24h))},
            {"type": "mrkdwn", "text": measure("Surprise given", card.surprised, card, Some(card.target_surprise))},
            {"type": "mrkdwn", "text": if card.stories == 0 {
                measure("Customer blown away", card.blown_away, card, None)
            } else {
                format!("*Customer blown away*\n{}", card.blown_away_line())
            }},
        ]}),
        blocks::section(&format!(
            "*The last {} weeks* ({first} to {})\n{}\n{}\n{}",
            weeks.len(),
            current.week,
            line(
                "recovered within 24 h",
                weeks.iter().map(WeekScore::recovered).collect()
            ),
            line(
                "surprise given",
                weeks.iter().map(WeekScore::surprised).collect()
            ),
            line(
                "customer blown away",
                weeks.iter().map(WeekScore::blown_away).collect()
            ),
        )),
        json!({"type": "actions", "block_id": "home_leader", "elements": [
            button("Sign in to the story library", Element::LibraryLink, None),
        ]}),
        blocks::context(&[
            "The library has the scorecard's trend, every story and the exports; the link comes to you privately.".to_owned(),
        ]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::oracle::score;
    use crate::digest::oracle::story;
    use crate::domain::scorecard::weeks_to;
    use crate::domain::{CustomerKind, Reaction};

    fn data() -> HomeData {
        let mut waiting = story(7, 3, true, Reaction::BlownAway, CustomerKind::External);
        waiting.title = "The <invoice> & the fix".into();
        HomeData {
            received: 3,
            given: 1,
            thanks: 0,
            latest_received: vec![Received {
                nominator_id: "U0BOB".into(),
                reason: "for helping <@U0ALICE> with <!channel> stuff".into(),
                created_at: 1_700_000_000,
                heroes: r#"["U0ALICE"]"#.into(),
            }],
            waiting: vec![waiting],
            told: vec![story(
                8,
                30,
                false,
                Reaction::Unknown,
                CustomerKind::Internal,
            )],
            to_rate: vec![],
        }
    }

    fn blocks_of(view: &Value) -> &Vec<Value> {
        view["view"]["blocks"].as_array().unwrap()
    }

    #[test]
    fn home_has_each_section_with_escaped_text_and_live_mentions() {
        let view = view(&data(), None, &TimeZone::UTC);
        assert_eq!(view["view"]["type"], "home");
        let text = view.to_string();
        for part in [
            "Recognise a hero",
            "Tell a recovery story",
            "*3* received · *1* given in the last 90 days",
            "Waiting for your OK",
            "Stories you told",
            "<@U0ALICE> with &lt;!channel&gt; stuff",
            "from <@U0BOB>",
            "The &lt;invoice&gt; &amp; the fix",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        assert!(!text.contains("scorecard"));
        let consent = blocks_of(&view)
            .iter()
            .find(|b| b["block_id"] == "home_consent_7")
            .expect("consent buttons");
        assert_eq!(consent["elements"][0]["action_id"], "consent_grant");
        assert_eq!(consent["elements"][0]["value"], "7");
        assert_eq!(consent["elements"][1]["action_id"], "consent_decline");
    }

    #[test]
    fn report_cards_waiting_for_a_rater_have_their_rate_button() {
        let mut data = data();
        data.to_rate = vec![
            crate::store::home::ToRate {
                round_id: 4,
                supplier: "R&D <ops>".into(),
                month: "2026-11".into(),
                closes_at: 1_796_720_400,
                answered: false,
            },
            crate::store::home::ToRate {
                round_id: 5,
                supplier: "Marketing".into(),
                month: "2026-11".into(),
                closes_at: 1_796_720_400,
                answered: true,
            },
        ];
        let home = view(&data, None, &TimeZone::UTC);
        let text = home.to_string();
        assert!(text.contains("Report cards to rate"), "{text}");
        assert!(
            text.contains("*R&amp;D &lt;ops&gt;* for November"),
            "{text}"
        );
        assert!(
            text.contains("Waiting for your ratings until Tue 8 Dec, 09:00 UTC"),
            "{text}"
        );
        let rate = blocks_of(&home)
            .iter()
            .find(|b| b["block_id"] == "home_rate_4")
            .expect("the Rate button");
        assert_eq!(rate["elements"][0]["action_id"], "reportcard_rate");
        assert_eq!(rate["elements"][0]["value"], "4");
        assert_eq!(
            rate["elements"][0]["text"]["text"],
            "Rate R&D <ops> for November"
        );
        let change = blocks_of(&home)
            .iter()
            .find(|b| b["block_id"] == "home_rate_5")
            .expect("the change button");
        assert_eq!(change["elements"][0]["text"]["text"], "Change your ratings");
        assert!(
            !view(&super::tests::data(), None, &TimeZone::UTC)
                .to_string()
                .contains("Report cards")
        );
    }

    #[test]
    fn a_leader_sees_the_scorecard_and_its_sparklines() {
        let tz = TimeZone::UTC;
        let weeks = weeks_to(IsoWeek::parse("2026-W47").unwrap(), 12);
        let mut s = story(1, 3, true, Reaction::BlownAway, CustomerKind::External);
        s.created_at = weeks[10].bounds(&tz).0;
        let mut scores = score(&weeks, &tz, vec![s], 90, 80);
        let view = view(&data(), Some(LeaderView { weeks: &scores }), &tz);
        let text = view.to_string();
        assert!(text.contains("Last week's scorecard · 2026-W46"), "{text}");
        assert!(text.contains("100 % (1 of 1) · target 90 % ✅"));
        assert!(text.contains("`··········█·` recovered within 24 h"));
        assert!(text.contains("home_library_link"));
        for week in &mut scores {
            week.card.min_sample = 5;
        }
        let text = super::view(&data(), Some(LeaderView { weeks: &scores }), &tz).to_string();
        assert!(
            text.contains(
                "*Recovered within 24 h*\\ntoo few stories to judge (1): 1 of 1 · target 90 %"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_crowded_home_stays_within_100_blocks() {
        let mut crowded = data();
        crowded.latest_received = vec![crowded.latest_received[0].clone(); 40];
        crowded.waiting = vec![crowded.waiting[0].clone(); 40];
        let view = view(&crowded, None, &TimeZone::UTC);
        assert_eq!(blocks_of(&view).len(), MAX_BLOCKS);
    }
}
