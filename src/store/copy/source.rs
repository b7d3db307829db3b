//! `copy-to`'s source: the SQLite database, read in one snapshot on a query-only connection;
//! its tables and columns come from its own schema, its rows in primary-key order.
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{ConnectOptions, Connection, Row, TypeInfo, ValueRef};

use super::value::{Kind, Value};

/// A table as SQLite holds it: its columns in order, and its primary key's.
#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub key: Vec<String>,
}

/// Opens the database query-only (SQLite refuses any write on the connection) and starts one
/// read transaction on it, so every table is read as it stood at the first read, whatever
/// another process writes meanwhile. Reading a whole table is slow by design: not logged.
pub async fn snapshot(database_url: &str) -> Result<SqliteConnection, sqlx::Error> {
    let options = crate::store::options(database_url)?
        .pragma("query_only", "true")
        .disable_statement_logging();
    let mut conn = SqliteConnection::connect_with(&options).await?;
    sqlx::raw_sql("begin").execute(&mut conn).await?;
    sqlx::query("select count(*) from sqlite_master")
        .fetch_one(&mut conn)
        .await?;
    Ok(conn)
}

/// The suffixes of the shadow tables an FTS5 index keeps its data in.
const FTS5_SHADOWS: [&str; 5] = ["_data", "_idx", "_docsize", "_config", "_content"];

/// Every table that holds herobot's data, by name: not sqlx's record of migrations, not
/// SQLite's own (`sqlite_sequence`, …), not the FTS5 search indexes nor their shadow tables
/// (PostgreSQL computes its `search` columns itself).
pub async fn tables(conn: &mut SqliteConnection) -> Result<Vec<Table>, sqlx::Error> {
    let virtual_tables: Vec<String> = sqlx::query_scalar(
        "select name from sqlite_master where type = 'table' and sql like 'create virtual table%'",
    )
    .fetch_all(&mut *conn)
    .await?;
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "select m.name, p.name, p.pk from sqlite_master m join pragma_table_info(m.name) p
         where m.type = 'table' and m.name != '_sqlx_migrations' and m.name not like 'sqlite_%'
         order by m.name, p.cid",
    )
    .fetch_all(&mut *conn)
    .await?;
    let skipped = |table: &str| {
        virtual_tables.iter().any(|v| {
            table == v
                || table
                    .strip_prefix(v.as_str())
                    .is_some_and(|rest| FTS5_SHADOWS.contains(&rest))
        })
    };
    let mut tables: Vec<Table> = Vec::new();
    let mut keys: Vec<Vec<(i64, String)>> = Vec::new();
    for (table, column, pk) in rows {
        if skipped(&table) {
            continue;
        }
        if tables.last().is_none_or(|t| t.name != table) {
            tables.push(Table {
                name: table,
                columns: Vec::new(),
                key: Vec::new(),
            });
            keys.push(Vec::new());
        }
        if pk > 0 {
            keys.last_mut().expect("pushed").push((pk, column.clone()));
        }
        tables.last_mut().expect("pushed").columns.push(column);
    }
    for (table, mut key) in tables.iter_mut().zip(keys) {
        key.sort();
        table.key = key.into_iter().map(|(_, c)| c).collect();
    }
    Ok(tables)
}

/// Quotes an identifier for either engine's SQL.
pub fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The query that reads `columns` of `table` in primary-key order (every column's order where a
/// table has no key), as the target's check reads them back.
pub fn select(table: &Table, columns: &[String]) -> String {
    let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
    let order: Vec<String> = if table.key.is_empty() {
        list.clone()
    } else {
        table.key.iter().map(|c| quoted(c)).collect()
    };
    format!(
        "select {} from {} order by {}",
        list.join(", "),
        quoted(&table.name),
        order.join(", ")
    )
}

/// One row's values, each converted for its PostgreSQL column's kind; a value SQLite holds that
/// the column cannot take is named (table, column, what it holds).
pub fn decode(
    row: &SqliteRow,
    table: &str,
    columns: &[(String, Kind)],
) -> anyhow::Result<Vec<Value>> {
    let mut values = Vec::with_capacity(columns.len());
    for (i, (column, kind)) in columns.iter().enumerate() {
        let raw = row.try_get_raw(i)?;
        if raw.is_null() {
            values.push(Value::Null);
            continue;
        }
        let class = raw.type_info().name().to_owned();
        let value = match (kind, class.as_str()) {
            (Kind::Int, "INTEGER") => Some(Value::Int(row.try_get_unchecked(i)?)),
            (Kind::Bool, "INTEGER") => match row.try_get_unchecked::<i64, _>(i)? {
                0 => Some(Value::Bool(false)),
                1 => Some(Value::Bool(true)),
                _ => None,
            },
            (Kind::Real, "REAL" | "INTEGER") => Some(Value::Real(row.try_get_unchecked(i)?)),
            (Kind::Text, "TEXT") => Some(Value::Text(row.try_get_unchecked(i)?)),
            (Kind::Bytes, "BLOB") => Some(Value::Bytes(row.try_get_unchecked(i)?)),
            _ => None,
        };
        let Some(value) = value else {
            anyhow::bail!(
                "{table}.{column} holds a value PostgreSQL's column cannot take \
                 (SQLite {class} where PostgreSQL wants {}); nothing was copied",
                kind.name()
            );
        };
        values.push(value);
    }
    Ok(values)
}
