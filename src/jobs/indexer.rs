//! Follows committed rows into the search index and the heroes' days every quarter second:
//! search lags the commit by about that much, and indexing stays off the acknowledgement path.
use super::Jobs;
use crate::state::AppState;
use crate::store::search;

pub fn start(jobs: &mut Jobs, app: &AppState) {
    let (db, writes) = (app.db.clone(), app.writes.clone());
    jobs.every("indexer", search::INDEX_EVERY, move || {
        let (db, writes) = (db.clone(), writes.clone());
        async move { search::catch_up_all(&db, &writes).await.map(|_| ()) }
    });
}
