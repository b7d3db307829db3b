//! `GET /api/stories`: the exports over HTTP, for a bearer of `HEROBOT_API_TOKEN` (compared in
//! constant time; the scheme in any case). The API does not exist while the variable is unset.
//! `format=md` (the talk pack) holds only the stories every hero agreed to tell outside unless
//! `include_internal=true`; CSV and JSON hold every story.
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::domain::audit::Actor;
use crate::error::{Error, Result};
use crate::library::download;
use crate::library::export::{Format, KeptInside};
use crate::state::AppState;
use crate::store::library::Filter;

#[derive(Debug, Deserialize)]
pub struct Params {
    format: Option<String>,
    since: Option<String>,
    until: Option<String>,
    q: Option<String>,
    featured: Option<String>,
    shareable: Option<String>,
    include_internal: Option<String>,
}

pub async fn stories(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Result<Response> {
    let Some(token) = &state.config.api_token else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    if !super::bearer::carries(&headers, token) {
        return Err(Error::Unauthorized);
    }
    let format = match params.format.as_deref() {
        None => Format::Json,
        Some(f) => Format::parse(f).ok_or_else(|| {
            Error::BadRequest(format!("format must be json, csv or md, not {f:?}"))
        })?,
    };
    let filter = crate::library::filter(
        params.since.as_deref(),
        params.until.as_deref(),
        params.q.as_deref(),
        crate::library::flag(params.featured.as_deref()),
        crate::library::flag(params.shareable.as_deref()),
        &state.config.timezone,
    )
    .map_err(Error::BadRequest)?;
    let kept_inside =
        KeptInside::included(crate::library::flag(params.include_internal.as_deref()));
    exported(&state, format, &filter, kept_inside, Actor::Api).await
}

/// The stories `filter` selects, in `format`, as a dated attachment; a talk pack with the stories
/// kept inside only if `kept_inside` includes them. The audit trail records that `by` exported.
pub(super) async fn exported(
    state: &AppState,
    format: Format,
    filter: &Filter,
    kept_inside: KeptInside,
    by: Actor,
) -> Result<Response> {
    let source = download::ExportSource {
        reads: state.reads.clone(),
        db: state.db.clone(),
        writes: state.writes.clone(),
        slack: Some(state.slack.clone()),
        clock: state.clock.clone(),
        timezone: state.config.timezone.clone(),
        names_budget: download::NAMES_BUDGET,
        roster: state.roster.clone(),
        by,
    };
    let (chunks, _written) = download::spawn(source, format, filter.clone(), kept_inside);
    let day = crate::clock::local(state.clock.now_secs(), &state.config.timezone, "%Y-%m-%d");
    let disposition = format!(
        "attachment; filename=\"herobot-stories-{day}.{}\"",
        format.extension()
    );
    Ok((
        [
            (CONTENT_TYPE, format.content_type().to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(download::Chunks(chunks)),
    )
        .into_response())
}
