//! The weekly digest: compute (pure) · render (Block Kit) · schedule (once per week).
pub mod compute;
pub mod render;
pub mod schedule;
pub mod window;

use serde_json::Value;
use sqlx::SqlitePool;

use crate::clock;
use crate::config::Config;
use crate::store::digests;
use compute::{Digest, compute};
pub use window::IsoWeek;

/// The digest of `week` and its message, from what is stored; `until` (unix seconds) cuts a
/// week still in progress.
pub async fn build(
    db: &SqlitePool,
    config: &Config,
    week: IsoWeek,
    until: Option<i64>,
) -> Result<(Digest, Value), sqlx::Error> {
    let tz = &config.timezone;
    let (start, end) = week.bounds(tz);
    let end = until.map_or(end, |until| until.clamp(start, end));
    let (before, _) = week.previous().bounds(tz);
    let data = digests::week(db, before, start, end).await?;
    let digest = compute(
        week,
        data,
        config.target_recovery_24h,
        config.target_surprise,
    );
    let sunday = week.monday().saturating_add(jiff::Span::new().days(6));
    let library = config
        .public_url
        .as_ref()
        .map(|url| format!("{url}/library?since={}&until={sunday}", week.monday()));
    let message = render::render(&digest, library.as_deref());
    Ok((digest, message))
}

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

/// Posts `week`'s digest to the digest channel through the outbox, at most once per week; `by` records who asked (`schedule`, `cli`, or a leader's user ID).
pub async fn post(
    db: &SqlitePool,
    config: &Config,
    week: IsoWeek,
    by: &str,
) -> Result<Posted, sqlx::Error> {
    let Some(channel) = config.digest_channel.clone() else {
        return Ok(Posted::NoChannel);
    };
    // A cheap look first; the insert below is what guarantees once.
    if digests::posted(db, &week.to_string()).await? {
        return Ok(Posted::AlreadyPosted);
    }
    let (_, message) = build(db, config, week, None).await?;
    if digests::post_once(
        db,
        &week.to_string(),
        &channel,
        message,
        by,
        clock::now_ms(),
    )
    .await?
    {
        tracing::info!(week = %week, by, "digest queued");
        Ok(Posted::Posted { channel })
    } else {
        Ok(Posted::AlreadyPosted)
    }
}

/// The week before the one `now` falls in: the week a digest posted now is about.
pub fn last_week(config: &Config) -> IsoWeek {
    IsoWeek::of(jiff::Timestamp::now(), &config.timezone).previous()
}
