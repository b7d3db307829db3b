//! The weekly digest: its content (counted and ranked by the store) and its Block Kit. Its
//! schedule is a job (`jobs::digest`); the in-memory reference it is tested against is test
//! support (`oracle`).
use crate::store::Db;
pub mod content;
#[doc(hidden)]
pub mod oracle;
pub mod render;

use serde_json::Value;

use crate::config::Config;
use crate::domain::Story;
use crate::domain::calendar::IsoWeek;
use crate::domain::scorecard::{HeroLine, Scorecard};
use crate::domain::text::{mentioned, mentioned_in_story, with_names, with_names_except};
use crate::store::{digests, report_cards};
use content::{CardLine, Digest};

/// The digest of `week` and its message, counted and ranked by the store; `until` (unix
/// seconds) cuts a week still in progress.
pub async fn build(
    db: &Db,
    config: &Config,
    week: IsoWeek,
    until: Option<i64>,
) -> Result<(Digest, Value), sqlx::Error> {
    let tz = &config.timezone;
    let (start, end) = week.bounds(tz);
    let end = until.map_or(end, |until| until.clamp(start, end));
    let (before, _) = week.previous().bounds(tz);
    let counts = digests::counts(db, start, end).await?;
    let digest = Digest {
        week,
        counts,
        previous: digests::counts(db, before, start).await?,
        story_of_the_week: match digests::story_of_the_week(db, start, end, digests::Among::Every)
            .await?
        {
            Some(story) => Some(story_named(db, story).await?),
            None => None,
        },
        heroes: named(
            db,
            digests::ranking(db, start, end, render::MAX_HEROES_LISTED).await?,
        )
        .await?,
        scorecard: Scorecard {
            target_recovery_24h: config.target_recovery_24h,
            target_surprise: config.target_surprise,
            min_sample: config.min_sample,
            ..digests::scorecard(db, start, end).await?
        },
        report_cards: card_lines(db, start, end, config.report_card_min_answers).await?,
        trend: trend(db, config, week, end).await?,
    };
    let library = config
        .public_url
        .as_ref()
        .map(|url| format!("{url}/library/scorecard?week={week}"));
    let message = render::render(&digest, library.as_deref(), config.public_url.as_deref());
    Ok((digest, message))
}

/// The heroes' reasons with the people they mention by name (from the names cache), except
/// the hero's own mention: a digest post pings no one else, and shows no raw ID.
async fn named(db: &Db, mut heroes: Vec<HeroLine>) -> Result<Vec<HeroLine>, sqlx::Error> {
    let ids: Vec<String> = heroes
        .iter()
        .flat_map(|h| mentioned(&h.reason))
        .map(|id| id.to_string())
        .collect();
    if ids.is_empty() {
        return Ok(heroes);
    }
    let names = crate::store::library::names(db, &ids).await?;
    for h in &mut heroes {
        h.reason = with_names_except(&h.reason, &names, &h.hero);
    }
    Ok(heroes)
}

/// The story of the week with the people its texts mention by name: its heroes are credited
/// beside it, and a digest post pings no one else.
async fn story_named(db: &Db, mut story: Story) -> Result<Story, sqlx::Error> {
    let ids: Vec<String> = mentioned_in_story(&story)
        .iter()
        .map(ToString::to_string)
        .collect();
    if ids.is_empty() {
        return Ok(story);
    }
    let names = crate::store::library::names(db, &ids).await?;
    let named = |text: &str| with_names(text, &names);
    story.title = named(&story.title);
    story.what_went_wrong = named(&story.what_went_wrong);
    story.how_fixed = named(&story.how_fixed);
    story.surprise = story.surprise.as_deref().map(named);
    Ok(story)
}

/// The scorecards of the 12 weeks that end with `last` (cut at `until`), oldest first, each
/// counted in SQL as the week's own.
async fn trend(
    db: &Db,
    config: &Config,
    last: IsoWeek,
    until: i64,
) -> Result<Vec<(IsoWeek, Scorecard)>, sqlx::Error> {
    let mut weeks = Vec::with_capacity(render::TREND_WEEKS);
    for week in crate::domain::scorecard::weeks_to(last, render::TREND_WEEKS) {
        let (start, end) = week.bounds(&config.timezone);
        let card = digests::scorecard(db, start, end.min(until)).await?;
        weeks.push((
            week,
            Scorecard {
                target_recovery_24h: config.target_recovery_24h,
                target_surprise: config.target_surprise,
                min_sample: config.min_sample,
                ..card
            },
        ));
    }
    Ok(weeks)
}

/// The report cards whose round closed in `[start, end)`.
async fn card_lines(
    db: &Db,
    start: i64,
    end: i64,
    min_answers: crate::domain::report_card::MinAnswers,
) -> Result<Vec<CardLine>, sqlx::Error> {
    let mut lines = Vec::new();
    for round in report_cards::closed_between(db, start, end).await? {
        if let Some(results) = report_cards::results(db, round, min_answers).await? {
            lines.push(CardLine {
                card_id: results.card.id,
                supplier: results.card.supplier.clone(),
                month: results.round.month,
                overall: results.overall(),
                change: results.overall_change(),
            });
        }
    }
    Ok(lines)
}

/// The week before the one `now` falls in: the week a digest posted now is about.
pub fn last_week(config: &Config, now: jiff::Timestamp) -> IsoWeek {
    IsoWeek::of(now, &config.timezone).previous()
}
