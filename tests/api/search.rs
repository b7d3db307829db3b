//! `/hero find` and `/hero profile`: ranking, any text as a query, a person's record, and the
//! search index kept behind the commit (the indexer, a restart after a crash, `herobot reindex`).
use crate::sql;
use serde_json::Value;

use crate::helpers::{
    NOMINATOR, Options, TestApp, eventually, insert_story, spawn_app, spawn_app_with, start,
};

async fn story(app: &TestApp, title: &str, surprise: &str, hero: &str) -> i64 {
    insert_story(app, title, surprise, &[(hero, "pending")], 300).await
}

fn text(answer: &Value) -> String {
    answer["blocks"].as_array().map_or_else(
        || answer["text"].as_str().unwrap_or_default().to_owned(),
        |b| {
            b.iter()
                .map(|b| b["text"]["text"].as_str().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n")
        },
    )
}

#[tokio::test]
async fn find_ranks_a_match_in_the_title_first_and_searches_nominations_too() {
    let app = spawn_app().await;
    story(
        &app,
        "The night of the invoices",
        "A cake after the billing outage was over",
        "U0BOB",
    )
    .await;
    story(
        &app,
        "Billing outage turned into a thank-you note",
        "A handwritten card",
        "U0ALICE",
    )
    .await;
    story(&app, "Onboarding in one afternoon", "Flowers", "U0CAROL").await;
    app.hero(
        NOMINATOR,
        "<@U0DAVE> for staying on the phone through the whole billing outage",
    )
    .await;

    let answer: Value = app
        .hero(NOMINATOR, "find billing outage")
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(answer["response_type"], "ephemeral");
    let blocks = answer["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 4, "a heading and three matches: {answer}");
    let first = blocks[1]["text"]["text"].as_str().unwrap();
    assert!(
        first.contains("Billing outage turned into a thank-you note")
            && first.contains("<@U0ALICE>"),
        "{first}"
    );
    assert!(
        first.contains("*Billing*") || first.contains("*billing*"),
        "matched words are bold: {first}"
    );
    let all = text(&answer);
    assert!(
        all.contains("Recognition by <@U0NOMINATOR>") && all.contains("<@U0DAVE>"),
        "{all}"
    );
    assert!(!all.contains("Onboarding"), "{all}");
}

#[tokio::test]
async fn find_matches_the_start_of_the_last_word() {
    let app = spawn_app().await;
    story(&app, "Refunds for every double charge", "A card", "U0ALICE").await;
    let answer: Value = app.hero(NOMINATOR, "find refu").await.json().await.unwrap();
    assert!(
        text(&answer).contains("Refunds for every double charge"),
        "{answer}"
    );
}

#[tokio::test]
async fn find_matches_other_forms_of_every_word() {
    let app = spawn_app().await;
    story(
        &app,
        "Double charge on a Sunday",
        "We refund the customer and sent flowers",
        "U0ALICE",
    )
    .await;
    app.hero(
        NOMINATOR,
        "<@U0DAVE> for calling back and refunding the customer within the hour",
    )
    .await;
    story(&app, "Onboarding in one afternoon", "Flowers", "U0CAROL").await;

    let answer: Value = app
        .hero(NOMINATOR, "find refunded customers")
        .await
        .json()
        .await
        .unwrap();
    let all = text(&answer);
    assert!(all.contains("Double charge on a Sunday"), "{all}");
    assert!(
        all.contains("Recognition by <@U0NOMINATOR>") && all.contains("<@U0DAVE>"),
        "{all}"
    );
    assert!(!all.contains("Onboarding"), "{all}");
}

#[tokio::test]
async fn any_text_is_a_valid_query() {
    let app = spawn_app().await;
    story(&app, "Billing outage turned around", "A card", "U0ALICE").await;
    for query in [
        "\"",
        "billing\"",
        "*",
        "OR",
        "billing OR",
        "NEAR(billing",
        "-billing",
        "title:billing",
        "🎉",
        "🎉 billing 🔥",
        "(",
        "thank-you",
        "'; drop table stories; --",
        "billing AND NOT outage",
        "^billing",
    ] {
        let response = app.hero(NOMINATOR, &format!("find {query}")).await;
        assert_eq!(response.status(), 200, "{query}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["response_type"], "ephemeral", "{query}: {answer}");
    }
    assert_eq!(app.count("stories").await, 1, "nothing was harmed");
    let answer: Value = app
        .hero(NOMINATOR, "find \"billing\" OR")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        text(&answer).contains("Nothing matches"),
        "OR is a word here, not an operator: {answer}"
    );
}

#[tokio::test]
async fn a_profile_shows_recognitions_received_and_given_stories_dates_and_tags() {
    let app = spawn_app().await;
    app.hero(
        NOMINATOR,
        "<@U0ALICE> for turning a billing outage around #billing #vip",
    )
    .await;
    app.hero(
        NOMINATOR,
        "<@U0ALICE> <@U0BOB> for the weekend migration without downtime #billing",
    )
    .await;
    app.hero(
        "U0ALICE",
        "<@U0BOB> for covering my shift while I handled the outage",
    )
    .await;
    story(&app, "The invoice that went out twice", "A card", "U0ALICE").await;

    let answer: Value = app
        .hero(NOMINATOR, "profile <@U0ALICE|alice>")
        .await
        .json()
        .await
        .unwrap();

    let text = answer["text"].as_str().unwrap();
    assert!(text.contains("Service profile of <@U0ALICE>"), "{text}");
    assert!(text.contains("Recognised 2 times"), "{text}");
    assert!(text.contains("credited in 1 recovery story"), "{text}");
    assert!(text.contains("recognised others once"), "{text}");
    assert!(text.contains("#billing (2) #vip (1)"), "{text}");
    assert!(
        text.contains("First recognised")
            && text.contains("<@U0NOMINATOR>: for the weekend migration"),
        "{text}"
    );

    let own: Value = app.hero("U0BOB", "profile").await.json().await.unwrap();
    assert!(
        own["text"]
            .as_str()
            .unwrap()
            .contains("Service profile of <@U0BOB>"),
        "profile defaults to yourself"
    );
    let nobody: Value = app
        .hero(NOMINATOR, "profile <@U0NOBODY>")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        nobody["text"]
            .as_str()
            .unwrap()
            .contains("no recognitions or stories yet")
    );
}

/// An app on SQLite whatever engine the suite runs on: for the tests of the FTS5 index, which
/// PostgreSQL does without (its search columns are computed with each row).
fn fts5() -> Options {
    Options {
        on_sqlite: true,
        ..Options::default()
    }
}

/// How many stored nominations the index finds for `word`.
async fn indexed(app: &TestApp, word: &str) -> i64 {
    sql::query_scalar("select count(*) from nominations_fts where nominations_fts match $1")
        .bind(word)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_nomination_committed_before_a_crash_is_indexed_after_the_restart() {
    let app = spawn_app_with(fts5()).await;
    let (dir, slack) = app.stop().await;
    // Committed, not yet indexed: what a crash right after the commit leaves behind.
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}/herobot.db", dir.path().display()))
        .await
        .unwrap();
    sql::query(
        "insert into nominations (team_id, nominator_id, reason, source, created_at)
         values ('T0TEAM', 'U0NOMINATOR', 'for landing the zeppelin on time', 'command', 300)",
    )
    .execute(&db)
    .await
    .unwrap();
    db.close().await;

    let app = start(dir, slack, &fts5()).await;

    eventually("the indexer to index the nomination", || async {
        (indexed(&app, "zeppelin").await == 1).then_some(())
    })
    .await;
}

// The command blocks a thread while it runs; the app serving beside it keeps the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herobot_reindex_rebuilds_the_index_and_the_heroes_days_from_the_tables() {
    let app = spawn_app_with(fts5()).await;
    app.hero(NOMINATOR, "<@U0BOB> for rescuing the quarterly invoices")
        .await;
    eventually("the nomination to be indexed", || async {
        (indexed(&app, "quarterly").await == 1).then_some(())
    })
    .await;
    sql::query("insert into nominations_fts (nominations_fts) values ('delete-all')")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(indexed(&app, "quarterly").await, 0);
    let rolled_up = || async {
        sql::query_scalar::<i64>(
            "select (select coalesce(sum(recognitions), 0) from hero_days where hero_id = 'U0BOB')
                  + (select coalesce(sum(recognitions), 0) from hero_blocks where hero_id = 'U0BOB')",
        )
        .fetch_one(&app.db)
        .await
        .unwrap()
    };
    assert_eq!(rolled_up().await, 2);
    for table in ["hero_days", "hero_blocks"] {
        sql::query(format!("delete from {table}"))
            .execute(&app.db)
            .await
            .unwrap();
    }

    let status = std::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
        .arg("reindex")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/herobot.db", app.dir.path().display()),
        )
        .status()
        .unwrap();

    assert!(status.success());
    assert_eq!(indexed(&app, "quarterly").await, 1);
    // The heroes' days are rebuilt too: the day's and the block's count.
    assert_eq!(rolled_up().await, 2);
    let answer: Value = app
        .hero(NOMINATOR, "find quarterly")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        text(&answer).contains("rescuing the *quarterly* invoices"),
        "{answer}"
    );
}

