//! Backups: a consistent copy of the database taken while herobot runs and writes (`VACUUM
//! INTO`, a read transaction: writers carry on), checked with `integrity_check` before it is
//! moved into place, so a failed backup never leaves a file that looks good.
use std::path::{Path, PathBuf};

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use sqlx::{ConnectOptions, Connection};

/// A backup taken: where, how big, and how many nominations and stories it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    pub bytes: u64,
    pub nominations: i64,
    pub stories: i64,
}

/// Why no backup was taken; nothing is left at the target either way.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} exists already; choose a new file (a backup never overwrites one)")]
    Exists(PathBuf),
    #[error("the copy failed its integrity check ({0}); nothing was kept")]
    Corrupt(String),
    #[error("writing the copy failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("copying the database failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error(
        "herobot backs up SQLite databases; this one is PostgreSQL: back it up with pg_dump or \
         your provider's snapshots (docs/operating.md)"
    )]
    NotSqlite,
}

/// Copies the database behind `pool` to `target`: into a temporary file beside it first, then,
/// once SQLite finds the copy whole, renamed into place.
pub(super) async fn take(pool: &SqlitePool, target: &Path) -> Result<Backup, BackupError> {
    if target.exists() {
        return Err(BackupError::Exists(target.to_owned()));
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".into());
    let partial = Partial(target.with_file_name(format!(".{name}.partial-{}", std::process::id())));
    let _ = std::fs::remove_file(&partial.0);
    let counts = copy_and_check(pool, &partial.0).await?;
    std::fs::rename(&partial.0, target)?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename itself survives a power cut once the folder is synced.
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(Backup {
        path: target.to_owned(),
        bytes: std::fs::metadata(target)?.len(),
        nominations: counts.0,
        stories: counts.1,
    })
}

/// The copy being made: removed however the backup ends (an error, or the task dropped at
/// shutdown) unless it was renamed into place.
struct Partial(PathBuf);

impl Drop for Partial {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn copy_and_check(pool: &SqlitePool, partial: &Path) -> Result<(i64, i64), BackupError> {
    let into = partial.to_string_lossy().into_owned();
    sqlx::query("vacuum into ?1")
        .bind(&into)
        .execute(pool)
        .await?;
    let mut copy = SqliteConnectOptions::new()
        .filename(partial)
        .read_only(true)
        .connect()
        .await?;
    let verdict: String = sqlx::query_scalar("pragma integrity_check")
        .fetch_one(&mut copy)
        .await?;
    let counts: (i64, i64) =
        sqlx::query_as("select (select count(*) from nominations), (select count(*) from stories)")
            .fetch_one(&mut copy)
            .await?;
    copy.close().await?;
    if verdict != "ok" {
        return Err(BackupError::Corrupt(verdict));
    }
    // VACUUM INTO writes through the OS; the copy is on disk before it is named a backup.
    std::fs::File::open(partial)?.sync_all()?;
    Ok(counts)
}
