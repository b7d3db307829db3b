//! `/healthz` (the process is up), `/readyz` (the database answers) and `/metrics`.
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
    let pending: i64 = sqlx::query_scalar("select count(*) from outbox where status = 'pending'")
        .fetch_one(&state.db)
        .await
        .unwrap_or(-1);
    let text = crate::metrics::render(&[(
        "herobot_outbox_pending",
        "Outbox messages waiting for delivery.",
        pending,
    )]);
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
    match sqlx::query("select 1").execute(&state.db).await {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
