//! The SQLite store: connecting, migrating, and the SQL of each table family.
pub mod batch;
pub mod outbox;
pub mod requests;

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, SqliteConnection};

/// Every connection: WAL so readers never wait for the writer, foreign keys enforced, a busy
/// timeout so short write contention waits instead of failing, and a full sync on commit so an
/// acknowledged request survives a crash of the machine, not only of the process.
pub fn options(database_url: &str) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(database_url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10)))
}

/// The shared pool for reads and the occasional small write.
pub async fn connect(database_url: &str) -> Result<SqlitePool, sqlx::Error> {
    SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options(database_url)?)
        .await
}

/// A connection of its own, for the group-commit writer.
pub async fn connect_one(database_url: &str) -> Result<SqliteConnection, sqlx::Error> {
    SqliteConnection::connect_with(&options(database_url)?).await
}

/// Applies the embedded migrations (forward only).
pub async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("./migrations").run(pool).await
}
