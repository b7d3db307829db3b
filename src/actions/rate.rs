//! Rating a round: a rater's **Rate …** button opens the rating modal (filled in with their
//! earlier answers), and their submission replaces what they gave before, until the round
//! closes. Only the raters a round asked can rate in it.
use serde_json::Value;

use super::{Pressed, Refused};
use crate::domain::report_card::Round;
use crate::domain::{RoundId, UserId};
use crate::error::Result;
use crate::messages::report_card as say;
use crate::modals::rating::{self as modal, Answers, Metadata};
use crate::state::AppState;
use crate::store::report_cards as store;

/// Why `rater` cannot rate in `round` now, if they cannot.
async fn cannot_rate(app: &AppState, round: &Round, rater: &UserId) -> Result<Option<String>> {
    if round.closed_at.is_some() || round.closes_at <= app.clock.now_secs() {
        return Ok(Some(closed(app, round)));
    }
    if !store::invited(&app.db, round.id, rater).await? {
        return Ok(Some(
            "Only the raters this round asked can rate in it.".to_owned(),
        ));
    }
    Ok(None)
}

fn closed(app: &AppState, round: &Round) -> String {
    let at = round.closed_at.unwrap_or(round.closes_at);
    let when = crate::clock::local(at, &app.config.timezone, "%a %-d %b");
    format!(
        "The round for {} closed on {when}: answers can no longer change. Its results were posted for review.",
        round.month.long()
    )
}

/// **Rate …** pressed by `rater`: the modal opens (Slack's trigger lasts 3 seconds, so now),
/// or they are told privately why not.
pub async fn open_rating(
    app: &AppState,
    round: RoundId,
    rater: &UserId,
    trigger_id: &str,
    pressed: Pressed,
) -> Result<()> {
    let round_id = round.get();
    let Some(round) = store::get_round(&app.db, round_id).await? else {
        return Ok(());
    };
    if let Some(why) = cannot_rate(app, &round, rater).await? {
        return super::reply_to_press(app, &pressed, say::note(&why)).await;
    }
    let Some(card) = store::get(&app.db, round.card_id).await? else {
        return Ok(());
    };
    let earlier = store::answers_of(&app.db, round_id, rater).await?;
    let card_comment = store::card_comment_of(&app.db, round_id, rater).await?;
    let view = modal::view(
        &card,
        round_id,
        round.month,
        &earlier,
        card_comment.as_deref(),
    );
    if let Some(problem) = super::modal::open_modal(app, trigger_id, &view).await {
        super::reply_to_press(app, &pressed, problem).await?;
    }
    Ok(())
}

/// `rater`'s answers for the round in `metadata`, replacing any they gave before: the view
/// that thanks them, or the message to show in the modal.
pub async fn rate(
    app: &AppState,
    rater: &UserId,
    metadata: &Metadata,
    answers: Answers,
) -> Result<std::result::Result<Value, Refused>> {
    let Some(round) = store::get_round(&app.db, metadata.round).await? else {
        return Ok(Err("This round no longer exists.".into()));
    };
    if let Some(why) = cannot_rate(app, &round, rater).await? {
        return Ok(Err(Refused(why)));
    }
    let Some(card) = store::get(&app.db, round.card_id).await? else {
        return Ok(Err("This report card no longer exists.".into()));
    };
    let current: Vec<i64> = card.deliverables.iter().map(|d| d.id).collect();
    if current != metadata.deliverables {
        return Ok(Err(
            "The card's deliverables changed since this form opened: close it and press the button again."
                .into(),
        ));
    }
    let now_ms = app.clock.now_ms();
    let mut tx = app.writes.begin().await?;
    // The round may have closed since the look above: checked again in the transaction.
    let replaced = store::replace_answers(
        &mut tx,
        round.id,
        rater,
        &answers.ratings,
        answers.card_comment.as_deref(),
        now_ms / 1000,
    )
    .await?;
    if !replaced {
        return Ok(Err(Refused(closed(app, &round))));
    }
    tx.commit().await?;
    tracing::info!(round = round.id, "report card answers recorded");
    let closes = crate::clock::local(round.closes_at, &app.config.timezone, "%a %-d %b, %H:%M %Z");
    Ok(Ok(modal::thanks(&card.supplier, &closes)))
}
