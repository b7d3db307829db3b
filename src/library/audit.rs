//! The audit trail as people read it: on the library's audit page, in its CSV (safe for
//! spreadsheets) and from `herobot audit`. Times are UTC; who acted reads as a name.
use std::collections::HashMap;

use askama::Template;

use super::export::cell;
use super::pages::Layout;
use crate::domain::forgotten;
use crate::store::audit::Recorded;

/// One row of the trail, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub id: i64,
    /// `2026-11-18 10:00:00 UTC`
    pub at: String,
    /// As stored: a user ID (or a forgotten person's placeholder), `cli`, `api` or `schedule`.
    pub actor: String,
    /// Who, in words: a name, "a former colleague", "the command line".
    pub who: String,
    /// The Slack user ID shown beside a person's name (none for a forgotten person, or for
    /// herobot's own actors).
    pub person: Option<String>,
    /// The event's stable name.
    pub event: String,
    /// What happened, in words.
    pub what: String,
    /// What it was about, in words (empty: nothing more to say).
    pub about: String,
}

/// An instant as the trail shows it, in UTC whatever the installation's time zone.
pub fn utc(at: i64) -> String {
    crate::clock::local(at, &jiff::tz::TimeZone::UTC, "%Y-%m-%d %H:%M:%S UTC")
}

/// Who acted, in words: a person's name from `names` (else their ID), a forgotten person as "a
/// former colleague", and herobot's own actors by what they are.
pub fn who(actor: &str, names: &HashMap<String, String>) -> String {
    match actor {
        "cli" => "the command line".to_owned(),
        "api" => "the export API".to_owned(),
        "schedule" => "herobot's schedule".to_owned(),
        id if forgotten::is_placeholder(id) => forgotten::FORMER_COLLEAGUE.to_owned(),
        id => names.get(id).cloned().unwrap_or_else(|| id.to_owned()),
    }
}

/// The people a page of `rows` names, once each.
pub fn people(rows: &[Recorded]) -> Vec<String> {
    let mut ids: Vec<String> = rows
        .iter()
        .map(|r| r.actor.clone())
        .filter(|a| !matches!(a.as_str(), "cli" | "api" | "schedule"))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// `row` in words.
pub fn line(row: &Recorded, names: &HashMap<String, String>) -> Line {
    Line {
        id: row.id,
        at: utc(row.at),
        actor: row.actor.clone(),
        who: who(&row.actor, names),
        person: Some(row.actor.clone()).filter(|a| {
            !matches!(a.as_str(), "cli" | "api" | "schedule") && !forgotten::is_placeholder(a)
        }),
        event: row.event.map_or("unknown", |e| e.name()).to_owned(),
        what: row
            .event
            .map_or("did something a newer herobot records", |e| e.words())
            .to_owned(),
        about: row.subject.as_ref().map(|s| s.words()).unwrap_or_default(),
    }
}

/// The trail as CSV (RFC 4180, CRLF), every cell safe in a spreadsheet.
pub fn csv(lines: &[Line]) -> String {
    let mut out = String::from("id,at,actor,who,event,what,about\r\n");
    for l in lines {
        let cells = [
            l.id.to_string(),
            l.at.clone(),
            l.actor.clone(),
            l.who.clone(),
            l.event.clone(),
            l.what.clone(),
            l.about.clone(),
        ];
        let row: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The audit page: a page of the trail, newest first.
#[derive(Template)]
#[template(path = "library/audit.html")]
pub struct Page {
    pub layout: Layout,
    pub lines: Vec<Line>,
    /// "Events 51–100", "3 events", "Nothing recorded yet."
    pub count: String,
    pub previous: Option<i64>,
    pub next: Option<i64>,
}

/// How many events a page shows.
pub fn count(first: usize, shown: usize, more: bool) -> String {
    match (shown, first, more) {
        (0, 1, _) => "Nothing recorded yet.".to_owned(),
        (0, _, _) => "No events this far back.".to_owned(),
        (1, 1, false) => "1 event".to_owned(),
        (n, 1, false) => format!("{n} events"),
        (n, first, _) => format!("Events {first}–{}", first + n - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::StoryId;
    use crate::domain::audit::{Event, Subject};

    #[test]
    fn a_line_names_who_in_words_and_its_csv_cannot_run_as_a_formula() {
        let names = HashMap::from([("U0ANA".to_owned(), "=HYPERLINK(\"x\")".to_owned())]);
        let row = Recorded {
            id: 7,
            at: 1_794_996_000,
            actor: "U0ANA".into(),
            event: Some(Event::Featured),
            subject: Some(Subject::Story(StoryId(12))),
        };
        let l = line(&row, &names);
        assert_eq!(l.at, "2026-11-18 10:00:00 UTC");
        assert_eq!(
            (l.what.as_str(), l.about.as_str()),
            ("featured a story", "story 12")
        );
        let csv = csv(&[l]);
        assert!(csv.contains(",\"'=HYPERLINK(\"\"x\"\")\","), "{csv}");
        assert_eq!(who("UFORGOTTEN00000000AB", &names), "a former colleague");
        assert_eq!(who("cli", &names), "the command line");
        assert_eq!(who("U0BEN", &names), "U0BEN");
    }
}
