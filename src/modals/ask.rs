//! The modal a teller picks the internal customer in, opened from **Ask the customer**.
use serde_json::{Value, json};

use super::{FieldErrors, input, plain};
use crate::domain::{StoryId, UserId};
use crate::slack::blocks::truncate;
use crate::slack::payload::Values;

pub const CALLBACK_ID: &str = "ask_customer";
const CUSTOMER: &str = "customer";

/// The picker for the story `story_id` titled `title`; the story's ID rides in the metadata.
pub fn view(story_id: StoryId, title: &str) -> Value {
    json!({
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain("Ask the customer"),
        "submit": plain("Ask"),
        "close": plain("Cancel"),
        "private_metadata": story_id.to_string(),
        "blocks": [
            {"type": "section", "text": plain(&format!("Who was the internal customer of “{}”? herobot asks them once, in a DM, whether they were blown away.", truncate(title, 200)))},
            input(CUSTOMER, "The customer", json!({"type": "users_select", "action_id": CUSTOMER, "placeholder": plain("Pick a person")}), false, None),
        ],
    })
}

/// The story and the person picked, or the message to show beside the picker.
pub fn parse(values: &Values<'_>, metadata: &str) -> Result<(StoryId, String), FieldErrors> {
    let story = StoryId::parse(metadata);
    let customer = values
        .0
        .get(CUSTOMER)
        .and_then(|actions| actions.values().next())
        .and_then(|e| e.get("selected_user"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    match (story, customer) {
        (Some(story), Some(customer)) => Ok((story, customer)),
        _ => Err(FieldErrors::from([(
            CUSTOMER,
            "Pick the customer.".to_owned(),
        )])),
    }
}

/// The modal's answer once the customer is asked: it says privately whom herobot asked.
pub fn asked(customer: &UserId) -> Value {
    json!({
        "response_action": "update",
        "view": {
            "type": "modal",
            "callback_id": CALLBACK_ID,
            "title": plain("Ask the customer"),
            "close": plain("Done"),
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": format!(
                    ":white_check_mark: herobot asked <@{customer}> in a DM whether they were blown away. Their answer shows on the story and counts in the scorecard."
                )}},
            ],
        },
    })
}

/// The message beside the picker when the answer cannot go to that person.
pub fn refused(problem: &str) -> FieldErrors {
    FieldErrors::from([(CUSTOMER, problem.to_owned())])
}
