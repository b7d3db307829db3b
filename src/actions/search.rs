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
        store::search::catch_up(&worker.db, &worker.turns).await?;
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
