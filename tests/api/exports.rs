//! Exports for talks: the bearer-token API in JSON, CSV and Markdown, consent marking, formula
//! injection, display names from users.info (cached), and `herobot export` on the command line.
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::{Options, TestApp, insert_story, spawn_app, spawn_app_with};

const TOKEN: &str = "api-token-for-tests";

async fn story(app: &TestApp, title: &str, heroes: &[(&str, &str)], created_at: i64) -> i64 {
    insert_story(app, title, "A handwritten card", heroes, created_at).await
}

async fn mount_names(app: &TestApp) {
    Mock::given(method("POST"))
        .and(path("/users.info"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "user": {"id": "U0ALICE", "name": "alice", "real_name": "Alice Doe", "profile": {"display_name": "Alice D."}}
        })))
        .mount(&app.slack)
        .await;
}

async fn get(app: &TestApp, query: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app.http.get(format!("{}/api/stories{query}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

fn with_api() -> Options {
    Options {
        api_token: Some(TOKEN),
        ..Options::default()
    }
}

#[tokio::test]
async fn the_api_is_off_without_a_token_and_refuses_wrong_ones() {
    let off = spawn_app().await;
    assert_eq!(get(&off, "", Some(TOKEN)).await.status(), 404);
    let app = spawn_app_with(with_api()).await;
    assert_eq!(get(&app, "", None).await.status(), 401);
    assert_eq!(
        get(&app, "", Some("api-token-for-test")).await.status(),
        401
    );
    assert_eq!(
        get(&app, "", Some("api-token-for-tests-and-more"))
            .await
            .status(),
        401
    );
    assert_eq!(get(&app, "", Some(TOKEN)).await.status(), 200);
}

#[tokio::test]
async fn json_export_follows_its_schema_with_names_and_consent() {
    let app = spawn_app_with(with_api()).await;
    mount_names(&app).await;
    story(
        &app,
        "The invoice that went out twice",
        &[("U0ALICE", "granted")],
        1_700_000_000,
    )
    .await;

    let response = get(&app, "?format=json", Some(TOKEN)).await;

    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["schema"], "herobot.stories.v1");
    let s = &body["stories"][0];
    assert_eq!(
        s["heroes"][0],
        json!({"id": "U0ALICE", "name": "Alice D.", "consent": "granted"})
    );
    assert_eq!(s["shareable"], true);
    assert_eq!(s["within_24h"], true);
    get(&app, "?format=json", Some(TOKEN)).await;
    let lookups = app
        .slack
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/users.info")
        .count();
    assert_eq!(
        lookups, 2,
        "Alice and the author once each, then from the cache"
    );
}

#[tokio::test]
async fn csv_export_is_rfc_4180_and_safe_in_a_spreadsheet() {
    let app = spawn_app_with(with_api()).await;
    story(
        &app,
        "=HYPERLINK(\"http://evil\",\"click\")",
        &[("U0ALICE", "pending")],
        1_700_000_000,
    )
    .await;

    let response = get(&app, "?format=csv", Some(TOKEN)).await;

    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".csv\"")
    );
    let body = response.text().await.unwrap();
    let rows: Vec<&str> = body.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(rows.len(), 2);
    assert!(
        rows[1].contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\","),
        "{}",
        rows[1]
    );
    assert!(
        rows[1].contains(",false,"),
        "not shareable while consent is pending: {}",
        rows[1]
    );
}

