//! One function per thing a person or the scheduler does. Each takes the app's handles, owns
//! its transaction through the write handle (`app.writes`, which wakes the outbox worker on
//! commit), queues typed outbox messages, and returns what to show. Route handlers parse, call
//! one action and answer.
use crate::store::Conn;
pub mod action_item;
pub mod answer;
pub mod ask_customer;
pub mod backup;
pub mod consent;
pub mod departed;
pub mod digest;
pub mod feature;
pub mod forget;
pub mod home;
pub mod in_time;
pub mod library_link;
pub mod library_session;
pub mod modal;
pub mod nominate;
pub mod person_data;
pub mod rate;
pub mod report_card;
pub mod round;
pub mod search;
pub mod shortcut;
pub mod tell_story;
pub mod thanks;
pub mod top;
pub mod wall_link;

use serde_json::Value;

use crate::domain::outbox::{Delivery, Message, Visibility};
use crate::state::AppState;
use crate::store::{outbox, requests};

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

impl From<crate::limits::OverLimit> for Refused {
    fn from(over: crate::limits::OverLimit) -> Self {
        Refused(format!(
            "Thank you for recognising so many colleagues! You've reached {} nominations and stories this hour, so this one wasn't saved: please try again in a few minutes.",
            over.per_hour
        ))
    }
}

/// Why a person who is not a leader is refused `what` ("feature stories"), and who can help:
/// "Only the service leaders can feature stories: <@L1>, <@L2>."
pub fn only_leaders(app: &AppState, what: &str) -> String {
    if app.config.leaders.is_empty() {
        format!(
            "Only the service leaders can {what}, and herobot knows none yet: ask whoever runs herobot to name them."
        )
    } else {
        let leaders: Vec<String> = app
            .config
            .leaders
            .iter()
            .map(|l| format!("<@{l}>"))
            .collect();
        format!(
            "Only the service leaders can {what}: {}.",
            leaders.join(", ")
        )
    }
}

/// What to say when herobot has no public address for a link, and who can fix it.
pub const NO_PUBLIC_ADDRESS: &str = "herobot doesn't know the web address people reach it at yet, so it can't make that link. Ask whoever runs herobot to set it up.";

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
    conn: &mut Conn<'_>,
    pressed: Option<&Pressed>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    match pressed {
        Some(p) => requests::record(conn, &p.key, now_ms / 1000).await,
        None => Ok(true),
    }
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
    let mut tx = app.writes.begin().await?;
    if !first_press(&mut tx, Some(pressed), now_ms).await? {
        return Ok(());
    }
    outbox::enqueue(&mut *tx, &[note], now_ms).await?;
    tx.commit().await?;
    Ok(())
}
