//! The SQLite store: connecting, migrating, and the SQL of each table family.
pub mod answers;
pub mod batch;
pub mod digests;
pub mod hero_days;
pub mod home;
pub mod library;
pub mod nominations;
pub mod outbox;
pub mod report_cards;
pub mod requests;
pub mod search;
pub mod sign_in;
pub mod stories;
pub mod wall;

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, SqliteConnection};

/// How long a write waits for a lock another process holds before it gives up, so a person
/// still gets an answer within Slack's 3 seconds (telling them to try again).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// Every connection: WAL so readers never wait for the writer, foreign keys enforced, a busy
/// timeout so short write contention waits instead of failing (but not past Slack's 3 seconds),
/// temporary files (a big batch's statement journal) kept in memory, and a full sync on commit
/// (`synchronous=FULL`), so an acknowledged request survives a crash of the machine or a power
/// cut, not only of the process: Slack does not send a request again once it is acknowledged.
pub fn options(database_url: &str) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(database_url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .pragma("temp_store", "memory")
        .busy_timeout(BUSY_TIMEOUT))
}

/// Whether `err` is SQLite saying the database is locked (by another connection or process).
pub fn is_busy(err: &sqlx::Error) -> bool {
    // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
    matches!(err, sqlx::Error::Database(db)
        if db.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| matches!(c & 0xff, 5 | 6)))
}

/// The shared pool for reads and the occasional small write.
pub async fn connect(database_url: &str) -> Result<SqlitePool, sqlx::Error> {
    SqlitePoolOptions::new()
        .max_connections(SHARED)
        .connect_with(options(database_url)?)
        .await
}

/// The pool for answers that read much: a few query-only connections, apart from the shared
/// pool. A person waits at most `READ_WAIT` for one; a request that cannot get one is refused
/// rather than queued behind a crowd.
pub async fn connect_reads(database_url: &str) -> Result<SqlitePool, sqlx::Error> {
    SqlitePoolOptions::new()
        .max_connections(READS)
        .acquire_timeout(READ_WAIT)
        .connect_with(options(database_url)?.pragma("query_only", "true"))
        .await
}

/// Connections in the shared pool: the outbox worker, search indexing, the pages and the
/// actions that write on their own take one each for a moment; writes take turns anyway. Each
/// connection keeps up to 2 MiB of pages (SQLite's default `cache_size`); memory-mapped I/O stays
/// off, as the OS's page cache holds the file already.
const SHARED: u32 = 4;
/// Connections in the read pool: one per core of a small machine, and one spare.
const READS: u32 = 3;
/// How long an answer waits for a connection of the read pool.
const READ_WAIT: Duration = Duration::from_secs(10);

/// A connection of its own, for the group-commit writer. It never checkpoints the WAL itself,
/// so copying pages back into the database stays off the acknowledgement path; the
/// checkpointer task (and the pool's connections) do it.
pub async fn connect_writer(database_url: &str) -> Result<SqliteConnection, sqlx::Error> {
    SqliteConnection::connect_with(&options(database_url)?.pragma("wal_autocheckpoint", "0")).await
}

/// Checkpoints the WAL in the background until the pool closes, so it does not grow unbounded
/// while the writer leaves checkpoints to others.
pub async fn checkpoint_periodically(pool: SqlitePool, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !pool.is_closed() {
        tick.tick().await;
        let checkpoint = sqlx::query("pragma wal_checkpoint(passive)")
            .execute(&pool)
            .await;
        if let Err(err) = checkpoint
            && !pool.is_closed()
        {
            tracing::warn!(error = %err, "WAL checkpoint failed");
        }
    }
}

/// Turns to write, one at a time in order of arrival, for every write transaction of the
/// process (the group-commit writer's batches, the actions' transactions, search indexing).
/// Without them, writers meet at SQLite's lock, whose busy handler retries after sleeps of up
/// to 100 ms: a busy group-commit writer leaves few gaps, and a story or an event waited for
/// one for hundreds of milliseconds. SQLite's busy timeout still covers other processes.
#[derive(Clone, Default)]
pub struct WriteTurns(std::sync::Arc<tokio::sync::Mutex<()>>);

/// A turn to write: the next writer waits until it is dropped.
pub type WriteTurn = tokio::sync::OwnedMutexGuard<()>;

impl WriteTurns {
    /// Waits for this process's turn to write.
    pub async fn take(&self) -> WriteTurn {
        self.0.clone().lock_owned().await
    }
}

/// Applies the embedded migrations (forward only).
pub async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("./migrations").run(pool).await
}
