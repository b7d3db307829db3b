//! Nominations: the submission the group-commit writer stores, its set-based insert, and
//! nominations read back.
use crate::store::db::Exec;
use serde_json::json;
use sqlx::FromRow;

use super::outbox::Row as OutboxRow;
use crate::domain::NominationId;
use crate::domain::outbox::Unwritten;

use crate::domain::nomination::StoredNomination;
use crate::domain::{Category, CustomerKind, Nomination, Reason, Tag, UserId};

/// Where a nomination came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Command,
    Modal,
    Shortcut,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Self::Command => "command",
            Self::Modal => "modal",
            Self::Shortcut => "shortcut",
        }
    }
}

/// A nomination to store, with its idempotency key, its acknowledgement and its messages.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Unique per Slack request (`command:<timestamp>:<trigger_id>`); a second submission with
    /// the same key stores nothing and gets the first one's acknowledgement.
    pub key: String,
    /// The acknowledgement body, kept to answer replays the same way.
    pub ack: String,
    pub team_id: String,
    pub channel_id: Option<String>,
    pub source: Source,
    pub message_permalink: Option<String>,
    pub nomination: Nomination,
    pub messages: Unwritten<NominationId>,
}

/// What became of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Committed {
    /// Stored now, with this nomination ID.
    Stored(i64),
    /// Seen before: nothing stored; answer with the first acknowledgement.
    Replay(String),
}

/// On PostgreSQL, inserts a batch of new nominations (each with the ID the writer drew from
/// the sequence), their heroes, tags and outbox messages: one `unnest` insert per table, each
/// column an array. The request keys were claimed first (`write::postgres_batch`).
pub(super) async fn insert_postgres(
    conn: &mut sqlx_postgres::PgConnection,
    stored: &[(&Submission, i64)],
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let now = now_ms / 1000;
    let mut n = NominationColumns::default();
    let (mut hero_ids, mut heroes, mut positions) = (Vec::new(), Vec::new(), Vec::new());
    let (mut tag_ids, mut tags) = (Vec::new(), Vec::new());
    let mut outbox: [Vec<Option<String>>; 7] = Default::default();
    let mut subjects = Vec::new();
    for (s, id) in stored {
        let nomination = &s.nomination;
        n.ids.push(*id);
        n.teams.push(s.team_id.as_str());
        n.nominators.push(nomination.nominator.as_str());
        n.categories.push(nomination.category.map(|c| c.as_str()));
        n.kinds.push(nomination.customer_kind.map(|k| k.as_str()));
        n.reasons.push(nomination.reason.as_str());
        n.channels.push(s.channel_id.as_deref());
        n.sources.push(s.source.as_str());
        n.permalinks.push(s.message_permalink.as_deref());
        for (position, hero) in nomination.heroes.iter().enumerate() {
            hero_ids.push(*id);
            heroes.push(hero.as_str());
            positions.push(position as i64);
        }
        for tag in &nomination.tags {
            tag_ids.push(*id);
            tags.push(tag.as_str());
        }
        for m in &s.messages.about(NominationId(*id)) {
            let row = OutboxRow::of(m);
            let columns = [
                Some(row.method.to_owned()),
                Some(row.lane),
                row.url,
                Some(row.payload),
                row.render.map(str::to_owned),
                row.recipient,
                row.channel,
            ];
            for (column, value) in outbox.iter_mut().zip(columns) {
                column.push(value);
            }
            subjects.push(row.subject);
        }
    }
    sqlx::query(
        "insert into nominations (id, team_id, nominator_id, category, customer_kind, reason,
                                  channel_id, source, message_permalink, created_at)
         select *, $10 from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                                   $6::text[], $7::text[], $8::text[], $9::text[])",
    )
    .bind(&n.ids)
    .bind(&n.teams)
    .bind(&n.nominators)
    .bind(&n.categories)
    .bind(&n.kinds)
    .bind(&n.reasons)
    .bind(&n.channels)
    .bind(&n.sources)
    .bind(&n.permalinks)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "insert into nomination_heroes (nomination_id, hero_id, position)
         select * from unnest($1::bigint[], $2::text[], $3::bigint[])",
    )
    .bind(&hero_ids)
    .bind(&heroes)
    .bind(&positions)
    .execute(&mut *conn)
    .await?;
    if !tags.is_empty() {
        sqlx::query(
            "insert into nomination_tags (nomination_id, tag)
             select * from unnest($1::bigint[], $2::text[])",
        )
        .bind(&tag_ids)
        .bind(&tags)
        .execute(&mut *conn)
        .await?;
    }
    if !subjects.is_empty() {
        let [
            methods,
            lanes,
            urls,
            payloads,
            renders,
            recipients,
            channels,
        ] = outbox;
        sqlx::query(
            "insert into outbox (method, lane, url, payload, render, recipient, channel,
                                 subject_id, next_attempt_at_ms, created_at)
             select *, $9, $10 from unnest($1::text[], $2::text[], $3::text[], $4::text[],
                                           $5::text[], $6::text[], $7::text[], $8::bigint[])",
        )
        .bind(&methods)
        .bind(&lanes)
        .bind(&urls)
        .bind(&payloads)
        .bind(&renders)
        .bind(&recipients)
        .bind(&channels)
        .bind(&subjects)
        .bind(now_ms)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A batch's nominations, a vector per column, as `unnest` takes them.
