//! The person meant gets the credit: a message shortcut credits the people the message
//! mentions, its text names them, and a stored `<@U…>` reads as a name on every page and export.
use crate::sql;
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::{
    LEADER, NOMINATOR, Options, TestApp, insert_story, json as body_json, now, spawn_app,
    spawn_app_with,
};
use crate::library::{PUBLIC_URL, page, sign_in};

const TOKEN: &str = "api-token-for-tests";

/// Slack's `users.info` answering for `id` with `name`.
async fn slack_knows(app: &TestApp, id: &str, name: &str) {
    Mock::given(method("POST"))
        .and(path("/users.info"))
        .and(body_string_contains(id))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "user": {"id": id, "name": "x", "real_name": name, "profile": {"display_name": ""}}
        })))
        .mount(&app.slack)
        .await;
}

/// A name remembered from an earlier look-up.
async fn remembered(app: &TestApp, id: &str, name: &str) {
    sql::query("insert into user_names (user_id, name, fetched_at) values ($1, $2, $3)")
        .bind(id)
        .bind(name)
        .bind(now())
        .execute(&app.db)
        .await
        .unwrap();
}

async fn opened_views(app: &TestApp) -> Vec<Value> {
    app.slack
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/views.open")
        .map(body_json)
        .collect()
}

fn shortcut(app: &TestApp, callback_id: &str, text: &str) -> Value {
    json!({
        "type": "message_action",
        "team": {"id": "T0TEAM", "domain": "acme"},
        "user": {"id": "U0PRIYA", "name": "priya"},
        "channel": {"id": "C0SUPPORT", "name": "support"},
        "callback_id": callback_id,
        "trigger_id": "7002.1234.fedcba",
        "message_ts": "1700000000.000100",
        "message": {"type": "message", "text": text, "user": "U0PRIYA", "ts": "1700000000.000100"},
        "response_url": format!("{}/response/T0TEAM/9/shortcut", app.slack.uri()),
    })
}

fn block<'a>(view: &'a Value, id: &str) -> &'a Value {
    view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == id)
        .unwrap()
}

#[tokio::test]
async fn the_shortcut_on_a_message_with_two_mentions_preselects_both_and_names_them() {
    let app = spawn_app().await;
    slack_knows(&app, "U0ZAINAB", "Zainab Bello").await;
    remembered(&app, "U0OMAR", "Omar Haddad").await;
    let text = "Huge thanks to <@U0ZAINAB> and <@U0OMAR|omar> for jumping on the escalation &amp; <@U0GONE> too";

    app.interact(&shortcut(&app, "nominate_from_message", text))
        .await;
    app.interact(&shortcut(&app, "story_from_message", text))
        .await;

    let views = opened_views(&app).await;
    assert_eq!(views.len(), 2);
    let named = "Huge thanks to @Zainab Bello and @Omar Haddad for jumping on the escalation & @someone too";
    let nomination = &views[0]["view"];
    assert_eq!(
        block(nomination, "heroes")["element"]["initial_users"],
        json!(["U0ZAINAB", "U0OMAR", "U0GONE"]),
        "the people mentioned, not Priya who wrote it and used the shortcut"
    );
    assert_eq!(
        block(nomination, "reason")["element"]["initial_value"],
        named
    );
    let story = &views[1]["view"];
    assert_eq!(
        block(story, "heroes")["element"]["initial_users"],
        json!(["U0ZAINAB", "U0OMAR", "U0GONE"])
    );
    assert_eq!(
        block(story, "what_went_wrong")["element"]["initial_value"],
        named
    );
    let all = views.iter().map(Value::to_string).collect::<String>();
    assert!(!all.contains("<@U0"), "no raw mention in the forms: {all}");
}

#[tokio::test]
async fn a_message_that_mentions_nobody_credits_its_author() {
    let app = spawn_app().await;
    let mut action = shortcut(&app, "nominate_from_message", "Fixed the refund for Acme");
    action["message"]["user"] = json!("U0ALICE");

    app.interact(&action).await;

    let view = &opened_views(&app).await[0]["view"];
    assert_eq!(
        block(view, "heroes")["element"]["initial_users"],
        json!(["U0ALICE"])
    );
}

