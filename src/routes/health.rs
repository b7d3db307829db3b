//! `/healthz` (the process is up), `/readyz` (the database answers and the outbox worker runs)
//! and `/metrics`.
use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

/// Counters, and the outbox backlog read now.
pub async fn metrics(
    State(state): State<AppState>,
) -> (
    StatusCode,
    [(axum::http::HeaderName, &'static str); 1],
    String,
) {
    let (pending, oldest): (i64, Option<i64>) =
        sqlx::query_as("select count(*), min(created_at) from outbox where status = 'pending'")
            .fetch_one(&state.db)
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
    match sqlx::query("select 1").execute(&state.db).await {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
