//! `/hero find` (full-text search of stories and nominations) and `/hero profile`.
use serde_json::Value;

use crate::domain::UserId;
use crate::error::Result;
use crate::messages::search;
use crate::state::AppState;
use crate::store;

/// The best five matches.
pub async fn find(state: &AppState, query: &str) -> Result<Value> {
    let hits = store::search::search(&state.db, query, 5).await?;
    Ok(search::results(
        query,
        &hits,
        &state.config.timezone,
        state.config.public_url.as_deref(),
    ))
}

/// `who`'s profile, or the asker's.
pub async fn profile(state: &AppState, asker: &UserId, who: Option<UserId>) -> Result<Value> {
    let user = who.unwrap_or_else(|| asker.clone());
    let profile = store::search::profile(&state.db, user.as_str()).await?;
    Ok(search::profile(
        user.as_str(),
        &profile,
        &state.config.timezone,
    ))
}
