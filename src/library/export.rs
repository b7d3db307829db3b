//! The exports of stories: a Markdown talk pack to read aloud, RFC 4180 CSV that is safe to open
//! in a spreadsheet, and JSON with a stable schema (`herobot.stories.v1`). Every format shows each
//! hero's consent. The talk pack, meant for talks outside the company, holds only the stories every
//! credited hero agreed to tell outside unless the person asks for the others too, and then marks
//! each of those as kept inside; CSV and JSON, for the people who run the program, hold every story.
use std::collections::HashMap;
use std::fmt::Write;

use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::domain::Story;
use crate::domain::story::{duration_in_words, recovery_in_words, within_window};
use crate::domain::text::with_names;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Csv,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Self::Markdown),
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Markdown => "text/markdown; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

/// Whether a talk pack also holds the stories some credited hero has not agreed (or not yet) to
/// tell outside the company. CSV and JSON hold them whatever this says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KeptInside {
    /// Left out: what a talk pack holds unless the person asks for more.
    #[default]
    LeftOut,
    /// Included, each marked as kept inside (`--include-internal`, `include_internal=true`).
    Included,
}

impl KeptInside {
    /// From the yes/no of `--include-internal` or `include_internal=true`.
    pub fn included(yes: bool) -> Self {
        if yes { Self::Included } else { Self::LeftOut }
    }
}

/// What marks a story kept inside in a talk pack that holds it.
pub const KEPT_INSIDE_MARK: &str =
    "> **Kept inside:** not every hero has agreed to tell this story outside.\n\n";

/// Renders `stories` in `format`; `names` maps user IDs to display names.
pub fn render(
    format: Format,
    stories: &[Story],
    names: &HashMap<String, String>,
    tz: &TimeZone,
) -> String {
    match format {
        Format::Markdown => talk_pack(stories, names, tz),
        Format::Csv => csv(stories, names, tz),
        Format::Json => {
            serde_json::to_string_pretty(&json(stories, names, tz)).expect("JSON renders")
        }
    }
}

fn name<'a>(names: &'a HashMap<String, String>, id: &'a str) -> &'a str {
    names.get(id).map_or(id, String::as_str)
}

fn rfc3339(unix: i64, tz: &TimeZone) -> String {
    crate::clock::local(unix, tz, "%Y-%m-%dT%H:%M:%S%:z")
}

/// Text from a person (or a Slack display name) in Markdown, shown as it was typed: characters
/// that would make emphasis, code, links, images, HTML, entities or tables are backslash-escaped,
/// and so is anything at a line's start that would make a heading, list, quote or rule. Leading
/// spaces go, so no line becomes a code block.
fn md(text: &str) -> String {
    text.lines().map(md_line).collect::<Vec<_>>().join("\n")
}

