//! What herobot says when it asks the customer: the teller's private link, the internal
//! customer's DM with three buttons and a comment, and the DM to each hero when the customer was
//! blown away.
use serde_json::{Value, json};

use super::people;
use crate::domain::{Answer, Story, UserId};
use crate::slack::blocks::{self, FALLBACK_MAX, escape, escape_within};

/// Action ID of **Ask the customer** (value: the story's ID).
pub const ASK: &str = "ask_customer";
/// Action IDs of the internal customer's three buttons (value: the story's ID).
pub const ANSWER_PREFIX: &str = "customer_answer_";
/// Where the internal customer's comment is typed in their DM.
pub const COMMENT_BLOCK: &str = "customer_comment";

/// The **Ask the customer** button of a story.
pub fn ask_button(story_id: i64) -> Value {
    json!({"type": "button", "text": {"type": "plain_text", "text": "🙋 Ask the customer", "emoji": true},
           "action_id": ASK, "value": story_id.to_string()})
}

/// The answer a button's action ID stands for.
pub fn pressed_answer(action_id: &str) -> Option<Answer> {
    action_id
        .strip_prefix(ANSWER_PREFIX)
        .and_then(Answer::parse)
}

fn heroes(story: &Story) -> String {
    let ids: Vec<UserId> = story.heroes.iter().map(|(id, _)| id.clone()).collect();
    people(&ids)
}

