//! `herobot copy-to`: copies the SQLite database into an empty PostgreSQL database, in one
//! transaction that commits only once every table's row count and checksum agree on both sides.
//!
//! The tables and columns come from the two schemas, not from a list, so a new migration is
//! copied too: every table SQLite holds (not its search indexes) goes to the table of the same
//! name, each value converted for its PostgreSQL column, parents before children.
mod fresh;
mod source;
mod target;
mod value;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use sqlx::Connection as _;
use sqlx::sqlite::SqliteConnection;
use sqlx_postgres::PgConnection;

pub use value::Sum;
use value::{Array, Kind, Tally};

/// A batch is sent once it holds this many rows, or this many bytes of values.
const BATCH_ROWS: usize = 5_000;
const BATCH_BYTES: usize = 4 << 20;

/// The shortest password `scrub` finds in free text.
const SCRUBBED_LENGTH: usize = 4;

/// A table copied, with what both sides agree it holds.
pub struct Copied {
    pub table: String,
    pub sum: Sum,
}

/// What a copy did.
pub struct Report {
    pub tables: Vec<Copied>,
    pub took: Duration,
}

impl Report {
    /// Each table with its rows and its checksum's first digits, a line each under a heading.
    pub fn table(&self) -> String {
        let mut out = format!("{:<28} {:>10}  checksum\n", "table", "rows");
        for t in &self.tables {
            out += &format!("{:<28} {:>10}  {}\n", t.table, t.sum.rows, t.sum.prefix());
        }
        out
    }

    /// The rows copied in all.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.sum.rows).sum()
    }

    /// The nominations and stories copied: none suggests the wrong source database.
    pub fn told(&self) -> u64 {
        let told = |t: &&Copied| t.table == "nominations" || t.table == "stories";
        self.tables.iter().filter(told).map(|t| t.sum.rows).sum()
    }
}

/// Whether `url` names a PostgreSQL server (the schemes libpq and sqlx accept).
pub fn is_postgres(url: &str) -> bool {
    let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
    scheme.eq_ignore_ascii_case("postgres") || scheme.eq_ignore_ascii_case("postgresql")
}

/// `url` with its password (in the user part, or a `password=` parameter) replaced by `***`.
pub fn redact(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(password) = password(url) {
        out = out.replace(&format!(":{password}@"), ":***@");
    }
    if let Some((head, query)) = out.split_once('?') {
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => p.to_owned(),
            })
            .collect();
        out = format!("{head}?{}", params.join("&"));
    }
    out
}

/// `text` with every password `url` holds replaced by `***` (a driver's message may quote it):
/// the URL itself wherever it appears, and the bare password where it is long enough to be told
/// from the message's own letters (replacing a one-letter password would garble every word).
pub fn scrub(text: &str, url: &str) -> String {
    let mut out = text.replace(url, &redact(url));
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let in_query = query.split('&').filter_map(|p| {
        p.split_once('=')
            .filter(|(k, _)| k.eq_ignore_ascii_case("password"))
            .map(|(_, v)| v)
    });
    for secret in password(url).into_iter().chain(in_query) {
        if secret.chars().count() >= SCRUBBED_LENGTH {
            out = out.replace(secret, "***");
        }
    }
    out
}

/// The password in `url`'s user part, if any.
fn password(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    userinfo.split_once(':').map(|(_, p)| p)
}

/// Copies the SQLite database at `database_url` into the empty PostgreSQL database at
/// `target_url`. Nothing is written to the target unless everything is: the migrations, the rows
/// and the sequences commit together, after the check.
pub async fn copy_to(database_url: &str, target_url: &str) -> anyhow::Result<Report> {
    let started = Instant::now();
    anyhow::ensure!(
        is_postgres(target_url),
        "the target is not a postgres:// URL"
    );
    let mut src = source::snapshot(database_url).await?;
    let tables = source::tables(&mut src).await?;
    let mut pg = target::connect(target_url)
        .await
        .map_err(|e| anyhow::anyhow!("could not connect to {}: {e}", redact(target_url)))?;
    let mut tx = target::begin(&mut pg).await?;
    let copied = match copy_all(&mut src, &mut tx, &tables).await {
        Ok(copied) => copied,
        Err(e) => {
            let _ = tx.rollback().await;
            return Err(e);
        }
    };
    tx.commit().await?;
    let _ = pg.close().await;
    Ok(Report {
        tables: copied,
        took: started.elapsed(),
    })
}

