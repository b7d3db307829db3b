//! What `/hero find` and `/hero profile` answer: matches with snippets, dates, heroes and links;
//! a person's recognitions at a glance. All stored text is escaped.
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use super::{ephemeral, people, times};
use crate::domain::UserId;
use crate::slack::blocks::{self, escape_within};
use crate::store::search::{Hit, MATCH_END, MATCH_START, Profile};

/// A date as a person reads it in the configured zone: `23 Nov 2026`.
pub fn day(unix: i64, tz: &TimeZone) -> String {
    crate::clock::local(unix, tz, "%-d %b %Y")
}

/// A snippet with its matched words in bold, everything else escaped.
fn snippet(text: &str) -> String {
    blocks::escape_with_mentions(&text.replace('\n', " "), 600)
        .replace([MATCH_START, MATCH_END], "*")
}

fn heroes(ids: &[String]) -> String {
    people(
        &ids.iter()
            .map(|h| UserId::stored(h.clone()))
            .collect::<Vec<_>>(),
    )
}

/// The answer to `/hero find`.
pub fn results(query: &str, hits: &[Hit], tz: &TimeZone, public_url: Option<&str>) -> Value {
    if hits.is_empty() {
        return ephemeral(&format!(
            "Nothing matches “{}” yet. Try other words, or tell the story with `/hero story`.",
            escape_within(query, 200)
        ));
    }
    let mut out = vec![blocks::section(&format!(
        "*Best matches for “{}”*",
        escape_within(query, 200)
    ))];
    for hit in hits {
        let link = match (&hit.message_permalink, public_url, hit.kind.as_str()) {
            (Some(permalink), _, _) => format!("  ·  <{permalink}|open in Slack>"),
            (None, Some(url), "story") => format!(
                "  ·  <{url}/library/stories/{}|open in the library>",
                hit.id
            ),
            _ => String::new(),
        };
        let head = match &hit.title {
            Some(title) => format!("📖 *{}*", blocks::escape_with_mentions(title, 200)),
            None => format!("🎉 Recognition by <@{}>", hit.by_id),
        };
        out.push(blocks::section(&format!(
            "{head}\n{}\n{}  ·  {}{link}",
            snippet(&hit.snippet),
            heroes(&hit.heroes()),
            day(hit.created_at, tz)
        )));
    }
    json!({"response_type": "ephemeral", "text": format!("{} matches", hits.len()), "blocks": out})
}

/// The answer to `/hero profile`.
pub fn profile(user: &str, p: &Profile, tz: &TimeZone) -> Value {
    if p.received == 0 && p.given == 0 && p.stories == 0 {
        return ephemeral(&format!(
            "<@{user}> has no recognitions or stories yet. Know what they did for a customer? `/hero <@{user}> for …`"
        ));
    }
    let mut text = format!(
        "*Service profile of <@{user}>*\n🎉 Recognised {} · 📖 credited in {} · 🙌 recognised others {}",
        times(p.received),
        plural(p.stories, "recovery story", "recovery stories"),
        times(p.given)
    );
    if p.thanks > 0 {
        text.push_str(&thanks_from_colleagues(p.thanks));
    }
    if let (Some(first), Some(latest)) = (p.first, p.latest) {
        text.push_str(&format!(
            "\nFirst recognised {} · latest {}",
            day(first, tz),
            day(latest, tz)
        ));
    }
    if !p.tags.is_empty() {
        let tags: Vec<String> = p
            .tags
            .iter()
            .map(|(tag, n)| format!("#{} ({n})", escape_within(tag, 40)))
            .collect();
        text.push_str(&format!("\nMost frequent tags: {}", tags.join(" ")));
    }
    if !p.recent.is_empty() {
        text.push_str("\n*Latest recognitions*");
        for (at, by, reason) in &p.recent {
            text.push_str(&format!(
                "\n• {} — <@{by}>: {}",
                day(*at, tz),
                blocks::escape_keeping_mentions(&reason.replace('\n', " "), 300, |_| true)
            ));
        }
    }
    json!({"response_type": "ephemeral", "text": blocks::truncate(&text, 3000)})
}

/// " · 👏 3 thanks from colleagues", or nothing before the first.
pub fn thanks_from_colleagues(n: i64) -> String {
    match n {
        n if n <= 0 => String::new(),
        1 => " · 👏 1 thank-you from a colleague".to_owned(),
        n => format!(" · 👏 {n} thanks from colleagues"),
    }
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
