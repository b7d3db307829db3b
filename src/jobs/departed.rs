//! Departed accounts, when `HEROBOT_FORGET_DEPARTED_AFTER_DAYS` is set: at start-up and then
//! daily (and at once when a test or the demo sets the clock), `users.list` is read to catch
//! deactivations and reactivations whose events were missed, then everyone gone that many days
//! is forgotten.
use std::time::Duration;

use super::{Jobs, Stop};
use crate::actions::departed::{forget_due, reconcile};
use crate::state::AppState;

/// How often departures are looked at.
const DAILY: Duration = Duration::from_secs(24 * 3600);
/// How soon a failed run is tried again.
const RETRY: Duration = Duration::from_secs(3600);

pub fn start(jobs: &mut Jobs, app: &AppState) {
    let Some(days) = app.config.forget_departed_after_days else {
        return;
    };
    let app = app.clone();
    jobs.spawn("departed", move |stop| run(app, days, stop));
}

async fn run(app: AppState, days: u32, mut stop: Stop) {
    let mut moves = app.clock.moves();
    tracing::info!(
        days,
        "people whose Slack accounts were deactivated this many days ago are forgotten"
    );
    loop {
        // A failed reading of users.list still lets the events' marks be acted on.
        if let Err(err) = reconcile(&app).await {
            tracing::warn!(error = %err, "departed accounts: reading users.list failed; events still count");
        }
        let wait = match forget_due(&app, days).await {
            Ok(_) => DAILY,
            Err(err) => {
                tracing::warn!(error = %err, "departed accounts: forgetting failed; retrying in an hour");
                RETRY
            }
        };
        let next = async {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                Ok(()) = moves.changed() => {}
            }
        };
        if stop.before(next).await {
            return;
        }
    }
}
