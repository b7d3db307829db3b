//! The wallboard and the scorecard in a real browser (headless Chromium over WebDriver, as in
//! `browser.rs`): the wallboard fits a 1920×1080 and a 1366×768 screen with few and with many
//! stories (no text overflows its box, is cut off or lies off the screen, none is under 24 px),
//! the scorecard fits a laptop and a phone without sideways scrolling, and screenshots of each
//! are saved in `target/tmp/screenshots/` to look at.

use crate::sql;
use serde_json::{Value, json};

use crate::browser::{headless, screenshots, sign_in_link};
use crate::helpers::{LEADER, NOMINATOR, Options, TestApp, now, spawn_app_with};
use crate::scorecard::recovery;

const PUBLIC_URL: &str = "http://herobot.test";

/// Half a year of stories (a varied few each week) and a handful of named recognitions.
async fn history(app: &TestApp) {
    let week = 7 * 86_400;
    for w in 0..26i64 {
        for i in 0..(w % 4 + 1) {
            let at = now() - w * week - i * 3_600;
            let hours = if (w + i) % 5 == 0 { 30 } else { 3 + i };
            let reaction =
                ["blown_away", "satisfied", "blown_away", "unknown"][((w + i) % 4) as usize];
            let kind = if (w + i) % 3 == 0 {
                "internal"
            } else {
                "external"
            };
            recovery(app, at, hours, (w + i) % 4 != 3, reaction, kind).await;
        }
    }
    sql::query("update stories set title = 'Billing outage turned into a thank-you note', surprise = 'A handwritten card from the whole support team, and a month free' where id in (select id from stories where created_at >= $1 - 86400)")
        .bind(now())
        .execute(&app.db)
        .await
        .unwrap();
    // Customers answered some stories themselves (every third): their answer counts.
    sql::query("insert into customer_answers (story_id, answer, comment, answered_at, customer_id) select id, 'blown_away', null, created_at + 3600, null from stories where id % 3 = 0")
        .execute(&app.db)
        .await
        .unwrap();
    sql::query("insert into story_heroes (story_id, hero_id, position, consent) select id, 'U0ALICE', 0, 'granted' from stories")
        .execute(&app.db)
        .await
        .unwrap();
    for (id, name) in [
        ("U0ALICE", "Alice Martin"),
        ("U0BOB", "Bob Okafor"),
        ("U0CAROL", "Carol Nguyen"),
        (NOMINATOR, "Nora Lindqvist"),
    ] {
        sql::query("insert into user_names (user_id, name, fetched_at) values ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(now())
            .execute(&app.db)
            .await
            .unwrap();
    }
    for text in [
        "<@U0BOB> for staying on the phone with the warehouse until the replacement parts were on the truck",
        "<@U0CAROL> and <@U0ALICE> for rebuilding the partner's invoices by hand overnight so payroll went out on time",
        "<@U0ALICE> for turning a billing outage into a thank-you note #recovery",
        "<@U0CAROL> for walking Sales through the new quote tool before their big demo #internal",
    ] {
        let answer = app.hero(NOMINATOR, text).await;
        assert!(answer.status().is_success());
    }
}

/// How far the page scrolls beyond the window: (sideways, down), in CSS pixels.
async fn overflow(browser: &crate::browser::Browser) -> (i64, i64) {
    let answer: Value = browser
        .call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({
                "script": "const d = document.documentElement; return [d.scrollWidth - d.clientWidth, d.scrollHeight - d.clientHeight];",
                "args": [],
            })),
        )
        .await;
    (answer[0].as_i64().unwrap(), answer[1].as_i64().unwrap())
}

/// Sizes the window so that the page itself gets `width`×`height`.
async fn viewport(browser: &crate::browser::Browser, width: u32, height: u32) {
    browser.resize(width, height).await;
    let chrome: Value = browser
        .call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({
                "script": "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];",
                "args": [],
            })),
        )
        .await;
    let extra = |i: usize| chrome[i].as_u64().unwrap_or(0) as u32;
    browser.resize(width + extra(0), height + extra(1)).await;
}

