//! The audit trail: a Feature, a sign-in and each export write their row (never the words
//! searched for); `/library/audit` is for leaders, escaped, with a CSV safe for spreadsheets;
//! `herobot audit --since` prints it.
use crate::sql;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::Value;

use crate::forget::{exec, herobot};
use crate::helpers::{LEADER, Options, TestApp, eventually, insert_story, now, spawn_app_with};
use crate::library::{PUBLIC_URL, browser, csrf_in, get, page, sign_in};

const TOKEN: &str = "api-token-for-tests";

fn options() -> Options {
    Options {
        public_url: Some(PUBLIC_URL),
        api_token: Some(TOKEN),
        ..Options::default()
    }
}

/// The trail, oldest first: (actor, event, subject).
async fn trail(app: &TestApp) -> Vec<(String, String, Value)> {
    let rows: Vec<(String, String, String)> =
        sql::query_as("select actor, event, subject from audit order by id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    rows.into_iter()
        .map(|(a, e, s)| (a, e, serde_json::from_str(&s).unwrap()))
        .collect()
}

/// Waits for a row of `event` (exports write theirs once the download is done).
async fn row_of(app: &TestApp, event: &str) -> Vec<(String, Value)> {
    eventually(&format!("a {event} row"), || async {
        let rows: Vec<(String, Value)> = trail(app)
            .await
            .into_iter()
            .filter(|(_, e, _)| e == event)
            .map(|(a, _, s)| (a, s))
            .collect();
        (!rows.is_empty()).then_some(rows)
    })
    .await
}

#[tokio::test]
async fn a_feature_a_sign_in_and_every_export_write_their_row_without_the_words_searched() {
    let app = spawn_app_with(options()).await;
    let id = insert_story(
        &app,
        "Billing outage",
        "A cake",
        &[("U0ALICE", "granted")],
        now(),
    )
    .await;
    insert_story(
        &app,
        "Lost parcel",
        "Flowers",
        &[("U0BEN", "pending")],
        now(),
    )
    .await;

    let cookie = sign_in(&app).await;
    let events: Vec<String> = trail(&app).await.into_iter().map(|(_, e, _)| e).collect();
    assert_eq!(events, ["library_link_issued", "library_link_used"]);

    let (_, html) = page(&app, &format!("/library/stories/{id}"), &cookie).await;
    let response = browser()
        .post(format!("{}/library/stories/{id}/feature", app.address))
        .header(COOKIE, cookie.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("featured=true&csrf={}", csrf_in(&html)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let featured = row_of(&app, "story_featured").await;
    assert_eq!(
        featured,
        [(LEADER.to_owned(), serde_json::json!({ "story": id }))]
    );

    // The API, with words to find: the row says a query was made, not which.
    let body = app
        .http
        .get(format!(
            "{}/api/stories?format=csv&q=billing+secretword&since=2026-11-01&until=2026-11-30&featured=true",
            app.address
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.starts_with("id,"), "{body}");
    let exported = row_of(&app, "stories_exported").await;
    assert_eq!(exported.len(), 1);
    let (actor, subject) = &exported[0];
    assert_eq!(actor, "api");
    let export = &subject["export"];
    assert_eq!(export["format"], "csv");
    assert_eq!(export["filter"]["query"], true);
    assert_eq!(export["filter"]["since"], "2026-11-01");
    assert_eq!(export["filter"]["until"], "2026-11-30");
    assert_eq!(export["filter"]["featured"], true);
    assert!(!subject.to_string().contains("billing"), "{subject}");
    assert!(!subject.to_string().contains("secretword"), "{subject}");

    // The library's download: every story, by the leader.
    let response = get(&app, "/library/export?format=json", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap();
    let exported = eventually("the library's export row", || async {
        let rows = row_of(&app, "stories_exported").await;
        (rows.len() == 2).then_some(rows)
    })
    .await;
    assert_eq!(exported[1].0, LEADER);
    assert_eq!(exported[1].1["export"]["format"], "json");
    assert_eq!(exported[1].1["export"]["rows"], 2);
    assert_eq!(exported[1].1["export"]["filter"]["query"], false);

    // The command line's export writes its row before it exits.
    herobot(&app, &["export", "--format", "md", "--query", "outage"]).await;
    let rows = trail(&app).await;
    let (actor, _, subject) = rows.last().unwrap();
    assert_eq!(actor, "cli");
    assert_eq!(subject["export"]["format"], "md");
    assert!(!subject.to_string().contains("outage"), "{subject}");
}

#[tokio::test]
async fn the_audit_page_is_for_leaders_only_escaped_and_its_csv_is_safe_for_spreadsheets() {
    let app = spawn_app_with(options()).await;
    // Without a session, the library's usual refusal: how to sign in.
    for path in ["/library/audit", "/library/audit.csv"] {
        let response = get(&app, path, None).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()[LOCATION], "/library/sign-in");
    }
    // Someone who is not a leader gets no link, so no session.
    let reply: Value = app
        .hero("U0NOTLEADER", "library")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .contains("Only the service leaders"),
        "{reply}"
    );

    let cookie = sign_in(&app).await;
    // A name from Slack that is markup and a formula.
    let now = app.clock.now_secs();
    exec(&app, &format!("insert into user_names (user_id, name, fetched_at) values ('{LEADER}', '=HYPERLINK(\"http://x\")<script>alert(1)</script>', {now})")).await;
    let revoked = app.hero(LEADER, "wall revoke").await;
    assert_eq!(revoked.status(), StatusCode::OK);

    let (status, html) = page(&app, "/library/audit", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{html}"
    );
    assert!(html.contains("revoked the wallboard links"), "{html}");
    assert!(html.contains("links ended: 0"), "{html}");
    assert!(html.contains("signed in to the library"), "{html}");
    // Newest first.
    let revoked_at = html.find("revoked the wallboard links").unwrap();
    let signed_in_at = html.find("signed in to the library").unwrap();
    assert!(revoked_at < signed_in_at);

    let response = get(&app, "/library/audit.csv", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("herobot-audit-2026-11-18.csv")
    );
    let csv = response.text().await.unwrap();
    let mut lines = csv.split("\r\n");
    assert_eq!(lines.next(), Some("id,at,actor,who,event,what,about"));
    assert!(
        csv.contains(",\"'=HYPERLINK(\"\"http://x\"\")<script>alert(1)</script>\","),
        "{csv}"
    );
    for line in csv.lines().skip(1) {
        for cell in line.split(',') {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{line}");
        }
    }
}

#[tokio::test]
async fn a_page_of_the_trail_holds_fifty_events_and_links_to_older_ones() {
    let app = spawn_app_with(options()).await;
    let cookie = sign_in(&app).await;
    let now = app.clock.now_secs();
    exec(&app, &format!(
        "with recursive n(i) as (select 1 union all select i + 1 from n where i < 60)
         insert into audit (at, actor, event, subject) select {now} + i, 'cli', 'wall_link_made', '\"nothing\"' from n"
    )).await;
    let (_, first) = page(&app, "/library/audit", &cookie).await;
    assert!(first.contains("Events 1–50"), "{first}");
    assert!(first.contains("/library/audit?page=2"), "{first}");
    let (_, second) = page(&app, "/library/audit?page=2", &cookie).await;
    assert!(second.contains("Events 51–62"), "{second}");
    assert!(!second.contains("page=3"), "{second}");
}

#[tokio::test]
async fn herobot_audit_prints_the_trail_since_a_day_and_refuses_a_bad_date() {
    // It takes a backup too, which only SQLite has.
    let app = spawn_app_with(Options {
        on_sqlite: true,
        ..options()
    })
    .await;
    let day = 86_400;
    // Wednesday 18 November 2026, 10:00 UTC.
    let now = 1_794_996_000;
    exec(
        &app,
        &format!(
            "insert into audit (at, actor, event, subject) values
           ({}, 'schedule', 'backup_taken', '{{\"counts\":[[\"nominations\",3]]}}'),
           ({now}, '{LEADER}', 'story_featured', '{{\"story\":7}}')",
            now - 3 * day
        ),
    )
    .await;
    let all = herobot(&app, &["audit"]).await;
    assert_eq!(all.lines().count(), 2, "{all}");
    let since = herobot(&app, &["audit", "--since", "2026-11-17"]).await;
    assert_eq!(
        since,
        format!("2026-11-18 10:00:00 UTC\t{LEADER}\tstory_featured\tstory 7\n")
    );

    // A backup by the command line leaves its row once the copy is kept.
    let copy = app.dir.path().join("copy.db");
    herobot(&app, &["backup", copy.to_str().unwrap()]).await;
    // (The command line's clock is the machine's: no --since, so the day it runs never matters.)
    let after = herobot(&app, &["audit"]).await;
    let last = after.lines().last().unwrap();
    assert!(
        last.contains("\tthe command line\tbackup_taken\t"),
        "{after}"
    );
    assert!(last.contains("\tnominations: "), "{after}");

    let url = crate::health::database_url(app.dir.path());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
            .args(["audit", "--since", "18/11/2026"])
            .env("DATABASE_URL", url)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"18/11/2026\" is not a date like 2026-11-23 (UTC)"),
        "{err}"
    );
}
