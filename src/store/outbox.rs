//! The outbox table: messages waiting for delivery, claimed by a worker, then sent or failed.
//! The only module that knows how a typed message is kept as text.
use crate::store::Conn;
use crate::store::Db;
use crate::store::db::Exec;
use serde_json::Value;
use sqlx::FromRow;

use crate::domain::UserId;
use crate::domain::outbox::{Content, Delivery, Kind, Message, Parts, Visibility};

const POST: &str = "chat.postMessage";
const UPDATE: &str = "chat.update";
const RESPOND: &str = "response_url";
const PUBLISH: &str = "views.publish";

/// A message in the columns it is stored in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub method: &'static str,
    pub lane: String,
    pub url: Option<String>,
    /// With `render`, the fields laid over the rendered body; without, the whole body.
    pub payload: String,
    pub render: Option<&'static str>,
    pub recipient: Option<String>,
    pub channel: Option<String>,
    /// The record a rendered message is about.
    pub subject: Option<i64>,
}

impl Row {
    pub fn of(message: &Message) -> Self {
        let (method, url, channel) = match &message.delivery {
            Delivery::Post { .. } => (POST, None, None),
            Delivery::Update { .. } => (UPDATE, None, None),
            Delivery::Publish { .. } => (PUBLISH, None, None),
            Delivery::Respond { url, channel, .. } => {
                (RESPOND, Some(url.clone()), Some(channel.clone()))
            }
        };
        let fields = message.delivery.fields();
        let (payload, render, parts) = match &message.content {
            Content::Rendered(render) => (fields, Some(render.kind().name()), render.parts()),
            Content::Fixed(body) => (overlay(body.clone(), fields), None, Parts::default()),
        };
        Self {
            method,
            lane: message.lane(),
            url,
            payload: payload.to_string(),
            render,
            recipient: parts.recipient.map(|r| r.to_string()),
            channel,
            subject: parts.subject,
        }
    }
}

/// `body` with `fields` laid over it.
pub fn overlay(mut body: Value, fields: Value) -> Value {
    if let (Some(body), Value::Object(fields)) = (body.as_object_mut(), fields) {
        body.extend(fields);
    }
    body
}

/// A message claimed for delivery, as stored.
#[derive(Debug, Clone, FromRow)]
pub struct ClaimedRow {
    pub id: i64,
    method: String,
    url: Option<String>,
    payload: String,
    render: Option<String>,
    recipient: Option<String>,
    channel: Option<String>,
    pub subject_id: Option<i64>,
    pub attempts: i64,
}

/// A message claimed for delivery.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub message: Message,
    pub attempts: i64,
}

impl ClaimedRow {
    /// The typed message; an error names what cannot be read (such a row is never deliverable).
    pub fn read(self) -> Result<Claimed, String> {
        let payload: Value =
            serde_json::from_str(&self.payload).map_err(|e| format!("unreadable payload: {e}"))?;
        let text = |key: &str| payload.get(key).and_then(Value::as_str).map(str::to_owned);
        let delivery = match (self.method.as_str(), self.url) {
            (POST, _) => Delivery::Post {
                channel: text("channel").ok_or("a post without its channel")?,
            },
            (UPDATE, _) => Delivery::Update {
                channel: text("channel").ok_or("an update without its channel")?,
                ts: text("ts").ok_or("an update without its message")?,
            },
            (RESPOND, Some(url)) => Delivery::Respond {
                url,
                channel: self.channel.unwrap_or_default(),
                visibility: if text("response_type").as_deref() == Some("in_channel") {
                    Visibility::InChannel
                } else if payload.get("replace_original") == Some(&Value::Bool(true)) {
                    Visibility::ReplaceOriginal
                } else {
                    Visibility::Private
                },
            },
            (PUBLISH, _) => Delivery::Publish {
                user: text("user_id")
                    .as_deref()
                    .and_then(UserId::parse)
                    .ok_or("a Home publish without its user")?,
            },
            (RESPOND, None) => return Err("a response_url message without its URL".into()),
            (other, _) => return Err(format!("unknown delivery method {other:?}")),
        };
        let content = match self.render.as_deref() {
            None => Content::Fixed(payload),
            Some(name) => {
                let kind =
                    Kind::named(name).ok_or_else(|| format!("unknown message kind {name:?}"))?;
                let parts = Parts {
                    recipient: self.recipient.as_deref().and_then(UserId::parse),
                    subject: self.subject_id,
                };
                Content::Rendered(kind.read(&parts)?)
            }
        };
        Ok(Claimed {
            id: self.id,
            message: Message { content, delivery },
            attempts: self.attempts,
        })
    }
}

