//! The `/hero` grammar: any text a person could type reads into a command or an error, and a
//! nomination it reads into keeps the rules a nomination promises.
#![no_main]
use herobot::domain::UserId;
use herobot::domain::command::{Command, parse};
use herobot::domain::nomination::{MAX_HEROES, MAX_REASON, MAX_TAGS};
use herobot::domain::text::{Piece, pieces};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u8, &str)| {
    let (min_reason, text) = input;
    let min_reason = usize::from(min_reason % 64);
    let me = UserId::parse("U0ME").expect("a valid user ID");
    for piece in pieces(text) {
        if let Piece::Typed(typed) = piece {
            assert!(!typed.is_empty(), "an empty typed piece from {text:?}");
        }
    }
    if let Ok(Command::Nominate(n)) = parse(text, &me, min_reason) {
        assert!(
            !n.heroes.is_empty() && n.heroes.len() <= MAX_HEROES,
            "{text:?}"
        );
        assert!(n.heroes.iter().any(|h| *h != me), "{text:?}");
        let len = n.reason.as_str().chars().count();
        assert!(len >= min_reason && len <= MAX_REASON, "{text:?}");
        assert_eq!(n.reason.as_str(), n.reason.as_str().trim(), "{text:?}");
        assert!(n.tags.len() <= MAX_TAGS, "{text:?}");
    }
});
