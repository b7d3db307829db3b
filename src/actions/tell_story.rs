//! Tell a story: store a recovery story with its post and a consent request to each credited
//! hero, once per submission.
use crate::domain::{NewStory, StoryId};
use crate::error::Result;
use crate::messages;
use crate::state::AppState;
use crate::store::Work;
use crate::store::{outbox, requests, stories};

use super::Refused;
use super::nominate::{Request, typed_in};

/// Stores `story`; returns its ID (None if this request was stored before), or why nothing was
/// stored.
pub async fn tell_story(
    app: &AppState,
    story: NewStory,
    request: Request,
) -> Result<Result<Option<i64>, Refused>> {
    if let Err(over) = app
        .hourly_limit
        .take(&app.writes, story.author(), app.clock.now_ms())
        .await?
    {
        return Ok(Err(over.into()));
    }
    let here = (request.channel.clone(), request.response_url.clone());
    let channel = app
        .config
        .stories_channel
        .clone()
        .or(app.config.heroes_channel.clone());
    let now_ms = app.clock.now_ms();
    let stored = app
        .writes
        .run(Work::new(move |conn| {
            Box::pin(async move {
                if !requests::record(&mut *conn, &request.key, now_ms / 1000).await? {
                    return Ok(None);
                }
                let id = stories::insert(
                    conn,
                    &request.team_id,
                    &story,
                    request.permalink.as_deref(),
                    now_ms / 1000,
                )
                .await?;
                let messages = messages::story_messages(
                    StoryId(id),
                    story.author(),
                    story.heroes(),
                    channel.as_deref(),
                    typed_in(&here),
                );
                outbox::enqueue(&mut *conn, &messages, now_ms).await?;
                Ok(Some(id))
            })
        }))
        .await?;
    let Some(id) = stored else {
        return Ok(Ok(None));
    };
    tracing::info!(story = id, "story stored");
    crate::metrics::STORIES_STORED.add(1);
    Ok(Ok(Some(id)))
}
