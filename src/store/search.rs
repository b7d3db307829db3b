//! Full-text search over stories and nominations (SQLite: FTS5 and bm25; PostgreSQL: the generated
//! `search` columns and ts_rank), the safe translation of whatever a person typed into a query,
//! and the indexer that follows committed rows into the index.
use crate::store::{Backend, Conn, Db};
use sqlx::FromRow;

use super::Writes;

/// Turns any text into an FTS5 query that matches all its words (the last one as a prefix):
/// every word becomes a quoted string, so quotes, stars, `OR`, `NEAR`, hyphens and parentheses
/// are searched for as text, never read as syntax. None when nothing searchable is left. The
/// indexes stem with the porter tokenizer, and FTS5 stems each quoted word of the query the same
/// way, so every word matches its other forms ("refunded" finds "refund").
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(20)
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    let (last, rest) = words.split_last()?;
    let mut query = rest.join(" ");
    if !query.is_empty() {
        query.push(' ');
    }
    query.push_str(last);
    query.push('*');
    Some(query)
}

/// `text` as a PostgreSQL `to_tsquery` text for the configuration `herobot`: every word,
/// quoted, and the last one also as a prefix (`'on' & 'tim':*`), as `fts_query` is for FTS5.
/// None when no word is left to search for.
pub fn tsquery(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(20)
        .map(|w| {
            let kept: String = w
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                .collect();
            format!(
                "'{}'",
                kept.split_whitespace().collect::<Vec<_>>().join(" ")
            )
        })
        .collect();
    let (last, rest) = words.split_last()?;
    let mut query: Vec<String> = rest.to_vec();
    query.push(format!("{last}:*"));
    Some(query.join(" & "))
}

/// Marks the start and end of a matched word in a snippet (replaced when rendered).
pub const MATCH_START: char = '\u{1}';
pub const MATCH_END: char = '\u{2}';

/// One search result.
#[derive(Debug, Clone, FromRow)]
pub struct Hit {
    /// `story` or `nomination`.
    pub kind: String,
    pub id: i64,
    /// The story's title; None for a nomination.
    pub title: Option<String>,
    /// Matched words between `MATCH_START` and `MATCH_END`.
    pub snippet: String,
    pub created_at: i64,
    /// The author or nominator.
    pub by_id: String,
    pub message_permalink: Option<String>,
    /// JSON array of hero IDs.
    pub heroes: String,
}

impl Hit {
    pub fn heroes(&self) -> Vec<String> {
        serde_json::from_str(&self.heroes).unwrap_or_default()
    }
}

/// The best `limit` matches among stories and nominations, best first. Ranking reads only the
/// index (bm25); snippets are cut afterwards, for the winners alone.
pub async fn search(db: &Db, text: &str, limit: i64) -> Result<Vec<Hit>, sqlx::Error> {
    crate::on!(db, db => {
        let Some(query) = ENGINE.pick(fts_query as fn(&str) -> Option<String>, tsquery)(text) else {
            return Ok(Vec::new());
        };
        let ranked: Vec<(String, i64)> = sqlx::query_as(ENGINE.pick(RANKED, RANKED_POSTGRES))
        .bind(&query)
        .bind(limit)
        .fetch_all(db)
        .await?;
        let mut hits = Vec::with_capacity(ranked.len());
        for (kind, id) in ranked {
            let sql = if kind == "story" {
                ENGINE.pick(STORY_HIT, STORY_HIT_POSTGRES)
            } else {
                ENGINE.pick(NOMINATION_HIT, NOMINATION_HIT_POSTGRES)
            };
            if let Some(hit) = sqlx::query_as(sql)
                .bind(&query)
                .bind(id)
                .fetch_optional(db)
                .await?
            {
                hits.push(hit);
            }
        }
        Ok(hits)
    })
}

/// SQLite: the best matches of each table by bm25 (lower is better), weighing a story's title
/// 10, what went wrong and how it was fixed 4, the surprise 2, a nomination's reason 1.
const RANKED: &str = "select kind, id from (
            select * from (select 'story' as kind, rowid as id, bm25(stories_fts, 10.0, 4.0, 4.0, 2.0) as rank
                           from stories_fts where stories_fts match $1 order by rank limit $2)
            union all
            select * from (select 'nomination', rowid, bm25(nominations_fts) as rank
                           from nominations_fts where nominations_fts match $1 order by rank limit $2)
         ) order by rank limit $2";

