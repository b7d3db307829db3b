//! The library's scorecard page: the digest's link leads to it, its numbers are the digest's for
//! the same week, and its CSV download is its table.
use crate::sql;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::Value;

use crate::helpers::{LEADER, Options, TestApp, json, now, spawn_app_with};
use crate::library::{PUBLIC_URL, get, page, sign_in};

const DIGEST_CHANNEL: &str = "C0DIGEST";

async fn scorecard_app() -> TestApp {
    spawn_app_with(Options {
        public_url: Some(PUBLIC_URL),
        digest_channel: Some(DIGEST_CHANNEL),
        ..Options::default()
    })
    .await
}

/// A recovery story told at `created_at`: fixed after `hours`, with or without a surprise, the
/// customer's reaction and kind.
pub(crate) async fn recovery(
    app: &TestApp,
    created_at: i64,
    hours: i64,
    surprise: bool,
    reaction: &str,
    kind: &str,
) -> i64 {
    sql::query_scalar(
        "insert into stories (team_id, author_id, title, what_went_wrong, happened_at, fixed_at, how_fixed, surprise,
                              customer_kind, reaction, created_at)
         values ('T0TEAM', 'U0AUTHOR', 'A recovery', 'Invoices went out twice', $1 - $2 * 3600, $1, 'Refunded everyone',
                 $3, $4, $5, $1) returning id",
    )
    .bind(created_at)
    .bind(hours)
    .bind(surprise.then_some("A handwritten card"))
    .bind(kind)
    .bind(reaction)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// Five stories in the middle of last week (UTC) and two this week.
async fn seed(app: &TestApp) {
    let last_week = now() - 7 * 86_400;
    recovery(app, last_week, 2, true, "blown_away", "external").await;
    recovery(app, last_week, 30, true, "satisfied", "internal").await;
    recovery(app, last_week, 5, false, "unknown", "external").await;
    recovery(app, last_week, 48, false, "blown_away", "internal").await;
    recovery(app, last_week, 1, true, "satisfied", "external").await;
    recovery(app, now(), 1, true, "blown_away", "external").await;
    recovery(app, now(), 1, true, "blown_away", "external").await;
}

/// The cells of every row of the page's table, as text.
fn table(html: &str) -> Vec<Vec<String>> {
    let body = html
        .split_once("<tbody>")
        .and_then(|(_, rest)| rest.split_once("</tbody>"))
        .expect("the page has a table")
        .0;
    body.split("</tr>")
        .filter(|row| row.contains("<td"))
        .map(|row| {
            row.split("<td>")
                .skip(1)
                .map(|cell| {
                    // The text of a cell, tags dropped, count and share as "3 60 %".
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in cell.replace("<span", " <span").chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text.trim().to_owned()
                })
                .collect()
        })
        .collect()
}

/// The row of `week`, which the page marks as the chosen one.
fn row_of(html: &str, week: &str) -> Vec<String> {
    assert!(
        html.contains("<tr class=\"selected\"><td><a href=\"/library?since="),
        "a chosen week"
    );
    table(html)
        .into_iter()
        .find(|r| r[0] == week)
        .expect("the week is in the table")
}