/// The copy itself, inside the target's transaction.
async fn copy_all(
    src: &mut SqliteConnection,
    pg: &mut PgConnection,
    tables: &[source::Table],
) -> anyhow::Result<Vec<Copied>> {
    refuse_unless_empty(pg, tables).await?;
    target::migrate(pg)
        .await
        .map_err(|e| anyhow::anyhow!("applying herobot's migrations to the target: {e}"))?;
    let columns = target::columns(pg).await?;
    let mut plan = Vec::new();
    for table in tables {
        let Some(found) = columns.get(&table.name) else {
            anyhow::bail!(
                "table {} is not in PostgreSQL's schema: this herobot's migrations differ; \
                 nothing was written",
                table.name
            );
        };
        plan.push((table, copied_columns(table, found, true)?));
    }
    let order = parents_first(&plan, &target::foreign_keys(pg).await?);
    for &i in &order {
        target::triggers(pg, &plan[i].0.name, false).await?;
    }
    for &i in order.iter().rev() {
        target::clear(pg, &plan[i].0.name).await?;
    }
    let mut sums = BTreeMap::new();
    for &i in &order {
        let (table, cols) = &plan[i];
        let sum = copy_table(src, pg, table, cols).await?;
        target::move_sequences(pg, &table.name).await?;
        if sum.rows > 0 {
            tracing::info!(table = %table.name, rows = sum.rows, "copied");
        }
        sums.insert(table.name.clone(), sum);
    }
    let mut copied = Vec::new();
    for (table, cols) in &plan {
        let source = sums[&table.name];
        let found = target::sum(pg, &table.name, &table.key, cols).await?;
        if found != source {
            anyhow::bail!(
                "table {} does not read back as SQLite holds it ({} rows in SQLite, {} in \
                 PostgreSQL, checksums {} and {}); the copy was rolled back, nothing was written",
                table.name,
                source.rows,
                found.rows,
                source.prefix(),
                found.prefix()
            );
        }
        target::triggers(pg, &table.name, true).await?;
        copied.push(Copied {
            table: table.name.clone(),
            sum: source,
        });
    }
    Ok(copied)
}

/// Refuses a target that holds a table herobot does not know, or a row in one of herobot's
/// tables that its migrations did not put there: the copy never overwrites or mixes data.
async fn refuse_unless_empty(
    pg: &mut PgConnection,
    tables: &[source::Table],
) -> anyhow::Result<()> {
    const HOW: &str = "copy-to fills only an empty database (or one herobot only migrated); \
        create a new one (e.g. `createdb herobot_new`) and copy into it. Nothing was written";
    let known: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    let present = target::tables(pg).await?;
    for (schema, table, current) in &present {
        if table == "_sqlx_migrations" && *current {
            continue;
        }
        if !*current || !known.contains(table.as_str()) {
            anyhow::bail!(
                "the target database is not empty: it holds table {schema}.{table}, which is \
                 not herobot's. {HOW}"
            );
        }
    }
    let columns = target::columns(pg).await?;
    let mut fresh: Option<SqliteConnection> = None;
    for table in tables {
        if !present.iter().any(|(_, t, c)| *c && *t == table.name)
            || !target::has_rows(pg, &table.name).await?
        {
            continue;
        }
        let cols = copied_columns(table, &columns[&table.name], false)?;
        let found = target::sum(pg, &table.name, &table.key, &cols).await?;
        // Rows the migrations seed (the search indexer's bookmarks) are no data.
        if fresh.is_none() {
            fresh = Some(fresh::migrated().await?);
        }
        let seeded = read_sum(fresh.as_mut().expect("set"), table, &cols).await?;
        if found != seeded {
            anyhow::bail!(
                "the target database is not empty: table {} already holds {} row(s). {HOW}",
                table.name,
                found.rows
            );
        }
    }
    Ok(())
}

/// The columns of `table` the copy writes, each with its PostgreSQL kind: every SQLite column,
/// none that PostgreSQL computes. `strict`: a column only one side has is an error (the copy
/// would lose it, or leave it empty); otherwise it is left out (to look at an older schema).
fn copied_columns(
    table: &source::Table,
    target: &[target::Column],
    strict: bool,
) -> anyhow::Result<Vec<(String, Kind)>> {
    let mut cols = Vec::new();
    for name in &table.columns {
        match target.iter().find(|c| c.name == *name && !c.generated) {
            Some(c) => {
                let Some(kind) = Kind::from_postgres(&c.data_type) else {
                    anyhow::bail!(
                        "{}.{name} is of type {} in PostgreSQL, which copy-to cannot fill; \
                         nothing was written",
                        table.name,
                        c.data_type
                    );
                };
                cols.push((name.clone(), kind));
            }
            None if strict => anyhow::bail!(
                "{}.{name} is not in PostgreSQL's schema: this herobot's migrations differ; \
                 nothing was written",
                table.name
            ),
            None => {}
        }
    }
    if strict
        && let Some(extra) = target
            .iter()
            .find(|c| !c.generated && !table.columns.contains(&c.name))
    {
        anyhow::bail!(
            "{}.{} is only in PostgreSQL's schema: this herobot's migrations differ; nothing \
             was written",
            table.name,
            extra.name
        );
    }
    Ok(cols)
}

