//! The customer's answer page in a real browser at phone width: a one-click link preselects,
//! one press records, and screenshots of both states (`target/tmp/screenshots/`).
use crate::answers::{link_from_teller, with_answers};
use crate::browser::{browser_tools, headless, screenshots};
use crate::helpers::{eventually, insert_story, now, spawn_app_with};
use crate::sql;

#[tokio::test]
async fn a_customer_answers_on_a_phone_with_one_press() {
    let Some((chromium, chromedriver)) = browser_tools() else {
        return;
    };
    let app = spawn_app_with(with_answers()).await;
    let story = insert_story(
        &app,
        "Billing outage turned into a thank-you note",
        "A handwritten card",
        &[("U0ALICE", "granted")],
        now(),
    )
    .await;
    let link = link_from_teller(&app, story, "U0AUTHOR").await;

    let (_scratch, _driver, browser) = headless(&chromium, &chromedriver).await;
    browser.resize(390, 844).await;
    browser.go(&format!("{link}?a=blown_away")).await;
    assert_eq!(
        browser.text("p.story").await,
        "Billing outage turned into a thank-you note"
    );
    assert!(
        browser
            .text("button.chosen")
            .await
            .contains("Press to confirm")
    );
    let shots = screenshots();
    let png = browser.screenshot(&shots.join("answer-phone.png")).await;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 5_000);
    let recorded: i64 = sql::query_scalar("select count(*) from customer_answers")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(recorded, 0, "opening the link records nothing");

    browser
        .type_into("textarea", "The card made our week.")
        .await;
    browser.click("button.chosen").await;
    browser.wait_for_url(|url| url.ends_with("?thanks=1")).await;
    let answer: (String, Option<String>) = eventually("the answer to be recorded", || async {
        sql::query_as("select answer, comment from customer_answers where story_id = $1")
            .bind(story)
            .fetch_optional(&app.db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(
        answer,
        ("blown_away".into(), Some("The card made our week.".into()))
    );
    assert!(browser.text("p.note").await.contains("Thank you!"));
    browser
        .screenshot(&shots.join("answer-phone-thanks.png"))
        .await;
    browser.quit().await;
}
