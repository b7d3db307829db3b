//! Liveness, readiness and a clean shutdown.
use crate::helpers::{NOMINATOR, spawn_app};

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
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}/herobot.db", dir.path().display()))
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("select count(*) from nominations")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(n, 1);
}
