//! The HTTP surface: a file per route or interaction kind; handlers parse, call one action and
//! answer.
mod api;
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
use axum::http::Request;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

use crate::state::AppState;

/// Every route herobot serves.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/slack/commands", post(commands::hero))
        .route("/slack/interactions", post(interactions::interaction))
        .route("/slack/events", post(events::event))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/api/stories", get(api::stories))
        .merge(library::router())
        .merge(wall::router())
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
