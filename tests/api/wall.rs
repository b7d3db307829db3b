//! The wallboard: `/hero wall` for leaders only, the page its link opens (gauges, trend, latest
//! heroes by name, the story of the week, refreshing itself without script), revoking from Slack
//! and from the command line, and 404 for any key that does not work.
use crate::sql;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{LEADER, NOMINATOR, Options, TestApp, insert_story, now, spawn_app_with};
use crate::library::PUBLIC_URL;

async fn wall_app() -> TestApp {
    spawn_app_with(Options {
        public_url: Some(PUBLIC_URL),
        ..Options::default()
    })
    .await
}

/// Names as users.info gave them before.
async fn name(app: &TestApp, id: &str, name: &str) {
    sql::query("insert into user_names (user_id, name, fetched_at) values ($1, $2, $3)")
        .bind(id)
        .bind(name)
        .bind(now())
        .execute(&app.db)
        .await
        .unwrap();
}

/// `/hero wall` (or `wall revoke`) as `user`: the reply, and the link's path if there is one.
async fn wall(app: &TestApp, user: &str, text: &str) -> (Value, Option<String>) {
    let reply: Value = app.hero(user, text).await.json().await.unwrap();
    let path = reply["blocks"][1]["elements"][0]["url"]
        .as_str()
        .map(|url| {
            url.strip_prefix(PUBLIC_URL)
                .expect("the link is under the public URL")
                .to_owned()
        });
    (reply, path)
}

