//! What herobot says about report cards: a rater's request and reminder, a round's results in
//! the review channel, an action item's DM to its owner, and the replies to `/hero reportcard`.
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::clock::local;
use crate::domain::report_card::{
    ActionItem, Card, Comments, Month, Results, Round, Tally, average_text, change_text,
    response_rate,
};
use crate::domain::{ActionItemId, Element, RoundId};
use crate::slack::blocks::{self, FALLBACK_MAX, escape, escape_within};
use crate::slack::chart::{Chart, Kind, Label, Series};

use super::{button, link_button};

/// The most comments, and action items, a results post lists (the rest are on the card's page).
const MAX_LISTED: usize = 25;

fn message(text: &str, blocks: Vec<Value>) -> Value {
    json!({
        "text": blocks::truncate(text, FALLBACK_MAX),
        "blocks": blocks,
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// `Rate Marketing for November`.
pub fn rate_label(card: &Card, month: Month) -> String {
    format!("Rate {} for {}", card.supplier, month.name())
}

/// A rater's DM asking them to rate the round (`reminder`: the one reminder).
pub fn rating_request(card: &Card, round: &Round, tz: &TimeZone, reminder: bool) -> Value {
    let supplier = escape_within(&card.supplier, 100);
    let closes = local(round.closes_at, tz, "%a %-d %b, %H:%M %Z");
    let deliverables = card.deliverables.len();
    let text = if reminder {
        format!(
            ":hourglass_flowing_sand: A reminder: how did *{supplier}* deliver for your team in {}? The round closes on {closes}; it takes a minute.",
            round.month.name()
        )
    } else {
        format!(
            ":clipboard: How effectively and consistently did *{supplier}* deliver for your team in {}? Rate them on {deliverables} deliverable{} from 1 (rarely) to 5 (always, every time). You can change your answers until {closes}.",
            round.month.name(),
            if deliverables == 1 { "" } else { "s" }
        )
    };
    let privacy = match card.comments {
        Comments::Anonymous => {
            "Your comments are shown without your name; averages are shown only when at least three people answer."
        }
        Comments::Attributed => {
            "Your comments are shown with your name; averages are shown only when at least three people answer."
        }
    };
    message(
        &text,
        vec![
            blocks::section(&text),
            json!({"type": "actions", "block_id": "rate", "elements": [
                button(&rate_label(card, round.month), Element::Rate(RoundId(round.id)), Some("primary"))
            ]}),
            blocks::context(&[privacy.to_owned()]),
        ],
    )
}

/// What replaces a rater's **Rate …** DM once the round closed: no button, the overall result.
pub fn round_closed(results: &Results, closed_on: &str) -> Value {
    let overall = match results.overall() {
        Some(overall) => format!("overall *{}* of 5", average_text(overall)),
        None => format!(
            "averages are not shown, as fewer than {} raters answered",
            crate::domain::report_card::MIN_ANSWERS
        ),
    };
    let text = format!(
        ":lock: *{}* for {}: this round closed on {closed_on}: {overall}. Thank you for rating.",
        escape_within(&results.card.supplier, 100),
        results.round.month.name()
    );
    message(&text, vec![blocks::section(&text)])
}

/// An average as five segments, filled to the nearest whole point: `▰▰▰▰▱` for 4.0.
pub fn bar(average: f64) -> String {
    let filled = (average.round().clamp(0.0, 5.0)) as usize;
    format!("{}{}", "▰".repeat(filled), "▱".repeat(5 - filled))
}

/// The line of one deliverable in the results: its bar and average, and its change.
fn deliverable_line(results: &Results, tally: &Tally) -> String {
    let name = escape_within(&tally.name, 160);
    match (results.average(tally), tally.answers()) {
        (Some(average), _) => {
            let change = results
                .change(tally)
                .map(|c| {
                    let month = results.previous.as_ref().map_or("", |(m, _)| m.name());
                    format!("  ({} on {month})", change_text(c))
                })
                .unwrap_or_default();
            format!(
                "{} *{}*  {name}{change}",
                bar(average),
                average_text(average)
            )
        }
        (None, 0) if results.shown() => format!("▱▱▱▱▱  {name}: no ratings"),
        (None, _) => format!("▱▱▱▱▱  {name}: not enough answers"),
    }
}

/// The one line naming the deliverable that moved most since the round before, if any moved.
fn biggest_mover(results: &Results) -> Option<String> {
    let (month, _) = results.previous.as_ref()?;
    let (tally, change) = results
        .tallies
        .iter()
        .filter_map(|t| Some((t, results.change(t)?)))
        .filter(|(_, c)| c.abs() >= 0.05)
        .max_by(|(_, a), (_, b)| a.abs().total_cmp(&b.abs()))?;
    let way = if change > 0.0 { "up" } else { "down" };
    Some(format!(
        "Biggest mover: *{}*, {way} {:.1} on {}.",
        escape_within(&tally.name, 160),
        change.abs(),
        month.name()
    ))
}

/// The deliverables' averages as a bar chart (Slack draws it; the lines beside it say the same
/// for clients and screen readers that do not), when any average is shown.
fn averages_chart(results: &Results) -> Option<Value> {
    let shown: Vec<(&Tally, f64)> = results
        .tallies
        .iter()
        .filter_map(|t| Some((t, results.average(t)?)))
        .collect();
    if shown.is_empty() {
        return None;
    }
    let names: Vec<&str> = shown.iter().map(|(t, _)| t.name.as_str()).collect();
    let chart = Chart {
        kind: Kind::Bar,
        title: format!(
            "{}: averages for {}",
            results.card.supplier,
            results.round.month.short()
        ),
        categories: Label::distinct(&names),
        series: vec![Series {
            name: Label::cut(&results.round.month.short()),
            values: shown.iter().map(|(_, a)| *a).collect(),
        }],
        x_title: Some("Deliverable".to_owned()),
        y_title: Some("Average, 1 (rarely) to 5 (always)".to_owned()),
    };
    match chart.block(Some("averages")) {
        Ok(block) => Some(block),
        Err(e) => {
            tracing::warn!(error = %e, "the averages chart was left out");
            None
        }
    }
}

/// An action item as a line: what, who, when, and whether it is overdue.
pub fn action_line(item: &ActionItem, today: Date) -> String {
    let due = item.due_on.strftime("%a %-d %b");
    let status = if item.done_at.is_some() {
        " — done".to_owned()
    } else if item.overdue(today) {
        " — *overdue*".to_owned()
    } else {
        String::new()
    };
    format!(
        "• {} — <@{}>, due {due}{status}",
        escape_within(&item.what, 200),
        item.owner
    )
}

/// A closed round's results for the review channel.
pub fn results(results: &Results, today: Date, card_url: Option<&str>) -> Value {
    let card = &results.card;
    let month = results.round.month;
    let title = format!("{}'s report card for {}", card.supplier, month.long());
    let rate = response_rate(results.answered, results.invited)
        .map(|r| format!(" ({r} %)"))
        .unwrap_or_default();
    let mut summary = format!(
        "{} of {} raters answered{rate}.",
        results.answered, results.invited
    );
    match (results.overall(), results.overall_change()) {
        (Some(overall), Some(change)) => summary.push_str(&format!(
            " Overall *{}* ({} on {}).",
            average_text(overall),
            change_text(change),
            results.previous.as_ref().map_or("", |(m, _)| m.name())
        )),
        (Some(overall), None) => {
            summary.push_str(&format!(" Overall *{}*.", average_text(overall)))
        }
        (None, _) => summary.push_str(&format!(
            " With fewer than {} answers, averages are not shown, so that no one's ratings can be told apart.",
            results.min_answers.get()
        )),
    }
    let mut out = vec![blocks::header(&title), blocks::section(&summary)];
    out.extend(averages_chart(results));
    let mut lines: Vec<String> = results
        .tallies
        .iter()
        .map(|t| deliverable_line(results, t))
        .collect();
    lines.extend(biggest_mover(results));
    for chunk in sections(&lines) {
        out.push(blocks::section(&chunk));
    }
    match results.shown_comments() {
        Some(comments) if !comments.is_empty() => {
            let mut lines: Vec<String> = comments
                .iter()
                .take(MAX_LISTED)
                .map(|c| {
                    let by = match card.comments {
                        Comments::Attributed => format!(" — <@{}>", c.rater),
                        Comments::Anonymous => String::new(),
                    };
                    let about = c.deliverable.as_deref().unwrap_or("The whole card");
                    format!(
                        "• _{}_: “{}”{by}",
                        escape_within(about, 80),
                        escape_within(&c.text, 300)
                    )
                })
                .collect();
            if let Some(more) = comments.len().checked_sub(MAX_LISTED).filter(|n| *n > 0) {
                lines.push(format!("…and {more} more on the card's page."));
            }
            for (i, chunk) in sections(&lines).into_iter().enumerate() {
                let head = if i == 0 { "*Comments*\n" } else { "" };
                out.push(blocks::section(&format!("{head}{chunk}")));
            }
        }
        None if !results.comments.is_empty() => {
            out.push(blocks::context(&[
                "Comments are kept back too: with so few answers they could be told to be one person's."
                    .to_owned(),
            ]));
        }
        _ => {}
    }
    if !results.open_actions.is_empty() {
        let mut lines: Vec<String> = results
            .open_actions
            .iter()
            .take(MAX_LISTED)
            .map(|a| action_line(a, today))
            .collect();
        if let Some(more) = results
            .open_actions
            .len()
            .checked_sub(MAX_LISTED)
            .filter(|n| *n > 0)
        {
            lines.push(format!("…and {more} more on the card's page."));
        }
        for (i, chunk) in sections(&lines).into_iter().enumerate() {
            let head = match i {
                0 if results.open_actions.iter().all(|a| a.done_at.is_none()) => {
                    "*Open action items*\n"
                }
                0 => "*Action items*\n",
                _ => "",
            };
            out.push(blocks::section(&format!("{head}{chunk}")));
        }
    }
    let mut buttons = vec![button(
        "➕ Add an action",
        Element::AddAction(RoundId(results.round.id)),
        None,
    )];
    if let Some(url) = card_url {
        buttons.push(link_button(
            "See the card's trend",
            Element::OpenCardPage,
            url,
            None,
        ));
    }
    out.push(json!({"type": "actions", "block_id": "review", "elements": buttons}));
    message(&format!("{}: {summary}", escape(&title)), out)
}

/// Lines joined into as few sections as fit Slack's limit on a section's text.
fn sections(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        match out.last_mut() {
            Some(last) if last.chars().count() + line.chars().count() < 2_800 => {
                last.push('\n');
                last.push_str(line);
            }
            _ => out.push(line.clone()),
        }
    }
    out
}

/// An action item's DM to its owner, with **Done** while it is open.
pub fn action_item(item: &ActionItem, card: &Card, today: Date) -> Value {
    let text = format!(
        ":memo: You own an action from *{}*'s report card review:\n{}",
        escape_within(&card.supplier, 100),
        action_line(item, today)
    );
    let mut out = vec![blocks::section(&text)];
    if item.done_at.is_none() {
        out.push(
            json!({"type": "actions", "block_id": "action", "elements": [
                button("✅ Done", Element::ActionDone(ActionItemId(item.id)), Some("primary"))
            ]}),
        );
    }
    message(&text, out)
}

/// The rater's private note when rating is not possible.
pub fn note(text: &str) -> Value {
    json!({"text": text, "blocks": [blocks::section(text)]})
}

/// One card in `/hero reportcard list`: its raters, deliverables and last result.
pub fn list_line(card: &Card, last: Option<&Results>) -> String {
    let status = if card.retired_at.is_some() {
        " _(retired)_"
    } else {
        ""
    };
    let result = match last {
        None => "no round closed yet".to_owned(),
        Some(r) => {
            let overall = r
                .overall()
                .map_or("not enough answers".to_owned(), average_text);
            let change = r
                .overall_change()
                .map(|c| format!(", {}", change_text(c)))
                .unwrap_or_default();
            format!(
                "{}: {overall}{change}, {} of {} answered",
                r.round.month.long(),
                r.answered,
                r.invited
            )
        }
    };
    format!(
        "*{}. {}*{status} — rated by {} on {} deliverable{}, results in <#{}>\n    Last result: {result}",
        card.id,
        escape_within(&card.supplier, 100),
        card.raters.len(),
        card.deliverables.len(),
        if card.deliverables.len() == 1 {
            ""
        } else {
            "s"
        },
        card.review_channel
    )
}
