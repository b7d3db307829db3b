//! Answers to a modal's inputs, and the `state.values` Slack submits for them.
use std::collections::HashMap;

use serde_json::{Value, json};

/// What is filled into one input of a modal.
#[derive(Debug, Clone)]
pub enum Field<'a> {
    Text(&'a str),
    Users(&'a [&'static str]),
    User(&'a str),
    Conversation(&'a str),
    Choice(&'a str),
    DateTime(i64),
    /// `YYYY-MM-DD`.
    Date(&'a str),
}

/// `state.values` for `view` as Slack sends them: each input's element by its action ID, with
/// the given answers and every other input as left.
pub fn values(view: &Value, answers: &[(&str, Field<'_>)]) -> Value {
    let mut values = json!({});
    for block in view["blocks"].as_array().into_iter().flatten() {
        let (Some(block_id), Some(action_id)) = (
            block["block_id"].as_str(),
            block["element"]["action_id"].as_str(),
        ) else {
            continue;
        };
        let element = &block["element"];
        let kind = element["type"].as_str().unwrap_or_default();
        let answer = answers.iter().find(|(b, _)| *b == block_id).map(|(_, a)| a);
        let option = |value: &str| {
            element["options"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|o| o["value"] == value)
                .cloned()
                .unwrap_or(Value::Null)
        };
        let value = match (kind, answer) {
            ("plain_text_input", Some(Field::Text(t))) => json!({"type": kind, "value": t}),
            ("plain_text_input", _) => {
                json!({"type": kind, "value": element.get("initial_value").cloned().unwrap_or(Value::Null)})
            }
            ("multi_users_select", Some(Field::Users(u))) => {
                json!({"type": kind, "selected_users": u})
            }
            ("multi_users_select", _) => {
                json!({"type": kind, "selected_users": element.get("initial_users").cloned().unwrap_or(json!([]))})
            }
            ("static_select" | "radio_buttons", Some(Field::Choice(c))) => {
                json!({"type": kind, "selected_option": option(c)})
            }
            ("static_select" | "radio_buttons", _) => {
                json!({"type": kind, "selected_option": element.get("initial_option").cloned().unwrap_or(Value::Null)})
            }
            ("users_select", Some(Field::User(u))) => json!({"type": kind, "selected_user": u}),
            ("users_select", _) => {
                json!({"type": kind, "selected_user": element.get("initial_user").cloned().unwrap_or(Value::Null)})
            }
            ("conversations_select", Some(Field::Conversation(c))) => {
                json!({"type": kind, "selected_conversation": c})
            }
            ("conversations_select", _) => {
                json!({"type": kind, "selected_conversation": element.get("initial_conversation").cloned().unwrap_or(Value::Null)})
            }
            ("datetimepicker", Some(Field::DateTime(t))) => {
                json!({"type": kind, "selected_date_time": t})
            }
            ("datepicker", Some(Field::Date(d))) => json!({"type": kind, "selected_date": d}),
            ("datepicker", _) => {
                json!({"type": kind, "selected_date": element.get("initial_date").cloned().unwrap_or(Value::Null)})
            }
            (_, _) => json!({ "type": kind }),
        };
        values[block_id] = json!({ action_id: value });
    }
    values
}

/// A modal herobot would open, filled in and read back as Slack submits it.
pub(super) fn submitted(
    view: &Value,
    answers: &[(&str, Field<'_>)],
) -> anyhow::Result<SubmittedValues> {
    Ok(serde_json::from_value(values(view, answers))?)
}

type SubmittedValues = HashMap<String, HashMap<String, Value>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_answer_selects_and_date_pickers_as_slack_sends_them() {
        let card = crate::modals::report_card::view(None, &Default::default());
        let v = values(
            &card,
            &[("review_channel", Field::Conversation("C0DSALESMKT"))],
        );
        assert_eq!(
            v["review_channel"]["review_channel"]["selected_conversation"],
            "C0DSALESMKT"
        );
        let today = jiff::civil::date(2026, 11, 18);
        let action =
            crate::modals::action_item::view(crate::domain::RoundId(7), "Marketing", today);
        let v = values(&action, &[("owner", Field::User("U0DSOFIA"))]);
        assert_eq!(v["owner"]["owner"]["selected_user"], "U0DSOFIA");
        assert_eq!(v["due"]["due"]["selected_date"], "2026-12-02", "as offered");
        let v = values(&action, &[("due", Field::Date("2026-12-24"))]);
        assert_eq!(v["due"]["due"]["selected_date"], "2026-12-24");
        assert!(v["owner"]["owner"]["selected_user"].is_null());
    }

    #[test]
    fn values_answer_each_input_as_slack_sends_it() {
        let view = crate::modals::story::view(&Default::default(), &Default::default());
        let v = values(
            &view,
            &[
                ("title", Field::Text("T")),
                ("happened_at", Field::DateTime(5)),
                ("customer_kind", Field::Choice("internal")),
                ("heroes", Field::Users(&["U0DPRIYA"])),
            ],
        );
        assert_eq!(v["title"]["title"]["value"], "T");
        assert_eq!(v["happened_at"]["happened_at"]["selected_date_time"], 5);
        assert_eq!(
            v["customer_kind"]["customer_kind"]["selected_option"]["value"],
            "internal"
        );
        assert_eq!(v["heroes"]["heroes"]["selected_users"][0], "U0DPRIYA");
        assert_eq!(
            v["reaction"]["reaction"]["selected_option"]["value"],
            "unknown"
        );
        assert!(v["how_fixed"]["how_fixed"]["value"].is_null());
    }
}
