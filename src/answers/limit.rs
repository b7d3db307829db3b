//! How often one client address may have answers recorded: a burst of 20, then one every 3
//! seconds (20 a minute), kept in memory. Only recorded answers count (a forged link or an
//! unchanged answer charges nothing), so no one can use up another client's allowance. Behind a
//! reverse proxy that is not trusted, every customer shares its address, so the limit is
//! generous; the per-link limit is the one that binds a single customer.
use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Answers one address may send within a minute.
pub const PER_MINUTE: u32 = 20;
/// Addresses remembered before the ones with a full allowance again are forgotten.
const REMEMBERED: usize = 10_000;

pub struct AddressLimit(DefaultKeyedRateLimiter<IpAddr>);

impl AddressLimit {
    pub fn new() -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(PER_MINUTE).expect("not zero"));
        Self(RateLimiter::keyed(quota))
    }

    /// Whether `address` may have one more answer recorded now (and counts it).
    pub fn allow(&self, address: IpAddr) -> bool {
        if self.0.len() > REMEMBERED {
            self.0.retain_recent();
        }
        self.0.check_key(&address).is_ok()
    }
}

impl Default for AddressLimit {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_minute_s_answers_and_no_more() {
        let limit = AddressLimit::new();
        let one: IpAddr = [192, 0, 2, 1].into();
        let two: IpAddr = [192, 0, 2, 2].into();
        for _ in 0..PER_MINUTE {
            assert!(limit.allow(one));
        }
        assert!(!limit.allow(one));
        assert!(limit.allow(two), "another address has its own allowance");
    }
}
