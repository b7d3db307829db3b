//! The migrations per backend: a database made before they moved still opens, PostgreSQL's
//! end with the same tables and columns as SQLite's, and `DATABASE_URL` names the engine.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::str::FromStr;

use sqlx::{Connection, Executor, Row};
use sqlx_postgres::{PgConnectOptions, PgConnection};

/// The checksums (SHA-384 of each file) that every database migrated before the move to
/// `migrations/sqlite/` holds in `_sqlx_migrations`, as recorded from such a database. sqlx
/// refuses to open a database whose applied migrations' checksums differ from the build's.
const EARLIER_CHECKSUMS: [(i64, &str); 16] = [
    (1, "599b5ca2d71e2aa3"),
    (2, "93dc03a23c6bc76a"),
    (3, "09487e8b0b6a8dd1"),
    (4, "75722190072749fd"),
    (5, "ec748f9fce2eff28"),
    (6, "8aa230068516c6b7"),
    (7, "a303dab5ec93f83d"),
    (8, "050b4b1270530164"),
    (9, "34e955bda9f482a0"),
    (10, "eb32750db7d17b39"),
    (11, "a5ee4795e2532570"),
    (12, "70ecb2b80ed574a2"),
    (13, "bcb8aa4b864d297c"),
    (14, "6ad0265c08e0dfb3"),
    (15, "9bd06e62c9bd785e"),
    (16, "fac3b5c48822dcf6"),
];

#[tokio::test]
async fn a_database_migrated_before_the_migrations_moved_opens_and_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/herobot.db?mode=rwc", dir.path().display());
    // The database as an earlier build left it: its schema, and its record of what was applied.
    let db = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::migrate!("./migrations/sqlite")
        .run(&db)
        .await
        .unwrap();
    let recorded: Vec<(i64, String)> = sqlx::query_as(
        "select version, lower(hex(checksum)) from _sqlx_migrations where version <= 16
         order by version",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let recorded: Vec<(i64, String)> = recorded
        .into_iter()
        .map(|(v, c)| (v, c[..16].to_owned()))
        .collect();
    let earlier: Vec<(i64, String)> = EARLIER_CHECKSUMS
        .iter()
        .map(|(v, c)| (*v, c.to_string()))
        .collect();
    assert_eq!(
        recorded, earlier,
        "a migration's bytes changed: databases made by earlier builds would refuse to open"
    );
    db.close().await;

    let opened = herobot::store::open(&url, herobot::clock::Clock::starting_at(0)).await;
    let opened = opened.expect("the earlier database opens and migrates");
    let stories: i64 = crate::sql::query_scalar("select count(*) from stories")
        .fetch_one(&opened.db)
        .await
        .unwrap();
    assert_eq!(stories, 0);
}

#[test]
fn herobot_refuses_an_engine_it_does_not_run_on_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
        .arg("migrate")
        .current_dir(dir.path())
        .env("DATABASE_URL", "mysql://herobot@127.0.0.1:1/herobot")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("DATABASE_URL names an engine herobot does not run on")
            && said.contains("postgres://"),
        "{said}"
    );
    let made: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(made.is_empty(), "{made:?}");
}

#[test]
fn postgres_and_sqlite_urls_are_kept_and_other_engines_refused() {
    use herobot::config::{Config, Needs};
    let load = |url: &str| {
        let url = url.to_owned();
        Config::from_lookup(Needs::DatabaseOnly, move |var| {
            (var == "DATABASE_URL").then(|| url.clone())
        })
    };
    let err = load("mysql://db/herobot").unwrap_err();
    assert_eq!(err.var, "DATABASE_URL");
    for url in [
        "postgres://herobot@db/herobot",
        "POSTGRESQL://db:5432/herobot",
        "sqlite://herobot.db",
        "sqlite:data/postgres.db",
        "herobot.db",
    ] {
        assert_eq!(load(url).unwrap().database_url, url);
    }
}

/// What the two schemas are known to differ in, and why.
const SQLITE_ONLY_TABLES: &[&str] = &[
    // FTS5 indexes over stories and nominations; PostgreSQL keeps a `search` tsvector column in
    // each table instead, under a GIN index.
    "stories_fts",
    "nominations_fts",
];
const POSTGRES_ONLY_COLUMNS: &[(&str, &str)] = &[("stories", "search"), ("nominations", "search")];

/// A column as both schemas can be compared: its type's family and whether it takes null.
#[derive(Debug, Clone, PartialEq)]
struct Column {
    family: String,
    nullable: bool,
}

type Schema = BTreeMap<String, BTreeMap<String, Column>>;

