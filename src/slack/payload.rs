//! The payloads Slack sends us: slash commands, interactions and events.
use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

/// A slash command, as Slack posts it (form-encoded). Deprecated fields are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct SlashCommand {
    #[serde(default)]
    pub team_id: String,
    #[serde(default)]
    pub team_domain: String,
    #[serde(default)]
    pub channel_id: String,
    pub user_id: String,
    #[serde(default)]
    pub command: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub response_url: String,
    #[serde(default)]
    pub trigger_id: String,
}

/// The Events API envelope: the URL check, or an event to acknowledge once.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventEnvelope {
    UrlVerification {
        challenge: String,
    },
    EventCallback {
        event_id: String,
        #[serde(default)]
        event: Value,
    },
    #[serde(other)]
    Other,
}

/// The `payload` field of an interaction's form body.
#[derive(Debug, Deserialize)]
pub struct InteractionForm {
    pub payload: String,
}

/// An interaction, by type; types herobot does not use are `Other`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Interaction {
    ViewSubmission(ViewSubmission),
    ViewClosed {},
    BlockActions(BlockActions),
    MessageAction(MessageAction),
    #[serde(other)]
    Other,
}

/// The workspace an interaction comes from; `null` for org-wide installs.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Team {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub domain: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub team_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Channel {
    #[serde(default)]
    pub id: String,
}

/// A modal submitted.
#[derive(Debug, Clone, Deserialize)]
pub struct ViewSubmission {
    #[serde(default)]
    pub team: Option<Team>,
    pub user: User,
    pub view: View,
}

#[derive(Debug, Clone, Deserialize)]
pub struct View {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub team_id: Option<String>,
    #[serde(default)]
    pub callback_id: String,
    #[serde(default)]
    pub private_metadata: String,
    #[serde(default)]
    pub state: ViewState,
}

/// `state.values[block_id][action_id]`: each input's value, keyed as Slack sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ViewState {
    #[serde(default)]
    pub values: HashMap<String, HashMap<String, Value>>,
}

/// Buttons and other elements used in messages and views.
#[derive(Debug, Clone, Deserialize)]
pub struct BlockActions {
    #[serde(default)]
    pub team: Option<Team>,
    pub user: User,
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub response_url: Option<String>,
    /// Unique per interaction; opens a modal within 3 seconds (a button on App Home opens the
    /// forms).
    #[serde(default)]
    pub trigger_id: String,
    /// The message the button is on (absent for buttons in modals and on App Home).
    #[serde(default)]
    pub message: Option<ShortcutMessage>,
    #[serde(default)]
    pub actions: Vec<Action>,
    /// The inputs of the message or view the button is in (a comment typed beside the buttons).
    #[serde(default)]
    pub state: ViewState,
    /// Where the button is: a message, or a view (App Home or a modal).
    #[serde(default)]
    pub container: Option<Container>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Container {
    #[serde(default, rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    #[serde(default)]
    pub action_id: String,
    #[serde(default)]
    pub value: Option<String>,
}

/// A message shortcut used on a message.
#[derive(Debug, Clone, Deserialize)]
pub struct MessageAction {
    #[serde(default)]
    pub team: Option<Team>,
    pub user: User,
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub callback_id: String,
    #[serde(default)]
    pub trigger_id: String,
    #[serde(default)]
    pub message: ShortcutMessage,
    #[serde(default)]
    pub response_url: Option<String>,
}

/// A message an interaction happened on.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ShortcutMessage {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub ts: String,
}

impl Interaction {
    /// The team an interaction belongs to, wherever Slack put it (`team` is null for org-wide
    /// installs).
    pub fn team_of(team: &Option<Team>, user: &User, fallback: Option<&str>) -> String {
        team.as_ref()
            .map(|t| t.id.clone())
            .filter(|id| !id.is_empty())
            .or_else(|| user.team_id.clone())
            .or_else(|| fallback.map(str::to_owned))
            .unwrap_or_default()
    }
}

/// Reads a view's input values; each input block holds one element, whatever its action ID.
pub struct Values<'a>(pub &'a HashMap<String, HashMap<String, Value>>);

impl Values<'_> {
    fn element(&self, block: &str) -> Option<&Value> {
        self.0
            .get(block)
            .and_then(|actions| actions.values().next())
    }

    /// A text input (`value`), or None when untouched (`null` or missing).
    pub fn text(&self, block: &str) -> Option<String> {
        self.element(block)?
            .get("value")?
            .as_str()
            .map(str::to_owned)
    }

    /// A multi-user select (`selected_users`).
    pub fn users(&self, block: &str) -> Vec<String> {
        self.element(block)
            .and_then(|e| e.get("selected_users"))
            .and_then(Value::as_array)
            .map(|users| {
                users
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A select or radio group (`selected_option.value`).
    pub fn option(&self, block: &str) -> Option<String> {
        self.element(block)?
            .get("selected_option")?
            .get("value")?
            .as_str()
            .map(str::to_owned)
    }

    /// A conversations select (`selected_conversation`).
    pub fn conversation(&self, block: &str) -> Option<String> {
        self.element(block)?
            .get("selected_conversation")?
            .as_str()
            .map(str::to_owned)
    }

    /// A users select (`selected_user`).
    pub fn user(&self, block: &str) -> Option<String> {
        self.element(block)?
            .get("selected_user")?
            .as_str()
            .map(str::to_owned)
    }

    /// A date picker (`selected_date`, `YYYY-MM-DD`).
    pub fn date(&self, block: &str) -> Option<String> {
        self.element(block)?
            .get("selected_date")?
            .as_str()
            .map(str::to_owned)
    }

    /// A date-time picker (`selected_date_time`, epoch seconds).
    pub fn date_time(&self, block: &str) -> Option<i64> {
        self.element(block)?.get("selected_date_time")?.as_i64()
    }
}
