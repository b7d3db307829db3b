//! The library's report card pages: the list, a card's trend chart and table, the last round's
//! results under the anonymity threshold, attributed comments with names, action items, the
//! CSV downloads, sessions, escaping and the strict CSP.
use crate::sql;
use herobot::domain::UserId;
use herobot::domain::report_card::{CardForm, Month, NewCard, Rated, Rating};
use herobot::store::report_cards as store;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION};

use crate::helpers::{TestApp, now};
use crate::library::{get, library_app, page, sign_in};

const DAY: i64 = 86_400;
pub(crate) const RATERS: [&str; 4] = ["U0RATERA", "U0RATERB", "U0RATERC", "U0RATERD"];

/// The month `back` months before the test clock's (November 2026 when it starts).
fn month(back: u32) -> Month {
    let mut m = Month::of(
        jiff::Timestamp::from_second(now()).unwrap(),
        &jiff::tz::TimeZone::UTC,
    );
    for _ in 0..back {
        m = m.previous();
    }
    m
}

/// A card made now by a leader; its ID and its deliverables' IDs.
pub(crate) async fn card(
    app: &TestApp,
    supplier: &str,
    deliverables: &str,
    comments: &str,
) -> (i64, Vec<i64>) {
    let card = NewCard::parse(CardForm {
        supplier: Some(supplier.into()),
        raters: RATERS.iter().map(|r| (*r).to_owned()).collect(),
        deliverables: Some(deliverables.into()),
        review_channel: Some("C0REVIEW".into()),
        comments: Some(comments.into()),
    })
    .unwrap();
    let mut conn = crate::helpers::transaction(&app.db).await;
    let id = store::create(&mut conn, &card, "U0LEADER", now())
        .await
        .unwrap();
    conn.commit().await.unwrap();
    let stored = store::get(&app.db, id).await.unwrap().unwrap();
    (id, stored.deliverables.iter().map(|d| d.id).collect())
}

/// A closed round of `card` rating the month `back` months ago: each rater's ratings (one per
/// deliverable, in order) and comment on the first deliverable. Its ID. Opened, answered and
/// closed in one transaction, so the app's round scheduler never sees it open (its closing
/// time is long past) and closes it first.
pub(crate) async fn round(
    app: &TestApp,
    card: (i64, &[i64]),
    back: u32,
    answers: &[(&str, &[u8], Option<&str>)],
) -> i64 {
    let (card_id, deliverables) = card;
    let opened = now() - i64::from(back) * 30 * DAY + DAY;
    let mut tx = crate::helpers::transaction(&app.db).await;
    let (id, asked) = store::open_round(
        &mut tx,
        card_id,
        month(back),
        "cli",
        opened,
        opened + 3 * DAY,
        opened + 7 * DAY,
    )
    .await
    .unwrap()
    .expect("a new round");
    assert_eq!(asked.len(), RATERS.len());
    for (rater, ratings, comment) in answers {
        let answers: Vec<Rated> = deliverables
            .iter()
            .zip(*ratings)
            .enumerate()
            .map(|(i, (d, r))| Rated {
                deliverable_id: *d,
                rating: Rating::parse(&r.to_string()).unwrap(),
                comment: comment.filter(|_| i == 0).map(str::to_owned),
            })
            .collect();
        let saved = store::replace_answers(
            &mut tx,
            id,
            &UserId::parse(rater).unwrap(),
            &answers,
            None,
            opened + DAY,
        )
        .await
        .unwrap();
        assert!(saved, "the round is open");
    }
    assert!(
        store::close(&mut tx, id, "schedule", opened + 7 * DAY)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    id
}

pub(crate) async fn name(app: &TestApp, id: &str, name: &str) {
    sql::query("insert into user_names (user_id, name, fetched_at) values ($1, $2, $3)")
        .bind(id)
        .bind(name)
        .bind(now())
        .execute(&app.db)
        .await
        .unwrap();
}

const LEADS: &str = "Qualified leads by the 5th";
const PRICES: &str = "Accurate price lists";

/// Marketing, rated on leads and price lists for four months: July shown, August with two
/// answers (kept back), September and October shown; two action items open (one overdue) and
/// one done.
async fn marketing(app: &TestApp) -> (i64, Vec<i64>) {
    let (id, ds) = card(app, "Marketing", &format!("{LEADS}\n{PRICES}"), "anonymous").await;
    let c = (id, ds.as_slice());
    let [a, b, cc, _] = RATERS;
    round(
        app,
        c,
        4,
        &[(a, &[3, 1], None), (b, &[3, 2], None), (cc, &[3, 3], None)],
    )
    .await;
    round(
        app,
        c,
        3,
        &[(a, &[1, 5], Some("Only one lead")), (b, &[1, 5], None)],
    )
    .await;
    round(
        app,
        c,
        2,
        &[(a, &[4, 2], None), (b, &[4, 3], None), (cc, &[5, 3], None)],
    )
    .await;
    let october = round(
        app,
        c,
        1,
        &[
            (a, &[5, 3], Some("Leads came on the 3rd")),
            (b, &[5, 3], None),
            (cc, &[4, 4], Some("Better than September")),
        ],
    )
    .await;
    let round = store::get_round(&app.db, october).await.unwrap().unwrap();
    let today = jiff::Timestamp::from_second(now())
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let leader = UserId::parse("U0LEADER").unwrap();
    let mut conn = crate::helpers::transaction(&app.db).await;
    for (what, owner, due) in [
        (
            "Send the lead list by the 3rd",
            "U0OWNERA",
            today - jiff::Span::new().days(3),
        ),
        (
            "Check prices with Finance",
            "U0OWNERB",
            today + jiff::Span::new().days(10),
        ),
        (
            "Agree a lead template",
            "U0OWNERA",
            today + jiff::Span::new().days(2),
        ),
    ] {
        let owner = UserId::parse(owner).unwrap();
        store::add_action(&mut conn, &round, what, &owner, due, &leader, now())
            .await
            .unwrap();
    }
    let done: i64 = sql::query_scalar(
        "select id from report_card_actions where what = 'Agree a lead template'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert!(
        store::mark_done(&mut conn, done, &leader, now())
            .await
            .unwrap()
    );
    conn.commit().await.unwrap();
    name(app, "U0OWNERA", "Olga Ortiz").await;
    name(app, "U0OWNERB", "Omar Bello").await;
    (id, ds)
}

/// The text of an HTML fragment, tags dropped and spaces squeezed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The rows of the table whose `<table>` is labelled by `id`, each as its cells' text.
fn table(html: &str, id: &str) -> Vec<Vec<String>> {
    let body = html
        .split_once(&format!("aria-labelledby=\"{id}\">"))
        .and_then(|(_, rest)| rest.split_once("</table>"))
        .expect("the table")
        .0;
    body.split("</tr>")
        .filter(|row| row.contains("<td"))
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|c| text(&format!("<td{c}")))
                .collect()
        })
        .collect()
}