#[tokio::test]
async fn sqlite_and_postgres_migrations_end_with_the_same_tables_and_columns() {
    let Some(server) = postgres_server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_schema(dir.path()).await;

    let name = format!(
        "herobot_parity_{}_{}",
        std::process::id(),
        fastrand::u32(..)
    );
    let mut admin = PgConnection::connect_with(&server).await.unwrap();
    // The name is made here of letters, digits and underscores.
    let create = sqlx::AssertSqlSafe(format!("create database {name}"));
    admin.execute(sqlx::raw_sql(create)).await.unwrap();
    let postgres = postgres_schema(server.clone().database(&name)).await;
    let drop = sqlx::AssertSqlSafe(format!("drop database {name} with (force)"));
    admin.execute(sqlx::raw_sql(drop)).await.unwrap();
    admin.close().await.unwrap();
    let postgres = postgres.unwrap_or_else(|e| panic!("PostgreSQL's migrations: {e}"));

    let mut expected = sqlite.clone();
    for table in SQLITE_ONLY_TABLES {
        assert!(expected.remove(*table).is_some(), "{table} is gone");
    }
    let mut found = postgres.clone();
    for (table, column) in POSTGRES_ONLY_COLUMNS {
        let removed = found.get_mut(*table).and_then(|t| t.remove(*column));
        let family = removed.map(|c| c.family);
        assert_eq!(family.as_deref(), Some("tsvector"), "{table}.{column}");
    }
    let tables = |s: &Schema| s.keys().cloned().collect::<BTreeSet<_>>();
    assert_eq!(tables(&expected), tables(&found), "the tables differ");
    let mut differences = Vec::new();
    for (table, columns) in &expected {
        for (column, want) in columns {
            match found[table].get(column) {
                None => differences.push(format!("{table}.{column}: missing in PostgreSQL")),
                Some(got) if got != want => differences.push(format!(
                    "{table}.{column}: SQLite {want:?}, PostgreSQL {got:?}"
                )),
                Some(_) => {}
            }
        }
        for column in found[table].keys() {
            if !columns.contains_key(column) {
                differences.push(format!("{table}.{column}: only in PostgreSQL"));
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert!(
        expected.len() > 25,
        "only {} tables compared",
        expected.len()
    );
}

/// The server the PostgreSQL tests use, from `HEROBOT_TEST_POSTGRES_URL`; where it is unset
/// the test is skipped, saying so, unless `HEROBOT_TEST_DATABASE=postgres` demands it.
fn postgres_server() -> Option<PgConnectOptions> {
    let Ok(url) = std::env::var("HEROBOT_TEST_POSTGRES_URL") else {
        let required = std::env::var("HEROBOT_TEST_DATABASE").is_ok_and(|v| v == "postgres");
        assert!(
            !required,
            "HEROBOT_TEST_DATABASE=postgres, but HEROBOT_TEST_POSTGRES_URL is unset"
        );
        eprintln!("skipped: no PostgreSQL (set HEROBOT_TEST_POSTGRES_URL)");
        return None;
    };
    Some(PgConnectOptions::from_str(&url).expect("HEROBOT_TEST_POSTGRES_URL is a postgres:// URL"))
}

/// Every table SQLite's migrations leave and its columns, leaving out sqlx's bookkeeping and
/// the FTS5 indexes' shadow tables (`stories_fts_data`, …; the indexes themselves stay).
async fn sqlite_schema(dir: &Path) -> Schema {
    let url = format!("sqlite://{}/parity.db?mode=rwc", dir.display());
    let db = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::migrate!("./migrations/sqlite")
        .run(&db)
        .await
        .unwrap();
    let virtual_tables: Vec<String> = sqlx::query_scalar(
        "select name from sqlite_master where type = 'table' and sql like 'create virtual table%'",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let rows = sqlx::query(
        "select m.name, p.name, p.type, p.\"notnull\", p.pk
         from sqlite_master m join pragma_table_info(m.name) p
         where m.type = 'table' and m.name != '_sqlx_migrations' and m.name not like 'sqlite_%'",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let shadow = |table: &str| {
        virtual_tables.iter().any(|v| {
            table.strip_prefix(v.as_str()).is_some_and(|rest| {
                ["_data", "_idx", "_docsize", "_config", "_content"].contains(&rest)
            })
        })
    };
    let mut schema = Schema::new();
    for row in rows {
        let table: String = row.get(0);
        if shadow(&table) {
            continue;
        }
        let declared: String = row.get(2);
        let family = match declared.to_lowercase().as_str() {
            "integer" => "integer".into(),
            "text" => "text".into(),
            "blob" => "bytes".into(),
            // An FTS5 table's columns have no declared type.
            "" => "text".into(),
            other => format!("unexpected in SQLite: {other}"),
        };
        // A primary key's columns take no null (SQLite's rowid tables allow it on paper for
        // keys that are not INTEGER, and herobot never stores one).
        let nullable = row.get::<i64, _>(3) == 0 && row.get::<i64, _>(4) == 0;
        let column = Column { family, nullable };
        schema.entry(table).or_default().insert(row.get(1), column);
    }
    db.close().await;
    schema
}

/// Every table PostgreSQL's migrations leave in the database named by `options`, and its
/// columns.
async fn postgres_schema(options: PgConnectOptions) -> Result<Schema, sqlx::Error> {
    let mut db = PgConnection::connect_with(&options).await?;
    let migrations = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres");
    sqlx::migrate::Migrator::new(Path::new(migrations))
        .await?
        .run(&mut db)
        .await?;
    let rows = sqlx::query(
        "select c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable::text
         from information_schema.columns c
         join information_schema.tables t using (table_schema, table_name)
         where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
           and c.table_name != '_sqlx_migrations'",
    )
    .fetch_all(&mut db)
    .await?;
    db.close().await?;
    let mut schema = Schema::new();
    for row in rows {
        let table: String = row.get(0);
        let data_type: String = row.get(2);
        // What SQLite's affinity becomes: BIGINT for times, IDs and counts, BOOLEAN where the
        // Rust side decodes a bool; TEXT, or JSONB where JSON is queried; BYTEA for blobs.
        // Anything else (an INTEGER that the Rust side's i64 would not decode, say) differs.
        let family = match data_type.as_str() {
            "bigint" | "boolean" => "integer".into(),
            "text" | "jsonb" => "text".into(),
            "bytea" => "bytes".into(),
            "tsvector" => "tsvector".into(),
            other => format!("unexpected in PostgreSQL: {other}"),
        };
        let nullable = row.get::<String, _>(3) == "YES";
        let column = Column { family, nullable };
        schema.entry(table).or_default().insert(row.get(1), column);
    }
    Ok(schema)
}
