//! Group commit: one writer gathers concurrent nominations into one transaction, so the cost of
//! a commit is shared by every request waiting for it.
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};
use sqlx::{Connection, Row, SqliteConnection};
use tokio::sync::{Notify, mpsc, oneshot};

use crate::domain::Nomination;

/// Most submissions committed in one transaction.
const MAX_BATCH: usize = 256;

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

/// A message for the outbox, committed with the nomination that caused it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewMessage {
    /// A Web API method, or `response_url`.
    pub method: &'static str,
    /// The channel or user it goes to: deliveries are paced per lane.
    pub lane: String,
    pub url: Option<String>,
    /// The JSON body.
    pub payload: String,
}

/// A nomination to store, with its idempotency key, its acknowledgement and its messages.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Unique per Slack request (`command:<trigger_id>`); a second submission with the same key
    /// stores nothing and gets the first one's acknowledgement.
    pub key: String,
    /// The acknowledgement body, kept to answer replays the same way.
    pub ack: String,
    pub team_id: String,
    pub channel_id: Option<String>,
    pub source: Source,
    pub message_permalink: Option<String>,
    pub nomination: Nomination,
    pub messages: Vec<NewMessage>,
}

/// What became of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Committed {
    /// Stored now, with this nomination ID.
    Stored(i64),
    /// Seen before: nothing stored; answer with the first acknowledgement.
    Replay(String),
}

struct Job {
    submission: Submission,
    reply: oneshot::Sender<Result<Committed, Arc<sqlx::Error>>>,
}

/// The handle request handlers submit through. Cloning is cheap.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer on its own connection; it stops once every handle is dropped and the
    /// queue is drained. `committed` is notified after each commit that added outbox rows.
    pub fn spawn(
        conn: SqliteConnection,
        committed: Arc<Notify>,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (jobs, queue) = mpsc::channel(4 * MAX_BATCH);
        let task = tokio::spawn(run(conn, queue, committed));
        (Self { jobs }, task)
    }

    /// Stores a submission; returns once it is committed (or found to be a replay).
    pub async fn submit(&self, submission: Submission) -> anyhow::Result<Committed> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { submission, reply })
            .await
            .map_err(|_| anyhow::anyhow!("the writer has stopped"))?;
        let result = answer
            .await
            .map_err(|_| anyhow::anyhow!("the writer dropped the submission"))?;
        result.map_err(|err| anyhow::anyhow!("storing the nomination failed: {err}"))
    }
}

async fn run(mut conn: SqliteConnection, mut queue: mpsc::Receiver<Job>, committed: Arc<Notify>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let submissions: Vec<&Submission> = jobs.iter().map(|j| &j.submission).collect();
        let results = match commit(&mut conn, &submissions).await {
            Ok(results) => results.into_iter().map(Ok).collect(),
            // One bad submission must not sink the others: retry them one at a time.
            Err(err) if jobs.len() > 1 => {
                tracing::warn!(error = %err, batch = jobs.len(), "batch commit failed; retrying one by one");
                let mut results = Vec::with_capacity(jobs.len());
                for s in &submissions {
                    results.push(
                        commit(&mut conn, &[s])
                            .await
                            .map(|mut r| r.remove(0))
                            .map_err(Arc::new),
                    );
                }
                results
            }
            Err(err) => vec![Err(Arc::new(err))],
        };
        if results
            .iter()
            .any(|r| matches!(r, Ok(Committed::Stored(_))))
        {
            committed.notify_one();
        }
        for (job, result) in jobs.drain(..).zip(results) {
            // The request may have gone away (client hung up); its data is committed regardless.
            let _ = job.reply.send(result);
        }
    }
}

/// Stores a batch in one `BEGIN IMMEDIATE` transaction (it reads before it writes) with one
/// set-based statement per table, each fed a JSON array.
async fn commit(
    conn: &mut SqliteConnection,
    batch: &[&Submission],
) -> Result<Vec<Committed>, sqlx::Error> {
    let now_ms = crate::clock::now_ms();
    let now = now_ms / 1000;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;

    let keys: Vec<&str> = batch.iter().map(|s| s.key.as_str()).collect();
    let mut seen: HashMap<String, String> =
        sqlx::query("select key, coalesce(response, '') from slack_requests where key in (select value from json_each(?1))")
            .bind(json!(keys).to_string())
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect();
    let mut next_id: i64 = sqlx::query_scalar("select coalesce(max(id), 0) + 1 from nominations")
        .fetch_one(&mut *tx)
        .await?;

    let mut results = Vec::with_capacity(batch.len());
    let (mut nominations, mut messages, mut requests) = (Vec::new(), Vec::new(), Vec::new());
    for s in batch {
        if let Some(ack) = seen.get(&s.key) {
            results.push(Committed::Replay(ack.clone()));
            continue;
        }
        seen.insert(s.key.clone(), s.ack.clone());
        let n = &s.nomination;
        nominations.push(json!({
            "id": next_id,
            "team": s.team_id,
            "nominator": n.nominator.as_str(),
            "category": n.category.map(|c| c.as_str()),
            "kind": n.customer_kind.map(|k| k.as_str()),
            "reason": n.reason.as_str(),
            "channel": s.channel_id,
            "source": s.source.as_str(),
            "permalink": s.message_permalink,
            "heroes": n.heroes.iter().map(|h| h.as_str()).collect::<Vec<_>>(),
            "tags": n.tags.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        }));
        messages.extend(s.messages.iter());
        requests.push(json!({"key": s.key, "ack": s.ack}));
        results.push(Committed::Stored(next_id));
        next_id += 1;
    }
    if !nominations.is_empty() {
        let nominations = Value::Array(nominations).to_string();
        sqlx::query(
            "insert into nominations (id, team_id, nominator_id, category, customer_kind, reason, channel_id, source, message_permalink, created_at)
             select value->>'id', value->>'team', value->>'nominator', value->>'category', value->>'kind', value->>'reason',
                    value->>'channel', value->>'source', value->>'permalink', ?2
             from json_each(?1)",
        )
        .bind(&nominations)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into nomination_heroes (nomination_id, hero_id, position)
             select n.value->>'id', h.value, h.key from json_each(?1) n, json_each(n.value, '$.heroes') h",
        )
        .bind(&nominations)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into nomination_tags (nomination_id, tag)
             select n.value->>'id', t.value from json_each(?1) n, json_each(n.value, '$.tags') t",
        )
        .bind(&nominations)
        .execute(&mut *tx)
        .await?;
        super::outbox::enqueue_json(
            &mut *tx,
            &serde_json::to_string(&messages).expect("messages serialise"),
            now_ms,
        )
        .await?;
        sqlx::query(
            "insert into slack_requests (key, response, created_at) select value->>'key', value->>'ack', ?2 from json_each(?1)",
        )
        .bind(Value::Array(requests).to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(results)
}
