//! `/library…`: the story library's web pages for leaders, behind a signed session cookie.
//! Sign-in links come from `/hero library`; without a session every page redirects to an
//! explanation of how to get one.
mod audit;
mod report_cards;
mod scorecard;
mod session;
mod stories;

use std::time::Duration;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::map_response;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use crate::error::{Error, Result};
use crate::library::pages::{self, Layout};
use crate::state::AppState;
use session::Session;

/// How long a page waits for Slack to name people it has not named before.
const NAMES_BUDGET: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/library", get(stories::list))
        .route("/library/", get(stories::list))
        .route("/library/login", get(session::login))
        .route("/library/sign-in", get(session::how_to_sign_in))
        .route("/library/sign-out", post(session::sign_out))
        .route("/library/stories/{id}", get(stories::story))
        .route("/library/stories/{id}/feature", post(stories::feature))
        .route("/library/export", get(stories::download))
        .route("/library/scorecard", get(scorecard::page))
        .route("/library/scorecard.csv", get(scorecard::csv))
        .route("/library/reportcards", get(report_cards::list))
        .route("/library/reportcards.csv", get(report_cards::csv))
        .route("/library/reportcards/{id}", get(report_cards::card))
        .route("/library/audit", get(audit::page))
        .route("/library/audit.csv", get(audit::csv))
        .route("/library/{*rest}", get(not_found).post(not_found))
        .layer(map_response(protect))
}

/// No scripts, no framing, no caching, no referrer (a sign-in link must not leak).
pub(in crate::routes) async fn protect(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = [
        (
            CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (X_FRAME_OPTIONS, "DENY"),
        (REFERRER_POLICY, "no-referrer"),
        (CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The library's path as the browser sees it (under `HEROBOT_PUBLIC_URL`'s path, if any).
pub(super) fn base(state: &AppState) -> String {
    crate::library::base_path(state.config.public_url.as_deref())
}

/// A page of explanation with `status`.
pub(super) fn message(
    state: &AppState,
    session: Option<&Session>,
    status: StatusCode,
    heading: &str,
    paragraphs: &[&str],
) -> Result<Response> {
    let page = pages::Message {
        layout: session.map_or_else(
            || Layout {
                base: base(state),
                csrf: None,
            },
            |s| s.layout(state),
        ),
        heading: heading.to_owned(),
        paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
    };
    Ok((status, render(&page)?).into_response())
}

pub(in crate::routes) fn render(page: &impl Template) -> Result<Html<String>> {
    page.render()
        .map(Html)
        .map_err(|e| Error::Internal(anyhow::anyhow!("rendering a library page: {e}")))
}

/// Anything else under `/library`: not found when signed in, else how to sign in.
async fn not_found(State(state): State<AppState>, parts: Parts) -> Result<Response> {
    match session::current(&parts, &state).await? {
        Some(session) => message(
            &state,
            Some(&session),
            StatusCode::NOT_FOUND,
            "Page not found",
            &["The library has a story list and a page per story; start from the list."],
        ),
        None => Ok(session::to_sign_in(&parts, &state)),
    }
}
