//! The group-commit writer's batch on PostgreSQL: the batch's works, then its request keys
//! claimed (a key another replica is storing waits for that replica, then replays its answer),
//! IDs drawn from the nominations' sequence, one `unnest` insert per table, and the commit.
use std::collections::{HashMap, HashSet};

use sqlx_postgres::PgConnection;

use super::group::{AnyWork, Output, WorkReply, run_works};
use crate::store::Conn;
use crate::store::nominations::{Committed, Submission, insert_postgres};

pub(super) async fn commit(
    conn: &mut PgConnection,
    batch: &[&Submission],
    works: &mut Vec<(AnyWork, WorkReply)>,
    done: &mut Vec<(WorkReply, Result<Output, sqlx::Error>)>,
    now_ms: i64,
) -> Result<Vec<Committed>, sqlx::Error> {
    sqlx::query("begin").execute(&mut *conn).await?;
    run_works(&mut Conn::postgres_within(conn), works, done).await?;

    // A key twice in the batch is stored once; the second replays the first.
    let mut firsts: Vec<&Submission> = Vec::with_capacity(batch.len());
    let mut in_batch = HashSet::with_capacity(batch.len());
    for s in batch {
        if in_batch.insert(s.key.as_str()) {
            firsts.push(s);
        }
    }
    let keys: Vec<&str> = firsts.iter().map(|s| s.key.as_str()).collect();
    let acks: Vec<&str> = firsts.iter().map(|s| s.ack.as_str()).collect();
    // The keys inserted now are this batch's to store. A key committed before (a replay) is
    // skipped; one another replica is inserting holds this insert until that replica commits
    // (then it is skipped) or rolls back (then it is inserted here).
    let claimed: HashSet<String> = sqlx::query_scalar(
        "insert into slack_requests (key, response, created_at)
         select key, response, $3 from unnest($1::text[], $2::text[]) as r(key, response)
         on conflict (key) do nothing
         returning key",
    )
    .bind(&keys)
    .bind(&acks)
    .bind(now_ms / 1000)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let replayed: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| !claimed.contains(*k))
        .collect();
    let mut answers: HashMap<String, String> = if replayed.is_empty() {
        HashMap::new()
    } else {
        sqlx::query_as("select key, coalesce(response, '') from slack_requests where key = any($1)")
            .bind(&replayed)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect()
    };
    let mut ids: Vec<i64> = sqlx::query_scalar(
        "select nextval(pg_get_serial_sequence('nominations', 'id'))
         from generate_series(1, $1)",
    )
    .bind(claimed.len() as i64)
    .fetch_all(&mut *conn)
    .await?;
    ids.sort_unstable();
    let mut ids = ids.into_iter();

    let mut results = Vec::with_capacity(batch.len());
    let mut stored: Vec<(&Submission, i64)> = Vec::with_capacity(claimed.len());
    for s in batch {
        if let Some(ack) = answers.get(&s.key) {
            results.push(Committed::Replay(ack.clone()));
            continue;
        }
        let id = ids.next().expect("an ID was drawn for each claimed key");
        answers.insert(s.key.clone(), s.ack.clone());
        stored.push((s, id));
        results.push(Committed::Stored(id));
    }
    if !stored.is_empty() {
        insert_postgres(conn, &stored, now_ms).await?;
    }
    sqlx::query("commit").execute(&mut *conn).await?;
    Ok(results)
}
