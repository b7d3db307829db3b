//! Feature or unfeature a story for talks (leaders only), from its Slack post or from the
//! library: the same change, and the same update of the story's posts in Slack. A story a hero
//! asked to keep inside is never featured, whoever asks; featuring a story some heroes have not
//! answered for yet sends each of them one polite ask.
use serde_json::json;

use super::{Pressed, first_press};
use crate::domain::StoryId;
use crate::domain::outbox::{Delivery, Message, Render, Visibility};
use crate::domain::{Consent, UserId};
use crate::error::Result;
use crate::state::AppState;
use crate::store::{outbox, stories};

/// What became of a request to feature a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Featured {
    /// Changed, and the story's posts are being updated to show it.
    Changed,
    /// Already so (or no such story): nothing changed.
    Unchanged,
    /// The person is not a leader: nothing changed; a button press is told so privately.
    NotALeader,
    /// These heroes asked to keep the story inside: it is not featured, and a button press is
    /// told why privately.
    KeptInside(Vec<UserId>),
}

pub use crate::domain::story::not_featurable as kept_inside;

const NOT_A_LEADER: &str = "feature stories";

/// Marks `story` featured (or not) for `by`. Every post of the story herobot made is updated
/// in place; the message a button was pressed on is replaced through its response_url.
pub async fn feature(
    app: &AppState,
    story: StoryId,
    by: &str,
    featured: bool,
    pressed: Option<Pressed>,
) -> Result<Featured> {
    let story_id = story.get();
    let now_ms = app.clock.now_ms();
    let reply = |visibility| {
        pressed.as_ref().and_then(|p| {
            p.response_url.as_ref().map(|url| Delivery::Respond {
                url: url.clone(),
                channel: p.channel.clone(),
                visibility,
            })
        })
    };
    if !app.config.is_leader(by) {
        if let Some(private) = reply(Visibility::Private) {
            let note = Message::fixed(
                json!({ "text": super::only_leaders(app, NOT_A_LEADER) }),
                private,
            );
            let mut tx = app.writes.begin().await?;
            if !first_press(&mut tx, pressed.as_ref(), now_ms).await? {
                return Ok(Featured::NotALeader);
            }
            outbox::enqueue(&mut *tx, &[note], now_ms).await?;
            tx.commit().await?;
        }
        return Ok(Featured::NotALeader);
    }
    let mut tx = app.writes.begin().await?;
    if !first_press(&mut tx, pressed.as_ref(), now_ms).await? {
        return Ok(Featured::Unchanged);
    }
    let declined: Vec<UserId> = match featured {
        true => stories::get(&mut *tx, story_id)
            .await?
            .map(|s| s.heroes)
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, consent)| *consent == Consent::Declined)
            .map(|(hero, _)| hero)
            .collect(),
        false => Vec::new(),
    };
    if !declined.is_empty() {
        if let Some(private) = reply(Visibility::Private) {
            let mentions: Vec<String> = declined.iter().map(|h| format!("<@{h}>")).collect();
            let note = Message::fixed(json!({ "text": kept_inside(&mentions) }), private);
            outbox::enqueue(&mut *tx, &[note], now_ms).await?;
            tx.commit().await?;
        }
        tracing::info!(
            story = story_id,
            by,
            "featuring refused: a hero kept it inside"
        );
        return Ok(Featured::KeptInside(declined));
    }
    if !stories::set_featured(&mut *tx, story_id, featured, by, now_ms / 1000).await? {
        return Ok(Featured::Unchanged);
    }
    let pressed_on = pressed
        .as_ref()
        .filter(|p| p.response_url.is_some())
        .map(|p| (p.channel.as_str(), p.message_ts.as_deref()));
    let mut updates: Vec<Message> = outbox::story_posts(&mut *tx, story_id)
        .await?
        .into_iter()
        .filter(|(channel, ts)| pressed_on != Some((channel.as_str(), Some(ts.as_str()))))
        .map(|(channel, ts)| {
            Message::rendered(
                Render::StoryPost { story },
                Delivery::Update { channel, ts },
            )
        })
        .collect();
    updates.extend(
        reply(Visibility::ReplaceOriginal)
            .map(|delivery| Message::rendered(Render::StoryPost { story }, delivery)),
    );
    if featured {
        for hero in stories::ask_pending_once(&mut *tx, story_id, now_ms / 1000).await? {
            let delivery = Delivery::dm(&hero);
            updates.push(Message::rendered(
                Render::FeatureAsk { story, hero },
                delivery,
            ));
        }
    }
    outbox::enqueue(&mut *tx, &updates, now_ms).await?;
    tx.commit().await?;
    tracing::info!(story = story_id, featured, by, "story featured");
    Ok(Featured::Changed)
}