/// The talk pack is for talks outside the company: by default it holds only the stories every
/// hero agreed to tell there; asked for the others too, it holds every story and marks each one
/// kept inside. CSV and JSON, for the people who run the program, hold every story.
#[tokio::test]
async fn the_talk_pack_holds_only_shareable_stories_unless_the_internal_ones_are_asked_for() {
    let app = spawn_app_with(with_api()).await;
    story(
        &app,
        "Told everywhere",
        &[("U0ALICE", "granted"), ("U0BOB", "granted")],
        1_700_000_000,
    )
    .await;
    story(
        &app,
        "Wrong prices in the deck",
        &[("U0ALICE", "granted"), ("U0BOB", "declined")],
        1_700_000_100,
    )
    .await;
    story(
        &app,
        "Still asking",
        &[("U0CAROL", "pending")],
        1_700_000_200,
    )
    .await;
    let text = |query: &'static str| {
        let app = &app;
        async move {
            let response = get(app, query, Some(TOKEN)).await;
            assert_eq!(response.status(), 200, "{query}");
            response.text().await.unwrap()
        }
    };

    let pack = text("?format=md").await;
    assert!(pack.contains("## Told everywhere"), "{pack}");
    assert!(
        !pack.contains("Wrong prices") && !pack.contains("Still asking"),
        "{pack}"
    );
    assert!(!pack.contains("Kept inside:**"), "{pack}");
    assert!(
        pack.contains("_1 story; 1 may be told outside the company.")
            && pack.contains("Left out: 2 stories kept inside"),
        "the pack says what it left out: {pack}"
    );
    let asked_no = text("?format=md&include_internal=false").await;
    assert_eq!(asked_no, pack);

    let whole = text("?format=md&include_internal=true").await;
    let sections: Vec<&str> = whole.split("\n## ").skip(1).collect();
    assert_eq!(sections.len(), 3, "{whole}");
    let mark = "> **Kept inside:** not every hero has agreed to tell this story outside.";
    for section in &sections {
        let kept_inside = !section.starts_with("Told everywhere");
        assert_eq!(section.contains(mark), kept_inside, "{section}");
    }
    assert!(whole.contains("U0BOB declined"), "{whole}");
    assert!(!whole.contains("Left out"), "{whole}");

    let csv = text("?format=csv").await;
    assert_eq!(
        csv.split("\r\n").filter(|r| !r.is_empty()).count(),
        4,
        "{csv}"
    );
    for title in [
        "Told everywhere",
        "Wrong prices in the deck",
        "Still asking",
    ] {
        assert!(csv.contains(title), "{csv}");
    }
    let json: Value = serde_json::from_str(&text("?format=json").await).unwrap();
    let shareable: Vec<bool> = json["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["shareable"].as_bool().unwrap())
        .collect();
    assert_eq!(shareable.len(), 3);
    assert_eq!(shareable.iter().filter(|s| **s).count(), 1);

    let only_shareable = text("?format=md&shareable=true&include_internal=true").await;
    assert!(only_shareable.contains("## Told everywhere"));
    assert!(!only_shareable.contains("Still asking"), "{only_shareable}");
}

#[tokio::test]
async fn filters_by_words_and_dates_and_refuses_bad_dates() {
    let app = spawn_app_with(with_api()).await;
    story(
        &app,
        "Billing outage in March",
        &[("U0ALICE", "granted")],
        1_773_000_000,
    )
    .await;
    story(
        &app,
        "Onboarding in November",
        &[("U0ALICE", "granted")],
        1_795_000_000,
    )
    .await;

    let titles = |body: Value| -> Vec<String> {
        body["stories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let found = titles(
        get(&app, "?q=billing%20OUT", Some(TOKEN))
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(found, ["Billing outage in March"]);
    let dated = titles(
        get(&app, "?since=2026-11-01&until=2026-11-30", Some(TOKEN))
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(dated, ["Onboarding in November"]);
    let bad = get(&app, "?since=last-week", Some(TOKEN)).await;
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("since must be a date"));
    assert_eq!(get(&app, "?format=pdf", Some(TOKEN)).await.status(), 400);
}

// The command blocks a thread while it runs; the app serving beside it keeps the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_past_what_a_calendar_holds_are_a_plain_400() {
    let app = spawn_app_with(with_api()).await;
    for query in [
        "?until=9999-12-31",
        "?since=9999-12-31",
        "?since=-009999-01-01",
    ] {
        let response = get(&app, query, Some(TOKEN)).await;
        assert_eq!(response.status(), 400, "{query}");
        let text = response.text().await.unwrap();
        assert!(
            text.ends_with("is too far in the past or future: \"9999-12-31\"")
                || text.contains("-009999-01-01"),
            "{text}"
        );
        assert!(
            !text.contains("range") && !text.contains("parameter"),
            "{text}"
        );
    }

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
        .args(["export", "--format", "md", "--until", "9999-12-31"])
        .env("DATABASE_URL", crate::report_cards::cli_database_url(&app))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("until is too far in the past or future: \"9999-12-31\""),
        "{said}"
    );
}

#[tokio::test]
async fn the_bearer_scheme_is_read_in_any_case() {
    let app = spawn_app_with(with_api()).await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let response = app
            .http
            .get(format!("{}/api/stories", app.address))
            .header("authorization", format!("{scheme} {TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{scheme}");
    }
}

