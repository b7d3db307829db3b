//! `GET /wall/<key>`: the wallboard for an office screen. It refreshes itself every minute
//! without script, carries the library's security headers, and is not found without a key that
//! works.
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::middleware::map_response;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::domain::calendar::IsoWeek;
use crate::error::Result;
use crate::state::AppState;
use crate::store::digests;
use crate::wall::board::{self, RECOGNITIONS, TREND_WEEKS};
use crate::{store, wall};

/// How long the board waits for Slack to name people it has not named before.
const NAMES_BUDGET: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/wall/{key}", get(show))
        .layer(map_response(super::library::protect))
}

async fn show(State(state): State<AppState>, Path(key): Path<String>) -> Result<Response> {
    if !wall::opens(&state.db, &key).await? {
        return Ok((
            StatusCode::NOT_FOUND,
            Html(
                "<!doctype html><html lang=\"en\"><title>Not found</title><p>Not found.</p></html>",
            ),
        )
            .into_response());
    }
    let now = state.clock.now_secs();
    let tz = &state.config.timezone;
    let current = IsoWeek::of(jiff::Timestamp::from_second(now).unwrap_or_default(), tz);
    let scores = digests::weekly(
        &state.db,
        &state.config.timezone,
        state.config.targets(),
        current,
        TREND_WEEKS,
    )
    .await?;
    let recognitions = store::wall::latest_recognitions(&state.db, RECOGNITIONS).await?;
    // The newest quote within the trend's weeks: an older one is no longer news.
    let since = scores.first().map_or(now, |w| w.week.bounds(tz).0);
    let quote = store::wall::latest_quote(&state.db, since).await?;
    let names = crate::library::names::resolve_within(
        &state.db,
        &state.writes,
        Some(&state.slack),
        &board::people_to_name(&scores, &recognitions, quote.as_ref()),
        Some(NAMES_BUDGET),
        &state.clock,
    )
    .await?;
    let page = board::board(&scores, &recognitions, quote.as_ref(), &names, now, tz);
    Ok(super::library::render(&page)?.into_response())
}
