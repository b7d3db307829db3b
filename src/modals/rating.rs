//! The rating modal a rater fills in for a round: one 1–5 choice per deliverable, with the
//! scale spelled out, and an optional comment on each; filled in again with earlier answers.
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{FieldErrors, choice, input, plain, text_input};
use crate::domain::report_card::{Card, MAX_COMMENT, MAX_DELIVERABLES, Month, Rated, Rating};
use crate::slack::blocks::{self, escape_within, truncate_plain};
use crate::slack::payload::Values;

pub const CALLBACK_ID: &str = "report_card_rating";

/// Block IDs by a deliverable's place on the card (a card has at most six).
const RATINGS: [&str; MAX_DELIVERABLES] = [
    "rating_1", "rating_2", "rating_3", "rating_4", "rating_5", "rating_6",
];
const COMMENTS: [&str; MAX_DELIVERABLES] = [
    "comment_1",
    "comment_2",
    "comment_3",
    "comment_4",
    "comment_5",
    "comment_6",
];

/// The round rated, and the deliverables in the order the modal shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    pub round: i64,
    pub deliverables: Vec<i64>,
}

impl Metadata {
    pub fn read(metadata: &str) -> Option<Self> {
        serde_json::from_str(metadata).ok()
    }
}

/// The modal for `card`'s round `round_id` rating `month`, filled in with `earlier` answers.
pub fn view(card: &Card, round_id: i64, month: Month, earlier: &[Rated]) -> Value {
    let scale: Vec<Value> = (1..=5)
        .map(|v| choice(Rating::label(v), &v.to_string()))
        .collect();
    let mut out = vec![blocks::section(&format!(
        "How effectively and consistently did *{}* deliver for your team in {}? 1 = rarely, 5 = always, every time.",
        escape_within(&card.supplier, 100),
        month.name()
    ))];
    let shown: Vec<_> = card.deliverables.iter().take(MAX_DELIVERABLES).collect();
    for (i, deliverable) in shown.iter().enumerate() {
        let before = earlier.iter().find(|a| a.deliverable_id == deliverable.id);
        let mut radios =
            json!({"type": "radio_buttons", "action_id": RATINGS[i], "options": scale});
        if let Some(before) = before {
            radios["initial_option"] = scale[usize::from(before.rating.value() - 1)].clone();
        }
        out.push(input(
            RATINGS[i],
            &truncate_plain(&deliverable.name, 150),
            radios,
            false,
            None,
        ));
        out.push(input(
            COMMENTS[i],
            "Comment",
            text_input(
                COMMENTS[i],
                true,
                MAX_COMMENT,
                before.and_then(|b| b.comment.as_deref()),
                Some("What would make it a 5? (optional)"),
            ),
            true,
            None,
        ));
    }
    let metadata = Metadata {
        round: round_id,
        deliverables: shown.iter().map(|d| d.id).collect(),
    };
    json!({
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain(&truncate_plain(&format!("Rate {}", card.supplier), 24)),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "private_metadata": serde_json::to_string(&metadata).expect("metadata serialises"),
        "blocks": out,
    })
}

/// The answers given, one per deliverable in `metadata`, or the messages to show beside the
/// fields: every rating must be a whole number from 1 to 5.
pub fn parse(values: &Values<'_>, metadata: &Metadata) -> Result<Vec<Rated>, FieldErrors> {
    let mut answers = Vec::new();
    let mut errors = FieldErrors::new();
    for (i, &deliverable_id) in metadata
        .deliverables
        .iter()
        .enumerate()
        .take(MAX_DELIVERABLES)
    {
        let rating = values.option(RATINGS[i]);
        match rating.as_deref().and_then(Rating::parse) {
            Some(rating) => answers.push(Rated {
                deliverable_id,
                rating,
                comment: values
                    .text(COMMENTS[i])
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty())
                    .map(|c| c.chars().take(MAX_COMMENT).collect()),
            }),
            None => {
                let problem = match rating {
                    None => "Pick a rating from 1 to 5.",
                    Some(_) => "A rating is a whole number from 1 to 5.",
                };
                errors.insert(RATINGS[i], problem.to_owned());
            }
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// A refusal of the whole submission (the round closed, say), beside the first rating.
pub fn refused(problem: &str) -> FieldErrors {
    FieldErrors::from([(RATINGS[0], problem.to_owned())])
}

/// The view that replaces the modal once the answers are in.
pub fn thanks(supplier: &str, closes: &str) -> Value {
    json!({
        "response_action": "update",
        "view": {
            "type": "modal",
            "title": plain("Thank you"),
            "close": plain("Close"),
            "blocks": [blocks::section(&format!(
                ":white_check_mark: Your ratings of *{}* are in. You can change them from the same button until {closes}.",
                escape_within(supplier, 100)
            ))],
        },
    })
}
