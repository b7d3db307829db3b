//! `/hero library`: a leader's private, single-use sign-in link to the story library; one link
//! per request, however often the request is replayed.
use serde_json::Value;

use crate::domain::audit::{Actor, Entry, Event, Subject};
use crate::error::Result;
use crate::library::access::{self, Grant, Kind};
use crate::messages;
use crate::state::AppState;
use crate::store::{audit, requests, sign_in};

/// `key` identifies the Slack request: a replay of it gets no second link.
pub async fn library_link(app: &AppState, user: &str, key: &str) -> Result<Value> {
    if !app.config.is_leader(user) {
        return Ok(messages::refusal(&format!(
            "{} `/hero find` searches the stories for everyone.",
            super::only_leaders(app, "open the story library")
        )));
    }
    let Some(public_url) = app.config.public_url.as_deref() else {
        return Ok(messages::refusal(super::NO_PUBLIC_ADDRESS));
    };
    let now = app.clock.now_secs();
    let grant = Grant {
        user: user.to_owned(),
        expires_at: now + access::LINK_SECS,
        nonce: access::nonce(),
    };
    let mut tx = app.writes.begin().await?;
    if !requests::record(&mut *tx, key, now).await? {
        return Ok(messages::refusal(
            "That request was answered already with a sign-in link. Type `/hero library` again for a new one.",
        ));
    }
    sign_in::issue_link(&mut tx, &grant.nonce, user, grant.expires_at, now).await?;
    let entry = Entry::new(Actor::of(user), Event::LibraryLinkIssued, Subject::Nothing);
    audit::record(&mut tx, now, &entry).await?;
    tx.commit().await?;
    let token = access::sign(&app.library_key, Kind::Link, &grant);
    tracing::info!(user, "library sign-in link issued");
    Ok(messages::library_link(
        &format!("{public_url}/library/login?token={token}"),
        access::LINK_SECS / 60,
    ))
}
