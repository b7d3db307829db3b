//! The story library for the CSO: consent-aware exports (talk pack, CSV, JSON) and the names
//! they show.
pub mod export;
pub mod names;

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
    let day = |what: &str, value: &str| -> Result<i64, String> {
        let date: Date = value
            .trim()
            .parse()
            .map_err(|_| format!("{what} must be a date like 2026-11-23, not {value:?}"))?;
        date.to_zoned(tz.clone())
            .map(|z| z.timestamp().as_second())
            .map_err(|e| e.to_string())
    };
    let since = since
        .filter(|s| !s.trim().is_empty())
        .map(|s| day("since", s))
        .transpose()?;
    let until = until
        .filter(|s| !s.trim().is_empty())
        .map(|s| day("until", s).map(|t| t + 86_400))
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
        limit: None,
    })
}

/// Everyone an export names: heroes and authors, once each.
pub fn people(stories: &[crate::store::stories::Story]) -> Vec<String> {
    let mut ids: Vec<String> = stories
        .iter()
        .flat_map(|s| {
            s.heroes
                .iter()
                .map(|(id, _)| id.clone())
                .chain([s.author_id.clone()])
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}