/// PostgreSQL: the same by ts_rank (higher is better) over the generated `search` columns, whose
/// weights keep bm25's 10 : 4 : 4 : 2 : 1 (A, B, B, C for a story, D for a nomination's reason,
/// with ts_rank's default weights 1.0, 0.4, 0.2, 0.1).
const RANKED_POSTGRES: &str = "select kind, id from (
            (select 'story' as kind, s.id, ts_rank(s.search, q) as rank
               from stories s, to_tsquery('herobot', $1) as q where s.search @@ q
               order by rank desc, s.id desc limit $2)
            union all
            (select 'nomination', n.id, ts_rank(n.search, q) as rank
               from nominations n, to_tsquery('herobot', $1) as q where n.search @@ q
               order by rank desc, n.id desc limit $2)
         ) as matches order by rank desc, id desc limit $2";

const STORY_HIT: &str = "select 'story' as kind, s.id, s.title,
        snippet(stories_fts, -1, char(1), char(2), '…', 16) as snippet,
        s.created_at, s.author_id as by_id, s.message_permalink,
        (select json_group_array(hero_id) from (select hero_id from story_heroes
           where story_id = s.id order by position)) as heroes
     from stories_fts join stories s on s.id = stories_fts.rowid
     where stories_fts match $1 and stories_fts.rowid = $2";

const NOMINATION_HIT: &str = "select 'nomination' as kind, n.id, null as title,
        snippet(nominations_fts, 0, char(1), char(2), '…', 16) as snippet,
        n.created_at, n.nominator_id as by_id, n.message_permalink,
        (select json_group_array(hero_id) from (select hero_id from nomination_heroes
           where nomination_id = n.id order by position)) as heroes
     from nominations_fts join nominations n on n.id = nominations_fts.rowid
     where nominations_fts match $1 and nominations_fts.rowid = $2";

/// PostgreSQL's snippet: ts_headline around the matched words, about 16 words long.
macro_rules! headline {
    ($text:literal) => {
        concat!(
            "ts_headline('herobot', ",
            $text,
            ", to_tsquery('herobot', $1), 'StartSel=' || chr(1) || ', StopSel=' || chr(2)
                || ', MaxWords=16, MinWords=8') as snippet"
        )
    };
}

const STORY_HIT_POSTGRES: &str = concat!(
    "select 'story' as kind, s.id, s.title, ",
    headline!("concat_ws(' ', s.title, s.what_went_wrong, s.how_fixed, s.surprise)"),
    ", s.created_at, s.author_id as by_id, s.message_permalink,
        (select coalesce(json_agg(hero_id order by position), '[]')::text from story_heroes
           where story_id = s.id) as heroes
     from stories s where s.id = $2"
);

const NOMINATION_HIT_POSTGRES: &str = concat!(
    "select 'nomination' as kind, n.id, null as title, ",
    headline!("n.reason"),
    ", n.created_at, n.nominator_id as by_id, n.message_permalink,
        (select coalesce(json_agg(hero_id order by position), '[]')::text from nomination_heroes
           where nomination_id = n.id) as heroes
     from nominations n where n.id = $2"
);

/// How often the indexer looks for committed rows: search lags the commit by about this much.
pub const INDEX_EVERY: std::time::Duration = std::time::Duration::from_millis(250);
/// Rows indexed per table and transaction by the indexer.
pub const INDEX_BATCH: i64 = 2_000;

/// Whether committed rows wait to be indexed for search.
async fn search_pending(db: &Db) -> Result<bool, sqlx::Error> {
    crate::on!(db, db => {
        sqlx::query_scalar(
            "select exists (select 1 from nominations
                        where id > (select last_id from search_indexed where source = 'nominations'))
             or exists (select 1 from stories
                        where id > (select last_id from search_indexed where source = 'stories'))",
        )
        .fetch_one(db)
        .await
    })
}

/// Whether committed rows wait to be indexed or rolled up into the heroes' days.
pub async fn pending(db: &Db) -> Result<bool, sqlx::Error> {
    crate::on!(db, db => {
        sqlx::query_scalar(
            "select exists (select 1 from nominations
                        where id > (select last_id from search_indexed where source = 'nominations'))
             or exists (select 1 from stories
                        where id > (select last_id from search_indexed where source = 'stories'))
             or exists (select 1 from nominations
                        where id > (select last_id from hero_days_indexed where source = 'nominations'))
             or exists (select 1 from stories
                        where id > (select last_id from hero_days_indexed where source = 'stories'))",
        )
        .fetch_one(db)
        .await
    })
}

