//! The modal that adds an action item from a round's results: what, its owner, its due date.
use jiff::civil::Date;
use serde_json::{Value, json};

use super::{FieldErrors, input, plain, text_input};
use crate::domain::report_card::{MAX_ACTION, due_on};
use crate::domain::{RoundId, UserId};
use crate::slack::payload::Values;

pub const CALLBACK_ID: &str = "report_card_action";
const WHAT: &str = "what";
const OWNER: &str = "owner";
const DUE: &str = "due";

/// An action item as filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    pub what: String,
    pub owner: UserId,
    pub due_on: Date,
}

/// The modal for the round `round_id`, due two weeks after `today` unless changed.
pub fn view(round_id: RoundId, supplier: &str, today: Date) -> Value {
    let due = today
        .checked_add(jiff::Span::new().days(14))
        .unwrap_or(today);
    json!({
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain("Add an action"),
        "submit": plain("Add"),
        "close": plain("Cancel"),
        "private_metadata": round_id.to_string(),
        "blocks": [
            input(WHAT, &format!("What will be done about {}'s shortfall?", crate::slack::blocks::truncate_plain(supplier, 60)), text_input(WHAT, true, MAX_ACTION, None, Some("Send the price list on the 1st, checked by Finance")), false, None),
            input(OWNER, "Who owns it?", json!({"type": "users_select", "action_id": OWNER, "placeholder": plain("Pick a person")}), false, Some("They get a DM with a Done button.")),
            input(DUE, "Due by", json!({"type": "datepicker", "action_id": DUE, "initial_date": due.to_string()}), false, None),
        ],
    })
}

/// The round and the action item, or the messages to show beside the fields.
pub fn parse(
    values: &Values<'_>,
    metadata: &str,
    today: Date,
) -> Result<(RoundId, NewAction), FieldErrors> {
    let mut errors = FieldErrors::new();
    let what = values.text(WHAT).unwrap_or_default().trim().to_owned();
    if what.is_empty() {
        errors.insert(WHAT, "Say what will be done.".into());
    } else if what.chars().count() > MAX_ACTION {
        errors.insert(WHAT, format!("Keep it within {MAX_ACTION} characters."));
    }
    let owner = values.user(OWNER).as_deref().and_then(UserId::parse);
    if owner.is_none() {
        errors.insert(OWNER, "Pick who owns it.".into());
    }
    let due = due_on(&values.date(DUE).unwrap_or_default(), today);
    if let Err(problem) = &due {
        errors.insert(DUE, problem.clone());
    }
    let round = RoundId::parse(metadata);
    match (round, owner, due) {
        (Some(round), Some(owner), Ok(due_on)) if errors.is_empty() => Ok((
            round,
            NewAction {
                what,
                owner,
                due_on,
            },
        )),
        _ => {
            if errors.is_empty() {
                errors.insert(WHAT, "This form is out of date: open it again.".into());
            }
            Err(errors)
        }
    }
}

/// A refusal of the whole action item, beside its first field.
pub fn refused(problem: &str) -> FieldErrors {
    FieldErrors::from([(WHAT, problem.to_owned())])
}
