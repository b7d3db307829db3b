//! Forgotten people: the placeholder ID that stands for a person erased by `herobot forget`, how
//! it reads ("a former colleague"), and the rewriting of mentions of them in stored text.

/// How a forgotten person, and any text they wrote alone, reads everywhere.
pub const FORMER_COLLEAGUE: &str = "a former colleague";

/// Every placeholder starts so; no Slack user ID does (Slack's are `U` or `W` and a short code).
pub const PREFIX: &str = "UFORGOTTEN";

/// The placeholder for one forgotten person, from 40 random bits: unique per person, so counts
/// of distinct heroes stay right, and unrelated to the ID it replaces.
pub fn placeholder(random: u64) -> String {
    format!("{PREFIX}{:010X}", random & 0xFF_FFFF_FFFF)
}

/// Whether `user` is a forgotten person's placeholder.
pub fn is_placeholder(user: &str) -> bool {
    user.starts_with(PREFIX)
}

fn is_id_char(c: u8) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

/// `text` with every appearance of `user` replaced by `placeholder`: a mention `<@USER>` or
/// `<@USER|name>` becomes `<@PLACEHOLDER>` (the name goes too), and the bare ID (in a column of
/// its own, a JSON field, a lane) becomes the placeholder. An ID that merely starts or ends with
/// `user` is left alone.
pub fn rewrite(text: &str, user: &str, placeholder: &str) -> String {
    if user.is_empty() {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(found) = text[i..].find(user) {
        let at = i + found;
        let end = at + user.len();
        let whole = (at == 0 || !is_id_char(bytes[at - 1]))
            && (end == bytes.len() || !is_id_char(bytes[end]));
        out.push_str(&text[i..at]);
        if !whole {
            out.push_str(user);
            i = end;
            continue;
        }
        out.push_str(placeholder);
        i = end;
        // `<@USER|name>`: the name the mention carried goes with the ID.
        if text[..at].ends_with("<@")
            && bytes.get(end) == Some(&b'|')
            && let Some(close) = text[end..].find('>')
        {
            i = end + close;
        }
    }
    out.push_str(&text[i..]);
    out
}

/// `text` as people read it: each mention of a forgotten person (`<@UFORGOTTEN…>`, or the bare
/// placeholder) reads "a former colleague".
pub fn readable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(PREFIX) {
        let tail = &rest[at + PREFIX.len()..];
        let code = tail.bytes().take_while(|b| is_id_char(*b)).count();
        let mention = rest[..at].ends_with("<@") && tail[code..].starts_with('>');
        let (keep, skip) = if mention {
            (at - 2, code + 1)
        } else {
            (at, code)
        };
        out.push_str(&rest[..keep]);
        out.push_str(FORMER_COLLEAGUE);
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "UFORGOTTEN00000000AB";

    #[test]
    fn mentions_bare_ids_and_named_mentions_are_rewritten_and_longer_ids_are_not() {
        assert_eq!(
            rewrite("thanks <@U0ANA> and <@U0ANA|ana>, cc <@U0ANAB>", "U0ANA", P),
            format!("thanks <@{P}> and <@{P}>, cc <@U0ANAB>")
        );
        assert_eq!(rewrite("U0ANA", "U0ANA", P), P);
        assert_eq!(
            rewrite(r#"{"user_id":"U0ANA","x":"XU0ANA"}"#, "U0ANA", P),
            format!(r#"{{"user_id":"{P}","x":"XU0ANA"}}"#)
        );
        assert_eq!(rewrite("nothing here", "U0ANA", P), "nothing here");
        assert_eq!(
            rewrite("ünïcode <@U0ANA>!", "U0ANA", P),
            format!("ünïcode <@{P}>!")
        );
    }

    #[test]
    fn a_placeholder_is_a_valid_user_id_and_reads_as_a_former_colleague() {
        let p = placeholder(u64::MAX);
        assert_eq!(p, "UFORGOTTENFFFFFFFFFF");
        assert!(crate::domain::UserId::parse(&p).is_some());
        assert!(is_placeholder(&p));
        assert!(!is_placeholder("U0ANA"));
        assert_eq!(
            readable(&format!("thanks <@{p}> and <@U0BEN>, and {p}.")),
            "thanks a former colleague and <@U0BEN>, and a former colleague."
        );
    }
}