#[tokio::test]
async fn the_wallboard_and_the_scorecard_read_at_a_glance_in_a_real_browser() {
    let Some((chromium, chromedriver)) = crate::browser::browser_tools() else {
        return;
    };
    let app = spawn_app_with(Options {
        public_url: Some(PUBLIC_URL),
        ..Options::default()
    })
    .await;
    history(&app).await;
    let reply: Value = app.hero(LEADER, "wall").await.json().await.unwrap();
    let wall = reply["blocks"][1]["elements"][0]["url"]
        .as_str()
        .unwrap()
        .replacen(PUBLIC_URL, &app.address, 1);

    let (_scratch, _driver, browser) = headless(&chromium, &chromedriver).await;
    let shots = screenshots();

    // The wallboard on a 1920×1080 screen: everything on it, nothing to scroll.
    viewport(&browser, 1920, 1080).await;
    browser.go(&wall).await;
    assert_eq!(browser.text("h1").await, "Service heroes");
    assert!(browser.text("ol.heroes").await.contains("Carol Nguyen"));
    assert_eq!(overflow(&browser).await, (0, 0), "the wallboard scrolls");
    assert!(
        browser.source().await.contains("confirmed by the customer"),
        "the wallboard says how many answers came from customers"
    );
    let png = browser
        .screenshot(&shots.join("wallboard-1920x1080.png"))
        .await;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000);
    assert!(
        browser
            .text("section.story")
            .await
            .contains("Billing outage turned into a thank-you note")
    );

    // Once a hero asks to keep the recent stories inside, the wall shows none of them.
    sql::query("update story_heroes set consent = 'declined' where story_id in (select id from stories where created_at >= $1)")
        .bind(now() - 14 * 86_400)
        .execute(&app.db)
        .await
        .unwrap();
    browser.go(&wall).await;
    let story = browser.text("section.story").await;
    assert!(!story.contains("Billing outage"), "{story}");
    assert!(story.contains("stay inside Slack"), "{story}");
    assert_eq!(overflow(&browser).await, (0, 0), "the wallboard scrolls");
    browser
        .screenshot(&shots.join("wallboard-kept-inside-1920x1080.png"))
        .await;

    // The scorecard at laptop and phone widths: no sideways scrolling of the page (the table
    // scrolls in its own box on a phone).
    browser.resize(1280, 900).await;
    browser.go(&sign_in_link(&app).await).await;
    browser.wait_for_url(|url| url.ends_with("/library")).await;
    browser
        .go(&format!("{}/library/scorecard", app.address))
        .await;
    assert!(browser.text("h1").await.starts_with("Recovery scorecard"));
    assert_eq!(
        overflow(&browser).await.0,
        0,
        "the scorecard scrolls sideways"
    );
    browser
        .screenshot(&shots.join("scorecard-laptop.png"))
        .await;
    browser.resize(1280, 2800).await;
    browser
        .screenshot(&shots.join("scorecard-laptop-whole.png"))
        .await;
    browser.resize(390, 844).await;
    assert_eq!(
        overflow(&browser).await.0,
        0,
        "the scorecard scrolls sideways on a phone"
    );
    browser.screenshot(&shots.join("scorecard-phone.png")).await;
    eprintln!("screenshots in {}", shots.display());
    browser.quit().await;
}

