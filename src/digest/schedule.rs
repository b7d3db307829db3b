//! The digest scheduler: at the configured weekday and time in the configured zone, posts the
//! previous week's digest. If the service was down at that moment it posts on start-up, within
//! the same week only; the database, not memory, makes sure it goes out once.
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use sqlx::SqlitePool;
use tokio::sync::{Notify, watch};

use super::{IsoWeek, Posted, post};
use crate::config::Config;

/// The longest sleep between checks, so a changed clock is noticed within the hour.
const RECHECK: Duration = Duration::from_secs(3600);

pub async fn run(
    db: SqlitePool,
    config: Config,
    outbox: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    if config.digest_channel.is_none() {
        tracing::info!("HEROBOT_DIGEST_CHANNEL is not set: the weekly digest will not be posted");
        return;
    }
    let Some(schedule) = config.digest_schedule else {
        tracing::info!(
            "HEROBOT_DIGEST_SCHEDULE is off: the digest is posted only by `/hero digest post` or `herobot digest --post`"
        );
        return;
    };
    loop {
        let now = Timestamp::now().as_second();
        let this_week = IsoWeek::of(Timestamp::now(), &config.timezone);
        let due = this_week.scheduled_at(&schedule, &config.timezone);
        let next = if now >= due {
            match post(&db, &config, this_week.previous(), "schedule").await {
                Ok(Posted::Posted { .. }) => outbox.notify_one(),
                Ok(_) => {}
                Err(err) => {
                    tracing::error!(error = %err, "posting the weekly digest failed; retrying in a minute");
                    if wait(&mut stop, Duration::from_secs(60)).await {
                        return;
                    }
                    continue;
                }
            }
            this_week.next().scheduled_at(&schedule, &config.timezone)
        } else {
            due
        };
        let sleep = Duration::from_secs((next - now).max(1) as u64).min(RECHECK);
        if wait(&mut stop, sleep).await {
            return;
        }
    }
}

/// Sleeps for `duration`; true if asked to stop meanwhile.
async fn wait(stop: &mut watch::Receiver<bool>, duration: Duration) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(duration) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}