/// The section of the page from the heading with `id` to the next `<h2`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let from = html.find(&format!("<h2 id=\"{id}\"")).expect("the section");
    let rest = &html[from + 4..];
    &rest[..rest.find("<h2").unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_list_shows_every_card_running_first_with_its_last_result_and_actions() {
    let app = library_app().await;
    let (retired, _) = card(&app, "Facilities", "Clean meeting rooms", "anonymous").await;
    assert!(store::retire(&app.db, retired, now()).await.unwrap());
    let (marketing, _) = marketing(&app).await;
    let cookie = sign_in(&app).await;

    let (status, html) = page(&app, "/library/reportcards", &cookie).await;

    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("href=\"/library/reportcards\">Report cards</a>"),
        "navigation"
    );
    let at_marketing = html.find("Marketing</a>").expect("Marketing listed");
    let at_facilities = html.find("Facilities</a>").expect("Facilities listed");
    assert!(at_marketing < at_facilities, "running cards first");
    let (running, retired_part) = html.split_at(at_facilities);
    let running = text(running);
    // October: leads 5, 5, 4 and prices 3, 3, 4: 24 of 6 ratings; September 21 of 6.
    assert!(
        running.contains(
            "Rated by 4 raters on 2 deliverables: Qualified leads by the 5th · Accurate price lists"
        ),
        "{running}"
    );
    assert!(
        running.contains("October 2026: 4.0 (▲ 0.5 on the round before) · response 75 % (3 of 4)"),
        "{running}"
    );
    assert!(
        running.contains("2 open action items, 1 overdue"),
        "{running}"
    );
    assert!(html.contains(&format!("href=\"/library/reportcards/{marketing}\"")));
    assert!(html.contains(&format!("href=\"/library/reportcards/{marketing}.csv\"")));
    let retired_part = text(retired_part);
    assert!(retired_part.contains("Retired"), "{retired_part}");
    assert!(retired_part.contains("No round has closed yet."));
    assert!(html.contains("href=\"/library/reportcards.csv\""));
}

