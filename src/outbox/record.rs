//! Claiming and recording: the rows a delivery reserves, and what became of them, in the store.
use super::deliver::Outcome;
use crate::clock::Clock;
use crate::store::Writes;
use crate::store::outbox as store;

/// Reserves the rows `ids` for this worker until `until_ms`, each unless another worker holds
/// it; returns the ones reserved.
pub(super) async fn claim(
    writes: &Writes,
    ids: &[i64],
    now_ms: i64,
    until_ms: i64,
) -> Result<Vec<store::ClaimedRow>, sqlx::Error> {
    let mut tx = writes.begin().await?;
    let claimed = store::claim_many(&mut *tx, ids, now_ms, until_ms).await?;
    tx.commit_without_wake().await?;
    Ok(claimed)
}

/// Writes what became of a delivery attempt to its rows (several for a combined message), in
/// one transaction.
pub(super) async fn record(
    writes: &Writes,
    ids: &[i64],
    outcome: &Outcome,
    clock: &Clock,
) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut tx = writes.begin().await?;
    for &id in ids {
        match outcome {
            Outcome::Sent(response) => {
                store::mark_sent(&mut *tx, id, response, clock.now_secs()).await?
            }
            Outcome::Failed(error) => store::mark_failed(&mut *tx, id, error).await?,
            Outcome::Retry {
                at_ms,
                error,
                attempted,
                ..
            } => store::retry_at(&mut *tx, id, *at_ms, error, *attempted).await?,
        }
    }
    tx.commit_without_wake().await
}
