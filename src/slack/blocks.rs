//! The Block Kit we send, and mrkdwn escaping: every piece of user text passes through here.
use serde_json::{Value, json};

use crate::domain::UserId;
use crate::domain::text::{mentioned, replace_mentions};

/// Slack's limit on a section's text, in characters.
pub const SECTION_MAX: usize = 3000;
/// Slack's limit on a header's text, in characters.
pub const HEADER_MAX: usize = 150;
/// A sensible bound on a message's notification text.
pub const FALLBACK_MAX: usize = 300;

/// The three escapes mrkdwn asks for.
const ESCAPES: [&str; 3] = ["&amp;", "&lt;", "&gt;"];

/// Escapes user text for mrkdwn: only `&`, `<` and `>`, as Slack asks, so `<!channel>` typed by
/// a person shows as text and pings nobody.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes `text` and cuts it so the escaped result has at most `max` characters, ending in
/// `…` when cut; never cuts an escape in half.
pub fn escape_within(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut len = 0;
    // Counted once: counting inside the loop made a long text quadratic.
    let total = text.chars().count();
    for (i, c) in text.chars().enumerate() {
        let piece = match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            c => c.to_string(),
        };
        let piece_len = piece.chars().count();
        let rest_fits = total == i + 1 && len + piece_len <= max;
        if len + piece_len > max.saturating_sub(1) && !rest_fits {
            out.push('…');
            return out;
        }
        out.push_str(&piece);
        len += piece_len;
    }
    out
}

/// Escapes `text` within `max` as [`escape_within`] does, but keeps the mentions of the people
/// `live` allows as mentions (`<@U…>`, also when written `<@U…|name>`), so Slack shows their
/// names; every other control sequence (`<!channel>`, …) stays disarmed.
pub fn escape_keeping_mentions(text: &str, max: usize, live: impl Fn(&UserId) -> bool) -> String {
    let plain = replace_mentions(text, |user| format!("<@{user}>"));
    let mut out = escape_within(&plain, max);
    for user in mentioned(text).iter().filter(|u| live(u)) {
        out = out.replace(&format!("&lt;@{user}&gt;"), &format!("<@{user}>"));
    }
    out
}

/// User text as mrkdwn for Slack: escaped within `max`, with every mention of a person kept a
/// live mention (Slack shows the name; never a raw ID, never escaped into `&lt;@U…&gt;`), and
/// every other control sequence (`<!channel>`, …) disarmed.
pub fn escape_with_mentions(text: &str, max: usize) -> String {
    escape_keeping_mentions(text, max, |_| true)
}

/// Cuts plain text (which has no escapes: an `&` is just an `&`) to `max` characters, ending in
/// `…` when cut.
pub fn truncate_plain(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Cuts already-escaped mrkdwn to `max` characters, ending in `…` when cut; never leaves half an
/// escape behind. Plain text is cut with [`truncate_plain`].
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    // Don't leave half an escape behind (`&am`), but keep a `&` that starts none (`AT&T`).
    if let Some(amp) = out.rfind('&')
        && ESCAPES
            .iter()
            .any(|e| e.len() > out.len() - amp && e.starts_with(&out[amp..]))
    {
        out.truncate(amp);
    }
    out.push('…');
    out
}

/// Mrkdwn (already escaped) as a block quote: every line marked.
pub fn block_quote(mrkdwn: &str) -> String {
    mrkdwn
        .lines()
        .map(|line| format!(">{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A section of mrkdwn text (cut to Slack's limit).
pub fn section(mrkdwn: &str) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(mrkdwn, SECTION_MAX)}})
}

/// A header of plain text (cut to Slack's limit).
pub fn header(plain: &str) -> Value {
    json!({"type": "header", "text": {"type": "plain_text", "text": truncate_plain(plain, HEADER_MAX), "emoji": true}})
}

/// A context line of mrkdwn elements (Slack allows up to ten).
pub fn context(elements: &[String]) -> Value {
    let elements: Vec<Value> = elements
        .iter()
        .filter(|e| !e.is_empty())
        .take(10)
        .map(|e| json!({"type": "mrkdwn", "text": truncate(e, 2000)}))
        .collect();
    json!({"type": "context", "elements": elements})
}

/// A button (its text cut to Slack's 75 characters), with the value its press carries and an
/// optional style (`primary`, `danger`).
pub fn button(text: &str, action_id: &str, value: Option<&str>, style: Option<&str>) -> Value {
    let mut b = json!({"type": "button", "action_id": action_id,
                       "text": {"type": "plain_text", "text": truncate_plain(text, 75), "emoji": true}});
    if let Some(value) = value {
        b["value"] = Value::from(value);
    }
    if let Some(style) = style {
        b["style"] = Value::from(style);
    }
    b
}

/// A button that opens `url` in the person's browser (Slack still tells herobot of the press,
/// by its action ID).
pub fn link_button(text: &str, action_id: &str, url: &str, style: Option<&str>) -> Value {
    let mut b = button(text, action_id, None, style);
    b["url"] = Value::from(url);
    b
}

pub fn divider() -> Value {
    json!({"type": "divider"})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_defuses_control_sequences() {
        assert_eq!(
            escape("<!channel> & <@U123>"),
            "&lt;!channel&gt; &amp; &lt;@U123&gt;"
        );
        assert_eq!(escape("*bold* _it_ ~s~"), "*bold* _it_ ~s~");
    }

    #[test]
    fn escaping_within_a_limit_never_splits_an_escape() {
        let text = "&".repeat(1000);
        let out = escape_within(&text, 12);
        assert_eq!(out, "&amp;&amp;…");
        assert!(out.chars().count() <= 12);
        assert_eq!(escape_within("short & sweet", 100), "short &amp; sweet");
        assert_eq!(escape_within("abc", 3), "abc");
        assert_eq!(escape_within("abcd", 3), "ab…");
    }

    #[test]
    fn truncation_keeps_text_within_the_limit() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("ab &amp; cd", 6), "ab …");
        assert_eq!(truncate("ab &lt;&gt; cd", 10), "ab &lt;…");
        // A `&` that starts no escape is text, and the cut keeps what follows it.
        assert_eq!(truncate("&&#recovery", 7), "&&#rec…");
        assert_eq!(
            truncate("AT&T answered within the hour", 12),
            "AT&T answer…"
        );
        let long = "é".repeat(4000);
        assert_eq!(
            section(&long)["text"]["text"]
                .as_str()
                .unwrap()
                .chars()
                .count(),
            SECTION_MAX
        );
    }

    #[test]
    fn a_link_button_opens_its_url() {
        let b = link_button("Open", "x_open", "https://herobot.test/a", Some("primary"));
        assert_eq!(b["url"], "https://herobot.test/a");
        assert_eq!(b["action_id"], "x_open");
        assert_eq!(b["style"], "primary");
        assert_eq!(b.get("value"), None);
    }

    #[test]
    fn a_block_quote_marks_every_line() {
        assert_eq!(block_quote("a &lt;b&gt;\nc"), ">a &lt;b&gt;\n>c");
    }

    #[test]
    fn plain_text_is_cut_by_characters_whatever_ampersands_it_holds() {
        let text = format!("R&D {}", "x".repeat(200));
        let cut = truncate_plain(&text, 10);
        assert_eq!(cut, "R&D xxxxx…");
        assert_eq!(
            header(&text)["text"]["text"]
                .as_str()
                .unwrap()
                .chars()
                .count(),
            HEADER_MAX
        );
        assert_eq!(truncate_plain("a & b", 5), "a & b");
    }
}
