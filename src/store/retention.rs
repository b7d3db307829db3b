//! Retention of what people said (`HEROBOT_RETENTION_DAYS`): nominations, stories, customer
//! answers and report-card answers stored before a cutoff are deleted with everything attached,
//! one bounded batch per call (and per transaction), so the write lock is never held for long.
//! The search index follows by its delete triggers (migration 0011: only rows the indexer has
//! reached are in it), and the heroes' days are recounted where rows left them.
use crate::store::Conn;

/// What one batch deleted: the rows themselves, and the customer answers that went with stories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deleted {
    pub rows: u64,
    pub customer_answers: u64,
}

/// The oldest rows of `table` stored before `before`: their IDs (as a JSON array) and the span
/// of their times, if there are any.
async fn oldest(
    tx: &mut Conn<'_>,
    table: &str,
    before: i64,
    limit: i64,
) -> Result<Option<(String, i64, i64)>, sqlx::Error> {
    crate::on!(tx, tx => {
        // Table names come from this module, never from input.
        let ids = ENGINE.pick("json_group_array(id)", "coalesce(json_agg(id)::text, '[]')");
        let sql = format!(
            "select {ids}, min(created_at), max(created_at) from
               (select id, created_at from {table} where created_at < $1 order by created_at, id limit $2) as oldest"
        );
        let (ids, from, to): (String, Option<i64>, Option<i64>) =
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(before)
                .bind(limit)
                .fetch_one(&mut *tx)
                .await?;
        Ok(from.zip(to).map(|(from, to)| (ids, from, to)))
    })
}

/// Runs each of `statements` with the JSON array of IDs `ids`; answers the rows the last deleted.
async fn delete_all(
    tx: &mut Conn<'_>,
    statements: &[&'static str],
    ids: &str,
) -> Result<u64, sqlx::Error> {
    crate::on!(tx, tx => {
        let mut deleted = 0;
        for sql in statements {
            // The IDs are one JSON array, read as rows in each engine's spelling.
            let sql = ENGINE.pick(
                sql.to_string(),
                sql.replace(
                    "(select value from json_each($1))",
                    "(select value::bigint from jsonb_array_elements_text($1::jsonb))",
                ),
            );
            deleted = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(ids)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        Ok(deleted)
    })
}

/// Deletes up to `limit` of the oldest nominations stored before `before` (unix seconds), with
/// their heroes, tags and colleagues' thanks, and recounts the heroes' days they were in.
pub async fn nominations_before(
    tx: &mut Conn<'_>,
    before: i64,
    limit: i64,
) -> Result<Deleted, sqlx::Error> {
    let Some((ids, from, to)) = oldest(tx, "nominations", before, limit).await? else {
        return Ok(Deleted::default());
    };
    let rows = delete_all(
        tx,
        &[
            "delete from thanks where nomination_id in (select value from json_each($1))",
            "delete from nomination_tags where nomination_id in (select value from json_each($1))",
            "delete from nomination_heroes where nomination_id in (select value from json_each($1))",
            "delete from nominations where id in (select value from json_each($1))",
        ],
        &ids,
    )
    .await?;
    super::hero_days::recount(tx, from, to).await?;
    Ok(Deleted {
        rows,
        customer_answers: 0,
    })
}

/// Deletes up to `limit` of the oldest stories stored before `before`, with their heroes (and
/// their consents), tags, customer answers, customer asks and answer-link uses, and recounts the
/// heroes' days they were in.
pub async fn stories_before(
    tx: &mut Conn<'_>,
    before: i64,
    limit: i64,
) -> Result<Deleted, sqlx::Error> {
    let Some((ids, from, to)) = oldest(tx, "stories", before, limit).await? else {
        return Ok(Deleted::default());
    };
    let customer_answers = delete_all(
        tx,
        &["delete from customer_answers where story_id in (select value from json_each($1))"],
        &ids,
    )
    .await?;
    let rows = delete_all(
        tx,
        &[
            "delete from customer_asks where story_id in (select value from json_each($1))",
            "delete from thanks where story_id in (select value from json_each($1))",
            "delete from answer_link_uses where story_id in (select value from json_each($1))",
            "delete from story_tags where story_id in (select value from json_each($1))",
            "delete from story_heroes where story_id in (select value from json_each($1))",
            "delete from stories where id in (select value from json_each($1))",
        ],
        &ids,
    )
    .await?;
    super::hero_days::recount(tx, from, to).await?;
    Ok(Deleted {
        rows,
        customer_answers,
    })
}

/// Deletes up to `limit` customer answers last given before `before` (of stories still kept:
/// the others went with their stories).
pub async fn customer_answers_before(
    tx: &mut Conn<'_>,
    before: i64,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    crate::on!(tx, tx => {
        let done = sqlx::query(
            "delete from customer_answers where story_id in
               (select story_id from customer_answers where answered_at < $1 limit $2)",
        )
        .bind(before)
        .bind(limit)
        .execute(&mut *tx)
        .await?;
        Ok(done.rows_affected())
    })
}

/// Deletes up to `limit` report-card answers given before `before` in closed rounds (a round
/// still open keeps its answers until it closes), and as many comments about a whole card.
pub async fn report_card_answers_before(
    tx: &mut Conn<'_>,
    before: i64,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    crate::on!(tx, tx => {
        let done = sqlx::query(
            "delete from report_card_answers where (round_id, rater_id, deliverable_id) in
           (select a.round_id, a.rater_id, a.deliverable_id
            from report_card_answers a join report_card_rounds r on r.id = a.round_id
            where a.answered_at < $1 and r.closed_at is not null limit $2)",
        )
        .bind(before)
        .bind(limit)
        .execute(&mut *tx)
        .await?;
        // Comments about the whole card go with the answers, by the same rule.
        let comments = sqlx::query(
            "delete from report_card_round_comments where (round_id, rater_id) in
           (select k.round_id, k.rater_id
            from report_card_round_comments k join report_card_rounds r on r.id = k.round_id
            where k.answered_at < $1 and r.closed_at is not null limit $2)",
        )
        .bind(before)
        .bind(limit)
        .execute(&mut *tx)
        .await?;
        Ok(done.rows_affected() + comments.rows_affected())
    })
}
