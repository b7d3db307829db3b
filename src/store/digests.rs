//! What a digest reads (a week's nominations and stories, the week before's counts) and the
//! record that makes it go out once.
use sqlx::{FromRow, SqliteExecutor, SqlitePool};

use super::stories::STORY_COLUMNS;
use crate::domain::Story;
use crate::domain::week::{Counts, NominationFact, WeekData};

#[derive(FromRow)]
struct NominationRow {
    reason: String,
    created_at: i64,
    /// JSON array of hero IDs.
    heroes: String,
}

/// Nominations and stories created in `[start, end)`, and the counts of `[before, start)`.
pub async fn week(
    db: &SqlitePool,
    before: i64,
    start: i64,
    end: i64,
) -> Result<WeekData, sqlx::Error> {
    let nominations: Vec<NominationRow> = sqlx::query_as(
        "select n.reason, n.created_at,
                (select json_group_array(hero_id) from nomination_heroes where nomination_id = n.id) as heroes
         from nominations n where n.created_at >= ?1 and n.created_at < ?2",
    )
    .bind(start)
    .bind(end)
    .fetch_all(db)
    .await?;
    let stories = stories(db, start, end).await?;
    Ok(WeekData {
        nominations: nominations
            .into_iter()
            .map(|r| NominationFact {
                heroes: serde_json::from_str(&r.heroes).unwrap_or_default(),
                reason: r.reason,
                created_at: r.created_at,
            })
            .collect(),
        stories,
        previous: counts(db, before, start).await?,
    })
}

/// Stories created in `[start, end)`: what a scorecard is computed from, for one week (the
/// digest) or several (the scorecard page, the wallboard, App Home).
pub async fn stories(db: &SqlitePool, start: i64, end: i64) -> Result<Vec<Story>, sqlx::Error> {
    let sql = format!(
        "select {STORY_COLUMNS} from stories s where s.created_at >= ?1 and s.created_at < ?2"
    );
    super::stories::query(db, &sql, &[start, end]).await
}

/// How many nominations, distinct heroes and stories `[start, end)` holds.
pub async fn counts(db: &SqlitePool, start: i64, end: i64) -> Result<Counts, sqlx::Error> {
    let (nominations, heroes, stories): (i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from nominations where created_at >= ?1 and created_at < ?2),
                (select count(*) from (
                    select h.hero_id from nominations n join nomination_heroes h on h.nomination_id = n.id
                    where n.created_at >= ?1 and n.created_at < ?2
                    union
                    select h.hero_id from stories s join story_heroes h on h.story_id = s.id
                    where s.created_at >= ?1 and s.created_at < ?2)),
                (select count(*) from stories where created_at >= ?1 and created_at < ?2)",
    )
    .bind(start)
    .bind(end)
    .fetch_one(db)
    .await?;
    Ok(Counts {
        nominations: nominations as usize,
        heroes: heroes as usize,
        stories: stories as usize,
    })
}

/// Whether the digest of `week` went out already.
pub async fn posted(db: &SqlitePool, week: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("select exists (select 1 from digests where week = ?1)")
        .bind(week)
        .fetch_one(db)
        .await
}

/// Records the digest of `week` as posted, in the caller's transaction; false if it was posted
/// before.
pub async fn record_posted(
    db: impl SqliteExecutor<'_>,
    week: &str,
    channel: &str,
    posted_by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let recorded = sqlx::query(
        "insert into digests (week, channel_id, posted_by, posted_at) values (?1, ?2, ?3, ?4)
         on conflict (week) do nothing",
    )
    .bind(week)
    .bind(channel)
    .bind(posted_by)
    .bind(now)
    .execute(db)
    .await?;
    Ok(recorded.rows_affected() == 1)
}

/// Nominations and stories created in `[start, end)`, for rankings over any period.
pub async fn period(
    db: &SqlitePool,
    start: i64,
    end: i64,
) -> Result<(Vec<NominationFact>, Vec<Story>), sqlx::Error> {
    let data = week(db, start, start, end).await?;
    Ok((data.nominations, data.stories))
}
