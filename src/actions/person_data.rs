//! An access request (`herobot person-data USER_ID`): everything held about one person, as
//! JSON, stamped with when it was read.
use serde_json::Value;

use crate::domain::UserId;
use crate::state::AppState;
use crate::store::person_data;

/// The document for `user` (schema in docs/operating.md, "Access requests").
pub async fn person_data(app: &AppState, user: &UserId) -> crate::error::Result<Value> {
    let text = person_data::person_data(&app.reads, user.as_str()).await?;
    let mut data: Value =
        serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("person data: {e}"))?;
    let now =
        jiff::Timestamp::from_second(app.clock.now_secs()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    data["generated_at"] = Value::String(now.to_string());
    Ok(data)
}
