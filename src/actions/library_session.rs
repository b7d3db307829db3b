//! The story library's sessions: a sign-in link traded for a session once, and signing out.
use crate::domain::audit::{Actor, Entry, Event, Subject};
use crate::error::Result;
use crate::library::access::Grant;
use crate::state::AppState;
use crate::store::{audit, sign_in};

/// Trades the sign-in link `link_nonce` of `session.user` for `session`; false, and nothing
/// changed, if the link was used before or never issued to that person.
pub async fn start_session(app: &AppState, link_nonce: &str, session: &Grant) -> Result<bool> {
    let mut tx = app.writes.begin().await?;
    let now = app.clock.now_secs();
    let redeemed = sign_in::redeem(
        &mut tx,
        link_nonce,
        &session.user,
        &session.nonce,
        session.expires_at,
        now,
    )
    .await?;
    if redeemed {
        let entry = Entry::new(
            Actor::of(&session.user),
            Event::LibraryLinkUsed,
            Subject::Nothing,
        );
        audit::record(&mut tx, now, &entry).await?;
        tx.commit().await?;
    }
    Ok(redeemed)
}

/// Ends the session `nonce` for good (signing out).
pub async fn end_session(app: &AppState, nonce: &str) -> Result<()> {
    let mut tx = app.writes.begin().await?;
    sign_in::end_session(&mut tx, nonce, app.clock.now_secs()).await?;
    tx.commit().await?;
    Ok(())
}