#[tokio::test]
async fn a_stored_mention_reads_as_a_name_in_the_library_the_wallboard_and_the_exports() {
    let app = spawn_app_with(Options {
        public_url: Some(PUBLIC_URL),
        api_token: Some(TOKEN),
        ..Options::default()
    })
    .await;
    remembered(&app, "U0ALICE", "Alice Doe").await;
    remembered(&app, "U0ZAINAB", "Zainab Bello").await;
    let id = insert_story(
        &app,
        "Thanks to <@U0ZAINAB>",
        "A card from <@U0ZAINAB|zainab>",
        &[("U0ALICE", "granted")],
        now(),
    )
    .await;
    sql::query(
        "update stories set what_went_wrong = 'Invoices went out twice; <@U0ZAINAB> saw it, <@U0NOBODY> did not',
                            how_fixed = '<@U0ZAINAB> refunded everyone <!channel>' where id = $1",
    )
    .bind(id)
    .execute(&app.db)
    .await
    .unwrap();
    app.hero(
        NOMINATOR,
        "<@U0ALICE> for helping <@U0ZAINAB> call the partner back within ten minutes",
    )
    .await;

    // The library: the list and the story page.
    let cookie = sign_in(&app).await;
    for path in ["/library".to_owned(), format!("/library/stories/{id}")] {
        let (status, html) = page(&app, &path, &cookie).await;
        assert_eq!(status, 200);
        assert!(html.contains("@Zainab Bello"), "{path}: {html}");
        assert!(
            !html.contains("U0ZAINAB") && !html.contains("U0NOBODY"),
            "{path}: {html}"
        );
    }
    let (_, html) = page(&app, &format!("/library/stories/{id}"), &cookie).await;
    assert!(
        html.contains("@Zainab Bello saw it, @someone did not"),
        "{html}"
    );
    assert!(
        html.contains("&#60;!channel&#62;"),
        "still disarmed: {html}"
    );

    // The wallboard: the latest heroes' reasons and the story of the week.
    let reply: Value = app.hero(LEADER, "wall").await.json().await.unwrap();
    let url = reply["blocks"][1]["elements"][0]["url"].as_str().unwrap();
    let html = app
        .http
        .get(format!(
            "{}{}",
            app.address,
            url.strip_prefix(PUBLIC_URL).unwrap()
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("for helping @Zainab Bello call the partner back"),
        "{html}"
    );
    assert!(
        !html.contains("U0ZAINAB") && !html.contains("U0NOBODY"),
        "{html}"
    );

    // The digest names the people a reason mentions, and pings only its hero.
    let preview: Value = app.hero(LEADER, "digest").await.json().await.unwrap();
    let text = preview["blocks"].to_string();
    assert!(
        text.contains("<@U0ALICE> ×2 — for helping @Zainab Bello call the partner back"),
        "{text}"
    );
    assert!(text.contains("Thanks to @Zainab Bello"), "{text}");
    assert!(!text.contains("&lt;@U0"), "no raw ID: {text}");

    // The exports: CSV, JSON and the talk pack.
    for format in ["csv", "json", "md"] {
        let body = app
            .http
            .get(format!("{}/api/stories?format={format}", app.address))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            body.contains("@Zainab Bello refunded everyone"),
            "{format}: {body}"
        );
        assert!(body.contains("Thanks to @Zainab Bello"), "{format}: {body}");
        assert!(body.contains("@someone did not"), "{format}: {body}");
        assert!(
            !body.contains("U0ZAINAB") && !body.contains("U0NOBODY"),
            "{format}: {body}"
        );
    }
}