#[tokio::test]
async fn the_digests_link_leads_to_the_scorecard_of_its_week_with_the_same_numbers() {
    let app = scorecard_app().await;
    seed(&app).await;
    let answer: Value = app.hero(LEADER, "digest post").await.json().await.unwrap();
    assert!(answer["text"].as_str().unwrap().contains("on its way"));
    let requests = app.slack_requests(1).await;
    let digest = requests
        .iter()
        .map(json)
        .find(|b| b["channel"] == DIGEST_CHANNEL)
        .expect("the digest was posted");
    let text = digest["blocks"].to_string();
    // 5 stories: within 24 h 3 (2 h, 5 h, 1 h), surprise 3, blown away 2.
    for measure in [
        "Recovered within 24 h*\\n60 % (3 of 5)",
        "Surprise given*\\n60 % (3 of 5)",
        "Customer blown away*\\n40 % (2 of 5)",
    ] {
        assert!(text.contains(measure), "{measure} in {text}");
    }
    let link = text
        .split(&format!("<{PUBLIC_URL}"))
        .nth(1)
        .and_then(|rest| rest.split('|').next())
        .expect("the digest links to the library")
        .to_owned();
    assert!(link.starts_with("/library/scorecard?week="), "{link}");
    let week = link.rsplit('=').next().unwrap().to_owned();

    let cookie = sign_in(&app).await;
    let (status, html) = page(&app, &link, &cookie).await;

    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("Recovery scorecard · week {week}")),
        "{html}"
    );
    assert_eq!(
        row_of(&html, &week),
        [&week, "5", "2", "3", "3 60 %", "3 60 %", "2 40 %"]
    );
    // Four charts (each drawn for wide screens and for phones), described for screen readers.
    assert_eq!(html.matches("<svg class=\"chart\" role=\"img\"").count(), 8);
    assert_eq!(html.matches("<desc id=").count(), 8);
    assert!(html.contains("target 90 %") && html.contains("target 80 %"));
}

#[tokio::test]
async fn the_scorecard_shows_26_weeks_to_the_current_one_by_default() {
    let app = scorecard_app().await;
    seed(&app).await;
    let cookie = sign_in(&app).await;

    let response = get(&app, "/library/scorecard", Some(&cookie)).await;
    let csp = response.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();

    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(!html.contains("<script"));
    let rows = table(&html);
    assert_eq!(rows.len(), 26);
    // This week so far: two stories, both within a day, surprised and blown away.
    assert_eq!(
        rows[25][1..],
        ["2", "0", "2", "2 100 %", "2 100 %", "2 100 %"]
    );
    assert_eq!(rows[24][1], "5");
    assert!(rows[..24].iter().all(|r| r[1] == "0" && r[4] == "0 –"));
    assert!(
        !html.contains("rel=\"next\""),
        "no week after the current one"
    );
}

#[tokio::test]
async fn the_csv_download_is_the_table() {
    let app = scorecard_app().await;
    seed(&app).await;
    let cookie = sign_in(&app).await;
    let (_, html) = page(&app, "/library/scorecard", &cookie).await;
    let href = html
        .split("href=\"")
        .find(|h| h.starts_with("/library/scorecard.csv"))
        .and_then(|h| h.split('"').next())
        .expect("a CSV link")
        .to_owned();

    let response = get(&app, &href, Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();

    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("week,monday,stories,internal,external,recovered_within_24h,"));
    let rows = table(&html);
    assert_eq!(lines.len() - 1, rows.len());
    for (line, row) in lines[1..].iter().zip(&rows) {
        let f: Vec<&str> = line.split(',').collect();
        let share = |count: &str, pct: &str| {
            let pct = if pct.is_empty() {
                "–".to_owned()
            } else {
                format!("{pct} %")
            };
            format!("{count} {pct}")
        };
        let from_csv = vec![
            f[0].to_owned(),
            f[2].to_owned(),
            f[3].to_owned(),
            f[4].to_owned(),
            share(f[5], f[6]),
            share(f[7], f[8]),
            share(f[9], f[10]),
        ];
        assert_eq!(&from_csv, row, "{line}");
        assert_eq!((f[11], f[12]), ("90", "80"));
    }
}

#[tokio::test]
async fn a_week_that_cannot_be_read_is_explained_and_the_scorecard_needs_a_session() {
    let app = scorecard_app().await;
    let cookie = sign_in(&app).await;
    let (status, html) = page(&app, "/library/scorecard?week=soon", &cookie).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("week must look like 2026-W47"), "{html}");

    let response = get(&app, "/library/scorecard", None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = get(&app, "/library/scorecard.csv", None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}