/// Which pending messages may be combined with their neighbours in the lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combinable {
    No,
    /// A celebration posted to a channel: a burst of them becomes a roll-up.
    Celebration,
    /// A hero's DM about a recognition: several within a minute become one.
    HeroDm,
}

/// A pending message as the scheduler sees it.
#[derive(Debug, Clone, FromRow)]
pub struct Pending {
    pub id: i64,
    pub lane: String,
    pub next_attempt_at_ms: i64,
    combinable: i32,
}

impl Pending {
    pub fn combinable(&self) -> Combinable {
        match self.combinable {
            1 => Combinable::Celebration,
            2 => Combinable::HeroDm,
            _ => Combinable::No,
        }
    }
}

/// The columns `Row` fills, in order, for an insert.
pub const COLUMNS: &str = "method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at";
/// How many values `COLUMNS` takes.
pub const COLUMN_COUNT: usize = 10;

/// The `response` column as JSON that `->>` reads: PostgreSQL keeps it as text.
fn response(engine: crate::store::Backend) -> &'static str {
    engine.pick("response", "response::json")
}

/// Adds messages due at once.
pub async fn enqueue(
    db: impl Into<Exec<'_>>,
    messages: &[Message],
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    crate::on_any!(db, db => {
        let rows: Vec<Value> = messages
            .iter()
            .map(|m| {
                let r = Row::of(m);
                serde_json::json!([
                    r.method,
                    r.lane,
                    r.url,
                    r.payload,
                    r.render,
                    r.recipient,
                    r.channel,
                    r.subject
                ])
            })
            .collect();
        let elements = ENGINE.pick("json_each($1)", "jsonb_array_elements($1::jsonb)");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into outbox ({COLUMNS})
         select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6,
                cast(value->>7 as bigint), $2, $2 / 1000
         from {elements}"
        )))
        .bind(Value::from(rows).to_string())
        .bind(now_ms)
        .execute(db)
        .await?;
        Ok(())
    })
}

/// Where `story_id`'s post was sent with `chat.postMessage`: (channel, ts) of each.
pub async fn story_posts(
    db: impl Into<Exec<'_>>,
    story_id: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {r}->>'channel', {r}->>'ts' from outbox
         where subject_id = $1 and render = $2 and method = $3 and status = 'sent'
           and {r}->>'channel' is not null and {r}->>'ts' is not null",
            r = response(ENGINE)
        )))
        .bind(story_id)
        .bind(Kind::StoryPost.name())
        .bind(POST)
        .fetch_all(db)
        .await
    })
}

/// Where messages of `kind` about `subject_id` were sent with `chat.postMessage`: (channel,
/// ts) of each, from Slack's answer, so they can be updated in place (a round's results, its
/// requests to rate).
pub async fn sent_posts(
    db: impl Into<Exec<'_>>,
    kind: Kind,
    subject_id: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {r}->>'channel', {r}->>'ts' from outbox
         where subject_id = $1 and render = $2 and method = $3 and status = 'sent'
           and {r}->>'channel' is not null and {r}->>'ts' is not null
         order by id",
            r = response(ENGINE)
        )))
        .bind(subject_id)
        .bind(kind.name())
        .bind(POST)
        .fetch_all(db)
        .await
    })
}

/// Adds each of `messages` unless the same message (its kind, subject and delivery) still
/// waits unclaimed: that one renders the record as it is when it is sent, so a burst of changes
/// (colleagues adding their thanks) updates a post a few times, not once per change. A message
/// a worker holds may already be rendered, so it does not count. Answers how many were added.
pub async fn enqueue_coalesced(
    db: &mut Conn<'_>,
    messages: &[Message],
    now_ms: i64,
) -> Result<usize, sqlx::Error> {
    crate::on!(db, db => {
        let mut fresh = Vec::new();
        for message in messages {
            let row = Row::of(message);
            let waiting: bool = sqlx::query_scalar(
                "select exists (select 1 from outbox where status = 'pending' and claimed_until_ms is null
                   and render is not distinct from $1 and subject_id is not distinct from $2
                   and method = $3 and payload = $4 and url is not distinct from $5)",
            )
            .bind(row.render)
            .bind(row.subject)
            .bind(row.method)
            .bind(&row.payload)
            .bind(&row.url)
            .fetch_one(&mut *db)
            .await?;
            if !waiting {
                fresh.push(message.clone());
            }
        }
        if !fresh.is_empty() {
            enqueue(&mut *db, &fresh, now_ms).await?;
        }
        Ok(fresh.len())
    })
}

