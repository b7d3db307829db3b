//! Edges found by trying: an empty reason under `HEROBOT_MIN_REASON=0`, a shortcut's long text
//! with `&`, `/metrics` behind a token, and old request keys and sign-in rows forgotten.
use crate::sql;
use serde_json::Value;

use crate::helpers::{
    NOMINATOR, Options, eventually, now, spawn_app, spawn_app_with, start, to_path,
};

#[tokio::test]
async fn a_minimum_reason_of_zero_still_refuses_an_empty_reason() {
    let app = spawn_app_with(Options {
        min_reason: Some("0"),
        ..Options::default()
    })
    .await;

    let reply: Value = app
        .hero(NOMINATOR, "<@U0HERO>  #billing")
        .await
        .json()
        .await
        .unwrap();
    let short = app.hero(NOMINATOR, "<@U0HERO> ok").await;

    let text = reply["text"].as_str().unwrap_or_default();
    assert!(text.contains("a reason needs at least 1"), "{reply}");
    assert_eq!(short.status(), 200);
    assert_eq!(
        app.count("nominations").await,
        1,
        "any reason at all is enough, but not none"
    );
}

#[tokio::test]
async fn a_shortcut_on_a_long_message_with_an_ampersand_prefills_all_it_can() {
    let app = spawn_app().await;
    let mut action: Value =
        serde_json::from_str(include_str!("../fixtures/message_action_nominate.json")).unwrap();
    // Slack escapes `&` in message text; the person typed "R&D".
    let typed = format!(
        "R&D saved the launch: {}",
        "they stayed late again. ".repeat(200)
    );
    action["message"]["text"] = Value::from(typed.replace('&', "&amp;"));
    action["response_url"] = Value::from(format!("{}/response/T0TEAM/9/x", app.slack.uri()));

    assert_eq!(app.interact(&action).await.status(), 200);

    let requests = app.slack_requests(1).await;
    let opened = crate::helpers::json(to_path(&requests, "/views.open")[0]);
    let reason = opened["view"]["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "reason")
        .unwrap()["element"]["initial_value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        reason.chars().count(),
        3000,
        "cut to Slack's limit, not at the `&`"
    );
    assert!(reason.starts_with("R&D saved the launch: they stayed late again."));
    assert!(reason.ends_with('…'));
}

#[tokio::test]
async fn metrics_can_be_kept_for_a_bearer_of_the_metrics_token() {
    let open = spawn_app().await;
    let guarded = spawn_app_with(Options {
        metrics_token: Some("metrics-token-for-tests"),
        ..Options::default()
    })
    .await;
    let get = |address: &str, token: Option<&str>| {
        let mut request = reqwest::Client::new().get(format!("{address}/metrics"));
        if let Some(token) = token {
            request = request.header("authorization", format!("bearer {token}"));
        }
        request.send()
    };

    assert_eq!(get(&open.address, None).await.unwrap().status(), 200);
    let refused = get(&guarded.address, None).await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.headers()["www-authenticate"], "Bearer");
    let wrong = get(&guarded.address, Some("metrics-token-for-test")).await;
    assert_eq!(wrong.unwrap().status(), 401);
    let allowed = get(&guarded.address, Some("metrics-token-for-tests"))
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
    assert!(
        allowed
            .text()
            .await
            .unwrap()
            .contains("herobot_outbox_pending")
    );
}

#[tokio::test]
async fn request_keys_and_spent_sign_in_links_are_forgotten_after_their_retention() {
    let app = spawn_app().await;
    let day = 86_400;
    let t = now();
    for (key, age) in [("command:old", 8 * day), ("command:recent", 6 * day)] {
        sql::query("insert into slack_requests (key, created_at) values ($1, $2)")
            .bind(key)
            .bind(t - age)
            .execute(&app.db)
            .await
            .unwrap();
    }
    for (nonce, expires_ago, used_ago) in [
        ("used-long-ago", 2 * day, Some(2 * day)),
        ("expired-long-ago", 2 * day, None),
        ("used-just-now", -600, Some(60)),
        ("still-valid", -600, None),
    ] {
        sql::query("insert into library_links (nonce, user_id, expires_at, used_at) values ($1, 'U0LEADER', $2, $3)")
            .bind(nonce)
            .bind(t - expires_ago)
            .bind(used_ago.map(|ago| t - ago))
            .execute(&app.db)
            .await
            .unwrap();
    }

    // Retention is applied at start-up, then hourly.
    let (dir, slack) = app.stop().await;
    let app = start(dir, slack, &Options::default()).await;

    let (keys, links) = eventually(
        "old request keys and used or expired sign-in links to be forgotten",
        || async {
            let keys: Vec<String> =
                sql::query_scalar("select key from slack_requests order by key")
                    .fetch_all(&app.db)
                    .await
                    .unwrap();
            let links: Vec<String> =
                sql::query_scalar("select nonce from library_links order by nonce")
                    .fetch_all(&app.db)
                    .await
                    .unwrap();
            let forgotten = keys == ["command:recent"] && links == ["still-valid", "used-just-now"];
            forgotten.then_some((keys, links))
        },
    )
    .await;
    assert_eq!(keys, ["command:recent"]);
    assert_eq!(links, ["still-valid", "used-just-now"]);
}
