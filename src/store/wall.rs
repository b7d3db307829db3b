//! The wallboard's keys (stored as hashes) and what the wallboard reads besides the scorecard:
//! the latest recognitions.
use crate::store::Db;
use crate::store::db::Exec;
use sqlx::FromRow;

/// Records a new wallboard key by its hash.
pub async fn issue(
    db: impl Into<Exec<'_>>,
    key_hash: &str,
    issued_by: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query("insert into wall_keys (key_hash, issued_by, issued_at) values ($1, $2, $3)")
            .bind(key_hash)
            .bind(issued_by)
            .bind(now)
            .execute(db)
            .await?;
        Ok(())
    })
}

/// Whether a key with this hash was issued and not revoked.
pub async fn valid(db: &Db, key_hash: &str) -> Result<bool, sqlx::Error> {
    crate::on!(db, db => {
        sqlx::query_scalar(
            "select exists (select 1 from wall_keys where key_hash = $1 and revoked_at is null)",
        )
        .bind(key_hash)
        .fetch_one(db)
        .await
    })
}

/// Ends every key still working; how many there were.
pub async fn revoke_all(db: impl Into<Exec<'_>>, now: i64) -> Result<u64, sqlx::Error> {
    crate::on_any!(db, db => {
        Ok(
            sqlx::query("update wall_keys set revoked_at = $1 where revoked_at is null")
                .bind(now)
                .execute(db)
                .await?
                .rows_affected(),
        )
    })
}

/// A recent nomination: who was recognised, by whom, and why.
#[derive(Debug, Clone, FromRow)]
pub struct Recognition {
    pub nominator_id: String,
    pub reason: String,
    pub created_at: i64,
    /// JSON array of hero IDs, in the order they were named.
    pub heroes: String,
}

impl Recognition {
    pub fn hero_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.heroes).unwrap_or_default()
    }
}

/// The latest `limit` nominations, newest first.
pub async fn latest_recognitions(db: &Db, limit: i64) -> Result<Vec<Recognition>, sqlx::Error> {
    crate::on!(db, db => {
        let heroes = ENGINE.pick(
            "(select json_group_array(hero_id) from
                (select hero_id from nomination_heroes where nomination_id = n.id order by position))",
            "(select coalesce(json_agg(hero_id order by position), '[]')::text
              from nomination_heroes where nomination_id = n.id)",
        );
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select n.nominator_id, n.reason, n.created_at, {heroes} as heroes
         from nominations n order by n.created_at desc, n.id desc limit $1",
        )))
        .bind(limit)
        .fetch_all(db)
        .await
    })
}

/// A customer's own "blown away" answer with a comment, as the wallboard quotes it: the story it
/// is about, its heroes, and when it was given; never who answered.
#[derive(Debug, Clone, FromRow)]
pub struct Quote {
    pub title: String,
    pub comment: String,
    pub answered_at: i64,
    /// JSON array of the story's hero IDs, in the order they were credited.
    pub heroes: String,
}

impl Quote {
    pub fn hero_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.heroes).unwrap_or_default()
    }
}

/// The newest "blown away" answer with a comment given since `since`, among the stories every
/// credited hero agreed to tell outside Slack (the wallboard hangs where anyone passes).
pub async fn latest_quote(db: &Db, since: i64) -> Result<Option<Quote>, sqlx::Error> {
    crate::on!(db, db => {
        let heroes = ENGINE.pick(
            "(select json_group_array(hero_id) from
                (select hero_id from story_heroes where story_id = s.id order by position))",
            "(select coalesce(json_agg(hero_id order by position), '[]')::text
              from story_heroes where story_id = s.id)",
        );
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select s.title, trim(a.comment) as comment, a.answered_at, {heroes} as heroes
         from customer_answers a join stories s on s.id = a.story_id
         where a.answer = 'blown_away' and trim(coalesce(a.comment, '')) <> '' and a.answered_at >= $1
           and exists (select 1 from story_heroes h where h.story_id = s.id)
           and not exists (select 1 from story_heroes h where h.story_id = s.id and h.consent <> 'granted')
         order by a.answered_at desc, s.id desc limit 1",
        )))
        .bind(since)
        .fetch_optional(db)
        .await
    })
}
