//! The store: connecting to SQLite or PostgreSQL (by `DATABASE_URL`), migrating, and the SQL of
//! each table family. Reads go through read-only pools; every write goes through the write
//! handle (`write::Writes`).
pub mod answers;
pub mod audit;
pub mod backend;
pub mod copy;
pub mod db;
pub mod departures;
pub mod digests;
pub mod forget;
pub mod hero_days;
pub mod home;
pub mod library;
pub mod limits;
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

pub use backend::Backend;
pub use db::{Conn, Db};
pub use write::{Backup, BackupError, Work, WriteError, WriteTx, Writes};

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx_postgres::{PgConnectOptions, PgPoolOptions};

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

/// Whether `err` is the database saying it is locked: SQLite's SQLITE_BUSY (5) and
/// SQLITE_LOCKED (6), with their extended codes, or PostgreSQL's lock timeout (55P03) and
/// deadlock (40P01).
pub fn is_busy(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = err else {
        return false;
    };
    match db.code() {
        Some(code) if code == "55P03" || code == "40P01" => true,
        Some(code) => code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6)),
        None => false,
    }
}

/// The database opened: the shared pool for reads, the pool for answers that read much, and
/// the write handle (with the group-commit writer's task, which ends once every handle is gone).
pub struct Opened {
    pub db: Db,
    pub reads: Db,
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

/// The shared pool, for reads (read-only: a write through it fails).
pub async fn connect(database_url: &str) -> Result<Db, sqlx::Error> {
    Ok(match Backend::of(database_url) {
        Backend::Sqlite => Db::Sqlite(
            SqlitePoolOptions::new()
                .max_connections(SHARED)
                .connect_with(options(database_url)?.pragma("query_only", "true"))
                .await?,
        ),
        Backend::Postgres => Db::Postgres(
            PgPoolOptions::new()
                .max_connections(SHARED)
                .connect_lazy_with(postgres_read_only(database_url)?),
        ),
    })
}

/// The pool for answers that read much: a few read-only connections, apart from the shared
/// pool. A person waits at most `READ_WAIT` for one; a request that cannot get one is refused
/// rather than queued behind a crowd.
pub async fn connect_reads(database_url: &str) -> Result<Db, sqlx::Error> {
    Ok(match Backend::of(database_url) {
        Backend::Sqlite => Db::Sqlite(
            SqlitePoolOptions::new()
                .max_connections(READS)
                .acquire_timeout(READ_WAIT)
                .connect_with(options(database_url)?.pragma("query_only", "true"))
                .await?,
        ),
        Backend::Postgres => Db::Postgres(
            PgPoolOptions::new()
                .max_connections(READS)
                .acquire_timeout(READ_WAIT)
                .connect_lazy_with(postgres_read_only(database_url)?),
        ),
    })
}

/// A PostgreSQL connection as every pool opens it: statements that wait for a lock give up
/// after `BUSY_TIMEOUT` (so a person still gets an answer within Slack's 3 seconds), and a
/// connection is named in `pg_stat_activity`.
pub fn postgres_options(database_url: &str) -> Result<PgConnectOptions, sqlx::Error> {
    Ok(PgConnectOptions::from_str(database_url)?
        .application_name("herobot")
        .options([("lock_timeout", format!("{}", BUSY_TIMEOUT.as_millis()))]))
}

/// As `postgres_options`, read-only: a write through it fails, as on SQLite's `query_only`.
fn postgres_read_only(database_url: &str) -> Result<PgConnectOptions, sqlx::Error> {
    Ok(postgres_options(database_url)?.options([("default_transaction_read_only", "on")]))
}

/// Connections in the shared pool: the outbox worker, the pages and the actions read through
/// it. Each connection keeps up to 2 MiB of pages (SQLite's default `cache_size`); memory-mapped
/// I/O stays off, as the OS's page cache holds the file already.
const SHARED: u32 = 4;
/// Connections in the read pool: one per core of a small machine, and one spare.
const READS: u32 = 3;
/// How long an answer waits for a connection of the read pool.
const READ_WAIT: Duration = Duration::from_secs(10);

/// Whether the database answers within `PING_WAIT` (readiness): a pool reconnects by itself
/// once the database is back, so readiness recovers on its own.
pub async fn ping(db: &Db) -> Result<(), sqlx::Error> {
    let answered = crate::on!(db, db => {
        tokio::time::timeout(PING_WAIT, sqlx::query("select 1").execute(db))
            .await
            .map(|done| done.map(|_| ()))
    });
    answered.unwrap_or(Err(sqlx::Error::PoolTimedOut))
}

/// How long readiness waits for the database: a probe expects an answer in a second or two.
const PING_WAIT: Duration = Duration::from_secs(2);

/// Applies the embedded migrations of the database's engine (forward only). On PostgreSQL,
/// sqlx holds an advisory lock while it migrates, so replicas starting together take turns.
pub(crate) async fn migrate(db: &Db) -> Result<(), sqlx::migrate::MigrateError> {
    match db {
        Db::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await,
        Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await,
    }
}
