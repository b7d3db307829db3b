//! Group commit: one writer gathers concurrent nominations, and the other writes a request must
//! make durable before its answer, into one transaction, so the cost of a commit is shared by
//! every request waiting for it.
use std::collections::HashMap;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use serde_json::json;
use sqlx::SqliteConnection;
use sqlx_postgres::PgConnection;
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::time::{Duration, Instant};

use crate::clock::Clock;
use crate::store::Conn;
use crate::store::nominations::{Committed, Submission, insert_and_commit};

/// Most submissions committed in one transaction.
const MAX_BATCH: usize = 100;

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
        if crate::store::is_busy(&err) {
            Self::Busy
        } else {
            Self::Failed(Arc::new(err))
        }
    }
}

/// What a piece of work hands back, as its caller's type.
pub(super) type Output = Box<dyn std::any::Any + Send>;

/// A work with its output type erased, as the writer's queue holds it.
pub(super) type AnyWork = Box<
    dyn for<'c, 'd> FnOnce(
            &'c mut Conn<'d>,
        )
            -> futures_core::future::BoxFuture<'c, Result<Output, sqlx::Error>>
        + Send,
>;

// Nominations are most jobs: boxing them to shrink the rare work's variant would cost each an
// allocation.
#[allow(clippy::large_enum_variant)]
pub enum Task {
    Nomination(Submission, oneshot::Sender<Result<Committed, WriteError>>),
    Work(AnyWork, oneshot::Sender<Result<Output, WriteError>>),
}

struct Queued {
    task: Task,
    /// Not started after this, the job is answered Busy rather than stored late.
    deadline: Instant,
}

impl Queued {
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

/// The writer's own connection, on either engine.
pub(super) enum Connection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// The queue into the writer. Cloning is cheap. Public only to name it in `Job`: the module is
/// private, so no other code can make or hold one, and `Job` cannot be implemented elsewhere.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Queued>,
}

impl Writer {
    /// Starts the writer on its own connection and its own thread, so that it never waits
    /// behind request handlers for a turn to run; it stops once every handle is dropped and the
    /// queue is drained. `committed` is notified after each commit that added outbox rows.
    pub(super) fn spawn(
        conn: Connection,
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

    async fn send(&self, task: Task, deadline: Instant) -> Result<(), WriteError> {
        self.jobs
            .send(Queued { task, deadline })
            .await
            .map_err(|_| WriteError::Stopped)
    }
}

/// Something the group-commit writer stores: a nomination (`Submission`, inserted set-based
/// with the rest of its batch) or any other write (`Work`, in a savepoint of its own).
pub trait Job: Send + 'static {
    /// What the caller gets back once the job is committed.
    type Output: Send + 'static;

    /// Queues the job, not to be started after `deadline`, and waits for its outcome.
    #[doc(hidden)]
    fn queue(
        self,
        writer: &Writer,
        deadline: Instant,
    ) -> impl Future<Output = Result<Self::Output, WriteError>> + Send;
}

impl Job for Submission {
    type Output = Committed;

    async fn queue(self, writer: &Writer, deadline: Instant) -> Result<Committed, WriteError> {
        let (reply, answer) = oneshot::channel();
        writer.send(Task::Nomination(self, reply), deadline).await?;
        answer.await.map_err(|_| WriteError::Stopped)?
    }
}

/// Writes of some other kind (a story, an event), run on the writer's connection inside its
/// batch's transaction, in a savepoint of their own: if they fail, their writes alone are
/// undone.
pub struct Work<T, F>(F, PhantomData<fn() -> T>);

impl<T, F> Work<T, F>
where
    T: Send + 'static,
    F: for<'c, 'd> FnOnce(
            &'c mut Conn<'d>,
        ) -> futures_core::future::BoxFuture<'c, Result<T, sqlx::Error>>
        + Send
        + 'static,
{
    pub fn new(work: F) -> Self {
        Self(work, PhantomData)
    }
}

