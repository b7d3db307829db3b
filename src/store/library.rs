//! The story library's reads: stories by filter (dates, text, featured, consent), and the cache
//! of display names.
use crate::store::Db;
use crate::store::db::Exec;
use std::collections::HashMap;

use sqlx::QueryBuilder;

use crate::store::db::Engine;

use super::search::{fts_query, tsquery};
use super::stories::story_columns;
use crate::domain::CustomerKind;
use crate::domain::Story;
use crate::store::Backend;

/// Which stories a search, a page or an export covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Unix seconds, inclusive.
    pub since: Option<i64>,
    /// Unix seconds, exclusive.
    pub until: Option<i64>,
    /// Words to find (full text); any text is safe here.
    pub query: Option<String>,
    pub featured: bool,
    /// Only stories every credited hero agreed to tell outside Slack.
    pub shareable: bool,
    /// Only stories some credited hero has not (yet) agreed to tell outside Slack.
    pub internal_only: bool,
    /// Only stories with this tag (a category such as `recovery` is a tag).
    pub tag: Option<String>,
    pub customer_kind: Option<CustomerKind>,
    /// Only stories crediting this user ID.
    pub hero: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Stories matching `filter`, newest first (best match first when searching).
pub async fn stories(db: &Db, filter: &Filter) -> Result<Vec<Story>, sqlx::Error> {
    crate::on!(db, db => {
        let Some(mut sql) = filtered(format!("select {} from stories s", story_columns(ENGINE)), filter) else {
            return Ok(Vec::new());
        };
        let rows = sql
            .build_query_as::<super::stories::StoryRow>()
            .fetch_all(db)
            .await?;
        Ok(rows.into_iter().map(Story::from).collect())
    })
}

/// Each story matching `filter`, in the order of [`stories`], read one row at a time and sent to
/// `each` until its receiver is gone: memory stays flat whatever the number of stories.
pub async fn each_story(
    db: &Db,
    filter: &Filter,
    each: tokio::sync::mpsc::Sender<Story>,
) -> Result<(), sqlx::Error> {
    crate::on!(db, db => {
        let Some(mut sql) = filtered(format!("select {} from stories s", story_columns(ENGINE)), filter) else {
            return Ok(());
        };
        let mut rows = sql.build_query_as::<super::stories::StoryRow>().fetch(db);
        while let Some(row) = std::future::poll_fn(|cx| rows.as_mut().poll_next(cx)).await {
            if each.send(Story::from(row?)).await.is_err() {
                break;
            }
        }
        Ok(())
    })
}

/// How many stories match `filter`, and how many of them may be told outside the company.
pub async fn tally(db: &Db, filter: &Filter) -> Result<(usize, usize), sqlx::Error> {
    crate::on!(db, db => {
        let Some(mut sql) = filtered("select count(*), count(*) filter (where
            exists (select 1 from story_heroes h where h.story_id = chosen.id)
            and not exists (select 1 from story_heroes h where h.story_id = chosen.id and h.consent != 'granted'))
         from (select s.id from stories s".to_owned(), filter) else {
            return Ok((0, 0));
        };
        sql.push(") chosen");
        let (count, shareable): (i64, i64) = sql.build_query_as().fetch_one(db).await?;
        Ok((count as usize, shareable as usize))
    })
}

/// Everyone the stories matching `filter` name (authors and heroes), sorted.
pub async fn authors_and_heroes(db: &Db, filter: &Filter) -> Result<Vec<String>, sqlx::Error> {
    crate::on!(db, db => {
        let Some(mut sql) = filtered(
            "with chosen as materialized (select s.id, s.author_id from stories s".to_owned(),
            filter,
        ) else {
            return Ok(Vec::new());
        };
        sql.push(
            ") select author_id from chosen
         union select h.hero_id from chosen join story_heroes h on h.story_id = chosen.id
         order by 1",
        );
        sql.build_query_scalar().fetch_all(db).await
    })
}

/// The texts of the stories `filter` selects that mention someone (`<@…`), for their names.
pub async fn texts_with_mentions(db: &Db, filter: &Filter) -> Result<Vec<String>, sqlx::Error> {
    crate::on!(db, db => {
        let Some(mut sql) = filtered(
            "with chosen as materialized (select s.id from stories s".to_owned(),
            filter,
        ) else {
            return Ok(Vec::new());
        };
        sql.push(
            ") select s.title || '\n' || s.what_went_wrong || '\n' || s.how_fixed
             || '\n' || coalesce(s.surprise, '')
         from chosen join stories s on s.id = chosen.id
         where s.title || s.what_went_wrong || s.how_fixed || coalesce(s.surprise, '') like '%<@%'",
        );
        sql.build_query_scalar().fetch_all(db).await
    })
}

