//! App Home: publish a person's Home when they open it (through the outbox, at most about once a
//! minute), and the leader's button that sends them a library sign-in link privately.
use crate::domain::UserId;
use crate::domain::outbox::{Delivery, Message};
use crate::error::Result;
use crate::state::AppState;
use crate::store::Work;
use crate::store::{home, outbox, requests};

/// Slack delivered the event `key`: record it, so a retried delivery is a no-op, and, the
/// first time, if it is `person` opening their Home tab, remember that (so later changes
/// re-publish it) and publish it unless a fresh one was sent within the minute or is on its
/// way. One transaction; answers whether the event was new.
pub async fn event(app: &AppState, key: String, opened_home: Option<UserId>) -> Result<bool> {
    let now_ms = app.clock.now_ms();
    app.writes
        .run(Work::new(move |conn| {
            Box::pin(async move {
                if !requests::record(&mut *conn, &key, now_ms / 1000).await? {
                    return Ok(false);
                }
                if let Some(person) = opened_home {
                    home::opened(&mut *conn, person.as_str(), now_ms / 1000).await?;
                    let fresh = home::fresh(&mut *conn, person.as_str(), now_ms).await?;
                    if !fresh {
                        home::publish_now(conn, person.as_str(), now_ms).await?;
                    }
                    tracing::debug!(fresh, "App Home opened");
                }
                Ok(true)
            })
        }))
        .await
        .map_err(Into::into)
}

/// A leader pressed "Sign in to the story library" on their Home: the link comes as a DM; `key`
/// is the press (a replay of it gets no second link).
pub async fn send_library_link(app: &AppState, person: &UserId, key: &str) -> Result<()> {
    if !app.config.is_leader(person.as_str()) {
        tracing::debug!("library link asked from Home by someone who is not a leader");
        return Ok(());
    }
    let mut reply = super::library_link::library_link(app, person.as_str(), key).await?;
    if let Some(fields) = reply.as_object_mut() {
        fields.remove("response_type");
    }
    let dm = Message::fixed(reply, Delivery::dm(person));
    let mut tx = app.writes.begin().await?;
    outbox::enqueue(&mut *tx, &[dm], app.clock.now_ms()).await?;
    tx.commit().await?;
    Ok(())
}
