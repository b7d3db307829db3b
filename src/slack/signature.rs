//! Slack's v0 request signatures: HMAC-SHA256 over `v0:{timestamp}:{raw body}`, checked in
//! constant time within a five-minute window, with the clock passed in.
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a request's timestamp may be from our clock, in either direction.
pub const MAX_SKEW_SECS: i64 = 300;

/// Why a request was refused. Deliberately says nothing about what was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("missing or malformed X-Slack-Request-Timestamp")]
    BadTimestamp,
    #[error("request timestamp outside the five-minute window")]
    Stale,
    #[error("missing or malformed X-Slack-Signature")]
    BadSignature,
    #[error("signature does not match")]
    Mismatch,
}

/// Reads an `X-Slack-Request-Timestamp` header value and checks that it is within five minutes of
/// `now` (unix seconds). Needs no body, so a request can be refused before its body is read.
pub fn check_timestamp(timestamp: &str, now: i64) -> Result<i64, SignatureError> {
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    // Checked: a forged timestamp near i64::MIN must not overflow.
    match now.checked_sub(ts) {
        Some(skew) if skew.unsigned_abs() <= MAX_SKEW_SECS.unsigned_abs() => Ok(ts),
        _ => Err(SignatureError::Stale),
    }
}

/// Checks the `X-Slack-Request-Timestamp` and `X-Slack-Signature` header values of a request
/// whose raw body is `body`, as of `now` (unix seconds).
pub fn verify_at(
    secret: &[u8],
    timestamp: &str,
    signature: &str,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    check_timestamp(timestamp, now)?;
    let given = signature
        .trim()
        .strip_prefix("v0=")
        .and_then(|hex_sig| hex::decode(hex_sig).ok())
        .filter(|bytes| bytes.len() == 32)
        .ok_or(SignatureError::BadSignature)?;
    // `verify_slice` compares in constant time.
    mac(secret, timestamp.trim(), body)
        .verify_slice(&given)
        .map_err(|_| SignatureError::Mismatch)
}

/// The signature Slack would send for `body` at `timestamp`; used by tests and the benchmark.
pub fn sign(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    format!(
        "v0={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

fn mac(secret: &[u8], timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    // Slack's documented example (docs.slack.dev, "Verifying requests from Slack").
    const SECRET: &[u8] = b"8f742231b10e8888abcd99yyyzzz85a5";
    const TS: &str = "1531420618";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    const NOW: i64 = 1531420618;

    #[test]
    fn slacks_documented_example_verifies() {
        assert_eq!(verify_at(SECRET, TS, SIG, BODY.as_bytes(), NOW), Ok(()));
        assert_eq!(sign(SECRET, TS, BODY.as_bytes()), SIG);
    }

    #[test]
    fn a_timestamp_within_five_minutes_either_way_is_accepted() {
        for now in [NOW + 299, NOW + 300, NOW - 299, NOW - 300] {
            assert_eq!(
                verify_at(SECRET, TS, SIG, BODY.as_bytes(), now),
                Ok(()),
                "now = {now}"
            );
        }
    }

    #[test]
    fn a_timestamp_more_than_five_minutes_away_is_refused() {
        for now in [NOW + 301, NOW - 301, NOW + 86_400] {
            assert_eq!(
                verify_at(SECRET, TS, SIG, BODY.as_bytes(), now),
                Err(SignatureError::Stale)
            );
        }
    }

    #[test]
    fn extreme_timestamps_are_stale_not_a_panic() {
        for ts in [i64::MIN.to_string(), i64::MAX.to_string(), "-1".into()] {
            assert_eq!(
                check_timestamp(&ts, NOW),
                Err(SignatureError::Stale),
                "{ts}"
            );
        }
        assert_eq!(check_timestamp(" 1531420618 ", NOW), Ok(NOW));
    }

    #[test]
    fn a_changed_body_secret_or_timestamp_is_refused() {
        let tampered = BODY.replace("roadrunner", "coyote");
        assert_eq!(
            verify_at(SECRET, TS, SIG, tampered.as_bytes(), NOW),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_at(b"another-secret", TS, SIG, BODY.as_bytes(), NOW),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_at(SECRET, "1531420619", SIG, BODY.as_bytes(), NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn malformed_headers_are_refused() {
        let body = BODY.as_bytes();
        assert_eq!(
            verify_at(SECRET, "", SIG, body, NOW),
            Err(SignatureError::BadTimestamp)
        );
        assert_eq!(
            verify_at(SECRET, "soon", SIG, body, NOW),
            Err(SignatureError::BadTimestamp)
        );
        for sig in [
            "",
            "a2114d57",
            "v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
            "v0=zz",
            "v0=a2114d",
        ] {
            assert_eq!(
                verify_at(SECRET, TS, sig, body, NOW),
                Err(SignatureError::BadSignature),
                "{sig}"
            );
        }
    }

    #[test]
    fn the_error_never_carries_the_expected_signature() {
        let err = verify_at(
            SECRET,
            TS,
            "v0=0000000000000000000000000000000000000000000000000000000000000000",
            BODY.as_bytes(),
            NOW,
        )
        .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("a2114d57"), "{shown}");
    }
}
