//! Allowances kept in the database (`rate_limits`), so a limit holds whichever replica a request
//! reaches: a generic cell rate algorithm, one row per key, taken in one statement.
use crate::store::db::Exec;

/// What a key may do: `burst` at once, then one every `interval_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    pub interval_ms: i64,
    pub burst: i64,
}

/// Takes one of `key`'s allowance at `now_ms`; false, changing nothing, when it is used up.
pub async fn take(
    db: impl Into<Exec<'_>>,
    key: &str,
    allowance: Allowance,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        // The next arrival is due at the later of the stored one and now, plus one interval; it
        // is allowed while that is within the burst of now.
        let sql = ENGINE.pick(
            "insert into rate_limits (key, tat_ms) values ($1, $2 + $3)
             on conflict (key) do update set tat_ms = max(rate_limits.tat_ms, $2) + $3
             where max(rate_limits.tat_ms, $2) + $3 - $2 <= $4
             returning tat_ms",
            "insert into rate_limits (key, tat_ms) values ($1, $2 + $3)
             on conflict (key) do update set tat_ms = greatest(rate_limits.tat_ms, $2) + $3
             where greatest(rate_limits.tat_ms, $2) + $3 - $2 <= $4
             returning tat_ms",
        );
        let taken: Option<i64> = sqlx::query_scalar(sql)
            .bind(key)
            .bind(now_ms)
            .bind(allowance.interval_ms)
            .bind(allowance.interval_ms * allowance.burst)
            .fetch_optional(db)
            .await?;
        Ok(taken.is_some())
    })
}

/// Forgets allowances that are whole again (their time is past): retention's sweep.
pub async fn forget_full(db: impl Into<Exec<'_>>, now_ms: i64) -> Result<u64, sqlx::Error> {
    crate::on_any!(db, db => {
        let done = sqlx::query("delete from rate_limits where tat_ms < $1")
            .bind(now_ms)
            .execute(db)
            .await?;
        Ok(done.rows_affected())
    })
}
