//! What a digest and `/hero top` read, counted and ranked in SQL (a period's counts, its heroes
//! ranked, its scorecard and story of the week), and the record that makes a digest go out once.
use crate::store::Db;
use crate::store::db::Exec;
use jiff::tz::TimeZone;

use super::hero_days::Spans;
use crate::domain::Story;
use crate::domain::calendar::IsoWeek;
use crate::domain::scorecard::{Counts, HeroLine, STORY_WEEKS, Scorecard, WeekScore, weeks_to};
use crate::domain::story::RECOVERY_WINDOW_SECS;

/// Credits in `[?1, ?2)` per hero, most first, the first `?3`: a nomination names its heroes,
/// a story credits its own. A hero's reason is their latest nomination's (by time, then ID),
/// else their latest story's title; ties in count go to the latest reason, then the ID.
///
/// Counted from the heroes' days (see [`super::hero_days`]): whole blocks `[?6, ?7)` and whole
/// days `[?8, ?9)` and `[?10, ?11)` for rows up to the rollup's mark, and directly the rows
/// past the mark in the whole days `[?4, ?5)` (by ID) and every row of the part-days
/// `[?1, ?4)` and `[?5, ?2)` (by time). Memory stays flat whatever the period, and a year reads
/// about 100,000 rollup rows.
pub const RANKING: &str = "with credits as materialized (
        select credit.hero_id as hero, cast(sum(credit.recognitions) as bigint) as recognitions,
               max(nominated_at) as nominated_at, max(told_at) as told_at
        from (select hero_id, recognitions, nominated_at, told_at
              from hero_blocks where block >= $6 and block < $7
              union all
              select hero_id, recognitions, nominated_at, told_at
              from hero_days where day >= $8 and day < $9
              union all
              select hero_id, recognitions, nominated_at, told_at
              from hero_days where day >= $10 and day < $11
              union all
              select h.hero_id, 1, n.created_at, null
              from nominations n join nomination_heroes h on h.nomination_id = n.id
              where n.created_at >= $1 and n.created_at < $4
              union all
              select h.hero_id, 1, n.created_at, null
              from nominations n join nomination_heroes h on h.nomination_id = n.id
              where n.created_at >= $5 and n.created_at < $2
              union all
              select h.hero_id, 1, n.created_at, null
              from nominations n join nomination_heroes h on h.nomination_id = n.id
              where n.id > (select last_id from hero_days_indexed where source = 'nominations')
                and +n.created_at >= $4 and +n.created_at < $5
              union all
              select h.hero_id, 1, null, s.created_at
              from stories s join story_heroes h on h.story_id = s.id
              where s.created_at >= $1 and s.created_at < $4
              union all
              select h.hero_id, 1, null, s.created_at
              from stories s join story_heroes h on h.story_id = s.id
              where s.created_at >= $5 and s.created_at < $2
              union all
              select h.hero_id, 1, null, s.created_at
              from stories s join story_heroes h on h.story_id = s.id
              where s.id > (select last_id from hero_days_indexed where source = 'stories')
                and +s.created_at >= $4 and +s.created_at < $5) credit
        group by credit.hero_id
        order by sum(credit.recognitions) desc,
                 coalesce(max(credit.nominated_at), max(credit.told_at)) desc, credit.hero_id
        limit $3)
    select c.hero, c.recognitions,
           coalesce(
               (select n.reason from nominations n join nomination_heroes h on h.nomination_id = n.id
                where n.created_at = c.nominated_at and h.hero_id = c.hero
                order by n.id desc limit 1),
               (select s.title from stories s join story_heroes h on h.story_id = s.id
                where s.created_at = c.told_at and h.hero_id = c.hero
                order by s.id desc limit 1),
               '') as reason
    from credits c
    order by c.recognitions desc, coalesce(c.nominated_at, c.told_at) desc, c.hero";

