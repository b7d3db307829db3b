//! Ask the customer: the teller's link, the answer page (a GET records nothing, a POST records
//! and changes, a closed or forged link refuses), the per-link limit, the internal customer's DM,
//! the scorecard and the heroes' DM.
use crate::sql;
use serde_json::{Value, json};

use crate::helpers::{
    LEADER, NOMINATOR, Options, STORIES_CHANNEL, TestApp, eventually, insert_story,
    json as body_json, now, spawn_app_with, to_path,
};
use crate::library::{page, sign_in};
use crate::modals::tell_story;

pub const PUBLIC_URL: &str = "http://herobot.test";
pub const COMPANY: &str = "Acme & Sons";
const DAY_MS: i64 = 86_400_000;

pub fn with_answers() -> Options {
    Options {
        public_url: Some(PUBLIC_URL),
        company_name: Some(COMPANY),
        ..Options::default()
    }
}

/// A button press on a message, as Slack sends it; `comment` is typed in the DM's input.
pub fn press(
    app: &TestApp,
    user: &str,
    action_id: &str,
    story: i64,
    action_ts: &str,
    comment: Option<&str>,
) -> Value {
    json!({
        "type": "block_actions",
        "team": {"id": "T0TEAM", "domain": "acme"},
        "user": {"id": user, "username": "someone", "team_id": "T0TEAM"},
        "api_app_id": "A0HEROBOT",
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "D0DM", "is_ephemeral": false},
        "trigger_id": format!("9001.{action_ts}.abc"),
        "channel": {"id": "D0DM", "name": "directmessage"},
        "message": {"type": "message", "ts": "1700000000.000100", "text": "…"},
        "state": {"values": {"customer_comment": {"comment": {"type": "plain_text_input", "value": comment}}}},
        "response_url": format!("{}/response/T0TEAM/press/{user}", app.slack.uri()),
        "actions": [{
            "action_id": action_id, "block_id": "b", "type": "button",
            "value": story.to_string(), "action_ts": action_ts,
        }],
    })
}

/// What was posted to `user`'s response URL, once at least `n` arrived.
async fn replies_to(app: &TestApp, user: &str, n: usize) -> Vec<Value> {
    let path = format!("/response/T0TEAM/press/{user}");
    eventually(&format!("{n} replies to {user}"), || async {
        let found: Vec<Value> = app
            .slack
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == path)
            .map(body_json)
            .collect();
        (found.len() >= n).then_some(found)
    })
    .await
}

/// The teller presses **Ask the customer** on an external story; the link they are given.
pub async fn link_from_teller(app: &TestApp, story: i64, teller: &str) -> String {
    app.interact(&press(app, teller, "ask_customer", story, "1.1", None))
        .await;
    let reply = replies_to(app, teller, 1).await.remove(0);
    let text = reply["text"].as_str().unwrap().to_owned();
    let start = text.find(PUBLIC_URL).expect("the link is in the reply");
    let link: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    link.replacen(PUBLIC_URL, &app.address, 1)
}

/// The customer's answer to `story`: (answer, comment, customer_id).
pub async fn answer_of(
    app: &TestApp,
    story: i64,
) -> Option<(String, Option<String>, Option<String>)> {
    sql::query_as("select answer, comment, customer_id from customer_answers where story_id = $1")
        .bind(story)
        .fetch_optional(&app.db)
        .await
        .unwrap()
}

