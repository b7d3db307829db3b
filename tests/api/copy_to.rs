//! `herobot copy-to postgres://…`: a database the app filled (nominations, a story with heroes
//! and consent, a report-card round, Home views, the outbox, the library key) lands whole in an
//! empty PostgreSQL database; a non-empty target, or a URL that is not PostgreSQL's, is refused
//! and nothing changes; the password never shows.
use std::process::Output;
use std::str::FromStr;

use serde_json::json;
use sqlx::{Connection, Executor, Row};
use sqlx_postgres::{PgConnectOptions, PgConnection};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::{TestApp, insert_story, now};
use crate::home::open_home;
use crate::report_cards::{create_card, open_november, options};

/// The server from `HEROBOT_TEST_POSTGRES_URL`; unset, the test is skipped, saying so (unless
/// `HEROBOT_TEST_DATABASE=postgres` demands it).
fn server() -> Option<String> {
    let Ok(url) = std::env::var("HEROBOT_TEST_POSTGRES_URL") else {
        let required = std::env::var("HEROBOT_TEST_DATABASE").is_ok_and(|v| v == "postgres");
        assert!(
            !required,
            "HEROBOT_TEST_DATABASE=postgres, but HEROBOT_TEST_POSTGRES_URL is unset"
        );
        eprintln!("skipped: no PostgreSQL (set HEROBOT_TEST_POSTGRES_URL)");
        return None;
    };
    Some(url)
}

/// A new database on the server, dropped when this goes (even when the test fails).
struct Target {
    server: String,
    name: String,
    url: String,
}

impl Target {
    async fn create(server: &str) -> Target {
        let name = format!("copyto_{}_{}", std::process::id(), fastrand::u32(..));
        let mut admin = connect(server).await;
        // The name is made here of letters, digits and underscores.
        let create = sqlx::AssertSqlSafe(format!("create database {name}"));
        admin.execute(sqlx::raw_sql(create)).await.unwrap();
        admin.close().await.unwrap();
        let (base, query) = server.split_once('?').unwrap_or((server, ""));
        let (host, _) = base.rsplit_once('/').expect("a URL with a database name");
        let url = match query {
            "" => format!("{host}/{name}"),
            q => format!("{host}/{name}?{q}"),
        };
        Target {
            server: server.to_owned(),
            name,
            url,
        }
    }

    async fn db(&self) -> PgConnection {
        connect(&self.url).await
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut admin = connect(&server).await;
                let drop =
                    sqlx::AssertSqlSafe(format!("drop database if exists {name} with (force)"));
                admin.execute(sqlx::raw_sql(drop)).await.unwrap();
            });
        })
        .join()
        .unwrap();
    }
}

async fn connect(url: &str) -> PgConnection {
    PgConnection::connect_with(&PgConnectOptions::from_str(url).unwrap())
        .await
        .expect("PostgreSQL answers at HEROBOT_TEST_POSTGRES_URL")
}

/// Runs `herobot copy-to url` on the SQLite database in `dir`, as an operator would.
fn copy_to(dir: &std::path::Path, url: &str) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
        .args(["copy-to", url])
        .current_dir(dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/herobot.db", dir.display()),
        )
        .env("RUST_LOG", "info")
        .output()
        .unwrap()
}

fn said(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

const TITLE: &str = "Invoices fixed für alle 🎉 — «on time»";

/// An app with some of everything: a nomination (a Home opened, so PostgreSQL's Home triggers
/// would queue a publish if they fired), a story with two heroes and their consent, a report
/// card with November's round open (a DM per rater in the outbox), a thanks; then stopped.
async fn filled() -> (std::sync::Arc<tempfile::TempDir>, i64) {
    let app: TestApp = crate::helpers::spawn_app_with(crate::helpers::Options {
        on_sqlite: true,
        ..options()
    })
    .await;
    Mock::given(method("POST"))
        .and(path("/views.publish"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&app.slack)
        .await;
    open_home(&app, "U0HERO", "Ev0COPYTO").await;
    let answer = app
        .hero(
            "U0NOMINATOR",
            "<@U0HERO> stayed late to fix the invoices ✨",
        )
        .await;
    assert_eq!(answer.status(), 200);
    let story = insert_story(
        &app,
        TITLE,
        "",
        &[("U0HERO", "granted"), ("U0OTHER", "pending")],
        now(),
    )
    .await;
    crate::sql::query(
        "insert into thanks (story_id, by_id, created_at) values ($1, 'U0THANKS', $2)",
    )
    .bind(story)
    .bind(now())
    .execute(&app.db)
    .await
    .unwrap();
    let card = create_card(&app, "anonymous").await;
    open_november(&app, card).await;
    let (dir, _slack) = app.stop().await;
    (dir, story)
}

/// Every table both databases have, with SQLite's row count.
async fn sqlite_counts(sqlite: &sqlx::SqlitePool, pg: &mut PgConnection) -> Vec<(String, i64)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select table_name::text from information_schema.tables
         where table_schema = current_schema() and table_name != '_sqlx_migrations'
         order by 1",
    )
    .fetch_all(&mut *pg)
    .await
    .unwrap();
    let mut counts = Vec::new();
    for t in tables {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {t}")))
            .fetch_one(sqlite)
            .await
            .unwrap();
        counts.push((t, n));
    }
    counts
}

