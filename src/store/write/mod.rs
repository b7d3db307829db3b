//! The write handle: the only way to a writable connection. A transaction takes the process's
//! turn to write and wakes the outbox worker when it commits; a job runs on the group-commit
//! writer. Every other pool of the process is opened `query_only`.
mod backup;
mod group;
mod postgres_batch;

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{Connection, SqliteConnection};
use sqlx_postgres::{PgConnection, PgPoolOptions};
use tokio::sync::Notify;

pub use backup::{Backup, BackupError};
pub use group::{Job, Work, WriteError};

use super::{Backend, Conn, Db};
use crate::clock::Clock;

/// Writable connections besides the group-commit writer's: actions' transactions, the outbox
/// worker's records, the indexer and checkpoints. Writes take turns, so one would do; the
/// second lets a checkpoint or a migration's read run beside a write.
const WRITABLE: u32 = 2;

/// The handle every write goes through. Cloning is cheap; the group-commit writer stops once
/// every clone is gone.
#[derive(Clone)]
pub struct Writes {
    pool: Db,
    turns: WriteTurns,
    committed: Arc<Notify>,
    writer: group::Writer,
}

impl Writes {
    /// Opens the database for writing (creating it if missing), applies the migrations and
    /// starts the group-commit writer on a connection and a thread of its own. The task ends
    /// once every handle is dropped and the writer's queue is drained.
    /// A write waits up to `lock_wait` for a lock another process holds.
    pub async fn open(
        database_url: &str,
        lock_wait: Duration,
        clock: Clock,
    ) -> Result<(Self, tokio::task::JoinHandle<()>), sqlx::Error> {
        let (pool, conn) = match Backend::of(database_url) {
            Backend::Sqlite => {
                let options = super::options(database_url)?.busy_timeout(lock_wait);
                let pool = SqlitePoolOptions::new()
                    .max_connections(WRITABLE)
                    .connect_with(options.clone())
                    .await?;
                // The writer never checkpoints the WAL itself, so copying pages back into the
                // database stays off the acknowledgement path; the checkpoint job and this pool
                // do it.
                let options = options.pragma("wal_autocheckpoint", "0");
                let pool = Db::Sqlite(pool);
                super::migrate(&pool).await.map_err(sqlx::Error::from)?;
                let conn = SqliteConnection::connect_with(&options).await?;
                (pool, group::Connection::Sqlite(conn))
            }
            Backend::Postgres => {
                let options = super::postgres_options(database_url)?
                    .options([("lock_timeout", format!("{}", lock_wait.as_millis()))]);
                let pool = PgPoolOptions::new()
                    .max_connections(WRITABLE)
                    .connect_with(options.clone())
                    .await?;
                let pool = Db::Postgres(pool);
                super::migrate(&pool).await.map_err(sqlx::Error::from)?;
                let conn = PgConnection::connect_with(&options).await?;
                (pool, group::Connection::Postgres(conn))
            }
        };
        let turns = WriteTurns::default();
        let committed = Arc::new(Notify::new());
        let (writer, task) = group::Writer::spawn(conn, turns.clone(), committed.clone(), clock);
        Ok((
            Self {
                pool,
                turns,
                committed,
                writer,
            },
            task,
        ))
    }

