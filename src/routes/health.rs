//! `/healthz` (the process is up), `/readyz` (the database answers and the outbox worker runs)
//! and `/metrics`.
use axum::extract::State;
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Counters, and the outbox backlog read now; only for a bearer of `HEROBOT_METRICS_TOKEN` when
/// it is set.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.config.metrics_token
        && !super::bearer::carries(&headers, token)
    {
        return (
            StatusCode::UNAUTHORIZED,
            [(WWW_AUTHENTICATE, "Bearer")],
            "a bearer token is required",
        )
            .into_response();
    }
    let (pending, oldest) = crate::store::outbox::backlog(&state.db)
        .await
        .unwrap_or((-1, None));
    let oldest_age = oldest.map_or(0, |at| (state.clock.now_secs() - at).max(0));
    let text = crate::metrics::render(&[
        (
            "herobot_outbox_pending",
            "Outbox messages waiting for delivery.",
            pending,
        ),
        (
            "herobot_outbox_oldest_pending_seconds",
            "Age of the oldest message waiting for delivery (0 when none waits).",
            oldest_age,
        ),
    ]);
    (
        StatusCode::OK,
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        text,
    )
        .into_response()
}

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if !state
        .outbox_alive
        .load(std::sync::atomic::Ordering::Relaxed)
    {
        return (StatusCode::SERVICE_UNAVAILABLE, "outbox worker not running");
    }
    match crate::store::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