/// A year of monthly rounds of a card with five deliverables: one month without a round, one
/// with too few answers, comments and action items. The card's ID.
async fn a_year_of_rounds(app: &TestApp) -> i64 {
    use crate::report_card_pages::{RATERS, card, name, round};
    let (id, ds) = card(
        app,
        "Marketing",
        "Qualified leads by the 5th\nAccurate price lists\nCampaign calendar shared a month ahead\nSales decks on brand and up to date\nEvent leads followed up within a week",
        "attributed",
    )
    .await;
    let base = [3i64, 2, 4, 4, 1];
    for back in 1..=12u32 {
        if back == 7 {
            continue;
        }
        let raters = if back == 5 { 2 } else { RATERS.len() };
        let ratings: Vec<Vec<u8>> = (0..raters)
            .map(|r| {
                ds.iter()
                    .enumerate()
                    .map(|(d, _)| {
                        let drift = (12 - i64::from(back)) / 4;
                        let wobble = (i64::from(back) * 7 + r as i64 * 2 + d as i64 * 5) % 3 - 1;
                        (base[d] + drift + wobble).clamp(1, 5) as u8
                    })
                    .collect()
            })
            .collect();
        let comments = [
            Some("Leads came on the 3rd, and the price list was right for once"),
            None,
            Some("The campaign calendar arrived two weeks late again"),
            None,
        ];
        let answers: Vec<(&str, &[u8], Option<&str>)> = (0..raters)
            .map(|r| {
                (
                    RATERS[r],
                    ratings[r].as_slice(),
                    comments[r].filter(|_| back == 1),
                )
            })
            .collect();
        round(app, (id, &ds), back, &answers).await;
    }
    let october = herobot::store::report_cards::last_closed(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    let today = jiff::Timestamp::from_second(now())
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let leader = herobot::domain::UserId::parse(LEADER).unwrap();
    let mut conn = crate::helpers::transaction(&app.db).await;
    for (what, owner, days) in [
        (
            "Send the price list to Sales on the 1st of each month",
            RATERS[1],
            -4,
        ),
        (
            "Share the campaign calendar at the monthly review",
            RATERS[2],
            12,
        ),
    ] {
        let owner = herobot::domain::UserId::parse(owner).unwrap();
        let due = today + jiff::Span::new().days(days);
        herobot::store::report_cards::add_action(
            &mut conn,
            &october,
            what,
            &owner,
            due,
            &leader,
            now(),
        )
        .await
        .unwrap();
    }
    conn.commit().await.unwrap();
    for (rater, who) in RATERS
        .iter()
        .zip(["Ana Silva", "Ben Osei", "Chloé Martin", "Dev Patel"])
    {
        name(app, rater, who).await;
    }
    id
}

#[tokio::test]
async fn a_report_cards_trend_reads_on_a_laptop_and_a_phone_in_a_real_browser() {
    let Some((chromium, chromedriver)) = crate::browser::browser_tools() else {
        return;
    };
    let app = spawn_app_with(Options {
        public_url: Some(PUBLIC_URL),
        ..Options::default()
    })
    .await;
    let id = a_year_of_rounds(&app).await;
    let (_scratch, _driver, browser) = headless(&chromium, &chromedriver).await;
    let shots = crate::browser::screenshots();

    viewport(&browser, 1280, 900).await;
    browser.go(&sign_in_link(&app).await).await;
    browser.wait_for_url(|url| url.ends_with("/library")).await;
    browser
        .go(&format!("{}/library/reportcards", app.address))
        .await;
    assert_eq!(browser.text("h1").await, "Report cards");
    assert_eq!(overflow(&browser).await.0, 0, "the list scrolls sideways");
    browser
        .screenshot(&shots.join("reportcards-laptop.png"))
        .await;
    browser
        .go(&format!("{}/library/reportcards/{id}", app.address))
        .await;
    assert_eq!(browser.text("h1").await, "Report card: Marketing");
    assert_eq!(overflow(&browser).await.0, 0, "the card scrolls sideways");
    let png = browser
        .screenshot(&shots.join("reportcard-laptop.png"))
        .await;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000);
    viewport(&browser, 1280, 2600).await;
    browser
        .screenshot(&shots.join("reportcard-laptop-whole.png"))
        .await;
    viewport(&browser, 390, 844).await;
    assert_eq!(
        overflow(&browser).await.0,
        0,
        "the card scrolls sideways on a phone"
    );
    // Every figure of the month table is on screen at 390 px: none hidden to the right.
    let hidden: Value = browser
        .call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({
                "script": "const w = document.documentElement.clientWidth; const cells = [...document.querySelectorAll('table.months td')]; return [cells.length, cells.filter(c => { const r = c.getBoundingClientRect(); return r.left < 0 || r.right > w || r.width === 0; }).map(c => c.textContent)];",
                "args": [],
            })),
        )
        .await;
    assert!(
        hidden[0].as_u64().unwrap() > 12,
        "the month table: {hidden}"
    );
    assert_eq!(hidden[1], json!([]), "cells off screen on a phone");
    browser
        .screenshot(&shots.join("reportcard-phone.png"))
        .await;
    viewport(&browser, 390, 3000).await;
    browser
        .screenshot(&shots.join("reportcard-phone-whole.png"))
        .await;
    eprintln!("screenshots in {}", shots.display());
    browser.quit().await;
}

