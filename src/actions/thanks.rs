//! **👏 Add your thanks** on a celebration or a story post: a colleague's thanks, stored once
//! per person, and the post updated in place to count them. Never a new post, never a DM: the
//! person who pressed reads a quiet private note, the heroes see the count on their profile and
//! App Home.
use crate::store::Conn;
use serde_json::json;

use super::{Pressed, first_press};
use crate::domain::outbox::{Delivery, Kind, Message, Render, Visibility};
use crate::domain::thanks::{ADDED, NoThanks, Thanked, may_thank};
use crate::domain::{StoryId, UserId};
use crate::error::Result;
use crate::state::AppState;
use crate::store::{nominations, outbox, stories, thanks};

/// Adds `by`'s thanks to `thanked`, pressed on a post; answers why not when nothing was added
/// (`None`: added). A replayed press changes nothing.
pub async fn add_thanks(
    app: &AppState,
    thanked: Thanked,
    by: &UserId,
    pressed: Pressed,
) -> Result<Option<NoThanks>> {
    let now_ms = app.clock.now_ms();
    let mut tx = app.writes.begin().await?;
    if !first_press(&mut tx, Some(&pressed), now_ms).await? {
        return Ok(None);
    }
    let made = match thanked {
        Thanked::Nomination(id) => nominations::get(&mut *tx, id.get())
            .await?
            .map(|s| (s.nomination.heroes, s.nomination.nominator)),
        Thanked::Story(id) => stories::get(&mut *tx, id.get()).await?.map(|s| {
            let heroes = s.heroes.into_iter().map(|(hero, _)| hero).collect();
            (heroes, s.author_id)
        }),
    };
    let outcome = match made {
        None => Err(NoThanks::Gone),
        Some((heroes, author)) => match may_thank(by, &heroes, &author) {
            Err(no) => Err(no),
            Ok(()) if thanks::add(&mut tx, thanked, by.as_str(), now_ms / 1000).await? => Ok(()),
            Ok(()) => Err(NoThanks::Already),
        },
    };
    let reply = |visibility| {
        pressed.response_url.as_ref().map(|url| Delivery::Respond {
            url: url.clone(),
            channel: pressed.channel.clone(),
            visibility,
        })
    };
    if outcome.is_ok() {
        let updates = post_updates(
            &mut tx,
            thanked,
            &pressed,
            reply(Visibility::ReplaceOriginal),
        )
        .await?;
        outbox::enqueue_coalesced(&mut tx, &updates, now_ms).await?;
    }
    if let Some(private) = reply(Visibility::Private) {
        let words = match outcome {
            Ok(()) => ADDED,
            Err(no) => no.words(),
        };
        let note = Message::fixed(json!({ "text": words }), private);
        outbox::enqueue(&mut *tx, &[note], now_ms).await?;
    }
    tx.commit().await?;
    match outcome {
        Ok(()) => tracing::info!(?thanked, "thanks added"),
        Err(no) => tracing::info!(?thanked, ?no, "no thanks added"),
    }
    Ok(outcome.err())
}

/// The update of the post that was pressed, rendered when it is sent (so it counts every thanks
/// committed by then): `chat.update` where herobot keeps the post's `ts`, else through the
/// press's response_url (a post made where `/hero` was typed). Only the pressed post: a
/// celebration rolled up with others in a busy channel is never replaced by itself alone.
async fn post_updates(
    tx: &mut Conn<'_>,
    thanked: Thanked,
    pressed: &Pressed,
    replace: Option<Delivery>,
) -> Result<Vec<Message>> {
    let (render, kind, subject) = match thanked {
        Thanked::Nomination(nomination) => (
            Render::Celebration { nomination },
            Kind::Celebration,
            nomination.get(),
        ),
        Thanked::Story(story) => (
            Render::StoryPost {
                story: StoryId(story.get()),
            },
            Kind::StoryPost,
            story.get(),
        ),
    };
    let pressed_on = (pressed.channel.as_str(), pressed.message_ts.as_deref());
    let stored: Vec<Message> = outbox::posts_of(&mut *tx, kind, subject)
        .await?
        .into_iter()
        .filter(|(channel, ts)| pressed_on == (channel.as_str(), Some(ts.as_str())))
        .map(|(channel, ts)| Message::rendered(render.clone(), Delivery::Update { channel, ts }))
        .collect();
    if !stored.is_empty() {
        return Ok(stored);
    }
    Ok(replace
        .map(|delivery| Message::rendered(render, delivery))
        .into_iter()
        .collect())
}
