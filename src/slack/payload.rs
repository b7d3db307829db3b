//! The payloads Slack sends us: slash commands, interactions and events.
use serde::Deserialize;
use serde_json::Value;

/// A slash command, as Slack posts it (form-encoded). Deprecated fields are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct SlashCommand {
    #[serde(default)]
    pub team_id: String,
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

/// An interaction's `payload=` JSON, read only as far as its type; the rest stays as JSON.
#[derive(Debug, Clone, Deserialize)]
pub struct Interaction {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(flatten)]
    pub rest: Value,
}

/// The `payload` field of an interaction's form body.
#[derive(Debug, Deserialize)]
pub struct InteractionForm {
    pub payload: String,
}
