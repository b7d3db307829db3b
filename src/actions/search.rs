//! Look up: `/hero find` (full-text search of stories and nominations) and `/hero profile`.
use serde_json::Value;

use crate::domain::UserId;
use crate::error::Result;
use crate::messages::search;
use crate::state::AppState;
use crate::store;

/// The best five matches for `query`.
pub async fn find(app: &AppState, query: &str) -> Result<Value> {
    let hits = store::search::search(&app.db, query, 5).await?;
    Ok(search::results(
        query,
        &hits,
        &app.config.timezone,
        app.config.public_url.as_deref(),
    ))
}

/// `who`'s profile, or the asker's.
pub async fn profile(app: &AppState, asker: &UserId, who: Option<UserId>) -> Result<Value> {
    let user = who.unwrap_or_else(|| asker.clone());
    let profile = store::search::profile(&app.db, user.as_str()).await?;
    Ok(search::profile(
        user.as_str(),
        &profile,
        &app.config.timezone,
    ))
}
