//! Answer links: `<story>.<made_at>.<signature>`, signed per story with the library's key, so
//! a link names one story, cannot be guessed from another, and closes 28 days after it was made.
use subtle::ConstantTimeEq;

use crate::domain::answer::open_until;
use crate::library::access::Key;

/// Bytes of signature kept in a link: 128 bits is beyond guessing, and keeps the link short.
const SIGNATURE_BYTES: usize = 16;

/// One answer link: the story it asks about and when it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub story_id: i64,
    /// Unix seconds.
    pub made_at: i64,
}

/// Why a link opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not made by this server, or altered.
    Forged,
    /// Made more than 28 days ago: the question has closed.
    Closed(Link),
}

fn signature(key: &Key, purpose: &str, link: Link) -> Vec<u8> {
    let mut mac = key.mac(&[
        purpose,
        &link.story_id.to_string(),
        &link.made_at.to_string(),
    ]);
    mac.truncate(SIGNATURE_BYTES);
    mac
}

/// The token of `link`, for its URL.
pub fn sign(key: &Key, link: Link) -> String {
    format!(
        "{}.{}.{}",
        link.story_id,
        link.made_at,
        hex::encode(signature(key, "answer", link))
    )
}

/// The link in `token`, if this server made it and it is still open at `now`.
pub fn verify(key: &Key, token: &str, now: i64) -> Result<Link, Refusal> {
    let mut parts = token.split('.');
    let (Some(story), Some(made), Some(given), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::Forged);
    };
    let (Ok(story_id), Ok(made_at)) = (story.parse::<i64>(), made.parse::<i64>()) else {
        return Err(Refusal::Forged);
    };
    let link = Link { story_id, made_at };
    let given = hex::decode(given).map_err(|_| Refusal::Forged)?;
    // Only the canonical spelling verifies: one link, one token.
    if !bool::from(given.ct_eq(&signature(key, "answer", link))) || sign(key, link) != token {
        return Err(Refusal::Forged);
    }
    if now >= open_until(made_at) {
        return Err(Refusal::Closed(link));
    }
    Ok(link)
}

/// The token the answer form carries: proof that the person pressed a button on the page this
/// server made for this story's link.
pub fn form_token(key: &Key, link: Link) -> String {
    hex::encode(signature(key, "answer-form", link))
}

/// Whether `given` is the form token of `link` (constant time).
pub fn form_ok(key: &Key, link: Link, given: &str) -> bool {
    bool::from(given.as_bytes().ct_eq(form_token(key, link).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: Link = Link {
        story_id: 7,
        made_at: 1_000,
    };

    fn key(byte: u8) -> Key {
        Key::new([byte; 32])
    }

    #[test]
    fn a_link_opens_its_story_for_28_days() {
        let token = sign(&key(1), LINK);
        assert!(token.starts_with("7.1000."));
        assert_eq!(verify(&key(1), &token, 1_000), Ok(LINK));
        let closes = 1_000 + 28 * 86_400;
        assert_eq!(verify(&key(1), &token, closes - 1), Ok(LINK));
        assert_eq!(verify(&key(1), &token, closes), Err(Refusal::Closed(LINK)));
    }

    #[test]
    fn another_story_another_time_another_key_or_junk_is_forged() {
        let token = sign(&key(1), LINK);
        let other_story = token.replacen("7.", "8.", 1);
        let later = token.replacen(".1000.", ".999999.", 1);
        for forged in [
            other_story,
            later,
            token.to_uppercase(),
            format!("{token}.x"),
        ] {
            assert_eq!(
                verify(&key(1), &forged, 0),
                Err(Refusal::Forged),
                "{forged}"
            );
        }
        assert_eq!(verify(&key(2), &token, 0), Err(Refusal::Forged));
        for junk in ["", "7", "7.1000", "a.b.c", "7.1000.zz"] {
            assert_eq!(verify(&key(1), junk, 0), Err(Refusal::Forged));
        }
    }

    #[test]
    fn a_form_token_belongs_to_one_link() {
        let token = form_token(&key(1), LINK);
        assert!(form_ok(&key(1), LINK, &token));
        let other = Link {
            story_id: 8,
            ..LINK
        };
        assert!(!form_ok(&key(1), other, &token));
        assert!(!form_ok(&key(1), LINK, ""));
        assert_ne!(token, sign(&key(1), LINK).rsplit('.').next().unwrap());
    }
}
