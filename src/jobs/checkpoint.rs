//! Checkpoints the WAL twice a second, so it does not grow unbounded while the group-commit
//! writer leaves checkpoints to others.
use std::time::Duration;

use super::Jobs;
use crate::state::AppState;

const EVERY: Duration = Duration::from_millis(500);

pub fn start(jobs: &mut Jobs, app: &AppState) {
    let writes = app.writes.clone();
    jobs.every("checkpoint", EVERY, move || {
        let writes = writes.clone();
        async move { writes.checkpoint().await }
    });
}
