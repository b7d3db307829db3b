//! The daily backup, when `HEROBOT_BACKUP_DIR` is set: at start-up and then hourly it makes
//! sure today's backup (in the configured time zone) is in the folder, and keeps the newest
//! `HEROBOT_BACKUP_KEEP`.
use std::time::Duration;

use super::Jobs;
use crate::actions::backup::daily;
use crate::state::AppState;

const EVERY: Duration = Duration::from_secs(3600);

pub fn start(jobs: &mut Jobs, app: &AppState) {
    let Some(dir) = app.config.backup_dir.clone() else {
        return;
    };
    let app = app.clone();
    jobs.every("backup", EVERY, move || {
        let (app, dir) = (app.clone(), dir.clone());
        async move {
            let today = app.clock.today(&app.config.timezone);
            daily(&app, &dir, app.config.backup_keep, today)
                .await
                .map(|_| ())
        }
    });
}
