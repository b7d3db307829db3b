//! `/library/scorecard` and `/library/scorecard.csv`: the recovery measures of the 26 weeks to
//! a chosen week (by default the current one), as the digest computes them.
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::session::Session;
use super::{message, render};
use crate::domain::calendar::IsoWeek;
use crate::error::Result;
use crate::library::scorecard::{self, WEEKS};
use crate::state::AppState;
use crate::store::digests;

#[derive(Deserialize)]
pub(super) struct Params {
    week: Option<String>,
}

/// The week under way and the week asked for (never later than the current one), or why the
/// week cannot be read.
fn weeks(state: &AppState, params: &Params) -> Result<(IsoWeek, IsoWeek), String> {
    let now = state.clock.now();
    let current = IsoWeek::of(now, &state.config.timezone);
    let chosen = match params.week.as_deref().map(str::trim) {
        None | Some("") => current,
        Some(week) => IsoWeek::parse(week)
            .ok_or_else(|| format!("week must look like 2026-W47, not {week:?}"))?,
    };
    Ok((current, chosen.min(current)))
}

pub(super) async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<Params>,
) -> Result<Response> {
    let (current, chosen) = match weeks(&state, &params) {
        Ok(weeks) => weeks,
        Err(problem) => {
            return message(
                &state,
                Some(&session),
                StatusCode::BAD_REQUEST,
                "No such week",
                &[&problem],
            );
        }
    };
    let scores = digests::weekly(
        &state.db,
        &state.config.timezone,
        state.config.targets(),
        chosen,
        WEEKS,
    )
    .await?;
    let page = scorecard::page(session.layout(&state), &scores, current);
    Ok(render(&page)?.into_response())
}

pub(super) async fn csv(
    State(state): State<AppState>,
    _session: Session,
    Query(params): Query<Params>,
) -> Result<Response> {
    let (_, chosen) = weeks(&state, &params).map_err(crate::error::Error::BadRequest)?;
    let scores = digests::weekly(
        &state.db,
        &state.config.timezone,
        state.config.targets(),
        chosen,
        WEEKS,
    )
    .await?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"herobot-scorecard-{chosen}.csv\""),
            ),
        ],
        scorecard::csv(&scores),
    )
        .into_response())
}
