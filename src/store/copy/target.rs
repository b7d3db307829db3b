//! `copy-to`'s target: the PostgreSQL database named on the command line, never herobot's own.
//! Its schema (tables, columns, foreign keys, sequences) is read from its catalog; rows go in by
//! batches of arrays, and the check reads them back in primary-key order.
use std::collections::BTreeMap;
use std::str::FromStr;

use sqlx::{ConnectOptions, Connection, Row};
use sqlx_postgres::{PgConnectOptions, PgConnection};

use super::source::quoted;
use super::value::{Array, Kind, Sum, Tally, Value};

/// Connects to the target (the URL is checked to be PostgreSQL's by the caller). A copy's
/// statements are long by design: they are not logged as slow.
pub async fn connect(url: &str) -> Result<PgConnection, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?.disable_statement_logging();
    PgConnection::connect_with(&options).await
}

/// Starts the copy's one transaction on the target: until it commits, nothing is written.
pub async fn begin(
    conn: &mut PgConnection,
) -> Result<sqlx::Transaction<'_, sqlx_postgres::Postgres>, sqlx::Error> {
    conn.begin().await
}

/// Every table in the target outside PostgreSQL's own schemas: (schema, table, whether the
/// schema is the one herobot's tables go in).
pub async fn tables(conn: &mut PgConnection) -> Result<Vec<(String, String, bool)>, sqlx::Error> {
    sqlx::query_as(
        "select n.nspname::text, c.relname::text, n.nspname = current_schema()
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
           and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
         order by 1, 2",
    )
    .fetch_all(conn)
    .await
}

/// A column of a target table: its name, its `data_type`, and whether PostgreSQL computes it
/// (a generated column, such as `search`, is never written).
pub struct Column {
    pub name: String,
    pub data_type: String,
    pub generated: bool,
}

/// Every table's columns in the target's schema, in their order.
pub async fn columns(
    conn: &mut PgConnection,
) -> Result<BTreeMap<String, Vec<Column>>, sqlx::Error> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "select table_name::text, column_name::text, data_type::text, is_generated::text
         from information_schema.columns where table_schema = current_schema()
         order by table_name, ordinal_position",
    )
    .fetch_all(conn)
    .await?;
    let mut tables: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for (table, name, data_type, generated) in rows {
        tables.entry(table).or_default().push(Column {
            name,
            data_type,
            generated: generated == "ALWAYS",
        });
    }
    Ok(tables)
}

/// Whether `table` holds any row.
pub async fn has_rows(conn: &mut PgConnection, table: &str) -> Result<bool, sqlx::Error> {
    let sql = format!("select exists (select 1 from {})", quoted(table));
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(conn)
        .await
}

/// Applies herobot's PostgreSQL migrations (each in a savepoint of the copy's transaction).
pub async fn migrate(conn: &mut PgConnection) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("./migrations/postgres").run(conn).await
}

/// Each foreign key between two tables of the target's schema, as (child, parent).
pub async fn foreign_keys(conn: &mut PgConnection) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "select child.relname::text, parent.relname::text
         from pg_constraint k
         join pg_class child on child.oid = k.conrelid
         join pg_class parent on parent.oid = k.confrelid
         where k.contype = 'f' and k.connamespace = current_schema()::regnamespace",
    )
    .fetch_all(conn)
    .await
}

/// Turns `table`'s own triggers (App Home's re-publish) off or back on; foreign keys stay
/// checked (their triggers are the system's). Inside the transaction, so a failure turns them
/// back on too.
pub async fn triggers(conn: &mut PgConnection, table: &str, on: bool) -> Result<(), sqlx::Error> {
    let verb = if on { "enable" } else { "disable" };
    let sql = format!("alter table {} {verb} trigger user", quoted(table));
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes what the migrations seeded in `table` (the copy brings the source's rows instead).
pub async fn clear(conn: &mut PgConnection, table: &str) -> Result<(), sqlx::Error> {
    let sql = format!("delete from {}", quoted(table));
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(conn)
        .await?;
    Ok(())
}

/// Inserts a batch: one array per column, unnested into rows, identity values as the source
/// has them. Takes as many parameters as columns, however many rows.
pub async fn insert(
    conn: &mut PgConnection,
    table: &str,
    columns: &[(String, Kind)],
    arrays: Vec<Array>,
) -> Result<(), sqlx::Error> {
    let names: Vec<String> = columns.iter().map(|(c, _)| quoted(c)).collect();
    let params: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| format!("${}::{}[]", i + 1, kind.wire()))
        .collect();
    let sql = format!(
        "insert into {} ({}) overriding system value select * from unnest({})",
        quoted(table),
        names.join(", "),
        params.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for array in arrays {
        query = match array {
            Array::Int(v) => query.bind(v),
            Array::Bool(v) => query.bind(v),
            Array::Real(v) => query.bind(v),
            Array::Text(v) => query.bind(v),
            Array::Bytes(v) => query.bind(v),
        };
    }
    query.execute(conn).await?;
    Ok(())
}

/// Moves the sequence behind each identity (or serial) column of `table` past the largest
/// value copied, so the next row without an ID gets a new one. Returns how many moved.
pub async fn move_sequences(conn: &mut PgConnection, table: &str) -> Result<usize, sqlx::Error> {
    let found: Vec<(String, String)> = sqlx::query_as(
        "select column_name::text, pg_get_serial_sequence(quote_ident($1), column_name)
         from information_schema.columns
         where table_schema = current_schema() and table_name = $1
           and pg_get_serial_sequence(quote_ident($1), column_name) is not null",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    for (column, sequence) in &found {
        let sql = format!(
            "select setval($1, max({})) from {} having max({}) is not null",
            quoted(column),
            quoted(table),
            quoted(column)
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(sequence)
            .fetch_optional(&mut *conn)
            .await?;
    }
    Ok(found.len())
}

/// The row count and checksum of `columns` of `table`, read back in primary-key order (text
/// keys in byte order, as SQLite orders them), each value decoded as the source's was.
pub async fn sum(
    conn: &mut PgConnection,
    table: &str,
    key: &[String],
    columns: &[(String, Kind)],
) -> Result<Sum, sqlx::Error> {
    let list: Vec<String> = columns
        .iter()
        .map(|(c, kind)| format!("{}::{}", quoted(c), kind.wire()))
        .collect();
    let by = |(c, kind): &(String, Kind)| match kind {
        Kind::Text => format!("{} collate \"C\" nulls first", quoted(c)),
        _ => format!("{} nulls first", quoted(c)),
    };
    let order: Vec<String> = if key.is_empty() {
        columns.iter().map(by).collect()
    } else {
        key.iter()
            .filter_map(|k| columns.iter().find(|(c, _)| c == k))
            .map(by)
            .collect()
    };
    let sql = format!(
        "select {} from {} order by {}",
        list.join(", "),
        quoted(table),
        order.join(", ")
    );
    let mut tally = Tally::default();
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(conn);
    let mut values = Vec::with_capacity(columns.len());
    while let Some(row) = std::future::poll_fn(|cx| rows.as_mut().poll_next(cx)).await {
        let row = row?;
        values.clear();
        for (i, (_, kind)) in columns.iter().enumerate() {
            let value = match kind {
                Kind::Int => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
                Kind::Bool => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
                Kind::Real => row.try_get::<Option<f64>, _>(i)?.map(Value::Real),
                Kind::Text => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
                Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Bytes),
            };
            values.push(value.unwrap_or(Value::Null));
        }
        tally.row(&values);
    }
    Ok(tally.finish())
}
