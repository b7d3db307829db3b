//! Properties over any input: the parsers and escapers never panic, escaped user text never
//! becomes a Slack control sequence, and truncation never splits an escape or a character.
use herobot::domain::UserId;
use herobot::domain::command::{Command, parse};
use herobot::domain::nomination::{MAX_HEROES, MAX_REASON, MAX_TAGS};
use herobot::domain::text::{Piece, pieces, unescape};
use herobot::slack::blocks::{block_quote, escape, escape_within, truncate, truncate_plain};
use herobot::slack::payload::{EventEnvelope, Interaction, InteractionForm, SlashCommand, Values};
use herobot::slack::signature::{MAX_SKEW_SECS, sign, verify_at};
use proptest::prelude::*;

/// Pieces of text that Slack's grammar and ours give meaning to, mixed with arbitrary text.
fn slack_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<@U0ALICE>".to_owned()),
        Just("<@W0BOB|bob>".to_owned()),
        Just("<!channel>".to_owned()),
        Just("<!here>".to_owned()),
        Just("<!subteam^S0TEAM|@support>".to_owned()),
        Just("<#C0GENERAL|general>".to_owned()),
        Just("<http://evil.example|the doc>".to_owned()),
        Just("<mailto:a@b.io|a@b.io>".to_owned()),
        Just("&amp;".to_owned()),
        Just("&lt;".to_owned()),
        Just("&gt;".to_owned()),
        Just("&".to_owned()),
        Just("<".to_owned()),
        Just(">".to_owned()),
        Just("|".to_owned()),
        Just("@alice".to_owned()),
        Just("#recovery".to_owned()),
        Just("#external".to_owned()),
        Just("#internal".to_owned()),
        Just("#billing".to_owned()),
        Just(" and ".to_owned()),
        Just(", ".to_owned()),
        Just("for fixing the invoices overnight".to_owned()),
        Just("help".to_owned()),
        Just("find".to_owned()),
        Just("profile".to_owned()),
        Just("top".to_owned()),
        Just("digest".to_owned()),
        Just(" ".to_owned()),
        Just("\n".to_owned()),
        Just("é".to_owned()),
        Just("👩‍🚒".to_owned()),
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|parts| parts.concat())
}

/// Any text: arbitrary Unicode or text built from Slack's own sequences.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), slack_text()]
}

/// Every `&` in `s` starts one of Slack's three escapes.
fn only_whole_escapes(s: &str) -> bool {
    s.match_indices('&').all(|(i, _)| {
        ["&amp;", "&lt;", "&gt;"]
            .iter()
            .any(|e| s[i..].starts_with(e))
    })
}

/// The escape of every prefix of `s`'s characters, shortest first.
fn escaped_prefixes(s: &str) -> Vec<String> {
    let mut prefixes = vec![String::new()];
    let mut done = String::new();
    for c in s.chars() {
        done.push_str(&escape(&c.to_string()));
        prefixes.push(done.clone());
    }
    prefixes
}