/// Everything wrong with the page as a screen shows it, for a room to read: text that
/// overflows its box, or is partly cut off by a box around it, or lies off the screen; and
/// (second) the boxes that shorten their text on purpose, with an ellipsis, and the ones left
/// out whole (wholly outside a box that clips, such as a recognition that does not fit).
const FITS: &str = r#"
const problems = [], shortened = [];
const outside = (r, b) => r.bottom <= b.top + 0.5 || r.top >= b.bottom - 0.5 || r.right <= b.left + 0.5 || r.left >= b.right - 0.5;
const clips = a => { const s = getComputedStyle(a); return s.overflowX !== 'visible' || s.overflowY !== 'visible'; };
const hidden = el => { const r = el.getBoundingClientRect(); for (let a = el.parentElement; a; a = a.parentElement) if (clips(a) && outside(r, a.getBoundingClientRect())) return true; return false; };
const wraps = el => getComputedStyle(el).flexWrap === 'wrap';
const W = window.innerWidth, H = window.innerHeight;
const said = el => `${el.tagName.toLowerCase()}${typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : ''} "${el.textContent.trim().slice(0, 50)}"`;
const ellipsis = el => { const s = getComputedStyle(el); return s.textOverflow === 'ellipsis' || (s.webkitLineClamp && s.webkitLineClamp !== 'none'); };
for (const el of document.body.querySelectorAll('*')) {
  const svg = el instanceof SVGElement;
  if (!el.textContent.trim() || (svg && el.tagName !== 'text')) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (hidden(el)) { shortened.push('left out: ' + said(el)); continue; }
  if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5) problems.push('off the screen: ' + said(el));
  for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    const b = a.getBoundingClientRect();
    if (r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5 || r.left < b.left - 0.5 || r.right > b.right + 0.5) problems.push(`cut off by ${said(a)}: ${said(el)}`);
  }
  if (svg || getComputedStyle(el).display === 'inline') continue;
  if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) (ellipsis(el) || wraps(el) ? shortened : problems).push(`overflows (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight}): ${said(el)}`);
}
return [problems, shortened];
"#;

