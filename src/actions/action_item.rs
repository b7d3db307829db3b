//! Action items from a round's review: **Add an action** opens the form (for leaders and the
//! card's raters, within the hourly limit), adding one DMs its owner with **Done**, and **Done**
//! marks it done once (the owner or a leader).
use super::{Pressed, Refused};
use crate::domain::outbox::{Delivery, Kind, Message, Render, Visibility};
use crate::domain::report_card::Card;
use crate::domain::{ActionItemId, RoundId, UserId};
use crate::error::Result;
use crate::messages::{self, report_card as say};
use crate::modals::action_item::{self as modal, NewAction};
use crate::state::AppState;
use crate::store::Conn;
use crate::store::{outbox, report_cards as store, requests};

/// **Add an action** pressed on `round`'s results: the form opens, or the person is told
/// privately why not.
pub async fn open_form(
    app: &AppState,
    round: RoundId,
    by: &UserId,
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
    if let Some(Refused(why)) = may_add(app, &card, by) {
        return super::reply_to_press(app, &pressed, say::note(&why)).await;
    }
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

/// Why `by` may not add action items to `card`'s rounds: only leaders and the card's raters
/// agree actions.
fn may_add(app: &AppState, card: &Card, by: &UserId) -> Option<Refused> {
    if app.config.is_leader(by.as_str()) || card.raters.contains(by) {
        return None;
    }
    let mut who = app.config.leaders.clone();
    who.extend(
        card.raters
            .iter()
            .filter(|r| !app.config.leaders.contains(r))
            .cloned(),
    );
    Some(Refused(format!(
        "Only the service leaders and this card's raters can add action items. Ask one of them: {}.",
        messages::people(&who)
    )))
}

/// Updates in place of `round`'s results post (wherever Slack said it went), so the review
/// channel sees its action items as they are now.
async fn results_updates(conn: &mut Conn<'_>, round: i64) -> Result<Vec<Message>> {
    Ok(outbox::sent_posts(&mut *conn, Kind::RoundResults, round)
        .await?
        .into_iter()
        .map(|(channel, ts)| {
            Message::rendered(
                Render::RoundResults {
                    round: RoundId(round),
                },
                Delivery::Update { channel, ts },
            )
        })
        .collect())
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
    let Some(card) = store::get(&app.db, round.card_id).await? else {
        return Ok(Err("This report card no longer exists.".into()));
    };
    if let Some(refused) = may_add(app, &card, by) {
        return Ok(Err(refused));
    }
    let now_ms = app.clock.now_ms();
    let mut tx = app.writes.begin().await?;
    if let Some(earlier) = requests::made(&mut *tx, key).await? {
        return Ok(Ok(earlier));
    }
    // Counted only for a new submission: Slack's retry of one is not a second action.
    if app
        .hourly_limit
        .take(&app.writes, by, app.clock.now_ms())
        .await?
        .is_err()
    {
        return Ok(Err(Refused(format!(
            "You've reached {} nominations, stories and action items this hour, so this action wasn't added: please try again in a few minutes. Your text stays here.",
            app.hourly_limit.per_hour()
        ))));
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
    let mut messages = results_updates(&mut tx, round.id).await?;
    messages.push(dm);
    outbox::enqueue(&mut *tx, &messages, now_ms).await?;
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
    if let Some(round) = store::action_round(&mut *tx, id).await? {
        let updates = results_updates(&mut tx, round).await?;
        outbox::enqueue(&mut *tx, &updates, now_ms).await?;
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
