//! Ask the customer: the teller gets an answer link for an external customer, or picks the
//! internal customer, whom herobot then asks once in a DM.
use serde_json::Value;

use super::{Pressed, Refused};
use crate::answers::{self, token::Link};
use crate::domain::outbox::{Delivery, Message, Render};
use crate::domain::{CustomerKind, Story, StoryId, UserId};
use crate::error::Result;
use crate::messages::answer as say;
use crate::state::AppState;
use crate::store::{answers as store, outbox, stories};

/// What became of a request for a story's answer link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkFor {
    Url(String),
    NoStory,
    NoPublicUrl,
    /// The story's customer is a colleague: herobot asks them in Slack, never by a link.
    InternalCustomer,
}

const NO_PUBLIC_URL: &str = super::NO_PUBLIC_ADDRESS;

/// The answer link of `story_id`, made now (it works for 28 days).
pub async fn answer_link(app: &AppState, story_id: i64) -> Result<LinkFor> {
    let Some(public_url) = app.config.public_url.as_deref() else {
        return Ok(LinkFor::NoPublicUrl);
    };
    let Some(story) = stories::get(&app.db, story_id).await? else {
        return Ok(LinkFor::NoStory);
    };
    if story.customer_kind == CustomerKind::Internal {
        return Ok(LinkFor::InternalCustomer);
    }
    let link = Link {
        story_id,
        made_at: app.clock.now_secs(),
    };
    Ok(LinkFor::Url(answers::url(
        public_url,
        &app.library_key,
        link,
    )))
}

/// Whether `by` may ask the customer about `story`: its teller, or a leader.
fn may_ask(app: &AppState, story: &Story, by: &UserId) -> bool {
    story.author_id == *by || app.config.is_leader(by.as_str())
}

/// Queues a private reply to the person who pressed a button on the story's messages.
async fn reply(app: &AppState, pressed: &Pressed, body: Value) -> Result<()> {
    super::reply_to_press(app, pressed, body).await
}

/// **Ask the customer**, pressed by `by`: an external story's teller gets the link privately;
/// for an internal story, the picker opens (Slack's trigger lasts 3 seconds, so now).
pub async fn ask(
    app: &AppState,
    story: StoryId,
    by: &UserId,
    trigger_id: &str,
    pressed: Pressed,
) -> Result<()> {
    let story_id = story.get();
    let Some(story) = stories::get(&app.db, story_id).await? else {
        return Ok(());
    };
    if !may_ask(app, &story, by) {
        let text = format!(
            "Only the teller, <@{}>, or a leader can ask the customer about this story.",
            story.author_id
        );
        return reply(app, &pressed, say::note(&text)).await;
    }
    match story.customer_kind {
        CustomerKind::External => {
            let Some(public_url) = app.config.public_url.as_deref() else {
                return reply(app, &pressed, say::note(NO_PUBLIC_URL)).await;
            };
            let now = app.clock.now_secs();
            let link = Link {
                story_id,
                made_at: now,
            };
            let (url, variants) = answers::urls(public_url, &app.library_key, link);
            let closes = crate::clock::local(
                crate::domain::answer::open_until(now),
                &app.config.timezone,
                "%a %-d %b %Y",
            );
            let body = say::link_for_teller(&story, &url, &variants, &closes);
            reply(app, &pressed, body).await
        }
        CustomerKind::Internal => {
            if let Some(customer) = store::asked(&app.db, story_id).await? {
                let text = format!(
                    "herobot asked <@{customer}> already; it asks the customer once. Their answer shows on the story in the library."
                );
                return reply(app, &pressed, say::note(&text)).await;
            }
            let view = crate::modals::ask::view(StoryId(story_id), &story.title);
            if let Some(problem) = super::modal::open_modal(app, trigger_id, &view).await {
                reply(app, &pressed, problem).await?;
            }
            Ok(())
        }
    }
}

/// The teller picked `customer` for `story`: herobot DMs them the question, once. The person
/// asked, or the message to show beside the picker.
pub async fn ask_colleague(
    app: &AppState,
    story: StoryId,
    by: &UserId,
    customer: &str,
) -> Result<Result<UserId, Refused>> {
    let story_id = story.get();
    let Some(customer) = UserId::parse(customer) else {
        return Ok(Err("Pick a person.".into()));
    };
    let Some(story) = stories::get(&app.db, story_id).await? else {
        return Ok(Err("That story is gone.".into()));
    };
    if !may_ask(app, &story, by) {
        return Ok(Err(
            "Only the teller or a leader can ask the customer.".into()
        ));
    }
    if customer == *by || story.heroes.iter().any(|(h, _)| *h == customer) {
        return Ok(Err(
            "Pick the customer: not yourself, and not one of the heroes.".into(),
        ));
    }
    let now_ms = app.clock.now_ms();
    let mut tx = app.writes.begin().await?;
    if !store::ask(
        &mut *tx,
        story_id,
        customer.as_str(),
        by.as_str(),
        now_ms / 1000,
    )
    .await?
    {
        return Ok(Err(
            "herobot asked this story's customer already; it asks once.".into(),
        ));
    }
    let dm = Message::rendered(
        Render::CustomerQuestion {
            story: StoryId(story_id),
            customer: customer.clone(),
        },
        Delivery::dm(&customer),
    );
    outbox::enqueue(&mut *tx, &[dm], now_ms).await?;
    tx.commit().await?;
    tracing::info!(story = story_id, "internal customer asked");
    Ok(Ok(customer))
}
