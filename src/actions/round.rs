//! Report-card rounds: opening one (a DM to each rater), its one reminder to those who have not
//! answered, and closing it (the results to the review channel), each exactly once; and the
//! scheduler's look at what is due now.
use crate::store::Conn;
use jiff::civil::Time;

use crate::config::Config;
use crate::domain::audit::{Actor, Entry, Event, Subject};
use crate::domain::outbox::{Delivery, Kind, Message, Render};
use crate::domain::report_card::{Month, OPEN_FOR_DAYS, REMIND_AFTER_DAYS};
use crate::domain::{CardId, RoundId};
use crate::error::Result;
use crate::state::AppState;
use crate::store::{outbox, report_cards as store};

/// What became of a request to open a card's round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// Opened now: each rater asked gets a DM.
    Opened { round: i64, raters: usize },
    /// That month's round was opened before: nothing changed.
    AlreadyOpened,
    /// The card is retired, or there is no such card.
    NotRunning,
}

/// The time of day rounds open: the digest's, or 09:00 when the digest is not scheduled.
pub fn time_of_day(config: &Config) -> Time {
    config
        .digest_schedule
        .map_or(Time::constant(9, 0, 0, 0), |s| s.time)
}

/// The month a round opened now rates: the month before this one.
pub fn month_rated_now(app: &AppState) -> Month {
    Month::of(app.clock.now(), &app.config.timezone).previous()
}

/// `days` calendar days after `at` in `tz`, at the same local time (a day across a
/// daylight-saving change lasts 23 or 25 hours).
fn days_later(at: i64, days: i64, tz: &jiff::tz::TimeZone) -> i64 {
    jiff::Timestamp::from_second(at)
        .ok()
        .and_then(|t| {
            t.to_zoned(tz.clone())
                .checked_add(jiff::Span::new().days(days))
                .ok()
        })
        .map_or(at + days * 86_400, |z| z.timestamp().as_second())
}

/// When a card made now gets its first round: the next round opening still to come.
pub fn first_round_at(config: &Config, now: jiff::Timestamp) -> i64 {
    let this_month = Month::of(now, &config.timezone);
    let time = time_of_day(config);
    let due = this_month.previous().round_opens_at(time, &config.timezone);
    if due > now.as_second() {
        due
    } else {
        this_month.round_opens_at(time, &config.timezone)
    }
}

/// Opens card `card_id`'s round for `month` (once), asking each of its raters in a DM; `by`
/// records who asked (`schedule`, `cli`).
pub async fn open(app: &AppState, card_id: i64, month: Month, by: &str) -> Result<Opened> {
    let Some(card) = store::get(&app.db, card_id).await? else {
        return Ok(Opened::NotRunning);
    };
    if card.retired_at.is_some() {
        return Ok(Opened::NotRunning);
    }
    let now_ms = app.clock.now_ms();
    let now = now_ms / 1000;
    let tz = &app.config.timezone;
    let mut tx = app.writes.begin().await?;
    let Some((round, raters)) = store::open_round(
        &mut tx,
        card_id,
        month,
        by,
        now,
        days_later(now, REMIND_AFTER_DAYS, tz),
        days_later(now, OPEN_FOR_DAYS, tz),
    )
    .await?
    else {
        return Ok(Opened::AlreadyOpened);
    };
    let requests: Vec<Message> = raters
        .iter()
        .map(|rater| {
            Message::rendered(
                Render::RatingRequest {
                    round: RoundId(round),
                    rater: rater.clone(),
                },
                Delivery::dm(rater),
            )
        })
        .collect();
    outbox::enqueue(&mut *tx, &requests, now_ms).await?;
    by_hand(&mut tx, by, Event::RoundOpened, card_id, round, now).await?;
    tx.commit().await?;
    tracing::info!(card = card_id, month = %month, raters = raters.len(), by, "report card round opened");
    crate::metrics::ROUNDS_OPENED.add(1);
    Ok(Opened::Opened {
        round,
        raters: raters.len(),
    })
}

/// Sends the round's one reminder to the raters who have not answered; how many it went to
/// (none if it went before).
pub async fn remind(app: &AppState, round_id: i64) -> Result<usize> {
    let now_ms = app.clock.now_ms();
    let mut tx = app.writes.begin().await?;
    let Some(raters) = store::remind(&mut tx, round_id, now_ms / 1000).await? else {
        return Ok(0);
    };
    let reminders: Vec<Message> = raters
        .iter()
        .map(|rater| {
            Message::rendered(
                Render::RatingReminder {
                    round: RoundId(round_id),
                    rater: rater.clone(),
                },
                Delivery::dm(rater),
            )
        })
        .collect();
    outbox::enqueue(&mut *tx, &reminders, now_ms).await?;
    tx.commit().await?;
    tracing::info!(
        round = round_id,
        raters = raters.len(),
        "report card reminder sent"
    );
    Ok(raters.len())
}

