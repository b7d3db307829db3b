//! Display names for exports: from the cache, else from `users.info` (remembered), else the ID.
use std::collections::HashMap;

use serde_json::Value;
use sqlx::SqlitePool;

use crate::slack::client::SlackClient;
use crate::store::library;

/// A name for every ID. Without a Slack client (the CLI without a token), cached names or IDs.
pub async fn resolve(
    db: &SqlitePool,
    slack: Option<&SlackClient>,
    ids: &[String],
) -> Result<HashMap<String, String>, sqlx::Error> {
    let mut names = library::names(db, ids).await?;
    if let Some(slack) = slack {
        let unknown: Vec<&String> = ids.iter().filter(|id| !names.contains_key(*id)).collect();
        for id in unknown {
            match slack.call_form("users.info", &[("user", id)]).await {
                Ok(answer) => {
                    if let Some(name) = display_name(&answer) {
                        library::remember_name(db, id, &name, crate::clock::now_secs()).await?;
                        names.insert(id.clone(), name);
                    }
                }
                Err(err) => {
                    tracing::warn!(user = id, error = %err, "users.info failed; the export shows the ID")
                }
            }
        }
    }
    for id in ids {
        names.entry(id.clone()).or_insert_with(|| id.clone());
    }
    Ok(names)
}

/// The name a person goes by: display name, else real name, else user name.
fn display_name(answer: &Value) -> Option<String> {
    let user = answer.get("user")?;
    [
        &user["profile"]["display_name"],
        &user["profile"]["real_name"],
        &user["real_name"],
        &user["name"],
    ]
    .into_iter()
    .filter_map(Value::as_str)
    .map(str::trim)
    .find(|name| !name.is_empty())
    .map(str::to_owned)
}
