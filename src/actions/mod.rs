//! One function per thing a person or the scheduler does. Each takes the app's handles, owns
//! its transaction, queues typed outbox messages and wakes the worker, and returns what to show.
//! Route handlers parse, call one action and answer.
pub mod action_item;
pub mod answer;
pub mod ask_customer;
pub mod consent;
pub mod digest;
pub mod feature;
pub mod home;
pub mod in_time;
pub mod library_link;
pub mod limit;
pub mod modal;
pub mod nominate;
pub mod rate;
pub mod report_card;
pub mod round;
pub mod search;
pub mod tell_story;
pub mod top;
pub mod wall_link;

use serde_json::Value;
use sqlx::{Sqlite, SqliteConnection, Transaction};

use crate::domain::outbox::{Delivery, Message, Visibility};
use crate::state::AppState;
use crate::store::{WriteTurn, outbox, requests};

/// Why an action stored nothing, in words for the person who asked (a limit, say): the one
/// shape of every action's refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl From<String> for Refused {
    fn from(why: String) -> Self {
        Self(why)
    }
}

impl From<&str> for Refused {
    fn from(why: &str) -> Self {
        Self(why.to_owned())
    }
}

/// A button press: the request it came in (a replay of it changes nothing), the message it was
/// on, and the response_url that replaces that message.
#[derive(Debug, Clone)]
pub struct Pressed {
    /// Unique per press.
    pub key: String,
    pub response_url: Option<String>,
    /// The channel the message is in (a DM's channel, for consent).
    pub channel: String,
    pub message_ts: Option<String>,
    /// Pressed on the person's App Home (no message): Home is re-published at once.
    pub on_home: bool,
}

/// Records a press in the action's transaction; false if it was seen before (a replay).
/// Without a press (the library's pages), true.
async fn first_press(
    conn: &mut SqliteConnection,
    pressed: Option<&Pressed>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    match pressed {
        Some(p) => requests::record(conn, &p.key, now_ms / 1000).await,
        None => Ok(true),
    }
}

/// An action's write transaction, holding the process's turn to write until it ends.
struct Tx {
    tx: Transaction<'static, Sqlite>,
    _turn: WriteTurn,
}

impl Tx {
    async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for Tx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

/// Opens a write transaction once it is this process's turn to write. `BEGIN IMMEDIATE` takes
/// the write lock up front, so a transaction that reads before it writes never fails half-way
/// for want of it.
async fn begin(app: &AppState) -> Result<Tx, sqlx::Error> {
    let turn = app.turns.take().await;
    let tx = app.db.begin_with("BEGIN IMMEDIATE").await?;
    Ok(Tx { tx, _turn: turn })
}

/// Runs an action's writes on the group-commit writer's connection, in its next transaction,
/// and answers once they are committed (the writer wakes the outbox worker). Writes a request
/// must make durable before its answer go this way: they share a commit with the others.
async fn write<T, F>(app: &AppState, work: F) -> crate::error::Result<T>
where
    T: Send + 'static,
    F: for<'c> FnOnce(
            &'c mut SqliteConnection,
        ) -> futures_core::future::BoxFuture<'c, Result<T, sqlx::Error>>
        + Send
        + 'static,
{
    use crate::error::Error;
    use crate::store::batch::WriteError;
    app.writer
        .run(crate::store::BUSY_TIMEOUT, work)
        .await
        .map_err(|err| match err {
            WriteError::Busy => Error::Busy,
            other => Error::Internal(other.into()),
        })
}

/// Commits an action's transaction and wakes the outbox worker for the messages it queued: the
/// one way an action's messages leave, so none waits for the worker's idle poll.
async fn commit(app: &AppState, tx: Tx) -> Result<(), sqlx::Error> {
    tx.commit().await?;
    app.outbox.notify_one();
    Ok(())
}

/// Queues a private reply to the person who pressed a button, once however often the press is
/// replayed. Without a response_url, nothing.
async fn reply_to_press(
    app: &AppState,
    pressed: &Pressed,
    body: Value,
) -> crate::error::Result<()> {
    let Some(url) = pressed.response_url.clone() else {
        return Ok(());
    };
    let note = Message::fixed(
        body,
        Delivery::Respond {
            url,
            channel: pressed.channel.clone(),
            visibility: Visibility::Private,
        },
    );
    let now_ms = app.clock.now_ms();
    let mut tx = begin(app).await?;
    if !first_press(&mut tx, Some(pressed), now_ms).await? {
        return Ok(());
    }
    outbox::enqueue(&mut *tx, &[note], now_ms).await?;
    commit(app, tx).await?;
    Ok(())
}
