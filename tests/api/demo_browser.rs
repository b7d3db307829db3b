//! The demo page in a real browser (headless Chromium over WebDriver, as the library's test):
//! a quick nomination typed with an @mention, its private confirmation, celebration and DM; the
//! hero's Home tab; the story modal refused then submitted, and its post; the leader's digest
//! preview and the story library one click away; a rater rating Marketing's report card from
//! their DM, and the leader creating a card, reviewing the results, adding an action its owner
//! marks done and following the results' link to the card's trend page.
//! Screenshots at laptop and phone widths go to `target/tmp/screenshots/demo-*.png`.
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::browser::{Browser, headless, screenshots};
use crate::demo::{EARLY_DECEMBER, SEED, start_demo, start_demo_at};

/// Waits (up to 10 s) until the text of `css` contains `needle`; returns that text.
async fn wait_text(browser: &Browser, css: &str, needle: &str) -> String {
    let started = Instant::now();
    loop {
        let shown = browser
            .call(
                reqwest::Method::POST,
                "/execute/sync",
                Some(json!({"script": "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", "args": [css]})),
            )
            .await;
        let shown = shown.as_str().unwrap_or_default().to_owned();
        if shown.contains(needle) {
            return shown;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{css} never showed {needle:?}; it shows:\n{shown}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs a script in the page.
async fn script(browser: &Browser, source: &str, args: Value) -> Value {
    browser
        .call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": source, "args": args})),
        )
        .await
}

async fn be(browser: &Browser, user: &str) {
    script(
        browser,
        "const s = document.getElementById('you'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
        json!([user]),
    )
    .await;
}

async fn type_line(browser: &Browser, text: &str) {
    browser
        .type_into("#composer", &format!("{text}\u{E007}"))
        .await;
}

#[tokio::test]
async fn a_newcomer_tries_herobot_in_the_demo_page() {
    let Some((chromium, chromedriver)) = crate::browser::browser_tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let (_scratch, driver, browser) = headless(&chromium, &chromedriver).await;
    let shots = screenshots();

    browser.go(&format!("{}/demo", running.address)).await;
    // A first visit opens on the celebrations; the chatter is in #general.
    wait_text(&browser, "#channel-name", "service-heroes").await;
    browser.click("[data-channel='C0DGENERAL']").await;
    wait_text(&browser, "#messages", "Shout-out").await;

    // A quick nomination, typed as in Slack: @lena becomes a mention of Lena Fischer.
    type_line(
        &browser,
        "/hero @lena for untangling the refund queue before the weekend #billing",
    )
    .await;
    let general = wait_text(&browser, "#messages", "Thank you! @Lena Fischer recognised").await;
    let confirmation = general
        .rsplit("Only visible to you")
        .next()
        .unwrap_or_default();
    assert!(confirmation.contains("@Lena Fischer"), "private: {general}");
    browser.click("[data-channel='C0DHEROES']").await;
    let heroes = wait_text(&browser, "#messages", "untangling the refund queue").await;
    assert!(heroes.contains("@Lena Fischer"), "{heroes}");
    browser.resize(1280, 800).await;
    browser
        .screenshot(&shots.join("demo-heroes-laptop.png"))
        .await;
    be(&browser, "U0DLENA").await;
    browser.click("[data-channel='D0DLENA']").await;
    wait_text(&browser, "#messages", "untangling the refund queue").await;
    // Her Home tab, as herobot publishes it when she opens it.
    browser.click("[data-channel='home']").await;
    wait_text(&browser, "#messages", "Your recognitions").await;
    browser
        .screenshot(&shots.join("demo-home-laptop.png"))
        .await;

    // The story modal: refused while incomplete, then posted.
    browser.click("[data-channel='C0DGENERAL']").await;
    type_line(&browser, "/hero story").await;
    wait_text(&browser, "#modal", "What went wrong?").await;
    browser
        .type_into("#f-title", "The pallet that went to Porto")
        .await;
    browser.click("#modal-submit").await;
    wait_text(&browser, "#modal", "Pick a date and time.").await;
    let kept = script(
        &browser,
        "return document.getElementById('f-title').value;",
        json!([]),
    )
    .await;
    assert_eq!(
        kept, "The pallet that went to Porto",
        "what was typed stays"
    );
    browser
        .type_into(
            "#f-what_went_wrong",
            "A pallet of monitors went to the wrong city.",
        )
        .await;
    browser
        .type_into(
            "#f-how_fixed",
            "Rebooked it on the first truck out and called the customer.",
        )
        .await;
    browser
        .type_into("#f-surprise", "A free stand for every monitor.")
        .await;
    script(
        &browser,
        "const at = (s) => { const d = new Date((arguments[0] - s) * 1000); d.setSeconds(0, 0); \
         return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16); }; \
         document.getElementById('f-happened_at').value = at(8 * 3600); \
         document.getElementById('f-fixed_at').value = at(2 * 3600);",
        json!([running.state.clock.now_secs()]),
    )
    .await;
    browser
        .click("#f-customer_kind input[value='external']")
        .await;
    browser
        .click("#f-heroes .person-chip[data-user='U0DKENJI']")
        .await;
    browser.resize(1280, 800).await;
    browser
        .screenshot(&shots.join("demo-story-modal-laptop.png"))
        .await;
    browser.click("#modal-submit").await;
    let started = Instant::now();
    while script(
        &browser,
        "return document.getElementById('modal-backdrop').hidden;",
        json!([]),
    )
    .await
        != json!(true)
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the modal stayed open"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    browser.click("[data-channel='C0DSTORIES']").await;
    wait_text(&browser, "#messages", "The pallet that went to Porto").await;
    browser.resize(390, 844).await;
    browser
        .screenshot(&shots.join("demo-stories-phone.png"))
        .await;

    // The leader previews this week's digest, then opens the library in one click.
    browser.resize(1280, 800).await;
    be(&browser, "U0DLEADER").await;
    browser.click("[data-channel='C0DDIGEST']").await;
    type_line(&browser, "/hero digest").await;
    wait_text(&browser, "#messages", "Preview of this week so far").await;
    browser
        .screenshot(&shots.join("demo-digest-laptop.png"))
        .await;
    browser.click("#library").await;
    browser
        .wait_for_url(|url| url.contains("/library") && !url.contains("login"))
        .await;
    let library = browser.source().await;
    assert!(
        library.contains("The pallet that went to Porto"),
        "the library lists the new story"
    );
    assert!(
        library.contains("The invoice that went out twice"),
        "and the sample ones"
    );

    browser.quit().await;
    drop(driver);
    running.stop().await.unwrap();
    eprintln!("screenshots in {}", shots.display());
}

/// Clicks the last element matching `css` (the latest message's button).
async fn click_last(browser: &Browser, css: &str) {
    let clicked = script(
        browser,
        "const all = document.querySelectorAll(arguments[0]); if (!all.length) return false; \
         all[all.length - 1].click(); return true;",
        json!([css]),
    )
    .await;
    assert_eq!(clicked, json!(true), "nothing matches {css}");
}

async fn wait_modal_closed(browser: &Browser) {
    let started = Instant::now();
    while script(
        browser,
        "return document.getElementById('modal-backdrop').hidden;",
        json!([]),
    )
    .await
        != json!(true)
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the modal stayed open"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_rater_rates_marketing_and_the_leader_reviews_the_results() {
    let Some((chromium, chromedriver)) = crate::browser::browser_tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // December's round is open: Priya, a rater and the page's first person, has not rated.
    let running = start_demo_at(dir.path(), false, SEED, EARLY_DECEMBER).await;
    let (_scratch, driver, browser) = headless(&chromium, &chromedriver).await;
    let shots = screenshots();
    browser.resize(1280, 800).await;
    browser.go(&format!("{}/demo", running.address)).await;
    wait_text(&browser, "#channels", "sales-marketing-review").await;

    // Priya rates from her DM: the modal, then the thanks view that replaces it.
    be(&browser, "U0DPRIYA").await;
    browser.click("[data-channel='D0DPRIYA']").await;
    wait_text(&browser, "#messages", "Rate Marketing for November").await;
    click_last(&browser, "#messages [data-action-id='reportcard_rate']").await;
    wait_text(&browser, "#modal", "Qualified leads by the 5th").await;
    // A select per deliverable, and one comment about the first deliverable.
    for (i, rating) in ["2", "4", "3", "4", "5"].iter().enumerate() {
        browser
            .click(&format!("#f-rating_{} option[value='{rating}']", i + 1))
            .await;
    }
    browser
        .type_into("#f-comment", "Leads came on the 11th again.")
        .await;
    browser.click("#f-comment_about option:nth-child(3)").await;
    browser
        .screenshot(&shots.join("demo-rating-modal-laptop.png"))
        .await;
    browser.click("#modal-submit").await;
    wait_text(&browser, "#modal", "Your ratings of Marketing are in").await;
    browser
        .screenshot(&shots.join("demo-rating-thanks-laptop.png"))
        .await;
    browser.click(".modal-footer .btn").await;
    wait_modal_closed(&browser).await;

    // The leader: the list, and the results in the review channel.
    be(&browser, "U0DLEADER").await;
    browser.click("[data-channel='C0DSALESMKT']").await;
    wait_text(&browser, "#messages", "report card for October 2026").await;
    script(
        &browser,
        "const all = document.querySelectorAll('#messages .b-header'); \
         all[all.length - 1].scrollIntoView({block: 'start'});",
        json!([]),
    )
    .await;
    browser
        .screenshot(&shots.join("demo-reportcard-results-laptop.png"))
        .await;
    type_line(&browser, "/hero reportcard list").await;
    wait_text(&browser, "#messages", "Last result: October 2026").await;
    let trend = script(
        &browser,
        "const all = document.querySelectorAll(\"#messages a[data-action-id='reportcard_open_library']\"); \
         const a = all[all.length - 1]; return a ? [a.getAttribute('href'), a.target, a.rel] : null;",
        json!([]),
    )
    .await;
    assert!(
        trend[0]
            .as_str()
            .unwrap_or_default()
            .contains("/library/reportcards/"),
        "{trend}"
    );
    assert_eq!(
        trend[1], "",
        "herobot's own page opens in the demo's tab, with a way back"
    );

    // The card modal picks its review channel from the workspace's channels.
    type_line(&browser, "/hero reportcard").await;
    wait_text(&browser, "#modal", "Where are the results reviewed?").await;
    let channels = wait_text(&browser, "#f-review_channel", "sales-marketing-review").await;
    assert!(channels.contains("general"), "{channels}");
    browser.type_into("#f-supplier", "IT").await;
    browser
        .click("#f-raters .person-chip[data-user='U0DGRACE']")
        .await;
    browser
        .type_into("#f-deliverables", "Laptops ready on day one")
        .await;
    script(
        &browser,
        "document.getElementById('f-review_channel').value = 'C0DGENERAL';",
        json!([]),
    )
    .await;
    browser.click("#modal-submit").await;
    wait_modal_closed(&browser).await;
    wait_text(&browser, "#messages", "Report card 2 for IT is created").await;
    wait_text(&browser, "#messages", "results post in #general").await;

    // Add an action: the form with its date picker, then Sofia's DM with Done.
    click_last(
        &browser,
        "#messages button[data-action-id='reportcard_add_action']",
    )
    .await;
    wait_text(&browser, "#modal", "Who owns it?").await;
    browser
        .type_into("#f-what", "Send the lead list on the 3rd")
        .await;
    browser
        .click("#f-owner .person-chip[data-user='U0DSOFIA']")
        .await;
    let due = script(
        &browser,
        "const d = document.getElementById('f-due'); const was = d.value; d.value = '2026-12-17'; return [d.type, was];",
        json!([]),
    )
    .await;
    assert_eq!(
        due,
        json!(["date", "2026-12-17"]),
        "due in two weeks, offered"
    );
    browser
        .screenshot(&shots.join("demo-action-modal-laptop.png"))
        .await;
    browser.click("#modal-submit").await;
    wait_modal_closed(&browser).await;
    be(&browser, "U0DSOFIA").await;
    browser.click("[data-channel='D0DSOFIA']").await;
    wait_text(&browser, "#messages", "Send the lead list on the 3rd").await;
    click_last(
        &browser,
        "#messages button[data-action-id='reportcard_action_done']",
    )
    .await;
    let started = Instant::now();
    loop {
        let last = script(
            &browser,
            "const all = document.querySelectorAll('#messages .message'); return all[all.length - 1].innerText;",
            json!([]),
        )
        .await;
        let last = last.as_str().unwrap_or_default().to_owned();
        if last.contains("Send the lead list on the 3rd")
            && last.contains("— done")
            && !last.contains("*Marketing*")
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never shown done: {last}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    browser.resize(390, 844).await;
    browser
        .screenshot(&shots.join("demo-action-done-phone.png"))
        .await;

    // The results' link to the card's trend: the library page, once the leader is signed in.
    browser.resize(1280, 800).await;
    be(&browser, "U0DLEADER").await;
    browser.click("#library").await;
    browser
        .wait_for_url(|url| url.contains("/library") && !url.contains("login"))
        .await;
    let trend = trend[0].as_str().unwrap().to_owned();
    browser.go(&trend).await;
    browser.wait_for_url(|url| url == trend).await;
    let page = browser.source().await;
    for shown in [
        "Qualified leads by the 5th",
        "Send the lead list on the 3rd",
        "<svg",
    ] {
        assert!(page.contains(shown), "the card's page shows {shown}");
    }
    browser
        .screenshot(&shots.join("demo-reportcard-trend-laptop.png"))
        .await;

    browser.quit().await;
    drop(driver);
    running.stop().await.unwrap();
    eprintln!("screenshots in {}", shots.display());
}
