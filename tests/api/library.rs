//! The web library: sign-in links (expired, reused, forged, non-leaders), sessions, CSRF on the
//! Feature control, filters, downloads and escaping, over real HTTP.
use crate::sql;
use herobot::library::access::{self, Grant, Key, Kind};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::Value;

use crate::helpers::{LEADER, NOMINATOR, Options, TestApp, insert_story, now, spawn_app_with};

pub(crate) const PUBLIC_URL: &str = "http://herobot.test";

pub(crate) async fn library_app() -> TestApp {
    spawn_app_with(Options {
        public_url: Some(PUBLIC_URL),
        ..Options::default()
    })
    .await
}

/// A story told today, crediting U0ALICE, who agreed to share it.
async fn story(app: &TestApp, title: &str) -> i64 {
    insert_story(app, title, "A card", &[("U0ALICE", "granted")], now()).await
}

/// A client that shows redirects instead of following them.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The sign-in link `/hero library` gives `user`, as a path on the test server.
async fn link_for(app: &TestApp, user: &str) -> Result<String, String> {
    let reply: Value = app.hero(user, "library").await.json().await.unwrap();
    let text = reply["text"].as_str().unwrap_or_default().to_owned();
    match reply["blocks"][1]["elements"][0]["url"].as_str() {
        Some(url) => Ok(url
            .strip_prefix(PUBLIC_URL)
            .expect("the link is under the public URL")
            .to_owned()),
        None => Err(text),
    }
}

pub(crate) async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = browser().get(format!("{}{path}", app.address));
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.send().await.unwrap()
}

/// Follows a fresh link as `LEADER`; the session cookie as a `Cookie` header.
pub(crate) async fn sign_in(app: &TestApp) -> String {
    let link = link_for(app, LEADER).await.unwrap();
    let response = get(app, &link, None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set_cookie = response.headers()[SET_COOKIE].to_str().unwrap();
    set_cookie.split(';').next().unwrap().to_owned()
}

pub(crate) async fn page(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, String) {
    let response = get(app, path, Some(cookie)).await;
    (response.status(), response.text().await.unwrap())
}

pub(crate) fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..].split('"').next().unwrap().to_owned()
}

async fn key(app: &TestApp) -> Key {
    let bytes: Vec<u8> = sql::query_scalar("select key from library_key")
        .fetch_one(&app.db)
        .await
        .unwrap();
    Key::new(bytes.try_into().unwrap())
}

/// A link signed with the server's key, recorded as issued.
async fn issued_link(app: &TestApp, user: &str, expires_at: i64) -> String {
    let grant = Grant {
        user: user.into(),
        expires_at,
        nonce: access::nonce(),
    };
    sql::query("insert into library_links (nonce, user_id, expires_at) values ($1, $2, $3)")
        .bind(&grant.nonce)
        .bind(user)
        .bind(expires_at)
        .execute(&app.db)
        .await
        .unwrap();
    format!(
        "/library/login?token={}",
        access::sign(&key(app).await, Kind::Link, &grant)
    )
}

