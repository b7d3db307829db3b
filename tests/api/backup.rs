//! Backups: `herobot backup FILE` takes a consistent copy while herobot stores a burst of
//! nominations, holding everything acknowledged before it started, and herobot serves from it.
//! Backups are SQLite's: these apps run on SQLite whatever engine the suite runs on, and on
//! PostgreSQL the command says to use pg_dump.
use crate::sql;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use sqlx::Connection;

use crate::helpers::{NOMINATOR, Options, spawn_app_with, start};

const BURST: usize = 2_000;
/// Nominations sent at once.
const AT_ONCE: usize = 16;

#[tokio::test]
async fn a_backup_taken_during_a_burst_holds_every_acknowledged_nomination_and_serves() {
    let app = Arc::new(
        spawn_app_with(Options {
            hourly_limit: "0",
            on_sqlite: true,
            ..Options::default()
        })
        .await,
    );
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut senders = tokio::task::JoinSet::new();
    for _ in 0..AT_ONCE {
        let (app, acknowledged, next) = (app.clone(), acknowledged.clone(), next.clone());
        senders.spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= BURST {
                    return;
                }
                let text = format!("<@U0HERO{}> for turning escalation {i} around", i % 40);
                let answer = app.hero(NOMINATOR, &text).await;
                // A busy database is answered in time with "nothing was saved": not stored.
                let stored = answer.status().is_success()
                    && !answer.text().await.unwrap().contains("Nothing was saved");
                if stored {
                    acknowledged.lock().unwrap().insert(i);
                }
            }
        });
    }
    // Part-way through the burst, the backup starts: what was acknowledged by then must be in it.
    crate::helpers::eventually("a quarter of the burst to be acknowledged", || async {
        (acknowledged.lock().unwrap().len() >= BURST / 4).then_some(())
    })
    .await;
    let before: BTreeSet<usize> = acknowledged.lock().unwrap().clone();
    let target = app.dir.path().join("copy.db");
    let backup = tokio::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
        .arg("backup")
        .arg(&target)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/herobot.db", app.dir.path().display()),
        )
        .output()
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&backup.stdout);
    assert!(
        backup.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&backup.stderr)
    );
    assert!(said.starts_with("backed up "), "{said}");
    while senders.join_next().await.is_some() {}
    assert!(
        acknowledged.lock().unwrap().len() > before.len(),
        "the burst went on while the backup was taken"
    );

    let mut copy = sqlx::SqliteConnection::connect(&format!("sqlite://{}", target.display()))
        .await
        .unwrap();
    let verdict: String = sql::query_scalar("pragma integrity_check")
        .fetch_one(&mut copy)
        .await
        .unwrap();
    assert_eq!(verdict, "ok");
    let reasons: Vec<String> = sql::query_scalar("select reason from nominations")
        .fetch_all(&mut copy)
        .await
        .unwrap();
    copy.close().await.unwrap();
    let held: BTreeSet<usize> = reasons
        .iter()
        .filter_map(|r| {
            r.split("escalation ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse()
                .ok()
        })
        .collect();
    let missing: Vec<&usize> = before.difference(&held).collect();
    assert!(
        missing.is_empty(),
        "acknowledged before the backup but not in it: {missing:?}"
    );

    // Restoring is starting herobot on the copy.
    let restored_dir = Arc::new(tempfile::tempdir().unwrap());
    std::fs::copy(&target, restored_dir.path().join("herobot.db")).unwrap();
    let slack = wiremock::MockServer::start().await;
    crate::helpers::mount_slack_ok(&slack).await;
    let on_sqlite = Options {
        on_sqlite: true,
        ..Options::default()
    };
    let restored = start(restored_dir, slack, &on_sqlite).await;
    let top: Value = restored
        .hero(NOMINATOR, "top week")
        .await
        .json()
        .await
        .unwrap();
    let text = top["text"].as_str().unwrap();
    assert!(
        text.starts_with("*Most recognised heroes, the last 7 days*") && text.contains("<@U0HERO"),
        "{text}"
    );
    assert_eq!(restored.count("nominations").await, held.len() as i64);
}

#[tokio::test]
async fn a_backup_never_overwrites_a_file() {
    let app = spawn_app_with(Options {
        on_sqlite: true,
        ..Options::default()
    })
    .await;
    let target = app.dir.path().join("taken.db");
    std::fs::write(&target, "precious").unwrap();
    let backup = tokio::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
        .arg("backup")
        .arg(&target)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/herobot.db", app.dir.path().display()),
        )
        .output()
        .await
        .unwrap();
    assert!(!backup.status.success());
    let said = String::from_utf8_lossy(&backup.stderr);
    assert!(said.contains("exists already"), "{said}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    let leftovers: Vec<_> = std::fs::read_dir(app.dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn on_postgresql_a_backup_takes_no_copy_and_points_to_pg_dump() {
    if std::env::var("HEROBOT_TEST_POSTGRES_URL").is_err() {
        eprintln!("skipped: HEROBOT_TEST_POSTGRES_URL is not set");
        return;
    }
    let url = crate::helpers::fresh_postgres_database().await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("copy.db");
    let backup = tokio::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
        .arg("backup")
        .arg(&target)
        .env("DATABASE_URL", &url)
        .output()
        .await
        .unwrap();
    assert!(!backup.status.success());
    let said = String::from_utf8_lossy(&backup.stderr);
    assert!(
        said.contains("this one is PostgreSQL") && said.contains("pg_dump"),
        "{said}"
    );
    assert!(!target.exists(), "no file is written");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing is left behind"
    );
}
