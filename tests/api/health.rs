//! Liveness, readiness and a clean shutdown.
use crate::helpers::{NOMINATOR, connect, spawn_app};
use crate::sql;

/// The database of a test's app in `dir`, for another process or pool: its SQLite file, or the
/// PostgreSQL database named beside it.
pub(crate) fn database_url(dir: &std::path::Path) -> String {
    std::fs::read_to_string(dir.join("postgres-url"))
        .unwrap_or_else(|_| format!("sqlite://{}/herobot.db", dir.display()))
}

#[tokio::test]
async fn healthz_and_readyz_answer_200() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let response = app
            .http
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn shutdown_finishes_cleanly_with_everything_committed() {
    let app = spawn_app().await;
    let response = app
        .hero(
            NOMINATOR,
            "<@U0ALICE> for answering every ticket over the holidays",
        )
        .await;
    assert_eq!(response.status(), 200);
    let (dir, _slack) = app.stop().await;
    let db = connect(&database_url(dir.path())).await;
    let n: i64 = sql::query_scalar("select count(*) from nominations")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn metrics_count_what_happened_in_prometheus_text() {
    let app = spawn_app().await;
    app.hero(
        NOMINATOR,
        "<@U0ALICE> for answering every ticket over the holidays",
    )
    .await;
    let rejected = app
        .post_with_headers(
            "/slack/commands",
            "text=x",
            "application/x-www-form-urlencoded",
            &[],
        )
        .await;
    assert_eq!(rejected.status(), 401);
    app.settled().await;

    let response = app
        .http
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    // Counters are process-wide and tests run side by side: each is at least what this test did.
    let value = |name: &str| -> i64 {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} missing"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert!(value("herobot_nominations_stored_total") >= 1);
    assert!(value("herobot_requests_rejected_total") >= 1);
    // The gauge is this app's own: its outbox has delivered everything (-1 would mean the
    // database could not be read).
    assert_eq!(value("herobot_outbox_pending"), 0);
    assert!(text.contains("# TYPE herobot_messages_delivered_total counter"));
}
