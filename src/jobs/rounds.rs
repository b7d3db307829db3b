//! The report-card scheduler: opens each card's monthly round on the first working day at the
//! digest's time of day, sends the reminder after three days and closes the round after seven.
//! The database makes each happen once; after downtime it catches up on start-up.
use std::time::Duration;

use super::Stop;
use crate::actions::round::due_now;
use crate::state::AppState;

/// How often it looks at what is due: a round opens at most this late.
const EVERY: Duration = Duration::from_secs(60);

pub async fn run(app: AppState, mut stop: Stop) {
    let mut moves = app.clock.moves();
    loop {
        if let Err(err) = due_now(&app).await {
            tracing::error!(error = %err, "report card rounds: checking what is due failed; retrying");
        }
        let next = async {
            tokio::select! {
                _ = tokio::time::sleep(EVERY) => {}
                // A clock set by a test or the demo: look again at once.
                Ok(()) = moves.changed() => {}
            }
        };
        if stop.before(next).await {
            return;
        }
    }
}
