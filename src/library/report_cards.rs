//! The library's report card pages: every card with its last result, a card's 12-month trend
//! per deliverable (chart and table), its last round's results and comments under the anonymity
//! threshold, its action items, and the CSV of every closed round for bonus plans.
use std::collections::HashMap;
use std::fmt::Write;

use askama::Template;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::export::cell;
use super::pages::Layout;
use super::scorecard::Chart;
use crate::charts::trend::{self, Averages, Look, Marker};
use crate::charts::{self, SERIES};
use crate::domain::report_card::{
    ActionItem, Card, Comments, MinAnswers, Month, Results, Tally, average_text, change_text,
    response_rate, shown, visible,
};
use crate::store::report_cards::MonthRow;

/// What is shown in place of an average kept back by the threshold.
pub const NOT_ENOUGH: &str = "not enough answers";
/// What is shown for a deliverable nobody rated in a round that had enough answers.
pub const NO_RATINGS: &str = "no ratings";

/// `67 % (2 of 3)`.
fn response(answered: u32, invited: u32) -> String {
    format!(
        "{} ({answered} of {invited})",
        charts::percent(response_rate(answered, invited))
    )
}

/// A card's last closed round, in a line of the list.
pub struct LastRound {
    pub month: String,
    pub overall: String,
    pub change: Option<String>,
    pub response: String,
}

/// A card in the list.
pub struct Listed {
    pub id: i64,
    pub supplier: String,
    pub retired: bool,
    pub raters: usize,
    pub deliverables: Vec<String>,
    pub last: Option<LastRound>,
    pub open: usize,
    pub overdue: usize,
}

#[derive(Template)]
#[template(path = "library/reportcards.html")]
pub struct ListPage {
    pub layout: Layout,
    pub cards: Vec<Listed>,
}

/// A card in the list, with its last closed round's results and its open action items.
pub fn listed(card: &Card, last: Option<&Results>, open: &[ActionItem], today: Date) -> Listed {
    Listed {
        id: card.id,
        supplier: card.supplier.clone(),
        retired: card.retired_at.is_some(),
        raters: card.raters.len(),
        deliverables: card.deliverables.iter().map(|d| d.name.clone()).collect(),
        last: last.map(|r| LastRound {
            month: r.round.month.long(),
            overall: r
                .overall()
                .map_or_else(|| NOT_ENOUGH.to_owned(), average_text),
            change: r.overall_change().map(change_text),
            response: response(r.answered, r.invited),
        }),
        open: open.iter().filter(|a| a.done_at.is_none()).count(),
        overdue: open.iter().filter(|a| a.overdue(today)).count(),
    }
}

/// A deliverable in the chart's key and the table's head.
pub struct LegendEntry {
    pub name: String,
    pub colour: String,
    pub symbol: &'static str,
    pub retired: bool,
}

/// One month of the trend table: the response, and each deliverable's average; or, for a round
/// still open, how many answered so far and nothing else.
pub struct TrendRow {
    pub month: String,
    pub response: String,
    pub averages: Vec<Figure>,
    /// The round is open: `response` says so and how many answered, and there is no average.
    pub open: bool,
}

/// An average in the table, or words in its place (`words`: shown in a quieter style).
pub struct Figure {
    pub text: String,
    pub words: bool,
}

/// A deliverable's line in the last round's results.
pub struct TallyRow {
    pub name: String,
    pub average: String,
    pub change: String,
    pub answers: u32,
    /// How many gave 1, … 5; None when kept back.
    pub counts: Option<[u32; 5]>,
}

pub struct CommentRow {
    pub deliverable: String,
    /// The rater's name on an attributed card.
    pub by: Option<String>,
    pub text: String,
}

/// The last closed round's results as the review channel saw them.
pub struct LastResults {
    pub month: String,
    pub response: String,
    pub shown: bool,
    pub overall: String,
    pub change: Option<String>,
    pub previous: Option<String>,
    pub tallies: Vec<TallyRow>,
    /// None: kept back, so that no single rater can be identified.
    pub comments: Option<Vec<CommentRow>>,
    /// Whether this round's comments are anonymous: what its raters were told when it opened,
    /// which the card may have changed since.
    pub anonymous: bool,
}

pub struct ActionRow {
    pub what: String,
    pub owner: String,
    pub due: String,
    pub overdue: bool,
    /// The day it was done, if it was.
    pub done: Option<String>,
}