/// Indexes up to `batch` committed rows of each table that are not yet indexed and adds up to
/// `batch` to the heroes' days, recording how far each got, in one transaction; answers how many
/// rows it indexed or rolled up.
pub async fn index_pending(db: &Db, writes: &Writes, batch: i64) -> Result<u64, sqlx::Error> {
    if !pending(db).await? {
        return Ok(0);
    }
    let mut tx = writes.begin().await?;
    let mut indexed = match tx.backend() {
        Backend::Sqlite => index_fts(&mut tx, batch).await?,
        // PostgreSQL's search columns are generated with each row: nothing waits to be indexed.
        Backend::Postgres => {
            crate::on!(&mut tx, tx => {
                // One replica at a time moves the marks and rolls up the heroes' days: two at
                // once would add the same rows twice. The lock ends with the transaction.
                sqlx::query("select pg_advisory_xact_lock(hashtext('herobot:indexer'))")
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "update search_indexed set last_id = coalesce((select max(id) from nominations), 0)
                     where source = 'nominations';",
                )
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "update search_indexed set last_id = coalesce((select max(id) from stories), 0)
                     where source = 'stories'",
                )
                .execute(&mut *tx)
                .await?;
            });
            0
        }
    };
    indexed += super::hero_days::follow(&mut tx, batch, writes.clock().now_secs()).await?;
    tx.commit().await?;
    Ok(indexed)
}

/// SQLite: adds up to `batch` rows of each table past its mark to the FTS5 index.
async fn index_fts(tx: &mut Conn<'_>, batch: i64) -> Result<u64, sqlx::Error> {
    crate::on!(tx, tx => {
        let mut indexed = 0;
        for (source, insert) in [
            (
                "nominations",
                "insert into nominations_fts (rowid, reason)
                 select id, reason from nominations where id > $1 and id <= $2",
            ),
            (
                "stories",
                "insert into stories_fts (rowid, title, what_went_wrong, how_fixed, surprise)
                 select id, title, what_went_wrong, how_fixed, surprise from stories where id > $1 and id <= $2",
            ),
        ] {
            let last: i64 =
                sqlx::query_scalar("select last_id from search_indexed where source = $1")
                    .bind(source)
                    .fetch_one(&mut *tx)
                    .await?;
            // Table names come from the list above, never from input.
            let upto = format!(
                "select max(id) from (select id from {source} where id > $1 order by id limit $2) as next"
            );
            let upto: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(upto))
                .bind(last)
                .bind(batch)
                .fetch_one(&mut *tx)
                .await?;
            let Some(upto) = upto else { continue };
            indexed += sqlx::query(insert)
                .bind(last)
                .bind(upto)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query("update search_indexed set last_id = $2 where source = $1")
                .bind(source)
                .bind(upto)
                .execute(&mut *tx)
                .await?;
        }
        Ok(indexed)
    })
}

/// Indexes everything committed so far for search, a batch at a time: what a search waits for.
/// The heroes' days move on a batch with each, and the indexer rolls up the rest (after an
/// upgrade on a large database, that is seconds of work no search should wait for).
pub async fn catch_up(db: &Db, writes: &Writes) -> Result<u64, sqlx::Error> {
    let mut indexed = 0;
    while search_pending(db).await? {
        indexed += index_pending(db, writes, INDEX_BATCH).await?;
    }
    Ok(indexed)
}

/// Indexes and rolls up everything committed so far, a batch at a time.
pub async fn catch_up_all(db: &Db, writes: &Writes) -> Result<u64, sqlx::Error> {
    let mut indexed = 0;
    loop {
        let batch = index_pending(db, writes, INDEX_BATCH).await?;
        if batch == 0 {
            return Ok(indexed);
        }
        indexed += batch;
    }
}

