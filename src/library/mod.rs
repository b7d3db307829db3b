//! The story library for the CSO: who may read it, its web pages, consent-aware exports (talk
//! pack, CSV, JSON) and the names they show.
pub mod access;
pub mod audit;
pub mod download;
pub mod export;
pub mod names;
pub mod pages;
pub mod report_cards;
pub mod scorecard;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::store::library::Filter;

/// A filter from what a person typed: dates as `YYYY-MM-DD` in `tz` (both days included),
/// words to find, featured and shareable flags. Says which value is wrong.
pub fn filter(
    since: Option<&str>,
    until: Option<&str>,
    query: Option<&str>,
    featured: bool,
    shareable: bool,
    tz: &TimeZone,
) -> Result<Filter, String> {
    // The start of `date` in `tz`, or None for a day outside what a timestamp can hold.
    let start = |date: Date| {
        date.to_zoned(tz.clone())
            .ok()
            .map(|z| z.timestamp().as_second())
    };
    let day = |what: &str, value: &str, next: bool| -> Result<i64, String> {
        let wrong = || format!("{what} must be a date like 2026-11-23, not {value:?}");
        let date: Date = value.trim().parse().map_err(|_| wrong())?;
        // `until` includes its day: stories before the start of the next.
        let date = if next { date.tomorrow() } else { Ok(date) };
        date.ok()
            .and_then(start)
            .ok_or_else(|| format!("{what} is too far in the past or future: {value:?}"))
    };
    let since = since
        .filter(|s| !s.trim().is_empty())
        .map(|s| day("since", s, false))
        .transpose()?;
    let until = until
        .filter(|s| !s.trim().is_empty())
        .map(|s| day("until", s, true))
        .transpose()?;
    Ok(Filter {
        since,
        until,
        query: query
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_owned),
        featured,
        shareable,
        ..Filter::default()
    })
}

/// The library's path as a browser sees it: `/library` under the path of `public_url`, if any.
pub fn base_path(public_url: Option<&str>) -> String {
    let path = public_url
        .and_then(|url| url.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
        .unwrap_or_default()
        .trim_end_matches('/');
    format!("{path}/library")
}

/// A yes/no query parameter, read alike by the library and the API: `true`, `1`, `yes` and `on`
/// mean yes; anything else, or nothing, means no.
pub fn flag(value: Option<&str>) -> bool {
    matches!(
        value.map(|v| v.trim().to_ascii_lowercase()).as_deref(),
        Some("true" | "1" | "yes" | "on")
    )
}

/// Everyone an export or page names: heroes, authors, internal customers who answered and the
/// people the texts mention, once each.
pub fn people_named_in(stories: &[crate::domain::Story]) -> Vec<String> {
    let mut ids: Vec<String> = stories
        .iter()
        .flat_map(|s| {
            let customer = match s.customer_answer.as_ref().map(|a| &a.by) {
                Some(crate::domain::Customer::Colleague(id)) => Some(id.to_string()),
                _ => None,
            };
            s.heroes
                .iter()
                .map(|(id, _)| id.to_string())
                .chain([s.author_id.to_string()])
                .chain(customer)
                .chain(
                    crate::domain::text::mentioned_in_story(s)
                        .into_iter()
                        .map(|id| id.to_string()),
                )
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_out_of_range_are_refused_in_plain_words() {
        let until = |value: &str, tz: &TimeZone| filter(None, Some(value), None, false, false, tz);
        for (value, tz) in [
            ("9999-12-31", TimeZone::UTC),
            ("9999-12-31", TimeZone::get("Pacific/Kiritimati").unwrap()),
        ] {
            let err = until(value, &tz).unwrap_err();
            assert_eq!(
                err,
                format!("until is too far in the past or future: {value:?}")
            );
        }
        let since = filter(
            Some("-009999-01-01"),
            None,
            None,
            false,
            false,
            &TimeZone::get("America/Los_Angeles").unwrap(),
        );
        assert_eq!(
            since.unwrap_err(),
            "since is too far in the past or future: \"-009999-01-01\""
        );
        let ok = until("2026-11-23", &TimeZone::UTC).unwrap();
        assert_eq!(ok.until, Some(1_795_478_400));
    }

    #[test]
    fn the_library_lives_under_the_public_urls_path() {
        assert_eq!(base_path(None), "/library");
        assert_eq!(base_path(Some("https://hero.example.com")), "/library");
        assert_eq!(
            base_path(Some("https://example.com/herobot/")),
            "/herobot/library"
        );
    }
}
