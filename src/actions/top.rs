//! `/hero top [period]`: the most-recognised heroes of a period, with a reason each.
use serde_json::{Value, json};

use super::in_time::{ReplyTo, in_time};
use crate::domain::command::Period;
use crate::error::Result;
use crate::messages::{ephemeral, times};
use crate::slack::blocks::{self, escape_keeping_mentions};
use crate::state::AppState;
use crate::store::digests;

/// The ranking of `period`, now or (when it takes longer than the budget) through `reply`.
pub async fn top(app: &AppState, period: Period, reply: Option<ReplyTo>) -> Result<Value> {
    let worker = app.clone();
    in_time(app, reply, async move { ranking(&worker, period).await }).await
}

async fn ranking(app: &AppState, period: Period) -> Result<Value> {
    let (days, label) = match period {
        Period::Week => (7, "the last 7 days"),
        Period::Month => (30, "the last 30 days"),
        Period::Quarter => (91, "the last 3 months"),
        Period::Year => (365, "the last 12 months"),
    };
    let now = app.clock.now_secs();
    let heroes = digests::ranking(&app.reads, now - days * 86_400, now + 1, 10).await?;
    if heroes.is_empty() {
        return Ok(ephemeral(&format!(
            "No one has been recognised in {label} yet. Be the first: `/hero @name for what they did`."
        )));
    }
    let mut text = format!("*Most recognised heroes, {label}*");
    for (rank, h) in heroes.iter().enumerate() {
        text.push_str(&format!(
            "\n{}. <@{}> ({}) — {}",
            rank + 1,
            h.hero,
            times(h.recognitions as i64),
            escape_keeping_mentions(&h.reason.replace('\n', " "), 200, |_| true)
        ));
    }
    Ok(json!({"response_type": "ephemeral", "text": blocks::truncate(&text, 3000)}))
}
