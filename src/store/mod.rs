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
/// and temporary files (a big batch's statement journal) kept in memory.
///
/// Commits sync as `synchronous=NORMAL`: in WAL mode a commit is in the WAL file (the operating
/// system's cache) before the answer, so an acknowledged request survives a crash or a kill of
/// the process; the WAL is synced to disk at each checkpoint, so a crash of the machine or a
/// power cut can lose the commits since the last checkpoint (at most about half a second, the
/// checkpointer's period), never corrupt the database.
pub fn options(database_url: &str) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(database_url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
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
        .max_connections(8)
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

/// Applies the embedded migrations (forward only).
pub async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("./migrations").run(pool).await
}
