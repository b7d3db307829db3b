//! Record consent: a credited hero agrees (or not) that a story is told outside Slack; their
//! DM is updated to show the choice.
use crate::domain::outbox::{Delivery, Message, Render, Visibility};
use crate::domain::{Consent, StoryId, UserId};
use crate::error::Result;
use crate::state::AppState;
use crate::store::{outbox, stories};

use super::{Pressed, first_press};

/// Records `hero`'s choice for `story`; true if it changed anything (the same choice again,
/// or a person the story does not credit, changes nothing).
pub async fn record_consent(
    app: &AppState,
    story: StoryId,
    hero: &UserId,
    consent: Consent,
    pressed: Option<Pressed>,
) -> Result<bool> {
    let story_id = story.get();
    let now_ms = app.clock.now_ms();
    let mut tx = app.writes.begin().await?;
    if !first_press(&mut tx, pressed.as_ref(), now_ms).await? {
        return Ok(false);
    }
    if !stories::set_consent(&mut *tx, story_id, hero.as_str(), consent, now_ms / 1000).await? {
        return Ok(false);
    }
    if pressed.as_ref().is_some_and(|p| p.on_home) {
        crate::store::home::publish_now(&mut tx, hero.as_str(), now_ms).await?;
    }
    if let Some(url) = pressed.and_then(|p| p.response_url.map(|url| (url, p.channel))) {
        let update = Message::rendered(
            Render::ConsentDm {
                story,
                hero: hero.clone(),
            },
            Delivery::Respond {
                url: url.0,
                channel: url.1,
                visibility: Visibility::ReplaceOriginal,
            },
        );
        outbox::enqueue(&mut *tx, &[update], now_ms).await?;
    }
    tx.commit().await?;
    tracing::info!(
        story = story_id,
        consent = consent.as_str(),
        "consent recorded"
    );
    Ok(true)
}
