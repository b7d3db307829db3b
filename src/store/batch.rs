//! Group commit: one writer gathers concurrent nominations, and the other writes a request must
//! make durable before its answer, into one transaction, so the cost of a commit is shared by
//! every request waiting for it.
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;
use sqlx::SqliteConnection;
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::time::{Duration, Instant};

use super::outbox::Row;
use crate::clock::Clock;
use crate::domain::Nomination;
use crate::domain::NominationId;
use crate::domain::outbox::Unwritten;

/// Most submissions committed in one transaction.
const MAX_BATCH: usize = 100;

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

/// Why a submission was not stored.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WriteError {
    /// The database stayed locked past the submission's deadline: nothing was stored.
    #[error("the database stayed locked past the deadline")]
    Busy,
    #[error("storing the nomination failed: {0}")]
    Failed(Arc<sqlx::Error>),
    #[error("the writer has stopped")]
    Stopped,
}

impl From<sqlx::Error> for WriteError {
    fn from(err: sqlx::Error) -> Self {
        if super::is_busy(&err) {
            Self::Busy
        } else {
            Self::Failed(Arc::new(err))
        }
    }
}

/// What a piece of work hands back, as its caller's type.
type Output = Box<dyn std::any::Any + Send>;

/// Writes of some other kind (a story, an event), run on the writer's connection inside its
/// batch's transaction.
type Work = Box<
    dyn for<'c> FnOnce(
            &'c mut SqliteConnection,
        ) -> futures_core::future::BoxFuture<'c, Result<Output, sqlx::Error>>
        + Send,
>;

// Nominations are most jobs: boxing them to shrink the rare work's variant would cost each an
// allocation.
#[allow(clippy::large_enum_variant)]
enum Task {
    Nomination(Submission, oneshot::Sender<Result<Committed, WriteError>>),
    Work(Work, oneshot::Sender<Result<Output, WriteError>>),
}

struct Job {
    task: Task,
    /// Not started after this, the job is answered Busy rather than stored late.
    deadline: Instant,
}

impl Job {
    /// Answers the job without running it.
    fn refuse(self, err: WriteError) {
        match self.task {
            Task::Nomination(_, reply) => {
                let _ = reply.send(Err(err));
            }
            Task::Work(_, reply) => {
                let _ = reply.send(Err(err));
            }
        }
    }
}

/// The handle request handlers submit through. Cloning is cheap.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer on its own connection and its own thread, so that it never waits
    /// behind request handlers for a turn to run; it stops once every handle is dropped and the
    /// queue is drained. `committed` is notified after each commit that added outbox rows.
    pub fn spawn(
        conn: SqliteConnection,
        turns: super::WriteTurns,
        committed: Arc<Notify>,
        clock: Clock,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (jobs, queue) = mpsc::channel(4 * MAX_BATCH);
        let task = tokio::task::spawn_blocking(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("the writer's runtime starts")
                .block_on(run(conn, queue, turns, committed, clock));
        });
        (Self { jobs }, task)
    }

    /// Stores a submission; returns once it is committed (or found to be a replay).
    /// Stores a submission; returns once it is committed (or found to be a replay), or, if the
    /// database stays locked, by about `budget` from now with nothing stored.
    pub async fn submit(
        &self,
        submission: Submission,
        budget: Duration,
    ) -> Result<Committed, WriteError> {
        let (reply, answer) = oneshot::channel();
        let deadline = Instant::now() + budget;
        self.jobs
            .send(Job {
                task: Task::Nomination(submission, reply),
                deadline,
            })
            .await
            .map_err(|_| WriteError::Stopped)?;
        answer.await.map_err(|_| WriteError::Stopped)?
    }

    /// Runs `work` on the writer's connection in its next transaction (in a savepoint of its
    /// own: if it fails, its writes alone are undone); returns its output once committed, or,
    /// if the database stays locked, by about `budget` from now with nothing stored.
    pub async fn run<T, F>(&self, budget: Duration, work: F) -> Result<T, WriteError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(
                &'c mut SqliteConnection,
            )
                -> futures_core::future::BoxFuture<'c, Result<T, sqlx::Error>>
            + Send
            + 'static,
    {
        let work: Work = Box::new(move |conn| {
            Box::pin(async move { work(conn).await.map(|out| Box::new(out) as Output) })
        });
        let (reply, answer) = oneshot::channel();
        let deadline = Instant::now() + budget;
        self.jobs
            .send(Job {
                task: Task::Work(work, reply),
                deadline,
            })
            .await
            .map_err(|_| WriteError::Stopped)?;
        let out = answer.await.map_err(|_| WriteError::Stopped)??;
        Ok(*out
            .downcast::<T>()
            .expect("the writer hands back the work's own output"))
    }
}

