//! The rating modal a rater fills in for a round: one compact choice per deliverable (a select
//! whose options spell out the scale), and one optional comment at the end that names what it
//! is about (a deliverable, or the whole card); filled in again with earlier answers. A modal of
//! the earlier shape (radio buttons and a comment per deliverable), opened before an upgrade and
//! sent after it, is read as well.
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
/// The earlier modal's comment per deliverable: still read, no longer shown.
const COMMENTS: [&str; MAX_DELIVERABLES] = [
    "comment_1",
    "comment_2",
    "comment_3",
    "comment_4",
    "comment_5",
    "comment_6",
];
/// The one comment, and what it is about.
const COMMENT: &str = "comment";
const ABOUT: &str = "comment_about";
/// The value of "the whole card" in the comment's select (a deliverable's is its ID).
const WHOLE_CARD: &str = "card";

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

/// A rater's answers: a rating per deliverable (a comment on a deliverable rides on its
/// rating), and a comment about the whole card.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    pub ratings: Vec<Rated>,
    pub card_comment: Option<String>,
}

/// The modal for `card`'s round `round_id` rating `month`, filled in with `earlier` answers and
/// the earlier comment about the whole card.
pub fn view(
    card: &Card,
    round_id: i64,
    month: Month,
    earlier: &[Rated],
    card_comment: Option<&str>,
) -> Value {
    let scale: Vec<Value> = (1..=5)
        .rev()
        .map(|v| choice(Rating::label(v), &v.to_string()))
        .collect();
    let mut out = vec![blocks::section(&format!(
        "How effectively and consistently did *{}* deliver for your team in {}?",
        escape_within(&card.supplier, 100),
        month.name()
    ))];
    let shown: Vec<_> = card.deliverables.iter().take(MAX_DELIVERABLES).collect();
    for (i, deliverable) in shown.iter().enumerate() {
        let before = earlier.iter().find(|a| a.deliverable_id == deliverable.id);
        let mut select = json!({
            "type": "static_select",
            "action_id": RATINGS[i],
            "placeholder": plain("Pick 1 to 5"),
            "options": scale,
        });
        if let Some(before) = before {
            select["initial_option"] = scale[usize::from(5 - before.rating.value())].clone();
        }
        out.push(input(
            RATINGS[i],
            &truncate_plain(&deliverable.name, 150),
            select,
            false,
            None,
        ));
    }
    // The comment comes back as it was left: the first earlier comment on a deliverable, else
    // the one about the whole card.
    let (about, comment) = earlier
        .iter()
        .find_map(|a| Some((a.deliverable_id.to_string(), a.comment.as_deref()?)))
        .map_or((WHOLE_CARD.to_owned(), card_comment), |(id, c)| {
            (id, Some(c))
        });
    out.push(input(
        COMMENT,
        "Comment",
        text_input(
            COMMENT,
            true,
            MAX_COMMENT,
            comment,
            Some("What would make it a 5?"),
        ),
        true,
        None,
    ));
    let mut options = vec![choice("The whole card", WHOLE_CARD)];
    options.extend(
        shown
            .iter()
            .map(|d| choice(&truncate_plain(&d.name, 75), &d.id.to_string())),
    );
    let initial = options
        .iter()
        .find(|o| o["value"] == about.as_str())
        .cloned()
        .unwrap_or_else(|| options[0].clone());
    out.push(input(
        ABOUT,
        "The comment is about",
        json!({"type": "static_select", "action_id": ABOUT, "options": options, "initial_option": initial}),
        true,
        None,
    ));
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

/// A comment as kept: trimmed, within the limit, None when blank.
fn comment_text(text: Option<String>) -> Option<String> {
    text.map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .map(|c| c.chars().take(MAX_COMMENT).collect())
}

/// The answers given, one rating per deliverable in `metadata`, or the messages to show beside
/// the fields: every rating must be a whole number from 1 to 5. Both shapes of the modal are
/// read: this one (one comment, and what it is about) and the earlier one (a comment beside
/// each rating).
pub fn parse(values: &Values<'_>, metadata: &Metadata) -> Result<Answers, FieldErrors> {
    let mut answers = Answers::default();
    let mut errors = FieldErrors::new();
    for (i, &deliverable_id) in metadata
        .deliverables
        .iter()
        .enumerate()
        .take(MAX_DELIVERABLES)
    {
        let rating = values.option(RATINGS[i]);
        match rating.as_deref().and_then(Rating::parse) {
            Some(rating) => answers.ratings.push(Rated {
                deliverable_id,
                rating,
                comment: comment_text(values.text(COMMENTS[i])),
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
    if let Some(comment) = comment_text(values.text(COMMENT)) {
        let about = values.option(ABOUT);
        let deliverable = about
            .as_deref()
            .and_then(|a| a.parse::<i64>().ok())
            .filter(|id| metadata.deliverables.contains(id));
        match (about.as_deref(), deliverable) {
            (None | Some(WHOLE_CARD), _) => answers.card_comment = Some(comment),
            (Some(_), Some(id)) => {
                if let Some(rated) = answers.ratings.iter_mut().find(|r| r.deliverable_id == id) {
                    rated.comment = Some(comment);
                }
            }
            (Some(_), None) => {
                errors.insert(
                    ABOUT,
                    "Pick what the comment is about: a deliverable on this card, or the whole card."
                        .to_owned(),
                );
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
