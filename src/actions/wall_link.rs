//! `/hero wall`: a leader's private link to the office wallboard; `/hero wall revoke` ends every
//! link. One link per request, however often the request is replayed.
use crate::store::Conn;
use serde_json::Value;

use crate::domain::audit::{Actor, Entry, Event, Subject};
use crate::error::Result;
use crate::messages;
use crate::state::AppState;
use crate::store::{audit, requests};
use crate::wall;

/// `key` identifies the Slack request: a replay of it gets no second link.
pub async fn wall_link(app: &AppState, user: &str, revoke: bool, key: &str) -> Result<Value> {
    if !app.config.is_leader(user) {
        return Ok(messages::refusal(&super::only_leaders(
            app,
            "hand out or end wallboard links",
        )));
    }
    let now = app.clock.now_secs();
    if revoke {
        let ended = revoke_links(app, user).await?;
        return Ok(messages::wall::revoked(ended));
    }
    let Some(public_url) = app.config.public_url.as_deref() else {
        return Ok(messages::refusal(super::NO_PUBLIC_ADDRESS));
    };
    let mut tx = app.writes.begin().await?;
    if !requests::record(&mut *tx, key, now).await? {
        return Ok(messages::refusal(
            "That request was answered already with a wallboard link. Type `/hero wall` again for a new one.",
        ));
    }
    let url = wall::issue(&mut *tx, public_url, user, now).await?;
    made(&mut tx, user, now).await?;
    tx.commit().await?;
    Ok(messages::wall::link(&url))
}

/// A new wallboard link issued by `by` (`herobot wall` says `cli`); None without a public URL.
pub async fn issue_link(app: &AppState, by: &str) -> Result<Option<String>> {
    let Some(public_url) = app.config.public_url.as_deref() else {
        return Ok(None);
    };
    let mut tx = app.writes.begin().await?;
    let now = app.clock.now_secs();
    let url = wall::issue(&mut *tx, public_url, by, now).await?;
    made(&mut tx, by, now).await?;
    tx.commit().await?;
    Ok(Some(url))
}

/// Ends every wallboard link, on behalf of `by`; how many were working.
pub async fn revoke_links(app: &AppState, by: &str) -> Result<u64> {
    let mut tx = app.writes.begin().await?;
    let now = app.clock.now_secs();
    let ended = wall::revoke(&mut tx, by, now).await?;
    let entry = Entry::new(
        Actor::of(by),
        Event::WallLinksRevoked,
        Subject::counts(&[("links_ended", ended)]),
    );
    audit::record(&mut tx, now, &entry).await?;
    tx.commit().await?;
    Ok(ended)
}

/// The audit row of a wallboard link made by `by`, in the transaction that made it.
async fn made(tx: &mut Conn<'_>, by: &str, now: i64) -> Result<()> {
    let entry = Entry::new(Actor::of(by), Event::WallLinkMade, Subject::Nothing);
    Ok(audit::record(tx, now, &entry).await?)
}