/// How much shorter than a batch's time left the busy timeout may be before it is set again.
const BUSY_SLACK_MS: u128 = 50;

/// How long a batch much smaller than the last one waits for the rest of its requests.
const LINGER: Duration = Duration::from_millis(1);

/// The next batch: whatever is waiting, and, when that is much less than the last batch (the
/// answers to the last batch are still on their way back as new requests), what arrives within
/// `LINGER`, up to the last batch's size. Without this, batches settle into a big one and a
/// lone straggler, each paying a whole commit. None once every handle is gone.
async fn next_batch(queue: &mut mpsc::Receiver<Job>, jobs: &mut Vec<Job>, last: usize) -> bool {
    if queue.recv_many(jobs, MAX_BATCH).await == 0 {
        return false;
    }
    if jobs.len() * 2 < last {
        let deadline = Instant::now() + LINGER;
        while jobs.len() < last {
            let more =
                tokio::time::timeout_at(deadline, queue.recv_many(jobs, MAX_BATCH - jobs.len()));
            if !matches!(more.await, Ok(n) if n > 0) {
                break;
            }
        }
    }
    true
}

async fn run(
    mut conn: SqliteConnection,
    mut queue: mpsc::Receiver<Job>,
    turns: super::WriteTurns,
    committed: Arc<Notify>,
    clock: Clock,
) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    let mut last = 0;
    // The busy timeout set on the connection, changed only when a batch needs it shorter or it
    // is far off (a statement saved on most batches).
    let mut busy_ms: Option<u128> = None;
    while next_batch(&mut queue, &mut jobs, last).await {
        // The batch grows while the writer waits for its turn.
        let turn = turns.take().await;
        while jobs.len() < MAX_BATCH
            && let Ok(job) = queue.try_recv()
        {
            jobs.push(job);
        }
        // A submission whose person has been waiting too long is answered, not stored late.
        let now = Instant::now();
        for job in jobs.extract_if(.., |job| job.deadline <= now) {
            job.refuse(WriteError::Busy);
        }
        let Some(earliest) = jobs.iter().map(|job| job.deadline).min() else {
            continue;
        };
        // Waiting for a lock another process holds ends by the earliest deadline in the batch.
        let wait = earliest
            .saturating_duration_since(now)
            .max(Duration::from_millis(10));
        let wait_ms = wait.as_millis();
        if busy_ms.is_none_or(|set| set > wait_ms || set + BUSY_SLACK_MS < wait_ms) {
            let set = sqlx::query(sqlx::AssertSqlSafe(format!(
                "pragma busy_timeout = {wait_ms}"
            )))
            .persistent(false)
            .execute(&mut conn)
            .await;
            busy_ms = set.is_ok().then_some(wait_ms);
        }
        last = jobs.len();
        let (mut submissions, mut replies, mut works) = (Vec::new(), Vec::new(), Vec::new());
        for job in jobs.drain(..) {
            match job.task {
                Task::Nomination(submission, reply) => {
                    submissions.push(submission);
                    replies.push(reply);
                }
                Task::Work(work, reply) => works.push((work, reply)),
            }
        }
        let submissions: Vec<&Submission> = submissions.iter().collect();
        let mut done = Vec::with_capacity(works.len());
        let started = std::time::Instant::now();
        let outcome = commit(
            &mut conn,
            &submissions,
            &mut works,
            &mut done,
            clock.now_ms(),
        )
        .await;
        tracing::trace!(
            batch = last,
            elapsed_us = started.elapsed().as_micros() as u64,
            "batch committed"
        );
        let outcome = outcome.map_err(|err| {
            if super::is_busy(&err) {
                WriteError::Busy
            } else {
                WriteError::Failed(Arc::new(err))
            }
        });
        // The works' answers: their own outcomes once committed, else the batch's failure.
        let failure = outcome.as_ref().err().cloned();
        let mut works_committed = 0;
        for (reply, out) in done {
            let answer = match &failure {
                None => out.map_err(WriteError::from),
                Some(err) => Err(err.clone()),
            };
            works_committed += usize::from(answer.is_ok());
            let _ = reply.send(answer);
        }
        for (_, reply) in works {
            let _ = reply.send(Err(failure.clone().unwrap_or(WriteError::Stopped)));
        }
        let results = match outcome {
            Ok(results) => results.into_iter().map(Ok).collect(),
            Err(WriteError::Busy) => {
                tracing::warn!(
                    batch = last,
                    "the database stayed locked; the batch is answered busy"
                );
                submissions.iter().map(|_| Err(WriteError::Busy)).collect()
            }
            // One bad submission must not sink the others: retry them one at a time.
            Err(err) if last > 1 && !submissions.is_empty() => {
                tracing::warn!(error = %err, batch = last, "batch commit failed; retrying one by one");
                let mut results = Vec::with_capacity(submissions.len());
                for s in &submissions {
                    results.push(
                        commit(
                            &mut conn,
                            &[s],
                            &mut Vec::new(),
                            &mut Vec::new(),
                            clock.now_ms(),
                        )
                        .await
                        .map(|mut r| r.remove(0))
                        .map_err(WriteError::from),
                    );
                }
                results
            }
            Err(err) => submissions.iter().map(|_| Err(err.clone())).collect(),
        };
        drop(turn);
        let stored = results
            .iter()
            .filter(|r| matches!(r, Ok(Committed::Stored(_))))
            .count();
        crate::metrics::BATCHES_COMMITTED.add(1);
        crate::metrics::NOMINATIONS_STORED.add(stored as u64);
        if stored > 0 || works_committed > 0 {
            committed.notify_one();
        }
        for (reply, result) in replies.into_iter().zip(results) {
            // The request may have gone away (client hung up); its data is committed regardless.
            let _ = reply.send(result);
        }
    }
}