/// `head` (which selects from `stories s`) narrowed, ordered and limited by `filter`; None when
/// the filter's words leave nothing to search for, so nothing matches.
fn filtered<DB: Engine>(head: String, filter: &Filter) -> Option<QueryBuilder<DB>>
where
    for<'t> String: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> i64: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> &'static str: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let mut sql: QueryBuilder<DB> = QueryBuilder::new(head);
    let postgres = DB::BACKEND == Backend::Postgres;
    let fts = filter
        .query
        .as_deref()
        .and_then(if postgres { tsquery } else { fts_query });
    if filter
        .query
        .as_deref()
        .is_some_and(|q| !q.trim().is_empty())
        && fts.is_none()
    {
        return None;
    }
    if fts.is_some() && !postgres {
        sql.push(" join stories_fts f on f.rowid = s.id");
    }
    sql.push(" where 1 = 1");
    if let Some(query) = &fts {
        if postgres {
            sql.push(" and s.search @@ to_tsquery('herobot', ")
                .push_bind(query.clone())
                .push(")");
        } else {
            sql.push(" and stories_fts match ").push_bind(query.clone());
        }
    }
    if let Some(since) = filter.since {
        sql.push(" and s.created_at >= ").push_bind(since);
    }
    if let Some(until) = filter.until {
        sql.push(" and s.created_at < ").push_bind(until);
    }
    if filter.featured {
        // Featured stories are few: read them from their index, then sort.
        sql.push(" and s.id in (select id from stories where featured_at is not null)");
    }
    if filter.shareable {
        sql.push(
            " and exists (select 1 from story_heroes h where h.story_id = s.id)
              and not exists (select 1 from story_heroes h where h.story_id = s.id and h.consent != 'granted')",
        );
    }
    if filter.internal_only {
        sql.push(
            " and (not exists (select 1 from story_heroes h where h.story_id = s.id)
                   or exists (select 1 from story_heroes h where h.story_id = s.id and h.consent != 'granted'))",
        );
    }
    if let Some(tag) = &filter.tag {
        sql.push(" and s.id in (select story_id from story_tags where tag = ")
            .push_bind(tag.clone())
            .push(")");
    }
    if let Some(kind) = filter.customer_kind {
        sql.push(" and s.customer_kind = ").push_bind(kind.as_str());
    }
    if let Some(hero) = &filter.hero {
        sql.push(" and s.id in (select story_id from story_heroes where hero_id = ")
            .push_bind(hero.clone())
            .push(")");
    }
    if let Some(query) = fts.filter(|_| postgres) {
        sql.push(" order by ts_rank(s.search, to_tsquery('herobot', ")
            .push_bind(query)
            .push(")) desc, s.id desc");
    } else if filter.query.is_some() {
        sql.push(" order by bm25(stories_fts, 10.0, 4.0, 4.0, 2.0), s.id desc");
    } else {
        sql.push(" order by s.created_at desc, s.id desc");
    }
    if let Some(limit) = filter.limit {
        sql.push(" limit ").push_bind(limit);
        if let Some(offset) = filter.offset {
            sql.push(" offset ").push_bind(offset);
        }
    }
    Some(sql)
}

/// Everyone credited in some story, and the tags in use: the choices of the library's filters.
pub async fn choices(db: &Db) -> Result<(Vec<String>, Vec<String>), sqlx::Error> {
    crate::on!(db, db => {
        // One index seek per hero, rather than a scan of every credit.
        let heroes = sqlx::query_scalar(
            "with recursive h(id) as (
             select min(hero_id) from story_heroes
             union all
             select (select min(hero_id) from story_heroes where hero_id > h.id) from h where h.id is not null
         )
         select id from h where id is not null",
        )
        .fetch_all(db)
        .await?;
        let tags = sqlx::query_scalar("select distinct tag from story_tags order by tag")
            .fetch_all(db)
            .await?;
        Ok((heroes, tags))
    })
}

/// Cached display names of `ids` (those known).
pub async fn names(
    db: impl Into<Exec<'_>>,
    ids: &[String],
) -> Result<HashMap<String, String>, sqlx::Error> {
    crate::on_any!(db, db => {
        let json = serde_json::to_string(ids).expect("IDs serialise");
        let rows: Vec<(String, String)> = sqlx::query_as(ENGINE.pick(
            "select user_id, name from user_names where user_id in (select value from json_each($1))",
            "select user_id, name from user_names
             where user_id in (select value from jsonb_array_elements_text($1::jsonb))",
        ))
        .bind(json)
        .fetch_all(db)
        .await?;
        // A forgotten person has no name to look up: they read as a former colleague.
        let forgotten = ids
            .iter()
            .filter(|id| crate::domain::forgotten::is_placeholder(id))
            .map(|id| {
                (
                    id.clone(),
                    crate::domain::forgotten::FORMER_COLLEAGUE.to_owned(),
                )
            });
        Ok(rows.into_iter().chain(forgotten).collect())
    })
}

/// Remembers many display names in one statement.
pub async fn remember_names(
    db: impl Into<Exec<'_>>,
    named: &[(String, String)],
    now: i64,
) -> Result<(), sqlx::Error> {
    crate::on_any!(db, db => {
        if named.is_empty() {
            return Ok(());
        }
        let json = serde_json::to_string(named).expect("names serialise");
        let rows = ENGINE.pick("json_each($1)", "jsonb_array_elements($1::jsonb)");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into user_names (user_id, name, fetched_at)
         select value ->> 0, value ->> 1, $2 from {rows} where true
         on conflict (user_id) do update set name = excluded.name, fetched_at = excluded.fetched_at"
        )))
        .bind(json)
        .bind(now)
        .execute(db)
        .await?;
        Ok(())
    })
}