/// The `limit` most-recognised heroes of `[start, end)`, each with a reason (see [`RANKING`]).
pub async fn ranking(
    db: &Db,
    start: i64,
    end: i64,
    limit: usize,
) -> Result<Vec<HeroLine>, sqlx::Error> {
    crate::on!(db, db => {
        let spans = Spans::of(start, end);
        let rows: Vec<(String, i64, String)> = sqlx::query_as(RANKING)
            .bind(start)
            .bind(end)
            .bind(limit as i64)
            .bind(spans.whole.0)
            .bind(spans.whole.1)
            .bind(spans.blocks.0)
            .bind(spans.blocks.1)
            .bind(spans.days[0].0)
            .bind(spans.days[0].1)
            .bind(spans.days[1].0)
            .bind(spans.days[1].1)
            .fetch_all(db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(hero, recognitions, reason)| HeroLine {
                hero,
                recognitions: recognitions as usize,
                reason,
            })
            .collect())
    })
}

/// The recovery measures of the stories told in `[?1, ?2)`; `?3` is the recovery window. A
/// customer's own answer counts over the teller's report.
pub const SCORECARD: &str = "select count(*),
        count(*) filter (where s.fixed_at - s.happened_at <= $3),
        count(*) filter (where s.surprise is not null),
        count(*) filter (where coalesce(a.answer, s.reaction) = 'blown_away'),
        count(*) filter (where a.story_id is not null),
        count(*) filter (where s.customer_kind = 'internal'),
        count(*) filter (where s.customer_kind = 'external')
     from stories s left join customer_answers a on a.story_id = s.id
     where s.created_at >= $1 and s.created_at < $2";

/// The scorecard of `[start, end)`, counted by the database (the targets are left at zero).
pub async fn scorecard(db: &Db, start: i64, end: i64) -> Result<Scorecard, sqlx::Error> {
    crate::on!(db, db => {
        let (stories, within_24h, surprised, blown_away, customer_answers, internal, external): (
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
        ) = sqlx::query_as(SCORECARD)
            .bind(start)
            .bind(end)
            .bind(RECOVERY_WINDOW_SECS)
            .fetch_one(db)
            .await?;
        Ok(Scorecard {
            stories: stories as usize,
            within_24h: within_24h as usize,
            surprised: surprised as usize,
            blown_away: blown_away as usize,
            customer_answers: customer_answers as usize,
            internal: internal as usize,
            external: external as usize,
            ..Scorecard::default()
        })
    })
}

/// The story of `[?1, ?2)`: the latest featured, else the most complete (what there is to tell,
/// a surprise, a reaction, a recovery within `?3`, a permalink, tags), newest first. With `?4`
/// true, only among stories that may be told outside Slack (every credited hero granted consent).
pub const STORY_OF_THE_WEEK: &str = "select id from (
        select id, 1 as featured, featured_at as score, created_at from stories s
        where created_at >= $1 and created_at < $2 and featured_at is not null
        union all
        select id, 0, case when length(what_went_wrong) + length(how_fixed) < 600
                           then length(what_went_wrong) + length(how_fixed) else 600 end / 200
                      + case when surprise is not null then 2 else 0 end
                      + case when reaction != 'unknown' then 1 else 0 end
                      + case when reaction = 'blown_away' then 1 else 0 end
                      + case when fixed_at - happened_at <= $3 then 1 else 0 end
                      + case when message_permalink is not null then 1 else 0 end
                      + case when exists (select 1 from story_tags t where t.story_id = s.id)
                             then 1 else 0 end,
               created_at
        from stories s where created_at >= $1 and created_at < $2) chosen
     where not $4
        or (exists (select 1 from story_heroes h where h.story_id = chosen.id)
            and not exists (select 1 from story_heroes h
                            where h.story_id = chosen.id and h.consent != 'granted'))
     order by featured desc, score desc, case when featured = 1 then 0 else created_at end desc, id desc
     limit 1";

/// Which stories a story of the week is chosen among.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Among {
    /// Every story told: the digest, inside Slack.
    Every,
    /// Only stories every credited hero agreed to tell outside Slack: the wallboard.
    Shareable,
}