/// The form token on the answer page at `link`.
pub async fn form_token(app: &TestApp, link: &str) -> String {
    let page = app
        .http
        .get(link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = page
        .find("name=\"form\" value=\"")
        .expect("the page has a form")
        + 19;
    page[at..].chars().take_while(|c| *c != '"').collect()
}

/// Presses one of the page's three buttons, as a browser posts the form.
pub async fn post_answer(link: &str, form: &str, answer: &str, comment: &str) -> reqwest::Response {
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    no_redirects
        .post(link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            serde_urlencoded::to_string([("form", form), ("comment", comment), ("a", answer)])
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
}

pub async fn external_story(app: &TestApp, title: &str, heroes: &[(&str, &str)]) -> i64 {
    insert_story(app, title, "A month free", heroes, now()).await
}

#[tokio::test]
async fn the_teller_gets_a_private_link_and_its_one_click_variants_for_an_external_story() {
    let app = spawn_app_with(with_answers()).await;
    let story = tell_story(&app, &["U0ALICE"]).await;

    // The story post and the teller's confirmation both carry the button.
    let requests = app.slack_requests(3).await;
    let post = to_path(&requests, "/chat.postMessage")
        .into_iter()
        .map(body_json)
        .find(|p| p["channel"] == STORIES_CHANNEL)
        .unwrap();
    assert!(post["blocks"].to_string().contains("ask_customer"));
    let told = eventually("the teller's confirmation", || async {
        to_path(
            &app.slack.received_requests().await.unwrap(),
            "/response/T0TEAM/5678/modal",
        )
        .into_iter()
        .map(body_json)
        .find(|b| b["response_type"] == "ephemeral")
    })
    .await;
    assert!(
        told["blocks"].to_string().contains("ask_customer"),
        "{told}"
    );

    // Someone else may not ask; the teller may.
    app.interact(&press(&app, "U0EVE", "ask_customer", story, "1.0", None))
        .await;
    let refused = replies_to(&app, "U0EVE", 1).await;
    assert!(
        refused[0]["text"]
            .as_str()
            .unwrap()
            .contains("Only the teller")
    );
    let link = link_from_teller(&app, story, NOMINATOR).await;
    assert!(link.contains(&format!("/answer/{story}.")), "{link}");
    let reply = replies_to(&app, NOMINATOR, 1).await.remove(0);
    assert_eq!(
        reply["response_type"], "ephemeral",
        "only the teller sees it"
    );
    let text = reply.to_string();
    for a in ["blown_away", "satisfied", "not_really"] {
        assert!(text.contains(&format!("?a={a}")), "{text}");
    }
    assert_eq!(app.count("customer_answers").await, 0);
}

/// The teller words what the customer reads: the answer page shows that line, never the internal
/// title; the teller is shown it, and the exports carry it. A story told without it shows its
/// title.
#[tokio::test]
async fn the_customer_reads_the_line_the_teller_worded_for_them() {
    let app = spawn_app_with(Options {
        api_token: Some("api-secret"),
        ..with_answers()
    })
    .await;
    let mut values = crate::modals::story_values(6 * 3600, 3600, &["U0ALICE"]);
    values["title"]["title"]["value"] = json!("Sales deck with last year's prices");
    values["customer_title"] = json!({"customer_title": {"type": "plain_text_input", "value": "  Your updated price list  "}});
    let metadata = json!({"channel": "C0GENERAL", "response_url": format!("{}/response/T0TEAM/5678/modal", app.slack.uri())});
    let response = app
        .interact(&crate::modals::submission(
            "story",
            values,
            &metadata.to_string(),
        ))
        .await;
    assert_eq!(response.text().await.unwrap(), "", "the modal closes");
    let (story, stored): (i64, Option<String>) =
        sql::query_as("select id, customer_title from stories order by id desc limit 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored.as_deref(), Some("Your updated price list"));
    let told = eventually("the teller's confirmation", || async {
        to_path(
            &app.slack.received_requests().await.unwrap(),
            "/response/T0TEAM/5678/modal",
        )
        .into_iter()
        .map(body_json)
        .find(|b| b["response_type"] == "ephemeral")
    })
    .await;
    assert!(
        told["blocks"]
            .to_string()
            .contains("What the customer sees, if you ask them: *Your updated price list*"),
        "{told}"
    );

    let link = link_from_teller(&app, story, NOMINATOR).await;
    let page = app
        .http
        .get(&link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Your updated price list"), "{page}");
    assert!(!page.contains("last year"), "{page}");

    let exported: Value = app
        .http
        .get(format!("{}/api/stories?format=json", app.address))
        .bearer_auth("api-secret")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        exported["stories"][0]["customer_sees"],
        "Your updated price list"
    );
    assert_eq!(
        exported["stories"][0]["title"],
        "Sales deck with last year's prices"
    );

    // Told without the line (or before it existed), the customer reads the title.
    // A colleague mentioned in it reads "our team": no raw ID, and no name without consent.
    let old = external_story(
        &app,
        "The invoice <@U0ALICE> sent out twice",
        &[("U0ALICE", "pending")],
    )
    .await;
    app.clock.advance_ms(1000); // a press of its own, not a replay of the first
    let link = link_from_teller(&app, old, "U0AUTHOR").await;
    let page = app
        .http
        .get(&link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("The invoice our team sent out twice"),
        "{page}"
    );
    assert!(!page.contains("U0ALICE"), "{page}");
}

#[tokio::test]
async fn a_get_with_a_one_click_choice_preselects_it_and_records_nothing() {
    let app = spawn_app_with(with_answers()).await;
    let story = external_story(
        &app,
        "The <invoice> that went out twice",
        &[("U0ALICE", "pending")],
    )
    .await;
    let link = link_from_teller(&app, story, "U0AUTHOR").await;

    for _ in 0..3 {
        let response = app
            .http
            .get(format!("{link}?a=blown_away"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("script-src"),
            "{csp}"
        );
        assert!(headers.get("set-cookie").is_none(), "no cookies");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        let page = response.text().await.unwrap();
        assert!(
            page.contains("Acme &#38; Sons") || page.contains("Acme &amp; Sons"),
            "the company, escaped: {page}"
        );
        assert!(
            page.contains("The &#60;invoice&#62; that went out twice")
                || page.contains("The &lt;invoice&gt; that went out twice"),
            "the title, escaped: {page}"
        );
        assert!(
            !page.contains("Invoices went out twice"),
            "nothing else about the story"
        );
        assert!(!page.contains("<script"));
        assert!(page.contains("class=\"chosen\""), "{page}");
        assert!(page.contains("Press to confirm"));
    }
    assert_eq!(
        app.count("customer_answers").await,
        0,
        "a GET records nothing"
    );
}

#[tokio::test]
async fn a_post_records_the_answer_and_a_second_post_changes_it() {
    let app = spawn_app_with(with_answers()).await;
    let story = external_story(&app, "Payroll fixed overnight", &[("U0ALICE", "pending")]).await;
    let link = link_from_teller(&app, story, "U0AUTHOR").await;
    let form = form_token(&app, &link).await;

    let first = post_answer(&link, &form, "satisfied", "  Quick fix, thanks  ").await;
    assert_eq!(first.status(), 303);
    let to = first.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.ends_with("?thanks=1") && !to.starts_with('/'), "{to}");
    assert_eq!(
        answer_of(&app, story).await,
        Some(("satisfied".into(), Some("Quick fix, thanks".into()), None))
    );
    let thanks = app
        .http
        .get(format!("{link}?thanks=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        thanks.contains("Thank you! Your answer, “Satisfied”, is recorded"),
        "{thanks}"
    );

    app.clock.advance_ms(DAY_MS);
    let second = post_answer(&link, &form, "not_really", "").await;
    assert_eq!(second.status(), 303);
    assert_eq!(
        answer_of(&app, story).await,
        Some(("not_really".into(), None, None))
    );
    let answered_at: i64 = sql::query_scalar("select answered_at from customer_answers")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(answered_at >= now() + 86_400, "the change's time is kept");
    assert_eq!(
        app.count("customer_answers").await,
        1,
        "one answer per story"
    );
}

#[tokio::test]
async fn a_link_closes_28_days_after_it_was_made() {
    let app = spawn_app_with(with_answers()).await;
    let story = external_story(&app, "Late delivery", &[("U0ALICE", "pending")]).await;
    let link = link_from_teller(&app, story, "U0AUTHOR").await;
    let form = form_token(&app, &link).await;

    app.clock.advance_ms(29 * DAY_MS);

    let page = app.http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 410);
    let text = page.text().await.unwrap();
    assert!(text.contains("This question has closed"), "{text}");
    assert!(!text.contains("<form"));
    let late = post_answer(&link, &form, "blown_away", "").await;
    assert_eq!(late.status(), 410);
    assert_eq!(app.count("customer_answers").await, 0);
}

#[tokio::test]
async fn a_forged_link_or_another_storys_token_is_refused() {
    let app = spawn_app_with(with_answers()).await;
    let mine = external_story(&app, "Mine", &[("U0ALICE", "pending")]).await;
    let other = external_story(&app, "Other", &[("U0BOB", "pending")]).await;
    let link = link_from_teller(&app, mine, "U0AUTHOR").await;
    let form = form_token(&app, &link).await;

    // The other story's ID with this story's signature, a later date, or junk.
    let token = link.rsplit('/').next().unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let made: i64 = parts[1].parse().unwrap();
    let at = |token: String| format!("{}/answer/{token}", app.address);
    let forged = [
        at(format!("{other}.{made}.{}", parts[2])),
        at(format!("{mine}.{}.{}", made + 86_400, parts[2])),
        at(format!("{other}.{made}.{}", "0".repeat(32))),
        at("whatever".into()),
    ];
    for url in &forged {
        let response = app.http.get(url).send().await.unwrap();
        assert_eq!(response.status(), 404, "{url}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("This link is not valid")
        );
        assert_eq!(
            post_answer(url, &form, "blown_away", "").await.status(),
            404
        );
    }

    // The other story's own link, posted with this story's form token.
    let other_link = {
        app.interact(&press(&app, "U0AUTHOR", "ask_customer", other, "2.2", None))
            .await;
        let replies = replies_to(&app, "U0AUTHOR", 2).await;
        let text = replies[1]["text"].as_str().unwrap().to_owned();
        let start = text.find(PUBLIC_URL).unwrap();
        let link: String = text[start..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        link.replacen(PUBLIC_URL, &app.address, 1)
    };
    assert!(other_link.contains(&format!("/answer/{other}.")));
    let crossed = post_answer(&other_link, &form, "blown_away", "").await;
    assert_eq!(crossed.status(), 400);
    assert_eq!(app.count("customer_answers").await, 0);
}

#[tokio::test]
async fn one_link_records_at_most_ten_answers() {
    let app = spawn_app_with(with_answers()).await;
    let story = external_story(&app, "Ten changes", &[("U0ALICE", "pending")]).await;
    let link = link_from_teller(&app, story, "U0AUTHOR").await;
    let form = form_token(&app, &link).await;

    for i in 0..10 {
        let answer = ["satisfied", "not_really"][i % 2];
        assert_eq!(post_answer(&link, &form, answer, "").await.status(), 303);
    }
    assert_eq!(answer_of(&app, story).await.unwrap().0, "not_really");
    // The same answer again changes nothing, and is not refused.
    assert_eq!(
        post_answer(&link, &form, "not_really", "").await.status(),
        303
    );

    let eleventh = post_answer(&link, &form, "blown_away", "").await;
    assert_eq!(eleventh.status(), 429);
    assert_eq!(answer_of(&app, story).await.unwrap().0, "not_really");
}

/// An internal story whose teller asks `customer` through the picker.
async fn ask_colleague(app: &TestApp, story: i64, customer: &str) -> reqwest::Response {
    let submission = json!({
        "type": "view_submission",
        "team": {"id": "T0TEAM", "domain": "acme"},
        "user": {"id": "U0AUTHOR", "username": "author", "team_id": "T0TEAM"},
        "view": {
            "id": format!("V0ASK{}", crate::helpers::trigger_id().replace('.', "")),
            "team_id": "T0TEAM",
            "type": "modal",
            "callback_id": "ask_customer",
            "private_metadata": story.to_string(),
            "state": {"values": {"customer": {"customer": {"type": "users_select", "selected_user": customer}}}},
        },
    });
    app.interact(&submission).await
}

#[tokio::test]
async fn an_internal_customers_dm_buttons_record_once_whoever_else_presses_them() {
    let app = spawn_app_with(with_answers()).await;
    let story = external_story(
        &app,
        "Sales demo rescued",
        &[("U0ALICE", "pending"), ("U0BOB", "pending")],
    )
    .await;
    sql::query("update stories set customer_kind = 'internal' where id = $1")
        .bind(story)
        .execute(&app.db)
        .await
        .unwrap();

    // The teller's button opens the picker.
    app.interact(&press(&app, "U0AUTHOR", "ask_customer", story, "3.1", None))
        .await;
    let opened = app.slack_requests(1).await;
    let view = body_json(to_path(&opened, "/views.open")[0]);
    assert_eq!(view["view"]["callback_id"], "ask_customer");
    assert_eq!(view["view"]["private_metadata"], story.to_string());

    // A hero cannot be the customer; the customer is asked once.
    let refused: Value = ask_colleague(&app, story, "U0ALICE")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refused["response_action"], "errors");
    // The teller is told privately whom herobot asked.
    let asked: Value = ask_colleague(&app, story, "U0CUSTOMER")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(asked["response_action"], "update");
    assert!(
        asked["view"]["blocks"][0]["text"]["text"]
            .as_str()
            .unwrap()
            .contains("herobot asked <@U0CUSTOMER> in a DM"),
        "{asked}"
    );
    let again: Value = ask_colleague(&app, story, "U0OTHER")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        again["errors"]["customer"]
            .as_str()
            .unwrap()
            .contains("already")
    );
    let dm = eventually("the customer's DM", || async {
        to_path(
            &app.slack.received_requests().await.unwrap(),
            "/chat.postMessage",
        )
        .into_iter()
        .map(body_json)
        .find(|p| p["channel"] == "U0CUSTOMER")
    })
    .await;
    let text = dm.to_string();
    assert!(
        text.contains(
            "Were you blown away by how <@U0ALICE> and <@U0BOB> handled *Sales demo rescued*?"
        ),
        "{text}"
    );
    for a in ["blown_away", "satisfied", "not_really"] {
        assert!(text.contains(&format!("customer_answer_{a}")));
    }

    // Someone else's press records nothing and tells them privately.
    app.interact(&press(
        &app,
        "U0EVE",
        "customer_answer_not_really",
        story,
        "4.1",
        None,
    ))
    .await;
    assert!(
        replies_to(&app, "U0EVE", 1).await[0]["text"]
            .as_str()
            .unwrap()
            .contains("<@U0CUSTOMER>")
    );
    assert_eq!(answer_of(&app, story).await, None);

    // The customer's press records their answer with the comment; its replay changes nothing.
    let pressed = press(
        &app,
        "U0CUSTOMER",
        "customer_answer_blown_away",
        story,
        "4.2",
        Some("Saved our quarter"),
    );
    for _ in 0..3 {
        assert_eq!(app.interact(&pressed).await.status(), 200);
    }
    assert_eq!(
        answer_of(&app, story).await,
        Some((
            "blown_away".into(),
            Some("Saved our quarter".into()),
            Some("U0CUSTOMER".into())
        ))
    );
    app.settled().await;
    let requests = app.slack.received_requests().await.unwrap();
    let praise: Vec<Value> = to_path(&requests, "/chat.postMessage")
        .into_iter()
        .map(body_json)
        .filter(|p| {
            p["text"]
                .as_str()
                .unwrap_or_default()
                .contains("The customer was blown away")
        })
        .collect();
    assert_eq!(praise.len(), 2, "one DM to each hero, once: {praise:?}");
    let updated = replies_to(&app, "U0CUSTOMER", 1).await;
    assert_eq!(updated.len(), 1, "one press, one update");
    assert_eq!(updated[0]["replace_original"], true);
    assert!(
        updated[0]
            .to_string()
            .contains("You answered: *Yes, blown away*")
    );

    // A new press changes the answer.
    let later = press(
        &app,
        "U0CUSTOMER",
        "customer_answer_satisfied",
        story,
        "4.3",
        None,
    );
    app.interact(&later).await;
    assert_eq!(answer_of(&app, story).await.unwrap().0, "satisfied");
}

/// This week's digest so far, as a leader previews it.
async fn preview(app: &TestApp) -> String {
    let answer: Value = app.hero(LEADER, "digest").await.json().await.unwrap();
    answer["blocks"].to_string()
}

#[tokio::test]
async fn the_scorecard_counts_the_customers_answer_over_the_tellers() {
    let app = spawn_app_with(Options {
        digest_channel: Some("C0DIGEST"),
        ..with_answers()
    })
    .await;
    // Both tellers reported blown away; one customer says only satisfied.
    let overruled = external_story(&app, "Overruled", &[("U0ALICE", "pending")]).await;
    external_story(&app, "Taken at the teller's word", &[("U0BOB", "pending")]).await;
    let before = preview(&app).await;
    assert!(
        before.contains(
            "Customer blown away*\\ntoo few stories to judge (2): 2 of 2 · 0 confirmed by the customer"
        ),
        "{before}"
    );

    let link = link_from_teller(&app, overruled, "U0AUTHOR").await;
    let form = form_token(&app, &link).await;
    post_answer(&link, &form, "satisfied", "").await;

    let after = preview(&app).await;
    assert!(
        after.contains(
            "Customer blown away*\\ntoo few stories to judge (2): 1 of 2 · 1 confirmed by the customer"
        ),
        "{after}"
    );

    // The library's scorecard says it too, on its tile: the figure, its counts, the confirmed.
    let cookie = sign_in(&app).await;
    let (_, html) = page(&app, "/library/scorecard", &cookie).await;
    let tile = html
        .split("Customer blown away<strong>")
        .nth(1)
        .and_then(|rest| rest.split("</li>").next())
        .unwrap_or_default();
    assert!(tile.contains("too few stories to judge (2)"), "{html}");
    assert!(tile.contains("1 of 2 · target"), "{tile}");
    assert!(tile.contains("1 confirmed by the customer"), "{tile}");
}

#[tokio::test]
async fn a_blown_away_answer_is_dmed_to_each_credited_hero_with_the_comment() {
    let app = spawn_app_with(with_answers()).await;
    let story = external_story(
        &app,
        "Outage turned around",
        &[("U0ALICE", "granted"), ("U0BOB", "pending")],
    )
    .await;
    let link = link_from_teller(&app, story, "U0AUTHOR").await;
    let form = form_token(&app, &link).await;

    post_answer(&link, &form, "satisfied", "").await;
    app.settled().await;
    let praise_count = || async {
        to_path(
            &app.slack.received_requests().await.unwrap(),
            "/chat.postMessage",
        )
        .into_iter()
        .map(body_json)
        .filter(|p| {
            // This story's praise only: a test that ended a moment ago may still deliver its own
            // to the fake Slack this test was handed from the pool.
            let text = p["text"].as_str().unwrap_or_default();
            text.contains("The customer was blown away") && text.contains("Outage turned around")
        })
        .collect::<Vec<Value>>()
    };
    assert!(
        praise_count().await.is_empty(),
        "satisfied is not blown away"
    );

    post_answer(&link, &form, "blown_away", "You <!channel> are *amazing*").await;
    let dms = eventually("a DM to each hero", || async {
        let dms = praise_count().await;
        (dms.len() >= 2).then_some(dms)
    })
    .await;
    for hero in ["U0ALICE", "U0BOB"] {
        let dm = dms
            .iter()
            .find(|d| d["channel"] == hero)
            .expect("each hero hears it");
        let text = dm["blocks"].to_string();
        assert!(text.contains("Outage turned around"), "{text}");
        assert!(
            text.contains("You &lt;!channel&gt; are *amazing*"),
            "{text}"
        );
    }
    // Changing the answer and back does not tell them again.
    post_answer(&link, &form, "satisfied", "").await;
    post_answer(&link, &form, "blown_away", "").await;
    app.settled().await;
    assert_eq!(praise_count().await.len(), 2);
}

#[tokio::test]
async fn the_story_page_and_the_exports_carry_the_customers_answer() {
    let app = spawn_app_with(Options {
        api_token: Some("api-secret"),
        ..with_answers()
    })
    .await;
    let story = external_story(&app, "Exported", &[("U0ALICE", "granted")]).await;
    let link = link_from_teller(&app, story, "U0AUTHOR").await;
    let form = form_token(&app, &link).await;
    post_answer(&link, &form, "blown_away", "Best, ever").await;

    let get = |format: &'static str| {
        let app = &app;
        async move {
            app.http
                .get(format!("{}/api/stories?format={format}", app.address))
                .bearer_auth("api-secret")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let exported: Value = serde_json::from_str(&get("json").await).unwrap();
    let s = &exported["stories"][0];
    assert_eq!(s["customer_answer"], "blown_away");
    assert_eq!(s["customer_comment"], "Best, ever");
    assert!(
        s["answered_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-18T")
    );
    let csv = get("csv").await;
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains(",customer_answer,customer_comment,answered_at,"),
        "{header}"
    );
    assert!(
        csv.contains(",blown_away,\"Best, ever\",2026-11-18T"),
        "{csv}"
    );

    let cookie = sign_in(&app).await;
    let (_, html) = page(&app, &format!("/library/stories/{story}"), &cookie).await;
    assert!(
        html.contains("Yes, blown away — answered through the answer link on 18 Nov 2026"),
        "{html}"
    );
    assert!(html.contains("Best, ever"), "{html}");
}

// The command blocks a thread while it runs; the app serving beside it keeps the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herobot_answer_link_prints_a_signed_link_for_the_story() {
    let app = spawn_app_with(with_answers()).await;
    let story = external_story(&app, "From the command line", &[("U0ALICE", "pending")]).await;
    let run = |id: i64| {
        std::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
            .args(["answer-link", &id.to_string()])
            .env("DATABASE_URL", crate::health::database_url(app.dir.path()))
            .env("HEROBOT_PUBLIC_URL", PUBLIC_URL)
            .output()
            .unwrap()
    };

    let printed = run(story);
    assert!(printed.status.success());
    let url = String::from_utf8(printed.stdout).unwrap().trim().to_owned();
    let token = url
        .strip_prefix(&format!("{PUBLIC_URL}/answer/"))
        .expect("under the public URL");
    let made_at: i64 = token.split('.').nth(1).unwrap().parse().unwrap();
    let key: Vec<u8> = sql::query_scalar("select key from library_key")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let key = herobot::library::access::Key::new(key.try_into().unwrap());
    assert_eq!(
        herobot::answers::token::verify(&key, token, made_at),
        Ok(herobot::answers::token::Link {
            story_id: story,
            made_at
        }),
        "signed with the library's key for this story"
    );
    assert!(!run(story + 100).status.success(), "no such story");

    // A colleague is asked in Slack, never by a link: no link is made for their story, and a
    // link made before cannot show their story or answer in their place.
    sql::query("update stories set customer_kind = 'internal' where id = $1")
        .bind(story)
        .execute(&app.db)
        .await
        .unwrap();
    let refused = run(story);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("customer is a colleague"), "{said}");
    let earlier = app
        .http
        .get(url.replace(PUBLIC_URL, &app.address))
        .send()
        .await
        .unwrap();
    let html = earlier.text().await.unwrap();
    assert!(!html.contains("From the command line"), "{html}");
}
