//! The demo as a first-time visitor meets it, in headless Chromium: "Start here" and its four
//! one-click steps (recognise someone; tell a recovery story; ask the customer and answer as the
//! customer; the wallboard and the scorecard) at laptop (1400×900) and phone (390×844) sizes,
//! with the reset button between the two walks; the mention picker's best match; and the page's
//! renderer of Slack's mrkdwn, emoji and blocks, escaping everything.
//! Screenshots go to `target/tmp/screenshots/demo-*.png`.
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::browser::{Browser, headless, screenshots};
use crate::demo::{SEED, start_demo};

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

/// Waits (up to 15 s) until the text of `css` contains `needle`; returns that text.
async fn wait_text(browser: &Browser, css: &str, needle: &str) -> String {
    let started = Instant::now();
    loop {
        let shown = script(
            browser,
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
            json!([css]),
        )
        .await;
        let shown = shown.as_str().unwrap_or_default().to_owned();
        if shown.contains(needle) {
            return shown;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{css} never showed {needle:?}; it shows:\n{shown}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `css` is on the page (a DM's channel appears once its first message has come),
/// then clicks it.
async fn click_when_there(browser: &Browser, css: &str) {
    let started = Instant::now();
    while script(
        browser,
        "return document.querySelector(arguments[0]) !== null;",
        json!([css]),
    )
    .await
        != json!(true)
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{css} never appeared"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    browser.click(css).await;
}

async fn wait_modal(browser: &Browser, open: bool) {
    let started = Instant::now();
    while script(
        browser,
        "return document.getElementById('modal-backdrop').hidden;",
        json!([]),
    )
    .await
        != json!(!open)
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the modal never became {}",
            if open { "open" } else { "closed" }
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the step button `step` of "Start here" (opening the sidebar first on a phone).
async fn step(browser: &Browser, step: &str) {
    sidebar(browser).await;
    browser
        .click(&format!("#start .step[data-step='{step}']"))
        .await;
}

/// Opens the sidebar on a phone (on a laptop it is always there).
async fn sidebar(browser: &Browser) {
    script(
        browser,
        "if (window.matchMedia('(max-width: 720px)').matches && !document.body.classList.contains('sidebar-open')) \
         document.getElementById('menu').click();",
        json!([]),
    )
    .await;
}

async fn shot(browser: &Browser, name: &str, size: &str) {
    browser
        .screenshot(&screenshots().join(format!("demo-{name}-{size}.png")))
        .await;
}

/// The four steps, from the first screen, as a visitor who has done nothing yet.
async fn walk(browser: &Browser, address: &str, size: &str) {
    // The first screen: the celebrations, and "Start here" beside them (on a phone, the
    // sidebar is open on a first visit).
    wait_text(browser, "#start", "Start here").await;
    wait_text(browser, "#messages", "Recognised by").await;
    let start = browser.text("#start").await;
    for words in [
        "Recognise someone",
        "Tell a recovery story",
        "Ask the customer",
        "See the wallboard and the scorecard",
    ] {
        assert!(start.contains(words), "{start}");
    }
    let visible = script(
        browser,
        "const r = document.getElementById('start').getBoundingClientRect(); \
         return r.left >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight;",
        json!([]),
    )
    .await;
    assert_eq!(visible, json!(true), "Start here is on the first screen");
    // The hint works for whoever you are: Priya is not told to recognise herself.
    let hint = browser.text("#hint-example").await;
    assert!(!hint.contains("@priya"), "{hint}");
    shot(browser, "start", size).await;

    // 1. Recognise someone: one click, as Priya, in #service-heroes.
    step(browser, "recognise").await;
    let heroes = wait_text(browser, "#messages", "driving a spare part across town").await;
    assert!(heroes.contains("Omar Haddad"), "{heroes}");
    assert!(!heroes.contains("yourself"), "{heroes}");
    wait_text(browser, "#step-note", "You recognised Omar Haddad").await;
    shot(browser, "step1-recognised", size).await;

    // 2. Tell a recovery story: the form opens filled in with a sample; Save posts it.
    step(browser, "story").await;
    wait_modal(browser, true).await;
    let title = script(
        browser,
        "return document.getElementById('f-title').value;",
        json!([]),
    )
    .await;
    assert_eq!(title, "The pallet that went to Porto");
    shot(browser, "step2-story-form", size).await;
    browser.click("#modal-submit").await;
    wait_modal(browser, false).await;
    let stories = wait_text(
        browser,
        "#messages",
        "Your story The pallet that went to Porto is told",
    )
    .await;
    assert!(stories.contains("Ask the customer"), "{stories}");

    // 3. Ask the customer, from the teller's own confirmation, and answer as the customer.
    step(browser, "ask").await;
    wait_text(
        browser,
        "#messages",
        "Here is the link to ask your customer",
    )
    .await;
    wait_text(browser, "#step-note", "Answer as the customer").await;
    shot(browser, "step3-asked", size).await;
    browser.click("#step-note .note-link").await;
    browser.wait_for_url(|url| url.contains("/answer/")).await;
    let page = browser.source().await;
    assert!(
        page.contains("Northwind"),
        "the customer's page names the company"
    );
    assert!(page.contains("Back to the demo"), "and leads back");
    browser
        .type_into("#comment", "You saved our first week of term!")
        .await;
    browser.click("button[value='blown_away']").await;
    wait_text(browser, "body", "Thank you").await;
    shot(browser, "answer-page", size).await;
    browser.click("a[href='/demo']").await;
    browser
        .wait_for_url(|url| url.ends_with("/demo") || url.contains("/demo#"))
        .await;
    // Omar, the story's hero, hears the customer was blown away, with the emoji drawn.
    script(
        browser,
        "const s = document.getElementById('you'); s.value = 'U0DOMAR'; s.dispatchEvent(new Event('change'));",
        json!([]),
    )
    .await;
    sidebar(browser).await;
    click_when_there(browser, "[data-channel='D0DOMAR']").await;
    let dm = wait_text(browser, "#messages", "blown away").await;
    assert!(
        dm.contains('\u{1F929}'),
        "the star-struck emoji is drawn: {dm}"
    );
    assert!(!dm.contains(":star-struck:"), "{dm}");
    assert!(dm.contains("You saved our first week of term!"), "{dm}");
    shot(browser, "praise-dm", size).await;

    // 4. The wallboard and the scorecard, as the leader.
    step(browser, "board").await;
    let digest = wait_text(browser, "#messages", "Open the wallboard").await;
    assert!(
        digest.contains('%'),
        "last week's digest shows the scorecard in percentages: {digest}"
    );
    let you = script(
        browser,
        "return document.getElementById('you').value;",
        json!([]),
    )
    .await;
    assert_eq!(you, "U0DLEADER", "the step made you the leader");
    wait_text(browser, "#step-note", "Open the scorecard page").await;
    shot(browser, "step4-digest", size).await;
    browser.click("#step-note .note-link:nth-of-type(1)").await;
    browser.wait_for_url(|url| url.contains("/wall/")).await;
    wait_text(browser, "body", "Back to the demo").await;
    shot(browser, "wallboard", size).await;
    browser.go(&format!("{address}/demo")).await;
    wait_text(browser, "#messages", "herobot").await;
    step(browser, "board").await;
    wait_text(browser, "#step-note", "Open the scorecard page").await;
    browser.click("#step-note .note-link:nth-of-type(2)").await;
    browser
        .wait_for_url(|url| url.contains("/library/scorecard"))
        .await;
    wait_text(browser, "body", "Back to the demo").await;
    shot(browser, "scorecard", size).await;
}

#[tokio::test]
async fn a_new_visitor_walks_the_four_start_here_steps_on_a_laptop_and_a_phone() {
    let Some((chromium, chromedriver)) = crate::browser::browser_tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut running = start_demo(dir.path(), false, SEED).await;
    let (_scratch, driver, browser) = headless(&chromium, &chromedriver).await;

    browser.resize(1400, 900).await;
    browser.go(&format!("{}/demo", running.address)).await;
    walk(&browser, &running.address, "laptop").await;

    // The reset button starts over, after a confirmation; the page comes back on fresh data,
    // as on a first visit: on a phone, with "Start here" open.
    browser.go(&format!("{}/demo", running.address)).await;
    wait_text(&browser, "#start", "Start here").await;
    browser.resize(390, 844).await;
    sidebar(&browser).await;
    browser.click("#reset").await;
    wait_text(&browser, "#reset-confirm", "Everything done here is lost").await;
    browser.click("#reset-yes").await;
    tokio::time::timeout(Duration::from_secs(10), running.reset_asked())
        .await
        .expect("the page asked for a reset");
    running = running.start_over().await.expect("the demo starts over");
    wait_text(&browser, "#channel-name", "service-heroes").await;
    let heroes = wait_text(&browser, "#messages", "Recognised by").await;
    assert!(
        !heroes.contains("driving a spare part across town"),
        "the first walk's nomination is gone"
    );

    walk(&browser, &running.address, "phone").await;

    browser.quit().await;
    drop(driver);
    running.stop().await.unwrap();
    eprintln!("screenshots in {}", screenshots().display());
}

#[tokio::test]
async fn the_mention_picker_prefers_a_name_that_starts_with_what_was_typed() {
    let Some((chromium, chromedriver)) = crate::browser::browser_tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let (_scratch, driver, browser) = headless(&chromium, &chromedriver).await;
    browser.resize(1400, 900).await;
    browser.go(&format!("{}/demo", running.address)).await;
    wait_text(&browser, "#start", "Start here").await;
    // `@om`: Omar's name starts with it, Tomás's only holds it. `@ok`: Okafor, a last name.
    for (typed, picked) in [("om", "@omar "), ("ok", "@amara "), ("tom", "@tomas ")] {
        script(
            &browser,
            "document.getElementById('composer').value = '';",
            json!([]),
        )
        .await;
        browser
            .type_into("#composer", &format!("/hero @{typed}"))
            .await;
        let first = wait_text(&browser, "#suggestions", "@").await;
        assert!(
            first
                .lines()
                .next()
                .unwrap_or_default()
                .contains(picked.trim()),
            "{typed}: {first}"
        );
        browser.type_into("#composer", "\u{E007}").await;
        let value = script(
            &browser,
            "return document.getElementById('composer').value;",
            json!([]),
        )
        .await;
        assert_eq!(value, json!(format!("/hero {picked}")), "{typed}");
    }
    browser.quit().await;
    drop(driver);
    running.stop().await.unwrap();
}

/// The page's renderer, case by case: what Slack's mrkdwn and blocks become in the page.
const RENDER_CASES: &str = r#"
const cases = arguments[0];
return cases.map(([kind, input]) => {
  const box = document.createElement('div');
  if (kind === 'mrkdwn') mrkdwn(input, box);
  else renderBlocks([input], box, null);
  return [box.innerHTML, box.textContent];
});
"#;

#[tokio::test]
async fn the_demo_renders_mrkdwn_emoji_and_blocks_as_slack_does_and_escapes_everything() {
    let Some((chromium, chromedriver)) = crate::browser::browser_tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let (_scratch, driver, browser) = headless(&chromium, &chromedriver).await;
    browser.go(&format!("{}/demo", running.address)).await;
    wait_text(&browser, "#start", "Start here").await;
    let origin = running.address.clone();
    let answer_link = format!(
        "Here is the link:<br><a href=\"{origin}/answer/ab_cd\">{origin}/answer/ab_cd</a>."
    );
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "mrkdwn",
            json!("*Service profile of <@U0DPRIYA>*"),
            "<strong>Service profile of <span class=\"mention\">@Priya Raman</span></strong>",
            "Service profile of @Priya Raman",
        ),
        (
            "mrkdwn",
            json!("_so_ ~not~ `x < y` and *bold*."),
            "<em>so</em> <s>not</s> <code class=\"code\">x &lt; y</code> and <strong>bold</strong>.",
            "so not x < y and bold.",
        ),
        (
            "mrkdwn",
            json!("<https://example.com/a_b_c?x=1&amp;y=2|the *page*>"),
            "<a href=\"https://example.com/a_b_c?x=1&amp;y=2\" target=\"_blank\" rel=\"noopener noreferrer\">the *page*</a>",
            "the *page*",
        ),
        (
            "mrkdwn",
            json!(":star-struck: :tada: :white_check_mark: :no-such-emoji: at 10:30:45"),
            "",
            "\u{1F929} \u{1F389} \u{2705} :no-such-emoji: at 10:30:45",
        ),
        (
            "mrkdwn",
            json!("&lt;script&gt;alert(1)&lt;/script&gt; &amp; <b> <javascript:alert(1)|click>"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; b click",
            "<script>alert(1)</script> & b click",
        ),
        (
            "mrkdwn",
            json!("<@U0NOBODY> and <@U0NOBODY|sam>"),
            "",
            "@someone and @sam",
        ),
        (
            "mrkdwn",
            json!(format!("Here is the link:\n{origin}/answer/ab_cd.")),
            &answer_link,
            "",
        ),
        (
            "block",
            json!({"type": "input", "block_id": "customer_comment", "optional": true,
                   "label": {"type": "plain_text", "text": "Anything to add? <b>"},
                   "element": {"type": "plain_text_input", "action_id": "comment", "multiline": true}}),
            "",
            "Anything to add? <b> (optional)",
        ),
        (
            "block",
            json!({"type": "actions", "elements": [{"type": "button", "action_id": "open",
                   "text": {"type": "plain_text", "text": ":bar_chart: Open"}, "url": "https://example.com/x"}]}),
            "<div class=\"b-actions\"><a class=\"btn\" href=\"https://example.com/x\" data-action-id=\"open\" target=\"_blank\" rel=\"noopener noreferrer\">\u{1F4CA} Open</a></div>",
            "",
        ),
        (
            "block",
            json!({"type": "some_new_block", "title": {"type": "plain_text", "text": "Weekly <i>trend</i>"}}),
            "",
            "some new block \u{B7} Weekly <i>trend</i>",
        ),
    ];
    let args: Vec<Value> = cases.iter().map(|(k, i, _, _)| json!([k, i])).collect();
    let out = script(&browser, RENDER_CASES, json!([args])).await;
    for ((kind, input, html, text), got) in cases.iter().zip(out.as_array().unwrap()) {
        let (got_html, got_text) = (got[0].as_str().unwrap(), got[1].as_str().unwrap());
        if !html.is_empty() {
            assert_eq!(got_html, *html, "{kind} {input}");
        }
        if !text.is_empty() {
            assert_eq!(got_text, *text, "{kind} {input}");
        }
        for injected in ["<script", "<b>", "<i>", "javascript:"] {
            assert!(!got_html.contains(injected), "{kind} {input}: {got_html}");
        }
    }
    browser.quit().await;
    drop(driver);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn an_internal_customer_answers_in_their_dm_with_a_comment_typed_beside_the_buttons() {
    let Some((chromium, chromedriver)) = crate::browser::browser_tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let running = start_demo(dir.path(), false, SEED).await;
    let (_scratch, driver, browser) = headless(&chromium, &chromedriver).await;
    browser.resize(1400, 900).await;
    browser.go(&format!("{}/demo", running.address)).await;
    wait_text(&browser, "#messages", "Recognised by").await;
    let be = |who: &'static str| {
        script(
            &browser,
            "const s = document.getElementById('you'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
            json!([who]),
        )
    };

    // The leader asks the internal customer of a seeded story: Sofia, in Marketing.
    be("U0DLEADER").await;
    browser.click("[data-channel='C0DSTORIES']").await;
    wait_text(&browser, "#messages", "Customer: internal customer").await;
    let pressed = script(
        &browser,
        "const posts = Array.from(document.querySelectorAll('#messages article.message')) \
           .filter((m) => m.innerText.includes('Customer: internal customer') && m.querySelector(\"button[data-action-id='ask_customer']\")); \
         if (!posts.length) return false; \
         posts[posts.length - 1].querySelector(\"button[data-action-id='ask_customer']\").click(); return true;",
        json!([]),
    )
    .await;
    assert_eq!(pressed, json!(true), "an internal story's post to ask from");
    wait_modal(&browser, true).await;
    browser
        .click("#modal .person-chip[data-user='U0DSOFIA']")
        .await;
    browser.click("#modal-submit").await;
    wait_text(&browser, "#modal", "herobot asked @Sofia Rossi in a DM").await;
    browser.click("#modal .modal-footer .btn").await;
    wait_modal(&browser, false).await;

    // Sofia's DM: the question, a comment box (an input block) and three buttons.
    be("U0DSOFIA").await;
    click_when_there(&browser, "[data-channel='D0DSOFIA']").await;
    wait_text(&browser, "#messages", "Anything to add?").await;
    let boxes = script(
        &browser,
        "return document.querySelectorAll('#messages .field.in-message textarea').length;",
        json!([]),
    )
    .await;
    assert!(boxes.as_u64().unwrap_or_default() >= 1, "{boxes}");
    let shown = browser.text("#messages").await;
    assert!(!shown.contains("[input block]"), "{shown}");
    script(
        &browser,
        "const all = document.querySelectorAll('#messages .field.in-message textarea');          all[all.length - 1].id = 'typed-comment';",
        json!([]),
    )
    .await;
    browser
        .type_into(
            "#typed-comment",
            "The new deck saved my <b>Monday</b> & more",
        )
        .await;
    shot(&browser, "internal-customer-dm", "laptop").await;
    let clicked = script(
        &browser,
        "const all = Array.from(document.querySelectorAll('#messages .b-actions button')) \
           .filter((b) => b.textContent.includes('blown away')); \
         if (!all.length) return false; all[all.length - 1].click(); return true;",
        json!([]),
    )
    .await;
    assert_eq!(clicked, json!(true));
    let answered = wait_text(&browser, "#messages", "You answered").await;
    assert!(
        answered.contains("The new deck saved my <b>Monday</b> & more"),
        "the comment typed beside the buttons went with the answer, as text: {answered}"
    );
    shot(&browser, "internal-customer-answered", "laptop").await;

    browser.quit().await;
    drop(driver);
    running.stop().await.unwrap();
}
