//! Wall-clock time as the database stores it: unix seconds and milliseconds.
use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_secs() -> i64 {
    now_ms() / 1000
}

pub fn now_ms() -> i64 {
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