    /// Opens a write transaction once it is this process's turn to write. On SQLite,
    /// `BEGIN IMMEDIATE` takes the write lock up front, so a transaction that reads before it
    /// writes never fails half-way for want of it. On PostgreSQL, rows are locked as they are
    /// written, and the unique keys keep replicas from storing one thing twice.
    pub async fn begin(&self) -> Result<WriteTx, sqlx::Error> {
        let turn = self.turns.take().await;
        let tx = match &self.pool {
            Db::Sqlite(pool) => Conn::sqlite_tx(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Conn::postgres_tx(pool.begin().await?),
        };
        Ok(WriteTx {
            tx,
            committed: self.committed.clone(),
            _turn: turn,
        })
    }

    /// Runs `job` on the group-commit writer in its next transaction, and answers once it is
    /// committed, or, if the database stays locked, by about `BUSY_TIMEOUT` from now with
    /// nothing stored. Writes a request must make durable before its answer go this way: they
    /// share a commit with the others.
    pub async fn run<J: Job>(&self, job: J) -> Result<J::Output, WriteError> {
        self.run_within(job, super::BUSY_TIMEOUT).await
    }

    /// As `run`, giving up after `budget` instead.
    pub async fn run_within<J: Job>(
        &self,
        job: J,
        budget: Duration,
    ) -> Result<J::Output, WriteError> {
        job.queue(&self.writer, tokio::time::Instant::now() + budget)
            .await
    }

    /// Notified after every commit that may have queued outbox messages: the outbox worker
    /// waits on it.
    pub fn committed(&self) -> Arc<Notify> {
        self.committed.clone()
    }

    /// Takes one of `key`'s allowance in a statement of its own (`store::limits`), outside the
    /// write turns: for a limit that must hold across replicas, checked before a request's own
    /// write.
    pub async fn take_allowance(
        &self,
        key: &str,
        allowance: super::limits::Allowance,
        now_ms: i64,
    ) -> Result<bool, sqlx::Error> {
        super::limits::take(&self.pool, key, allowance, now_ms).await
    }

    /// Which engine the database runs on.
    pub fn backend(&self) -> Backend {
        self.pool.backend()
    }

    /// On SQLite, copies the WAL back into the database as far as readers allow (a passive
    /// checkpoint). PostgreSQL checkpoints by itself.
    pub async fn checkpoint(&self) -> Result<(), sqlx::Error> {
        match self.pool.as_sqlite() {
            Some(pool) => sqlx::query("pragma wal_checkpoint(passive)")
                .execute(pool)
                .await
                .map(|_| ()),
            None => Ok(()),
        }
    }

    /// Takes a consistent copy of the database into `target` (a new file) while writes go on,
    /// checked whole before it is kept. SQLite only: PostgreSQL is backed up with its own tools.
    pub async fn backup_to(&self, target: &std::path::Path) -> Result<Backup, BackupError> {
        match self.pool.as_sqlite() {
            Some(pool) => backup::take(pool, target).await,
            None => Err(BackupError::NotSqlite),
        }
    }

    /// Whether a write connection answers (readiness).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        crate::on!(&self.pool, db => sqlx::query("select 1").execute(db).await.map(|_| ()))
    }

    /// Closes the writable connections (the group-commit writer stops with its last handle).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A write transaction holding the process's turn to write until it ends. Dropped without
/// `commit`, it rolls back.
pub struct WriteTx {
    tx: Conn<'static>,
    committed: Arc<Notify>,
    _turn: WriteTurn,
}

impl WriteTx {
    /// Commits, then wakes the outbox worker for any messages the transaction queued: the one
    /// way a transaction's messages leave, so none waits for the worker's idle poll.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await?;
        self.committed.notify_one();
        Ok(())
    }

    /// Commits without waking the outbox worker: for the worker's own bookkeeping (claims and
    /// delivery outcomes), which queues no message; waking it would only cost it a look.
    pub async fn commit_without_wake(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl Deref for WriteTx {
    type Target = Conn<'static>;

    fn deref(&self) -> &Conn<'static> {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Conn<'static> {
        &mut self.tx
    }
}

/// Turns to write, one at a time in order of arrival, for every write transaction of the
/// process (the group-commit writer's batches, the actions' transactions, search indexing).
/// Without them, writers meet at SQLite's lock, whose busy handler retries after sleeps of up
/// to 100 ms: a busy group-commit writer leaves few gaps, and a story or an event waited for
/// one for hundreds of milliseconds. SQLite's busy timeout still covers other processes.
#[derive(Clone, Default)]
struct WriteTurns(Arc<tokio::sync::Mutex<()>>);

/// A turn to write: the next writer waits until it is dropped.
type WriteTurn = tokio::sync::OwnedMutexGuard<()>;

impl WriteTurns {
    /// Waits for this process's turn to write.
    async fn take(&self) -> WriteTurn {
        self.0.clone().lock_owned().await
    }
}
