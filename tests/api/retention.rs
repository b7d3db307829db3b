//! `HEROBOT_RETENTION_DAYS`: what is older than the window is deleted with everything attached
//! (search finds it no more, `/hero top` counts it no more), what is younger stays, and
//! `/metrics` counts what went. The rollup's exactness over every period is checked in
//! `aggregates.rs`.
use crate::sql;
use serde_json::Value;

use crate::helpers::{NOMINATOR, Options, TestApp, eventually, insert_story, spawn_app_with};

const DAY_MS: i64 = 86_400_000;

fn text(answer: &Value) -> String {
    let blocks = answer["blocks"].as_array().map(|b| {
        b.iter()
            .map(|b| b["text"]["text"].as_str().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    });
    format!(
        "{}\n{}",
        answer["text"].as_str().unwrap_or_default(),
        blocks.unwrap_or_default()
    )
}

async fn answer(app: &TestApp, command: &str) -> String {
    let answer: Value = app.hero(NOMINATOR, command).await.json().await.unwrap();
    text(&answer)
}

/// `herobot_retention_deleted_total{kind}` as `/metrics` shows it now.
async fn deleted(app: &TestApp, kind: &str) -> u64 {
    let text = app
        .http
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let prefix = format!("herobot_retention_deleted_total{{kind=\"{kind}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sql::query_scalar(sql.to_owned())
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn what_is_older_than_the_retention_is_gone_from_search_and_top_and_what_is_younger_stays() {
    let app = spawn_app_with(Options {
        retention_days: Some("30"),
        ..Options::default()
    })
    .await;
    let before = (
        deleted(&app, "nomination").await,
        deleted(&app, "story").await,
        deleted(&app, "customer_answer").await,
    );
    app.hero(
        NOMINATOR,
        "<@U0OLDHERO> for rescuing the zeppelin shipment before the holidays",
    )
    .await;
    let old_story = insert_story(
        &app,
        "The zeppelin that landed twice",
        "A model zeppelin",
        &[("U0OLDHERO", "granted")],
        app.clock.now_secs(),
    )
    .await;
    sql::query("insert into customer_answers (story_id, answer, answered_at) values ($1, 'blown_away', $2)")
        .bind(old_story)
        .bind(app.clock.now_secs())
        .execute(&app.db)
        .await
        .unwrap();
    // Colleagues' thanks go with what they thanked.
    sql::query(
        "insert into thanks (nomination_id, story_id, by_id, created_at)
         values (1, null, 'U0CAROL', $2), (null, $1, 'U0CAROL', $2)",
    )
    .bind(old_story)
    .bind(app.clock.now_secs())
    .execute(&app.db)
    .await
    .unwrap();
    app.settled().await;
    let found = answer(&app, "find zeppelin").await;
    assert!(
        found.contains("shipment before the holidays") && found.contains("landed twice"),
        "{found}"
    );

    // Twenty days on: nothing is older than thirty days yet.
    app.clock.advance_ms(20 * DAY_MS);
    app.hero(
        NOMINATOR,
        "<@U0NEWHERO> for answering the lighthouse ticket at midnight",
    )
    .await;
    app.settled().await;
    assert_eq!(count(&app, "select count(*) from nominations").await, 2);

    // Thirty-five days after the first: it goes, the second (fifteen days old) stays.
    app.clock.advance_ms(15 * DAY_MS);
    eventually("the old nomination and story to be deleted", || async {
        let left = count(
            &app,
            "select (select count(*) from nominations) + (select count(*) from stories)",
        )
        .await;
        (left == 1).then_some(())
    })
    .await;

    let reasons: Vec<String> = sql::query_scalar("select reason from nominations")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(reasons[0].contains("lighthouse"), "{reasons:?}");
    for table in ["story_heroes", "customer_answers", "thanks"] {
        assert_eq!(
            count(&app, &format!("select count(*) from {table}")).await,
            0,
            "{table}"
        );
    }
    let found = answer(&app, "find zeppelin").await;
    assert!(!found.contains("shipment before the holidays"), "{found}");
    assert!(!found.contains("landed twice"), "{found}");
    let found = answer(&app, "find lighthouse").await;
    assert!(found.contains("ticket at midnight"), "{found}");

    let top = answer(&app, "top year").await;
    assert!(top.contains("<@U0NEWHERO> (once)"), "{top}");
    assert!(!top.contains("U0OLDHERO"), "{top}");
    let credits = count(
        &app,
        "select (select count(*) from nomination_heroes) + (select count(*) from story_heroes)",
    )
    .await;
    eventually("the heroes' days to count what is left", || async {
        let rolled = count(
            &app,
            "select cast(coalesce(sum(recognitions), 0) as bigint) from hero_days",
        )
        .await;
        (rolled == credits).then_some(())
    })
    .await;

    // The run leaves its counts in the audit trail, which retention never deletes from.
    let run: String = eventually("the run's audit row", || async {
        sql::query_scalar(
            "select subject from audit where event = 'retention_run' and actor = 'schedule'",
        )
        .fetch_optional(&app.db)
        .await
        .unwrap()
    })
    .await;
    assert!(run.contains(r#"["nomination",1]"#), "{run}");
    assert!(run.contains(r#"["story",1]"#), "{run}");

    // Counters are process-wide and tests run side by side: each moved at least this much.
    assert!(deleted(&app, "nomination").await > before.0);
    assert!(deleted(&app, "story").await > before.1);
    assert!(deleted(&app, "customer_answer").await > before.2);
}

#[tokio::test]
async fn without_a_retention_everything_is_kept() {
    let app = spawn_app_with(Options::default()).await;
    app.hero(
        NOMINATOR,
        "<@U0OLDHERO> for rescuing the zeppelin shipment before the holidays",
    )
    .await;
    app.settled().await;
    app.clock.advance_ms(10 * 365 * DAY_MS);
    app.hero(
        NOMINATOR,
        "<@U0NEWHERO> for answering the lighthouse ticket at midnight",
    )
    .await;
    app.settled().await;
    assert_eq!(count(&app, "select count(*) from nominations").await, 2);
    let found = answer(&app, "find zeppelin").await;
    assert!(found.contains("shipment before the holidays"), "{found}");
}

#[tokio::test]
async fn report_card_answers_older_than_the_retention_go_once_their_round_has_closed() {
    let app = spawn_app_with(Options {
        retention_days: Some("30"),
        ..Options::default()
    })
    .await;
    let before = deleted(&app, "report_card_answer").await;
    let t = app.clock.now_secs();
    // A retired card (no new rounds open), one round closed and one still open, each answered
    // by two raters now.
    for sql in [
        "insert into report_cards (id, supplier, review_channel, created_by, created_at, updated_at, retired_at)
         values (1, 'Platform', 'C0REVIEW', 'U0LEADER', $1, $1, $1)",
        "insert into report_card_deliverables (id, card_id, position, name, created_at)
         values (1, 1, 0, 'Uptime', $1)",
        "insert into report_card_rounds (id, card_id, month, opened_at, opened_by, anonymous, remind_at,
                                         closes_at, closed_at, closed_by)
         values (1, 1, '2026-10', $1, 'cli', true, $1, $1, $1, 'cli'),
                (2, 1, '2026-11', $1, 'cli', true, $1 + 9999999999, $1 + 9999999999, null, null)",
        "insert into report_card_answers (round_id, rater_id, deliverable_id, rating, comment, answered_at)
         values (1, 'U0RATER1', 1, 4, 'Solid', $1), (1, 'U0RATER2', 1, 2, 'Slow', $1),
                (2, 'U0RATER1', 1, 5, 'Great', $1), (2, 'U0RATER2', 1, 3, null, $1)",
        "insert into report_card_round_comments (round_id, rater_id, comment, answered_at)
         values (1, 'U0RATER1', 'A quiet month', $1), (2, 'U0RATER1', 'Still open', $1)",
    ] {
        sql::query(sql).bind(t).execute(&app.db).await.unwrap();
    }

    app.clock.advance_ms(31 * DAY_MS);

    let left: Vec<i64> = eventually("the closed round's answers to be deleted", || async {
        let left: Vec<i64> =
            sql::query_scalar("select round_id from report_card_answers order by rater_id")
                .fetch_all(&app.db)
                .await
                .unwrap();
        (left.len() == 2).then_some(left)
    })
    .await;
    assert_eq!(left, [2, 2], "the open round keeps its answers");
    let comments: Vec<String> = sql::query_scalar("select comment from report_card_round_comments")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        comments,
        ["Still open"],
        "comments about the whole card go the same way"
    );
    assert_eq!(
        count(&app, "select count(*) from report_card_rounds").await,
        2
    );
    assert!(deleted(&app, "report_card_answer").await >= before + 2);
}
