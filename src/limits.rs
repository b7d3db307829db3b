//! The per-person limit on nominations, stories and action items: generous for anyone
//! recognising colleagues, a wall for a script or a hand that slipped (a burst of DMs to the same
//! heroes). The actions say it in words (`actions::Refused` from `OverLimit`).
use std::num::NonZeroU32;

use governor::{Quota, RateLimiter};

use crate::domain::UserId;

/// Keyed by the person's ID itself: checking costs no copy of it.
type Keyed = RateLimiter<
    UserId,
    governor::state::keyed::HashMapStateStore<UserId>,
    governor::clock::DefaultClock,
>;

/// People whose limiter state is kept before idle ones are forgotten.
const REMEMBERED: usize = 10_000;

/// How many nominations and stories each person may make an hour, replenished evenly. One
/// SQLite process counts in memory; on PostgreSQL, where replicas share the work, the count is
/// kept in the database (`store::limits`), so the limit holds whichever replica a request reaches.
pub struct HourlyLimit {
    per_hour: u32,
    limiter: Option<Keyed>,
}

impl HourlyLimit {
    /// `per_hour` of 0 turns the limit off.
    pub fn new(per_hour: u32) -> Self {
        Self {
            per_hour,
            limiter: NonZeroU32::new(per_hour).map(|n| RateLimiter::hashmap(Quota::per_hour(n))),
        }
    }

    /// How many an hour each person may make (0: no limit).
    pub fn per_hour(&self) -> u32 {
        self.per_hour
    }

    /// Counts one for `person` where this engine keeps the count: in memory on SQLite, in the
    /// database on PostgreSQL. `OverLimit` if they are over the limit.
    pub async fn take(
        &self,
        writes: &crate::store::Writes,
        person: &UserId,
        now_ms: i64,
    ) -> Result<Result<(), OverLimit>, sqlx::Error> {
        if self.limiter.is_none() || writes.backend() == crate::store::Backend::Sqlite {
            return Ok(self.check(person));
        }
        let allowance = crate::store::limits::Allowance {
            interval_ms: 3_600_000 / i64::from(self.per_hour),
            burst: i64::from(self.per_hour),
        };
        let key = format!("hourly:{}", person.as_str());
        let taken = writes.take_allowance(&key, allowance, now_ms).await?;
        Ok(if taken {
            Ok(())
        } else {
            Err(OverLimit {
                per_hour: self.per_hour,
            })
        })
    }

    /// Counts one for `person` in memory; `OverLimit` if they are over the limit.
    pub fn check(&self, person: &UserId) -> Result<(), OverLimit> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if limiter.len() > REMEMBERED {
            limiter.retain_recent();
        }
        limiter.check_key(person).map_err(|_| OverLimit {
            per_hour: self.per_hour,
        })
    }
}

/// A person reached the hourly limit: this many nominations and stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverLimit {
    pub per_hour: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_over_the_limit_is_refused_and_others_are_not() {
        let limit = HourlyLimit::new(3);
        let (alice, bob) = (
            UserId::parse("U0ALICE").unwrap(),
            UserId::parse("U0BOB").unwrap(),
        );
        for _ in 0..3 {
            assert!(limit.check(&alice).is_ok());
        }
        assert_eq!(limit.check(&alice), Err(OverLimit { per_hour: 3 }));
        assert!(limit.check(&bob).is_ok());
        let off = HourlyLimit::new(0);
        assert!((0..100).all(|_| off.check(&alice).is_ok()));
    }
}