/// Closes the round (once) and posts its results to the card's review channel; false if it
/// was closed before.
pub async fn close(app: &AppState, round_id: i64, by: &str) -> Result<bool> {
    let Some(round) = store::get_round(&app.db, round_id).await? else {
        return Ok(false);
    };
    let Some(card) = store::get(&app.db, round.card_id).await? else {
        return Ok(false);
    };
    let now_ms = app.clock.now_ms();
    let closed_on = crate::clock::local(now_ms / 1000, &app.config.timezone, "%a %-d %b %Y");
    // Every rating is in by now: the round's results as its raters' DMs will say them.
    let results = store::results(&app.db, round_id, app.config.report_card_min_answers).await?;
    let mut tx = app.writes.begin().await?;
    if !store::close(&mut *tx, round_id, by, now_ms / 1000).await? {
        return Ok(false);
    }
    // Each request to rate (and reminder) is replaced, so no green **Rate** stays behind.
    let mut closed_dms = Vec::new();
    if let Some(results) = &results {
        let body = crate::messages::report_card::round_closed(results, &closed_on);
        for kind in [Kind::RatingRequest, Kind::RatingReminder] {
            for (channel, ts) in outbox::sent_posts(&mut *tx, kind, round_id).await? {
                closed_dms.push(Message::fixed(
                    body.clone(),
                    Delivery::Update { channel, ts },
                ));
            }
        }
    }
    let results_post = Message::rendered(
        Render::RoundResults {
            round: RoundId(round_id),
        },
        Delivery::Post {
            channel: card.review_channel.to_string(),
        },
    );
    closed_dms.insert(0, results_post);
    outbox::enqueue(&mut *tx, &closed_dms, now_ms).await?;
    by_hand(
        &mut tx,
        by,
        Event::RoundClosed,
        card.id,
        round_id,
        now_ms / 1000,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(card = card.id, month = %round.month, by, "report card round closed");
    crate::metrics::ROUNDS_CLOSED.add(1);
    Ok(true)
}

/// The audit row of a round opened or closed by hand (not by the schedule), in its transaction.
async fn by_hand(
    tx: &mut Conn<'_>,
    by: &str,
    event: Event,
    card: i64,
    round: i64,
    now: i64,
) -> Result<()> {
    if by == "schedule" {
        return Ok(());
    }
    let subject = Subject::Round {
        card: CardId(card),
        round: RoundId(round),
    };
    let entry = Entry::new(Actor::of(by), event, subject);
    Ok(crate::store::audit::record(tx, now, &entry).await?)
}

/// Everything due now: this month's rounds for the cards that existed when they were due
/// (also when herobot was down at that moment), reminders, and closes.
pub async fn due_now(app: &AppState) -> Result<()> {
    let now = app.clock.now_secs();
    let month = month_rated_now(app);
    let opens_at = month.round_opens_at(time_of_day(&app.config), &app.config.timezone);
    if now >= opens_at {
        for card in store::due_to_open(&app.db, month, opens_at).await? {
            open(app, card, month, "schedule").await?;
        }
    }
    for round in store::due_to_remind(&app.db, now).await? {
        remind(app, round).await?;
    }
    for round in store::due_to_close(&app.db, now).await? {
        close(app, round, "schedule").await?;
    }
    Ok(())
}

/// `herobot reportcard open`: opens last month's round now for `card`, or for every running
/// card; each card's supplier with what became of it.
pub async fn open_now(app: &AppState, card: Option<i64>) -> Result<Vec<(String, Opened)>> {
    let month = month_rated_now(app);
    let mut done = Vec::new();
    for c in cards(app, card).await? {
        let opened = open(app, c.id, month, "cli").await?;
        done.push((format!("{} ({month})", c.supplier), opened));
    }
    Ok(done)
}

/// `herobot reportcard close`: closes now every open round of `card`, or of every card; each
/// round closed, by supplier and month.
pub async fn close_now(app: &AppState, card: Option<i64>) -> Result<Vec<String>> {
    let mut closed = Vec::new();
    for c in cards(app, card).await? {
        for round in store::open_rounds(&app.db, c.id).await? {
            if close(app, round.id, "cli").await? {
                closed.push(format!("{} ({})", c.supplier, round.month));
            }
        }
    }
    Ok(closed)
}

/// The card asked for, or every running card.
async fn cards(app: &AppState, card: Option<i64>) -> Result<Vec<crate::domain::report_card::Card>> {
    Ok(match card {
        Some(id) => store::get(&app.db, id).await?.into_iter().collect(),
        None => store::all(&app.db)
            .await?
            .into_iter()
            .filter(|c| c.retired_at.is_none())
            .collect(),
    })
}
