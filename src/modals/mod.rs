//! The modals herobot opens (nomination, recovery story, report cards): their views, and the reading of a
//! submission into domain types, with errors keyed by the input they belong to.
pub mod action_item;
pub mod ask;
pub mod nomination;
pub mod rating;
pub mod report_card;
pub mod story;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::{Tag, UserId};
use crate::slack::blocks::truncate_plain;

/// Messages shown beside inputs, by block ID.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// The `view_submission` answer that keeps the modal open with the messages beside the fields.
pub fn errors_response(errors: &FieldErrors) -> Value {
    json!({"response_action": "errors", "errors": errors})
}

/// Where a modal was opened from, carried in its `private_metadata` to the submission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The channel where `/hero` was typed or the shortcut used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The response_url that posts into that channel (valid 30 minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_url: Option<String>,
    /// The message a shortcut was used on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permalink: Option<String>,
}

impl Origin {
    /// Slack allows 3,000 characters of metadata; a response_url and permalink fit easily.
    pub fn to_metadata(&self) -> String {
        serde_json::to_string(self).expect("origin serialises")
    }

    pub fn from_metadata(metadata: &str) -> Self {
        serde_json::from_str(metadata).unwrap_or_default()
    }
}

/// A message's link, as Slack builds it: `https://{domain}.slack.com/archives/{channel}/p{ts}`.
pub fn permalink(domain: Option<&str>, channel: &str, ts: &str) -> Option<String> {
    let domain = domain.filter(|d| !d.is_empty())?;
    (!channel.is_empty() && !ts.is_empty()).then(|| {
        format!(
            "https://{domain}.slack.com/archives/{channel}/p{}",
            ts.replace('.', "")
        )
    })
}

/// Reads selected users; IDs Slack would never send are dropped.
pub fn users(ids: &[String]) -> Vec<UserId> {
    ids.iter().filter_map(|id| UserId::parse(id)).collect()
}

/// Reads a tags input: words separated by commas or spaces, with or without `#`.
pub fn tags(text: Option<&str>) -> Result<Vec<Tag>, String> {
    let words = text
        .unwrap_or_default()
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty());
    let mut named = Vec::new();
    for word in words {
        named.push(Tag::parse(word).ok_or_else(|| {
            format!(
                "\"{}\" is not a tag: use letters, digits, - and _.",
                truncate_plain(word, 40)
            )
        })?);
    }
    crate::domain::nomination::tags(named)
        .ok_or_else(|| format!("Use at most {} tags.", crate::domain::nomination::MAX_TAGS))
}

/// A plain-text label or title.
fn plain(text: &str) -> Value {
    json!({"type": "plain_text", "text": text, "emoji": true})
}

/// An option of a select or radio group.
fn choice(text: &str, value: &str) -> Value {
    json!({"text": plain(text), "value": value})
}

/// An input block.
fn input(block_id: &str, label: &str, element: Value, optional: bool, hint: Option<&str>) -> Value {
    let mut block = json!({"type": "input", "block_id": block_id, "label": plain(label), "element": element, "optional": optional});
    if let Some(hint) = hint {
        block["hint"] = plain(hint);
    }
    block
}

/// A plain-text input, with Slack's `max_length` and an optional initial value.
fn text_input(
    action_id: &str,
    multiline: bool,
    max: usize,
    initial: Option<&str>,
    placeholder: Option<&str>,
) -> Value {
    let mut element = json!({"type": "plain_text_input", "action_id": action_id, "multiline": multiline, "max_length": max});
    if let Some(initial) = initial.filter(|i| !i.is_empty()) {
        element["initial_value"] = Value::from(truncate_plain(initial, max));
    }
    if let Some(placeholder) = placeholder {
        element["placeholder"] = plain(placeholder);
    }
    element
}

/// The people picker for heroes, pre-filled with `initial` (a shortcut's message author).
fn heroes_select(placeholder: &str, initial: &[String]) -> Value {
    let mut select = json!({"type": "multi_users_select", "action_id": "heroes", "placeholder": plain(placeholder)});
    if !initial.is_empty() {
        select["initial_users"] = json!(initial);
    }
    select
}

/// The choice between an external customer and an internal team.
fn customer_kinds() -> Value {
    json!({"type": "radio_buttons", "action_id": "customer_kind", "options": [
        choice("An external customer", "external"),
        choice("An internal team", "internal"),
    ]})
}

/// A modal view.
fn modal(
    callback_id: &str,
    title: &str,
    submit: &str,
    origin: &Origin,
    blocks: Vec<Value>,
) -> Value {
    json!({
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title),
        "submit": plain(submit),
        "close": plain("Cancel"),
        "private_metadata": origin.to_metadata(),
        "blocks": blocks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalinks_are_built_from_domain_channel_and_ts() {
        assert_eq!(
            permalink(Some("acme"), "C0GENERAL", "1583636382.000300").as_deref(),
            Some("https://acme.slack.com/archives/C0GENERAL/p1583636382000300")
        );
        assert_eq!(permalink(None, "C0GENERAL", "1.2"), None);
    }

    #[test]
    fn tags_accept_commas_spaces_and_hashes() {
        let tags = tags(Some("#billing, Onboarding  vip,billing")).unwrap();
        let names: Vec<&str> = tags.iter().map(Tag::as_str).collect();
        assert_eq!(names, ["billing", "onboarding", "vip"]);
        assert!(super::tags(Some("bad!tag")).is_err());
        assert!(super::tags(None).unwrap().is_empty());
    }

    #[test]
    fn origin_round_trips_through_metadata() {
        let origin = Origin {
            channel: Some("C1".into()),
            response_url: None,
            permalink: Some("https://x".into()),
        };
        assert_eq!(Origin::from_metadata(&origin.to_metadata()), origin);
        assert_eq!(Origin::from_metadata("not json"), Origin::default());
    }
}