#[derive(Template)]
#[template(path = "library/reportcard.html")]
pub struct CardPage {
    pub layout: Layout,
    pub id: i64,
    pub supplier: String,
    pub retired: Option<String>,
    pub raters: usize,
    pub anonymous: bool,
    pub first: String,
    pub last: String,
    pub keys: Vec<LegendEntry>,
    pub chart: Chart,
    pub rows: Vec<TrendRow>,
    pub results: Option<LastResults>,
    pub actions: Vec<ActionRow>,
    /// The anonymity threshold, for the words that explain what is kept back.
    pub min_answers: usize,
}

/// What a card page shows, read from the store.
pub struct CardData<'a> {
    pub card: &'a Card,
    /// The twelve months of the trend, oldest first.
    pub months: &'a [Month],
    pub history: &'a [MonthRow],
    /// The rounds still open, with how many raters answered so far.
    pub open: &'a [(Month, u32)],
    pub last: Option<&'a Results>,
    pub actions: &'a [ActionItem],
    pub names: &'a HashMap<String, String>,
    /// The anonymity threshold averages are shown under.
    pub min_answers: MinAnswers,
}

fn day(date: Date) -> String {
    date.strftime("%a %-d %b %Y").to_string()
}

/// The deliverables of the trend: the card's today, then any retired since that were rated in
/// the months shown.
fn deliverables(card: &Card, history: &[MonthRow]) -> Vec<(i64, String, bool)> {
    let mut all: Vec<(i64, String, bool)> = card
        .deliverables
        .iter()
        .map(|d| (d.id, d.name.clone(), false))
        .collect();
    for tally in history.iter().flat_map(|m| &m.tallies) {
        if !all.iter().any(|(id, _, _)| *id == tally.deliverable_id) {
            all.push((tally.deliverable_id, tally.name.clone(), true));
        }
    }
    all
}

/// A deliverable's average in a month, if a round closed with enough raters answering and
/// enough rating the deliverable (as the results post shows it).
fn average(row: Option<&MonthRow>, deliverable: i64, min: MinAnswers) -> Option<f64> {
    let row = row.filter(|r| shown(r.answered, min))?;
    row.tallies
        .iter()
        .find(|t| t.deliverable_id == deliverable)
        .filter(|t| visible(t, min))?
        .average()
}

/// A deliverable's figure in a round's table: its average, else why there is none.
fn figure(average: Option<f64>, shown: bool, tally: Option<&Tally>) -> Figure {
    let words = |text: &str| Figure {
        text: text.to_owned(),
        words: true,
    };
    match (average, tally) {
        (Some(a), _) => Figure {
            text: average_text(a),
            words: false,
        },
        (None, None) => Figure {
            text: "–".to_owned(),
            words: false,
        },
        (None, Some(t)) if shown && t.answers() == 0 => words(NO_RATINGS),
        (None, Some(_)) => words(NOT_ENOUGH),
    }
}

