//! The report-card modal a leader creates or edits a card in: the supplier team, the raters,
//! the deliverables (one per line), the review channel, and whether comments are anonymous.
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{FieldErrors, choice, input, plain, text_input};
use crate::domain::CardId;
use crate::domain::report_card::{
    Card, CardField, CardForm, Comments, MAX_DELIVERABLE, MAX_DELIVERABLES, MAX_RATERS,
    MAX_SUPPLIER, NewCard,
};
use crate::slack::payload::Values;

pub const CALLBACK_ID: &str = "report_card";
const SUPPLIER: &str = "supplier";
const RATERS: &str = "raters";
const DELIVERABLES: &str = "deliverables";
const REVIEW_CHANNEL: &str = "review_channel";
const COMMENTS: &str = "comments";

/// What the modal carries to its submission: the card being edited, and where `/hero
/// reportcard` was typed, to confirm there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_url: Option<String>,
}

impl Metadata {
    pub fn read(metadata: &str) -> Self {
        serde_json::from_str(metadata).unwrap_or_default()
    }
}

/// The modal: empty for a new card, or filled in with `card` to edit it.
pub fn view(card: Option<&Card>, metadata: &Metadata) -> Value {
    let mut raters = json!({"type": "multi_users_select", "action_id": RATERS,
        "placeholder": plain("Pick the customer team's raters"), "max_selected_items": MAX_RATERS});
    let mut channel = json!({"type": "conversations_select", "action_id": REVIEW_CHANNEL,
        "placeholder": plain("Pick a channel"),
        "filter": {"include": ["public", "private"], "exclude_bot_users": true}});
    let anonymous = choice("Anonymous: without the rater's name", "anonymous");
    let attributed = choice("Attributed: with the rater's name", "attributed");
    let mut comments = json!({"type": "radio_buttons", "action_id": COMMENTS,
        "options": [anonymous.clone(), attributed.clone()], "initial_option": anonymous});
    let (title, submit, supplier, deliverables) = match card {
        Some(card) => {
            raters["initial_users"] = json!(card.raters);
            channel["initial_conversation"] = json!(card.review_channel);
            if card.comments == Comments::Attributed {
                comments["initial_option"] = attributed;
            }
            let lines: Vec<&str> = card.deliverables.iter().map(|d| d.name.as_str()).collect();
            (
                "Edit the report card",
                "Save",
                Some(card.supplier.clone()),
                Some(lines.join("\n")),
            )
        }
        None => ("New report card", "Create", None, None),
    };
    json!({
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain(title),
        "submit": plain(submit),
        "close": plain("Cancel"),
        "private_metadata": serde_json::to_string(metadata).expect("metadata serialises"),
        "blocks": [
            input(SUPPLIER, "Which team is rated?", text_input(SUPPLIER, false, MAX_SUPPLIER, supplier.as_deref(), Some("Marketing")), false, Some("The supplier team: the one that serves the raters' team.")),
            input(RATERS, "Who rates them?", raters, false, Some("People of the customer team. Each gets a DM on the first working day of every month.")),
            input(DELIVERABLES, "What do they deliver?", text_input(DELIVERABLES, true, MAX_DELIVERABLES * (MAX_DELIVERABLE + 1), deliverables.as_deref(), Some("Qualified leads by the 5th\nAccurate price lists")), false, Some("Up to six, one per line. Each is rated 1–5: how effectively and consistently it was delivered.")),
            input(REVIEW_CHANNEL, "Where are the results reviewed?", channel, false, Some("The results post here when a round closes. herobot must be in the channel: /invite @herobot.")),
            input(COMMENTS, "Comments", comments, false, None),
        ],
    })
}

/// The card as filled in, or the messages to show beside the fields.
pub fn parse(values: &Values<'_>) -> Result<NewCard, FieldErrors> {
    let form = CardForm {
        supplier: values.text(SUPPLIER),
        raters: values.users(RATERS),
        deliverables: values.text(DELIVERABLES),
        review_channel: values.conversation(REVIEW_CHANNEL),
        comments: values.option(COMMENTS),
    };
    NewCard::parse(form).map_err(|problems| {
        problems
            .into_iter()
            .map(|(field, problem)| (block(field), problem))
            .collect()
    })
}

fn block(field: CardField) -> &'static str {
    match field {
        CardField::Supplier => SUPPLIER,
        CardField::Raters => RATERS,
        CardField::Deliverables => DELIVERABLES,
        CardField::ReviewChannel => REVIEW_CHANNEL,
    }
}

/// A refusal of the whole card (not a leader, the card retired), shown beside its first field.
pub fn refused(problem: &str) -> FieldErrors {
    FieldErrors::from([(SUPPLIER, problem.to_owned())])
}
