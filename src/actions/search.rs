//! Look up: `/hero find` (full-text search of stories and nominations) and `/hero profile`.
use serde_json::Value;

use super::in_time::{ReplyTo, in_time};
use crate::domain::UserId;
use crate::error::Result;
use crate::messages::search;
use crate::state::AppState;
use crate::store;

/// The best five matches for `query`, now or (past the budget) through `reply`.
pub async fn find(app: &AppState, query: String, reply: Option<ReplyTo>) -> Result<Value> {
    let worker = app.clone();
    in_time(app, reply, async move {
        // A search sees everything committed before it: what the indexer has not reached yet
        // is indexed first.
        store::search::catch_up(&worker.db, &worker.writes).await?;
        let hits = store::search::search(&worker.reads, &query, 5).await?;
        Ok(search::results(
            &query,
            &hits,
            &worker.config.timezone,
            worker.config.public_url.as_deref(),
        ))
    })
    .await
}

/// Indexes for search everything committed so far (what the indexer has not reached yet), so a
/// search sees it: a page that searches calls this first.
pub async fn index_committed(app: &AppState) -> Result<()> {
    store::search::catch_up(&app.db, &app.writes).await?;
    Ok(())
}

/// `who`'s profile, or the asker's, now or (past the budget) through `reply`.
pub async fn profile(
    app: &AppState,
    asker: &UserId,
    who: Option<UserId>,
    reply: Option<ReplyTo>,
) -> Result<Value> {
    let user = who.unwrap_or_else(|| asker.clone());
    let worker = app.clone();
    in_time(app, reply, async move { profile_of(&worker, &user).await }).await
}

async fn profile_of(app: &AppState, user: &UserId) -> Result<Value> {
    let profile = store::search::profile(&app.reads, user.as_str()).await?;
    Ok(search::profile(
        user.as_str(),
        &profile,
        &app.config.timezone,
    ))
}

/// Rebuilds the search index and the heroes' days from the tables (`herobot reindex`).
pub async fn rebuild_index(app: &AppState) -> Result<()> {
    store::search::rebuild(&app.writes).await?;
    Ok(())
}
