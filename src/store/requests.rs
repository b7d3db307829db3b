//! Idempotency keys of Slack requests, so a replayed request changes nothing twice.
use sqlx::SqliteExecutor;

/// Records `key`; false if it was already recorded (the request is a replay).
pub async fn record(db: impl SqliteExecutor<'_>, key: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "insert into slack_requests (key, created_at) values (?1, ?2) on conflict (key) do nothing",
    )
    .bind(key)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