#[derive(Default)]
struct NominationColumns<'a> {
    ids: Vec<i64>,
    teams: Vec<&'a str>,
    nominators: Vec<&'a str>,
    categories: Vec<Option<&'a str>>,
    kinds: Vec<Option<&'a str>>,
    reasons: Vec<&'a str>,
    channels: Vec<Option<&'a str>>,
    sources: Vec<&'a str>,
    permalinks: Vec<Option<&'a str>>,
}

/// Inserts a batch of new nominations (each with the ID the writer gave it), their heroes,
/// tags, request keys and outbox messages, then commits the writer's transaction: one
/// set-based insert per table, each fed a JSON array.
pub(super) async fn insert_and_commit(
    conn: &mut sqlx::SqliteConnection,
    stored: &[(&Submission, i64)],
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let now = now_ms / 1000;
    // Each table's rows go in as one JSON array of arrays, so the statement's text is the same
    // for every batch and stays prepared: preparing a text of hundreds of parameters anew for
    // each batch cost more than SQLite reading the arrays.
    let mut nominations = Vec::with_capacity(stored.len());
    let mut heroes = Vec::new();
    let mut tags = Vec::new();
    let mut requests = Vec::with_capacity(stored.len());
    let mut outbox = Vec::new();
    for (s, id) in stored {
        let n = &s.nomination;
        nominations.push(json!([
            id,
            s.team_id,
            n.nominator.as_str(),
            n.category.map(|c| c.as_str()),
            n.customer_kind.map(|k| k.as_str()),
            n.reason.as_str(),
            s.channel_id,
            s.source.as_str(),
            s.message_permalink,
            now
        ]));
        for (position, hero) in n.heroes.iter().enumerate() {
            heroes.push(json!([id, hero.as_str(), position]));
        }
        for tag in &n.tags {
            tags.push(json!([id, tag.as_str()]));
        }
        requests.push(json!([s.key, s.ack, now]));
        for m in &s.messages.about(NominationId(*id)) {
            let row = OutboxRow::of(m);
            outbox.push(json!([
                row.method,
                row.lane,
                row.url,
                row.payload,
                row.render,
                row.recipient,
                row.channel,
                row.subject,
                now_ms,
                now
            ]));
        }
    }
    sqlx::query(INSERT_AND_COMMIT)
        .bind(serde_json::Value::Array(nominations).to_string())
        .bind(serde_json::Value::Array(heroes).to_string())
        .bind(serde_json::Value::Array(tags).to_string())
        .bind(serde_json::Value::Array(requests).to_string())
        .bind(serde_json::Value::Array(outbox).to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The inserts of a batch, each from a JSON array of rows (nominations, heroes, tags, request
/// keys, outbox messages, in this order, each row an array in column order), then the commit.
/// Each statement names its own parameter by place (`$1` … `$5`): sqlx binds `$N` to the Nth
/// value in every statement of the text.
const INSERT_AND_COMMIT: &str = concat!(
    "insert into nominations (id, team_id, nominator_id, category, customer_kind, reason, channel_id, source,
                              message_permalink, created_at)
     select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7,
            value->>8, value->>9 from json_each($1);
     insert into nomination_heroes (nomination_id, hero_id, position)
     select value->>0, value->>1, value->>2 from json_each($2);
     insert into nomination_tags (nomination_id, tag) select value->>0, value->>1 from json_each($3);
     insert into slack_requests (key, response, created_at)
     select value->>0, value->>1, value->>2 from json_each($4);
     insert into outbox (",
    "method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at",
    ")
     select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7,
            value->>8, value->>9 from json_each($5);
     commit;"
);

#[derive(FromRow)]
struct Row {
    id: i64,
    team_id: String,
    nominator_id: String,
    category: Option<String>,
    customer_kind: Option<String>,
    reason: String,
    channel_id: Option<String>,
    message_permalink: Option<String>,
    created_at: i64,
    /// JSON array, in the order named.
    heroes: String,
    /// JSON array.
    tags: String,
}

/// The columns of a nomination with its heroes and tags folded in as JSON; `n` is the alias.
/// SQLite's spelling; `COLUMNS_POSTGRES` is PostgreSQL's.
const COLUMNS: &str =
    "n.id, n.team_id, n.nominator_id, n.category, n.customer_kind, n.reason, n.channel_id,
    n.message_permalink, n.created_at,
    (select json_group_array(hero_id) from (select hero_id from nomination_heroes
       where nomination_id = n.id order by position)) as heroes,
    (select json_group_array(tag) from nomination_tags where nomination_id = n.id) as tags";
const COLUMNS_POSTGRES: &str =
    "n.id, n.team_id, n.nominator_id, n.category, n.customer_kind, n.reason, n.channel_id,
    n.message_permalink, n.created_at,
    (select coalesce(json_agg(hero_id order by position), '[]')::text from nomination_heroes
       where nomination_id = n.id) as heroes,
    (select coalesce(json_agg(tag order by tag), '[]')::text from nomination_tags
       where nomination_id = n.id) as tags";

impl From<Row> for StoredNomination {
    fn from(r: Row) -> Self {
        let strings = |json: &str| serde_json::from_str::<Vec<String>>(json).unwrap_or_default();
        Self {
            id: r.id,
            team_id: r.team_id,
            channel_id: r.channel_id,
            message_permalink: r.message_permalink,
            created_at: r.created_at,
            nomination: Nomination {
                nominator: UserId::stored(r.nominator_id),
                heroes: strings(&r.heroes).into_iter().map(UserId::stored).collect(),
                reason: Reason::stored(r.reason),
                category: r.category.as_deref().and_then(Category::parse),
                customer_kind: r.customer_kind.as_deref().and_then(CustomerKind::parse),
                tags: strings(&r.tags).into_iter().map(Tag::stored).collect(),
            },
        }
    }
}

pub async fn get(
    db: impl Into<Exec<'_>>,
    id: i64,
) -> Result<Option<StoredNomination>, sqlx::Error> {
    crate::on_any!(db, db => {
        let sql = format!(
            "select {} from nominations n where n.id = $1",
            ENGINE.pick(COLUMNS, COLUMNS_POSTGRES)
        );
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(db)
            .await?;
        Ok(row.map(StoredNomination::from))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_batch_insert_names_the_outbox_columns_in_their_order() {
        assert!(INSERT_AND_COMMIT.contains(&format!(
            "insert into outbox ({})",
            super::super::outbox::COLUMNS
        )));
    }
}
