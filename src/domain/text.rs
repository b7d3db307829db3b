//! Reading Slack's message text: its `<…>` control sequences and its `&amp;` `&lt;` `&gt;` escapes.
use super::nomination::UserId;

/// A piece of text as Slack sent it, with control sequences told apart from what a person typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A user mention: `<@U…>` or `<@U…|name>`.
    User(UserId),
    /// What the person typed, Slack's escapes undone.
    Typed(String),
    /// Any other control sequence (channel, link, broadcast, user group, date) as readable text:
    /// `#general`, `label (url)`, `@here`, `@support`.
    Reference(String),
}

/// Splits Slack's text into mentions, references and typed text, merging neighbouring typed text.
pub fn pieces(input: &str) -> Vec<Piece> {
    fn typed(out: &mut Vec<Piece>, s: &str) {
        if s.is_empty() {
            return;
        }
        let s = unescape(s);
        match out.last_mut() {
            Some(Piece::Typed(prev)) => prev.push_str(&s),
            _ => out.push(Piece::Typed(s)),
        }
    }
    let mut out = Vec::new();
    let mut rest = input;
    while let Some(open) = rest.find('<') {
        typed(&mut out, &rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            typed(&mut out, &rest[open..]);
            return out;
        };
        out.push(control(&after[..close]));
        rest = &after[close + 1..];
    }
    typed(&mut out, rest);
    out
}

/// Reads the inside of one `<…>` sequence.
fn control(inner: &str) -> Piece {
    let (target, label) = match inner.split_once('|') {
        Some((t, l)) => (t, Some(unescape(l))),
        None => (inner, None),
    };
    if let Some(user) = target.strip_prefix('@').and_then(UserId::parse) {
        return Piece::User(user);
    }
    if let Some(channel) = target.strip_prefix('#') {
        return Piece::Reference(format!("#{}", label.unwrap_or_else(|| channel.to_owned())));
    }
    if let Some(special) = target.strip_prefix('!') {
        let name = special.split('^').next().unwrap_or_default();
        return Piece::Reference(match (name, label) {
            ("here" | "channel" | "everyone", _) => format!("@{name}"),
            (_, Some(label)) => label,
            ("subteam", None) => "@group".to_owned(),
            (other, None) => other.to_owned(),
        });
    }
    let url = unescape(target);
    Piece::Reference(match label {
        Some(label) if label != url && !url.starts_with("mailto:") => format!("{label} ({url})"),
        Some(label) => label,
        None => url,
    })
}

/// A list as a sentence says it: `A`, `A and B`, `A, B and C`.
pub fn listed<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// Undoes Slack's three escapes (`&amp;` last, so `&amp;lt;` stays `&lt;`).
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> Piece {
        Piece::Typed(s.to_owned())
    }

    fn reference(s: &str) -> Piece {
        Piece::Reference(s.to_owned())
    }

    fn user(s: &str) -> Piece {
        Piece::User(UserId::parse(s).unwrap())
    }

    #[test]
    fn lists_read_as_a_sentence() {
        assert_eq!(listed::<&str>(&[]), "");
        assert_eq!(listed(&["Ana"]), "Ana");
        assert_eq!(listed(&["Ana", "Bo"]), "Ana and Bo");
        assert_eq!(listed(&["Ana", "Bo", "Cy"]), "Ana, Bo and Cy");
    }

    #[test]
    fn mentions_with_and_without_names_are_users() {
        assert_eq!(
            pieces("<@U012ABC> and <@W0XYZ|bob> rock"),
            vec![
                user("U012ABC"),
                typed(" and "),
                user("W0XYZ"),
                typed(" rock")
            ]
        );
    }

    #[test]
    fn escapes_are_undone_once() {
        assert_eq!(
            pieces("a &lt;b&gt; &amp;lt; c"),
            vec![typed("a <b> &lt; c")]
        );
    }

    #[test]
    fn channels_links_and_broadcasts_become_readable_references() {
        assert_eq!(
            pieces("in <#C012|general> see <https://x.io/a?b=1&amp;c=2|the doc>"),
            vec![
                typed("in "),
                reference("#general"),
                typed(" see "),
                reference("the doc (https://x.io/a?b=1&c=2)")
            ]
        );
        assert_eq!(
            pieces("<!channel><!here><!subteam^S1|@support><!subteam^S2>"),
            vec![
                reference("@channel"),
                reference("@here"),
                reference("@support"),
                reference("@group")
            ]
        );
        assert_eq!(pieces("<mailto:a@b.io|a@b.io>"), vec![reference("a@b.io")]);
    }

    #[test]
    fn an_unclosed_bracket_is_kept_as_typed_text() {
        assert_eq!(pieces("a <@U012 b"), vec![typed("a <@U012 b")]);
    }

    #[test]
    fn a_malformed_user_id_is_not_a_mention() {
        assert_eq!(pieces("<@alice>"), vec![reference("@alice")]);
    }
}