/// Stores a batch in one `BEGIN IMMEDIATE` transaction (it reads before it writes), in two
/// round trips to SQLite's thread: the read, then one set-based insert per table (each fed a
/// JSON array) and the commit.
async fn commit(
    conn: &mut SqliteConnection,
    batch: &[&Submission],
    works: &mut Vec<(Work, WorkReply)>,
    done: &mut Vec<(WorkReply, Result<Output, sqlx::Error>)>,
    now_ms: i64,
) -> Result<Vec<Committed>, sqlx::Error> {
    let result = try_commit(conn, batch, works, done, now_ms).await;
    if result.is_err() {
        // Nothing of a failed batch may stay behind; a rollback outside a transaction is harmless.
        let _ = sqlx::query("rollback").execute(&mut *conn).await;
    }
    result
}

/// Where a work's answer goes.
type WorkReply = oneshot::Sender<Result<Output, WriteError>>;

async fn try_commit(
    conn: &mut SqliteConnection,
    batch: &[&Submission],
    works: &mut Vec<(Work, WorkReply)>,
    done: &mut Vec<(WorkReply, Result<Output, sqlx::Error>)>,
    now_ms: i64,
) -> Result<Vec<Committed>, sqlx::Error> {
    let now = now_ms / 1000;
    let keys: Vec<&str> = batch.iter().map(|s| s.key.as_str()).collect();
    let (mut next_id, seen): (i64, String) = sqlx::query_as(
        "begin immediate;
         select (select coalesce(max(id), 0) + 1 from nominations),
                (select json_group_object(key, coalesce(response, '')) from slack_requests
                 where key in (select value from json_each(?1)))",
    )
    .bind(json!(keys).to_string())
    .fetch_one(&mut *conn)
    .await?;
    let mut seen: HashMap<String, String> = serde_json::from_str(&seen).unwrap_or_default();
    // The other works, each in a savepoint: one that fails is undone alone.
    works.reverse();
    while let Some((work, reply)) = works.pop() {
        sqlx::query("savepoint work").execute(&mut *conn).await?;
        // A work that panics is undone alone, like one that fails: the writer goes on.
        let out = match Caught(work(&mut *conn)).await {
            Ok(out) => out,
            Err(_) => {
                tracing::error!("a write run by the writer panicked; it is undone");
                Err(sqlx::Error::Protocol("the write panicked".into()))
            }
        };
        let end = if out.is_ok() {
            "release work"
        } else {
            "rollback to work; release work"
        };
        done.push((reply, out));
        sqlx::query(end).execute(&mut *conn).await?;
    }

    let mut results = Vec::with_capacity(batch.len());
    let mut stored: Vec<(&Submission, i64)> = Vec::new();
    for s in batch {
        if let Some(ack) = seen.get(&s.key) {
            results.push(Committed::Replay(ack.clone()));
            continue;
        }
        seen.insert(s.key.clone(), s.ack.clone());
        stored.push((s, next_id));
        results.push(Committed::Stored(next_id));
        next_id += 1;
    }
    if stored.is_empty() {
        sqlx::query("commit").execute(&mut *conn).await?;
        return Ok(results);
    }
    // Each table's rows go in as one JSON array of arrays, so the statement's text is the same
    // for every batch and stays prepared: preparing a text of hundreds of parameters anew for
    // each batch cost more than SQLite reading the arrays.
    let mut nominations = Vec::with_capacity(stored.len());
    let mut heroes = Vec::new();
    let mut tags = Vec::new();
    let mut requests = Vec::with_capacity(stored.len());
    let mut outbox = Vec::new();
    for (s, id) in &stored {
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
            let row = Row::of(m);
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
    Ok(results)
}

/// The inserts of a batch, each from a JSON array of rows (nominations, heroes, tags, request
/// keys, outbox messages, in this order, each row an array in column order), then the commit.
/// Each statement takes one unnumbered parameter: sqlx binds a multi-statement text's
/// parameters in order, and a numbered one past a statement's first (`?4` alone) goes unbound.
const INSERT_AND_COMMIT: &str = concat!(
    "insert into nominations (id, team_id, nominator_id, category, customer_kind, reason, channel_id, source,
                              message_permalink, created_at)
     select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7,
            value->>8, value->>9 from json_each(?);
     insert into nomination_heroes (nomination_id, hero_id, position)
     select value->>0, value->>1, value->>2 from json_each(?);
     insert into nomination_tags (nomination_id, tag) select value->>0, value->>1 from json_each(?);
     insert into slack_requests (key, response, created_at)
     select value->>0, value->>1, value->>2 from json_each(?);
     insert into outbox (",
    "method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at",
    ")
     select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7,
            value->>8, value->>9 from json_each(?);
     commit;"
);

/// A future whose panic, while it is polled, becomes its output instead of unwinding the
/// writer's thread (which would stop every later write).
struct Caught<F>(F);

impl<F: std::future::Future + Unpin> std::future::Future for Caught<F> {
    type Output = std::thread::Result<F::Output>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            std::pin::Pin::new(inner).poll(cx)
        })) {
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Ok(std::task::Poll::Ready(out)) => std::task::Poll::Ready(Ok(out)),
            Err(panic) => std::task::Poll::Ready(Err(panic)),
        }
    }
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
