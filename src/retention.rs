//! Retention: Slack request keys and spent sign-in links and sessions are forgotten once they
//! can no longer matter, checked at start-up and every hour.
use std::time::Duration;

use sqlx::SqlitePool;

use crate::clock::Clock;
use crate::store;

/// How long a Slack request's key is kept: far longer than a signed request can be replayed
/// (five minutes) or Slack retries an event (about an hour).
pub const SLACK_REQUESTS_SECS: i64 = 7 * 86_400;
/// How long a used or expired sign-in link, or an ended session, is kept (for the record).
pub const SIGN_IN_SECS: i64 = 86_400;
const EVERY: Duration = Duration::from_secs(3600);

/// Forgets what is past its retention as of `now` (unix seconds).
pub async fn prune(db: &SqlitePool, now: i64) -> Result<(), sqlx::Error> {
    let requests = store::requests::forget_before(db, now - SLACK_REQUESTS_SECS).await?;
    let sign_ins = store::sign_in::forget_before(db, now - SIGN_IN_SECS).await?;
    if requests + sign_ins > 0 {
        tracing::info!(requests, sign_ins, "forgot rows past their retention");
    }
    Ok(())
}

/// Prunes now and then every hour, by `clock`, until the pool closes.
pub async fn prune_periodically(db: SqlitePool, clock: Clock) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !db.is_closed() {
        tick.tick().await;
        if let Err(err) = prune(&db, clock.now_secs()).await
            && !db.is_closed()
        {
            tracing::warn!(error = %err, "pruning old rows failed");
        }
    }
}