/// The teller's private reply with the answer link for an external customer, and its three
/// one-click variants for an email with buttons.
pub fn link_for_teller(
    story: &Story,
    url: &str,
    variants: &[(Answer, String)],
    closes: &str,
) -> Value {
    let one_click: Vec<String> = variants
        .iter()
        .map(|(a, url)| format!("• {} {}: {url}", a.emoji(), a.label()))
        .collect();
    let text = format!(
        "Here is the link to ask your customer whether they were blown away by *{}*. Paste it into your own email or chat; it works until {closes}, and they can change their answer until then.\n{url}",
        escape_within(&story.title, 200)
    );
    json!({
        "text": text,
        "blocks": [
            blocks::section(&text),
            blocks::section(&format!("*One-click variants* (for an email with three buttons; each only preselects the answer, the customer confirms with one press):\n{}", one_click.join("\n"))),
            blocks::context(&["The page shows your company's name and the story's title, nothing else. Their answer counts in the scorecard instead of yours.".to_owned()]),
        ],
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// The story's post or confirmation note to its teller: the story is told, and they can ask
/// the customer.
pub fn told(story: &Story) -> Value {
    let text = format!(
        ":white_check_mark: Thank you! Your story *{}* is told, and each hero is asked whether it may be told outside Slack. Was the customer blown away? Ask them: their answer counts in the scorecard.",
        escape_within(&story.title, 200)
    );
    json!({
        "text": blocks::truncate(&text, FALLBACK_MAX),
        "blocks": [
            blocks::section(&text),
            {"type": "actions", "block_id": "ask", "elements": [ask_button(story.id)]},
        ],
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// The internal customer's DM: the question, a comment box and three buttons; once they
/// answered, their answer shows and the buttons change it.
pub fn question(story: &Story) -> Value {
    let heroes = heroes(story);
    let question = format!(
        "Were you blown away by how {heroes} handled *{}*?",
        escape_within(&story.title, 200)
    );
    let mut blocks = vec![
        blocks::section(&format!(
            ":wave: <@{}> told a recovery story about you as their customer.\n{question}",
            story.author_id
        )),
        json!({"type": "input", "block_id": COMMENT_BLOCK, "optional": true,
               "label": {"type": "plain_text", "text": "Anything to add? (optional)"},
               "element": {"type": "plain_text_input", "action_id": "comment", "multiline": true,
                           "max_length": crate::domain::answer::MAX_COMMENT}}),
    ];
    if let Some(a) = &story.customer_answer {
        let mut line = format!("{} You answered: *{}*", a.answer.emoji(), a.answer.label());
        if let Some(comment) = &a.comment {
            line.push_str(&format!(" — “{}”", escape_within(comment, 500)));
        }
        blocks.push(blocks::context(&[
            line,
            "Press another button to change it.".into(),
        ]));
    }
    let buttons: Vec<Value> = Answer::ALL
        .into_iter()
        .map(|a| {
            let mut b = json!({"type": "button", "text": {"type": "plain_text", "text": format!("{} {}", a.emoji(), a.label()), "emoji": true},
                               "action_id": format!("{ANSWER_PREFIX}{}", a.as_str()), "value": story.id.to_string()});
            if a == Answer::BlownAway {
                b["style"] = Value::from("primary");
            }
            b
        })
        .collect();
    blocks.push(json!({"type": "actions", "block_id": "customer_answer", "elements": buttons}));
    json!({
        "text": blocks::truncate(&format!("Were you blown away by how {heroes} handled {}?", escape(&story.title)), FALLBACK_MAX),
        "blocks": blocks,
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// The DM to one credited hero: the customer was blown away, in their own words if they left any.
pub fn praise(story: &Story, hero: &UserId) -> Value {
    let others: Vec<UserId> = story
        .heroes
        .iter()
        .map(|(id, _)| id.clone())
        .filter(|id| id != hero)
        .collect();
    let mut headline = format!(
        ":star-struck: The customer was *blown away* by how you handled *{}*",
        escape_within(&story.title, 200)
    );
    if !others.is_empty() {
        headline.push_str(&format!(", together with {}", people(&others)));
    }
    headline.push('.');
    let mut blocks = vec![blocks::section(&headline)];
    if let Some(comment) = story
        .customer_answer
        .as_ref()
        .and_then(|a| a.comment.as_deref())
    {
        blocks.push(blocks::section(&format!(
            "They said:\n{}",
            blocks::block_quote(&escape_within(comment, 2000))
        )));
    }
    blocks.push(blocks::context(&[
        "This is the customer's own answer, not the teller's.".to_owned(),
    ]));
    json!({
        "text": blocks::truncate(&format!("The customer was blown away by how you handled {}", escape(&story.title)), FALLBACK_MAX),
        "blocks": blocks,
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// A private note to the person who pressed a button (plain mrkdwn, already safe).
pub fn note(text: &str) -> Value {
    json!({ "text": text })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::oracle::story;
    use crate::domain::{Customer, CustomerAnswer, CustomerKind, Reaction};

    #[test]
    fn the_question_names_the_heroes_and_offers_three_answers() {
        let mut s = story(3, 2, true, Reaction::Unknown, CustomerKind::Internal);
        s.title = "<!channel> billing".into();
        let dm = question(&s);
        let text = dm.to_string();
        assert!(
            text.contains(
                "Were you blown away by how <@U0ALICE> handled *&lt;!channel&gt; billing*?"
            ),
            "{text}"
        );
        for a in Answer::ALL {
            assert!(text.contains(&format!("customer_answer_{}", a.as_str())));
        }
        assert!(!text.contains("You answered"));
    }

    #[test]
    fn praise_carries_the_customers_words_escaped() {
        let mut s = story(3, 2, true, Reaction::Unknown, CustomerKind::External);
        s.customer_answer = Some(CustomerAnswer {
            answer: Answer::BlownAway,
            comment: Some("Wow <@U0EVE>".into()),
            answered_at: 0,
            by: Customer::Link,
        });
        let text = praise(&s, &UserId::parse("U0ALICE").unwrap()).to_string();
        assert!(
            text.contains("&gt; Wow &lt;@U0EVE&gt;") || text.contains("Wow &lt;@U0EVE&gt;"),
            "{text}"
        );
        assert!(!text.contains("<@U0EVE>"));
    }

    #[test]
    fn buttons_stand_for_their_answers() {
        assert_eq!(
            pressed_answer("customer_answer_satisfied"),
            Some(Answer::Satisfied)
        );
        assert_eq!(pressed_answer("customer_answer_"), None);
        assert_eq!(pressed_answer(ASK), None);
    }
}
