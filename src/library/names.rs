//! Display names for exports and pages: from the cache, else from `users.info` (remembered),
//! else the ID.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use sqlx::SqlitePool;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::clock::Clock;
use crate::slack::client::SlackClient;
use crate::store::library;

/// `users.info` calls in flight at once (Slack allows about 100 a minute).
const AT_ONCE: usize = 4;

/// A name for every ID. Without a Slack client (the CLI without a token), cached names or IDs.
pub async fn resolve(
    db: &SqlitePool,
    slack: Option<&SlackClient>,
    ids: &[String],
    clock: &Clock,
) -> Result<HashMap<String, String>, sqlx::Error> {
    resolve_within(db, slack, ids, None, clock).await
}

/// As [`resolve`], but waits for Slack at most `budget`: names that come later are remembered
/// for next time, and shown as IDs now (a page must not hang on a slow Slack).
pub async fn resolve_within(
    db: &SqlitePool,
    slack: Option<&SlackClient>,
    ids: &[String],
    budget: Option<Duration>,
    clock: &Clock,
) -> Result<HashMap<String, String>, sqlx::Error> {
    let mut names = library::names(db, ids).await?;
    if let Some(slack) = slack {
        let deadline = budget.map(|b| tokio::time::Instant::now() + b);
        let permits = Arc::new(Semaphore::new(AT_ONCE));
        let mut lookups = JoinSet::new();
        for id in ids.iter().filter(|id| !names.contains_key(*id)) {
            let (db, slack, permits, id) = (db.clone(), slack.clone(), permits.clone(), id.clone());
            let clock = clock.clone();
            lookups.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let name = look_up(&slack, &id).await?;
                library::remember_name(&db, &id, &name, clock.now_secs())
                    .await
                    .inspect_err(
                        |err| tracing::warn!(user = id, error = %err, "remembering a name failed"),
                    )
                    .ok()?;
                Some((id, name))
            });
        }
        loop {
            let next = match deadline {
                Some(deadline) => {
                    match tokio::time::timeout_at(deadline, lookups.join_next()).await {
                        Ok(next) => next,
                        Err(_) => {
                            // The rest finish in the background and fill the cache.
                            lookups.detach_all();
                            break;
                        }
                    }
                }
                None => lookups.join_next().await,
            };
            match next {
                None => break,
                Some(Ok(Some((id, name)))) => {
                    names.insert(id, name);
                }
                Some(_) => {}
            }
        }
    }
    for id in ids {
        names.entry(id.clone()).or_insert_with(|| id.clone());
    }
    Ok(names)
}

async fn look_up(slack: &SlackClient, id: &str) -> Option<String> {
    match slack.call_form("users.info", &[("user", id)]).await {
        Ok(answer) => display_name(&answer),
        Err(err) => {
            tracing::warn!(user = id, error = %err, "users.info failed; showing the ID");
            None
        }
    }
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
