//! Report cards as leaders keep them: `/hero reportcard` (the card modal, new or `edit N`),
//! saving a card, retiring one, and `/hero reportcard list` with each card's last result.
use serde_json::{Value, json};

use super::Refused;
use crate::domain::audit::{Actor, Entry, Event, Subject};
use crate::domain::command::CardCommand;
use crate::domain::outbox::{Delivery, Message, Visibility};
use crate::domain::report_card::NewCard;
use crate::domain::{CardId, UserId};
use crate::error::Result;
use crate::messages::{ephemeral, report_card as say};
use crate::modals::report_card::{self as modal, Metadata};
use crate::slack::blocks::{self, escape_within};
use crate::state::AppState;
use crate::store::{audit, outbox, report_cards as store, requests};

const LEADERS_ONLY: &str = "create, edit or retire report cards";

/// `/hero reportcard …` by `user`: the private reply, or None when a modal opened.
pub async fn command(
    app: &AppState,
    user: &UserId,
    command: CardCommand,
    trigger_id: &str,
    metadata: Metadata,
) -> Result<Option<Value>> {
    if command == CardCommand::List {
        return list(app).await.map(Some);
    }
    if !app.config.is_leader(user.as_str()) {
        return Ok(Some(ephemeral(&super::only_leaders(app, LEADERS_ONLY))));
    }
    match command {
        CardCommand::New => {
            let view = modal::view(None, &metadata);
            Ok(super::modal::open_modal(app, trigger_id, &view).await)
        }
        CardCommand::Edit(id) => match store::get(&app.db, id.get()).await? {
            Some(card) if card.retired_at.is_none() => {
                let view = modal::view(
                    Some(&card),
                    &Metadata {
                        card: Some(id),
                        ..metadata
                    },
                );
                Ok(super::modal::open_modal(app, trigger_id, &view).await)
            }
            _ => Ok(Some(no_card(id))),
        },
        CardCommand::Retire(id) => retire(app, user, id.get()).await.map(Some),
        CardCommand::List => unreachable!("answered above"),
    }
}

fn no_card(id: CardId) -> Value {
    ephemeral(&format!(
        "There is no running report card {id}. `/hero reportcard list` shows every card with its number."
    ))
}

/// Saves a card from its modal: a new one, or the one in `metadata`; `key` names the
/// submission, so a replay of it saves nothing again. The card's ID, or the message to show in
/// the modal.
pub async fn save(
    app: &AppState,
    user: &UserId,
    metadata: Metadata,
    card: NewCard,
    key: &str,
) -> Result<std::result::Result<i64, Refused>> {
    if !app.config.is_leader(user.as_str()) {
        return Ok(Err(super::only_leaders(app, LEADERS_ONLY).into()));
    }
    let now_ms = app.clock.now_ms();
    let mut tx = app.writes.begin().await?;
    if let Some(earlier) = requests::made(&mut *tx, key).await? {
        return Ok(Ok(earlier));
    }
    let (id, event) = match metadata.card {
        Some(id) => {
            if !store::update(&mut tx, id.get(), &card, now_ms / 1000).await? {
                return Ok(Err(Refused(format!(
                    "Report card {id} was retired meanwhile: nothing was saved."
                ))));
            }
            (id.get(), Event::CardEdited)
        }
        None => (
            store::create(&mut tx, &card, user.as_str(), now_ms / 1000).await?,
            Event::CardCreated,
        ),
    };
    let entry = Entry::new(
        Actor::Person(user.clone()),
        event,
        Subject::Card(CardId(id)),
    );
    audit::record(&mut tx, now_ms / 1000, &entry).await?;
    if let Some(url) = metadata.response_url.clone() {
        let first = super::round::first_round_at(&app.config, app.clock.now());
        let when = crate::clock::local(first, &app.config.timezone, "%a %-d %b at %H:%M %Z");
        let verb = if metadata.card.is_some() {
            "saved"
        } else {
            "created"
        };
        let mut text = format!(
            ":white_check_mark: Report card {id} for *{}* is {verb}: {} rater{} rate {} deliverable{} every month, and the results post in <#{}>. The next round opens on {when}.",
            escape_within(card.supplier(), 100),
            card.raters().len(),
            if card.raters().len() == 1 { "" } else { "s" },
            card.deliverables().len(),
            if card.deliverables().len() == 1 {
                ""
            } else {
                "s"
            },
            card.review_channel()
        );
        let min = crate::domain::report_card::MIN_ANSWERS;
        if card.raters().len() < min {
            text.push_str(&format!(
                "\n:warning: With {} rater{}, its averages can never be shown: results stay hidden until at least {min} raters answer, so nobody's rating can be picked out. Add raters with `/hero reportcard edit {id}`.",
                card.raters().len(),
                if card.raters().len() == 1 { "" } else { "s" },
            ));
        }
        let note = Message::fixed(
            json!({"text": text}),
            Delivery::Respond {
                url,
                channel: metadata.channel.clone().unwrap_or_default(),
                visibility: Visibility::Private,
            },
        );
        outbox::enqueue(&mut *tx, &[note], now_ms).await?;
    }
    requests::record_made(&mut *tx, key, id, now_ms / 1000).await?;
    tx.commit().await?;
    tracing::info!(card = id, by = %user.as_str(), "report card saved");
    Ok(Ok(id))
}

/// Retires card `id`: it runs no more rounds; its past results stay.
async fn retire(app: &AppState, user: &UserId, id: i64) -> Result<Value> {
    let Some(card) = store::get(&app.db, id).await? else {
        return Ok(no_card(CardId(id)));
    };
    let mut tx = app.writes.begin().await?;
    let now = app.clock.now_secs();
    if !store::retire(&mut *tx, id, now).await? {
        return Ok(no_card(CardId(id)));
    }
    let entry = Entry::new(
        Actor::Person(user.clone()),
        Event::CardRetired,
        Subject::Card(CardId(id)),
    );
    audit::record(&mut tx, now, &entry).await?;
    tx.commit().await?;
    tracing::info!(card = id, by = %user.as_str(), "report card retired");
    Ok(ephemeral(&format!(
        "Report card {id} for *{}* is retired: it runs no more rounds, and its past results stay in the library. A round already open still closes and posts its results.",
        escape_within(&card.supplier, 100)
    )))
}

/// `/hero reportcard list`: every card with its last result.
pub async fn list(app: &AppState) -> Result<Value> {
    let cards = store::all(&app.db).await?;
    if cards.is_empty() {
        return Ok(ephemeral(
            "There are no report cards yet. A leader creates one with `/hero reportcard`.",
        ));
    }
    let mut lines = Vec::with_capacity(cards.len());
    for card in &cards {
        let last = match store::last_closed(&app.db, card.id).await? {
            Some(round) => {
                store::results(&app.db, round.id, app.config.report_card_min_answers).await?
            }
            None => None,
        };
        lines.push(say::list_line(card, last.as_ref()));
    }
    let mut out: Vec<Value> = vec![blocks::section("*Report cards*")];
    // Slack allows 50 blocks in a message.
    for chunk in lines.chunks(5).take(45) {
        out.push(blocks::section(&chunk.join("\n")));
    }
    out.push(blocks::context(&[
        "Leaders: `/hero reportcard edit N` or `/hero reportcard retire N`.".to_owned(),
    ]));
    Ok(json!({"response_type": "ephemeral", "text": "Report cards", "blocks": out}))
}
