//! Record the customer's answer: from the answer page (an external customer) or from the DM's
//! buttons (the internal customer asked). A change to "blown away" is told to each hero.
use super::{Pressed, first_press};
use crate::answers::token::{self, Link, Refusal};
use crate::domain::Story;
use crate::domain::answer::{ANSWERS_PER_LINK, open_until};
use crate::domain::outbox::{Delivery, Message, Render, Visibility};
use crate::domain::{Answer, StoryId, UserId};
use crate::error::Result;
use crate::messages::answer as say;
use crate::state::AppState;
use crate::store::Conn;
use crate::store::answers::{self, Recorded};
use crate::store::{outbox, stories};

/// What an answer link opens.
#[derive(Debug, Clone)]
pub enum Opened {
    /// The question, open until `open_until` (unix seconds).
    Open {
        link: Link,
        story: Box<Story>,
        open_until: i64,
    },
    /// The link was made more than 28 days ago.
    Closed { title: String },
    /// Not a link this server made (or its story is gone).
    NotValid,
}

/// Reads the answer link `token` as of now.
pub async fn open(app: &AppState, token: &str) -> Result<Opened> {
    let (link, closed) = match token::verify(&app.library_key, token, app.clock.now_secs()) {
        Ok(link) => (link, false),
        Err(Refusal::Closed(link)) => (link, true),
        Err(Refusal::Forged) => return Ok(Opened::NotValid),
    };
    let Some(story) = stories::get(&app.db, link.story_id).await? else {
        return Ok(Opened::NotValid);
    };
    // A colleague answers in Slack, where herobot knows who they are; a link to their story
    // would let anyone holding it overwrite their answer and read their comment.
    if story.customer_kind == crate::domain::CustomerKind::Internal {
        return Ok(Opened::NotValid);
    }
    Ok(if closed {
        Opened::Closed {
            title: story.customer_reads(),
        }
    } else {
        Opened::Open {
            link,
            story: Box::new(story),
            open_until: open_until(link.made_at),
        }
    })
}

/// What became of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// Recorded (a first answer or a change).
    Recorded,
    /// The same answer and comment again: nothing changed.
    Unchanged,
    /// This link has recorded as many answers as it may, and this one differs: nothing changed.
    UsedUp,
    /// Not the person asked (or a replayed press, or no such story): nothing changed.
    Refused,
    /// The answer would have been recorded, but its client address has recorded as many answers
    /// as it may this minute: nothing changed.
    TooMany,
}

/// The DMs to each credited hero when the answer became "blown away" (once per story, however
/// often the customer changes their mind).
async fn praise(
    tx: &mut Conn<'_>,
    story_id: i64,
    answer: Answer,
    recorded: Recorded,
) -> Result<Vec<Message>> {
    if !recorded.changed || answer != Answer::BlownAway || recorded.before == Some(answer) {
        return Ok(Vec::new());
    }
    if outbox::praise_queued(&mut *tx, story_id).await? {
        return Ok(Vec::new());
    }
    let Some(story) = stories::get(&mut *tx, story_id).await? else {
        return Ok(Vec::new());
    };
    Ok(story
        .heroes
        .iter()
        .map(|(hero, _)| {
            Message::rendered(
                Render::CustomerPraise {
                    story: StoryId(story_id),
                    hero: hero.clone(),
                },
                Delivery::dm(hero),
            )
        })
        .collect())
}

/// The customer's answer through the answer link `link` (already verified and open), sent from
/// the client address `from`. Only an answer that is recorded counts against the address's
/// limit: a forged link, a replay or an unchanged answer costs no one else their answer.
pub async fn answer_by_link(
    app: &AppState,
    link: Link,
    answer: Answer,
    comment: Option<String>,
    from: std::net::IpAddr,
) -> Result<Answered> {
    let now_ms = app.clock.now_ms();
    let mut tx = app.writes.begin().await?;
    if !crate::store::stories::exists(&mut tx, link.story_id).await? {
        return Ok(Answered::Refused);
    }
    let used_up =
        answers::link_uses(&mut *tx, link.story_id, link.made_at).await? >= ANSWERS_PER_LINK;
    let recorded = answers::record(
        &mut tx,
        link.story_id,
        answer,
        comment.as_deref(),
        None,
        now_ms / 1000,
    )
    .await?;
    if !recorded.changed {
        return Ok(Answered::Unchanged);
    }
    if used_up {
        // Dropping the transaction undoes the change.
        return Ok(Answered::UsedUp);
    }
    let key = crate::answers::limit::key(from);
    if !crate::store::limits::take(&mut tx, &key, crate::answers::limit::ALLOWANCE, now_ms).await? {
        return Ok(Answered::TooMany);
    }
    answers::count_link_use(&mut *tx, link.story_id, link.made_at).await?;
    let dms = praise(&mut tx, link.story_id, answer, recorded).await?;
    outbox::enqueue(&mut *tx, &dms, now_ms).await?;
    tx.commit().await?;
    tracing::info!(
        story = link.story_id,
        answer = answer.as_str(),
        "customer answer recorded"
    );
    Ok(Answered::Recorded)
}

/// The internal customer pressed one of their DM's buttons; a replay of the press changes
/// nothing. Anyone else's press is refused privately.
pub async fn answer_in_slack(
    app: &AppState,
    story: StoryId,
    by: &UserId,
    answer: Answer,
    comment: Option<String>,
    pressed: Pressed,
) -> Result<Answered> {
    let story_id = story.get();
    let now_ms = app.clock.now_ms();
    let mut tx = app.writes.begin().await?;
    let asked = answers::asked(&mut *tx, story_id).await?;
    if asked.as_deref() != Some(by.as_str()) {
        if let (Some(url), Some(customer)) = (pressed.response_url, asked) {
            let text = format!("This question is for <@{customer}>: only their answer counts.");
            let note = Message::fixed(
                say::note(&text),
                Delivery::Respond {
                    url,
                    channel: pressed.channel,
                    visibility: Visibility::Private,
                },
            );
            outbox::enqueue(&mut *tx, &[note], now_ms).await?;
            tx.commit().await?;
        }
        return Ok(Answered::Refused);
    }
    if !first_press(&mut tx, Some(&pressed), now_ms).await? {
        return Ok(Answered::Refused);
    }
    let recorded = answers::record(
        &mut tx,
        story_id,
        answer,
        comment.as_deref(),
        Some(by.as_str()),
        now_ms / 1000,
    )
    .await?;
    if !recorded.changed {
        tx.commit().await?;
        return Ok(Answered::Unchanged);
    }
    let mut messages = praise(&mut tx, story_id, answer, recorded).await?;
    if let Some(url) = pressed.response_url {
        messages.push(Message::rendered(
            Render::CustomerQuestion {
                story,
                customer: by.clone(),
            },
            Delivery::Respond {
                url,
                channel: pressed.channel,
                visibility: Visibility::ReplaceOriginal,
            },
        ));
    }
    outbox::enqueue(&mut *tx, &messages, now_ms).await?;
    tx.commit().await?;
    tracing::info!(
        story = story_id,
        answer = answer.as_str(),
        "internal customer answer recorded"
    );
    Ok(Answered::Recorded)
}
