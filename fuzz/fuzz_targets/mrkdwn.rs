//! mrkdwn escaping and truncation: no control sequence survives escaping, and a cut never
//! splits an escape or a character, nor goes over the limit.
#![no_main]
use herobot::domain::text::unescape;
use herobot::slack::blocks::{block_quote, escape, escape_within, truncate, truncate_plain};
use libfuzzer_sys::fuzz_target;

fn only_whole_escapes(s: &str) -> bool {
    s.match_indices('&').all(|(i, _)| {
        ["&amp;", "&lt;", "&gt;"]
            .iter()
            .any(|e| s[i..].starts_with(e))
    })
}

/// `kept` is the escape of some prefix of `text`'s characters.
fn is_escaped_prefix(text: &str, kept: &str) -> bool {
    let mut done = String::new();
    if kept.is_empty() {
        return true;
    }
    for c in text.chars() {
        done.push_str(&escape(&c.to_string()));
        if done.len() >= kept.len() {
            return done == kept;
        }
    }
    false
}

fuzz_target!(|input: (u8, &str)| {
    let (max, text) = input;
    let max = usize::from(max).max(1);
    let escaped = escape(text);
    assert!(!escaped.contains(['<', '>']), "{text:?}");
    assert!(only_whole_escapes(&escaped), "{text:?}");
    assert_eq!(unescape(&escaped), text);
    for line in block_quote(&escaped).lines() {
        let body = line.strip_prefix('>').unwrap_or(line);
        assert!(
            !body.contains(['<', '>']) && only_whole_escapes(body),
            "{text:?}"
        );
    }
    for out in [escape_within(text, max), truncate(&escaped, max)] {
        assert!(out.chars().count() <= max, "{text:?} at {max}: {out:?}");
        if out != escaped {
            let kept = out.strip_suffix('…').expect("a cut ends in …");
            assert!(is_escaped_prefix(text, kept), "{text:?} at {max}: {out:?}");
            assert!(
                kept.chars().count() + 5 >= max,
                "{text:?} at {max}: {out:?}"
            );
        }
    }
    let cut = truncate(text, max);
    assert!(cut.chars().count() <= max, "{text:?} at {max}: {cut:?}");
    if cut != text {
        let kept = cut.strip_suffix('…').expect("a cut ends in …");
        assert!(text.starts_with(kept), "{text:?} at {max}: {cut:?}");
        assert!(
            kept.chars().count() + 5 >= max,
            "{text:?} at {max}: {cut:?}"
        );
    }
    let plain = truncate_plain(text, max);
    if plain != text {
        let kept = plain.strip_suffix('…').expect("a cut ends in …");
        assert!(text.starts_with(kept), "{text:?} at {max}: {plain:?}");
        assert_eq!(
            kept.chars().count(),
            max - 1,
            "{text:?} at {max}: {plain:?}"
        );
    }
});