impl<T, F> Job for Work<T, F>
where
    T: Send + 'static,
    F: for<'c, 'd> FnOnce(
            &'c mut Conn<'d>,
        ) -> futures_core::future::BoxFuture<'c, Result<T, sqlx::Error>>
        + Send
        + 'static,
{
    type Output = T;

    async fn queue(self, writer: &Writer, deadline: Instant) -> Result<T, WriteError> {
        let work = self.0;
        let work: AnyWork = Box::new(move |conn| {
            Box::pin(async move { work(conn).await.map(|out| Box::new(out) as Output) })
        });
        let (reply, answer) = oneshot::channel();
        writer.send(Task::Work(work, reply), deadline).await?;
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
async fn next_batch(
    queue: &mut mpsc::Receiver<Queued>,
    jobs: &mut Vec<Queued>,
    last: usize,
) -> bool {
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
    mut conn: Connection,
    mut queue: mpsc::Receiver<Queued>,
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
            let set = match &mut conn {
                Connection::Sqlite(conn) => sqlx::query(sqlx::AssertSqlSafe(format!(
                    "pragma busy_timeout = {wait_ms}"
                )))
                .persistent(false)
                .execute(conn)
                .await
                .map(|_| ()),
                Connection::Postgres(conn) => {
                    sqlx::query(sqlx::AssertSqlSafe(format!("set lock_timeout = {wait_ms}")))
                        .persistent(false)
                        .execute(conn)
                        .await
                        .map(|_| ())
                }
            };
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
            if crate::store::is_busy(&err) {
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
    conn: &mut Connection,
    batch: &[&Submission],
    works: &mut Vec<(AnyWork, WorkReply)>,
    done: &mut Vec<(WorkReply, Result<Output, sqlx::Error>)>,
    now_ms: i64,
) -> Result<Vec<Committed>, sqlx::Error> {
    let result = match conn {
        Connection::Sqlite(conn) => try_commit(conn, batch, works, done, now_ms).await,
        Connection::Postgres(conn) => {
            super::postgres_batch::commit(conn, batch, works, done, now_ms).await
        }
    };
    if result.is_err() {
        // Nothing of a failed batch may stay behind; a rollback outside a transaction is harmless.
        let _ = match conn {
            Connection::Sqlite(conn) => sqlx::query("rollback").execute(conn).await.map(|_| ()),
            Connection::Postgres(conn) => sqlx::query("rollback").execute(conn).await.map(|_| ()),
        };
    }
    result
}

/// Where a work's answer goes.
pub(super) type WorkReply = oneshot::Sender<Result<Output, WriteError>>;

async fn try_commit(
    conn: &mut SqliteConnection,
    batch: &[&Submission],
    works: &mut Vec<(AnyWork, WorkReply)>,
    done: &mut Vec<(WorkReply, Result<Output, sqlx::Error>)>,
    now_ms: i64,
) -> Result<Vec<Committed>, sqlx::Error> {
    let keys: Vec<&str> = batch.iter().map(|s| s.key.as_str()).collect();
    let (mut next_id, seen): (i64, String) = sqlx::query_as(
        "begin immediate;
         select (select coalesce(max(id), 0) + 1 from nominations),
                (select json_group_object(key, coalesce(response, '')) from slack_requests
                 where key in (select value from json_each($1)))",
    )
    .bind(json!(keys).to_string())
    .fetch_one(&mut *conn)
    .await?;
    let mut seen: HashMap<String, String> = serde_json::from_str(&seen).unwrap_or_default();
    run_works(&mut Conn::sqlite_within(conn), works, done).await?;

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
    } else {
        insert_and_commit(conn, &stored, now_ms).await?;
    }
    Ok(results)
}

/// Runs the batch's works, each in a savepoint of its own: one that fails or panics is undone
/// alone.
pub(super) async fn run_works(
    conn: &mut Conn<'_>,
    works: &mut Vec<(AnyWork, WorkReply)>,
    done: &mut Vec<(WorkReply, Result<Output, sqlx::Error>)>,
) -> Result<(), sqlx::Error> {
    works.reverse();
    while let Some((work, reply)) = works.pop() {
        crate::on!(&mut *conn, c => sqlx::query("savepoint work").execute(c).await.map(|_| ()))?;
        let out = {
            let mut lent = conn.lend();
            // A work that panics is undone alone, like one that fails: the writer goes on.
            match Caught(work(&mut lent)).await {
                Ok(out) => out,
                Err(_) => {
                    tracing::error!("a write run by the writer panicked; it is undone");
                    Err(sqlx::Error::Protocol("the write panicked".into()))
                }
            }
        };
        let failed = out.is_err();
        done.push((reply, out));
        if failed {
            crate::on!(&mut *conn, c => sqlx::query("rollback to savepoint work").execute(c).await.map(|_| ()))?;
        }
        crate::on!(&mut *conn, c => sqlx::query("release savepoint work").execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

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
