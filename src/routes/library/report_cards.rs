//! `/library/reportcards…`: the list of report cards, a card's page with its trend, results and
//! action items, and the CSV of every card's (or one card's) closed rounds.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;

use super::session::Session;
use super::{NAMES_BUDGET, message, render};
use crate::domain::report_card::{Card, Month};
use crate::error::Result;
use crate::library::report_cards::{self, CSV_HEADER, CardData, CardPage, ListPage};
use crate::state::AppState;
use crate::store::report_cards as store;

/// Today in the configured time zone: action items due before it are overdue.
fn today(state: &AppState) -> Date {
    state.clock.today(&state.config.timezone)
}

/// Every card, running ones first.
pub(super) async fn list(State(state): State<AppState>, session: Session) -> Result<Response> {
    let db = &state.db;
    let today = today(&state);
    let min_answers = state.config.report_card_min_answers;
    let mut cards = Vec::new();
    for card in store::all(db).await? {
        let last = match store::last_closed(db, card.id).await? {
            Some(round) => store::results(db, round.id, min_answers).await?,
            None => None,
        };
        let open = store::actions(db, card.id, true).await?;
        cards.push(report_cards::listed(&card, last.as_ref(), &open, today));
    }
    let page = ListPage {
        layout: session.layout(&state),
        cards,
    };
    Ok(render(&page)?.into_response())
}

/// `/library/reportcards/{id}`: the card's page; `{id}.csv`: its closed rounds as CSV.
pub(super) async fn card(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response> {
    let (id, csv) = match id.strip_suffix(".csv") {
        Some(id) => (id, true),
        None => (id.as_str(), false),
    };
    let Some(card) = (match crate::domain::CardId::parse(id) {
        Some(id) => store::get(&state.db, id.get()).await?,
        None => None,
    }) else {
        return message(
            &state,
            Some(&session),
            StatusCode::NOT_FOUND,
            "No such report card",
            &["The address may be mistyped. Every card is in the list of report cards."],
        );
    };
    if csv {
        return csv_of(&state, &[card], &format!("herobot-reportcard-{id}.csv")).await;
    }
    let page = page(&state, session, &card).await?;
    Ok(render(&page)?.into_response())
}

async fn page(state: &AppState, session: Session, card: &Card) -> Result<CardPage> {
    let db = &state.db;
    let tz = &state.config.timezone;
    let min_answers = state.config.report_card_min_answers;
    let last = match store::last_closed(db, card.id).await? {
        Some(round) => store::results(db, round.id, min_answers).await?,
        None => None,
    };
    // Twelve months to the last month a round can have rated (the one before this), or, for a
    // retired card, to its last round.
    let end = match (card.retired_at, &last) {
        (Some(_), Some(r)) => r.round.month,
        _ => Month::of(state.clock.now(), tz).previous(),
    };
    let months = end.last_twelve();
    let history = store::history(db, card.id, months[0]).await?;
    let mut open = Vec::new();
    for round in store::open_rounds(db, card.id).await? {
        let (_, answered) = store::response(db, round.id).await?;
        open.push((round.month, answered));
    }
    let actions = store::actions(db, card.id, false).await?;
    let people = report_cards::people_named_on_card(last.as_ref(), &actions);
    let names = crate::library::names::resolve_within(
        db,
        &state.writes,
        Some(&state.slack),
        &people,
        Some(NAMES_BUDGET),
        &state.clock,
    )
    .await?;
    let data = CardData {
        card,
        months: &months,
        history: &history,
        open: &open,
        last: last.as_ref(),
        actions: &actions,
        names: &names,
        min_answers,
    };
    Ok(report_cards::card_page(
        session.layout(state),
        data,
        tz,
        today(state),
    ))
}

/// `/library/reportcards.csv`: every card's closed rounds.
pub(super) async fn csv(State(state): State<AppState>, _session: Session) -> Result<Response> {
    let cards = store::all(&state.db).await?;
    csv_of(&state, &cards, "herobot-reportcards.csv").await
}

async fn csv_of(state: &AppState, cards: &[Card], filename: &str) -> Result<Response> {
    let mut out = String::from(CSV_HEADER);
    let since = Month {
        year: 1970,
        month: 1,
    };
    for card in cards {
        let history = store::history(&state.db, card.id, since).await?;
        report_cards::csv_rows(
            &mut out,
            card,
            &history,
            state.config.report_card_min_answers,
        );
    }
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        out,
    )
        .into_response())
}
