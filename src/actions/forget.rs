//! Erasure of one person (`herobot forget USER_ID [--yes]`): everything runs in one transaction
//! through the write handle; without `--yes` the transaction is rolled back, so the dry run's
//! counts are exactly what the real run changes.
use crate::domain::UserId;
use crate::domain::forgotten;
use crate::state::AppState;
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

/// Forgets `user`, or with `write` false, counts what forgetting them would change.
pub async fn forget(app: &AppState, user: &UserId, write: bool) -> crate::error::Result<Forgotten> {
    let mut random = [0u8; 8];
    getrandom::getrandom(&mut random).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let placeholder = forgotten::placeholder(u64::from_le_bytes(random));
    let mut tx = app.writes.begin().await?;
    let changed = forget::forget(&mut tx, user.as_str(), &placeholder).await?;
    if write {
        tx.commit().await?;
        let total: u64 = changed.iter().map(|c| c.deleted + c.rewritten).sum();
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
