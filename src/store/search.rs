//! Full-text search over stories and nominations (FTS5, bm25), and the safe translation of
//! whatever a person typed into an FTS5 query.
use sqlx::{FromRow, SqlitePool};

/// Turns any text into an FTS5 query that matches all its words (the last one as a prefix):
/// every word becomes a quoted string, so quotes, stars, `OR`, `NEAR`, hyphens and parentheses
/// are searched for as text, never read as syntax. None when nothing searchable is left.
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
pub async fn search(db: &SqlitePool, text: &str, limit: i64) -> Result<Vec<Hit>, sqlx::Error> {
    let Some(query) = fts_query(text) else {
        return Ok(Vec::new());
    };
    let ranked: Vec<(String, i64)> = sqlx::query_as(
        "select kind, id from (
            select * from (select 'story' as kind, rowid as id, bm25(stories_fts, 10.0, 4.0, 4.0, 2.0) as rank
                           from stories_fts where stories_fts match ?1 order by rank limit ?2)
            union all
            select * from (select 'nomination', rowid, bm25(nominations_fts) as rank
                           from nominations_fts where nominations_fts match ?1 order by rank limit ?2)
         ) order by rank limit ?2",
    )
    .bind(&query)
    .bind(limit)
    .fetch_all(db)
    .await?;
    let mut hits = Vec::with_capacity(ranked.len());
    for (kind, id) in ranked {
        let sql = if kind == "story" {
            STORY_HIT
        } else {
            NOMINATION_HIT
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
}

const STORY_HIT: &str = "select 'story' as kind, s.id, s.title,
        snippet(stories_fts, -1, char(1), char(2), '…', 16) as snippet,
        s.created_at, s.author_id as by_id, s.message_permalink,
        (select json_group_array(hero_id) from (select hero_id from story_heroes
           where story_id = s.id order by position)) as heroes
     from stories_fts join stories s on s.id = stories_fts.rowid
     where stories_fts match ?1 and stories_fts.rowid = ?2";

const NOMINATION_HIT: &str = "select 'nomination' as kind, n.id, null as title,
        snippet(nominations_fts, 0, char(1), char(2), '…', 16) as snippet,
        n.created_at, n.nominator_id as by_id, n.message_permalink,
        (select json_group_array(hero_id) from (select hero_id from nomination_heroes
           where nomination_id = n.id order by position)) as heroes
     from nominations_fts join nominations n on n.id = nominations_fts.rowid
     where nominations_fts match ?1 and nominations_fts.rowid = ?2";

/// What a person's profile shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub received: i64,
    pub given: i64,
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
            select n.created_at from nomination_heroes h join nominations n on n.id = h.nomination_id where h.hero_id = ?1
            union all
            select s.created_at from story_heroes h join stories s on s.id = h.story_id where h.hero_id = ?1)
         select (select count(*) from nomination_heroes where hero_id = ?1),
                (select count(*) from nominations where nominator_id = ?1),
                (select count(*) from story_heroes where hero_id = ?1),
                (select min(created_at) from received),
                (select max(created_at) from received)";

/// The five tags most used on what recognised a person (`?1`).
pub const PROFILE_TAGS: &str = "select tag, count(*) as uses from (
            select t.tag from nomination_heroes h join nomination_tags t on t.nomination_id = h.nomination_id
            where h.hero_id = ?1
            union all
            select t.tag from story_heroes h join story_tags t on t.story_id = h.story_id where h.hero_id = ?1)
         group by tag order by uses desc, tag limit 5";

/// The three latest nominations of a person (`?1`): when, by whom, why.
pub const PROFILE_RECENT: &str =
    "select n.created_at, n.nominator_id, n.reason from nomination_heroes h
         join nominations n on n.id = h.nomination_id where h.hero_id = ?1
         order by n.created_at desc, n.id desc limit 3";

/// A person's recognitions received and given, stories credited, dates and tags: each found by
/// index seeks on the person (see [`PROFILE`], [`PROFILE_TAGS`], [`PROFILE_RECENT`]).
pub async fn profile(db: &SqlitePool, user: &str) -> Result<Profile, sqlx::Error> {
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
        stories,
        first,
        latest,
        tags,
        recent,
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
