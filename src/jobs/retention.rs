//! Retention: Slack request keys and spent sign-in links and sessions are forgotten once they
//! can no longer matter, checked at start-up and every hour.
use std::time::Duration;

use super::Jobs;
use crate::clock::Clock;
use crate::state::AppState;
use crate::store::{self, Writes};

/// How long a Slack request's key is kept: far longer than a signed request can be replayed
/// (five minutes) or Slack retries an event (about an hour).
pub const SLACK_REQUESTS_SECS: i64 = 7 * 86_400;
/// How long a used or expired sign-in link, or an ended session, is kept (for the record).
pub const SIGN_IN_SECS: i64 = 86_400;
const EVERY: Duration = Duration::from_secs(3600);

/// Request keys forgotten per transaction, so the write lock is never held for long.
const BATCH: u64 = 5_000;

/// Forgets what is past its retention as of `now` (unix seconds).
pub async fn prune(writes: &Writes, now: i64) -> Result<(), sqlx::Error> {
    let mut requests = 0;
    loop {
        let mut tx = writes.begin().await?;
        let forgotten =
            store::requests::forget_before(&mut *tx, now - SLACK_REQUESTS_SECS, BATCH).await?;
        tx.commit().await?;
        requests += forgotten;
        if forgotten < BATCH {
            break;
        }
    }
    let mut tx = writes.begin().await?;
    let sign_ins = store::sign_in::forget_before(&mut tx, now - SIGN_IN_SECS).await?;
    tx.commit().await?;
    if requests + sign_ins > 0 {
        tracing::info!(requests, sign_ins, "forgot rows past their retention");
    }
    Ok(())
}

/// Prunes now and then every hour, by the app's clock.
pub fn start(jobs: &mut Jobs, app: &AppState) {
    let (writes, clock): (Writes, Clock) = (app.writes.clone(), app.clock.clone());
    jobs.every("retention", EVERY, move || {
        let (writes, clock) = (writes.clone(), clock.clone());
        async move { prune(&writes, clock.now_secs()).await }
    });
}
