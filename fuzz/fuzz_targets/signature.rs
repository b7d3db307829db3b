//! The signature check: any headers, body and clock give an answer, never a panic; a body
//! signed with the secret verifies at its own timestamp, and not with another secret.
#![no_main]
use herobot::slack::signature::{sign, verify_at};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"8f742231b10e8888abcd99yyyzzz85a5";

fuzz_target!(|input: (i64, &str, &str, &[u8])| {
    let (now, timestamp, signature, body) = input;
    // Forged headers: whatever they hold, the answer is a refusal (the odds of guessing a
    // valid HMAC are nil).
    assert!(verify_at(SECRET, timestamp, signature, body, now).is_err());
    // A correctly signed body verifies at its own timestamp, whatever that is.
    if let Ok(ts) = timestamp.parse::<i64>()
        && timestamp == timestamp.trim()
    {
        let signed = sign(SECRET, timestamp, body);
        assert_eq!(verify_at(SECRET, timestamp, &signed, body, ts), Ok(()));
        assert!(verify_at(b"another secret", timestamp, &signed, body, ts).is_err());
        let _ = verify_at(SECRET, timestamp, &signed, body, now);
    }
});