/// The story of the week of `[start, end)` among `among`, if any such story was told.
pub async fn story_of_the_week(
    db: &Db,
    start: i64,
    end: i64,
    among: Among,
) -> Result<Option<Story>, sqlx::Error> {
    crate::on!(db, db => {
        let id: Option<i64> = sqlx::query_scalar(STORY_OF_THE_WEEK)
            .bind(start)
            .bind(end)
            .bind(RECOVERY_WINDOW_SECS)
            .bind(among == Among::Shareable)
            .fetch_optional(db)
            .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        Ok(super::stories::query_where(db, "s.id = $1", &[id]).await?.pop())
    })
}

/// How many nominations, distinct heroes and stories `[start, end)` holds.
pub async fn counts(db: &Db, start: i64, end: i64) -> Result<Counts, sqlx::Error> {
    crate::on!(db, db => {
        let (nominations, heroes, stories): (i64, i64, i64) = sqlx::query_as(
            "select (select count(*) from nominations where created_at >= $1 and created_at < $2),
                (select count(*) from (
                    select h.hero_id from nominations n join nomination_heroes h on h.nomination_id = n.id
                    where n.created_at >= $1 and n.created_at < $2
                    union
                    select h.hero_id from stories s join story_heroes h on h.story_id = s.id
                    where s.created_at >= $1 and s.created_at < $2) as heroes),
                (select count(*) from stories where created_at >= $1 and created_at < $2)",
        )
        .bind(start)
        .bind(end)
        .fetch_one(db)
        .await?;
        Ok(Counts {
            nominations: nominations as usize,
            heroes: heroes as usize,
            stories: stories as usize,
        })
    })
}

/// Whether the digest of `week` went out already.
pub async fn posted(db: &Db, week: &str) -> Result<bool, sqlx::Error> {
    crate::on!(db, db => {
        sqlx::query_scalar("select exists (select 1 from digests where week = $1)")
            .bind(week)
            .fetch_one(db)
            .await
    })
}

/// Records the digest of `week` as posted, in the caller's transaction; false if it was posted
/// before.
pub async fn record_posted(
    db: impl Into<Exec<'_>>,
    week: &str,
    channel: &str,
    posted_by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        let recorded = sqlx::query(
            "insert into digests (week, channel_id, posted_by, posted_at) values ($1, $2, $3, $4)
             on conflict (week) do nothing",
        )
        .bind(week)
        .bind(channel)
        .bind(posted_by)
        .bind(now)
        .execute(db)
        .await?;
        Ok(recorded.rows_affected() == 1)
    })
}

/// Stories created in `[start, end)`: what a scorecard is computed from, for one week (the
/// digest) or several (the scorecard page, the wallboard, App Home).
pub async fn stories(db: &Db, start: i64, end: i64) -> Result<Vec<Story>, sqlx::Error> {
    super::stories::query_where(
        db,
        "s.created_at >= $1 and s.created_at < $2",
        &[start, end],
    )
    .await
}

/// The scorecards of the `n` weeks that end with `last`, counted in SQL week by week as the
/// digest counts its own, in `tz`, against the targets (24 h, surprise, minimum sample): no
/// week's stories are read into memory. The stories of the week are chosen among the shareable
/// stories only, since the wallboard shows them outside Slack.
pub async fn weekly(
    db: &Db,
    tz: &TimeZone,
    (target_recovery_24h, target_surprise, min_sample): (u8, u8, usize),
    last: IsoWeek,
    n: usize,
) -> Result<Vec<WeekScore>, sqlx::Error> {
    let weeks = weeks_to(last, n);
    let storied = weeks.len().saturating_sub(STORY_WEEKS);
    let mut scores = Vec::with_capacity(weeks.len());
    for (i, week) in weeks.into_iter().enumerate() {
        let (start, end) = week.bounds(tz);
        let card = scorecard(db, start, end).await?;
        let story = if i >= storied {
            story_of_the_week(db, start, end, Among::Shareable).await?
        } else {
            None
        };
        scores.push(WeekScore {
            week,
            card: Scorecard {
                target_recovery_24h,
                target_surprise,
                min_sample,
                ..card
            },
            story,
        });
    }
    Ok(scores)
}
