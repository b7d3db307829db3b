//! Who may read the library: signed sign-in links and session cookies, and the CSRF token that
//! ties a form to its session. Pure functions of a key and a clock.
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How long a sign-in link from `/hero library` works.
pub const LINK_SECS: i64 = 15 * 60;
/// How long a library session lasts.
pub const SESSION_SECS: i64 = 12 * 60 * 60;

/// The secret that signs links, sessions and CSRF tokens (kept in the database).
#[derive(Clone)]
pub struct Key([u8; 32]);

impl Key {
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub(crate) fn mac(&self, parts: &[&str]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        for part in parts {
            mac.update(part.as_bytes());
            mac.update(b"\n");
        }
        mac.finalize().into_bytes().to_vec()
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

/// What a link or a session grants: `user` may read the library until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub user: String,
    /// Unix seconds.
    pub expires_at: i64,
    /// Random, hex: names the link (so it is used once) or the session (its CSRF token).
    pub nonce: String,
}

/// A sign-in link's token or a session cookie's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Link,
    Session,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::Session => "session",
        }
    }
}

/// Why a token grants nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not made by this server (or altered, or of the other kind).
    Forged,
    Expired,
}

/// `user.expires_at.nonce.signature`: only URL- and cookie-safe characters.
pub fn sign(key: &Key, kind: Kind, grant: &Grant) -> String {
    let expires = grant.expires_at.to_string();
    let signature = key.mac(&[kind.label(), &grant.user, &expires, &grant.nonce]);
    format!(
        "{}.{expires}.{}.{}",
        grant.user,
        grant.nonce,
        hex::encode(signature)
    )
}

/// The grant in `token`, if this server signed it for `kind` and it has not expired at `now`.
pub fn verify(key: &Key, kind: Kind, token: &str, now: i64) -> Result<Grant, Refusal> {
    let mut parts = token.trim().split('.');
    let (Some(user), Some(expires), Some(nonce), Some(signature), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(Refusal::Forged);
    };
    let given = hex::decode(signature).map_err(|_| Refusal::Forged)?;
    let expected = key.mac(&[kind.label(), user, expires, nonce]);
    if !bool::from(given.ct_eq(&expected)) {
        return Err(Refusal::Forged);
    }
    let expires_at: i64 = expires.parse().map_err(|_| Refusal::Forged)?;
    if now >= expires_at {
        return Err(Refusal::Expired);
    }
    Ok(Grant {
        user: user.to_owned(),
        expires_at,
        nonce: nonce.to_owned(),
    })
}

/// The CSRF token of the session named by `session_nonce`: forms carry it, posts must match it.
pub fn csrf_token(key: &Key, session_nonce: &str) -> String {
    hex::encode(key.mac(&["csrf", session_nonce]))
}

/// Whether `given` is the CSRF token of the session (constant time).
pub fn csrf_ok(key: &Key, session_nonce: &str, given: &str) -> bool {
    bool::from(
        given
            .as_bytes()
            .ct_eq(csrf_token(key, session_nonce).as_bytes()),
    )
}

/// 16 random bytes from the operating system, as hex.
pub fn nonce() -> String {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).expect("the operating system provides randomness");
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Key {
        Key::new([byte; 32])
    }

    fn grant() -> Grant {
        Grant {
            user: "U0LEADER".into(),
            expires_at: 1_000,
            nonce: "00ff".into(),
        }
    }

    #[test]
    fn a_signed_token_verifies_until_it_expires() {
        let token = sign(&key(1), Kind::Link, &grant());
        assert_eq!(verify(&key(1), Kind::Link, &token, 999), Ok(grant()));
        assert_eq!(
            verify(&key(1), Kind::Link, &token, 1_000),
            Err(Refusal::Expired)
        );
    }

    #[test]
    fn another_key_another_kind_or_any_change_is_forged() {
        let token = sign(&key(1), Kind::Link, &grant());
        assert_eq!(verify(&key(2), Kind::Link, &token, 0), Err(Refusal::Forged));
        assert_eq!(
            verify(&key(1), Kind::Session, &token, 0),
            Err(Refusal::Forged)
        );
        let longer = token.replacen(".1000.", ".9999999999.", 1);
        assert_eq!(
            verify(&key(1), Kind::Link, &longer, 0),
            Err(Refusal::Forged)
        );
        let someone_else = token.replacen("U0LEADER", "U0OTHER", 1);
        assert_eq!(
            verify(&key(1), Kind::Link, &someone_else, 0),
            Err(Refusal::Forged)
        );
        for junk in ["", "a.b.c", "a.b.c.d.e", "U.1.n.zz"] {
            assert_eq!(verify(&key(1), Kind::Link, junk, 0), Err(Refusal::Forged));
        }
    }

    #[test]
    fn csrf_tokens_belong_to_one_session() {
        let token = csrf_token(&key(1), "aa");
        assert!(csrf_ok(&key(1), "aa", &token));
        assert!(!csrf_ok(&key(1), "bb", &token));
        assert!(!csrf_ok(&key(2), "aa", &token));
        assert!(!csrf_ok(&key(1), "aa", ""));
    }

    #[test]
    fn nonces_differ() {
        assert_ne!(nonce(), nonce());
        assert_eq!(nonce().len(), 32);
    }
}
