//! What herobot says about a recovery story: the post in the stories channel (with its Feature
//! and Ask the customer buttons) and the consent request each credited hero gets.
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use super::{button, people};
use crate::domain::story::recovery_in_words;
use crate::domain::text::mentioned;
use crate::domain::{Consent, UserId};
use crate::domain::{Element, Story, StoryId};
use crate::slack::blocks::{self, FALLBACK_MAX, SECTION_MAX, escape_with_mentions};

/// An instant as a person reads it in the configured zone: `Mon 23 Nov 2026, 14:05 CET`.
pub fn when(unix: i64, tz: &TimeZone) -> String {
    crate::clock::local(unix, tz, "%a %-d %b %Y, %H:%M %Z")
}

fn heroes(story: &Story) -> Vec<UserId> {
    story.heroes.iter().map(|(id, _)| id.clone()).collect()
}

fn titled(label: &str, text: &str) -> Value {
    blocks::section(&format!(
        "*{label}*\n{}",
        escape_with_mentions(text, SECTION_MAX - label.len() - 10)
    ))
}

/// The story's title at the top of its post: a header, or where the title mentions someone, a
/// bold line (a header is plain text, where a mention would show as a raw ID).
fn title_block(story: &Story) -> Value {
    if mentioned(&story.title).is_empty() {
        blocks::header(&format!("📖 {}", story.title))
    } else {
        blocks::section(&format!(
            "📖 *{}*",
            escape_with_mentions(&story.title, blocks::HEADER_MAX)
        ))
    }
}

