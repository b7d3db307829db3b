//! The group-commit writer's other works (stories, events): they share its commits, a failing
//! one is undone alone, and stories, events and nominations sent together are all stored.
use crate::sql;
use std::time::Duration;

use herobot::clock::Clock;
use herobot::store::{self, Work};
use serde_json::json;

use crate::helpers::{NOMINATOR, fresh_postgres_database, now, on_postgres, spawn_app};
use crate::modals::{story_values, submission};

/// A database of the suite's engine for a writer of the test's own: a file in `dir`, or a fresh
/// PostgreSQL database.
async fn database_url(dir: &tempfile::TempDir) -> String {
    if on_postgres() {
        fresh_postgres_database().await
    } else {
        format!("sqlite://{}", dir.path().join("writer.db").display())
    }
}

#[tokio::test]
async fn a_work_that_fails_is_undone_alone_and_the_others_are_committed() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(&dir).await;
    let store::Opened {
        db,
        writes: writer,
        writer_task: task,
        ..
    } = store::open(&url, Clock::system()).await.unwrap();
    let record = |key: &'static str, fail: bool| {
        let writer = writer.clone();
        async move {
            writer
                .run_within(
                    Work::new(move |conn| {
                        Box::pin(async move {
                            store::requests::record(&mut *conn, key, 1).await?;
                            if fail {
                                // Breaks after writing: its row must go with it.
                                sql::query("insert into no_such_table values (1)")
                                    .execute(&mut *conn)
                                    .await?;
                            }
                            Ok(key)
                        })
                    }),
                    Duration::from_secs(2),
                )
                .await
        }
    };

    let results = tokio::join!(
        record("event:first", false),
        record("event:broken", true),
        record("event:last", false),
    );
    let results = [results.0, results.1, results.2];

    assert_eq!(results[0].as_ref().unwrap(), &"event:first");
    assert!(
        results[1].is_err(),
        "the failing work is answered its error"
    );
    assert_eq!(results[2].as_ref().unwrap(), &"event:last");
    let keys: Vec<String> = sql::query_scalar("select key from slack_requests order by key")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(keys, ["event:first", "event:last"]);
    drop(writer);
    task.await.unwrap();
}

#[tokio::test]
async fn a_work_that_panics_is_undone_and_the_writer_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(&dir).await;
    let store::Opened {
        db,
        writes: writer,
        writer_task: task,
        ..
    } = store::open(&url, Clock::system()).await.unwrap();
    let panicked = writer
        .run_within(
            Work::new(|conn| {
                Box::pin(async move {
                    store::requests::record(&mut *conn, "event:panics", 1).await?;
                    let nothing: Option<u8> = std::hint::black_box(None);
                    Ok(nothing.expect("a bug in a work"))
                })
            }),
            Duration::from_secs(2),
        )
        .await;
    assert!(panicked.is_err(), "answered its error");
    let after = writer
        .run_within(
            Work::new(|conn| {
                Box::pin(async move {
                    store::requests::record(&mut *conn, "event:after", 1).await?;
                    Ok(())
                })
            }),
            Duration::from_secs(2),
        )
        .await;
    assert!(after.is_ok(), "the writer still writes: {after:?}");
    let keys: Vec<String> = sql::query_scalar("select key from slack_requests order by key")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(keys, ["event:after"], "the panicking work's row is undone");
    drop(writer);
    task.await.unwrap();
}

#[tokio::test]
async fn stories_events_and_nominations_sent_together_are_all_stored() {
    let app = spawn_app().await;
    let meta = json!({"channel": "C0GENERAL", "response_url": format!("{}/response/T0TEAM/1/x", app.slack.uri())})
        .to_string();
    let mut statuses = Vec::new();
    for i in 0..6 {
        let story = submission("story", story_values(6 * 3600, 3600, &["U0ALICE"]), &meta);
        let event = json!({
            "token": "x", "team_id": "T0TEAM", "api_app_id": "A0HEROBOT", "type": "event_callback",
            "event_id": format!("Ev0AT0ONCE{i}"), "event_time": now(),
            "event": {"type": "app_home_opened", "user": format!("U0HOME{i}"), "channel": "D0HOME",
                      "tab": "home", "event_ts": format!("{}.000100", now())},
        })
        .to_string();
        let nomination =
            format!("<@U0BOB{i}> for staying late to refund every customer twice over");
        let (story, event, nomination) = tokio::join!(
            app.interact(&story),
            app.post_signed("/slack/events", &event, "application/json", now()),
            app.hero(NOMINATOR, &nomination),
        );
        statuses.push([story.status(), event.status(), nomination.status()]);
    }

    assert!(statuses.iter().flatten().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(app.count("stories").await, 6);
    assert_eq!(app.count("nominations").await, 6);
    let events: i64 =
        sql::query_scalar("select count(*) from slack_requests where key like 'event:%'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(events, 6);
}
