//! The calendar in a time zone: ISO weeks (a week's bounds as instants, the week before, and
//! when its digest is due, correct across daylight-saving changes: a week may last 167 or 169
//! hours), the digest's weekly schedule, and months (the month a report-card round rates).
use std::fmt;

use jiff::Timestamp;
use jiff::civil::{Date, ISOWeekDate, Time, Weekday};
use jiff::tz::TimeZone;

/// An ISO week: `2026-W47`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct IsoWeek {
    pub year: i16,
    pub week: i8,
}

impl IsoWeek {
    /// Reads `YYYY-Www` (`2026-W47`; `w` in any case).
    pub fn parse(s: &str) -> Option<Self> {
        let (year, week) = s.trim().split_once(['W', 'w'])?;
        let year: i16 = year.strip_suffix('-')?.parse().ok()?;
        let week: i8 = week.parse().ok()?;
        ISOWeekDate::new(year, week, Weekday::Monday)
            .ok()
            .map(|_| Self { year, week })
    }

    /// The week an instant falls in, in `tz`.
    pub fn of(at: Timestamp, tz: &TimeZone) -> Self {
        Self::containing(at.to_zoned(tz.clone()).date())
    }

    fn containing(date: Date) -> Self {
        let iso = date.iso_week_date();
        Self {
            year: iso.year(),
            week: iso.week(),
        }
    }

    /// The week's Monday.
    pub fn monday(self) -> Date {
        ISOWeekDate::new(self.year, self.week, Weekday::Monday)
            .expect("a parsed week exists")
            .date()
    }

    pub fn previous(self) -> Self {
        Self::containing(self.monday().saturating_sub(jiff::Span::new().days(7)))
    }

    pub fn next(self) -> Self {
        Self::containing(self.monday().saturating_add(jiff::Span::new().days(7)))
    }

    /// The week as unix seconds `[start, end)`: Monday 00:00 to the next Monday 00:00 in `tz`.
    pub fn bounds(self, tz: &TimeZone) -> (i64, i64) {
        (
            midnight(self.monday(), tz),
            midnight(self.next().monday(), tz),
        )
    }

    /// When the digest is due during this week: the schedule's weekday and time in `tz`.
    pub fn scheduled_at(self, schedule: &DigestSchedule, tz: &TimeZone) -> i64 {
        let offset = i64::from(schedule.weekday.to_monday_zero_offset());
        let day = self.monday().saturating_add(jiff::Span::new().days(offset));
        day.to_datetime(schedule.time)
            .to_zoned(tz.clone())
            .map(|z| z.timestamp().as_second())
            .unwrap_or_else(|_| midnight(day, tz))
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

/// The first instant of a day in `tz` (a day may start at 01:00 where midnight is skipped).
fn midnight(date: Date, tz: &TimeZone) -> i64 {
    date.to_zoned(tz.clone())
        .map(|z| z.timestamp().as_second())
        .unwrap_or_default()
}

/// When the weekly digest is posted: a weekday and a time of day, in `HEROBOT_TIMEZONE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestSchedule {
    pub weekday: Weekday,
    pub time: Time,
}

impl DigestSchedule {
    /// Reads `MON 09:00` (any case; three-letter or full weekday names).
    pub fn parse(s: &str) -> Option<Self> {
        let (day, time) = s.trim().split_once(char::is_whitespace)?;
        let weekday = match day.to_ascii_lowercase().as_str() {
            "mon" | "monday" => Weekday::Monday,
            "tue" | "tuesday" => Weekday::Tuesday,
            "wed" | "wednesday" => Weekday::Wednesday,
            "thu" | "thursday" => Weekday::Thursday,
            "fri" | "friday" => Weekday::Friday,
            "sat" | "saturday" => Weekday::Saturday,
            "sun" | "sunday" => Weekday::Sunday,
            _ => return None,
        };
        let (h, m) = time.trim().split_once(':')?;
        let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
        let time = Time::new(h, m, 0, 0).ok()?;
        Some(Self { weekday, time })
    }
}

impl Default for DigestSchedule {
    fn default() -> Self {
        Self {
            weekday: Weekday::Monday,
            time: Time::constant(9, 0, 0, 0),
        }
    }
}

/// A calendar month in the configured time zone: the month a round rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i16,
    pub month: i8,
}