/// The plan's indexes, every table after the tables its foreign keys point to (by name, then).
fn parents_first(
    plan: &[(&source::Table, Vec<(String, Kind)>)],
    keys: &[(String, String)],
) -> Vec<usize> {
    let mut order = Vec::new();
    let mut placed = BTreeSet::new();
    while order.len() < plan.len() {
        let before = order.len();
        for (i, (table, _)) in plan.iter().enumerate() {
            let ready = keys.iter().all(|(child, parent)| {
                child != &table.name
                    || parent == child
                    || placed.contains(parent.as_str())
                    || !plan.iter().any(|(t, _)| t.name == *parent)
            });
            if !placed.contains(table.name.as_str()) && ready {
                placed.insert(table.name.as_str());
                order.push(i);
            }
        }
        if order.len() == before {
            // A cycle of foreign keys: the rest in name order, and PostgreSQL says if it fails.
            for (i, (table, _)) in plan.iter().enumerate() {
                if placed.insert(table.name.as_str()) {
                    order.push(i);
                }
            }
        }
    }
    order
}

/// Streams `table`'s rows from SQLite in primary-key order into PostgreSQL by batches, and
/// returns their count and checksum as read from SQLite.
async fn copy_table(
    src: &mut SqliteConnection,
    pg: &mut PgConnection,
    table: &source::Table,
    cols: &[(String, Kind)],
) -> anyhow::Result<Sum> {
    let names: Vec<String> = cols.iter().map(|(c, _)| c.clone()).collect();
    let sql = source::select(table, &names);
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *src);
    let empty = || cols.iter().map(|(_, k)| Array::new(*k)).collect::<Vec<_>>();
    let (mut batch, mut count, mut bytes) = (empty(), 0, 0);
    let mut tally = Tally::default();
    while let Some(row) = std::future::poll_fn(|cx| rows.as_mut().poll_next(cx)).await {
        let values = source::decode(&row?, &table.name, cols)?;
        tally.row(&values);
        for (array, value) in batch.iter_mut().zip(values) {
            bytes += value.size();
            array.push(value);
        }
        count += 1;
        if count >= BATCH_ROWS || bytes >= BATCH_BYTES {
            let full = std::mem::replace(&mut batch, empty());
            target::insert(pg, &table.name, cols, full).await?;
            (count, bytes) = (0, 0);
        }
    }
    if count > 0 {
        target::insert(pg, &table.name, cols, batch).await?;
    }
    Ok(tally.finish())
}

/// The count and checksum of `cols` of `table` in a SQLite database, in primary-key order.
async fn read_sum(
    conn: &mut SqliteConnection,
    table: &source::Table,
    cols: &[(String, Kind)],
) -> anyhow::Result<Sum> {
    let names: Vec<String> = cols.iter().map(|(c, _)| c.clone()).collect();
    let sql = source::select(table, &names);
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(conn);
    let mut tally = Tally::default();
    while let Some(row) = std::future::poll_fn(|cx| rows.as_mut().poll_next(cx)).await {
        tally.row(&source::decode(&row?, &table.name, cols)?);
    }
    Ok(tally.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let url = "postgres://herobot:s3cr%40t@db.example.com:5432/herobot?sslmode=require";
        assert_eq!(
            redact(url),
            "postgres://herobot:***@db.example.com:5432/herobot?sslmode=require"
        );
        let said = scrub(&format!("failed for {url}: bad password s3cr%40t"), url);
        assert!(!said.contains("s3cr"), "{said}");
        let query = "postgresql://db/herobot?user=h&password=hunter2";
        assert_eq!(redact(query), "postgresql://db/herobot?user=h&password=***");
        assert!(!scrub("hunter2!", query).contains("hunter2"));
        let short = "postgres://herobot:x@db/herobot";
        assert_eq!(
            scrub(&format!("table outbox at {short}"), short),
            "table outbox at postgres://herobot:***@db/herobot"
        );
        assert_eq!(redact("postgres://db/herobot"), "postgres://db/herobot");
        assert_eq!(redact("postgres://h@db/x"), "postgres://h@db/x");
    }

    #[test]
    fn only_postgres_urls_are_targets() {
        assert!(is_postgres("postgres://db/x"));
        assert!(is_postgres("PostgreSQL://db/x"));
        assert!(!is_postgres("sqlite://herobot.db"));
        assert!(!is_postgres("mysql://db/x"));
        assert!(!is_postgres("postgres:/db"));
    }
}
