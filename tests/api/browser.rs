//! The library in a real browser: headless Chromium, driven over WebDriver by chromedriver,
//! follows a sign-in link, searches, opens a story, features it, downloads a Markdown talk pack
//! and saves screenshots at laptop and phone widths (`target/tmp/screenshots/`).
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Where they are
//! missing the test says so and passes, unless `HEROBOT_BROWSER_TEST=required`, as in CI.
use crate::sql;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

use crate::helpers::{
    LEADER, Options, TestApp, eventually, eventually_within, insert_story, now, spawn_app_with,
};

const PUBLIC_URL: &str = "http://herobot.test";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// chromedriver, stopped when dropped.
pub(crate) struct Driver {
    process: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// One browser session, spoken to in the W3C WebDriver protocol.
pub(crate) struct Browser {
    http: reqwest::Client,
    session: String,
}

impl Browser {
    pub(crate) async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        self.try_call(method, path, body)
            .await
            .unwrap_or_else(|error| panic!("WebDriver {path}: {error}"))
    }

    /// A WebDriver call: its value, or the error WebDriver answered.
    async fn try_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, Value> {
        let mut request = self.http.request(method, format!("{}{path}", self.session));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request.send().await.unwrap().json().await.unwrap();
        if answer["value"]["error"].is_string() {
            return Err(answer["value"].clone());
        }
        Ok(answer["value"].clone())
    }

    /// Calls `/element/{id}/{action}` on the element `css` finds. The demo page re-renders as
    /// messages arrive, so an element found a moment ago may be gone: it is found again.
    async fn on_element(
        &self,
        css: &str,
        method: reqwest::Method,
        action: &str,
        body: Option<Value>,
    ) -> Value {
        let mut tries = 0;
        loop {
            let element = self.find(css).await;
            let path = format!("/element/{element}/{action}");
            match self.try_call(method.clone(), &path, body.clone()).await {
                Ok(value) => return value,
                Err(error) if error["error"] == "stale element reference" && tries < 5 => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                Err(error) => panic!("WebDriver {path} ({css}): {error}"),
            }
        }
    }

    pub(crate) async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    pub(crate) async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub(crate) async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub(crate) async fn find(&self, css: &str) -> String {
        let found = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        found[ELEMENT].as_str().unwrap().to_owned()
    }

    pub(crate) async fn click(&self, css: &str) {
        self.on_element(css, reqwest::Method::POST, "click", Some(json!({})))
            .await;
    }

    pub(crate) async fn type_into(&self, css: &str, text: &str) {
        self.on_element(
            css,
            reqwest::Method::POST,
            "value",
            Some(json!({ "text": text })),
        )
        .await;
    }

    pub(crate) async fn text(&self, css: &str) -> String {
        self.on_element(css, reqwest::Method::GET, "text", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Waits (up to 10 s) until the page's address satisfies `test`.
    pub(crate) async fn wait_for_url(&self, test: impl Fn(&str) -> bool) -> String {
        eventually("the page's address to change", || async {
            let url = self.url().await;
            test(&url).then_some(url)
        })
        .await
    }

    pub(crate) async fn resize(&self, width: u32, height: u32) {
        self.call(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        )
        .await;
    }

    /// Saves a PNG of the page; returns its bytes.
    pub(crate) async fn screenshot(&self, to: &Path) -> Vec<u8> {
        let data = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap())
            .unwrap();
        std::fs::write(to, &png).unwrap();
        png
    }

    pub(crate) async fn quit(self) {
        let _ = self.http.delete(&self.session).send().await;
    }
}

fn installed(env: &str, default: &str) -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var(env).unwrap_or_else(|_| default.to_owned()));
    path.exists().then_some(path)
}

/// Chromium and chromedriver, where installed; else None, after checking that this run does
/// not require them.
pub fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    let (Some(chromium), Some(chromedriver)) = (
        installed("CHROMIUM", "/usr/bin/chromium"),
        installed("CHROMEDRIVER", "/usr/bin/chromedriver"),
    ) else {
        assert_ne!(
            std::env::var("HEROBOT_BROWSER_TEST").as_deref(),
            Ok("required"),
            "HEROBOT_BROWSER_TEST=required, but chromium or chromedriver is not installed"
        );
        eprintln!("skipped: install Debian's chromium and chromium-driver to run the browser test");
        return None;
    };
    Some((chromium, chromedriver))
}

/// Where screenshots are kept: `target/tmp/screenshots/`.
pub fn screenshots() -> PathBuf {
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    shots
}

/// A headless Chromium under a chromedriver of its own, with a scratch folder for its profile
/// and downloads. Bound in this order, they drop in reverse: the browser, the driver, then the
/// folder.
pub(crate) async fn headless(
    chromium: &Path,
    chromedriver: &Path,
) -> (tempfile::TempDir, Driver, Browser) {
    let scratch = tempfile::tempdir().unwrap();
    let driver = start_driver(chromedriver).await;
    let browser = open_browser(
        &driver,
        chromium,
        &scratch.path().join("profile"),
        scratch.path(),
    )
    .await;
    (scratch, driver, browser)
}

/// chromedriver on a free loopback port, once it answers.
pub(crate) async fn start_driver(chromedriver: &Path) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let process = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        // Under libfaketime (CI runs the suite at a Sunday-night moment) the browser keeps the
        // real clock: Chromium does not start with the library preloaded, and only herobot's
        // clock matters here.
        .env_remove("LD_PRELOAD")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver {
        process,
        url: format!("http://127.0.0.1:{port}"),
    };
    eventually_within("chromedriver to start", Duration::from_secs(20), || async {
        let status = reqwest::get(format!("{}/status", driver.url))
            .await
            .ok()?
            .json::<Value>()
            .await
            .ok()?;
        (status["value"]["ready"] == true).then_some(())
    })
    .await;
    driver
}

