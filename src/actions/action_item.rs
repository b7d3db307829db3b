//! Action items from a round's review: **Add an action** opens the form, adding one DMs its
//! owner with **Done**, and **Done** marks it done once (the owner or a leader).
use super::{Pressed, Refused};
use crate::domain::outbox::{Delivery, Message, Render, Visibility};
use crate::domain::{ActionItemId, RoundId, UserId};
use crate::error::Result;
use crate::messages::report_card as say;
use crate::modals::action_item::{self as modal, NewAction};
use crate::state::AppState;
use crate::store::{outbox, report_cards as store, requests};

/// **Add an action** pressed on `round`'s results: the form opens, or the person is told
/// privately why not.
pub async fn open_form(
    app: &AppState,
    round: RoundId,
    trigger_id: &str,
    pressed: Pressed,
) -> Result<()> {
    let round_id = round.get();
    let Some(round) = store::get_round(&app.db, round_id).await? else {
        return Ok(());
    };
    let Some(card) = store::get(&app.db, round.card_id).await? else {
        return Ok(());
    };
    let view = modal::view(
        RoundId(round_id),
        &card.supplier,
        app.clock.today(&app.config.timezone),
    );
    if let Some(problem) = super::modal::open_modal(app, trigger_id, &view).await {
        super::reply_to_press(app, &pressed, problem).await?;
    }
    Ok(())
}

/// Adds the action item `by` filled in, and DMs its owner; `key` names the submission, so a
/// replay of it adds nothing again. The item's ID, or the message to show in the form.
pub async fn add(
    app: &AppState,
    round: RoundId,
    by: &UserId,
    action: NewAction,
    key: &str,
) -> Result<std::result::Result<i64, Refused>> {
    let Some(round) = store::get_round(&app.db, round.get()).await? else {
        return Ok(Err("This round no longer exists.".into()));
    };
    let now_ms = app.clock.now_ms();
    let mut tx = app.writes.begin().await?;
    if let Some(earlier) = requests::made(&mut *tx, key).await? {
        return Ok(Ok(earlier));
    }
    let id = store::add_action(
        &mut tx,
        &round,
        &action.what,
        &action.owner,
        action.due_on,
        by,
        now_ms / 1000,
    )
    .await?;
    let dm = Message::rendered(
        Render::ActionItem {
            item: ActionItemId(id),
            owner: action.owner.clone(),
        },
        Delivery::dm(&action.owner),
    );
    outbox::enqueue(&mut *tx, &[dm], now_ms).await?;
    requests::record_made(&mut *tx, key, id, now_ms / 1000).await?;
    tx.commit().await?;
    tracing::info!(
        action = id,
        card = round.card_id,
        "report card action item added"
    );
    Ok(Ok(id))
}

/// **Done** pressed by `by` on action `item`: marked done once, and the DM shows it.
pub async fn done(app: &AppState, item: ActionItemId, by: &UserId, pressed: Pressed) -> Result<()> {
    let id = item.get();
    let Some(item) = store::get_action(&app.db, id).await? else {
        return Ok(());
    };
    if item.owner != *by && !app.config.is_leader(by.as_str()) {
        let text = format!(
            "Only its owner, <@{}>, or a leader can mark this action done.",
            item.owner
        );
        return super::reply_to_press(app, &pressed, say::note(&text)).await;
    }
    let now_ms = app.clock.now_ms();
    let mut tx = app.writes.begin().await?;
    if !super::first_press(&mut tx, Some(&pressed), now_ms).await?
        || !store::mark_done(&mut *tx, id, by, now_ms / 1000).await?
    {
        return Ok(());
    }
    if let Some(url) = pressed.response_url.clone() {
        let card = store::get(&app.db, item.card_id).await?;
        let done = crate::domain::report_card::ActionItem {
            done_at: Some(now_ms / 1000),
            ..item
        };
        if let Some(card) = card {
            let body = say::action_item(&done, &card, app.clock.today(&app.config.timezone));
            let update = Message::fixed(
                body,
                Delivery::Respond {
                    url,
                    channel: pressed.channel.clone(),
                    visibility: Visibility::ReplaceOriginal,
                },
            );
            outbox::enqueue(&mut *tx, &[update], now_ms).await?;
        }
    }
    tx.commit().await?;
    tracing::info!(action = id, "report card action item done");
    Ok(())
}
