//! `herobot forget USER_ID [--yes]`: a dry run changes nothing; the real run leaves the person's
//! ID in no column of any table, while the week's counts, the heroes' rollup and a round's
//! averages stay as they were.
use crate::sql;
use herobot::domain::report_card::MinAnswers;
use herobot::store::{Backend, digests, report_cards};

use crate::helpers::{TestApp, eventually, insert_story, spawn_app};

pub const ANA: &str = "U0ANA";

/// Runs `sql`, one statement or several each ending a line with `;` (PostgreSQL prepares one
/// statement at a time).
pub async fn exec(app: &TestApp, sql: &str) {
    for statement in sql.split(";\n").filter(|s| !s.trim().is_empty()) {
        sql::query(statement.to_owned())
            .execute(&app.db)
            .await
            .unwrap();
    }
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    sql::query_scalar(sql.to_owned())
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Runs the `herobot` binary on the app's database; answers its standard output. It runs off
/// the test's runtime thread, so the app's own transactions (the indexer's) go on meanwhile
/// instead of holding the lock the command waits for.
pub async fn herobot(app: &TestApp, args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let url = database_url(app);
    let out = tokio::task::spawn_blocking(move || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
            .args(&args)
            .env("DATABASE_URL", url)
            .output()
            .unwrap();
        (args, out)
    })
    .await
    .unwrap();
    let (args, out) = out;
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The app's `DATABASE_URL`: its SQLite file, or the PostgreSQL database the suite made for it
/// (named in its directory).
pub fn database_url(app: &TestApp) -> String {
    match app.db.backend() {
        Backend::Sqlite => format!("sqlite://{}/herobot.db", app.dir.path().display()),
        Backend::Postgres => std::fs::read_to_string(app.dir.path().join("postgres-url"))
            .expect("the suite names the app's PostgreSQL database in its directory"),
    }
}

/// How many stored nominations the search finds for `word`: the FTS5 index on SQLite, the
/// generated search column on PostgreSQL.
async fn found(app: &TestApp, word: &str) -> i64 {
    let sql = match app.db.backend() {
        Backend::Sqlite => "select count(*) from nominations_fts where nominations_fts match $1",
        Backend::Postgres => {
            "select count(*) from nominations where search @@ to_tsquery('herobot', $1)"
        }
    };
    sql::query_scalar(sql)
        .bind(word)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Ana with one of everything: recognitions given and received (one mentioning her in the
/// reason), a story told and one credited (with consent), a customer's answer she gave, a report
/// card she rates (one answer with a comment, beside two other raters) and an action item she
/// owns, her App Home, her name in the cache, a wallboard link and a library sign-in link, a
/// row of the audit trail she did, and her deactivated account.
/// Answers the report card's round.
pub async fn one_of_everything(app: &TestApp) -> i64 {
    let now = app.clock.now_secs();
    app.hero(
        ANA,
        "<@U0BEN> for answering the midnight call of a customer in Perth",
    )
    .await;
    app.hero(
        "U0BEN",
        "<@U0ANA|ana> <@U0CAT> for the refund that arrived before the complaint",
    )
    .await;
    app.hero(
        "U0CAT",
        "<@U0ANA> for rebuilding the order by hand for a customer, thanks U0ANA",
    )
    .await;
    let credited = insert_story(
        app,
        "The twice-sent invoices",
        "Flowers",
        &[(ANA, "granted"), ("U0BEN", "pending")],
        now,
    )
    .await;
    let told = insert_story(
        app,
        "Ana's own story",
        "A cake",
        &[("U0CAT", "pending")],
        now,
    )
    .await;
    exec(app, &format!("update stories set author_id = '{ANA}', how_fixed = 'Ana phoned every customer herself' where id = {told}")).await;
    // Ana and Ben add their thanks to a recognition of Dee by Dan.
    app.hero(
        "U0DAN",
        "<@U0DEE> for walking a customer through the new invoices, twice",
    )
    .await;
    exec(app, &format!("insert into thanks (nomination_id, by_id, created_at) select max(id), '{ANA}', {now} from nominations;
                        insert into thanks (nomination_id, by_id, created_at) select max(id), 'U0BEN', {now} from nominations")).await;
    exec(app, &format!("insert into customer_answers (story_id, answer, comment, answered_at, customer_id) values ({credited}, 'blown_away', 'Ana made my week', {now}, '{ANA}')")).await;
    exec(app, &format!("insert into user_names (user_id, name, fetched_at) values ('{ANA}', 'Ana Lopez', {now})")).await;
    exec(app, &format!("insert into home_views (user_id, first_opened_at, last_opened_at) values ('{ANA}', {now}, {now})")).await;
    exec(
        app,
        &format!(
            "insert into wall_keys (key_hash, issued_by, issued_at) values ('ab12', '{ANA}', {now})"
        ),
    )
    .await;
    exec(
        app,
        &format!(
            "insert into library_links (nonce, user_id, expires_at) values ('n1', '{ANA}', {now})"
        ),
    )
    .await;
    // As a leader she featured a story (the audit trail names her), and her account was
    // deactivated.
    exec(app, &format!("insert into audit (at, actor, event, subject) values ({now}, '{ANA}', 'story_featured', '{{\"story\":{credited}}}')")).await;
    exec(
        app,
        &format!("insert into departures (user_id, departed_at) values ('{ANA}', {now})"),
    )
    .await;
    exec(app, &format!(
        "insert into report_cards (id, supplier, review_channel, anonymous, created_by, created_at, updated_at)
           values (1, 'Marketing', 'C0REVIEW', false, '{ANA}', {now}, {now});
         insert into report_card_deliverables (id, card_id, position, name, created_at) values (1, 1, 0, 'Leads', {now});
         insert into report_card_raters (card_id, rater_id) values (1, '{ANA}'), (1, 'U0BEN'), (1, 'U0CAT');
         insert into report_card_rounds (id, card_id, month, opened_at, opened_by, anonymous, remind_at, closes_at, closed_at, closed_by)
           values (1, 1, '2026-10', {now}, 'schedule', false, {now}, {now}, {now}, 'schedule');
         insert into report_card_invitations (round_id, rater_id) values (1, '{ANA}'), (1, 'U0BEN'), (1, 'U0CAT');
         insert into report_card_answers (round_id, rater_id, deliverable_id, rating, comment, answered_at)
           values (1, '{ANA}', 1, 2, 'Leads come late, says Ana', {now}), (1, 'U0BEN', 1, 4, 'Better than <@U0ANA> thinks', {now}),
                  (1, 'U0CAT', 1, 5, null, {now});
         insert into report_card_round_comments (round_id, rater_id, comment, answered_at)
           values (1, '{ANA}', 'A good month overall, says Ana', {now});
         insert into report_card_actions (card_id, round_id, what, owner_id, due_on, added_by, added_at)
           values (1, 1, 'Send leads by the 5th', '{ANA}', '2026-12-05', 'U0BEN', {now});"
    )).await;
    // The indexer has reached every row: the search index and the heroes' days hold them.
    eventually("the indexer to catch up", || async {
        let behind = count(app,
            "select (select count(*) from search_indexed where last_id < (select max(id) from nominations) and source = 'nominations')
                  + (select count(*) from hero_days_indexed where last_id < (select max(id) from nominations) and source = 'nominations')
                  + (select count(*) from hero_days_indexed where last_id < (select max(id) from stories) and source = 'stories')").await;
        (behind == 0).then_some(())
    })
    .await;
    1
}

/// Where `user` still appears: every column of every table (text or not, the search index's
/// own tables too), case folded, as `table.column`.
async fn appearances(app: &TestApp, user: &str) -> Vec<String> {
    let (tables, columns) = match app.db.backend() {
        Backend::Sqlite => (
            "select name from sqlite_master where type = 'table' order by name",
            "select name from pragma_table_info($1)",
        ),
        // The search columns (tsvector) are among the columns: cast to text, they show their
        // words.
        Backend::Postgres => (
            "select table_name::text from information_schema.tables
             where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1",
            "select column_name::text from information_schema.columns
             where table_schema = current_schema() and table_name = $1 order by ordinal_position",
        ),
    };
    let tables: Vec<String> = sql::query_scalar(tables).fetch_all(&app.db).await.unwrap();
    let mut found = Vec::new();
    for table in tables {
        let columns: Vec<String> = sql::query_scalar(columns)
            .bind(&table)
            .fetch_all(&app.db)
            .await
            .unwrap();
        for column in columns {
            let n = count(app, &format!(
                "select count(*) from \"{table}\" where lower(cast(\"{column}\" as text)) like '%' || lower('{user}') || '%'"
            ))
            .await;
            if n > 0 {
                found.push(format!("{table}.{column}"));
            }
        }
    }
    found
}

#[tokio::test]
async fn a_forgotten_person_is_in_no_column_of_any_table_and_the_counts_stay() {
    let app = spawn_app().await;
    let round = one_of_everything(&app).await;
    let (start, end) = (
        app.clock.now_secs() - 7 * 86_400,
        app.clock.now_secs() + 86_400,
    );
    let week = digests::counts(&app.db, start, end).await.unwrap();
    let averages = |r: herobot::domain::report_card::Results| (r.overall(), r.answered, r.invited);
    let round_before = averages(
        report_cards::results(&app.db, round, MinAnswers::default())
            .await
            .unwrap()
            .unwrap(),
    );
    let rollup = match app.db.backend() {
        Backend::Sqlite => {
            "select group_concat(day || ':' || recognitions, ',') from (select day, recognitions from hero_days order by day, recognitions)"
        }
        Backend::Postgres => {
            "select string_agg(day || ':' || recognitions, ',' order by day, recognitions) from hero_days"
        }
    };
    let rollup_before: String = sql::query_scalar(rollup).fetch_one(&app.db).await.unwrap();
    assert!(
        appearances(&app, ANA).await.len() > 10,
        "the person is everywhere before"
    );
    app.settled().await;

    // Without --yes: the counts, and nothing changed.
    let before = appearances(&app, ANA).await;
    let dry = herobot(&app, &["forget", ANA]).await;
    assert!(dry.contains("nominations\t0 deleted\t"), "{dry}");
    assert!(dry.contains("user_names\t1 deleted"), "{dry}");
    assert!(dry.contains("dry run"), "{dry}");
    assert_eq!(
        appearances(&app, ANA).await,
        before,
        "a dry run changes nothing"
    );

    assert_eq!(
        count(
            &app,
            "select count(*) from audit where event = 'person_forgotten'"
        )
        .await,
        0,
        "a dry run leaves no audit row"
    );
    let done = herobot(&app, &["forget", ANA, "--yes"]).await;
    assert!(done.contains("forgotten"), "{done}");
    assert_eq!(appearances(&app, ANA).await, Vec::<String>::new());
    // The audit row says a person was forgotten and how much changed, never who; what she did
    // stays in the trail, under her placeholder.
    let (actor, subject): (String, String) =
        sql::query_as("select actor, subject from audit where event = 'person_forgotten'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(actor, "cli");
    assert!(
        subject.contains("\"deleted\"") && subject.contains("\"rewritten\""),
        "{subject}"
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from audit where event = 'story_featured' and actor like 'UFORGOTTEN%'"
        )
        .await,
        1
    );
    assert_eq!(count(&app, "select count(*) from departures").await, 0);
    assert_eq!(
        appearances(&app, "Ana Lopez").await,
        Vec::<String>::new(),
        "the cached name is gone"
    );
    assert_eq!(
        appearances(&app, "Ana phoned").await,
        Vec::<String>::new(),
        "what she wrote alone is gone"
    );

    // Counts, the rollup and the round's averages are as they were.
    assert_eq!(digests::counts(&app.db, start, end).await.unwrap(), week);
    assert_eq!(
        averages(
            report_cards::results(&app.db, round, MinAnswers::default())
                .await
                .unwrap()
                .unwrap()
        ),
        round_before
    );
    let rollup_after: String = sql::query_scalar(rollup).fetch_one(&app.db).await.unwrap();
    assert_eq!(rollup_after, rollup_before);
    // Her thanks lose her ID and keep their count.
    assert_eq!(
        count(
            &app,
            "select count(*) from thanks where by_id like 'UFORGOTTEN%'"
        )
        .await,
        1
    );
    assert_eq!(count(&app, "select count(*) from thanks").await, 2);

    // What others wrote stays, with her mention rewritten; what she wrote reads as a former colleague.
    let placeholder: String =
        sql::query_scalar("select hero_id from story_heroes where hero_id like 'UFORGOTTEN%'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let reason: String =
        sql::query_scalar("select reason from nominations where nominator_id = 'U0CAT'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        reason,
        format!("for rebuilding the order by hand for a customer, thanks {placeholder}")
    );
    assert_eq!(count(&app, &format!("select count(*) from nominations where nominator_id = '{placeholder}' and reason = 'a former colleague'")).await, 1);
    assert_eq!(
        count(
            &app,
            "select count(*) from report_card_answers where comment = 'a former colleague'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            &format!("select count(*) from report_card_round_comments where comment = 'a former colleague' and rater_id = '{placeholder}'")
        )
        .await,
        1,
        "her comment about the whole card"
    );
    assert_eq!(
        count(&app, "select count(*) from report_card_raters").await,
        2,
        "she gets no further rounds"
    );
    // Search finds others' words about her, not hers.
    assert_eq!(found(&app, "perth").await, 0);
    assert_eq!(found(&app, "rebuilding").await, 1);
    // In Slack she reads as a former colleague.
    let top: serde_json::Value = app.hero("U0BEN", "top week").await.json().await.unwrap();
    let top = top.to_string();
    assert!(top.contains("1. a former colleague (3 times)"), "{top}");
    assert!(top.contains("thanks a former colleague"), "{top}");
    assert!(!top.contains("UFORGOTTEN"), "{top}");
    // A second forget finds nothing more.
    assert!(
        herobot(&app, &["forget", ANA])
            .await
            .contains("nothing is held")
    );
}