pub(crate) async fn open_browser(
    driver: &Driver,
    chromium: &Path,
    profile: &Path,
    downloads: &Path,
) -> Browser {
    let http = reqwest::Client::new();
    let capabilities = json!({"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
            },
        },
    }}});
    let answer: Value = http
        .post(format!("{}/session", driver.url))
        .json(&capabilities)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = answer["value"]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("no browser session: {answer}"));
    Browser {
        session: format!("{}/session/{id}", driver.url),
        http,
    }
}

/// Waits (up to 10 s) for a finished download whose name ends with `extension`.
async fn downloaded(dir: &Path, extension: &str) -> PathBuf {
    eventually(&format!("a .{extension} download"), || async {
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|e| e == extension))
    })
    .await
}

pub(crate) async fn sign_in_link(app: &TestApp) -> String {
    let reply: Value = app.hero(LEADER, "library").await.json().await.unwrap();
    let url = reply["blocks"][1]["elements"][0]["url"].as_str().unwrap();
    url.replacen(PUBLIC_URL, &app.address, 1)
}

#[tokio::test]
async fn a_leader_searches_features_and_downloads_in_a_real_browser() {
    let Some((chromium, chromedriver)) = browser_tools() else {
        return;
    };
    let app = spawn_app_with(Options {
        public_url: Some(PUBLIC_URL),
        ..Options::default()
    })
    .await;
    let story = insert_story(
        &app,
        "Billing outage turned into a thank-you note",
        "A handwritten card from the whole team",
        &[("U0ALICE", "granted")],
        now(),
    )
    .await;
    insert_story(
        &app,
        "Payroll glitch <fixed> overnight",
        "Cake",
        &[("U0BOB", "pending")],
        now() - 60,
    )
    .await;
    insert_story(
        &app,
        "Wrong prices in the partner deck",
        "A call from our CEO",
        &[("U0ZAINAB", "declined"), ("U0BOB", "pending")],
        now() - 120,
    )
    .await;
    for (id, name) in [
        ("U0ALICE", "Alice Doe"),
        ("U0BOB", "Bob Okafor"),
        ("U0ZAINAB", "Zainab Bello"),
    ] {
        sql::query("insert into user_names (user_id, name, fetched_at) values ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(now())
            .execute(&app.db)
            .await
            .unwrap();
    }

    let scratch = tempfile::tempdir().unwrap();
    let downloads = scratch.path().join("downloads");
    std::fs::create_dir(&downloads).unwrap();
    let driver = start_driver(&chromedriver).await;
    let browser = open_browser(
        &driver,
        &chromium,
        &scratch.path().join("profile"),
        &downloads,
    )
    .await;

    // Follow the sign-in link: the library opens, the token gone from the address bar.
    browser.go(&sign_in_link(&app).await).await;
    let list = format!("{}/library", app.address);
    browser.wait_for_url(|url| url == list).await;
    let page = browser.source().await;
    assert!(
        page.contains("Billing outage turned into a thank-you note"),
        "{page}"
    );
    assert!(
        page.contains("Payroll glitch &lt;fixed&gt; overnight"),
        "{page}"
    );

    // Each story says in words whether it may be told outside.
    let listed = browser.text("ol.stories").await;
    for state in [
        "may be told outside",
        "waiting for Bob Okafor",
        "kept inside by Zainab Bello",
    ] {
        assert!(listed.contains(state), "{state}: {listed}");
    }
    assert!(!listed.to_lowercase().contains("internal"), "{listed}");
    // Tall enough to show the three stories whole.
    browser.resize(1280, 1000).await;
    browser
        .screenshot(&screenshots().join("library-list-consent.png"))
        .await;
    browser.resize(1280, 900).await;

    // Search.
    browser.type_into("input[name=q]", "billing").await;
    browser.click("form.filters .search button").await;
    browser.wait_for_url(|url| url.contains("q=billing")).await;
    let results = browser.text("ol.stories").await;
    assert!(results.contains("Billing outage"), "{results}");
    assert!(!results.contains("Payroll"), "{results}");

    // Open the story and feature it.
    browser.click("ol.stories h2 a").await;
    browser
        .wait_for_url(|url| url.ends_with(&format!("/library/stories/{story}")))
        .await;
    assert_eq!(
        browser.text("h1").await,
        "Billing outage turned into a thank-you note"
    );
    browser.click("form[action$='/feature'] button").await;
    eventually("the story page to show it featured", || async {
        browser.source().await.contains("Unfeature").then_some(())
    })
    .await;
    let by: Option<String> = sql::query_scalar("select featured_by from stories where id = $1")
        .bind(story)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(by.as_deref(), Some(LEADER));

    let shots = screenshots();
    let png = browser.screenshot(&shots.join("library-story.png")).await;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 5_000);

    // Back to the search, and download it as a talk pack.
    browser
        .go(&format!("{}/library?q=billing", app.address))
        .await;
    browser.screenshot(&shots.join("library-list.png")).await;
    browser.resize(390, 844).await;
    browser
        .screenshot(&shots.join("library-list-phone.png"))
        .await;
    browser.click("a[href*='format=md']").await;
    let talk_pack = std::fs::read_to_string(downloaded(&downloads, "md").await).unwrap();
    assert!(
        talk_pack.contains("## Billing outage turned into a thank-you note"),
        "{talk_pack}"
    );
    assert!(
        talk_pack.contains("- **Featured** for talks"),
        "{talk_pack}"
    );
    assert!(!talk_pack.contains("Payroll"), "{talk_pack}");
    eprintln!("screenshots in {}", shots.display());
    browser.quit().await;
}
