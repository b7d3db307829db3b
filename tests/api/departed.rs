//! Departed accounts (`HEROBOT_FORGET_DEPARTED_AFTER_DAYS`): a `user_change` event with
//! `deleted: true` marks the person, `deleted: false` clears them, the daily reading of
//! `users.list` (in pages) catches a missed event, and the job forgets whoever has been gone the
//! configured days, leaving a `schedule` row in the audit trail.
use crate::sql;
use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::forget::count;
use crate::helpers::{Options, TestApp, eventually, spawn_app_with};

const DAYS: i64 = 30;
const DAY_MS: i64 = 86_400_000;

async fn user_change(app: &TestApp, event_id: &str, user: &str, deleted: bool) {
    let body = json!({
        "token": "x", "team_id": "T0TEAM", "api_app_id": "A0HEROBOT", "type": "event_callback",
        "event_id": event_id, "event_time": app.clock.now_secs(),
        "event": {
            "type": "user_change",
            "user": {"id": user, "team_id": "T0TEAM", "name": user.to_lowercase(), "deleted": deleted,
                     "profile": {"display_name": user}, "is_bot": false},
            "cache_ts": app.clock.now_secs(), "event_ts": "1700000000.000100"
        }
    })
    .to_string();
    let response = app
        .post_signed(
            "/slack/events",
            &body,
            "application/json",
            app.clock.now_secs(),
        )
        .await;
    assert_eq!(response.status(), 200);
}

/// `users.list` in two pages: Ana and Ben on the first, Cat (whose event never came) and Dan
/// (whom herobot never met) deactivated on the second.
async fn mount_users_list(app: &TestApp) {
    let member =
        |id: &str, deleted: bool| json!({"id": id, "name": id.to_lowercase(), "deleted": deleted});
    Mock::given(method("POST"))
        .and(path("/users.list"))
        .and(body_string_contains("cursor=page2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "members": [member("U0CAT", true), member("U0DAN", true)],
            "response_metadata": {"next_cursor": ""}
        })))
        .mount(&app.slack)
        .await;
    Mock::given(method("POST"))
        .and(path("/users.list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "members": [member("U0ANA", true), member("U0BEN", false)],
            "response_metadata": {"next_cursor": "page2"}
        })))
        .mount(&app.slack)
        .await;
}

async fn present(app: &TestApp, user: &str) -> bool {
    count(app, &format!("select (select count(*) from nominations where nominator_id = '{user}') + (select count(*) from nomination_heroes where hero_id = '{user}') + (select count(*) from departures where user_id = '{user}')")).await > 0
}

async fn forgotten_by_schedule(app: &TestApp) -> i64 {
    count(
        app,
        "select count(*) from audit where event = 'person_forgotten' and actor = 'schedule'",
    )
    .await
}

#[tokio::test]
async fn a_departed_person_is_forgotten_after_the_configured_days_unless_reactivated() {
    let app = spawn_app_with(Options {
        forget_departed_after_days: Some("30"),
        ..Options::default()
    })
    .await;
    mount_users_list(&app).await;
    app.hero(
        "U0ANA",
        "<@U0BEN> <@U0CAT> for calling the customer back within the hour",
    )
    .await;
    app.hero(
        "U0BEN",
        "<@U0ANA> for the refund that arrived before the complaint",
    )
    .await;
    // Heroes are known once the rollup has counted them.
    eventually("the rollup to count the heroes", || async {
        (count(&app, "select count(distinct hero_id) from hero_blocks").await == 3).then_some(())
    })
    .await;

    user_change(&app, "Ev01", "U0ANA", true).await;
    user_change(&app, "Ev02", "U0BEN", true).await;
    user_change(&app, "Ev03", "U0BEN", false).await;
    // A profile change of someone herobot never met stores nothing.
    user_change(&app, "Ev04", "U0ZED", true).await;
    let marked: Vec<String> = sql::query_scalar("select user_id from departures order by user_id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(marked, ["U0ANA"]);

    // A day short of the configured days: nobody is forgotten yet, and users.list has caught
    // Cat's missed event (Dan, whom herobot holds nothing about, is not tracked).
    app.clock.advance_ms((DAYS - 1) * DAY_MS);
    eventually("users.list to be read", || async {
        (count(
            &app,
            "select count(*) from departures where user_id = 'U0CAT'",
        )
        .await
            == 1)
            .then_some(())
    })
    .await;
    assert_eq!(forgotten_by_schedule(&app).await, 0);
    assert!(present(&app, "U0ANA").await);
    assert_eq!(
        count(
            &app,
            "select count(*) from departures where user_id = 'U0DAN'"
        )
        .await,
        0
    );

    // Past the days: Ana is forgotten; Ben, reactivated, is not; Cat waits her own 30 days.
    app.clock.advance_ms(2 * DAY_MS);
    eventually("Ana to be forgotten", || async {
        (!present(&app, "U0ANA").await).then_some(())
    })
    .await;
    assert_eq!(forgotten_by_schedule(&app).await, 1);
    assert!(
        present(&app, "U0BEN").await,
        "a reactivated account is not forgotten"
    );
    assert!(present(&app, "U0CAT").await);
    let ana_anywhere = count(
        &app,
        "select count(*) from nominations where reason like '%U0ANA%' or nominator_id = 'U0ANA'",
    )
    .await
        + count(
            &app,
            "select count(*) from audit where actor = 'U0ANA' or subject like '%U0ANA%'",
        )
        .await;
    assert_eq!(ana_anywhere, 0);

    app.clock.advance_ms(DAYS * DAY_MS);
    eventually("Cat to be forgotten", || async {
        (!present(&app, "U0CAT").await).then_some(())
    })
    .await;
    assert_eq!(forgotten_by_schedule(&app).await, 2);
    assert!(present(&app, "U0BEN").await);
    // Read again, users.list does not bring back the people already forgotten.
    let reads = users_list_calls(&app).await;
    app.clock.advance_ms(DAY_MS);
    eventually("users.list to be read again, both pages", || async {
        (users_list_calls(&app).await >= reads + 2).then_some(())
    })
    .await;
    app.settled().await;
    assert_eq!(count(&app, "select count(*) from departures").await, 0);
    assert_eq!(forgotten_by_schedule(&app).await, 2);
}

async fn users_list_calls(app: &TestApp) -> usize {
    let requests = app.slack.received_requests().await.unwrap();
    requests
        .iter()
        .filter(|r| r.url.path() == "/users.list")
        .count()
}
