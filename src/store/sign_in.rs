//! The library's sign-in state: its signing key, the links handed out (each used once) and the
//! sessions they started.
use crate::store::{Conn, Db};

use super::Writes;

/// The library's key (32 bytes), made at random the first time it is asked for. Read first, so
/// that starting (the service, or a command beside a running service) takes no write lock once
/// the key exists.
pub async fn key(db: &Db, writes: &Writes, now: i64) -> Result<[u8; 32], sqlx::Error> {
    crate::on!(db, db => {
        let read = || sqlx::query_scalar::<_, Vec<u8>>("select key from library_key where id = 1");
        let stored = match read().fetch_optional(db).await? {
            Some(stored) => stored,
            None => {
                let mut fresh = [0u8; 32];
                getrandom::getrandom(&mut fresh).expect("the operating system provides randomness");
                let mut tx = writes.begin().await?;
                crate::on!(&mut tx, tx => {
                    sqlx::query(
                        "insert into library_key (id, key, created_at) values (1, $1, $2) on conflict (id) do nothing",
                    )
                    .bind(&fresh[..])
                    .bind(now)
                    .execute(tx)
                    .await
                    .map(|_| ())
                })?;
                tx.commit().await?;
                // Another process may have made it first: the stored one is the key.
                read().fetch_one(db).await?
            }
        };
        stored
            .try_into()
            .map_err(|_| sqlx::Error::Protocol("the library key is not 32 bytes".into()))
    })
}

/// Records a sign-in link for `user`; forgets links that ended more than a day ago.
/// In the caller's transaction.
pub async fn issue_link(
    conn: &mut Conn<'_>,
    nonce: &str,
    user: &str,
    expires_at: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    crate::on!(conn, conn => {
        sqlx::query("delete from library_links where expires_at < $1")
            .bind(now - 86_400)
            .execute(&mut *conn)
            .await?;
        sqlx::query("insert into library_links (nonce, user_id, expires_at) values ($1, $2, $3)")
            .bind(nonce)
            .bind(user)
            .bind(expires_at)
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

/// Trades a sign-in link for a session, in the caller's transaction: marks the link used and
/// records the session (forgetting sessions that ended more than a day ago). False, and nothing
/// changed, if the link was used before or never issued to `user`.
pub async fn redeem(
    tx: &mut Conn<'_>,
    link_nonce: &str,
    user: &str,
    session_nonce: &str,
    session_expires_at: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    crate::on!(tx, tx => {
        let used = sqlx::query(
            "update library_links set used_at = $3 where nonce = $1 and user_id = $2 and used_at is null",
        )
        .bind(link_nonce)
        .bind(user)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("delete from library_sessions where expires_at < $1")
            .bind(now - 86_400)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into library_sessions (nonce, user_id, started_at, expires_at) values ($1, $2, $3, $4)",
        )
        .bind(session_nonce)
        .bind(user)
        .bind(now)
        .bind(session_expires_at)
        .execute(&mut *tx)
        .await?;
        Ok(true)
    })
}

/// Whether the session is open: started for `user` and not signed out.
pub async fn session_open(db: &Db, nonce: &str, user: &str) -> Result<bool, sqlx::Error> {
    crate::on!(db, db => {
        let open: Option<i64> = sqlx::query_scalar(
            "select cast(1 as bigint) from library_sessions where nonce = $1 and user_id = $2 and ended_at is null",
        )
        .bind(nonce)
        .bind(user)
        .fetch_optional(db)
        .await?;
        Ok(open.is_some())
    })
}

/// Ends a session for good (signing out).
pub async fn end_session(conn: &mut Conn<'_>, nonce: &str, now: i64) -> Result<(), sqlx::Error> {
    crate::on!(conn, conn => {
        sqlx::query("update library_sessions set ended_at = $2 where nonce = $1 and ended_at is null")
            .bind(nonce)
            .bind(now)
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Forgets sign-in links used or expired, and sessions ended or expired, before `before` (unix
/// seconds). Safe at any time: a link or session that is not found is refused, as a used link
/// or an ended session is. Returns how many rows were forgotten.
pub async fn forget_before(conn: &mut Conn<'_>, before: i64) -> Result<u64, sqlx::Error> {
    crate::on!(conn, conn => {
        let links = sqlx::query("delete from library_links where coalesce(used_at, expires_at) < $1")
            .bind(before)
            .execute(&mut *conn)
            .await?;
        let sessions =
            sqlx::query("delete from library_sessions where ended_at < $1 or expires_at < $1")
                .bind(before)
                .execute(&mut *conn)
                .await?;
        Ok(links.rows_affected() + sessions.rows_affected())
    })
}