/// Every piece of text smaller than 24 px as the screen shows it (SVG text at the size its
/// chart is drawn), with its size.
const SMALL: &str = r#"
const small = [];
for (const el of document.body.querySelectorAll('*')) {
  const svg = el instanceof SVGElement;
  if (svg && el.tagName !== 'text') continue;
  const own = [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  if (!own) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  let size = parseFloat(getComputedStyle(el).fontSize);
  if (svg) { const m = el.getScreenCTM(); size *= Math.min(Math.abs(m.a), Math.abs(m.d)); }
  if (size < 23.95) small.push(`${size.toFixed(1)} px: ${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 50)}"`);
}
return small;
"#;

async fn run(browser: &crate::browser::Browser, script: &str) -> Value {
    browser
        .call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
        .await
}

/// What `FITS` finds: (problems, text shortened with an ellipsis).
async fn fits(browser: &crate::browser::Browser) -> (Vec<String>, Vec<String>) {
    let found = run(browser, FITS).await;
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    (list(&found[0]), list(&found[1]))
}

/// A few stories this week, a recognition and a customer's quote: a new team's first weeks.
async fn a_few_stories(app: &TestApp) {
    for (id, name) in [
        ("U0ALICE", "Alice Martin"),
        ("U0BOB", "Bob Okafor"),
        (NOMINATOR, "Nora Lindqvist"),
    ] {
        sql::query("insert into user_names (user_id, name, fetched_at) values ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(now())
            .execute(&app.db)
            .await
            .unwrap();
    }
    let told = crate::helpers::insert_story(
        app,
        "Billing outage turned into a thank-you note",
        "A handwritten card from the whole support team",
        &[("U0ALICE", "granted")],
        now() - 3_600,
    )
    .await;
    crate::helpers::insert_story(
        app,
        "Wrong prices in the partner deck",
        "A call from our CEO",
        &[("U0BOB", "pending")],
        now() - 7_200,
    )
    .await;
    sql::query("insert into customer_answers (story_id, answer, comment, answered_at, customer_id) values ($1, 'blown_away', 'We did not expect a card, and the whole office saw it.', $2, null)")
        .bind(told)
        .bind(now() - 600)
        .execute(&app.db)
        .await
        .unwrap();
    let answer = app
        .hero(
            NOMINATOR,
            "<@U0BOB> for staying on the phone with the warehouse until the parts were on the truck",
        )
        .await;
    assert!(answer.status().is_success());
}

/// Half a year of stories, and then the longest of everything: a recognition of seven heroes
/// with long names and a long reason, a story with a long title, and a long quote.
async fn many_stories(app: &TestApp) {
    history(app).await;
    let heroes: Vec<String> = (1..=7).map(|i| format!("U0LONG{i}")).collect();
    for (i, id) in heroes.iter().enumerate() {
        sql::query("insert into user_names (user_id, name, fetched_at) values ($1, $2, $3)")
            .bind(id)
            .bind(format!(
                "Maximiliana Featherstonehaugh-Wolfeschlegelsteinhausen {}",
                i + 1
            ))
            .bind(now())
            .execute(&app.db)
            .await
            .unwrap();
    }
    let mentions: Vec<String> = heroes.iter().map(|h| format!("<@{h}>")).collect();
    let answer = app
        .hero(
            NOMINATOR,
            &format!(
                "{} for rebuilding every partner invoice by hand over a whole weekend, calling each of the forty partners to explain, and sending each a personal note so that not one of them left us",
                mentions.join(" ")
            ),
        )
        .await;
    assert!(answer.status().is_success());
    let long = crate::helpers::insert_story(
        app,
        "The night the warehouse flooded and the whole support team drove the replacement orders to every customer in the region themselves, one van at a time",
        "A hand-painted thank-you card from each driver, a month free for every customer in the region, and a visit from our CEO to the three shops that waited longest",
        &[("U0LONG1", "granted"), ("U0LONG2", "granted"), ("U0LONG3", "granted"), ("U0LONG4", "granted")],
        now() - 60,
    )
    .await;
    sql::query("insert into customer_answers (story_id, answer, comment, answered_at, customer_id) values ($1, 'blown_away', $2, $3, null) on conflict (story_id) do update set comment = excluded.comment, answered_at = excluded.answered_at")
        .bind(long)
        .bind("Honestly, we expected an apology email at best. Instead three of your people turned up at seven in the morning with our orders, stayed to help us unpack, and called again the week after to make sure everything was right. We have told every shop on the street about it.")
        .bind(now() - 300)
        .execute(&app.db)
        .await
        .unwrap();
}

/// The wallboard at a TV's size, opened in `browser` (a screenshot saved as `shot`).
async fn open_wall(
    browser: &crate::browser::Browser,
    wall: &str,
    (width, height): (u32, u32),
    shot: &str,
) {
    viewport(browser, width, height).await;
    browser.go(wall).await;
    assert_eq!(browser.text("h1").await, "Service heroes");
    let size: Value = run(browser, "return [window.innerWidth, window.innerHeight];").await;
    assert_eq!(size, json!([width, height]), "the page's own size");
    browser
        .screenshot(&crate::browser::screenshots().join(shot))
        .await;
}

/// Two apps, one with a few stories and one with many (the longest of everything), each with
/// its wallboard's address; and a browser. `None` where Chromium is not installed.
async fn walls() -> Option<(
    Vec<(bool, TestApp, String)>,
    crate::browser::Driver,
    crate::browser::Browser,
    tempfile::TempDir,
)> {
    let (chromium, chromedriver) = crate::browser::browser_tools()?;
    let mut apps = Vec::new();
    for few in [true, false] {
        let app = spawn_app_with(Options {
            public_url: Some(PUBLIC_URL),
            ..Options::default()
        })
        .await;
        if few {
            a_few_stories(&app).await;
        } else {
            many_stories(&app).await;
        }
        let reply: Value = app.hero(LEADER, "wall").await.json().await.unwrap();
        let wall = reply["blocks"][1]["elements"][0]["url"]
            .as_str()
            .unwrap()
            .replacen(PUBLIC_URL, &app.address, 1);
        apps.push((few, app, wall));
    }
    let (scratch, driver, browser) = headless(&chromium, &chromedriver).await;
    Some((apps, driver, browser, scratch))
}

const TV: [(u32, u32); 2] = [(1920, 1080), (1366, 768)];

/// At both TV sizes, with few and with many stories: the page does not scroll, and no text
/// overflows its box, is cut off or lies off the screen; with few stories nothing is even
/// shortened. The newest quote is on it by name.
#[tokio::test]
async fn the_wallboard_reads_from_across_a_room_on_both_tv_sizes_with_few_and_many_stories() {
    let Some((apps, _driver, browser, _scratch)) = walls().await else {
        return;
    };
    for (few, _app, wall) in &apps {
        let few = *few;
        let which = if few { "few" } else { "many" };
        for size in TV {
            let shot = format!("wall-{}x{}-{which}.png", size.0, size.1);
            open_wall(&browser, wall, size, &shot).await;
            assert_eq!(
                overflow(&browser).await,
                (0, 0),
                "{shot}: the wallboard scrolls"
            );
            let (problems, shortened) = fits(&browser).await;
            assert!(problems.is_empty(), "{shot}:\n{}", problems.join("\n"));
            if few {
                assert!(
                    shortened.is_empty(),
                    "{shot}: shortened\n{}",
                    shortened.join("\n")
                );
            }
        }
        let quote = browser.text("section.quote").await;
        let expected = if few {
            "We did not expect a card"
        } else {
            "Honestly, we expected an apology email"
        };
        assert!(quote.contains(expected), "{quote}");
        assert!(!quote.contains("U0"), "no raw IDs: {quote}");
    }
    browser.quit().await;
}

/// Every piece of text on the wallboard, SVG text as its chart is drawn included, is at least
/// 24 px at both TV sizes, with few and with many stories.
#[tokio::test]
async fn every_label_on_the_wallboard_is_at_least_24_px_on_both_tv_sizes() {
    let Some((apps, _driver, browser, _scratch)) = walls().await else {
        return;
    };
    for (few, _app, wall) in &apps {
        let which = if *few { "few" } else { "many" };
        for size in TV {
            let shot = format!("wall-{}x{}-{which}-sizes.png", size.0, size.1);
            open_wall(&browser, wall, size, &shot).await;
            let small = run(&browser, SMALL).await;
            assert_eq!(small, json!([]), "{shot}: text under 24 px");
            let labels = run(
                &browser,
                "return document.querySelectorAll('svg text').length;",
            )
            .await;
            assert!(
                labels.as_u64().unwrap() > 30,
                "the charts' labels were measured"
            );
        }
    }
    browser.quit().await;
}