async fn pg_count(pg: &mut PgConnection, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
        .fetch_one(pg)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_filled_database_lands_whole_in_an_empty_postgres_and_a_second_copy_is_refused() {
    let Some(server) = server() else {
        return;
    };
    let (dir, story) = filled().await;
    let target = Target::create(&server).await;

    let output = copy_to(dir.path(), &target.url);
    let out = said(&output);
    assert!(output.status.success(), "{out}");
    assert!(
        out.contains("every table's row count and checksum match"),
        "{out}"
    );
    assert!(out.contains("set DATABASE_URL"), "{out}");
    // The test server's URL has a password (postgres://user:password@host/…).
    let at = target.url.find('@').expect("a user part");
    let colon = target.url[..at].rfind(':').expect("a password");
    let shown = format!("{}:***{}", &target.url[..colon], &target.url[at..]);
    assert!(
        out.contains(&shown),
        "the URL is shown, its password hidden: {out}"
    );

    let sqlite =
        sqlx::SqlitePool::connect(&format!("sqlite://{}/herobot.db", dir.path().display()))
            .await
            .unwrap();
    let mut pg = target.db().await;
    let counts = sqlite_counts(&sqlite, &mut pg).await;
    assert!(counts.len() > 25, "{counts:?}");
    for (table, n) in &counts {
        assert_eq!(pg_count(&mut pg, table).await, *n, "{table}");
    }
    for table in [
        "nominations",
        "nomination_heroes",
        "stories",
        "story_heroes",
        "report_cards",
        "report_card_rounds",
        "report_card_invitations",
        "outbox",
        "home_views",
        "thanks",
        "library_key",
    ] {
        let n = counts.iter().find(|(t, _)| t == table).unwrap().1;
        assert!(n > 0, "the app filled {table}");
    }
    // No trigger fired during the copy: the outbox holds what SQLite's does, no more.
    let outbox = counts.iter().find(|(t, _)| t == "outbox").unwrap().1;
    assert_eq!(pg_count(&mut pg, "outbox").await, outbox);

    // Values read back as SQLite holds them: text with emoji, an empty text (not NULL), NULLs, a
    // boolean, bytes.
    let row = sqlx::query("select title, surprise, featured_at from stories where id = $1")
        .bind(story)
        .fetch_one(&mut pg)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>(0), TITLE);
    assert_eq!(row.get::<Option<String>, _>(1).as_deref(), Some(""));
    assert_eq!(row.get::<Option<i64>, _>(2), None);
    let consent: Vec<(String, String)> = sqlx::query_as(
        "select hero_id, consent from story_heroes where story_id = $1 order by position",
    )
    .bind(story)
    .fetch_all(&mut pg)
    .await
    .unwrap();
    assert_eq!(
        consent,
        [
            ("U0HERO".into(), "granted".into()),
            ("U0OTHER".into(), "pending".into())
        ]
    );
    let anonymous: bool = sqlx::query_scalar("select anonymous from report_cards")
        .fetch_one(&mut pg)
        .await
        .unwrap();
    assert!(anonymous);
    let key: Vec<u8> = sqlx::query_scalar("select key from library_key")
        .fetch_one(&sqlite)
        .await
        .unwrap();
    let copied: Vec<u8> = sqlx::query_scalar("select key from library_key")
        .fetch_one(&mut pg)
        .await
        .unwrap();
    assert_eq!(copied, key);
    assert_eq!(copied.len(), 32);

    // The triggers are on again, and each identity continues past the copied IDs.
    let off: i64 = sqlx::query_scalar(
        "select count(*) from pg_trigger where not tgisinternal and tgenabled != 'O'",
    )
    .fetch_one(&mut pg)
    .await
    .unwrap();
    assert_eq!(off, 0, "every trigger is enabled again");
    let thanked: i64 = sqlx::query_scalar("select max(id) from thanks")
        .fetch_one(&mut pg)
        .await
        .unwrap();
    let next: i64 = sqlx::query_scalar(
        "insert into thanks (story_id, by_id, created_at) values ($1, 'U0LATER', 1) returning id",
    )
    .bind(story)
    .fetch_one(&mut pg)
    .await
    .unwrap();
    assert!(next > thanked, "{next} after {thanked}");
    let outbox_max: i64 = sqlx::query_scalar("select max(id) from outbox")
        .fetch_one(&mut pg)
        .await
        .unwrap();
    let outbox_next: i64 =
        sqlx::query_scalar("select nextval(pg_get_serial_sequence('outbox', 'id'))")
            .fetch_one(&mut pg)
            .await
            .unwrap();
    assert!(outbox_next > outbox_max);

    // A second copy into the same database is refused by name and changes nothing.
    let mut before = Vec::new();
    for (table, _) in &counts {
        before.push((table.clone(), pg_count(&mut pg, table).await));
    }
    let again = copy_to(dir.path(), &target.url);
    let out = said(&again);
    assert!(!again.status.success(), "{out}");
    assert!(
        out.contains("the target database is not empty: table"),
        "{out}"
    );
    assert!(out.contains("Nothing was written"), "{out}");
    assert!(
        !out.contains(&target.url),
        "the password never shows: {out}"
    );
    for (table, n) in &before {
        assert_eq!(pg_count(&mut pg, table).await, *n, "{table}");
    }
    pg.close().await.unwrap();
    sqlite.close().await;
}

