//! Messages rendered when they are sent, from the committed record they are about.
use serde_json::Value;
use sqlx::SqlitePool;

use jiff::tz::TimeZone;

use crate::domain::outbox::{Content, Render};
use crate::messages;
use crate::slack::client::Failure;
use crate::store::outbox::{Claimed, overlay};
use crate::store::{nominations, stories};

/// The body to send for `claimed`: its fixed body, or the rendered message, with the fields
/// its delivery needs laid over it.
/// A database error is worth retrying; a message that cannot be rendered is not.
pub async fn body(db: &SqlitePool, tz: &TimeZone, claimed: &Claimed) -> Result<Value, Failure> {
    let message = &claimed.message;
    let render = match &message.content {
        Content::Fixed(body) => return Ok(overlay(body.clone(), message.delivery.fields())),
        Content::Rendered(render) => render,
    };
    let broken = |what: String| Failure::Permanent(what);
    let id = claimed
        .subject_id
        .ok_or_else(|| broken("a rendered message without its subject".into()))?;
    let unreadable =
        |e: sqlx::Error| Failure::Transient(format!("reading {render:?} subject {id}: {e}"));
    let gone = || {
        broken(format!(
            "the subject of {render:?} message {} no longer exists",
            claimed.id
        ))
    };
    let body = match render {
        Render::Celebration | Render::HeroDm { .. } => {
            let stored = nominations::get(db, id)
                .await
                .map_err(unreadable)?
                .ok_or_else(gone)?;
            let n = &stored.nomination;
            match render {
                Render::HeroDm { hero } => messages::hero_dm(n, hero, stored.channel_id.as_deref()),
                _ => messages::celebration(n),
            }
        }
        Render::StoryPost | Render::ConsentDm { .. } => {
            let story = stories::get(db, id)
                .await
                .map_err(unreadable)?
                .ok_or_else(gone)?;
            match render {
                Render::ConsentDm { hero } => messages::story::consent_request(&story, hero),
                _ => messages::story::post(&story, tz),
            }
        }
    };
    Ok(overlay(body, message.delivery.fields()))
}