/// The story as posted to the stories channel.
pub fn post(story: &Story, tz: &TimeZone) -> Value {
    let heroes = people(&heroes(story));
    let mut blocks = vec![
        title_block(story),
        blocks::section(&format!(
            "*Heroes:* {heroes}  ·  told by <@{}>",
            story.author_id
        )),
        titled("What went wrong", &story.what_went_wrong),
        titled("The fix", &story.how_fixed),
        blocks::context(&[format!(
            ":stopwatch: {}  ·  happened {}  ·  fixed {}",
            recovery_in_words(story.recovery_secs()),
            when(story.happened_at, tz),
            when(story.fixed_at, tz)
        )]),
    ];
    // Without a surprise the post says nothing of it: only the teller is told, privately.
    if let Some(surprise) = &story.surprise {
        blocks.push(titled("The surprise", surprise));
    }
    let tags: Vec<String> = story.tags.iter().map(|t| format!("#{t}")).collect();
    blocks.push(blocks::context(&[
        format!("Customer: {}", story.customer_kind.label()),
        format!("Reaction: {}", story.reaction.label()),
        tags.join(" "),
    ]));
    if let (Some(_), Some(by)) = (story.featured_at, &story.featured_by) {
        blocks.push(blocks::context(&[format!(
            ":star: Featured for talks by <@{by}>"
        )]));
    }
    let action = if story.featured_at.is_some() {
        button("Unfeature", Element::Unfeature(StoryId(story.id)), None)
    } else {
        button(
            "⭐ Feature",
            Element::Feature(StoryId(story.id)),
            Some("primary"),
        )
    };
    blocks.push(json!({"type": "actions", "block_id": "story_actions", "elements": [action, super::answer::ask_button(StoryId(story.id))]}));
    blocks.extend(super::thanks_blocks(
        Element::ThankStory(StoryId(story.id)),
        story.thanks,
    ));
    json!({
        "text": blocks::truncate(&format!("Recovery story: {} ({heroes})", escape_with_mentions(&story.title, 200)), FALLBACK_MAX),
        "blocks": blocks,
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// `hero`'s choice for `story` (pending for someone it does not credit).
fn consent_of(story: &Story, hero: &str) -> Consent {
    story
        .heroes
        .iter()
        .find(|(id, _)| id == hero)
        .map_or(Consent::Pending, |(_, c)| *c)
}

/// The DM asking one credited hero whether the story may be told outside Slack.
pub fn consent_request(story: &Story, hero: &str) -> Value {
    let status = match consent_of(story, hero) {
        Consent::Pending => ":hourglass_flowing_sand: You haven't chosen yet.",
        Consent::Granted => {
            ":white_check_mark: You agreed that this story can be told outside Slack."
        }
        Consent::Declined => ":lock: You chose to keep this story inside Slack.",
    };
    json!({
        "text": blocks::truncate(&format!("<@{}> told a recovery story that credits you: {}", story.author_id, escape_with_mentions(&story.title, 200)), FALLBACK_MAX),
        "blocks": [
            blocks::section(&format!(":book: <@{}> told a recovery story that credits you: *{}*", story.author_id, escape_with_mentions(&story.title, 200))),
            blocks::section(&blocks::block_quote(&escape_with_mentions(&story.what_went_wrong, 500))),
            blocks::section("May we tell this story outside Slack, in talks and at events? You can change your mind at any time."),
            blocks::context(&[status.to_owned()]),
            {"type": "actions", "block_id": "consent", "elements": [
                button("Yes, tell it", Element::GrantConsent(StoryId(story.id)), Some("primary")),
                button("Keep it inside", Element::DeclineConsent(StoryId(story.id)), None),
            ]},
        ],
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// The one polite ask a credited hero who has not answered gets when a leader features the
/// story: the leader would like to tell it in talks — OK? With the same consent buttons.
pub fn feature_ask(story: &Story, hero: &str) -> Value {
    let who = match &story.featured_by {
        Some(leader) => format!("<@{leader}>"),
        None => "A leader".to_owned(),
    };
    let ask = format!(
        ":star: {who} would like to tell your recovery story *{}* in talks. Is that OK with you?",
        escape_with_mentions(&story.title, 200)
    );
    json!({
        "text": blocks::truncate(&format!("{who} would like to tell your recovery story {} in talks. Is that OK with you?", escape_with_mentions(&story.title, 200)), FALLBACK_MAX),
        "blocks": [
            blocks::section(&ask),
            blocks::section(&blocks::block_quote(&escape_with_mentions(&story.what_went_wrong, 500))),
            blocks::context(&[match consent_of(story, hero) {
                // Answered by the time the ask went out: it says so, and the buttons change it.
                Consent::Granted => ":white_check_mark: You already agreed. You can change your mind at any time.",
                Consent::Declined => ":lock: You chose to keep it inside. You can change your mind at any time.",
                Consent::Pending => "It is told only if every hero it credits agrees. You can change your mind at any time.",
            }.to_owned()]),
            {"type": "actions", "block_id": "consent", "elements": [
                button("Yes, tell it", Element::GrantConsent(StoryId(story.id)), Some("primary")),
                button("Keep it inside", Element::DeclineConsent(StoryId(story.id)), None),
            ]},
        ],
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CustomerKind, Reaction};

    fn story() -> Story {
        Story {
            id: 7,
            team_id: "T0TEAM".into(),
            author_id: UserId::parse("U0AUTHOR").unwrap(),
            title: "The <invoice> that went out twice".into(),
            what_went_wrong: "500 customers were billed twice".into(),
            happened_at: 1_700_000_000,
            fixed_at: 1_700_000_000 + 5 * 3600,
            how_fixed: "Refunded every double charge".into(),
            surprise: None,
            customer_kind: CustomerKind::External,
            reaction: Reaction::BlownAway,
            message_permalink: None,
            featured_at: None,
            featured_by: None,
            created_at: 1_700_020_000,
            heroes: vec![
                (UserId::parse("U0ALICE").unwrap(), Consent::Granted),
                (UserId::parse("U0BOB").unwrap(), Consent::Pending),
            ],
            tags: vec!["billing".into()],
            customer_answer: None,
            customer_title: None,
            thanks: 0,
        }
    }

    #[test]
    fn times_are_shown_in_the_configured_zone() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        assert_eq!(when(1_700_000_000, &berlin), "Tue 14 Nov 2023, 23:13 CET");
        assert_eq!(
            when(1_700_000_000, &TimeZone::UTC),
            "Tue 14 Nov 2023, 22:13 UTC"
        );
    }

    #[test]
    fn a_post_tells_the_whole_story_escaped_with_the_recovery_time_in_words() {
        let message = post(&story(), &TimeZone::UTC);
        let text = message.to_string();
        assert!(text.contains("fixed in 5 hours — within 24 h ✓"), "{text}");
        assert!(!text.contains("No surprise") && !text.contains("surprise them"));
        assert!(text.contains("<@U0ALICE> and <@U0BOB>"));
        // Plain text is never parsed for mentions; mrkdwn (the notification text) is escaped.
        assert_eq!(message["blocks"][0]["text"]["type"], "plain_text");
        assert!(
            message["text"]
                .as_str()
                .unwrap()
                .contains("The &lt;invoice&gt; that")
        );
        assert!(text.contains("feature_story") && !text.contains("unfeature_story"));
        assert!(text.contains("ask_customer"));
    }

    #[test]
    fn a_post_counts_its_thanks_and_the_polite_ask_names_the_leader() {
        let mut s = story();
        s.thanks = 2;
        let post = post(&s, &TimeZone::UTC).to_string();
        assert!(
            post.contains(":clap: +2 colleagues added their thanks"),
            "{post}"
        );
        assert!(post.contains("\"action_id\":\"thanks_story\""), "{post}");
        s.featured_by = UserId::parse("U0LEADER");
        let ask = feature_ask(&s, "U0BOB").to_string();
        assert!(
            ask.contains("<@U0LEADER> would like to tell your recovery story *The &lt;invoice&gt; that went out twice* in talks"),
            "{ask}"
        );
        assert!(ask.contains("consent_grant") && ask.contains("every hero it credits agrees"));
        assert!(
            feature_ask(&s, "U0ALICE")
                .to_string()
                .contains("You already agreed")
        );
    }

    #[test]
    fn each_hero_sees_their_own_choice() {
        let s = story();
        assert!(
            consent_request(&s, "U0ALICE")
                .to_string()
                .contains("You agreed")
        );
        assert!(
            consent_request(&s, "U0BOB")
                .to_string()
                .contains("haven't chosen yet")
        );
    }
}
