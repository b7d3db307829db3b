//! The one clock: every "now" in herobot comes from the `Clock` in the app state, so tests (and
//! the demo) can set it; and the formats instants are shown in.
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The time now, as the app sees it: the wall clock plus an offset that tests and the demo
/// set. Cloning shares the offset, so setting one clone sets them all.
#[derive(Debug, Clone)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
    /// Counts the times the clock was set, so schedulers asleep until a moment wake when it moves.
    moved: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Default for Clock {
    fn default() -> Self {
        Self {
            offset_ms: Arc::default(),
            moved: Arc::new(tokio::sync::watch::Sender::new(0)),
        }
    }
}

impl Clock {
    /// The machine's clock, as production runs.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that reads `at_ms` (unix milliseconds) now and runs on from there.
    pub fn starting_at(at_ms: i64) -> Self {
        let clock = Self::default();
        clock.set_ms(at_ms);
        clock
    }

    /// Moves the clock so that it reads `at_ms` now; it runs on from there.
    pub fn set_ms(&self, at_ms: i64) {
        self.offset_ms.store(at_ms - wall_ms(), Ordering::Relaxed);
        self.moved.send_modify(|n| *n += 1);
    }

    /// Moves the clock forward (or back, for a negative `by_ms`).
    pub fn advance_ms(&self, by_ms: i64) {
        self.offset_ms.fetch_add(by_ms, Ordering::Relaxed);
        self.moved.send_modify(|n| *n += 1);
    }

    /// Changes each time the clock is set or moved (never, in production).
    pub fn moves(&self) -> tokio::sync::watch::Receiver<u64> {
        self.moved.subscribe()
    }

    /// Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        wall_ms().saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Unix seconds.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Now as a timestamp, for calendar arithmetic.
    pub fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_millisecond(self.now_ms()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// Today's date in `tz`.
    pub fn today(&self, tz: &jiff::tz::TimeZone) -> jiff::civil::Date {
        self.now().to_zoned(tz.clone()).date()
    }

    /// How long until unix millisecond `at_ms`, by this clock (zero if it has passed).
    pub fn until_ms(&self, at_ms: i64) -> Duration {
        Duration::from_millis(at_ms.saturating_sub(self.now_ms()).max(0) as u64)
    }
}

/// The wall clock: the only place herobot reads it.
fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// An instant as exports and pages show it: `23 Nov 2026, 09:05 UTC`.
pub fn date_time(unix: i64, tz: &jiff::tz::TimeZone) -> String {
    local(unix, tz, "%-d %b %Y, %H:%M %Z")
}

/// An instant formatted in a time zone (strftime `format`); empty if out of range.
pub fn local(unix: i64, tz: &jiff::tz::TimeZone, format: &str) -> String {
    jiff::Timestamp::from_second(unix)
        .map(|t| t.to_zoned(tz.clone()).strftime(format).to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_clock_reads_what_it_was_set_to_and_runs_on() {
        let clock = Clock::starting_at(1_763_460_000_000);
        let read = clock.now_ms();
        assert!(
            (1_763_460_000_000..1_763_460_005_000).contains(&read),
            "{read}"
        );
        let shared = clock.clone();
        shared.advance_ms(86_400_000);
        assert!(clock.now_ms() >= 1_763_546_400_000);
        assert_eq!(clock.now_secs(), clock.now_ms().div_euclid(1000));
    }
}