/// Where messages of `kind` about `subject_id` were posted, as [`sent_posts`], with the kind's
/// name written into the statement so that a partial index on it (celebrations: migration
/// 0018; stories: 0006) finds them without reading the whole outbox.
pub async fn posts_of(
    db: impl Into<Exec<'_>>,
    kind: Kind,
    subject_id: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    crate::on_any!(db, db => {
        // A kind's name is one of the constants of `renders!`, never input.
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {r}->>'channel', {r}->>'ts' from outbox
         where subject_id = $1 and render = '{}' and method = $2 and status = 'sent'
           and {r}->>'channel' is not null and {r}->>'ts' is not null
         order by id",
            kind.name(),
            r = response(ENGINE)
        )))
        .bind(subject_id)
        .bind(POST)
        .fetch_all(db)
        .await
    })
}

/// Whether a customer's praise was queued for `story_id` before (the heroes hear it once).
pub async fn praise_queued(db: impl Into<Exec<'_>>, story_id: i64) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query_scalar("select exists (select 1 from outbox where subject_id = $1 and render = $2)")
            .bind(story_id)
            .bind(Kind::CustomerPraise.name())
            .fetch_one(db)
            .await
    })
}

/// The kinds of rendered messages about a nomination (their subject is a `NominationId`), and
/// about a story (a `StoryId`).
const ABOUT_NOMINATIONS: [Kind; 2] = [Kind::Celebration, Kind::HeroDm];
const ABOUT_STORIES: [Kind; 6] = [
    Kind::StoryPost,
    Kind::ConsentDm,
    Kind::StoryTold,
    Kind::CustomerQuestion,
    Kind::CustomerPraise,
    Kind::FeatureAsk,
];

/// The stored names of `kinds`, as a JSON array.
fn names(kinds: &[Kind]) -> String {
    serde_json::json!(kinds.iter().map(|k| k.name()).collect::<Vec<_>>()).to_string()
}

/// The lowest and highest message IDs, if there are messages.
pub async fn id_span(db: impl Into<Exec<'_>>) -> Result<Option<(i64, i64)>, sqlx::Error> {
    crate::on_any!(db, db => {
        let (low, high): (Option<i64>, Option<i64>) =
            sqlx::query_as("select min(id), max(id) from outbox")
                .fetch_one(db)
                .await?;
        Ok(low.zip(high))
    })
}

/// Deletes the messages with IDs in `[from, to)` about a nomination or story that is no longer
/// stored (retention deleted it), except one a worker holds right now; answers how many.
pub async fn forget_orphans(
    db: impl Into<Exec<'_>>,
    from: i64,
    to: i64,
) -> Result<u64, sqlx::Error> {
    crate::on_any!(db, db => {
        let texts = |n: u8| {
            ENGINE.pick(
                format!("(select value from json_each(${n}))"),
                format!("(select value from jsonb_array_elements_text(${n}::jsonb))"),
            )
        };
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "delete from outbox where id >= $1 and id < $2 and subject_id is not null
           and not (status = 'pending' and claimed_until_ms is not null)
           and ((render in {nominations}
                 and not exists (select 1 from nominations where id = outbox.subject_id))
             or (render in {stories}
                 and not exists (select 1 from stories where id = outbox.subject_id)))",
            nominations = texts(3),
            stories = texts(4)
        )))
        .bind(from)
        .bind(to)
        .bind(names(&ABOUT_NOMINATIONS))
        .bind(names(&ABOUT_STORIES))
        .execute(db)
        .await?;
        Ok(done.rows_affected())
    })
}

/// Pending messages with an ID above `after`, oldest first.
pub async fn pending_after(
    db: impl Into<Exec<'_>>,
    after: i64,
    limit: i64,
) -> Result<Vec<Pending>, sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query_as(
            "select id, lane, next_attempt_at_ms,
                case when method = $3 and render = $4 then 1 when method = $3 and render = $5 then 2 else 0 end
                  as combinable
         from outbox where status = 'pending' and id > $1 order by id limit $2",
        )
        .bind(after)
        .bind(limit)
        .bind(POST)
        .bind(Kind::Celebration.name())
        .bind(Kind::HeroDm.name())
        .fetch_all(db)
        .await
    })
}

