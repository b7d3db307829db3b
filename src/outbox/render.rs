//! Messages rendered when they are sent, from the committed record they are about.
use serde_json::Value;
use sqlx::SqlitePool;

use crate::domain::UserId;
use crate::messages;
use crate::slack::client::Failure;
use crate::store::nominations;
use crate::store::outbox::Claimed;

/// The body to send for `message`: its payload as is, or the rendered message with the
/// payload's fields laid over it.
/// A database error is worth retrying; a message that cannot be rendered is not.
pub async fn body(db: &SqlitePool, message: &Claimed) -> Result<String, Failure> {
    let Some(render) = message.render.as_deref() else {
        return Ok(message.payload.clone());
    };
    let broken = |what: String| Failure::Permanent(what);
    let fields: Value = serde_json::from_str(&message.payload)
        .map_err(|e| broken(format!("unreadable payload: {e}")))?;
    let id = message
        .subject_id
        .ok_or_else(|| broken("a rendered message without its subject".into()))?;
    let stored = nominations::get(db, id)
        .await
        .map_err(|e| Failure::Transient(format!("reading nomination {id}: {e}")))?
        .ok_or_else(|| broken(format!("nomination {id} no longer exists")))?;
    let n = &stored.nomination;
    let mut body = match render {
        "celebration" => messages::celebration(n),
        "hero_dm" => {
            let hero = fields
                .get("channel")
                .and_then(Value::as_str)
                .and_then(UserId::parse)
                .ok_or_else(|| broken("a DM without its hero".into()))?;
            messages::hero_dm(n, &hero, stored.channel_id.as_deref())
        }
        other => return Err(broken(format!("unknown message kind {other:?}"))),
    };
    if let (Some(body), Value::Object(fields)) = (body.as_object_mut(), fields) {
        body.extend(fields);
    }
    Ok(body.to_string())
}
