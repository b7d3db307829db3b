//! Answers that may take a while (`/hero top`, `profile`, `find`): shown at once when ready
//! within the budget, else acknowledged at once and delivered privately through the command's
//! `response_url` by the outbox when ready.
use std::future::Future;

use serde_json::Value;

use crate::domain::outbox::{Delivery, Message, Visibility};
use crate::error::{Error, Result};
use crate::messages::ephemeral;
use crate::state::AppState;
use crate::store::outbox;

/// Where a late answer goes: the command's `response_url`, shown in `channel`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTo {
    pub url: String,
    pub channel: String,
}

/// What the asker sees when the answer follows later.
pub const ON_ITS_WAY: &str =
    ":hourglass_flowing_sand: Counting… the answer will appear here in a moment, only for you.";

/// Runs `work`; its answer if ready within `config.answer_budget`, else an acknowledgement now
/// and the answer through `reply` when ready. Without a `response_url` it waits for the answer.
pub async fn in_time<F>(app: &AppState, reply: Option<ReplyTo>, work: F) -> Result<Value>
where
    F: Future<Output = Result<Value>> + Send + 'static,
{
    let mut task = tokio::spawn(work);
    let Some(reply) = reply else {
        return joined(task.await);
    };
    // A budget of zero sends every answer the late way.
    let budget = app.config.answer_budget;
    let ready = if budget.is_zero() {
        None
    } else {
        tokio::time::timeout(budget, &mut task).await.ok()
    };
    match ready {
        Some(answer) => joined(answer),
        None => {
            let app = app.clone();
            tokio::spawn(async move {
                let answer = joined(task.await);
                if let Err(err) = deliver(&app, &reply, answer).await {
                    tracing::error!(error = %err, "a late answer could not be queued");
                }
            });
            Ok(ephemeral(ON_ITS_WAY))
        }
    }
}

fn joined(answer: std::result::Result<Result<Value>, tokio::task::JoinError>) -> Result<Value> {
    answer.map_err(|err| Error::Internal(anyhow::anyhow!("an answer's task failed: {err}")))?
}

/// Queues the late answer (or a word that it failed) as a private reply.
async fn deliver(app: &AppState, reply: &ReplyTo, answer: Result<Value>) -> Result<()> {
    let body = answer.unwrap_or_else(|err| {
        tracing::error!(error = %err, "a late answer failed");
        ephemeral(":warning: Sorry, that took too long to count. Please try again in a minute.")
    });
    let message = Message::fixed(
        body,
        Delivery::Respond {
            url: reply.url.clone(),
            channel: reply.channel.clone(),
            visibility: Visibility::Private,
        },
    );
    let mut tx = app.writes.begin().await?;
    outbox::enqueue(&mut *tx, &[message], app.clock.now_ms()).await?;
    tx.commit().await?;
    Ok(())
}