/// Reserves pending messages until `until_ms`, each unless another worker holds it; returns the
/// ones reserved, in ID order.
pub async fn claim_many(
    db: impl Into<Exec<'_>>,
    ids: &[i64],
    now_ms: i64,
    until_ms: i64,
) -> Result<Vec<ClaimedRow>, sqlx::Error> {
    crate::on_any!(db, db => {
        // On PostgreSQL, a row another replica's worker is claiming is skipped, not waited for.
        let sql = ENGINE.pick(
            "update outbox set claimed_until_ms = $3
             where id in (select value from json_each($1)) and status = 'pending'
               and coalesce(claimed_until_ms, 0) <= $2
             returning id, method, url, payload, render, recipient, channel, subject_id, attempts",
            "update outbox set claimed_until_ms = $3
             where id in (select id from outbox
                          where id in (select value::bigint from jsonb_array_elements_text($1::jsonb))
                            and status = 'pending' and coalesce(claimed_until_ms, 0) <= $2
                          for update skip locked)
             returning id, method, url, payload, render, recipient, channel, subject_id, attempts",
        );
        let mut rows: Vec<ClaimedRow> = sqlx::query_as(sql)
        .bind(serde_json::to_string(ids).expect("IDs serialise"))
        .bind(now_ms)
        .bind(until_ms)
        .fetch_all(db)
        .await?;
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    })
}

pub async fn mark_sent(
    db: impl Into<Exec<'_>>,
    id: i64,
    response: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query(
            "update outbox set status = 'sent', attempts = attempts + 1, response = $2, sent_at = $3,
                last_error = null, claimed_until_ms = null
         where id = $1",
        )
        .bind(id)
        .bind(response)
        .bind(now)
        .execute(db)
        .await?;
        Ok(())
    })
}

pub async fn mark_failed(db: impl Into<Exec<'_>>, id: i64, error: &str) -> Result<(), sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query(
            "update outbox set status = 'failed', attempts = attempts + 1, last_error = $2, claimed_until_ms = null where id = $1",
        )
        .bind(id)
        .bind(error)
        .execute(db)
        .await?;
        Ok(())
    })
}

/// Puts a message back to wait until `at_ms`; `attempted` says whether this try counts
/// toward the attempt limit (a rate limit is not the message's fault).
pub async fn retry_at(
    db: impl Into<Exec<'_>>,
    id: i64,
    at_ms: i64,
    error: &str,
    attempted: bool,
) -> Result<(), sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query(
            "update outbox set attempts = attempts + $4, next_attempt_at_ms = $2, last_error = $3, claimed_until_ms = null
             where id = $1",
        )
        .bind(id)
        .bind(at_ms)
        .bind(error)
        .bind(i64::from(attempted))
        .execute(db)
        .await?;
        Ok(())
    })
}

/// How many messages still wait for delivery (the demo waits for none before moving its clock).
pub async fn pending(db: impl Into<Exec<'_>>) -> Result<i64, sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query_scalar("select count(*) from outbox where status = 'pending'")
            .fetch_one(db)
            .await
    })
}

/// How many messages wait, and when the oldest of them was queued (unix seconds): the metrics'
/// backlog.
pub async fn backlog(db: &Db) -> Result<(i64, Option<i64>), sqlx::Error> {
    crate::on!(db, db => {
        sqlx::query_as("select count(*), min(created_at) from outbox where status = 'pending'")
            .fetch_one(db)
            .await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_message_reads_back_as_it_was_queued() {
        let parts = Parts {
            recipient: UserId::parse("U0ALICE"),
            subject: Some(7),
        };
        for kind in Kind::ALL {
            let render = kind.read(&parts).unwrap();
            let message = Message::rendered(render, Delivery::dm(&UserId::parse("U0BOB").unwrap()));
            let row = Row::of(&message);
            assert_eq!(row.render, Some(kind.name()));
            let claimed = ClaimedRow {
                id: 1,
                method: row.method.to_owned(),
                url: row.url,
                payload: row.payload,
                render: row.render.map(str::to_owned),
                recipient: row.recipient,
                channel: row.channel,
                subject_id: row.subject,
                attempts: 0,
            }
            .read()
            .unwrap();
            assert_eq!(claimed.message, message);
        }
    }

    #[test]
    fn rows_stored_by_earlier_builds_keep_reading() {
        for name in [
            "celebration",
            "hero_dm",
            "story_post",
            "consent_dm",
            "home",
            "story_told",
            "customer_question",
            "customer_praise",
            "rating_request",
            "rating_reminder",
            "round_results",
            "action_item",
        ] {
            assert!(Kind::named(name).is_some(), "{name}");
        }
    }
}
