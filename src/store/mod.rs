//! The SQLite store: connecting, migrating, and the SQL of each table family. Reads go through
//! `query_only` pools; every write goes through the write handle (`write::Writes`).
pub mod answers;
pub mod audit;
pub mod backend;
pub mod copy;
pub mod departures;
pub mod digests;
pub mod forget;
pub mod hero_days;
pub mod home;
pub mod library;
pub mod nominations;
pub mod outbox;
pub mod person_data;
pub mod report_cards;
pub mod requests;
pub mod retention;
pub mod search;
pub mod sign_in;
pub mod stories;
pub mod thanks;
pub mod wall;
pub mod write;

pub use write::{Backup, BackupError, Work, WriteError, WriteTx, Writes};

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::clock::Clock;

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

/// The database opened: the shared pool for reads, the pool for answers that read much, and
/// the write handle (with the group-commit writer's task, which ends once every handle is gone).
pub struct Opened {
    pub db: SqlitePool,
    pub reads: SqlitePool,
    pub writes: Writes,
    pub writer_task: tokio::task::JoinHandle<()>,
}

/// Opens the database (creating and migrating it as needed), its read pools and its write
/// handle, whose writes wait up to `BUSY_TIMEOUT` for a lock another process holds.
pub async fn open(database_url: &str, clock: Clock) -> Result<Opened, sqlx::Error> {
    open_waiting(database_url, BUSY_TIMEOUT, clock).await
}

/// As `open`, with writes waiting up to `lock_wait` for another process's lock (the command
/// line waits longer than a person in Slack can).
pub async fn open_waiting(
    database_url: &str,
    lock_wait: Duration,
    clock: Clock,
) -> Result<Opened, sqlx::Error> {
    let (writes, writer_task) = Writes::open(database_url, lock_wait, clock).await?;
    Ok(Opened {
        db: connect(database_url).await?,
        reads: connect_reads(database_url).await?,
        writes,
        writer_task,
    })
}

/// The shared pool, for reads (query-only: a write through it fails).
pub async fn connect(database_url: &str) -> Result<SqlitePool, sqlx::Error> {
    SqlitePoolOptions::new()
        .max_connections(SHARED)
        .connect_with(options(database_url)?.pragma("query_only", "true"))
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

/// Connections in the shared pool: the outbox worker, the pages and the actions read through
/// it. Each connection keeps up to 2 MiB of pages (SQLite's default `cache_size`); memory-mapped
/// I/O stays off, as the OS's page cache holds the file already.
const SHARED: u32 = 4;
/// Connections in the read pool: one per core of a small machine, and one spare.
const READS: u32 = 3;
/// How long an answer waits for a connection of the read pool.
const READ_WAIT: Duration = Duration::from_secs(10);

/// Applies the embedded migrations (forward only).
pub(crate) async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("./migrations/sqlite").run(pool).await
}