pub fn card_page(layout: Layout, data: CardData<'_>, tz: &TimeZone, today: Date) -> CardPage {
    let card = data.card;
    let delivered = deliverables(card, data.history);
    let rows_by_month: Vec<Option<&MonthRow>> = data
        .months
        .iter()
        .map(|m| data.history.iter().find(|r| r.month == *m))
        .collect();
    let values: Vec<Vec<Option<f64>>> = delivered
        .iter()
        .map(|(id, _, _)| {
            rows_by_month
                .iter()
                .map(|r| average(*r, *id, data.min_answers))
                .collect()
        })
        .collect();
    let keys: Vec<LegendEntry> = delivered
        .iter()
        .enumerate()
        .map(|(i, (_, name, retired))| LegendEntry {
            name: name.clone(),
            colour: charts::hex(SERIES[i % SERIES.len()]),
            symbol: Marker::nth(i).symbol(),
            retired: *retired,
        })
        .collect();
    let lines: Vec<Averages> = values
        .iter()
        .enumerate()
        .map(|(i, values)| Averages {
            colour: SERIES[i % SERIES.len()],
            marker: Marker::nth(i),
            values,
        })
        .collect();
    let labels: Vec<String> = data.months.iter().map(|m| m.short()).collect();
    let (first, last) = (
        data.months.first().map(|m| m.long()).unwrap_or_default(),
        data.months.last().map(|m| m.long()).unwrap_or_default(),
    );
    let title = format!(
        "{}: average rating per deliverable, month by month",
        card.supplier
    );
    let desc = format!(
        "Average rating from 1 (rarely) to 5 (always, every time) of each of {}'s {} deliverables, each month from {first} to {last}; a month without a closed round or with fewer than {} answers is left out. The table below has every figure.",
        card.supplier,
        delivered.len(),
        data.min_answers.get()
    );
    let chart = Chart {
        heading: format!("Average rating per deliverable, {first} to {last}"),
        svg: trend::ratings(
            "trend",
            &title,
            &desc,
            &labels,
            &lines,
            Look {
                every: 1,
                ..Look::PAGE
            },
        ),
        phone: trend::ratings(
            "trend-phone",
            &title,
            &desc,
            &labels,
            &lines,
            Look {
                every: 3,
                ..Look::PHONE
            },
        ),
    };
    let rows = data
        .months
        .iter()
        .zip(&rows_by_month)
        .enumerate()
        .rev()
        .map(|(m, (month, row))| {
            let open = data
                .open
                .iter()
                .find(|(o, _)| o == month)
                .filter(|_| row.is_none());
            if let Some((_, answered)) = open {
                return TrendRow {
                    month: month.long(),
                    response: format!(
                        "open, {answered} {} so far",
                        if *answered == 1 { "answer" } else { "answers" }
                    ),
                    averages: Vec::new(),
                    open: true,
                };
            }
            TrendRow {
                month: month.long(),
                open: false,
                response: row.map_or_else(
                    || "no round".to_owned(),
                    |r| response(r.answered, r.invited),
                ),
                averages: values
                    .iter()
                    .zip(&delivered)
                    .map(|(v, (id, _, _))| match row {
                        None => figure(None, false, None),
                        Some(r) => figure(
                            v[m],
                            shown(r.answered, data.min_answers),
                            r.tallies.iter().find(|t| t.deliverable_id == *id),
                        ),
                    })
                    .collect(),
            }
        })
        .collect();
    CardPage {
        layout,
        id: card.id,
        supplier: card.supplier.clone(),
        retired: card
            .retired_at
            .and_then(|at| jiff::Timestamp::from_second(at).ok())
            .map(|at| day(at.to_zoned(tz.clone()).date())),
        raters: card.raters.len(),
        anonymous: card.comments == Comments::Anonymous,
        first,
        last,
        keys,
        chart,
        rows,
        results: data.last.map(|r| last_results(r, data.names)),
        actions: data
            .actions
            .iter()
            .map(|a| ActionRow {
                what: a.what.clone(),
                owner: name(data.names, a.owner.as_str()),
                due: day(a.due_on),
                overdue: a.overdue(today),
                done: a
                    .done_at
                    .and_then(|at| jiff::Timestamp::from_second(at).ok())
                    .map(|at| day(at.to_zoned(tz.clone()).date())),
            })
            .collect(),
        min_answers: data.min_answers.get(),
    }
}

fn name(names: &HashMap<String, String>, id: &str) -> String {
    names.get(id).cloned().unwrap_or_else(|| id.to_owned())
}

fn last_results(r: &Results, names: &HashMap<String, String>) -> LastResults {
    let shown = r.shown();
    LastResults {
        month: r.round.month.long(),
        response: response(r.answered, r.invited),
        shown,
        overall: r
            .overall()
            .map_or_else(|| NOT_ENOUGH.to_owned(), average_text),
        change: r.overall_change().map(change_text),
        previous: r.previous.as_ref().map(|(m, _)| m.long()),
        tallies: r
            .tallies
            .iter()
            .map(|t| TallyRow {
                name: t.name.clone(),
                average: figure(r.average(t), shown, Some(t)).text,
                change: r.change(t).map(change_text).unwrap_or_default(),
                answers: t.answers(),
                counts: r.average(t).is_some().then_some(t.counts),
            })
            .collect(),
        anonymous: r.card.comments == Comments::Anonymous,
        comments: r.shown_comments().map(|comments| {
            comments
                .into_iter()
                .map(|c| CommentRow {
                    deliverable: c
                        .deliverable
                        .clone()
                        .unwrap_or_else(|| "The whole card".to_owned()),
                    by: (r.card.comments == Comments::Attributed)
                        .then(|| name(names, c.rater.as_str())),
                    text: c.text.clone(),
                })
                .collect()
        }),
    }
}

/// The people a card page names: owners of action items, and on an attributed card the raters
/// who commented.
pub fn people_named_on_card(last: Option<&Results>, actions: &[ActionItem]) -> Vec<String> {
    let mut ids: Vec<String> = actions.iter().map(|a| a.owner.to_string()).collect();
    if let Some(r) = last.filter(|r| r.card.comments == Comments::Attributed) {
        ids.extend(r.comments.iter().map(|c| c.rater.to_string()));
    }
    ids.sort();
    ids.dedup();
    ids
}

pub const CSV_HEADER: &str =
    "card,supplier,month,deliverable,average,answers,raters_asked,response_rate\r\n";

