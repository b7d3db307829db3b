//! What herobot says: the celebration, the hero's DM, replies to the person who typed `/hero`;
//! story posts and consent requests in `story`.
pub mod answer;
pub mod deliveries;
pub mod home;
pub mod report_card;
pub mod rollup;
pub mod search;
pub mod story;
pub mod wall;

pub use deliveries::{Place, TypedIn, nomination_messages, public_place, story_messages};
use serde_json::{Value, json};

use crate::domain::thanks::count_line;
use crate::domain::{Element, Nomination, NominationId, UserId};
use crate::slack::blocks::{self, FALLBACK_MAX, SECTION_MAX};

/// A button that stands for `element`: its action ID and the value its press carries back.
pub(crate) fn button(text: &str, element: Element, style: Option<&str>) -> Value {
    blocks::button(
        text,
        &element.action_id(),
        element.value().as_deref(),
        style,
    )
}

/// A button that stands for `element` and opens `url`.
pub(crate) fn link_button(text: &str, element: Element, url: &str, style: Option<&str>) -> Value {
    blocks::link_button(text, &element.action_id(), url, style)
}

/// `<@A>`, `<@A> and <@B>`, `<@A>, <@B> and <@C>`.
pub fn people(users: &[UserId]) -> String {
    let mentions: Vec<String> = users.iter().map(|u| format!("<@{u}>")).collect();
    match mentions.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The reason as mrkdwn: escaped, with every mention of a person live (Slack shows their name,
/// whoever wrote it, by whatever path), and `<!channel>`-style pings disarmed.
pub fn reason_mrkdwn(n: &Nomination, max: usize) -> String {
    blocks::escape_with_mentions(n.reason.as_str(), max)
}

/// The **👏 Add your thanks** button and, once colleagues pressed it, how many did: the end of
/// a celebration or a story post.
pub(crate) fn thanks_blocks(element: Element, thanks: i64) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(line) = count_line(thanks) {
        out.push(blocks::context(&[line]));
    }
    out.push(
        json!({"type": "actions", "block_id": "thanks", "elements": [
            button("👏 Add your thanks", element, None),
        ]}),
    );
    out
}

/// The reason as a block quote.
fn reason_quote(n: &Nomination) -> String {
    blocks::block_quote(&reason_mrkdwn(n, SECTION_MAX - 200))
}

/// Category, customer kind and tags, as one context line.
fn details(n: &Nomination) -> String {
    let mut parts = Vec::new();
    if let Some(category) = n.category {
        parts.push(format!("*{}*", category.label()));
    }
    if let Some(kind) = n
        .customer_kind
        .filter(|k| n.category.and_then(|c| c.customer_kind()) != Some(*k))
    {
        parts.push(format!("for an {}", kind.label()));
    }
    if !n.tags.is_empty() {
        parts.push(
            n.tags
                .iter()
                .map(|t| format!("#{}", t.as_str()))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    parts.join("  ·  ")
}

/// The public celebration of a nomination `id`: who, by whom, and the story, with how many
/// colleagues added their thanks and the button to add one's own.
pub fn celebration(n: &Nomination, id: NominationId, thanks: i64) -> Value {
    let heroes = people(&n.heroes);
    let mut blocks = vec![
        blocks::section(&format!(
            ":tada: *Service {}:* {heroes}",
            if n.heroes.len() == 1 {
                "hero"
            } else {
                "heroes"
            }
        )),
        blocks::section(&reason_quote(n)),
        blocks::context(&[format!("Recognised by <@{}>", n.nominator), details(n)]),
    ];
    blocks.extend(thanks_blocks(Element::ThankNomination(id), thanks));
    json!({
        "text": format!("{heroes} recognised by <@{}>: {}", n.nominator, reason_mrkdwn(n, FALLBACK_MAX)),
        "blocks": blocks,
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// The DM telling one hero who recognised them and why.
pub fn hero_dm(n: &Nomination, hero: &UserId, channel: Option<&str>) -> Value {
    let others: Vec<UserId> = n.heroes.iter().filter(|h| *h != hero).cloned().collect();
    let mut headline = format!(":tada: <@{}> recognised you as a service hero", n.nominator);
    if !others.is_empty() {
        headline.push_str(&format!(", together with {}", people(&others)));
    }
    if let Some(channel) = channel {
        headline.push_str(&format!(", in <#{channel}>"));
    }
    headline.push('.');
    json!({
        "channel": hero.as_str(),
        "text": format!("<@{}> recognised you as a service hero: {}", n.nominator, reason_mrkdwn(n, FALLBACK_MAX)),
        "blocks": [
            blocks::section(&headline),
            blocks::section(&reason_quote(n)),
            blocks::context(&[details(n), "Stories like yours show everyone what great service looks like.".into()]),
        ],
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// The ephemeral reply to the nominator, once the nomination is stored.
/// Without a place (no heroes channel, and not made where a celebration can be posted), only
/// the DMs go out.
pub fn nomination_confirmed(n: &Nomination, place: Option<Place<'_>>) -> Value {
    let dm = if n.heroes.len() == 1 {
        "the hero gets a DM"
    } else {
        "each hero gets a DM"
    };
    let next = match place {
        Some(Place::Channel(channel)) => format!("The celebration goes to <#{channel}>, and {dm}"),
        Some(Place::Here) => format!("The celebration is posted in this channel, and {dm}"),
        None => {
            let mut dm = dm.to_owned();
            dm[..1].make_ascii_uppercase();
            dm
        }
    };
    ephemeral(&format!(
        ":white_check_mark: Thank you! {} recognised. {next}.",
        people(&n.heroes)
    ))
}

/// How often: `once`, `3 times`.
pub fn times(n: i64) -> String {
    match n {
        1 => "once".to_owned(),
        n => format!("{n} times"),
    }
}

/// An ephemeral reply with plain mrkdwn text (already safe).
pub fn ephemeral(text: &str) -> Value {
    json!({"response_type": "ephemeral", "text": text})
}

/// Usage of `/hero`.
pub fn help() -> Value {
    ephemeral(HELP)
}

/// An unknown word (already escaped), followed by the usage.
pub fn unknown(problem: &str) -> Value {
    ephemeral(&format!("{problem} Here is what /hero can do:\n{HELP}"))
}

/// A refusal: what was wrong, and where to find usage.
pub fn refusal(problem: &str) -> Value {
    ephemeral(&format!(
        ":warning: {problem}\nType `/hero help` to see how /hero works."
    ))
}

/// A refusal that gives the person's own text back (as Slack sent it), so they can shorten it
/// and send it again.
pub fn refusal_with_text(problem: &str, typed: &str) -> Value {
    let typed = blocks::escape(&crate::domain::text::unescape(typed));
    ephemeral(&format!(
        ":warning: {problem} Nothing was saved. Here is what you wrote, to shorten and send again:\n```/hero {typed}```"
    ))
}

/// Why nothing was saved when the database stayed locked, and what to do.
pub const BUSY: &str = "herobot couldn't save that just now: its database is busy. Nothing was saved; please try again in a moment.";

/// A leader's private sign-in link to the story library.
pub fn library_link(url: &str, minutes: i64) -> Value {
    let text = format!(
        "Here is your sign-in link to the story library. It works once, for {minutes} minutes, and only for you: please do not share it.\n<{url}|Open the story library>"
    );
    json!({
        "response_type": "ephemeral",
        "text": text,
        "blocks": [
            blocks::section(&text),
            {"type": "actions", "elements": [
                link_button("Open the story library", Element::OpenLibrary, url, Some("primary")),
            ]},
        ],
    })
}

const HELP: &str = "*Recognise a service hero* — someone who served a customer, external or an internal team, remarkably well:
• `/hero @alice @bob for turning a billing outage into a thank-you note #recovery` — name the heroes, tell what they did (at least a sentence), add `#tags` if you like.
• Category tags: `#external` (customer), `#internal` (internal customer), `#recovery` (a mistake fixed and turned around), `#empowerment` (bent a rule, within bounds, to say yes).
• The celebration is posted for everyone to see, and each hero gets a DM saying who recognised them and why.
• `/hero` — the nomination form; `/hero story` — tell a service-recovery story (a mistake fixed, and the surprise the customer did not expect).
• `/hero find billing outage` — search every story and recognition; `/hero profile [@someone]` — recognitions received and given; `/hero top [week|month|quarter|year]` — the most-recognised heroes.
• Leaders: `/hero digest` — preview this week's digest; `/hero digest post` — post last week's now; `/hero library` — a private sign-in link to the story library; `/hero wall` — a link to the office wallboard (`/hero wall revoke` ends every link); `/hero reportcard` — a monthly report card on a team that serves yours (`edit N`, `retire N`).
• `/hero reportcard list` — every report card with its last result.
• `/hero help` — this message.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Category, Reason, Tag};

    fn nomination(reason: &str) -> Nomination {
        let u = |s| UserId::parse(s).unwrap();
        Nomination::new(
            u("U0NOM"),
            vec![u("U0ALICE"), u("U0BOB")],
            Reason::parse(reason, 1).unwrap(),
            Some(Category::Recovery),
            None,
            vec![Tag::parse("billing").unwrap()],
        )
        .unwrap()
    }

    #[test]
    fn people_are_listed_as_a_sentence() {
        let u = |s| UserId::parse(s).unwrap();
        assert_eq!(people(&[u("U1A")]), "<@U1A>");
        assert_eq!(people(&[u("U1A"), u("U2B")]), "<@U1A> and <@U2B>");
        assert_eq!(
            people(&[u("U1A"), u("U2B"), u("U3C")]),
            "<@U1A>, <@U2B> and <@U3C>"
        );
    }

    #[test]
    fn user_text_cannot_ping_a_channel_but_every_mention_stays_a_mention() {
        let n = nomination("told <!channel> & <@U0ALICE> fixed it, thanks to <@U0EVE|eve>");
        let text = reason_mrkdwn(&n, 1000);
        assert_eq!(
            text,
            "told &lt;!channel&gt; &amp; <@U0ALICE> fixed it, thanks to <@U0EVE>"
        );
        let all = celebration(&n, NominationId(1), 0).to_string()
            + &hero_dm(&n, &n.heroes[0], None).to_string()
            + &rollup::rollup(std::slice::from_ref(&n)).to_string();
        assert!(!all.contains("<!channel>"), "{all}");
        assert!(!all.contains("&lt;@U0EVE"), "{all}");
        assert!(!all.contains("<@U0EVE|eve>"), "{all}");
    }

    #[test]
    fn a_celebration_counts_the_thanks_and_offers_the_button() {
        let n = nomination("turned a billing outage into a thank-you note");
        let fresh = celebration(&n, NominationId(8), 0);
        let blocks = fresh["blocks"].as_array().unwrap();
        let button = &blocks.last().unwrap()["elements"][0];
        assert_eq!(button["action_id"], "thanks_nomination");
        assert_eq!(button["value"], "8");
        assert!(!fresh.to_string().contains("added their thanks"));
        let thanked = celebration(&n, NominationId(8), 3).to_string();
        assert!(
            thanked.contains(":clap: +3 colleagues added their thanks"),
            "{thanked}"
        );
    }

    #[test]
    fn a_huge_reason_still_fits_slacks_limits() {
        let n = nomination(&"<&>x".repeat(750));
        let c = celebration(&n, NominationId(1), 0);
        for block in c["blocks"].as_array().unwrap() {
            if let Some(text) = block["text"]["text"].as_str() {
                assert!(text.chars().count() <= SECTION_MAX);
            }
        }
        assert!(c["text"].as_str().unwrap().chars().count() <= FALLBACK_MAX + 100);
    }
}