#[tokio::test]
async fn a_target_herobot_only_migrated_is_filled_and_one_with_a_table_of_its_own_is_refused() {
    let Some(server) = server() else {
        return;
    };
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        on_sqlite: true,
        ..Default::default()
    })
    .await;
    app.hero(
        "U0NOMINATOR",
        "<@U0HERO|hero> for keeping the lights on #ops",
    )
    .await;
    assert_eq!(app.count("nominations").await, 1);
    let (dir, _slack) = app.stop().await;
    let target = Target::create(&server).await;
    let mut pg = target.db().await;
    sqlx::migrate!("./migrations/postgres")
        .run(&mut pg)
        .await
        .unwrap();
    pg.execute("create table invoices (id bigint primary key)")
        .await
        .unwrap();

    let refused = copy_to(dir.path(), &target.url);
    let out = said(&refused);
    assert!(!refused.status.success(), "{out}");
    assert!(
        out.contains("it holds table public.invoices, which is not herobot's"),
        "{out}"
    );
    assert_eq!(pg_count(&mut pg, "nominations").await, 0, "nothing written");

    pg.execute("drop table invoices").await.unwrap();
    let output = copy_to(dir.path(), &target.url);
    assert!(output.status.success(), "{}", said(&output));
    assert_eq!(pg_count(&mut pg, "nominations").await, 1);
    let seeded: i64 = sqlx::query_scalar("select count(*) from hero_days_indexed")
        .fetch_one(&mut pg)
        .await
        .unwrap();
    assert_eq!(
        seeded, 2,
        "the migrations' own rows are replaced, not doubled"
    );
    pg.close().await.unwrap();
}

#[tokio::test]
async fn a_url_that_is_not_postgres_is_refused_and_a_password_never_shows() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        on_sqlite: true,
        ..Default::default()
    })
    .await;
    let (dir, _slack) = app.stop().await;
    for url in [
        "mysql://herobot:hunter2secret@db/herobot",
        "sqlite://other.db",
    ] {
        let output = copy_to(dir.path(), url);
        let out = said(&output);
        assert!(!output.status.success(), "{out}");
        assert!(out.contains("is not a PostgreSQL URL"), "{out}");
        assert!(!out.contains("hunter2secret"), "{out}");
    }
    let Some(server) = server() else {
        return;
    };
    // A password the server does not take, for a database it does not have: the connection is
    // refused, and the message hides what was typed.
    let options = PgConnectOptions::from_str(&server).unwrap();
    let url = format!(
        "postgres://{}:hunter2secret@{}:{}/copyto_missing_{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        std::process::id()
    );
    let output = copy_to(dir.path(), &url);
    let out = said(&output);
    assert!(!output.status.success(), "{out}");
    assert!(out.contains("could not connect to postgres://"), "{out}");
    assert!(out.contains(":***@"), "{out}");
    assert!(!out.contains("hunter2secret"), "{out}");
}

#[tokio::test]
async fn a_failure_midway_leaves_the_target_as_it_was() {
    let Some(server) = server() else {
        return;
    };
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        on_sqlite: true,
        ..Default::default()
    })
    .await;
    app.hero(
        "U0NOMINATOR",
        "<@U0HERO|hero> for keeping the lights on #ops",
    )
    .await;
    assert_eq!(app.count("nominations").await, 1);
    // A value PostgreSQL's bigint column cannot take (SQLite keeps text in an INTEGER column).
    crate::sql::query("update nominations set created_at = 'soon'")
        .execute(&app.db)
        .await
        .unwrap();
    let (dir, _slack) = app.stop().await;
    let target = Target::create(&server).await;

    let output = copy_to(dir.path(), &target.url);
    let out = said(&output);
    assert!(!output.status.success(), "{out}");
    assert!(
        out.contains("nominations.created_at holds a value"),
        "{out}"
    );
    let mut pg = target.db().await;
    let tables: i64 = sqlx::query_scalar(
        "select count(*) from information_schema.tables where table_schema = current_schema()",
    )
    .fetch_one(&mut pg)
    .await
    .unwrap();
    assert_eq!(tables, 0, "not even the migrations stay");
    pg.close().await.unwrap();
}