#[tokio::test]
async fn the_talk_pack_shows_names_and_links_as_text() {
    let app = spawn_app_with(with_api()).await;
    Mock::given(method("POST"))
        .and(path("/users.info"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "user": {"id": "U0ALICE", "name": "alice", "real_name": "[Alice](javascript:alert(1))",
                                 "profile": {"display_name": "**Alice** <img src=x>"}}
        })))
        .mount(&app.slack)
        .await;
    crate::helpers::insert_story(
        &app,
        "[Read more](javascript:alert(document.cookie))",
        "![pixel](https://tracker.example/p.png)",
        &[("U0ALICE", "granted")],
        1_700_000_000,
    )
    .await;

    let pack = get(&app, "?format=md", Some(TOKEN))
        .await
        .text()
        .await
        .unwrap();

    assert!(
        pack.contains("## \\[Read more\\](javascript:alert(document.cookie))"),
        "{pack}"
    );
    assert!(
        pack.contains("!\\[pixel\\](https://tracker.example/p.png)"),
        "{pack}"
    );
    assert!(
        pack.match_indices("](")
            .all(|(at, _)| pack[..at].ends_with('\\')),
        "no link survives: {pack}"
    );
    assert!(
        pack.contains("- **Heroes:** \\*\\*Alice\\*\\* \\<img src=x\\>"),
        "a display name is text, not emphasis or HTML: {pack}"
    );
    assert!(!pack.contains(" <img"), "{pack}");
}

// The command blocks a thread while it runs; the app serving beside it keeps the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herobot_export_writes_a_talk_pack_from_the_command_line() {
    let app = spawn_app().await;
    story(
        &app,
        "The invoice that went out twice",
        &[("U0ALICE", "pending")],
        1_700_000_000,
    )
    .await;
    story(
        &app,
        "The parcel hand-delivered",
        &[("U0BOB", "granted")],
        1_700_000_100,
    )
    .await;
    let export = |extra: &[&str]| {
        let out = app.dir.path().join(format!("talk-pack{}.md", extra.len()));
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
            .args(["export", "--format", "md"])
            .args(extra)
            .arg("--out")
            .arg(&out)
            .env("DATABASE_URL", crate::report_cards::cli_database_url(&app))
            .env_remove("SLACK_BOT_TOKEN")
            .status()
            .unwrap();
        assert!(status.success(), "{extra:?}");
        std::fs::read_to_string(out).unwrap()
    };

    let pack = export(&[]);
    assert!(pack.starts_with("# Service recovery stories — talk pack"));
    assert!(pack.contains("## The parcel hand-delivered"), "{pack}");
    assert!(
        !pack.contains("The invoice that went out twice"),
        "a story its hero has not agreed to tell outside stays out: {pack}"
    );
    assert!(
        pack.contains("- **Heroes:** U0BOB"),
        "without a token the export names heroes by ID: {pack}"
    );

    let whole = export(&["--include-internal"]);
    let invoice = whole
        .split("\n## ")
        .find(|s| s.starts_with("The invoice that went out twice"))
        .expect("the story kept inside, asked for");
    assert!(
        invoice
            .contains("> **Kept inside:** not every hero has agreed to tell this story outside."),
        "{whole}"
    );
    assert!(whole.contains("## The parcel hand-delivered"), "{whole}");
}

#[tokio::test]
async fn names_come_from_users_list_in_pages_of_200_without_a_call_per_person() {
    let app = spawn_app_with(with_api()).await;
    let member = |id: &str, name: &str| json!({"id": id, "name": name.to_lowercase(), "profile": {"display_name": name}});
    Mock::given(method("POST"))
        .and(path("/users.list"))
        .and(body_string_contains("cursor=page2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "members": [member("U0BOB", "Bob B."), member("U0AUTHOR", "The Author")],
            "response_metadata": {"next_cursor": ""}
        })))
        .mount(&app.slack)
        .await;
    Mock::given(method("POST"))
        .and(path("/users.list"))
        .and(body_string_contains("limit=200"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "members": [member("U0ALICE", "Alice D."), {"id": "U0NONAME", "name": ""}],
            "response_metadata": {"next_cursor": "page2"}
        })))
        .mount(&app.slack)
        .await;
    story(
        &app,
        "The invoice that went out twice",
        &[("U0ALICE", "granted"), ("U0BOB", "pending")],
        1_700_000_000,
    )
    .await;

    let csv = get(&app, "?format=csv", Some(TOKEN))
        .await
        .text()
        .await
        .unwrap();
    get(&app, "?format=csv", Some(TOKEN)).await;

    assert!(
        csv.contains(",Alice D.; Bob B.,Alice D.: granted; Bob B.: pending,false,The Author,"),
        "{csv}"
    );
    let requests = app.slack.received_requests().await.unwrap();
    let calls = |method: &str| requests.iter().filter(|r| r.url.path() == method).count();
    assert_eq!(calls("/users.list"), 2, "two pages, then the cache");
    assert_eq!(calls("/users.info"), 0);
}