proptest! {
    #[test]
    fn the_hero_grammar_never_panics_and_nominations_keep_their_rules(
        text in any_text(),
        min_reason in 0usize..40,
    ) {
        let me = UserId::parse("U0ME").unwrap();
        if let Ok(Command::Nominate(n)) = parse(&text, &me, min_reason) {
            prop_assert!(!n.heroes.is_empty() && n.heroes.len() <= MAX_HEROES, "{text:?}");
            prop_assert!(n.heroes.iter().any(|h| *h != me), "{text:?}");
            let len = n.reason.as_str().chars().count();
            prop_assert!(len >= min_reason && len <= MAX_REASON, "{text:?}");
            prop_assert!(n.tags.len() <= MAX_TAGS, "{text:?}");
        }
    }

    #[test]
    fn reading_slack_text_never_panics_nor_yields_empty_typed_text(text in any_text()) {
        for piece in pieces(&text) {
            if let Piece::Typed(typed) = piece {
                prop_assert!(!typed.is_empty());
            }
        }
        let _ = unescape(&text);
    }

    #[test]
    fn escaped_text_reads_back_as_exactly_what_was_typed(text in any_text()) {
        let escaped = escape(&text);
        prop_assert!(!escaped.contains(['<', '>']), "{escaped:?}");
        prop_assert!(only_whole_escapes(&escaped), "{escaped:?}");
        prop_assert_eq!(unescape(&escaped), text.clone());
        // Slack's reading of the escaped text, as far as our own reader mirrors it: no mention,
        // broadcast, channel or link, only the typed text.
        let read = pieces(&escaped);
        if text.is_empty() {
            prop_assert!(read.is_empty());
        } else {
            prop_assert_eq!(read, vec![Piece::Typed(text)]);
        }
    }

    #[test]
    fn a_block_quote_of_escaped_text_holds_no_control_sequence(text in any_text()) {
        let quoted = block_quote(&escape(&text));
        for line in quoted.lines() {
            let body = line.strip_prefix('>').unwrap_or(line);
            prop_assert!(!body.contains(['<', '>']), "{quoted:?}");
            prop_assert!(only_whole_escapes(body), "{quoted:?}");
        }
    }

    #[test]
    fn escaping_within_a_limit_cuts_only_between_escaped_characters(
        text in any_text(),
        max in 1usize..80,
    ) {
        let out = escape_within(&text, max);
        prop_assert!(out.chars().count() <= max, "{out:?} is over {max}");
        prop_assert!(!out.contains(['<', '>']));
        let full = escape(&text);
        if out == full {
            return Ok(());
        }
        let kept = out.strip_suffix('…').expect("a cut ends in …");
        prop_assert!(only_whole_escapes(kept), "{kept:?}");
        // What is kept is the escape of a prefix of the characters typed, so no character
        // and no escape was split.
        prop_assert!(escaped_prefixes(&text).iter().any(|p| p == kept), "{kept:?}");
        // And nothing more would have fitted than at most one escape.
        prop_assert!(kept.chars().count() + 1 + 4 >= max, "{out:?} for {max}");
    }

    #[test]
    fn truncating_escaped_text_never_splits_an_escape_or_a_character(
        text in any_text(),
        max in 1usize..80,
    ) {
        let escaped = escape(&text);
        let out = truncate(&escaped, max);
        prop_assert!(out.chars().count() <= max, "{out:?} is over {max}");
        if out == escaped {
            return Ok(());
        }
        let kept = out.strip_suffix('…').expect("a cut ends in …");
        prop_assert!(escaped_prefixes(&text).iter().any(|p| p == kept), "{kept:?}");
        prop_assert!(kept.chars().count() + 1 + 4 >= max, "{out:?} for {max}");
    }

    #[test]
    fn truncating_any_text_keeps_a_prefix_and_drops_at_most_a_partial_escape(
        text in any_text(),
        max in 1usize..80,
    ) {
        let out = truncate(&text, max);
        prop_assert!(out.chars().count() <= max, "{out:?} is over {max}");
        if out == text {
            return Ok(());
        }
        let kept = out.strip_suffix('…').expect("a cut ends in …");
        prop_assert!(text.starts_with(kept));
        // Only the start of an escape that would not fit may go, never more.
        prop_assert!(kept.chars().count() + 1 + 4 >= max, "{text:?} cut to {out:?} for {max}");
    }

    #[test]
    fn plain_text_is_cut_exactly_at_the_limit_and_never_inside_a_character(
        text in any_text(),
        max in 1usize..80,
    ) {
        let out = truncate_plain(&text, max);
        prop_assert!(out.chars().count() <= max, "{out:?} is over {max}");
        if out != text {
            let kept = out.strip_suffix('…').expect("a cut ends in …");
            prop_assert!(text.starts_with(kept));
            prop_assert_eq!(kept.chars().count(), max - 1, "{:?} cut to {:?}", text, out);
        }
    }

    #[test]
    fn the_signature_check_never_panics_on_any_header(
        timestamp in prop_oneof![any::<String>(), any::<i64>().prop_map(|t| t.to_string())],
        signature in prop_oneof![
            any::<String>(),
            prop::collection::vec(any::<u8>(), 0..40).prop_map(|b| format!("v0={}", hex(&b))),
        ],
        body in prop::collection::vec(any::<u8>(), 0..256),
        now in any::<i64>(),
    ) {
        prop_assert!(verify_at(b"secret", &timestamp, &signature, &body, now).is_err());
    }

    #[test]
    fn a_signed_body_verifies_within_the_window_and_any_change_is_refused(
        body in prop::collection::vec(any::<u8>(), 0..256),
        ts in any::<i64>(),
        skew in -MAX_SKEW_SECS..=MAX_SKEW_SECS,
        flip in any::<prop::sample::Index>(),
    ) {
        let timestamp = ts.to_string();
        let signature = sign(b"secret", &timestamp, &body);
        let now = ts.checked_add(skew).unwrap_or(ts);
        prop_assert_eq!(verify_at(b"secret", &timestamp, &signature, &body, now), Ok(()));
        if !body.is_empty() {
            let mut changed = body.clone();
            changed[flip.index(body.len())] ^= 1;
            prop_assert!(verify_at(b"secret", &timestamp, &signature, &changed, now).is_err());
        }
        prop_assert!(verify_at(b"another", &timestamp, &signature, &body, now).is_err());
    }

    #[test]
    fn form_and_payload_decoding_never_panics(body in form_body()) {
        let _ = serde_urlencoded::from_bytes::<SlashCommand>(body.as_bytes());
        let _ = serde_json::from_str::<EventEnvelope>(&body);
        if let Ok(form) = serde_urlencoded::from_bytes::<InteractionForm>(body.as_bytes())
            && let Ok(Interaction::ViewSubmission(submission)) =
                serde_json::from_str::<Interaction>(&form.payload)
        {
            let values = Values(&submission.view.state.values);
            for block in submission.view.state.values.keys() {
                let _ = (values.text(block), values.users(block));
                let _ = (values.option(block), values.date_time(block));
            }
        }
    }
}

/// Lowercase hex, as Slack writes signatures.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A form body: arbitrary text, or a `payload=` carrying an interaction with arbitrary values.
fn form_body() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just(serde_json::Value::Null),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
        prop::collection::vec(any::<String>(), 0..3).prop_map(serde_json::Value::from),
    ];
    let element = (value.clone(), value.clone(), value).prop_map(|(v, users, when)| {
        serde_json::json!({"input": {"value": v, "selected_users": users,
            "selected_option": {"value": v}, "selected_date_time": when}})
    });
    let interaction = (
        prop_oneof![
            Just("view_submission"),
            Just("block_actions"),
            Just("message_action"),
            Just("view_closed"),
            Just("shortcut"),
        ],
        prop::collection::btree_map(any::<String>(), element, 0..4),
        any::<String>(),
    )
        .prop_map(|(kind, values, text)| {
            let payload = serde_json::json!({
                "type": kind,
                "user": {"id": "U0ALICE"},
                "team": null,
                "view": {"callback_id": text, "state": {"values": values}},
                "actions": [{"action_id": text, "value": text}],
                "message": {"text": text},
            });
            serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap()
        });
    prop_oneof![
        any::<String>(),
        slack_text().prop_map(|text| format!("user_id=U0ALICE&text={text}")),
        any::<String>().prop_map(|s| format!("payload={s}")),
        interaction,
    ]
}