/// [`md`] on one line, for headings and lists.
fn md_inline(text: &str) -> String {
    text.lines()
        .map(md_line)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn md_line(line: &str) -> String {
    let line = line.trim_start();
    // "1. " or "1) " would start an ordered list.
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let mut out = String::with_capacity(line.len() + 8);
    for (i, c) in line.char_indices() {
        let special = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~'
        );
        let at_start = i == 0 && matches!(c, '#' | '-' | '+' | '=');
        let list_number = i == digits && digits > 0 && matches!(c, '.' | ')');
        if special || at_start || list_number {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One section per story, ready to read aloud.
pub fn talk_pack(stories: &[Story], names: &HashMap<String, String>, tz: &TimeZone) -> String {
    let shareable = stories.iter().filter(|s| s.shareable()).count();
    let mut out = talk_pack_head(stories.len(), shareable, 0);
    talk_pack_sections(&mut out, stories, names, tz);
    out
}

fn stories_in_words(count: usize) -> String {
    format!("{count} {}", if count == 1 { "story" } else { "stories" })
}

/// The talk pack's title and how many of its `count` stories are `shareable`, and how many
/// kept inside were `left_out`.
fn talk_pack_head(count: usize, shareable: usize, left_out: usize) -> String {
    let mut out = String::from("# Service recovery stories — talk pack\n\n");
    let _ = write!(
        out,
        "_{}; {shareable} may be told outside the company. Each hero's consent is shown with their story.",
        stories_in_words(count),
    );
    if shareable < count {
        out.push_str(" A story not every hero has agreed to tell outside is marked kept inside.");
    }
    if left_out > 0 {
        let _ = write!(
            out,
            " Left out: {} kept inside (not every hero has agreed to tell {} outside).",
            stories_in_words(left_out),
            if left_out == 1 { "it" } else { "them" }
        );
    }
    out.push_str("_\n\n");
    out
}

/// The talk pack's section of each story.
fn talk_pack_sections(
    out: &mut String,
    stories: &[Story],
    names: &HashMap<String, String>,
    tz: &TimeZone,
) {
    for s in stories {
        let heroes: Vec<String> = s
            .heroes
            .iter()
            .map(|(id, _)| md_inline(name(names, id)))
            .collect();
        let _ = writeln!(out, "## {}\n", md_inline(&with_names(&s.title, names)));
        if !s.shareable() {
            out.push_str(KEPT_INSIDE_MARK);
        }
        let _ = writeln!(out, "- **Heroes:** {}", heroes.join(", "));
        let _ = writeln!(
            out,
            "- **Told by:** {}",
            md_inline(name(names, &s.author_id))
        );
        let _ = writeln!(
            out,
            "- **When:** {} — {}",
            crate::clock::date_time(s.happened_at, tz),
            recovery_in_words(s.recovery_secs())
        );
        let _ = writeln!(
            out,
            "- **Customer:** {} · **reaction:** {}",
            s.customer_kind.label(),
            s.reaction.label()
        );
        if let Some(a) = &s.customer_answer {
            let _ = write!(
                out,
                "- **The customer's own answer:** {}",
                a.answer.label().to_lowercase()
            );
            match &a.comment {
                Some(comment) => {
                    let _ = writeln!(out, " — “{}”", md(comment).replace('\n', " "));
                }
                None => out.push('\n'),
            }
        }
        let consents: Vec<String> = s
            .heroes
            .iter()
            .map(|(id, c)| format!("{} {}", md_inline(name(names, id)), c.as_str()))
            .collect();
        let _ = writeln!(out, "- **Consent:** {}", consents.join(", "));
        if s.featured_at.is_some() {
            out.push_str("- **Featured** for talks\n");
        }
        let named = |text: &str| with_names(text, names);
        let _ = writeln!(
            out,
            "\n**What went wrong.** {}\n",
            md(&named(&s.what_went_wrong))
        );
        let _ = writeln!(out, "**How it was fixed.** {}\n", md(&named(&s.how_fixed)));
        match &s.surprise {
            Some(surprise) => {
                let _ = writeln!(out, "**The surprise.** {}\n", md(&named(surprise)));
            }
            None => out.push_str("**The surprise.** None recorded.\n\n"),
        }
    }
}

/// One CSV cell: quoted when needed (RFC 4180), and never read as a formula by a spreadsheet.
pub fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

const CSV_HEADER: [&str; 22] = [
    "id",
    "title",
    "heroes",
    "consent",
    "shareable",
    "told_by",
    "happened_at",
    "fixed_at",
    "time_to_recovery",
    "within_24h",
    "what_went_wrong",
    "how_fixed",
    "surprise",
    "customer_kind",
    "reaction",
    "featured",
    "tags",
    "customer_answer",
    "customer_comment",
    "answered_at",
    "customer_sees",
    "thanks",
];

/// RFC 4180: CRLF line ends, one header row.
pub fn csv(stories: &[Story], names: &HashMap<String, String>, tz: &TimeZone) -> String {
    let mut out = CSV_HEADER.join(",") + "\r\n";
    csv_rows(&mut out, stories, names, tz);
    out
}

/// One CSV row per story.
fn csv_rows(out: &mut String, stories: &[Story], names: &HashMap<String, String>, tz: &TimeZone) {
    for s in stories {
        let heroes: Vec<&str> = s.heroes.iter().map(|(id, _)| name(names, id)).collect();
        let consent: Vec<String> = s
            .heroes
            .iter()
            .map(|(id, c)| format!("{}: {}", name(names, id), c.as_str()))
            .collect();
        let answer = s.customer_answer.as_ref();
        let row = [
            s.id.to_string(),
            with_names(&s.title, names),
            heroes.join("; "),
            consent.join("; "),
            s.shareable().to_string(),
            name(names, &s.author_id).to_owned(),
            rfc3339(s.happened_at, tz),
            rfc3339(s.fixed_at, tz),
            duration_in_words(s.recovery_secs()),
            within_window(s.recovery_secs()).to_string(),
            with_names(&s.what_went_wrong, names),
            with_names(&s.how_fixed, names),
            with_names(s.surprise.as_deref().unwrap_or_default(), names),
            s.customer_kind.as_str().to_owned(),
            s.reaction.as_str().to_owned(),
            s.featured_at.is_some().to_string(),
            s.tags.join(" "),
            answer
                .map(|a| a.answer.as_str().to_owned())
                .unwrap_or_default(),
            answer.and_then(|a| a.comment.clone()).unwrap_or_default(),
            answer
                .map(|a| rfc3339(a.answered_at, tz))
                .unwrap_or_default(),
            with_names(s.customer_sees(), names),
            s.thanks.to_string(),
        ];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
}

/// The JSON export: `{"schema": "herobot.stories.v1", "stories": [...]}`; times in RFC 3339 in
/// the configured zone; fields are only ever added, never renamed.
pub fn json(stories: &[Story], names: &HashMap<String, String>, tz: &TimeZone) -> Value {
    let stories: Vec<Value> = stories.iter().map(|s| json_story(s, names, tz)).collect();
    json!({"schema": JSON_SCHEMA, "stories": stories})
}

const JSON_SCHEMA: &str = "herobot.stories.v1";

/// One story of the JSON export.
fn json_story(s: &Story, names: &HashMap<String, String>, tz: &TimeZone) -> Value {
    json!({
        "id": s.id,
        "title": with_names(&s.title, names),
        "heroes": s.heroes.iter().map(|(id, c)| json!({"id": id, "name": name(names, id), "consent": c.as_str()})).collect::<Vec<_>>(),
        "shareable": s.shareable(),
        "told_by": {"id": s.author_id, "name": name(names, &s.author_id)},
        "happened_at": rfc3339(s.happened_at, tz),
        "fixed_at": rfc3339(s.fixed_at, tz),
        "recovery_seconds": s.recovery_secs(),
        "within_24h": within_window(s.recovery_secs()),
        "what_went_wrong": with_names(&s.what_went_wrong, names),
        "how_fixed": with_names(&s.how_fixed, names),
        "surprise": s.surprise.as_deref().map(|t| with_names(t, names)),
        "customer_kind": s.customer_kind.as_str(),
        "reaction": s.reaction.as_str(),
        "featured": s.featured_at.is_some(),
        "tags": s.tags,
        "permalink": s.message_permalink,
        "created_at": rfc3339(s.created_at, tz),
        "customer_answer": s.customer_answer.as_ref().map(|a| a.answer.as_str()),
        "customer_comment": s.customer_answer.as_ref().and_then(|a| a.comment.as_deref()),
        "answered_at": s.customer_answer.as_ref().map(|a| rfc3339(a.answered_at, tz)),
        "customer_sees": with_names(s.customer_sees(), names),
        "thanks": s.thanks,
    })
}

/// What an export writes before its first story: the talk pack's title and counts (`count`
/// stories, `shareable` of them shareable, `left_out` kept inside not in it), the CSV header, or
/// the JSON document's opening.
pub fn head(format: Format, count: usize, shareable: usize, left_out: usize) -> String {
    match format {
        Format::Markdown => talk_pack_head(count, shareable, left_out),
        Format::Csv => CSV_HEADER.join(",") + "\r\n",
        Format::Json => format!("{{\n  \"schema\": \"{JSON_SCHEMA}\",\n  \"stories\": ["),
    }
}

/// Appends the `index`th story (from 0) to `out`, as [`render`] writes it.
pub fn row(
    format: Format,
    index: usize,
    story: &Story,
    names: &HashMap<String, String>,
    tz: &TimeZone,
    out: &mut String,
) {
    let one = std::slice::from_ref(story);
    match format {
        Format::Markdown => talk_pack_sections(out, one, names, tz),
        Format::Csv => csv_rows(out, one, names, tz),
        Format::Json => {
            // An element of the pretty-printed array: two levels deep. JSON strings hold no
            // raw line breaks, so indenting every line indents the value.
            let value =
                serde_json::to_string_pretty(&json_story(story, names, tz)).expect("JSON renders");
            out.push_str(if index == 0 { "\n    " } else { ",\n    " });
            out.push_str(&value.replace('\n', "\n    "));
        }
    }
}

/// What an export writes after its `count` stories.
pub fn tail(format: Format, count: usize) -> &'static str {
    match (format, count) {
        (Format::Json, 0) => "]\n}",
        (Format::Json, _) => "\n  ]\n}",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::oracle::story;
    use crate::domain::{Consent, CustomerKind, Reaction, UserId};

    fn names() -> HashMap<String, String> {
        HashMap::from([("U0ALICE".to_owned(), "Alice Doe".to_owned())])
    }

    #[test]
    fn csv_cells_cannot_run_as_formulas_and_are_quoted_per_rfc_4180() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell("plain"), "plain");
    }

    #[test]
    fn csv_has_a_header_and_crlf_rows() {
        let mut s = story(1, 5, true, Reaction::BlownAway, CustomerKind::External);
        s.title = "=cmd|' /C calc'!A0".into();
        let out = csv(&[s], &names(), &TimeZone::UTC);
        let lines: Vec<&str> = out.split("\r\n").collect();
        assert!(lines[0].starts_with("id,title,heroes,consent"));
        assert!(
            lines[1].starts_with("1,'=cmd|' /C calc'!A0,Alice Doe,Alice Doe: pending,false,"),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn the_talk_pack_marks_stories_without_every_consent_kept_inside() {
        let pending = story(1, 5, true, Reaction::BlownAway, CustomerKind::External);
        let mut granted = story(2, 30, false, Reaction::Satisfied, CustomerKind::Internal);
        granted.heroes = vec![(UserId::parse("U0ALICE").unwrap(), Consent::Granted)];
        let md = talk_pack(&[pending, granted], &names(), &TimeZone::UTC);
        let sections: Vec<&str> = md.split("\n## ").collect();
        assert!(sections[1].contains(KEPT_INSIDE_MARK));
        assert!(!sections[2].contains("Kept inside"));
        assert!(!md.to_lowercase().contains("internal only"));
        assert!(sections[2].contains("- **Heroes:** Alice Doe"));
        assert!(sections[2].contains("fixed in 30 hours"));
        assert!(sections[2].contains("**The surprise.** None recorded."));
        assert!(md.contains("1 may be told outside the company"));
    }

    #[test]
    fn json_follows_the_documented_schema() {
        let value = json(
            &[story(
                1,
                5,
                true,
                Reaction::BlownAway,
                CustomerKind::External,
            )],
            &names(),
            &TimeZone::UTC,
        );
        assert_eq!(value["schema"], "herobot.stories.v1");
        let s = &value["stories"][0];
        assert_eq!(
            s["heroes"][0],
            json!({"id": "U0ALICE", "name": "Alice Doe", "consent": "pending"})
        );
        assert_eq!(
            (s["within_24h"].as_bool(), s["shareable"].as_bool()),
            (Some(true), Some(false))
        );
        assert_eq!(s["recovery_seconds"], 5 * 3600);
        assert_eq!(
            (
                &s["customer_answer"],
                &s["customer_comment"],
                &s["answered_at"]
            ),
            (&Value::Null, &Value::Null, &Value::Null)
        );
    }

    #[test]
    fn an_export_written_story_by_story_is_the_export_rendered_whole() {
        let mut granted = story(2, 30, false, Reaction::Satisfied, CustomerKind::Internal);
        granted.heroes = vec![(UserId::parse("U0ALICE").unwrap(), Consent::Granted)];
        granted.tags = vec!["billing".into(), "refund".into()];
        let stories = [
            story(1, 5, true, Reaction::BlownAway, CustomerKind::External),
            granted,
            story(3, 72, false, Reaction::Unknown, CustomerKind::External),
        ];
        for format in [Format::Markdown, Format::Csv, Format::Json] {
            for n in 0..=stories.len() {
                let some = &stories[..n];
                let shareable = some.iter().filter(|s| s.shareable()).count();
                let mut out = head(format, n, shareable, 0);
                for (i, s) in some.iter().enumerate() {
                    row(format, i, s, &names(), &TimeZone::UTC, &mut out);
                }
                out.push_str(tail(format, n));
                assert_eq!(
                    out,
                    render(format, some, &names(), &TimeZone::UTC),
                    "{format:?} of {n}"
                );
            }
        }
    }

    #[test]
    fn markdown_from_people_cannot_add_headings_or_html() {
        assert_eq!(
            md("# Not a heading\n<script>"),
            "\\# Not a heading\n\\<script\\>"
        );
        assert_eq!(
            md("Fixed it\n---\n- not a list\n1. nor this\n    not code"),
            "Fixed it\n\\---\n\\- not a list\n1\\. nor this\nnot code"
        );
    }

    #[test]
    fn markdown_from_people_cannot_add_links_images_or_emphasis() {
        assert_eq!(
            md("[click](javascript:alert(1)) ![x](http://t/x.png) <javascript:alert(1)>"),
            "\\[click\\](javascript:alert(1)) !\\[x\\](http://t/x.png) \\<javascript:alert(1)\\>"
        );
        assert_eq!(
            md("*a* _b_ `c` ~d~ a|b &amp;"),
            "\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ a\\|b \\&amp;"
        );
        assert_eq!(md("100% sure, 3.5 stars"), "100% sure, 3.5 stars");
    }

    #[test]
    fn display_names_in_the_talk_pack_are_escaped() {
        let mut s = story(1, 5, true, Reaction::BlownAway, CustomerKind::External);
        s.heroes = vec![(UserId::parse("U0ALICE").unwrap(), Consent::Granted)];
        let names = HashMap::from([(
            "U0ALICE".to_owned(),
            "[Alice](javascript:alert(1)) **boss**".to_owned(),
        )]);
        let md = talk_pack(&[s], &names, &TimeZone::UTC);
        assert!(
            md.contains("- **Heroes:** \\[Alice\\](javascript:alert(1)) \\*\\*boss\\*\\*"),
            "{md}"
        );
        assert!(!md.contains("[Alice]("), "{md}");
    }
}