async fn open(app: &TestApp, path: &str) -> reqwest::Response {
    app.http
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn only_leaders_get_a_wallboard_link() {
    let app = wall_app().await;
    for text in ["wall", "wall revoke"] {
        let (reply, path) = wall(&app, NOMINATOR, text).await;
        assert_eq!(reply["response_type"], "ephemeral");
        assert!(
            reply["text"]
                .as_str()
                .unwrap()
                .contains("Only the service leaders"),
            "{reply}"
        );
        assert_eq!(path, None);
    }
    assert_eq!(app.count("wall_keys").await, 0);
}

#[tokio::test]
async fn a_leaders_link_opens_the_wallboard_with_heroes_by_name_and_the_story_of_the_week() {
    let app = wall_app().await;
    name(&app, "U0ALICE", "Alice Doe").await;
    name(&app, NOMINATOR, "Nora Nominator").await;
    app.hero(
        NOMINATOR,
        "<@U0ALICE> for calling the &lt;partner&gt; back within ten minutes &amp; fixing it",
    )
    .await;
    insert_story(
        &app,
        "Billing outage turned into a thank-you note",
        "A handwritten card from the whole team",
        &[("U0ALICE", "granted")],
        now(),
    )
    .await;

    let (reply, path) = wall(&app, LEADER, "wall").await;
    assert_eq!(reply["response_type"], "ephemeral");
    let path = path.expect("a link");
    assert!(
        path.starts_with("/wall/") && path.len() == "/wall/".len() + 64,
        "{path}"
    );
    let key = path.trim_start_matches("/wall/");
    let stored: String = sql::query_scalar("select key_hash from wall_keys")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_ne!(stored, key, "only the key's hash is stored");

    let response = open(&app, &path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let html = response.text().await.unwrap();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(html.contains("<meta http-equiv=\"refresh\" content=\"60\">"));
    assert!(!html.contains("<script"));
    // Three gauges against their targets, and the 12-week trend.
    assert_eq!(html.matches("<svg class=\"chart\" role=\"img\"").count(), 4);
    assert!(html.contains("<title id=\"gauge-recovered-title\">Recovered within 24 h</title>"));
    // One story, fixed within an hour: too few to judge, with its counts and no percentage.
    assert!(html.contains(">\n1 of 1\n</text>"), "{html}");
    assert!(html.contains("<div class=\"counts clip\">too few to judge</div>"));
    assert!(html.contains("<div class=\"verdict clamp2\">target 90\u{a0}%</div>"));
    assert!(!html.contains(">\n100 %\n</text>"));
    assert!(html.contains("<title id=\"trend-title\">The recovery measures over 12 weeks</title>"));
    // The latest hero by name, the reason escaped, and who recognised them.
    assert!(
        html.contains(
            "<span class=\"who clip\">Alice Doe</span><span class=\"when\">· just now</span>"
        ),
        "{html}"
    );
    assert!(
        html.contains("calling the &#60;partner&#62; back within ten minutes &#38; fixing it"),
        "{html}"
    );
    assert!(html.contains("<span class=\"by\">from Nora Nominator:</span>"));
    assert!(html.contains("Story of the week · This week"));
    assert!(html.contains("Billing outage turned into a thank-you note"));
}

#[tokio::test]
async fn revoking_ends_every_link_and_a_wrong_key_is_not_found() {
    let app = wall_app().await;
    let (_, first) = wall(&app, LEADER, "wall").await;
    let (_, second) = wall(&app, LEADER, "wall").await;
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_ne!(first, second);
    for path in [&first, &second] {
        assert_eq!(open(&app, path).await.status(), StatusCode::OK);
    }
    let wrong = format!("/wall/{}", "0".repeat(64));
    let last = if first.ends_with('0') { '1' } else { '0' };
    let tampered = format!("{}{last}", &first[..first.len() - 1]);
    for path in [wrong.as_str(), "/wall/short", "/wall/", tampered.as_str()] {
        assert_eq!(
            open(&app, path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }

    let (reply, _) = wall(&app, LEADER, "wall revoke").await;

    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .contains("2 wallboard links no longer work"),
        "{reply}"
    );
    for path in [&first, &second] {
        let response = open(&app, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(!response.text().await.unwrap().contains("Service heroes"));
    }
    let (_, third) = wall(&app, LEADER, "wall").await;
    assert_eq!(open(&app, &third.unwrap()).await.status(), StatusCode::OK);
}

// The command blocks a thread while it runs; the app serving beside it keeps the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_prints_a_link_and_revokes_every_link() {
    let app = wall_app().await;
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
            .args(args)
            .env("DATABASE_URL", crate::report_cards::cli_database_url(&app))
            .env("HEROBOT_PUBLIC_URL", PUBLIC_URL)
            .output()
            .unwrap()
    };

    let printed = run(&["wall"]);
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let link = String::from_utf8(printed.stdout).unwrap();
    let path = link
        .trim()
        .strip_prefix(PUBLIC_URL)
        .expect("a link under the public URL")
        .to_owned();
    assert_eq!(open(&app, &path).await.status(), StatusCode::OK);

    let revoked = run(&["wall", "--revoke"]);
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    assert_eq!(open(&app, &path).await.status(), StatusCode::NOT_FOUND);
}

/// A signed `/hero wall` request replayed within Slack's five minutes mints no second link.
#[tokio::test]
async fn a_replayed_wall_request_gives_one_link() {
    let app = wall_app().await;
    let replies: Vec<String> = app
        .hero_replayed(LEADER, "wall", 2)
        .await
        .iter()
        .map(Value::to_string)
        .collect();
    assert!(replies[0].contains("/wall/"), "{}", replies[0]);
    assert!(!replies[1].contains("/wall/"), "{}", replies[1]);
    assert!(replies[1].contains("answered already"), "{}", replies[1]);
    assert_eq!(app.count("wall_keys").await, 1);
}

/// The wallboard hangs where visitors pass: a story shows on it only when every hero credited
/// agreed to tell it outside Slack, and the one that may be told is chosen over the rest.
#[tokio::test]
async fn the_wallboard_shows_no_story_its_heroes_kept_inside_or_have_not_agreed_to() {
    let app = wall_app().await;
    name(&app, "U0ALICE", "Alice Doe").await;
    name(&app, "U0ZAINAB", "Zainab Bello").await;
    name(&app, "U0PEDRO", "Pedro Alves").await;
    insert_story(
        &app,
        "Wrong prices in the partner deck",
        "A call from our CEO",
        &[("U0ZAINAB", "declined"), ("U0ALICE", "declined")],
        now() - 60,
    )
    .await;
    insert_story(
        &app,
        "Double charge refunded overnight",
        "Flowers to the office",
        &[("U0ALICE", "granted"), ("U0PEDRO", "pending")],
        now() - 120,
    )
    .await;
    let (_, path) = wall(&app, LEADER, "wall").await;
    let path = path.expect("a link");

    let html = open(&app, &path).await.text().await.unwrap();
    assert!(
        html.contains("<h2 id=\"story\">Story of the week</h2>"),
        "{html}"
    );
    for kept in [
        "Wrong prices in the partner deck",
        "A call from our CEO",
        "Double charge refunded overnight",
        "Flowers to the office",
        "Invoices went out twice",
        "Refunded everyone",
        "Zainab Bello",
        "Alice Doe",
        "Pedro Alves",
    ] {
        assert!(!html.contains(kept), "{kept} is on the wall:\n{html}");
    }
    assert!(html.contains("stay inside Slack until every hero credited agrees"));

    insert_story(
        &app,
        "Lost parcel found and hand-delivered",
        "A note from the driver",
        &[("U0PEDRO", "granted")],
        now() - 180,
    )
    .await;
    let html = open(&app, &path).await.text().await.unwrap();
    assert!(html.contains("Story of the week · This week"), "{html}");
    assert!(html.contains("Lost parcel found and hand-delivered"));
    assert!(html.contains("Pedro Alves"));
    for kept in [
        "Wrong prices in the partner deck",
        "Double charge refunded overnight",
        "Zainab Bello",
        "Alice Doe",
    ] {
        assert!(!html.contains(kept), "{kept} is on the wall:\n{html}");
    }
}

/// A customer's own "blown away" with a comment.
async fn answer(app: &TestApp, story: i64, comment: &str, at: i64, customer: Option<&str>) {
    sql::query("insert into customer_answers (story_id, answer, comment, answered_at, customer_id) values ($1, 'blown_away', $2, $3, $4)")
        .bind(story)
        .bind(comment)
        .bind(at)
        .bind(customer)
        .execute(&app.db)
        .await
        .unwrap();
}

/// The newest customer quote has a place of its own, chosen as the story is: only from a story
/// every credited hero agreed to tell outside Slack; it credits the heroes by name and never
/// names the customer who answered.
#[tokio::test]
async fn the_wallboard_quotes_the_newest_customer_of_a_story_that_may_be_told() {
    let app = wall_app().await;
    name(&app, "U0ALICE", "Alice Doe").await;
    name(&app, "U0PEDRO", "Pedro Alves").await;
    name(&app, "U0CUSTOMER", "Carla Customer").await;
    let (_, path) = wall(&app, LEADER, "wall").await;
    let path = path.expect("a link");
    let html = open(&app, &path).await.text().await.unwrap();
    assert!(html.contains("No customer quote yet"), "{html}");

    let told = insert_story(
        &app,
        "Lost parcel found and hand-delivered",
        "A note from the driver",
        &[("U0ALICE", "granted")],
        now() - 3 * 86_400,
    )
    .await;
    let kept = insert_story(
        &app,
        "Wrong prices in the partner deck",
        "A call from our CEO",
        &[("U0ALICE", "granted"), ("U0PEDRO", "declined")],
        now() - 86_400,
    )
    .await;
    let satisfied = insert_story(
        &app,
        "Refund sent the same day",
        "Flowers",
        &[("U0PEDRO", "granted")],
        now() - 3_600,
    )
    .await;
    answer(
        &app,
        told,
        "Thank you <@U0ALICE>, we never expected a note & a visit!",
        now() - 2 * 86_400,
        Some("U0CUSTOMER"),
    )
    .await;
    answer(
        &app,
        kept,
        "The CEO called us, unbelievable",
        now() - 600,
        None,
    )
    .await;
    sql::query("insert into customer_answers (story_id, answer, comment, answered_at) values ($1, 'satisfied', 'Fine, thanks', $2)")
        .bind(satisfied)
        .bind(now() - 60)
        .execute(&app.db)
        .await
        .unwrap();

    let html = open(&app, &path).await.text().await.unwrap();
    let quote = html
        .split_once("<section class=\"panel quote\"")
        .and_then(|(_, rest)| rest.split_once("</section>"))
        .map(|(quote, _)| quote)
        .expect("the quote's place");
    assert!(
        quote.contains("“Thank you @Alice Doe, we never expected a note &#38; a visit!”"),
        "{quote}"
    );
    assert!(
        quote.contains("the customer of Alice Doe · 2 days ago"),
        "{quote}"
    );
    for absent in [
        "U0ALICE",
        "U0CUSTOMER",
        "Carla Customer",
        "unbelievable",
        "Fine, thanks",
    ] {
        assert!(!html.contains(absent), "{absent} is on the wall:\n{quote}");
    }

    // Once its hero keeps it inside, the quote goes with the story.
    sql::query("update story_heroes set consent = 'declined' where story_id = $1")
        .bind(told)
        .execute(&app.db)
        .await
        .unwrap();
    let html = open(&app, &path).await.text().await.unwrap();
    assert!(!html.contains("we never expected a note"), "{html}");
    assert!(html.contains("No customer quote yet"));
}