/// Appends a card's closed rounds to a CSV, one row per round and deliverable: the average to
/// two decimals (empty below the threshold: fewer than 3 raters answering the round, or rating
/// the deliverable), the deliverable's answers, the raters asked and the response rate in whole
/// percent.
pub fn csv_rows(out: &mut String, card: &Card, history: &[MonthRow], min: MinAnswers) {
    for month in history {
        let rate = response_rate(month.answered, month.invited)
            .map(|r| r.to_string())
            .unwrap_or_default();
        for tally in &month.tallies {
            let average = tally
                .average()
                .filter(|_| shown(month.answered, min) && visible(tally, min))
                .map(|a| format!("{a:.2}"))
                .unwrap_or_default();
            let _ = write!(
                out,
                "{},{},{},{},{average},{},{},{rate}\r\n",
                card.id,
                cell(&card.supplier),
                month.month,
                cell(&tally.name),
                tally.answers(),
                month.invited,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UserId;
    use crate::domain::report_card::{Deliverable, Tally};

    fn card() -> Card {
        Card {
            id: 7,
            supplier: "Sales, \"North\"".into(),
            review_channel: crate::domain::ChannelId::parse("C0REVIEW").unwrap(),
            comments: Comments::Anonymous,
            created_at: 0,
            retired_at: None,
            deliverables: vec![Deliverable {
                id: 1,
                name: "Leads".into(),
            }],
            raters: vec![UserId::stored("U0ANA".into())],
        }
    }

    fn row(month: &str, answered: u32, tallies: &[(i64, &str, [u32; 5])]) -> MonthRow {
        MonthRow {
            month: Month::parse(month).unwrap(),
            invited: 4,
            answered,
            tallies: tallies
                .iter()
                .map(|(id, name, counts)| Tally {
                    deliverable_id: *id,
                    name: (*name).into(),
                    counts: *counts,
                })
                .collect(),
        }
    }

    #[test]
    fn the_csv_leaves_an_average_below_the_threshold_empty_and_quotes_what_needs_it() {
        let history = [
            row("2026-09", 2, &[(1, "Leads", [0, 0, 1, 1, 0])]),
            row(
                "2026-10",
                3,
                &[(1, "Leads", [0, 0, 1, 1, 1]), (2, "=SUM(A1)", [0; 5])],
            ),
        ];
        let mut out = String::new();
        csv_rows(&mut out, &card(), &history, MinAnswers::default());
        assert_eq!(
            out,
            "7,\"Sales, \"\"North\"\"\",2026-09,Leads,,2,4,50\r\n\
             7,\"Sales, \"\"North\"\"\",2026-10,Leads,4.00,3,4,75\r\n\
             7,\"Sales, \"\"North\"\"\",2026-10,'=SUM(A1),,0,4,75\r\n"
        );
        // With a threshold of 4, the round three answered shows no average.
        let mut out = String::new();
        csv_rows(&mut out, &card(), &history, MinAnswers::parse(4).unwrap());
        assert!(out.contains("2026-10,Leads,,3,4,75"), "{out}");
    }

    #[test]
    fn the_trend_names_a_retired_deliverable_and_tells_a_missing_round_from_too_few_answers() {
        let months = Month::parse("2026-10").unwrap().last_twelve();
        let history = [
            row(
                "2026-08",
                3,
                &[(1, "Leads", [0, 0, 0, 3, 0]), (9, "Decks", [3, 0, 0, 0, 0])],
            ),
            row("2026-10", 1, &[(1, "Leads", [0, 0, 0, 0, 1])]),
        ];
        let names = HashMap::new();
        let page = card_page(
            Layout {
                base: "/library".into(),
                csrf: None,
            },
            CardData {
                card: &card(),
                months: &months,
                history: &history,
                open: &[],
                last: None,
                actions: &[],
                names: &names,
                min_answers: MinAnswers::default(),
            },
            &TimeZone::UTC,
            Date::constant(2026, 11, 18),
        );
        let keys: Vec<(&str, bool)> = page
            .keys
            .iter()
            .map(|k| (k.name.as_str(), k.retired))
            .collect();
        assert_eq!(keys, [("Leads", false), ("Decks", true)]);
        let cells = |i: usize| -> Vec<&str> {
            page.rows[i]
                .averages
                .iter()
                .map(|f| f.text.as_str())
                .collect()
        };
        assert_eq!(page.rows[0].month, "October 2026");
        // October had one answer; Decks was not in its round.
        assert_eq!(cells(0), [NOT_ENOUGH, "–"]);
        assert_eq!(page.rows[1].response, "no round");
        assert_eq!(cells(1), ["–", "–"]);
        assert_eq!(cells(2), ["4.0", "1.0"]);
        assert_eq!(page.rows[2].response, "75 % (3 of 4)");
    }
}