#[tokio::test]
async fn a_cards_page_draws_a_line_per_deliverable_and_tables_the_same_averages() {
    let app = library_app().await;
    let (id, _) = marketing(&app).await;
    let cookie = sign_in(&app).await;

    let (status, html) = page(&app, &format!("/library/reportcards/{id}"), &cookie).await;

    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Report card: Marketing</h1>"));
    // One chart drawn for wide screens and for phones, each with a line per deliverable: July
    // stands alone (August is kept back), September and October make a line.
    assert_eq!(html.matches("<svg class=\"chart\" role=\"img\"").count(), 2);
    let wide = html
        .split_once("<div class=\"wide\">")
        .and_then(|(_, rest)| rest.split_once("</svg>"))
        .unwrap()
        .0;
    for colour in ["#1264A3", "#B7591F"] {
        assert_eq!(
            wide.matches(&format!(
                "<polyline fill=\"none\" opacity=\"1\" stroke=\"{colour}\""
            ))
            .count(),
            1,
            "a line in {colour}: {wide}"
        );
    }
    // Leads as circles, price lists as squares: three months shown each.
    assert_eq!(wide.matches("<circle").count(), 3);
    assert!(wide.contains(">\nOct 26\n</text>") && wide.contains(">\nNov 25\n</text>"));
    let rows = table(&html, "trend");
    assert_eq!(rows.len(), 12, "twelve months, the latest first");
    assert_eq!(rows[0], ["October 2026", "75 % (3 of 4)", "4.7", "3.3"]);
    assert_eq!(rows[1], ["September 2026", "75 % (3 of 4)", "4.3", "2.7"]);
    assert_eq!(
        rows[2],
        [
            "August 2026",
            "50 % (2 of 4)",
            "not enough answers",
            "not enough answers"
        ]
    );
    assert_eq!(rows[3], ["July 2026", "75 % (3 of 4)", "3.0", "2.0"]);
    assert_eq!(rows[4], ["June 2026", "no round", "–", "–"]);
    assert_eq!(rows[11][0], "November 2025");
    // The last round's results: averages, change, distribution.
    let results = table(&html, "results");
    assert_eq!(
        results[0],
        [LEADS, "4.7", "▲ 0.3", "3", "0", "0", "0", "1", "2"]
    );
    assert_eq!(
        results[1],
        [PRICES, "3.3", "▲ 0.7", "3", "0", "0", "2", "1", "0"]
    );
    let summary = text(section(&html, "results"));
    assert!(
        summary.contains("Overall 4.0 (▲ 0.5 on September 2026) · response 75 % (3 of 4)"),
        "{summary}"
    );
    // Anonymous comments with enough answers: shown, without names.
    assert!(summary.contains("Leads came on the 3rd") && summary.contains("Better than September"));
    assert!(!summary.contains("U0RATER"));
    // Action items: open ones by due date, overdue marked, the done one last.
    let actions = text(section(&html, "actions"));
    assert!(
        actions.contains("Send the lead list by the 3rd · Olga Ortiz · due Sun 15 Nov 2026 Overdue Check prices with Finance · Omar Bello · due Sat 28 Nov 2026 Agree a lead template · Olga Ortiz · due Fri 20 Nov 2026 Done Wed 18 Nov 2026"),
        "{actions}"
    );
}

#[tokio::test]
async fn below_the_threshold_averages_and_anonymous_comments_are_kept_back() {
    let app = library_app().await;
    let (id, ds) = card(&app, "Legal", "Contract reviews in a week", "anonymous").await;
    round(
        &app,
        (id, &ds),
        1,
        &[
            ("U0RATERA", &[1], Some("Three weeks, again")),
            ("U0RATERB", &[2], None),
        ],
    )
    .await;
    let cookie = sign_in(&app).await;

    let (_, html) = page(&app, &format!("/library/reportcards/{id}"), &cookie).await;

    let results = table(&html, "results");
    assert_eq!(
        results,
        [["Contract reviews in a week", "not enough answers", "", "2"]],
        "no average and no distribution"
    );
    assert_eq!(table(&html, "trend")[0][2], "not enough answers");
    let section = text(section(&html, "results"));
    assert!(
        section.contains("Overall not enough answers · response 50 % (2 of 4)"),
        "{section}"
    );
    assert!(
        !html.contains("Three weeks, again"),
        "the comment is kept back"
    );
    assert!(section.contains("Kept back"));
    // No point drawn for the month.
    assert!(!html.contains("<circle"));
    let (_, list) = page(&app, "/library/reportcards", &cookie).await;
    assert!(text(&list).contains("October 2026: not enough answers · response 50 %"));
}

