//! The outbox table: messages waiting for delivery, claimed by a worker, then sent or failed.
use sqlx::{FromRow, SqliteExecutor};

use super::batch::NewMessage;

/// A pending message as the scheduler sees it.
#[derive(Debug, Clone, FromRow)]
pub struct Pending {
    pub id: i64,
    pub lane: String,
    pub next_attempt_at_ms: i64,
}

/// A message claimed for delivery.
#[derive(Debug, Clone, FromRow)]
pub struct Claimed {
    pub id: i64,
    pub method: String,
    /// The channel or user it goes to (for a DM, the person it is about).
    pub lane: String,
    pub url: Option<String>,
    pub payload: String,
    pub render: Option<String>,
    pub subject_id: Option<i64>,
    pub attempts: i64,
}

/// Adds messages due at once; `subject_id` is the record that messages with `render` are about.
pub async fn enqueue(
    db: impl SqliteExecutor<'_>,
    messages: &[NewMessage],
    subject_id: Option<i64>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(messages).expect("messages serialise");
    sqlx::query(
        "insert into outbox (method, lane, url, payload, render, subject_id, next_attempt_at_ms, created_at)
         select value->>'method', value->>'lane', value->>'url', value->>'payload', value->>'render',
                iif(value->>'render' is null, null, ?2), ?3, ?3 / 1000
         from json_each(?1)",
    )
    .bind(json)
    .bind(subject_id)
    .bind(now_ms)
    .execute(db)
    .await?;
    Ok(())
}

/// Where `story_id`'s post was sent with `chat.postMessage`: (channel, ts) of each.
pub async fn story_posts(
    db: impl SqliteExecutor<'_>,
    story_id: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "select response->>'channel', response->>'ts' from outbox
         where subject_id = ?1 and render = 'story_post' and method = 'chat.postMessage' and status = 'sent'
           and response->>'channel' is not null and response->>'ts' is not null",
    )
    .bind(story_id)
    .fetch_all(db)
    .await
}

/// Pending messages with an ID above `after`, oldest first.
pub async fn pending_after(
    db: impl SqliteExecutor<'_>,
    after: i64,
    limit: i64,
) -> Result<Vec<Pending>, sqlx::Error> {
    sqlx::query_as("select id, lane, next_attempt_at_ms from outbox where status = 'pending' and id > ?1 order by id limit ?2")
        .bind(after)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// Reserves a pending message until `until_ms`, unless another worker holds it.
pub async fn claim(
    db: impl SqliteExecutor<'_>,
    id: i64,
    now_ms: i64,
    until_ms: i64,
) -> Result<Option<Claimed>, sqlx::Error> {
    sqlx::query_as(
        "update outbox set claimed_until_ms = ?3
         where id = ?1 and status = 'pending' and coalesce(claimed_until_ms, 0) <= ?2
         returning id, method, lane, url, payload, render, subject_id, attempts",
    )
    .bind(id)
    .bind(now_ms)
    .bind(until_ms)
    .fetch_optional(db)
    .await
}

pub async fn mark_sent(
    db: impl SqliteExecutor<'_>,
    id: i64,
    response: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update outbox set status = 'sent', attempts = attempts + 1, response = ?2, sent_at = ?3,
                last_error = null, claimed_until_ms = null
         where id = ?1",
    )
    .bind(id)
    .bind(response)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn mark_failed(
    db: impl SqliteExecutor<'_>,
    id: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update outbox set status = 'failed', attempts = attempts + 1, last_error = ?2, claimed_until_ms = null where id = ?1",
    )
    .bind(id)
    .bind(error)
    .execute(db)
    .await?;
    Ok(())
}

/// Puts a message back to wait until `at_ms`; `attempted` says whether this try counts
/// toward the attempt limit (a rate limit is not the message's fault).
pub async fn retry_at(
    db: impl SqliteExecutor<'_>,
    id: i64,
    at_ms: i64,
    error: &str,
    attempted: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update outbox set attempts = attempts + ?4, next_attempt_at_ms = ?2, last_error = ?3, claimed_until_ms = null
         where id = ?1",
    )
    .bind(id)
    .bind(at_ms)
    .bind(error)
    .bind(i64::from(attempted))
    .execute(db)
    .await?;
    Ok(())
}
