//! The audit trail (migration 0019), append-only: this module is the only one that touches the
//! `audit` table, and it only inserts, reads, and (for a forget) puts a forgotten person's
//! placeholder where their ID was. `tests/architecture` fails on any other `audit` write.
use crate::store::Conn;
use crate::store::db::Exec;

use crate::domain::audit::{Entry, Event, Subject};

/// Records `entry` at `at` (unix seconds) in the caller's transaction, so the row exists
/// exactly when what it records committed.
pub async fn record(conn: &mut Conn<'_>, at: i64, entry: &Entry) -> Result<(), sqlx::Error> {
    crate::on!(conn, conn => {
        sqlx::query("insert into audit (at, actor, event, subject) values ($1, $2, $3, $4)")
            .bind(at)
            .bind(entry.actor.as_str())
            .bind(entry.event.name())
            .bind(entry.subject.stored())
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// A row of the trail as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub id: i64,
    pub at: i64,
    /// As stored: a user ID (or placeholder), `cli`, `api` or `schedule`.
    pub actor: String,
    /// None for an event a later version recorded.
    pub event: Option<Event>,
    /// None for a subject a later version recorded.
    pub subject: Option<Subject>,
}

type Row = (i64, i64, String, String, String);

fn recorded((id, at, actor, event, subject): Row) -> Recorded {
    Recorded {
        id,
        at,
        actor,
        event: Event::parse(&event),
        subject: Subject::parse(&subject),
    }
}

/// Up to `limit` rows, newest first, after skipping the `offset` newest.
pub async fn newest<'e>(
    db: impl Into<Exec<'e>>,
    offset: i64,
    limit: i64,
) -> Result<Vec<Recorded>, sqlx::Error> {
    crate::on_any!(db, db => {
        let rows: Vec<Row> = sqlx::query_as(
            "select id, at, actor, event, subject from audit order by id desc limit $1 offset $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await?;
        Ok(rows.into_iter().map(recorded).collect())
    })
}

/// Every row recorded at or after `since` (unix seconds), oldest first.
pub async fn since<'e>(db: impl Into<Exec<'e>>, since: i64) -> Result<Vec<Recorded>, sqlx::Error> {
    crate::on_any!(db, db => {
        let rows: Vec<Row> = sqlx::query_as(
            "select id, at, actor, event, subject from audit where at >= $1 order by id",
        )
        .bind(since)
        .fetch_all(db)
        .await?;
        Ok(rows.into_iter().map(recorded).collect())
    })
}

/// Forget's one change to the trail: rows `user` did now name `placeholder` instead, so what
/// was done, and when, stays, but not by whom. Answers the rows changed.
pub async fn forget_actor(
    conn: &mut Conn<'_>,
    user: &str,
    placeholder: &str,
) -> Result<u64, sqlx::Error> {
    crate::on!(conn, conn => {
        Ok(sqlx::query("update audit set actor = $2 where actor = $1")
            .bind(user)
            .bind(placeholder)
            .execute(conn)
            .await?
            .rows_affected())
    })
}
