//! The wallboard for an office screen: links behind random, revocable keys, and the board they
//! open (gauges, trend, latest heroes, the story of the week).
use crate::store::db::Exec;
use crate::store::{Conn, Db};
pub mod board;

use sha2::{Digest, Sha256};

use crate::store;

/// A new random key for a wallboard link (256 bits, hex).
pub fn new_key() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the operating system provides randomness");
    hex::encode(bytes)
}

/// What is stored of a key: its SHA-256, hex.
pub fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Issues a new wallboard link under `public_url`, recorded as issued by `by`.
pub async fn issue(
    db: impl Into<Exec<'_>>,
    public_url: &str,
    by: &str,
    now: i64,
) -> Result<String, sqlx::Error> {
    crate::on_any!(db, db => {
        let key = new_key();
        store::wall::issue(db, &hash(&key), by, now).await?;
        tracing::info!(by, "wallboard link issued");
        Ok(format!("{}/wall/{key}", public_url.trim_end_matches('/')))
    })
}

/// Ends every wallboard link, in the caller's transaction; how many were working.
pub async fn revoke(conn: &mut Conn<'_>, by: &str, now: i64) -> Result<u64, sqlx::Error> {
    let ended = store::wall::revoke_all(conn, now).await?;
    tracing::info!(by, ended, "wallboard links revoked");
    Ok(ended)
}

/// Whether `key` opens the wallboard: a well-formed key that was issued and not revoked.
pub async fn opens(db: &Db, key: &str) -> Result<bool, sqlx::Error> {
    if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    store::wall::valid(db, &hash(&key.to_ascii_lowercase())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_only_their_hash_is_kept() {
        let (a, b) = (new_key(), new_key());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), a);
        assert_eq!(hash(&a), hash(&a));
    }
}
