//! Departed accounts (migration 0020): whose Slack account was deactivated, and since when, so
//! that `HEROBOT_FORGET_DEPARTED_AFTER_DAYS` can forget them; a reactivated account is cleared.
use sqlx::{SqliteConnection, SqliteExecutor};

/// Marks `user` departed at `at` (unix seconds) unless already marked (the first time counts).
/// True if newly marked.
pub async fn mark(conn: &mut SqliteConnection, user: &str, at: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "insert into departures (user_id, departed_at) values (?1, ?2)
         on conflict (user_id) do nothing",
    )
    .bind(user)
    .bind(at)
    .execute(conn)
    .await?
    .rows_affected()
        > 0)
}

/// Clears `user`'s mark (the account was reactivated). True if there was one.
pub async fn clear(conn: &mut SqliteConnection, user: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("delete from departures where user_id = ?1")
        .bind(user)
        .execute(conn)
        .await?
        .rows_affected()
        > 0)
}

/// Everyone marked departed at or before `before` (unix seconds), longest gone first.
pub async fn due<'e>(db: impl SqliteExecutor<'e>, before: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "select user_id from departures where departed_at <= ?1 order by departed_at, user_id",
    )
    .bind(before)
    .fetch_all(db)
    .await
}
