//! The private replies to `/hero wall`: a wallboard link, or how many links were ended.
use serde_json::{Value, json};

use super::link_button;
use crate::domain::Element;
use crate::slack::blocks;

/// A leader's wallboard link.
pub fn link(url: &str) -> Value {
    let text = format!(
        "Here is a link to the office wallboard. Open it full screen on a screen people walk past: it refreshes itself every minute and needs no sign-in, so share it only with that screen. `/hero wall revoke` ends every wallboard link.\n<{url}|Open the wallboard>"
    );
    json!({
        "response_type": "ephemeral",
        "text": text,
        "blocks": [
            blocks::section(&text),
            {"type": "actions", "elements": [
                link_button("Open the wallboard", Element::OpenWallboard, url, Some("primary")),
            ]},
        ],
    })
}

/// Every link was ended.
pub fn revoked(ended: u64) -> Value {
    let text = match ended {
        0 => "There was no working wallboard link. `/hero wall` makes a new one.".to_owned(),
        1 => "1 wallboard link no longer works. `/hero wall` makes a new one.".to_owned(),
        n => format!("{n} wallboard links no longer work. `/hero wall` makes a new one."),
    };
    json!({ "response_type": "ephemeral", "text": text })
}
