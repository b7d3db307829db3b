//! The story library's sessions: a sign-in link traded for a session once, and signing out.
use crate::error::Result;
use crate::library::access::Grant;
use crate::state::AppState;
use crate::store::sign_in;

/// Trades the sign-in link `link_nonce` of `session.user` for `session`; false, and nothing
/// changed, if the link was used before or never issued to that person.
pub async fn start_session(app: &AppState, link_nonce: &str, session: &Grant) -> Result<bool> {
    let mut tx = app.writes.begin().await?;
    let redeemed = sign_in::redeem(
        &mut tx,
        link_nonce,
        &session.user,
        &session.nonce,
        session.expires_at,
        app.clock.now_secs(),
    )
    .await?;
    if redeemed {
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
