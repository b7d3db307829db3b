//! Reading Slack's message text: its `<…>` control sequences and its `&amp;` `&lt;` `&gt;` escapes.
use std::collections::HashMap;
use std::hash::BuildHasher;

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

/// The people `text` mentions (`<@U…>`, `<@U…|name>`), in order, each once.
pub fn mentioned(text: &str) -> Vec<UserId> {
    let mut out: Vec<UserId> = Vec::new();
    replace_mentions(text, |user| {
        if !out.contains(user) {
            out.push(user.clone());
        }
        String::new()
    });
    out
}

/// The people a story's texts mention (title, what went wrong, how it was fixed, the
/// surprise), each once.
pub fn mentioned_in_story(s: &super::Story) -> Vec<UserId> {
    let mut text = [s.title.as_str(), &s.what_went_wrong, &s.how_fixed].join("\n");
    if let Some(surprise) = &s.surprise {
        text.push('\n');
        text.push_str(surprise);
    }
    mentioned(&text)
}

/// `text` with each user mention (`<@U…>` or `<@U…|name>`) replaced by what `with` gives for
/// it; everything else is kept exactly as it is (escapes, other `<…>` sequences).
pub fn replace_mentions(text: &str, mut with: impl FnMut(&UserId) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("<@") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let user = after
            .find('>')
            .and_then(|end| match control(&after[1..end]) {
                Piece::User(user) => Some((user, end)),
                _ => None,
            });
        match user {
            Some((user, end)) => {
                out.push_str(&with(&user));
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("<@");
                rest = &after[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// What stands for a person whose name is not known: never their raw ID.
pub const SOMEONE: &str = "@someone";

/// `text` for people outside Slack (pages, exports): each mention as `@name`, with the name
/// from `names` (ID → name), or [`SOMEONE`] when it is not known; everything else as it is.
pub fn with_names<S: BuildHasher>(text: &str, names: &HashMap<String, String, S>) -> String {
    replace_mentions(text, |user| at_name(user, names))
}

/// `text` for a post in Slack that must ping nobody new: mentions of `keep` stay mentions
/// (`<@U…>`), every other one becomes `@name` (from `names`, else [`SOMEONE`]).
pub fn with_names_except<S: BuildHasher>(
    text: &str,
    names: &HashMap<String, String, S>,
    keep: &str,
) -> String {
    replace_mentions(text, |user| {
        if user.as_str() == keep {
            format!("<@{user}>")
        } else {
            at_name(user, names)
        }
    })
}

/// A message's text as a person reads it and may edit it: Slack's escapes undone, references
/// made readable, mentions as `@name` (from `names`, else [`SOMEONE`]).
pub fn readable<S: BuildHasher>(text: &str, names: &HashMap<String, String, S>) -> String {
    pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::User(user) => at_name(&user, names),
            Piece::Typed(text) | Piece::Reference(text) => text,
        })
        .collect()
}

/// `@name` for `user`, or [`SOMEONE`] when `names` does not know them (a name that is only the
/// ID again, as a failed look-up leaves it, counts as not known).
fn at_name<S: BuildHasher>(user: &UserId, names: &HashMap<String, String, S>) -> String {
    match names
        .get(user.as_str())
        .map(|n| n.trim().trim_start_matches('@'))
        .filter(|n| !n.is_empty() && *n != user.as_str())
    {
        Some(name) => format!("@{name}"),
        None => SOMEONE.to_owned(),
    }
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

    #[test]
    fn mentions_become_names_and_never_raw_ids() {
        let names = std::collections::HashMap::from([
            ("U0ZAINAB".to_owned(), "Zainab Bello".to_owned()),
            ("U0RAW".to_owned(), "U0RAW".to_owned()),
        ]);
        assert_eq!(
            with_names(
                "thanks <@U0ZAINAB> &amp; <@U0BOB|bob>, <@U0RAW>, <!channel> <@nobody <@U0ZAINAB",
                &names
            ),
            "thanks @Zainab Bello &amp; @someone, @someone, <!channel> <@nobody <@U0ZAINAB"
        );
        let ids: Vec<String> = mentioned("<@U0B> <@U0A|a> <@U0B> <#C1>")
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(ids, ["U0B", "U0A"]);
        assert_eq!(
            with_names_except("<@U0ZAINAB|z> helped <@U0A> and <@U0NEW>", &names, "U0A"),
            "@Zainab Bello helped <@U0A> and @someone"
        );
        assert_eq!(
            readable(
                "Thanks <@U0ZAINAB|zainab> &amp; <@U0NEW> in <#C1|ops>",
                &names
            ),
            "Thanks @Zainab Bello & @someone in #ops"
        );
    }
}