/// `user` opens the Home tab at the app's own time (which a test may have moved).
async fn open_home_now(app: &TestApp, user: &str) {
    let at = app.clock.now_secs();
    let body = json!({
        "token": "x", "team_id": "T0TEAM", "api_app_id": "A0HEROBOT", "type": "event_callback",
        "event_id": "Ev0MONDAY", "event_time": at,
        "event": {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home",
                  "event_ts": format!("{at}.000100")},
        "authorizations": [{"team_id": "T0TEAM", "user_id": "U0BOT", "is_bot": true}],
    })
    .to_string();
    let response = app
        .post_signed("/slack/events", &body, "application/json", at)
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn home_on_a_monday_shows_last_weeks_scorecard() {
    let app = spawn_app().await;
    Mock::given(method("POST"))
        .and(path("/views.publish"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"ok": true, "view": {"id": "V0HOME"}})),
        )
        .mount(&app.slack)
        .await;
    // Six stories on Wednesday of 2026-W47, each fixed within the hour.
    for n in 0..6 {
        insert_story(
            &app,
            &format!("Recovery {n}"),
            "A card",
            &[("U0ALICE", "granted")],
            now(),
        )
        .await;
    }
    // Monday 23 November 2026, 08:00 UTC: 2026-W48 has only begun.
    app.clock.set_ms(1_795_392_000_000 + 8 * 3_600_000);

    open_home_now(&app, LEADER).await;

    let view = crate::helpers::eventually("the leader's Home", || async {
        app.slack
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == "/views.publish")
            .map(body_json)
            .next()
    })
    .await;
    let text = view.to_string();
    assert!(text.contains("Last week's scorecard · 2026-W47"), "{text}");
    assert!(text.contains("*Recovery stories*\\n6"), "{text}");
    assert!(
        text.contains("*Recovered within 24 h*\\n100 % (6 of 6) · target 90 % ✅"),
        "{text}"
    );
    assert!(!text.contains("This week's scorecard"), "{text}");
}

#[tokio::test]
async fn a_share_under_the_minimum_sample_is_too_few_to_judge_and_shows_its_counts() {
    let app = spawn_app_with(Options {
        public_url: Some(PUBLIC_URL),
        digest_channel: Some("C0DIGEST"),
        ..Options::default()
    })
    .await;
    insert_story(&app, "One", "A card", &[("U0ALICE", "granted")], now()).await;
    let late = insert_story(&app, "Two", "A card", &[("U0BOB", "granted")], now()).await;
    sql::query("update stories set happened_at = fixed_at - 2 * 86400 where id = $1")
        .bind(late)
        .execute(&app.db)
        .await
        .unwrap();

    // The digest (as a leader previews this week's).
    let preview: Value = app.hero(LEADER, "digest").await.json().await.unwrap();
    let text = preview["blocks"].to_string();
    assert!(
        text.contains(
            "*Recovered within 24 h*\\ntoo few stories to judge (2): 1 of 2 · target 90 %"
        ),
        "{text}"
    );
    assert!(!text.contains("50 %"), "{text}");

    // The library's scorecard: a neutral tile with the counts.
    let cookie = sign_in(&app).await;
    let (_, html) = page(&app, "/library/scorecard", &cookie).await;
    assert!(
        html.contains(
            "<li class=\"too-few\">Recovered within 24 h<strong>too few stories to judge (2)</strong>1 of 2 · target 90 %</li>"
        ),
        "{html}"
    );

    // The wallboard's gauge.
    let reply: Value = app.hero(LEADER, "wall").await.json().await.unwrap();
    let url = reply["blocks"][1]["elements"][0]["url"].as_str().unwrap();
    let html = app
        .http
        .get(format!(
            "{}{}",
            app.address,
            url.strip_prefix(PUBLIC_URL).unwrap()
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The ring holds the counts in grey, and the words say why there is no percentage.
    assert!(html.contains(">\n1 of 2\n</text>"), "{html}");
    assert!(html.contains("<div class=\"counts clip\">too few to judge</div><div class=\"verdict clamp2\">target 90\u{a0}%</div>"), "{html}");
    assert!(!html.contains(">\n50 %\n</text>"), "{html}");
}
