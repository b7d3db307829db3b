//! Per-lane pacing: a token bucket per channel or DM, so a burst queues instead of drawing
//! HTTP 429s and one busy channel does not hold up the others.
use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
    paused_until: Option<Instant>,
}

/// Pacing state for every lane seen.
#[derive(Debug)]
pub struct Lanes {
    burst: f64,
    interval: Duration,
    buckets: HashMap<String, Bucket>,
}

impl Lanes {
    pub fn new(burst: u32, interval: Duration) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            interval,
            buckets: HashMap::new(),
        }
    }

    /// When `lane` may send next (now, or later).
    pub fn ready_at(&self, lane: &str, now: Instant) -> Instant {
        let Some(b) = self.buckets.get(lane) else {
            return now;
        };
        let tokens = self.refill(b, now);
        let by_tokens = if tokens >= 1.0 {
            now
        } else {
            now + self.interval.mul_f64(1.0 - tokens)
        };
        b.paused_until.map_or(by_tokens, |p| p.max(by_tokens))
    }

    /// Spends one message of `lane`'s allowance.
    pub fn take(&mut self, lane: &str, now: Instant) {
        let tokens = self
            .buckets
            .get(lane)
            .map_or(self.burst, |b| self.refill(b, now));
        let paused_until = self
            .buckets
            .get(lane)
            .and_then(|b| b.paused_until)
            .filter(|p| *p > now);
        self.buckets.insert(
            lane.to_owned(),
            Bucket {
                tokens: tokens - 1.0,
                at: now,
                paused_until,
            },
        );
    }

    /// Holds `lane` back until `until` (Slack said `Retry-After`).
    pub fn pause(&mut self, lane: &str, until: Instant) {
        let b = self.buckets.entry(lane.to_owned()).or_insert(Bucket {
            tokens: 0.0,
            at: until,
            paused_until: None,
        });
        b.paused_until = Some(b.paused_until.map_or(until, |p| p.max(until)));
    }

    /// Forgets lanes that are idle and full again, so the map does not grow without bound.
    pub fn forget_idle(&mut self, now: Instant) {
        let (burst, interval) = (self.burst, self.interval);
        self.buckets.retain(|_, b| {
            let full = b.tokens
                + now.saturating_duration_since(b.at).as_secs_f64() / interval.as_secs_f64()
                >= burst;
            !full || b.paused_until.is_some_and(|p| p > now)
        });
    }

    fn refill(&self, b: &Bucket, now: Instant) -> f64 {
        let earned =
            now.saturating_duration_since(b.at).as_secs_f64() / self.interval.as_secs_f64();
        (b.tokens + earned).min(self.burst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn a_lane_sends_a_burst_then_one_per_interval() {
        let mut lanes = Lanes::new(3, SEC);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(lanes.ready_at("C1", t0), t0);
            lanes.take("C1", t0);
        }
        assert_eq!(lanes.ready_at("C1", t0), t0 + SEC);
        lanes.take("C1", t0 + SEC);
        assert_eq!(lanes.ready_at("C1", t0 + SEC), t0 + 2 * SEC);
    }

    #[test]
    fn one_busy_lane_does_not_hold_up_another() {
        let mut lanes = Lanes::new(1, SEC);
        let t0 = Instant::now();
        lanes.take("C1", t0);
        assert!(lanes.ready_at("C1", t0) > t0);
        assert_eq!(lanes.ready_at("U2", t0), t0);
    }

    #[test]
    fn a_pause_holds_the_lane_until_it_ends() {
        let mut lanes = Lanes::new(3, SEC);
        let t0 = Instant::now();
        lanes.pause("C1", t0 + 30 * SEC);
        assert_eq!(lanes.ready_at("C1", t0), t0 + 30 * SEC);
        assert_eq!(lanes.ready_at("C1", t0 + 31 * SEC), t0 + 31 * SEC);
    }

    #[test]
    fn idle_full_lanes_are_forgotten() {
        let mut lanes = Lanes::new(2, SEC);
        let t0 = Instant::now();
        lanes.take("C1", t0);
        lanes.forget_idle(t0);
        assert_eq!(lanes.buckets.len(), 1);
        lanes.forget_idle(t0 + 2 * SEC);
        assert!(lanes.buckets.is_empty());
    }
}