/// A database indexed by the build before word forms (migrated up to 0015, one nomination
/// indexed and one committed after the indexer's mark) is rebuilt by the upgrade: both are
/// found by another form of their words, and each once.
#[tokio::test]
async fn an_index_made_before_word_forms_is_rebuilt_on_upgrade() {
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let earlier = dir.path().join("earlier-migrations");
    std::fs::create_dir(&earlier).unwrap();
    for entry in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap()
    {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.as_str() < "0016" {
            std::fs::copy(&path, earlier.join(name)).unwrap();
        }
    }
    let url = format!("sqlite://{}/herobot.db?mode=rwc", dir.path().display());
    let db = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::migrate::Migrator::new(earlier.as_path())
        .await
        .unwrap()
        .run(&db)
        .await
        .unwrap();
    for reason in [
        "for refunding the customers before they asked",
        "for the refunds that reached every customer by Friday",
    ] {
        sql::query(
            "insert into nominations (team_id, nominator_id, reason, source, created_at)
             values ('T0TEAM', 'U0NOMINATOR', $1, 'command', 300)",
        )
        .bind(reason)
        .execute(&db)
        .await
        .unwrap();
        // The first as the earlier indexer left it; the second committed after its mark.
        if reason.contains("before") {
            sql::query(
                "insert into nominations_fts (rowid, reason) select id, reason from nominations",
            )
            .execute(&db)
            .await
            .unwrap();
            sql::query("update search_indexed set last_id = 1 where source = 'nominations'")
                .execute(&db)
                .await
                .unwrap();
        }
    }
    assert_eq!(
        sql::query_scalar::<i64>(
            "select count(*) from nominations_fts where nominations_fts match 'refund'"
        )
        .fetch_one(&db)
        .await
        .unwrap(),
        0,
        "the earlier index knew only exact forms"
    );
    db.close().await;

    let slack = wiremock::MockServer::start().await;
    crate::helpers::mount_slack_ok(&slack).await;
    let app = start(dir, slack, &fts5()).await;
    app.settled().await;
    assert_eq!(indexed(&app, "refund").await, 2);
    let rows: i64 = sql::query_scalar(
        "select count(*) from nominations_fts where nominations_fts match 'custom*'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(rows, 2, "each nomination is indexed once");
    let marks: i64 =
        sql::query_scalar("select last_id from search_indexed where source = 'nominations'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(marks, 2);
}
