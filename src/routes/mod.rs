//! The HTTP surface: a file per route or interaction kind; handlers parse, call one action and
//! answer.
mod answer;
mod api;
mod bearer;
mod buttons;
mod commands;
mod events;
mod health;
mod interactions;
mod library;
mod shortcuts;
mod submissions;
mod wall;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::Request;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::state::AppState;

/// A slash command's form: a 3,000-character reason in a non-Latin script encodes to about 27 KB.
const COMMAND_BODY: usize = 32 * 1024;
/// An interaction carries the whole modal (blocks and every input's value), form-encoded JSON.
const INTERACTION_BODY: usize = 512 * 1024;
/// An event carries one message or view event.
const EVENT_BODY: usize = 256 * 1024;
/// The library's own forms (CSRF token, a story's ID).
const FORM_BODY: usize = 16 * 1024;

/// Every route herobot serves. A body over its route's limit is refused by its declared length,
/// before it is read.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/slack/commands",
            post(commands::hero).layer(RequestBodyLimitLayer::new(COMMAND_BODY)),
        )
        .route(
            "/slack/interactions",
            post(interactions::interaction).layer(RequestBodyLimitLayer::new(INTERACTION_BODY)),
        )
        .route(
            "/slack/events",
            post(events::event).layer(RequestBodyLimitLayer::new(EVENT_BODY)),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/api/stories", get(api::stories))
        .merge(library::router())
        .merge(wall::router())
        .merge(answer::router())
        .route_layer(axum::middleware::from_fn(counted))
        .layer(DefaultBodyLimit::max(FORM_BODY))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                // The path only: query strings may carry sign-in tokens; a wallboard's key is
                // left out too.
                let path = req.uri().path();
                let path = if path.starts_with("/wall/") {
                    "/wall/…"
                } else {
                    path
                };
                tracing::info_span!("request", method = %req.method(), path = %path)
            }),
        )
        .with_state(state)
}

/// Counts each answered request by its route's pattern (never the path itself, which may hold a
/// key) and status, and records how long it took.
async fn counted(request: Request<axum::body::Body>, next: Next) -> Response {
    // A clone of the pattern's Arc, not a copy of its text.
    let route = request.extensions().get::<MatchedPath>().cloned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    crate::metrics::request(
        route.as_ref().map_or("unmatched", MatchedPath::as_str),
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}