/// Rebuilds both indexes and the heroes' days from the tables (`herobot reindex`), in one
/// transaction.
pub async fn rebuild(writes: &Writes) -> Result<(), sqlx::Error> {
    let mut tx = writes.begin().await?;
    let fts = [
        "insert into stories_fts (stories_fts) values ('rebuild')",
        "insert into nominations_fts (nominations_fts) values ('rebuild')",
    ];
    let marks = [
        "update search_indexed set last_id = coalesce((select max(id) from nominations), 0)
         where source = 'nominations'",
        "update search_indexed set last_id = coalesce((select max(id) from stories), 0)
         where source = 'stories'",
    ];
    // PostgreSQL's search columns are generated with each row: only the marks move.
    let rebuilt = tx.backend().pick(&fts[..], &[]);
    for statement in rebuilt.iter().chain(&marks) {
        crate::on!(&mut tx, tx => sqlx::query(*statement).execute(tx).await.map(|_| ()))?;
    }
    super::hero_days::rebuild(&mut tx, writes.clock().now_secs()).await?;
    tx.commit().await
}

/// What a person's profile shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub received: i64,
    pub given: i64,
    /// Thanks colleagues added to what credits the person.
    pub thanks: i64,
    pub stories: i64,
    pub first: Option<i64>,
    pub latest: Option<i64>,
    /// Most frequent first, with their counts.
    pub tags: Vec<(String, i64)>,
    /// The latest recognitions received: when, by whom, why.
    pub recent: Vec<(i64, String, String)>,
}

/// A person's counts (`?1`): received, given, stories credited, first and latest recognition.
pub const PROFILE: &str = "with received as (
            select n.created_at from nomination_heroes h join nominations n on n.id = h.nomination_id where h.hero_id = $1
            union all
            select s.created_at from story_heroes h join stories s on s.id = h.story_id where h.hero_id = $1)
         select (select count(*) from nomination_heroes where hero_id = $1),
                (select count(*) from nominations where nominator_id = $1),
                (select count(*) from story_heroes where hero_id = $1),
                (select min(created_at) from received),
                (select max(created_at) from received)";

/// The five tags most used on what recognised a person (`?1`).
pub const PROFILE_TAGS: &str = "select tag, count(*) as uses from (
            select t.tag from nomination_heroes h join nomination_tags t on t.nomination_id = h.nomination_id
            where h.hero_id = $1
            union all
            select t.tag from story_heroes h join story_tags t on t.story_id = h.story_id where h.hero_id = $1) as used
         group by tag order by uses desc, tag limit 5";

/// The three latest nominations of a person (`?1`): when, by whom, why.
pub const PROFILE_RECENT: &str =
    "select n.created_at, n.nominator_id, n.reason from nomination_heroes h
         join nominations n on n.id = h.nomination_id where h.hero_id = $1
         order by n.created_at desc, n.id desc limit 3";

/// A person's recognitions received and given, stories credited, dates and tags: each found by
/// index seeks on the person (see [`PROFILE`], [`PROFILE_TAGS`], [`PROFILE_RECENT`]).
pub async fn profile(db: &Db, user: &str) -> Result<Profile, sqlx::Error> {
    crate::on!(db, db => {
        let (received, given, stories, first, latest): (i64, i64, i64, Option<i64>, Option<i64>) =
            sqlx::query_as(PROFILE).bind(user).fetch_one(db).await?;
        let tags = sqlx::query_as(PROFILE_TAGS)
            .bind(user)
            .fetch_all(db)
            .await?;
        let recent = sqlx::query_as(PROFILE_RECENT)
            .bind(user)
            .fetch_all(db)
            .await?;
        Ok(Profile {
            received,
            given,
            thanks: super::thanks::received(db, user, 0).await?,
            stories,
            first,
            latest,
            tags,
            recent,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_quoted_and_the_last_is_a_prefix() {
        assert_eq!(
            fts_query("billing outage").as_deref(),
            Some("\"billing\" \"outage\"*")
        );
        assert_eq!(fts_query("  refund ").as_deref(), Some("\"refund\"*"));
    }

    #[test]
    fn syntax_characters_are_searched_as_text() {
        assert_eq!(
            fts_query("\"billing OR NOT x*").as_deref(),
            Some("\"\"\"billing\" \"OR\" \"NOT\" \"x*\"*")
        );
        assert_eq!(
            fts_query("NEAR(a b) -c ^d col:e").as_deref(),
            Some("\"NEAR(a\" \"b)\" \"-c\" \"^d\" \"col:e\"*")
        );
    }

    #[test]
    fn text_with_nothing_to_search_for_is_no_query() {
        for text in ["", "   ", "*** -- \"\" 🎉🔥", "()"] {
            assert_eq!(fts_query(text), None, "{text:?}");
        }
    }
}
