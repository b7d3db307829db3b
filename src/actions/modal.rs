//! Open a modal (the nomination or story form): the one call to Slack made while the person
//! waits, because Slack's trigger expires within 3 seconds.
use serde_json::Value;

use crate::messages;
use crate::state::AppState;

/// Opens `view`; None when it opened, else the private note saying what went wrong.
pub async fn open_modal(app: &AppState, trigger_id: &str, view: &Value) -> Option<Value> {
    match app.slack.open_view(trigger_id, view).await {
        Ok(()) => None,
        Err(err) => {
            tracing::warn!(error = %err, "views.open failed");
            Some(messages::refusal(&format!(
                "Slack would not open the form ({err}). Please try again."
            )))
        }
    }
}
