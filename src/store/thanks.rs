//! Colleagues' thanks on a celebration or a story post: added once per person, counted.
use crate::store::Conn;
use crate::store::db::Exec;

use crate::domain::thanks::Thanked;

fn columns(thanked: Thanked) -> (Option<i64>, Option<i64>) {
    match thanked {
        Thanked::Nomination(id) => (Some(id.get()), None),
        Thanked::Story(id) => (None, Some(id.get())),
    }
}

/// Adds `by`'s thanks to `thanked` in the caller's transaction; false if they had added theirs
/// before (the unique indexes of migration 0018 keep it once per person).
pub async fn add(
    conn: &mut Conn<'_>,
    thanked: Thanked,
    by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    crate::on!(conn, conn => {
        let (nomination, story) = columns(thanked);
        let done = sqlx::query(
            "insert into thanks (nomination_id, story_id, by_id, created_at) values ($1, $2, $3, $4)
             on conflict do nothing",
        )
        .bind(nomination)
        .bind(story)
        .bind(by)
        .bind(now)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    })
}

/// How many colleagues added their thanks to `thanked`.
pub async fn count(db: impl Into<Exec<'_>>, thanked: Thanked) -> Result<i64, sqlx::Error> {
    crate::on_any!(db, db => {
        let (sql, id) = match thanked {
            Thanked::Nomination(id) => (
                "select count(*) from thanks where nomination_id = $1",
                id.get(),
            ),
            Thanked::Story(id) => ("select count(*) from thanks where story_id = $1", id.get()),
        };
        sqlx::query_scalar(sql).bind(id).fetch_one(db).await
    })
}

/// The thanks `person` received on the recognitions and stories that credit them, added at or
/// after `since` (unix seconds).
pub async fn received(
    db: impl Into<Exec<'_>>,
    person: &str,
    since: i64,
) -> Result<i64, sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query_scalar(
            "select (select count(*) from nomination_heroes h join thanks t on t.nomination_id = h.nomination_id
                 where h.hero_id = $1 and t.created_at >= $2)
              + (select count(*) from story_heroes h join thanks t on t.story_id = h.story_id
                 where h.hero_id = $1 and t.created_at >= $2)",
        )
        .bind(person)
        .bind(since)
        .fetch_one(db)
        .await
    })
}
