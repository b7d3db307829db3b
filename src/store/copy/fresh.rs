//! A scratch herobot database in memory, freshly migrated: what the migrations themselves put
//! in a new database (rows a target only migrated by herobot holds, and which are no data).
use std::str::FromStr;

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

/// A new in-memory database with every SQLite migration applied; it never touches a file.
pub async fn migrated() -> anyhow::Result<SqliteConnection> {
    let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
    let mut conn = SqliteConnection::connect_with(&options).await?;
    sqlx::migrate!("./migrations/sqlite").run(&mut conn).await?;
    Ok(conn)
}