impl Month {
    /// Reads `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Self> {
        let (year, month) = s.trim().split_once('-')?;
        let (year, month) = (year.parse().ok()?, month.parse().ok()?);
        ((1970..=9998).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// The month an instant falls in, in `tz`.
    pub fn of(at: jiff::Timestamp, tz: &TimeZone) -> Self {
        let date = at.to_zoned(tz.clone()).date();
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn first_day(self) -> Date {
        Date::new(self.year, self.month, 1).expect("a parsed month exists")
    }

    pub fn previous(self) -> Self {
        match self.month {
            1 => Self {
                year: self.year - 1,
                month: 12,
            },
            m => Self {
                year: self.year,
                month: m - 1,
            },
        }
    }

    pub fn next(self) -> Self {
        match self.month {
            12 => Self {
                year: self.year + 1,
                month: 1,
            },
            m => Self {
                year: self.year,
                month: m + 1,
            },
        }
    }

    /// The month's name: `November`.
    pub fn name(self) -> &'static str {
        const NAMES: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        NAMES[(self.month - 1) as usize]
    }

    /// `November 2026`.
    pub fn long(self) -> String {
        format!("{} {}", self.name(), self.year)
    }

    /// `Nov 26`, for a chart's axis.
    pub fn short(self) -> String {
        format!("{} {:02}", &self.name()[..3], self.year % 100)
    }

    /// When the round rating this month opens: the first working day of the month after (Monday
    /// to Friday, and not New Year's Day; other public holidays differ by country and are not
    /// known), at `time` in `tz`.
    pub fn round_opens_at(self, time: Time, tz: &TimeZone) -> i64 {
        let mut day = self.next().first_day();
        let new_year = |d: Date| d.month() == 1 && d.day() == 1;
        while matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) || new_year(day) {
            day = day.tomorrow().expect("a working day follows");
        }
        day.to_datetime(time)
            .to_zoned(tz.clone())
            .map(|z| z.timestamp().as_second())
            .unwrap_or_default()
    }

    /// The twelve months up to and including this one, oldest first.
    pub fn last_twelve(self) -> Vec<Month> {
        let mut months = vec![self];
        for _ in 1..12 {
            months.push(months.last().expect("one at least").previous());
        }
        months.reverse();
        months
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Time;

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn week(s: &str) -> IsoWeek {
        IsoWeek::parse(s).unwrap()
    }

    #[test]
    fn weeks_read_and_print_as_yyyy_www() {
        assert_eq!(
            week("2026-W47"),
            IsoWeek {
                year: 2026,
                week: 47
            }
        );
        assert_eq!(week("2026-w01").to_string(), "2026-W01");
        for bad in ["2026-W54", "2026W47", "W47", "2026-W", "twenty"] {
            assert_eq!(IsoWeek::parse(bad), None, "{bad}");
        }
        assert_eq!(
            week("2026-W53").to_string(),
            "2026-W53",
            "2026 has 53 ISO weeks"
        );
        assert_eq!(IsoWeek::parse("2025-W53"), None, "2025 does not");
    }

    #[test]
    fn the_previous_and_next_week_cross_years() {
        assert_eq!(week("2027-W01").previous(), week("2026-W53"));
        assert_eq!(week("2026-W53").next(), week("2027-W01"));
    }

    #[test]
    fn a_utc_week_lasts_168_hours_from_monday_midnight() {
        let (start, end) = week("2026-W47").bounds(&TimeZone::UTC);
        assert_eq!(
            start,
            "2026-11-16T00:00:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_second()
        );
        assert_eq!(end - start, 168 * 3600);
    }

    #[test]
    fn a_week_with_the_spring_change_in_new_york_lasts_167_hours() {
        // DST began on Sunday 8 March 2026 in America/New_York.
        let ny = tz("America/New_York");
        let (start, end) = week("2026-W10").bounds(&ny);
        assert_eq!(
            start,
            "2026-03-02T05:00:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_second()
        );
        assert_eq!(
            end,
            "2026-03-09T04:00:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_second()
        );
        assert_eq!(end - start, 167 * 3600);
    }

    #[test]
    fn a_week_with_the_autumn_change_in_berlin_lasts_169_hours() {
        // Summer time ended on Sunday 25 October 2026 in Europe/Berlin.
        let berlin = tz("Europe/Berlin");
        let (start, end) = week("2026-W43").bounds(&berlin);
        assert_eq!(
            start,
            "2026-10-18T22:00:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_second()
        );
        assert_eq!(end - start, 169 * 3600);
        let (spring_start, spring_end) = week("2026-W13").bounds(&berlin);
        assert_eq!(
            spring_end - spring_start,
            167 * 3600,
            "29 March 2026 lost an hour"
        );
    }

    #[test]
    fn the_week_of_an_instant_follows_the_zone() {
        // Sunday 23:30 in New York is already Monday in UTC.
        let at: Timestamp = "2026-11-23T04:30:00Z".parse().unwrap();
        assert_eq!(IsoWeek::of(at, &TimeZone::UTC), week("2026-W48"));
        assert_eq!(IsoWeek::of(at, &tz("America/New_York")), week("2026-W47"));
    }

    #[test]
    fn the_schedule_is_local_time_on_both_sides_of_a_dst_change() {
        let schedule = DigestSchedule {
            weekday: Weekday::Monday,
            time: Time::constant(9, 0, 0, 0),
        };
        let berlin = tz("Europe/Berlin");
        // Before the change, 09:00 in Berlin is 07:00 UTC; after it, 08:00 UTC.
        assert_eq!(
            week("2026-W43").scheduled_at(&schedule, &berlin),
            "2026-10-19T07:00:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_second()
        );
        assert_eq!(
            week("2026-W44").scheduled_at(&schedule, &berlin),
            "2026-10-26T08:00:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_second()
        );
        let friday = DigestSchedule {
            weekday: Weekday::Friday,
            time: Time::constant(16, 30, 0, 0),
        };
        assert_eq!(
            week("2026-W47").scheduled_at(&friday, &TimeZone::UTC),
            "2026-11-20T16:30:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_second()
        );
    }
}
