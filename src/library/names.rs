//! Display names for exports and pages: from the cache, else from Slack (`users.list` in bulk
//! for exports, `users.info` for a page's few people; remembered), else the ID.
use crate::store::Db;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::clock::Clock;
use crate::slack::client::SlackClient;
use crate::store::{Writes, library};

/// `users.info` calls in flight at once (Slack allows about 100 a minute).
const AT_ONCE: usize = 4;

/// A name for every ID. Without a Slack client (the CLI without a token), cached names or IDs.
pub async fn resolve(
    db: &Db,
    writes: &Writes,
    slack: Option<&SlackClient>,
    ids: &[String],
    clock: &Clock,
) -> Result<HashMap<String, String>, sqlx::Error> {
    resolve_within(db, writes, slack, ids, None, clock).await
}

/// As [`resolve`], but waits for Slack at most `budget`: names that come later are remembered
/// for next time, and shown as IDs now (a page must not hang on a slow Slack).
pub async fn resolve_within(
    db: &Db,
    writes: &Writes,
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
            let (writes, slack, permits, id) =
                (writes.clone(), slack.clone(), permits.clone(), id.clone());
            let clock = clock.clone();
            lookups.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let name = look_up(&slack, &id).await?;
                remember(&writes, &[(id.clone(), name.clone())], clock.now_secs())
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

/// People per `users.list` page (Slack's advice for a large workspace).
const PAGE: &str = "200";
/// How many people an export looks up one at a time when `users.list` cannot be read.
const ONE_BY_ONE: usize = 20;

/// Names for an export: from the cache; the missing ones by paging `users.list` (one call per
/// 200 people, every name remembered), waiting at most `budget`. The paging goes on in the
/// background after it, to fill the cache for next time; until then IDs stand in. When
/// `users.list` cannot be read at all, up to `ONE_BY_ONE` people are looked up with
/// `users.info` within what is left of the budget.
pub async fn for_export(
    db: &Db,
    writes: &Writes,
    slack: Option<&SlackClient>,
    ids: &[String],
    budget: Duration,
    clock: &Clock,
    roster: &Arc<Roster>,
) -> Result<HashMap<String, String>, sqlx::Error> {
    let mut names = library::names(db, ids).await?;
    let missing: Vec<String> = ids
        .iter()
        .filter(|id| !names.contains_key(*id))
        .cloned()
        .collect();
    if let (Some(slack), false) = (slack, missing.is_empty())
        && let Some(warming) = Warming::start(roster.clone(), clock.now_secs())
    {
        let deadline = tokio::time::Instant::now() + budget;
        let (cache, client, time) = (writes.clone(), slack.clone(), clock.clone());
        let mut warm = tokio::spawn(async move {
            let warmed = warm(&cache, &client, &time).await;
            warming.finish(warmed.is_ok().then(|| time.now_secs()));
            warmed
        });
        match tokio::time::timeout_at(deadline, &mut warm).await {
            // Read in full, or partly before the budget ran out: whatever was remembered.
            Ok(Ok(Ok(()))) | Err(_) => names.extend(library::names(db, &missing).await?),
            Ok(_) => {
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                let few = &missing[..missing.len().min(ONE_BY_ONE)];
                names
                    .extend(resolve_within(db, writes, Some(slack), few, Some(left), clock).await?);
            }
        }
    }
    for id in ids {
        names.entry(id.clone()).or_insert_with(|| id.clone());
    }
    Ok(names)
}

/// When the app last read `users.list` in full, and whether it is reading it: one reading at a
/// time, and none again within `FRESH` of one read in full (a person missing from a fresh list,
/// someone from another workspace, is not worth paging the whole workspace again for). One per
/// app, held in its state.
#[derive(Debug, Default)]
pub struct Roster(std::sync::Mutex<(Option<i64>, bool)>);

/// A reading of `users.list` under way.
struct Warming {
    roster: Arc<Roster>,
    /// Set when the list was read in full.
    completed_at: Option<i64>,
}

/// Seconds a full reading of `users.list` stays fresh.
const FRESH: i64 = 600;

impl Warming {
    fn start(roster: Arc<Roster>, now: i64) -> Option<Self> {
        {
            let mut warmed = roster.0.lock().unwrap_or_else(|e| e.into_inner());
            let fresh = warmed.0.is_some_and(|at| now - at < FRESH);
            if fresh || warmed.1 {
                return None;
            }
            warmed.1 = true;
        }
        Some(Self {
            roster,
            completed_at: None,
        })
    }

    /// Done: read in full at `completed_at`, or not (None).
    fn finish(mut self, completed_at: Option<i64>) {
        self.completed_at = completed_at;
    }
}

impl Drop for Warming {
    fn drop(&mut self) {
        let mut warmed = self.roster.0.lock().unwrap_or_else(|e| e.into_inner());
        *warmed = (self.completed_at.or(warmed.0), false);
    }
}

/// Reads every person of the workspace from `users.list`, 200 a call, and remembers their names.
pub async fn warm(writes: &Writes, slack: &SlackClient, clock: &Clock) -> anyhow::Result<()> {
    let mut cursor = String::new();
    loop {
        let page = slack
            .call_form("users.list", &[("limit", PAGE), ("cursor", &cursor)])
            .await
            .map_err(|err| anyhow::anyhow!("users.list failed: {err}"))?;
        let members = page["members"]
            .as_array()
            .ok_or_else(|| anyhow::anyhow!("users.list gave no members"))?;
        let named: Vec<(String, String)> = members
            .iter()
            .filter_map(|m| {
                let id = m["id"].as_str()?;
                Some((id.to_owned(), display_name(&json!({ "user": m }))?))
            })
            .collect();
        remember(writes, &named, clock.now_secs()).await?;
        cursor = page["response_metadata"]["next_cursor"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if cursor.is_empty() {
            return Ok(());
        }
    }
}

/// Remembers display names in the cache, in a transaction of their own.
async fn remember(
    writes: &Writes,
    named: &[(String, String)],
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = writes.begin().await?;
    library::remember_names(&mut *tx, named, now).await?;
    tx.commit().await
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
