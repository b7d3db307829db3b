//! Backups: a consistent copy of the database on demand (`herobot backup FILE`), and the
//! service's daily one into a folder that keeps the newest few.
use std::path::Path;

use jiff::civil::Date;

use crate::domain::audit::{Actor, Entry, Event, Subject};
use crate::state::AppState;
use crate::store::{Backup, BackupError, audit};

/// Takes a backup into `target`, a new file, on behalf of `by` (`cli` or `schedule`). Its
/// audit row is written once the copy is kept (so the copy itself does not hold it).
pub async fn back_up(app: &AppState, target: &Path, by: Actor) -> Result<Backup, BackupError> {
    let backup = app.writes.backup_to(target).await?;
    let entry = Entry::new(
        by,
        Event::BackupTaken,
        Subject::counts(&[
            ("nominations", backup.nominations as u64),
            ("stories", backup.stories as u64),
            ("bytes", backup.bytes),
        ]),
    );
    // The copy is kept whatever happens here: a busy database must not make a good backup
    // read as failed (nor stop the daily job pruning old copies).
    if let Err(err) = record(app, &entry).await {
        tracing::warn!(error = %err, "a backup was taken but its audit row was not written");
    }
    tracing::info!(
        path = %backup.path.display(),
        bytes = backup.bytes,
        nominations = backup.nominations,
        stories = backup.stories,
        "backup taken"
    );
    Ok(backup)
}

/// The daily backup's file for `day`: `herobot-2026-12-07.db`.
pub fn daily_name(day: Date) -> String {
    format!("herobot-{day}.db")
}

/// Takes `day`'s backup into `dir` unless it is there already, then removes all but the newest
/// `keep` daily backups (files named as `daily_name` names them; nothing else in the folder is
/// touched). Returns the backup taken, if one was.
pub async fn daily(
    app: &AppState,
    dir: &Path,
    keep: usize,
    day: Date,
) -> Result<Option<Backup>, BackupError> {
    std::fs::create_dir_all(dir)?;
    let target = dir.join(daily_name(day));
    let taken = if target.exists() {
        None
    } else {
        Some(back_up(app, &target, Actor::Schedule).await?)
    };
    let mut dailies: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| is_daily(name))
        .collect();
    // The dates sort as text: newest last.
    dailies.sort();
    let old = dailies.len().saturating_sub(keep.max(1));
    for name in &dailies[..old] {
        std::fs::remove_file(dir.join(name))?;
        tracing::info!(file = name, "an old daily backup removed");
    }
    Ok(taken)
}

/// Whether `name` is a daily backup's: `herobot-YYYY-MM-DD.db`.
fn is_daily(name: &str) -> bool {
    name.strip_prefix("herobot-")
        .and_then(|rest| rest.strip_suffix(".db"))
        .is_some_and(|day| day.parse::<Date>().is_ok() && day.len() == 10)
}

/// The audit row of a backup, in a transaction of its own.
async fn record(app: &AppState, entry: &Entry) -> Result<(), crate::error::Error> {
    let mut tx = app.writes.begin().await?;
    audit::record(&mut tx, app.clock.now_secs(), entry).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_daily_backups_are_counted_as_daily_backups() {
        let day: Date = "2026-12-07".parse().unwrap();
        assert_eq!(daily_name(day), "herobot-2026-12-07.db");
        assert!(is_daily(&daily_name(day)));
        for other in [
            "herobot.db",
            "herobot-2026-12-07.db-wal",
            "herobot-latest.db",
            "notes-2026-12-07.db",
            ".herobot-2026-12-07.db.partial-12",
        ] {
            assert!(!is_daily(other), "{other}");
        }
    }
}
