//! Erasure of one person (`herobot forget USER_ID [--yes]`): everything runs in one transaction
//! through the write handle; without `--yes` the transaction is rolled back, so the dry run's
//! counts are exactly what the real run changes.
use crate::domain::UserId;
use crate::domain::audit::{Actor, Entry, Event, Subject};
use crate::domain::forgotten;
use crate::state::AppState;
use crate::store::audit;
use crate::store::forget::{self, Changed};

/// What a forget did, or would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forgotten {
    /// The placeholder that stands for the person from now on.
    pub placeholder: String,
    pub changed: Vec<Changed>,
    /// False for a dry run: nothing was written.
    pub written: bool,
}

/// Forgets `user` on behalf of `by` (`cli`, or `schedule` for a departed account), or with
/// `write` false, counts what forgetting them would change. The audit row says how much changed,
/// never who, and is written in the same transaction (a dry run's goes with its rollback).
pub async fn forget(
    app: &AppState,
    user: &UserId,
    write: bool,
    by: Actor,
) -> crate::error::Result<Forgotten> {
    let mut random = [0u8; 8];
    getrandom::getrandom(&mut random).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let placeholder = forgotten::placeholder(u64::from_le_bytes(random));
    let mut tx = app.writes.begin().await?;
    let changed = forget::forget(&mut tx, user.as_str(), &placeholder).await?;
    let deleted: u64 = changed.iter().map(|c| c.deleted).sum();
    let rewritten: u64 = changed.iter().map(|c| c.rewritten).sum();
    let entry = Entry::new(
        by,
        Event::Forgotten,
        Subject::counts(&[("deleted", deleted), ("rewritten", rewritten)]),
    );
    audit::record(&mut tx, app.clock.now_secs(), &entry).await?;
    if write {
        tx.commit().await?;
        let total = deleted + rewritten;
        // Never who: the log says only that someone was forgotten, and how much changed.
        tracing::info!(changes = total, "a person was forgotten");
    } else {
        // Dropped uncommitted, the transaction is rolled back: a dry run writes nothing.
        drop(tx);
    }
    Ok(Forgotten {
        placeholder,
        changed,
        written: write,
    })
}
