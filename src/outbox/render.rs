//! Messages rendered when they are sent, from the committed record they are about.
use serde_json::Value;
use sqlx::SqlitePool;

use jiff::tz::TimeZone;

use crate::domain::UserId;
use crate::messages;
use crate::slack::client::Failure;
use crate::store::outbox::Claimed;
use crate::store::{nominations, stories};

/// The body to send for `message`: its payload as is, or the rendered message with the
/// payload's fields laid over it.
/// A database error is worth retrying; a message that cannot be rendered is not.
pub async fn body(db: &SqlitePool, tz: &TimeZone, message: &Claimed) -> Result<String, Failure> {
    let Some(render) = message.render.as_deref() else {
        return Ok(message.payload.clone());
    };
    let broken = |what: String| Failure::Permanent(what);
    let fields: Value = serde_json::from_str(&message.payload)
        .map_err(|e| broken(format!("unreadable payload: {e}")))?;
    let id = message
        .subject_id
        .ok_or_else(|| broken("a rendered message without its subject".into()))?;
    let unreadable =
        |e: sqlx::Error| Failure::Transient(format!("reading {render} subject {id}: {e}"));
    let gone = || {
        broken(format!(
            "the subject of {render} message {} no longer exists",
            message.id
        ))
    };
    let mut body = match render {
        "celebration" | "hero_dm" => {
            let stored = nominations::get(db, id)
                .await
                .map_err(unreadable)?
                .ok_or_else(gone)?;
            let n = &stored.nomination;
            if render == "celebration" {
                messages::celebration(n)
            } else {
                let hero = UserId::parse(&message.lane)
                    .ok_or_else(|| broken("a DM without its hero".into()))?;
                messages::hero_dm(n, &hero, stored.channel_id.as_deref())
            }
        }
        "story_post" | "consent_dm" => {
            let story = stories::get(db, id)
                .await
                .map_err(unreadable)?
                .ok_or_else(gone)?;
            if render == "story_post" {
                messages::story::post(&story, tz)
            } else {
                messages::story::consent_request(&story, &message.lane)
            }
        }
        other => return Err(broken(format!("unknown message kind {other:?}"))),
    };
    if let (Some(body), Value::Object(fields)) = (body.as_object_mut(), fields) {
        body.extend(fields);
    }
    Ok(body.to_string())
}
