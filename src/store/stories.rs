//! Stories, their heroes (with consent) and tags.
use crate::store::Conn;
use crate::store::db::Exec;
use serde_json::json;
use sqlx::FromRow;

use crate::domain::{
    Answer, Consent, Customer, CustomerAnswer, CustomerKind, NewStory, Reaction, Story, UserId,
};

#[derive(FromRow)]
pub(crate) struct StoryRow {
    id: i64,
    team_id: String,
    author_id: String,
    title: String,
    customer_title: Option<String>,
    what_went_wrong: String,
    happened_at: i64,
    fixed_at: i64,
    how_fixed: String,
    surprise: Option<String>,
    customer_kind: String,
    reaction: String,
    message_permalink: Option<String>,
    featured_at: Option<i64>,
    featured_by: Option<String>,
    created_at: i64,
    /// JSON array of [hero_id, consent] in credit order.
    heroes: String,
    /// JSON array of tags.
    tags: String,
    /// JSON array [answer, comment, answered_at, customer_id], or null before the customer answered.
    customer_answer: Option<String>,
    /// How many colleagues added their thanks.
    thanks: i64,
}

/// The columns of a story with its heroes and tags folded in as JSON; `s` is the stories alias.
/// SQLite's spelling; `story_columns` gives each engine's.
pub const STORY_COLUMNS: &str = "s.id, s.team_id, s.author_id, s.title, s.customer_title, s.what_went_wrong, s.happened_at, s.fixed_at,
    s.how_fixed, s.surprise, s.customer_kind, s.reaction, s.message_permalink, s.featured_at, s.featured_by, s.created_at,
    (select coalesce(json_group_array(json_array(h.hero_id, h.consent)), '[]')
       from (select hero_id, consent from story_heroes where story_id = s.id order by position) h) as heroes,
    (select coalesce(json_group_array(t.tag), '[]') from story_tags t where t.story_id = s.id) as tags,
    (select json_array(a.answer, a.comment, a.answered_at, a.customer_id) from customer_answers a where a.story_id = s.id) as customer_answer,
    (select count(*) from thanks k where k.story_id = s.id) as thanks";

/// `STORY_COLUMNS` in PostgreSQL's JSON functions.
const STORY_COLUMNS_POSTGRES: &str = "s.id, s.team_id, s.author_id, s.title, s.customer_title, s.what_went_wrong, s.happened_at, s.fixed_at,
    s.how_fixed, s.surprise, s.customer_kind, s.reaction, s.message_permalink, s.featured_at, s.featured_by, s.created_at,
    (select coalesce(json_agg(json_build_array(h.hero_id, h.consent) order by h.position), '[]')::text
       from story_heroes h where h.story_id = s.id) as heroes,
    (select coalesce(json_agg(t.tag order by t.tag), '[]')::text from story_tags t where t.story_id = s.id) as tags,
    (select json_build_array(a.answer, a.comment, a.answered_at, a.customer_id)::text from customer_answers a where a.story_id = s.id) as customer_answer,
    (select count(*) from thanks k where k.story_id = s.id) as thanks";

/// The columns of a story (`STORY_COLUMNS`) in `backend`'s spelling.
pub fn story_columns(backend: super::Backend) -> &'static str {
    backend.pick(STORY_COLUMNS, STORY_COLUMNS_POSTGRES)
}

/// Stories from `stories s` where `clause` holds (its parameters, integers, bound in order),
/// as `query_where(db, "s.id = $1", &[id])`.
pub async fn query_where(
    db: impl Into<Exec<'_>>,
    clause: &str,
    params: &[i64],
) -> Result<Vec<Story>, sqlx::Error> {
    crate::on_any!(db, db => {
        let sql = format!("select {} from stories s where {clause}", story_columns(ENGINE));
        let mut query = sqlx::query_as::<_, StoryRow>(sqlx::AssertSqlSafe(sql));
        for p in params {
            query = query.bind(*p);
        }
        Ok(query
            .fetch_all(db)
            .await?
            .into_iter()
            .map(Story::from)
            .collect())
    })
}

impl From<StoryRow> for Story {
    fn from(r: StoryRow) -> Self {
        let heroes: Vec<(String, String)> = serde_json::from_str(&r.heroes).unwrap_or_default();
        Self {
            id: r.id,
            team_id: r.team_id,
            author_id: UserId::stored(r.author_id),
            title: r.title,
            customer_title: r.customer_title,
            what_went_wrong: r.what_went_wrong,
            happened_at: r.happened_at,
            fixed_at: r.fixed_at,
            how_fixed: r.how_fixed,
            surprise: r.surprise,
            customer_kind: CustomerKind::parse(&r.customer_kind).unwrap_or(CustomerKind::External),
            reaction: Reaction::parse(&r.reaction).unwrap_or(Reaction::Unknown),
            message_permalink: r.message_permalink,
            featured_at: r.featured_at,
            featured_by: r.featured_by.map(UserId::stored),
            created_at: r.created_at,
            heroes: heroes
                .into_iter()
                .map(|(id, consent)| {
                    let consent = Consent::parse(&consent).unwrap_or(Consent::Pending);
                    (UserId::stored(id), consent)
                })
                .collect(),
            tags: serde_json::from_str(&r.tags).unwrap_or_default(),
            customer_answer: r.customer_answer.as_deref().and_then(customer_answer),
            thanks: r.thanks,
        }
    }
}

