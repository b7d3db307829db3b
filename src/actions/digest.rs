//! The weekly digest: a leader's private preview of this week so far (`/hero digest`), and
//! posting last week's digest once (`/hero digest post`, the scheduler, the CLI).
use serde_json::{Value, json};

use crate::digest;
use crate::domain::calendar::IsoWeek;
use crate::domain::outbox::{Delivery, Message};
use crate::error::Result;
use crate::messages::ephemeral;
use crate::slack::blocks;
use crate::state::AppState;
use crate::store::{digests, outbox};

/// What became of a request to post a week's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// Queued for the digest channel.
    Posted { channel: String },
    /// That week's digest went out before: nothing queued.
    AlreadyPosted,
    /// `HEROBOT_DIGEST_CHANNEL` is not set.
    NoChannel,
}

/// Posts `week`'s digest to the digest channel through the outbox, at most once per week; `by`
/// records who asked (`schedule`, `cli`, or a leader's user ID).
pub async fn post_digest(app: &AppState, week: IsoWeek, by: &str) -> Result<Posted> {
    let Some(channel) = app.config.digest_channel.clone() else {
        return Ok(Posted::NoChannel);
    };
    // A cheap look first; recording the week below is what guarantees once.
    if digests::posted(&app.db, &week.to_string()).await? {
        return Ok(Posted::AlreadyPosted);
    }
    let (_, message) = digest::build(&app.db, &app.config, week, None).await?;
    let now_ms = app.clock.now_ms();
    let mut tx = app.writes.begin().await?;
    if !digests::record_posted(&mut *tx, &week.to_string(), &channel, by, now_ms / 1000).await? {
        return Ok(Posted::AlreadyPosted);
    }
    let post = Message::fixed(
        message,
        Delivery::Post {
            channel: channel.to_string(),
        },
    );
    outbox::enqueue(&mut *tx, &[post], now_ms).await?;
    tx.commit().await?;
    tracing::info!(week = %week, by, "digest queued");
    crate::metrics::DIGESTS_POSTED.add(1);
    Ok(Posted::Posted {
        channel: channel.to_string(),
    })
}

/// The week a digest posted now is about.
pub fn last_week(app: &AppState) -> IsoWeek {
    digest::last_week(&app.config, app.clock.now())
}

/// `/hero digest [post]` by `user`: leaders only.
pub async fn digest_command(app: &AppState, user: &str, post: bool) -> Result<Value> {
    if !app.config.is_leader(user) {
        return Ok(ephemeral(&super::only_leaders(
            app,
            "preview or post the digest",
        )));
    }
    if post {
        let week = last_week(app);
        return Ok(match post_digest(app, week, user).await? {
            Posted::Posted { channel } => ephemeral(&format!(
                ":white_check_mark: The digest for {week} is on its way to <#{channel}>."
            )),
            Posted::AlreadyPosted => ephemeral(&format!(
                "The digest for {week} was already posted: it goes out once a week."
            )),
            Posted::NoChannel => ephemeral(
                "herobot has no digest channel to post in yet. Ask whoever runs herobot to choose one.",
            ),
        });
    }
    preview(app).await
}

/// This week so far, only for the leader who asked.
async fn preview(app: &AppState) -> Result<Value> {
    let now = app.clock.now();
    let week = IsoWeek::of(now, &app.config.timezone);
    // Up to and including this second.
    let (_, mut message) =
        digest::build(&app.db, &app.config, week, Some(now.as_second() + 1)).await?;
    message["response_type"] = json!("ephemeral");
    if let Some(blocks) = message["blocks"].as_array_mut() {
        blocks.insert(
            0,
            blocks::context(&["Preview of this week so far: only you can see it.".into()]),
        );
    }
    Ok(message)
}
