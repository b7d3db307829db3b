//! What a person's App Home shows (their recognitions, the stories waiting for their OK, the
//! report cards waiting for their rating, the stories they told), who has opened it, and the queueing of its `views.publish`.
use crate::store::db::Exec;
use crate::store::{Conn, Db};
use sqlx::FromRow;

use super::stories;
use crate::domain::Story;

/// How many recent recognitions, waiting stories and told stories Home lists.
pub const LATEST: i64 = 5;
pub const WAITING: i64 = 10;

/// A recognition someone received.
#[derive(Debug, Clone, FromRow)]
pub struct Received {
    pub nominator_id: String,
    pub reason: String,
    pub created_at: i64,
    /// JSON array of the nomination's hero IDs (their mentions stay live in the reason).
    pub heroes: String,
}

impl Received {
    pub fn hero_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.heroes).unwrap_or_default()
    }
}

/// Everything about one person that their Home shows.
#[derive(Debug, Clone, Default)]
pub struct HomeData {
    pub received: i64,
    pub given: i64,
    /// Thanks colleagues added to the recognitions and stories that credit the person.
    pub thanks: i64,
    pub latest_received: Vec<Received>,
    pub waiting: Vec<Story>,
    pub told: Vec<Story>,
    /// Report-card rounds still open that asked this person.
    pub to_rate: Vec<ToRate>,
}

/// An open report-card round that asked the person.
#[derive(Debug, Clone, FromRow)]
pub struct ToRate {
    pub round_id: i64,
    pub supplier: String,
    /// `YYYY-MM`.
    pub month: String,
    pub closes_at: i64,
    pub answered: bool,
}

/// `person`'s Home, counting recognitions since `since` (unix seconds).
pub async fn load(db: &Db, person: &str, since: i64) -> Result<HomeData, sqlx::Error> {
    crate::on!(db, db => {
        let (received, given): (i64, i64) = sqlx::query_as(
            "select (select count(*) from nomination_heroes h join nominations n on n.id = h.nomination_id
                 where h.hero_id = $1 and n.created_at >= $2),
                (select count(*) from nominations where nominator_id = $1 and created_at >= $2)",
        )
        .bind(person)
        .bind(since)
        .fetch_one(db)
        .await?;
        let latest_received = sqlx::query_as(ENGINE.pick(
            "select n.nominator_id, n.reason, n.created_at,
                (select json_group_array(hero_id) from nomination_heroes where nomination_id = n.id) as heroes
         from nominations n
         where n.id in (select nomination_id from nomination_heroes where hero_id = $1)
         order by n.created_at desc, n.id desc limit $2",
            "select n.nominator_id, n.reason, n.created_at,
                (select json_agg(hero_id)::text from nomination_heroes where nomination_id = n.id) as heroes
         from nominations n
         where n.id in (select nomination_id from nomination_heroes where hero_id = $1)
         order by n.created_at desc, n.id desc limit $2",
        ))
        .bind(person)
        .bind(LATEST)
        .fetch_all(db)
        .await?;
        let waiting: Vec<i64> = sqlx::query_scalar(
            "select h.story_id from story_heroes h join stories s on s.id = h.story_id
             where h.hero_id = $1 and h.consent = 'pending' order by s.created_at desc, s.id desc limit $2",
        )
        .bind(person)
        .bind(WAITING)
        .fetch_all(db)
        .await?;
        let told: Vec<i64> = sqlx::query_scalar(
            "select id from stories where author_id = $1 order by created_at desc, id desc limit $2",
        )
        .bind(person)
        .bind(LATEST)
        .fetch_all(db)
        .await?;
        let to_rate = sqlx::query_as(
            "select r.id as round_id, c.supplier, r.month, r.closes_at,
                exists (select 1 from report_card_answers a
                        where a.round_id = r.id and a.rater_id = i.rater_id) as answered
         from report_card_invitations i
         join report_card_rounds r on r.id = i.round_id
         join report_cards c on c.id = r.card_id
         where i.rater_id = $1 and r.closed_at is null
         order by r.closes_at, r.id limit $2",
        )
        .bind(person)
        .bind(WAITING)
        .fetch_all(db)
        .await?;
        Ok(HomeData {
            received,
            given,
            thanks: super::thanks::received(db, person, since).await?,
            latest_received,
            waiting: stories_by_id(&Db::from(db), &waiting).await?,
            told: stories_by_id(&Db::from(db), &told).await?,
            to_rate,
        })
    })
}

async fn stories_by_id(db: &Db, ids: &[i64]) -> Result<Vec<Story>, sqlx::Error> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(story) = stories::get(db, *id).await? {
            out.push(story);
        }
    }
    Ok(out)
}

/// Records that `person` opened their Home (from then on, changes re-publish it).
pub async fn opened(db: impl Into<Exec<'_>>, person: &str, now: i64) -> Result<(), sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query(
            "insert into home_views (user_id, first_opened_at, last_opened_at) values ($1, $2, $2)
             on conflict (user_id) do update set last_opened_at = excluded.last_opened_at",
        )
        .bind(person)
        .bind(now)
        .execute(db)
        .await?;
        Ok(())
    })
}

/// Whether `person`'s Home was published within the last minute before `now_ms`, or a publish
/// is waiting: opening it again then needs no new one.
pub async fn fresh(
    db: impl Into<Exec<'_>>,
    person: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query_scalar(
            "select exists (select 1 from outbox where render = 'home' and recipient = $1
                            and (status = 'pending' or sent_at * 1000 > $2 - 60000))",
        )
        .bind(person)
        .bind(now_ms)
        .fetch_one(db)
        .await
    })
}

/// Queues a publish of `person`'s Home due at `now_ms` at once: a publish already waiting is
/// brought forward rather than repeated. (Changes made by others queue theirs through the
/// triggers of migration 0009, at most one a minute.)
pub async fn publish_now(db: &mut Conn<'_>, person: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    crate::on!(db, db => {
        let moved = sqlx::query(ENGINE.pick(
            "update outbox set next_attempt_at_ms = min(next_attempt_at_ms, $2)
             where render = 'home' and recipient = $1 and status = 'pending' and claimed_until_ms is null",
            "update outbox set next_attempt_at_ms = least(next_attempt_at_ms, $2)
             where render = 'home' and recipient = $1 and status = 'pending' and claimed_until_ms is null",
        ))
        .bind(person)
        .bind(now_ms)
        .execute(&mut *db)
        .await?;
        if moved.rows_affected() == 0 {
            let home = crate::domain::outbox::Message::home(
                crate::domain::UserId::parse(person).ok_or(sqlx::Error::RowNotFound)?,
            );
            super::outbox::enqueue(&mut *db, &[home], now_ms).await?;
        }
        Ok(())
    })
}