/// A stored customer answer from its JSON array.
fn customer_answer(json: &str) -> Option<CustomerAnswer> {
    let (answer, comment, answered_at, customer): (String, Option<String>, i64, Option<String>) =
        serde_json::from_str(json).ok()?;
    Some(CustomerAnswer {
        answer: Answer::parse(&answer)?,
        comment,
        answered_at,
        by: customer.map_or(Customer::Link, |id| Customer::Colleague(UserId::stored(id))),
    })
}

/// Stores a story inside the caller's transaction; returns its ID.
pub async fn insert(
    conn: &mut Conn<'_>,
    team_id: &str,
    story: &NewStory,
    message_permalink: Option<&str>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    crate::on!(conn, conn => {
        let id: i64 = sqlx::query_scalar(
            "insert into stories (team_id, author_id, title, what_went_wrong, happened_at, fixed_at, how_fixed, surprise,
                              customer_kind, reaction, message_permalink, created_at, customer_title)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id",
        )
        .bind(team_id)
        .bind(story.author().as_str())
        .bind(story.title())
        .bind(story.what_went_wrong())
        .bind(story.happened_at())
        .bind(story.fixed_at())
        .bind(story.how_fixed())
        .bind(story.surprise())
        .bind(story.customer_kind().as_str())
        .bind(story.reaction().as_str())
        .bind(message_permalink)
        .bind(now)
        .bind(story.customer_title())
        .fetch_one(&mut *conn)
        .await?;
        let heroes: Vec<&str> = story.heroes().iter().map(|h| h.as_str()).collect();
        sqlx::query(ENGINE.pick(
            "insert into story_heroes (story_id, hero_id, position) select $1, value, key from json_each($2)",
            "insert into story_heroes (story_id, hero_id, position)
             select $1, value, ordinality - 1 from jsonb_array_elements_text($2::jsonb) with ordinality",
        ))
            .bind(id)
            .bind(json!(heroes).to_string())
            .execute(&mut *conn)
            .await?;
        let tags: Vec<&str> = story.tags().iter().map(|t| t.as_str()).collect();
        sqlx::query(ENGINE.pick(
            "insert into story_tags (story_id, tag) select $1, value from json_each($2)",
            "insert into story_tags (story_id, tag) select $1, value from jsonb_array_elements_text($2::jsonb)",
        ))
            .bind(id)
            .bind(json!(tags).to_string())
            .execute(&mut *conn)
            .await?;
        Ok(id)
    })
}

pub async fn get(db: impl Into<Exec<'_>>, id: i64) -> Result<Option<Story>, sqlx::Error> {
    crate::on_any!(db, db => {
        let sql = format!("select {} from stories s where s.id = $1", story_columns(ENGINE));
        let row: Option<StoryRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(db)
            .await?;
        Ok(row.map(Story::from))
    })
}

/// Records a hero's choice; returns false if nothing changed (the same choice again, or a
/// person the story does not credit).
pub async fn set_consent(
    db: impl Into<Exec<'_>>,
    story_id: i64,
    hero_id: &str,
    consent: Consent,
    now: i64,
) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        let done = sqlx::query(
            "update story_heroes set consent = $3, consent_at = $4
             where story_id = $1 and hero_id = $2 and consent != $3",
        )
        .bind(story_id)
        .bind(hero_id)
        .bind(consent.as_str())
        .bind(now)
        .execute(db)
        .await?;
        Ok(done.rows_affected() == 1)
    })
}

/// The heroes of `story_id` who have not answered and were never asked on a featuring, marked
/// asked as of `now`: each gets the polite ask once per story, however often it is featured.
pub async fn ask_pending_once(
    db: impl Into<Exec<'_>>,
    story_id: i64,
    now: i64,
) -> Result<Vec<UserId>, sqlx::Error> {
    crate::on_any!(db, db => {
        let heroes: Vec<String> = sqlx::query_scalar(
            "update story_heroes set feature_asked_at = $2
         where story_id = $1 and consent = 'pending' and feature_asked_at is null
           and substr(hero_id, 1, length($3)) != $3 -- a forgotten person has no DM to ask in
         returning hero_id",
        )
        .bind(story_id)
        .bind(now)
        .bind(crate::domain::forgotten::PREFIX)
        .fetch_all(db)
        .await?;
        Ok(heroes.into_iter().map(UserId::stored).collect())
    })
}

/// Marks a story featured (or not); returns false if nothing changed (already so, or no story).
pub async fn set_featured(
    db: impl Into<Exec<'_>>,
    story_id: i64,
    featured: bool,
    by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        let done = if featured {
            sqlx::query("update stories set featured_at = $3, featured_by = $2 where id = $1 and featured_at is null")
                .bind(story_id)
                .bind(by)
                .bind(now)
                .execute(db)
                .await?
        } else {
            sqlx::query("update stories set featured_at = null, featured_by = null where id = $1 and featured_at is not null")
                .bind(story_id)
                .execute(db)
                .await?
        };
        Ok(done.rows_affected() == 1)
    })
}

/// Whether story `id` exists (it may have been forgotten since a link to it was made).
pub async fn exists(conn: &mut Conn<'_>, id: i64) -> Result<bool, sqlx::Error> {
    crate::on!(conn, conn => {
        sqlx::query_scalar("select exists (select 1 from stories where id = $1)")
            .bind(id)
            .fetch_one(conn)
            .await
    })
}
