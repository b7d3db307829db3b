//! What herobot says when it asks the customer: the teller's private link, the internal
//! customer's DM with three buttons and a comment, and the DM to each hero when the customer was
//! blown away.
use serde_json::{Value, json};

use super::{button, people};
use crate::domain::{Answer, Element, Story, StoryId, UserId};
use crate::slack::blocks::{self, FALLBACK_MAX, escape_with_mentions, escape_within};

/// Where the internal customer's comment is typed in their DM.
pub const COMMENT_BLOCK: &str = "customer_comment";

/// The **Ask the customer** button of a story.
pub fn ask_button(story: StoryId) -> Value {
    button("🙋 Ask the customer", Element::AskCustomer(story), None)
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
        escape_with_mentions(story.customer_sees(), 200)
    );
    json!({
        "text": text,
        "blocks": [
            blocks::section(&text),
            blocks::section(&format!("*One-click variants* (for an email with three buttons; each only preselects the answer, the customer confirms with one press):\n{}", one_click.join("\n"))),
            blocks::context(&["The page shows your company's name and what the customer sees (the story's title unless you worded it for them), nothing else. Their answer counts in the scorecard instead of yours.".to_owned()]),
        ],
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// The story's post or confirmation note to its teller: the story is told, and they can ask
/// the customer.
pub fn told(story: &Story) -> Value {
    let mut text = format!(
        ":white_check_mark: Thank you! Your story *{}* is told, and each hero is asked whether it may be told outside Slack. Was the customer blown away? Ask them: their answer counts in the scorecard.",
        escape_with_mentions(&story.title, 200)
    );
    if let Some(line) = &story.customer_title {
        text.push_str(&format!(
            "\nWhat the customer sees, if you ask them: *{}*",
            escape_with_mentions(line, 200)
        ));
    }
    if story.surprise.is_none() {
        text.push_str("\n:gift: A tip for next time: a fix and a surprise the customer didn't expect (a call, a note, a small gift) is what turns a recovery into a story they retell.");
    }
    json!({
        "text": blocks::truncate(&text, FALLBACK_MAX),
        "blocks": [
            blocks::section(&text),
            {"type": "actions", "block_id": "ask", "elements": [ask_button(StoryId(story.id))]},
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
        escape_with_mentions(story.customer_sees(), 200)
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
        .map(|answer| {
            let pressed = Element::CustomerAnswer {
                story: StoryId(story.id),
                answer,
            };
            let style = (answer == Answer::BlownAway).then_some("primary");
            button(
                &format!("{} {}", answer.emoji(), answer.label()),
                pressed,
                style,
            )
        })
        .collect();
    blocks.push(json!({"type": "actions", "block_id": "customer_answer", "elements": buttons}));
    json!({
        "text": blocks::truncate(&format!("Were you blown away by how {heroes} handled {}?", escape_with_mentions(story.customer_sees(), 200)), FALLBACK_MAX),
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
        escape_with_mentions(&story.title, 200)
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
        "text": blocks::truncate(&format!("The customer was blown away by how you handled {}", escape_with_mentions(&story.title, 200)), FALLBACK_MAX),
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
        let s = story(7, 2, true, Reaction::Unknown, CustomerKind::Internal);
        let question = question(&s);
        let buttons = question["blocks"][2]["elements"].as_array().unwrap();
        let pressed: Vec<Option<Element>> = buttons
            .iter()
            .map(|b| Element::decode(b["action_id"].as_str().unwrap(), b["value"].as_str()))
            .collect();
        let id = StoryId(7);
        assert_eq!(
            pressed,
            Answer::ALL.map(|answer| Some(Element::CustomerAnswer { story: id, answer }))
        );
    }
}
