//! The digest scheduler: at the configured weekday and time in the configured zone, posts the
//! previous week's digest. If the service was down at that moment it posts on start-up, within
//! the same week only; the database, not memory, makes sure it goes out once.
use std::time::Duration;

use super::Stop;
use crate::actions::digest::post_digest;
use crate::domain::calendar::IsoWeek;
use crate::state::AppState;

/// The longest sleep between checks, so a changed clock is noticed within the hour.
const RECHECK: Duration = Duration::from_secs(3600);

pub async fn run(app: AppState, mut stop: Stop) {
    let config = &app.config;
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
        let now = app.clock.now();
        let this_week = IsoWeek::of(now, &config.timezone);
        let now = now.as_second();
        let due = this_week.scheduled_at(&schedule, &config.timezone);
        let next = if now >= due {
            if let Err(err) = post_digest(&app, this_week.previous(), "schedule").await {
                tracing::error!(error = %err, "posting the weekly digest failed; retrying in a minute");
                if stop.sleep(Duration::from_secs(60)).await {
                    return;
                }
                continue;
            }
            this_week.next().scheduled_at(&schedule, &config.timezone)
        } else {
            due
        };
        let sleep = Duration::from_secs((next - now).max(1) as u64).min(RECHECK);
        if stop.sleep(sleep).await {
            return;
        }
    }
}
