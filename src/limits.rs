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

/// How many nominations and stories each person may make an hour, replenished evenly.
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

    /// Counts one for `person`; `OverLimit` if they are over the limit.
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
