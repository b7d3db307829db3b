//! Idempotency keys of Slack requests, so a replayed request changes nothing twice.
use crate::store::db::Exec;

/// Records `key`; false if it was already recorded (the request is a replay).
pub async fn record(db: impl Into<Exec<'_>>, key: &str, now: i64) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        let done = sqlx::query(
            "insert into slack_requests (key, created_at) values ($1, $2) on conflict (key) do nothing",
        )
        .bind(key)
        .bind(now)
        .execute(db)
        .await?;
        Ok(done.rows_affected() == 1)
    })
}

/// What a request recorded with [`record_made`] made (a record's ID), if it was seen before:
/// a replay is answered with the same and makes nothing again.
pub async fn made(db: impl Into<Exec<'_>>, key: &str) -> Result<Option<i64>, sqlx::Error> {
    crate::on_any!(db, db => {
        let earlier: Option<Option<String>> =
            sqlx::query_scalar("select response from slack_requests where key = $1")
                .bind(key)
                .fetch_optional(db)
                .await?;
        Ok(earlier.map(|r| r.and_then(|r| r.parse().ok()).unwrap_or_default()))
    })
}

/// Records a request with the ID of what it made, in the transaction that made it.
pub async fn record_made(
    db: impl Into<Exec<'_>>,
    key: &str,
    made: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query("insert into slack_requests (key, response, created_at) values ($1, $2, $3)")
            .bind(key)
            .bind(made.to_string())
            .bind(now)
            .execute(db)
            .await?;
        Ok(())
    })
}

/// Forgets up to `limit` requests recorded before `before` (unix seconds); returns how many
/// were forgotten. Retention calls it a few thousand rows a transaction, so the write lock is
/// never held for long.
pub async fn forget_before(
    db: impl Into<Exec<'_>>,
    before: i64,
    limit: u64,
) -> Result<u64, sqlx::Error> {
    crate::on_any!(db, db => {
        let done = sqlx::query(
            "delete from slack_requests where key in
               (select key from slack_requests where created_at < $1 limit $2)",
        )
        .bind(before)
        .bind(limit as i64)
        .execute(db)
        .await?;
        Ok(done.rows_affected())
    })
}
