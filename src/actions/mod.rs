//! One function per thing a person or the scheduler does. Each takes the app's handles, owns
//! its transaction, queues typed outbox messages and wakes the worker, and returns what to show.
//! Route handlers parse, call one action and answer.
pub mod consent;
pub mod digest;
pub mod feature;
pub mod library_link;
pub mod modal;
pub mod nominate;
pub mod search;
pub mod tell_story;
pub mod top;

use sqlx::{Sqlite, Transaction};

use crate::state::AppState;

/// Opens a write transaction. `BEGIN IMMEDIATE` takes the write lock up front, so a
/// transaction that reads before it writes never fails half-way for want of it.
async fn begin(app: &AppState) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    app.db.begin_with("BEGIN IMMEDIATE").await
}

/// Commits an action's transaction and wakes the outbox worker for the messages it queued: the
/// one way an action's messages leave, so none waits for the worker's idle poll.
async fn commit(app: &AppState, tx: Transaction<'static, Sqlite>) -> Result<(), sqlx::Error> {
    tx.commit().await?;
    app.outbox.notify_one();
    Ok(())
}
