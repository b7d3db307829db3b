//! What the answer page lets through: the per-address limit counts only recorded answers and
//! is charged after the link is checked, a trusted proxy's forwarded client is the address, and
//! a comment of 2,000 characters in any script fits while a larger body gets the page back.
use crate::answers::{
    PUBLIC_URL, answer_of, external_story, form_token, post_answer, press, with_answers,
};
use crate::helpers::{Options, TestApp, eventually, json, spawn_app_with};

/// A press on the page, as a browser behind a proxy posts it: `forwarded` is the
/// `X-Forwarded-For` the request arrives with.
async fn press_via(link: &str, form: &str, answer: &str, forwarded: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(link)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", forwarded)
        .body(serde_urlencoded::to_string([("form", form), ("a", answer)]).unwrap())
        .send()
        .await
        .unwrap()
}

/// A story asked about, its link and the link's form token (each story's press is its own).
async fn asked(app: &TestApp, title: &str) -> (i64, String, String) {
    let story = external_story(app, title, &[("U0ALICE", "pending")]).await;
    let ts = format!("{story}.7");
    app.interact(&press(app, "U0AUTHOR", "ask_customer", story, &ts, None))
        .await;
    let wanted = format!("{PUBLIC_URL}/answer/{story}.");
    let link: String = eventually("the teller's link", || async {
        let requests = app.slack.received_requests().await.unwrap();
        requests.iter().find_map(|r| {
            let text = json(r)["text"].as_str()?.to_owned();
            let start = text.find(&wanted)?;
            Some(
                text[start..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect(),
            )
        })
    })
    .await;
    let link = link.replacen(PUBLIC_URL, &app.address, 1);
    let form = form_token(app, &link).await;
    (story, link, form)
}

/// Ten recorded changes on `link` (as many as one link records) from `forwarded`.
async fn ten_changes(link: &str, form: &str, forwarded: &str) {
    for i in 0..10 {
        let answer = ["satisfied", "not_really"][i % 2];
        let response = press_via(link, form, answer, forwarded).await;
        assert_eq!(response.status(), 303, "change {i} from {forwarded}");
    }
}

#[tokio::test]
async fn only_recorded_answers_count_against_an_address_s_minute() {
    let app = spawn_app_with(with_answers()).await;
    let (_, first, first_form) = asked(&app, "First").await;
    let (_, second, second_form) = asked(&app, "Second").await;
    let (third_story, third, third_form) = asked(&app, "Third").await;

    ten_changes(&first, &first_form, "198.51.100.4").await;
    // The same answer again records nothing, and costs nothing.
    for _ in 0..5 {
        let again = post_answer(&first, &first_form, "not_really", "").await;
        assert_eq!(again.status(), 303);
    }
    ten_changes(&second, &second_form, "198.51.100.4").await;

    let refused = post_answer(&third, &third_form, "blown_away", "").await;
    assert_eq!(refused.status(), 429);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("Too many answers at once") && text.contains("Nothing was recorded"),
        "{text}"
    );
    assert_eq!(answer_of(&app, third_story).await, None);
}

#[tokio::test]
async fn twenty_presses_on_a_forged_link_do_not_block_a_real_answer() {
    let app = spawn_app_with(with_answers()).await;
    let (story, link, form) = asked(&app, "Double charge").await;
    let token = link.rsplit('/').next().unwrap();
    let parts: Vec<&str> = token.split('.').collect();

    for i in 0..25 {
        let forged = format!(
            "{}/answer/{}.{}.{}",
            app.address,
            parts[0],
            parts[1].parse::<i64>().unwrap() + 1 + i,
            parts[2]
        );
        let response = post_answer(&forged, &form, "not_really", "").await;
        assert_eq!(response.status(), 404, "{forged}");
    }
    // The real link with a made-up form token records nothing and is not counted either.
    for _ in 0..25 {
        let response = post_answer(&link, "made-up", "not_really", "").await;
        assert_eq!(response.status(), 400);
    }

    let real = post_answer(&link, &form, "blown_away", "The flowers!").await;
    assert_eq!(real.status(), 303);
    assert_eq!(
        answer_of(&app, story).await,
        Some(("blown_away".into(), Some("The flowers!".into()), None))
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance() {
    let app = spawn_app_with(Options {
        // The suite connects from 127.0.0.1: it stands for the reverse proxy.
        trusted_proxies: "127.0.0.1, 10.0.0.0/8",
        ..with_answers()
    })
    .await;
    let (_, first, first_form) = asked(&app, "First").await;
    let (_, second, second_form) = asked(&app, "Second").await;
    let (story, third, third_form) = asked(&app, "Third").await;

    // One client uses up its minute, whatever it writes to the left of what the proxy adds.
    ten_changes(&first, &first_form, "203.0.113.1, 198.51.100.4").await;
    ten_changes(&second, &second_form, "203.0.113.2, 198.51.100.4, 10.0.0.7").await;
    let refused = press_via(&third, &third_form, "blown_away", "198.51.100.4").await;
    assert_eq!(refused.status(), 429);
    assert_eq!(answer_of(&app, story).await, None);

    // Another customer through the same proxy is recorded.
    let other = press_via(&third, &third_form, "blown_away", "198.51.100.5").await;
    assert_eq!(other.status(), 303);
    assert_eq!(answer_of(&app, story).await.unwrap().0, "blown_away");
}

#[tokio::test]
async fn a_forwarded_header_from_a_proxy_not_trusted_is_ignored() {
    let app = spawn_app_with(with_answers()).await;
    let (_, first, first_form) = asked(&app, "First").await;
    let (_, second, second_form) = asked(&app, "Second").await;
    let (story, third, third_form) = asked(&app, "Third").await;

    ten_changes(&first, &first_form, "198.51.100.4").await;
    ten_changes(&second, &second_form, "198.51.100.4").await;
    // Another forwarded address changes nothing: the connecting address is the one counted.
    let refused = press_via(&third, &third_form, "blown_away", "198.51.100.5").await;
    assert_eq!(refused.status(), 429);
    assert_eq!(answer_of(&app, story).await, None);
}

#[tokio::test]
async fn a_comment_of_2000_characters_in_any_script_is_recorded() {
    let app = spawn_app_with(with_answers()).await;
    for (title, character) in [("Japanese", '顧'), ("Korean", '고'), ("Emoji", '🎉')] {
        let (story, link, form) = asked(&app, title).await;
        let comment: String = std::iter::repeat_n(character, 2000).collect();
        let response = post_answer(&link, &form, "blown_away", &comment).await;
        assert_eq!(response.status(), 303, "{title}");
        let (_, recorded, _) = answer_of(&app, story).await.unwrap();
        assert_eq!(recorded.unwrap().chars().count(), 2000, "{title}");
    }
}

#[tokio::test]
async fn a_body_too_large_gets_the_page_back_with_a_message() {
    let app = spawn_app_with(with_answers()).await;
    let (story, link, form) = asked(&app, "Long story").await;
    let comment: String = std::iter::repeat_n('顧', 5000).collect();

    let response = post_answer(&link, &form, "blown_away", &comment).await;
    assert_eq!(response.status(), 413);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Your comment was too long to send, so nothing was recorded")
            && page.contains("2,000 characters"),
        "{page}"
    );
    assert!(
        page.contains("<form") && page.contains("Long story"),
        "{page}"
    );
    assert!(!page.contains("Failed to buffer"), "{page}");
    assert_eq!(answer_of(&app, story).await, None);
}
