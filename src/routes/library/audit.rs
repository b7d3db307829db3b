//! `/library/audit` and `/library/audit.csv`: the audit trail for leaders, newest first, a page
//! at a time, and whole as CSV.
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::session::Session;
use super::{NAMES_BUDGET, render};
use crate::error::Result;
use crate::library::audit::{self, Line};
use crate::state::AppState;
use crate::store;

/// Events per page.
const PAGE: i64 = 50;
/// The last page the trail goes to (5 million events in).
const MAX_PAGE: i64 = 100_000;

#[derive(Deserialize)]
pub(super) struct Params {
    /// Any text: a page number that is not one shows the first page.
    page: Option<String>,
}

/// `rows` in words, with the names of the people who acted.
async fn lines(state: &AppState, rows: &[store::audit::Recorded]) -> Result<Vec<Line>> {
    let names = crate::library::names::resolve_within(
        &state.db,
        &state.writes,
        Some(&state.slack),
        &audit::people(rows),
        Some(NAMES_BUDGET),
        &state.clock,
    )
    .await?;
    Ok(rows.iter().map(|r| audit::line(r, &names)).collect())
}

pub(super) async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<Params>,
) -> Result<Response> {
    let page = params
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_PAGE);
    let mut rows = store::audit::newest(&state.db, (page - 1) * PAGE, PAGE + 1).await?;
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    let lines = lines(&state, &rows).await?;
    let first = ((page - 1) * PAGE) as usize + 1;
    let view = audit::Page {
        layout: session.layout(&state),
        count: audit::count(first, lines.len(), more),
        lines,
        previous: (page > 1).then_some(page - 1),
        next: (more && page < MAX_PAGE).then_some(page + 1),
    };
    Ok(render(&view)?.into_response())
}

pub(super) async fn csv(State(state): State<AppState>, _session: Session) -> Result<Response> {
    let rows = store::audit::since(&state.db, i64::MIN).await?;
    let mut lines = lines(&state, &rows).await?;
    // Newest first, as on the page.
    lines.reverse();
    let day = audit::utc(state.clock.now_secs());
    let day = day.get(..10).unwrap_or("today");
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"herobot-audit-{day}.csv\""),
            ),
        ],
        audit::csv(&lines),
    )
        .into_response())
}