async fn featured(app: &TestApp, id: i64) -> Option<String> {
    sql::query_scalar("select featured_by from stories where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

fn assert_refused(status: StatusCode, html: &str, why: &str) {
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");
    assert!(html.contains(why), "{why:?} not in {html}");
    assert!(html.contains("/hero library"), "{html}");
}

#[tokio::test]
async fn only_leaders_get_a_link() {
    let app = library_app().await;
    let refusal = link_for(&app, NOMINATOR).await.unwrap_err();
    assert!(refusal.contains("Only the service leaders"), "{refusal}");
    let links: i64 = sql::query_scalar("select count(*) from library_links")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(links, 0);
}

#[tokio::test]
async fn without_a_public_url_the_leader_is_told_what_is_missing() {
    let app = spawn_app_with(Options::default()).await;
    let refusal = link_for(&app, LEADER).await.unwrap_err();
    assert!(refusal.contains("whoever runs herobot"), "{refusal}");
    assert!(!refusal.contains("HEROBOT_"), "{refusal}");
}

#[tokio::test]
async fn a_link_starts_a_session_once() {
    let app = library_app().await;
    let id = story(&app, "Billing outage turned around").await;
    let link = link_for(&app, LEADER).await.unwrap();
    assert!(link.starts_with("/library/login?token="), "{link}");

    let response = get(&app, &link, None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/library");
    let set_cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    for part in [
        "herobot_library=",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/library",
        "Max-Age=43200",
    ] {
        assert!(set_cookie.contains(part), "{part} not in {set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain http cannot keep a Secure cookie"
    );
    let cookie = set_cookie.split(';').next().unwrap();

    let (status, html) = page(&app, "/library", cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Billing outage turned around"), "{html}");
    assert!(html.contains(&format!("/library/stories/{id}")), "{html}");

    // The same link, from a browser without the session: used up.
    let (status, html) = {
        let r = get(&app, &link, None).await;
        (r.status(), r.text().await.unwrap())
    };
    assert_refused(status, &html, "already been used");
    // From the browser it signed in, it leads back to the library.
    let again = get(&app, &link, Some(cookie)).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert!(again.headers().get(SET_COOKIE).is_none());
}

#[tokio::test]
async fn an_https_public_url_makes_the_cookie_secure() {
    let app = spawn_app_with(Options {
        public_url: Some("https://hero.example.com/herobot"),
        ..Options::default()
    })
    .await;
    let reply: Value = app.hero(LEADER, "library").await.json().await.unwrap();
    let url = reply["blocks"][1]["elements"][0]["url"].as_str().unwrap();
    let path = url
        .strip_prefix("https://hero.example.com/herobot")
        .unwrap();
    let response = get(&app, path, None).await;
    assert_eq!(response.headers()[LOCATION], "/herobot/library");
    let set_cookie = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(set_cookie.contains("; Secure"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/herobot/library"), "{set_cookie}");
}

/// A signed `/hero library` request replayed within Slack's five minutes mints no second link.
#[tokio::test]
async fn a_replayed_library_request_gives_one_link() {
    let app = library_app().await;
    let replies: Vec<String> = app
        .hero_replayed(LEADER, "library", 3)
        .await
        .iter()
        .map(Value::to_string)
        .collect();
    assert!(
        replies[0].contains("/library/login?token="),
        "{}",
        replies[0]
    );
    for replay in &replies[1..] {
        assert!(!replay.contains("token="), "{replay}");
        assert!(replay.contains("answered already"), "{replay}");
    }
    assert_eq!(app.count("library_links").await, 1);
}

#[tokio::test]
async fn expired_forged_and_non_leader_links_are_refused() {
    let app = library_app().await;
    let cases = [
        (issued_link(&app, LEADER, now() - 1).await, "expired"),
        (
            issued_link(&app, NOMINATOR, now() + 600).await,
            "leaders only",
        ),
        (
            format!(
                "/library/login?token={}",
                access::sign(
                    &Key::new([7; 32]),
                    Kind::Link,
                    &Grant {
                        user: LEADER.into(),
                        expires_at: now() + 600,
                        nonce: access::nonce()
                    }
                )
            ),
            "not a valid",
        ),
        (
            "/library/login?token=U0LEADER.9999999999.00.00".to_owned(),
            "not a valid",
        ),
        ("/library/login".to_owned(), "not a valid"),
    ];
    for (link, why) in cases {
        let response = get(&app, &link, None).await;
        assert!(response.headers().get(SET_COOKIE).is_none(), "{link}");
        let status = response.status();
        assert_refused(status, &response.text().await.unwrap(), why);
    }
    // A session token is not a sign-in link, nor the other way round.
    let link = issued_link(&app, LEADER, now() + 600).await;
    let token = link.split("token=").nth(1).unwrap();
    let (status, _) = page(&app, "/library", &format!("herobot_library={token}")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn without_a_session_every_page_explains_how_to_get_one() {
    let app = library_app().await;
    let id = story(&app, "A story").await;
    for path in [
        "/library".to_owned(),
        "/library/?q=billing".to_owned(),
        format!("/library/stories/{id}"),
        "/library/export?format=md".to_owned(),
        "/library/nothing/here".to_owned(),
    ] {
        for cookie in [None, Some("herobot_library=U0LEADER.9999999999.00.00")] {
            let response = get(&app, &path, cookie).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
            assert_eq!(response.headers()[LOCATION], "/library/sign-in", "{path}");
        }
    }
    let response = browser()
        .post(format!("{}/library/stories/{id}/feature", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("featured=true&csrf=anything")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(featured(&app, id).await, None);

    let response = get(&app, "/library/sign-in", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    let html = response.text().await.unwrap();
    assert!(html.contains("/hero library"), "{html}");
}

#[tokio::test]
async fn featuring_needs_the_sessions_csrf_token() {
    let app = library_app().await;
    let id = story(&app, "Worth a talk").await;
    let cookie = sign_in(&app).await;
    let other_session = sign_in(&app).await;
    let (_, html) = page(&app, &format!("/library/stories/{id}"), &cookie).await;
    let csrf = csrf_in(&html);
    let (_, other_html) = page(&app, &format!("/library/stories/{id}"), &other_session).await;
    let other_csrf = csrf_in(&other_html);
    assert_ne!(csrf, other_csrf);

    let post = |form: Vec<(&'static str, String)>| {
        browser()
            .post(format!("{}/library/stories/{id}/feature", app.address))
            .header(COOKIE, cookie.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(&form).unwrap())
            .send()
    };
    for form in [
        vec![("featured", "true".to_owned())],
        vec![("featured", "true".to_owned()), ("csrf", "0000".to_owned())],
        vec![
            ("featured", "true".to_owned()),
            ("csrf", other_csrf.clone()),
        ],
    ] {
        let response = post(form).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(featured(&app, id).await, None);
    }

    let response = post(vec![("featured", "true".into()), ("csrf", csrf.clone())])
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        format!("/library/stories/{id}").as_str()
    );
    assert_eq!(featured(&app, id).await.as_deref(), Some(LEADER));
    let (_, html) = page(&app, &format!("/library/stories/{id}"), &cookie).await;
    assert!(html.contains("Unfeature"), "{html}");

    let response = post(vec![("featured", "false".into()), ("csrf", csrf)])
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(featured(&app, id).await, None);
}

/// The list tells apart a story that may be told outside, one waiting for some heroes and one a
/// hero kept inside, in words, naming who; none says "internal", a customer kind.
#[tokio::test]
async fn the_library_list_shows_three_consent_states_in_words() {
    let app = library_app().await;
    for (id, name) in [
        ("U0ZAINAB", "Zainab Bello"),
        ("U0PEDRO", "Pedro Alves"),
        ("U0ALICE", "Alice Doe"),
    ] {
        sql::query("insert into user_names (user_id, name, fetched_at) values ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(now())
            .execute(&app.db)
            .await
            .unwrap();
    }
    insert_story(
        &app,
        "Told everywhere",
        "A card",
        &[("U0ALICE", "granted")],
        now() - 30,
    )
    .await;
    insert_story(
        &app,
        "Still asking",
        "A card",
        &[("U0ALICE", "granted"), ("U0PEDRO", "pending")],
        now() - 20,
    )
    .await;
    insert_story(
        &app,
        "Wrong prices in the partner deck",
        "A card",
        &[("U0ZAINAB", "declined"), ("U0PEDRO", "pending")],
        now() - 10,
    )
    .await;
    let cookie = sign_in(&app).await;

    let (status, html) = page(&app, "/library", &cookie).await;

    assert_eq!(status, StatusCode::OK);
    let list = &html[html.find("<ol class=\"stories\">").expect("the list")..];
    let items: Vec<&str> = list.split("<li>").skip(1).collect();
    assert_eq!(items.len(), 3, "{list}");
    let badge = |title: &str| {
        let item = items
            .iter()
            .find(|i| i.contains(title))
            .unwrap_or_else(|| panic!("{title} listed"));
        let at = item.find("<span class=\"badge ").expect("a consent badge");
        item[at..item[at..].find("</span>").unwrap() + at].to_owned()
    };
    assert_eq!(
        badge("Told everywhere"),
        "<span class=\"badge outside\">may be told outside"
    );
    assert_eq!(
        badge("Still asking"),
        "<span class=\"badge waiting\">waiting for Pedro Alves"
    );
    assert_eq!(
        badge("Wrong prices"),
        "<span class=\"badge kept\">kept inside by Zainab Bello"
    );
    assert!(!list.to_lowercase().contains("internal"), "{list}");
    assert!(!html.contains("style=\""), "no inline style attribute");
}

/// Featuring from the library is refused, with the reason in words, when a hero asked to keep
/// the story inside.
#[tokio::test]
async fn the_library_refuses_to_feature_a_story_a_hero_kept_inside_and_says_who() {
    let app = library_app().await;
    sql::query("insert into user_names (user_id, name, fetched_at) values ('U0ZAINAB', 'Zainab Bello', $1)")
        .bind(now())
        .execute(&app.db)
        .await
        .unwrap();
    let id = insert_story(
        &app,
        "Wrong prices in the partner deck",
        "A call from our CEO",
        &[("U0ALICE", "granted"), ("U0ZAINAB", "declined")],
        now(),
    )
    .await;
    let cookie = sign_in(&app).await;
    let (_, html) = page(&app, &format!("/library/stories/{id}"), &cookie).await;
    assert!(
        !html.contains("Feature for talks"),
        "no button that cannot work: {html}"
    );
    assert!(html.contains("kept inside by Zainab Bello"), "{html}");
    let csrf = csrf_in(&html);

    // A form sent anyway (a page opened before Zainab answered, say).
    let response = browser()
        .post(format!("{}/library/stories/{id}/feature", app.address))
        .header(COOKIE, cookie.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string([("featured", "true"), ("csrf", &csrf)]).unwrap())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("This story can&#39;t be featured: Zainab Bello asked to keep it inside."),
        "{html}"
    );
    assert_eq!(featured(&app, id).await, None);
}

#[tokio::test]
async fn stored_and_typed_text_is_escaped() {
    let app = library_app().await;
    let id = insert_story(
        &app,
        "<script>alert('title')</script>",
        "\"><img src=x onerror=alert(1)>",
        &[("U0ALICE", "granted")],
        now(),
    )
    .await;
    let cookie = sign_in(&app).await;
    for path in [
        "/library".to_owned(),
        format!("/library/stories/{id}"),
        "/library?q=%22%3E%3Cscript%3Ealert(2)%3C/script%3E".to_owned(),
    ] {
        let (_, html) = page(&app, &path, &cookie).await;
        assert!(!html.contains("<script"), "{path}: {html}");
        assert!(!html.contains("<img"), "{path}: {html}");
    }
    let (_, html) = page(&app, &format!("/library/stories/{id}"), &cookie).await;
    assert!(html.contains("&#60;script&#62;"), "{html}");
    assert!(
        html.contains("&#34;&#62;&#60;img src=x onerror=alert(1)&#62;"),
        "{html}"
    );
}

/// Stories that differ in every filter.
async fn varied_stories(app: &TestApp) -> [i64; 3] {
    let day = 86_400;
    let old = insert_story(
        app,
        "Old invoice mix-up",
        "Flowers",
        &[("U0ALICE", "granted")],
        now() - 40 * day,
    )
    .await;
    let internal = insert_story(
        app,
        "Payroll glitch for the sales team",
        "Cake",
        &[("U0BOB", "pending")],
        now() - 2 * day,
    )
    .await;
    let featured = insert_story(
        app,
        "Billing outage turned around",
        "A card",
        &[("U0ALICE", "granted"), ("U0BOB", "granted")],
        now(),
    )
    .await;
    sql::query("update stories set customer_kind = 'internal' where id = $1")
        .bind(internal)
        .execute(&app.db)
        .await
        .unwrap();
    sql::query("update stories set featured_at = $2, featured_by = 'U0LEADER' where id = $1")
        .bind(featured)
        .bind(now())
        .execute(&app.db)
        .await
        .unwrap();
    sql::query(
        "insert into story_tags (story_id, tag) values ($1, 'empowerment'), ($2, 'billing')",
    )
    .bind(internal)
    .bind(featured)
    .execute(&app.db)
    .await
    .unwrap();
    [old, internal, featured]
}

fn listed(html: &str) -> Vec<i64> {
    html.split("href=\"/library/stories/")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn filters_come_from_the_query_string() {
    let app = library_app().await;
    let [old, internal, featured] = varied_stories(&app).await;
    let cookie = sign_in(&app).await;
    let day = |offset: i64| {
        jiff::Timestamp::from_second(now() + offset * 86_400)
            .unwrap()
            .strftime("%Y-%m-%d")
            .to_string()
    };
    let cases = [
        ("".to_owned(), vec![featured, internal, old]),
        ("?q=billing".to_owned(), vec![featured]),
        ("?q=%22invoice%22%20mix-up".to_owned(), vec![old]),
        (format!("?since={}", day(-10)), vec![featured, internal]),
        (format!("?until={}", day(-10)), vec![old]),
        ("?category=empowerment".to_owned(), vec![internal]),
        ("?customer=internal".to_owned(), vec![internal]),
        ("?customer=external".to_owned(), vec![featured, old]),
        ("?hero=U0BOB".to_owned(), vec![featured, internal]),
        ("?featured=1".to_owned(), vec![featured]),
        // As in the API: `0` means no.
        ("?featured=0".to_owned(), vec![featured, internal, old]),
        ("?consent=shareable".to_owned(), vec![featured, old]),
        ("?consent=internal".to_owned(), vec![internal]),
        (
            "?hero=U0ALICE&consent=shareable&customer=external&since=".to_owned(),
            vec![featured, old],
        ),
    ];
    for (query, expected) in cases {
        let (status, html) = page(&app, &format!("/library{query}"), &cookie).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(listed(&html), expected, "{query}");
    }
    let (status, html) = page(&app, "/library?since=yesterday", &cookie).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("since must be a date"), "{html}");
    assert!(
        html.contains("value=\"yesterday\""),
        "the form keeps what was typed"
    );
}

#[tokio::test]
async fn the_list_comes_a_page_at_a_time() {
    let app = library_app().await;
    for n in 0..30 {
        insert_story(
            &app,
            &format!("Story number {n}"),
            "A card",
            &[("U0ALICE", "granted")],
            now() - n,
        )
        .await;
    }
    let cookie = sign_in(&app).await;
    let (_, first) = page(&app, "/library?q=story", &cookie).await;
    assert_eq!(listed(&first).len(), 25);
    assert!(
        first.contains("href=\"/library?q=story&#38;page=2\""),
        "{first}"
    );
    let (_, second) = page(&app, "/library?q=story&page=2", &cookie).await;
    assert_eq!(listed(&second).len(), 5);
    assert!(
        second.contains("href=\"/library?q=story\" rel=\"prev\""),
        "{second}"
    );
    assert!(!second.contains("rel=\"next\""));
}

#[tokio::test]
async fn downloads_are_the_current_selection() {
    let app = library_app().await;
    let [_, _, featured] = varied_stories(&app).await;
    let cookie = sign_in(&app).await;
    let (_, html) = page(&app, "/library?hero=U0BOB", &cookie).await;
    assert!(
        html.contains("/library/export?hero=U0BOB&#38;format=md"),
        "{html}"
    );

    let response = get(&app, "/library/export?hero=U0BOB&format=md", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"herobot-stories-")
    );
    assert_eq!(
        response.headers()["content-type"],
        "text/markdown; charset=utf-8"
    );
    let md = response.text().await.unwrap();
    assert!(md.contains("## Billing outage turned around"), "{md}");
    assert!(
        !md.contains("Payroll glitch"),
        "the talk pack leaves out a story kept inside: {md}"
    );
    assert!(!md.contains("Old invoice"), "{md}");
    assert!(
        html.contains("/library/export?hero=U0BOB&#38;format=md&amp;include_internal=true"),
        "{html}"
    );
    assert!(html.contains("Talk pack with the stories kept inside, each marked"));
    let whole = get(
        &app,
        "/library/export?hero=U0BOB&format=md&include_internal=true",
        Some(&cookie),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(whole.contains("## Billing outage turned around"), "{whole}");
    assert!(
        whole.contains(
            "## Payroll glitch for the sales team\n\n> **Kept inside:** not every hero has agreed to tell this story outside."
        ),
        "{whole}"
    );
    assert!(!whole.contains("Old invoice"), "{whole}");

    let csv = get(
        &app,
        "/library/export?consent=shareable&format=csv",
        Some(&cookie),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        csv.contains("Billing outage turned around") && !csv.contains("Payroll glitch"),
        "{csv}"
    );
    let json: Value = get(
        &app,
        "/library/export?featured=1&format=json",
        Some(&cookie),
    )
    .await
    .json()
    .await
    .unwrap();
    let ids: Vec<i64> = json["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![featured]);

    let response = get(&app, "/library/export?format=pdf", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_missing_story_or_page_is_not_found_when_signed_in() {
    let app = library_app().await;
    let cookie = sign_in(&app).await;
    for path in [
        "/library/stories/999",
        "/library/stories/abc",
        "/library/nothing",
    ] {
        let (status, html) = page(&app, path, &cookie).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("Sign out"), "{html}");
    }
}

#[tokio::test]
async fn featuring_in_the_library_updates_the_story_post_in_slack() {
    let app = library_app().await;
    wiremock::Mock::given(wiremock::matchers::path("/chat.update"))
        .respond_with(crate::helpers::slack_ok())
        .mount(&app.slack)
        .await;
    let id = story(&app, "Worth a talk").await;
    sql::query(
        "insert into outbox (method, lane, payload, render, subject_id, status, next_attempt_at_ms, response, created_at)
         values ('chat.postMessage', 'C0STORIES', '{\"channel\":\"C0STORIES\"}', 'story_post', $1, 'sent', 0,
                 '{\"channel\":\"C0STORIES\",\"ts\":\"1700000000.000200\"}', 0)",
    )
    .bind(id)
    .execute(&app.db)
    .await
    .unwrap();
    let cookie = sign_in(&app).await;
    let (_, html) = page(&app, &format!("/library/stories/{id}"), &cookie).await;
    let response = browser()
        .post(format!("{}/library/stories/{id}/feature", app.address))
        .header(COOKIE, &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("featured=true&csrf={}", csrf_in(&html)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let update = crate::helpers::eventually("a chat.update", || async {
        let requests = app.slack.received_requests().await.unwrap_or_default();
        crate::helpers::to_path(&requests, "/chat.update")
            .first()
            .map(|update| crate::helpers::json(update))
    })
    .await;
    assert_eq!(update["channel"], "C0STORIES");
    assert_eq!(update["ts"], "1700000000.000200");
    assert!(
        update["blocks"].to_string().contains("Featured"),
        "{update}"
    );
}

#[tokio::test]
async fn a_slow_slack_does_not_hold_up_a_page() {
    let app = library_app().await;
    wiremock::Mock::given(wiremock::matchers::path("/users.info"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"ok": true, "user": {"name": "alice"}}))
                .set_delay(std::time::Duration::from_secs(8)),
        )
        .mount(&app.slack)
        .await;
    story(&app, "A story").await;
    let cookie = sign_in(&app).await;
    let started = std::time::Instant::now();
    let (status, html) = page(&app, "/library", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        started.elapsed().as_secs_f64() < 4.0,
        "{:?}",
        started.elapsed()
    );
    assert!(html.contains("U0ALICE"), "the ID stands in for the name");
}

#[tokio::test]
async fn signing_out_ends_the_session_for_good() {
    let app = library_app().await;
    let cookie = sign_in(&app).await;
    let (_, html) = page(&app, "/library", &cookie).await;
    let sign_out = |csrf: String| {
        browser()
            .post(format!("{}/library/sign-out", app.address))
            .header(COOKIE, &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("csrf={csrf}"))
            .send()
    };
    let refused = sign_out("0000".into()).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(page(&app, "/library", &cookie).await.0, StatusCode::OK);

    let response = sign_out(csrf_in(&html)).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/library/sign-in");
    assert!(
        response.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    // The old cookie, kept by someone who copied it, opens nothing.
    let response = get(&app, "/library", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/library/sign-in");
}

#[tokio::test]
async fn a_sign_in_link_leads_back_to_the_page_that_was_wanted() {
    let app = library_app().await;
    let wanted = "/library?since=2026-11-16&until=2026-11-22";
    let response = get(&app, wanted, None).await;
    assert_eq!(response.headers()[LOCATION], "/library/sign-in");
    let next = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(next.starts_with("herobot_library_next="), "{next}");
    let next = next.split(';').next().unwrap().to_owned();

    let link = link_for(&app, LEADER).await.unwrap();
    let response = get(&app, &link, Some(&next)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], wanted);
    let cookies: Vec<&str> = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("herobot_library_next=;") && c.contains("Max-Age=0")),
        "{cookies:?}"
    );

    // Only the library's own pages: anything else planted in the cookie is ignored.
    for planted in [
        "https://evil.example/library",
        "//evil.example",
        "/library//evil.example",
        "/libraryx",
        "/library/login?token=x",
    ] {
        let link = link_for(&app, LEADER).await.unwrap();
        let cookie = format!("herobot_library_next={}", hex::encode(planted));
        let response = get(&app, &link, Some(&cookie)).await;
        assert_eq!(response.headers()[LOCATION], "/library", "{planted}");
    }
}

#[tokio::test]
async fn the_remembered_page_cookie_is_secure_under_https() {
    let app = spawn_app_with(Options {
        public_url: Some("https://hero.example.com"),
        ..Options::default()
    })
    .await;
    let response = get(&app, "/library?q=billing", None).await;
    let next = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(next.starts_with("herobot_library_next="), "{next}");
    assert!(next.contains("; Secure"), "{next}");
}

#[tokio::test]
async fn a_date_past_what_a_calendar_holds_is_a_plain_400() {
    let app = library_app().await;
    let cookie = sign_in(&app).await;
    let (status, html) = page(&app, "/library?until=9999-12-31", &cookie).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("until is too far in the past or future"),
        "{html}"
    );
}

#[tokio::test]
async fn any_page_number_is_a_page() {
    let app = library_app().await;
    let id = story(&app, "A story").await;
    let cookie = sign_in(&app).await;
    for page in ["abc", "-3", "0", "", "99999999999999999999"] {
        let (status, html) = page_of(&app, page, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(listed(&html), vec![id], "{page}");
    }
    let (status, html) = page_of(&app, "9223372036854775807", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No stories match."), "{html}");
}

async fn page_of(app: &TestApp, page: &str, cookie: &str) -> (StatusCode, String) {
    crate::library::page(app, &format!("/library?page={page}"), cookie).await
}
