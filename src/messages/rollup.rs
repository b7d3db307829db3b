//! Messages that combine several recognitions: a roll-up of a burst of celebrations for one
//! channel, and one DM to a hero recognised several times within a minute.
use serde_json::{Value, json};

use super::{people, reason_mrkdwn};
use crate::domain::{Nomination, UserId};
use crate::slack::blocks;

/// How much of each reason a combined message shows.
const REASON_MAX: usize = 280;

/// "🎉 12 new recognitions": each nomination in one line, heroes first.
pub fn rollup(nominations: &[Nomination]) -> Value {
    let headline = format!(":tada: *{} new recognitions*", nominations.len());
    let mut blocks = vec![blocks::section(&headline)];
    blocks.extend(nominations.iter().map(|n| {
        blocks::section(&format!(
            "{} — {} _(by <@{}>)_",
            people(&n.heroes),
            reason_mrkdwn(n, REASON_MAX).replace('\n', " "),
            n.nominator
        ))
    }));
    json!({
        "text": format!("{} new recognitions", nominations.len()),
        "blocks": blocks,
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// One DM telling `hero` about several recognitions at once.
pub fn recognitions_dm(hero: &UserId, nominations: &[Nomination]) -> Value {
    let givers: Vec<UserId> = nominations.iter().map(|n| n.nominator.clone()).collect();
    let headline = format!(
        ":tada: You were recognised as a service hero {} times: by {}.",
        nominations.len(),
        people(&dedup(givers))
    );
    let mut blocks = vec![blocks::section(&headline)];
    blocks.extend(nominations.iter().map(|n| {
        blocks::section(&format!(
            "<@{}>: {}",
            n.nominator,
            blocks::block_quote(&reason_mrkdwn(n, REASON_MAX))
        ))
    }));
    blocks.push(blocks::context(&[
        "Stories like yours show everyone what great service looks like.".into(),
    ]));
    json!({
        "channel": hero.as_str(),
        "text": format!("You were recognised as a service hero {} times.", nominations.len()),
        "blocks": blocks,
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

fn dedup(mut people: Vec<UserId>) -> Vec<UserId> {
    let mut seen = Vec::new();
    people.retain(|p| {
        let first = !seen.contains(p);
        seen.push(p.clone());
        first
    });
    people
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Reason;

    fn nomination(by: &str, hero: &str, reason: &str) -> Nomination {
        let u = |s: &str| UserId::parse(s).unwrap();
        Nomination::new(
            u(by),
            vec![u(hero)],
            Reason::parse(reason, 1).unwrap(),
            None,
            None,
            vec![],
        )
        .unwrap()
    }

    #[test]
    fn a_rollup_names_every_hero_once_and_escapes_the_reasons() {
        let ns: Vec<Nomination> = (0..25)
            .map(|i| nomination("U0NOM", &format!("U0HERO{i}"), "for <!channel> & more"))
            .collect();
        let message = rollup(&ns);
        let text = message.to_string();
        assert!(text.contains("25 new recognitions"));
        for i in 0..25 {
            assert_eq!(
                text.matches(&format!("<@U0HERO{i}>")).count(),
                1,
                "hero {i}"
            );
        }
        assert!(!text.contains("<!channel>"));
        assert!(message["blocks"].as_array().unwrap().len() <= 50);
    }

    #[test]
    fn a_combined_dm_says_who_and_why_for_each() {
        let hero = UserId::parse("U0ALICE").unwrap();
        let ns = [
            nomination("U0BOB", "U0ALICE", "for the midnight fix"),
            nomination("U0BOB", "U0ALICE", "for the morning follow-up"),
            nomination("U0CAROL", "U0ALICE", "for the thank-you call"),
        ];
        let text = recognitions_dm(&hero, &ns).to_string();
        assert!(
            text.contains("3 times: by <@U0BOB> and <@U0CAROL>"),
            "{text}"
        );
        for reason in ["midnight fix", "morning follow-up", "thank-you call"] {
            assert!(text.contains(reason));
        }
    }
}