#[tokio::test]
async fn a_deliverable_rated_by_fewer_than_three_is_kept_back_on_its_own() {
    let app = library_app().await;
    let (id, ds) = card(
        &app,
        "Finance",
        "Invoices paid on time\nBudgets by the 10th",
        "anonymous",
    )
    .await;
    // Three raters answered; only two rated budgets.
    round(
        &app,
        (id, &ds),
        1,
        &[
            ("U0RATERA", &[4, 2], None),
            ("U0RATERB", &[5, 3], None),
            ("U0RATERC", &[3], None),
        ],
    )
    .await;
    let cookie = sign_in(&app).await;

    let (_, html) = page(&app, &format!("/library/reportcards/{id}"), &cookie).await;

    assert_eq!(
        table(&html, "results"),
        [
            [
                "Invoices paid on time",
                "4.0",
                "",
                "3",
                "0",
                "0",
                "1",
                "1",
                "1"
            ],
            [
                "Budgets by the 10th",
                "not enough answers",
                "",
                "2",
                "",
                "",
                "",
                "",
                ""
            ],
        ]
    );
    assert_eq!(table(&html, "trend")[0][2..], ["4.0", "not enough answers"]);
    assert!(
        text(section(&html, "results")).contains("Overall 4.0 ·"),
        "budgets left out"
    );
    let csv = get(
        &app,
        &format!("/library/reportcards/{id}.csv"),
        Some(&cookie),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        csv.contains(",2026-10,Invoices paid on time,4.00,3,4,75\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains(",2026-10,Budgets by the 10th,,2,4,75\r\n"),
        "{csv}"
    );
}

#[tokio::test]
async fn attributed_comments_show_the_raters_names_even_below_the_threshold() {
    let app = library_app().await;
    let (id, ds) = card(&app, "IT", "Laptops ready on day one", "attributed").await;
    round(
        &app,
        (id, &ds),
        1,
        &[
            ("U0RATERA", &[2], Some("Mine came a week late")),
            ("U0RATERB", &[4], None),
        ],
    )
    .await;
    name(&app, "U0RATERA", "Ana Silva").await;
    let cookie = sign_in(&app).await;

    let (_, html) = page(&app, &format!("/library/reportcards/{id}"), &cookie).await;

    let section = text(section(&html, "results"));
    assert!(
        section.contains("Laptops ready on day one · Ana Silva Mine came a week late"),
        "{section}"
    );
    assert_eq!(table(&html, "results")[0][1], "not enough answers");
}

#[tokio::test]
async fn the_csv_has_a_row_per_closed_round_and_deliverable_safe_for_spreadsheets() {
    let app = library_app().await;
    let (marketing, _) = marketing(&app).await;
    let (other, ds) = card(
        &app,
        "Sales, \"North\"",
        "=HYPERLINK(\"x\")\nDemos",
        "anonymous",
    )
    .await;
    round(
        &app,
        (other, &ds),
        1,
        &[
            ("U0RATERA", &[5, 4], None),
            ("U0RATERB", &[4, 4], None),
            ("U0RATERC", &[4, 1], None),
            ("U0RATERD", &[4, 2], None),
        ],
    )
    .await;
    // An open round is not in the CSV.
    let mut conn = crate::helpers::transaction(&app.db).await;
    store::open_round(
        &mut conn,
        marketing,
        month(0),
        "cli",
        now(),
        now() + 3 * DAY,
        now() + 7 * DAY,
    )
    .await
    .unwrap()
    .unwrap();
    conn.commit().await.unwrap();
    let cookie = sign_in(&app).await;

    let response = get(&app, "/library/reportcards.csv", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        response.headers()[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("herobot-reportcards.csv")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    let m = marketing;
    assert_eq!(
        lines,
        [
            "card,supplier,month,deliverable,average,answers,raters_asked,response_rate",
            &format!("{m},Marketing,2026-07,{LEADS},3.00,3,4,75"),
            &format!("{m},Marketing,2026-07,{PRICES},2.00,3,4,75"),
            &format!("{m},Marketing,2026-08,{LEADS},,2,4,50"),
            &format!("{m},Marketing,2026-08,{PRICES},,2,4,50"),
            &format!("{m},Marketing,2026-09,{LEADS},4.33,3,4,75"),
            &format!("{m},Marketing,2026-09,{PRICES},2.67,3,4,75"),
            &format!("{m},Marketing,2026-10,{LEADS},4.67,3,4,75"),
            &format!("{m},Marketing,2026-10,{PRICES},3.33,3,4,75"),
            &format!(
                "{other},\"Sales, \"\"North\"\"\",2026-10,\"'=HYPERLINK(\"\"x\"\")\",4.25,4,4,100"
            ),
            &format!("{other},\"Sales, \"\"North\"\"\",2026-10,Demos,2.75,4,4,100"),
            "",
        ]
    );

    let one = get(
        &app,
        &format!("/library/reportcards/{other}.csv"),
        Some(&cookie),
    )
    .await;
    assert_eq!(one.status(), StatusCode::OK);
    let one = one.text().await.unwrap();
    assert_eq!(one.lines().count(), 3, "{one}");
    assert!(
        one.lines()
            .skip(1)
            .all(|l| l.starts_with(&format!("{other},")))
    );
}

#[tokio::test]
async fn every_report_card_page_needs_a_session() {
    let app = library_app().await;
    let (id, _) = card(&app, "Marketing", LEADS, "anonymous").await;
    for path in [
        "/library/reportcards".to_owned(),
        "/library/reportcards.csv".to_owned(),
        format!("/library/reportcards/{id}"),
        format!("/library/reportcards/{id}.csv"),
    ] {
        let response = get(&app, &path, None).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()[LOCATION], "/library/sign-in", "{path}");
    }
}

#[tokio::test]
async fn an_unknown_card_is_not_found() {
    let app = library_app().await;
    let cookie = sign_in(&app).await;
    for path in [
        "/library/reportcards/999",
        "/library/reportcards/abc",
        "/library/reportcards/999.csv",
    ] {
        let (status, html) = page(&app, path, &cookie).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("No such report card"), "{path}");
    }
}

#[tokio::test]
async fn stored_text_is_escaped_and_the_pages_carry_the_strict_csp() {
    let app = library_app().await;
    let evil = "<script>alert(1)</script>";
    let (id, ds) = card(
        &app,
        &format!("Ops {evil}"),
        &format!("Tickets {evil}"),
        "attributed",
    )
    .await;
    round(&app, (id, &ds), 1, &[("U0RATERA", &[3], Some(evil))]).await;
    let cookie = sign_in(&app).await;

    for path in [
        "/library/reportcards".to_owned(),
        format!("/library/reportcards/{id}"),
    ] {
        let response = get(&app, &path, Some(&cookie)).await;
        let csp = response.headers()[CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("script-src"),
            "{csp}"
        );
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script"), "{path}: {html}");
        assert!(
            html.contains("Ops &#60;script&#62;alert(1)&#60;/script&#62;")
                || html.contains("Ops &lt;script&gt;"),
            "{path}"
        );
    }
    let (_, html) = page(&app, &format!("/library/reportcards/{id}"), &cookie).await;
    // In the chart too (its title, and the key and tables).
    assert!(
        html.contains("<title id=\"trend-title\">Ops &lt;script&gt;"),
        "{html}"
    );
    assert!(
        text(section(&html, "results")).contains("alert(1)"),
        "the comment is shown, escaped"
    );
}

#[tokio::test]
async fn a_round_still_open_shows_as_open_with_its_answers_so_far_and_nothing_else() {
    let app = library_app().await;
    let (id, ds) = card(
        &app,
        "Marketing",
        &format!("{LEADS}\n{PRICES}"),
        "anonymous",
    )
    .await;
    // October's round opened two days ago and is still open: three of four raters answered.
    let opened = now() - 2 * DAY;
    let mut tx = crate::helpers::transaction(&app.db).await;
    let (round, _) = store::open_round(
        &mut tx,
        id,
        month(1),
        "cli",
        opened,
        opened + 3 * DAY,
        opened + 7 * DAY,
    )
    .await
    .unwrap()
    .unwrap();
    for (rater, rating) in RATERS.iter().zip([5, 4, 1]) {
        let answers: Vec<Rated> = ds
            .iter()
            .map(|d| Rated {
                deliverable_id: *d,
                rating: Rating::parse(&rating.to_string()).unwrap(),
                comment: None,
            })
            .collect();
        let saved = store::replace_answers(
            &mut tx,
            round,
            &UserId::parse(rater).unwrap(),
            &answers,
            Some("Too early to say"),
            opened + DAY,
        )
        .await
        .unwrap();
        assert!(saved);
    }
    tx.commit().await.unwrap();
    let cookie = sign_in(&app).await;

    let (_, html) = page(&app, &format!("/library/reportcards/{id}"), &cookie).await;

    let rows = table(&html, "trend");
    assert_eq!(rows[0], ["October 2026", "open, 3 answers so far"]);
    assert_eq!(rows[1][1], "no round", "September had none");
    for partial in ["3.3", "3.33", "Too early to say"] {
        assert!(
            !html.contains(partial),
            "{partial}: nothing else of the round"
        );
    }
    assert!(text(&html).contains("No round has closed yet."));
}
