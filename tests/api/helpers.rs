//! spawn_app(): a real herobot on a free port, a fresh database (a SQLite file, or a PostgreSQL
//! database with `HEROBOT_TEST_DATABASE=postgres`), wiremock standing in for Slack's Web API,
//! and signed requests as Slack sends them.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use herobot::clock::Clock;
use herobot::config::{Config, Needs, OutboxSettings, ServerSettings};
use herobot::slack::signature::sign;
use herobot::startup::Application;
use herobot::store::Db;
use serde_json::Value;
use sqlx::SqlitePool;
use tokio::sync::oneshot;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const SECRET: &str = "test-signing-secret";
pub const HEROES_CHANNEL: &str = "C0HEROES";
pub const NOMINATOR: &str = "U0NOMINATOR";
pub const STORIES_CHANNEL: &str = "C0STORIES";
pub const LEADER: &str = "U0LEADER";

/// A running herobot and the fake Slack it talks to.
pub struct TestApp {
    pub address: String,
    /// The app's database, writable, for what a test sets up or checks directly (`sql::…`).
    pub db: Db,
    /// The app's clock: it starts at `now()`, and a test may set it.
    pub clock: Clock,
    pub slack: MockServer,
    pub http: reqwest::Client,
    pub dir: Arc<tempfile::TempDir>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// How a test wants the app configured.
pub struct Options {
    pub heroes_channel: Option<&'static str>,
    pub stories_channel: Option<&'static str>,
    pub digest_channel: Option<&'static str>,
    pub digest_schedule: &'static str,
    pub api_token: Option<&'static str>,
    pub public_url: Option<&'static str>,
    pub company_name: Option<&'static str>,
    pub leaders: &'static str,
    pub mock_slack_ok: bool,
    pub lane_interval: Duration,
    pub lane_burst: u32,
    /// `HEROBOT_HOURLY_LIMIT`.
    pub hourly_limit: &'static str,
    pub min_reason: Option<&'static str>,
    pub metrics_token: Option<&'static str>,
    pub server: ServerSettings,
    /// How long a hero's recognition DMs wait to be combined (zero in tests that count DMs).
    pub dm_window: Duration,
    /// Celebrations past what a channel's pace clears in this time are rolled up.
    pub rollup_window: Duration,
    /// How long an answer may take before it follows through the response_url.
    pub answer_budget: Duration,
    /// Where the app's clock starts (unix milliseconds); the suite's `now_ms()` unless set.
    pub starts_at_ms: Option<i64>,
    /// `HEROBOT_TRUSTED_PROXIES` (the suite connects from 127.0.0.1).
    pub trusted_proxies: &'static str,
    /// `HEROBOT_RETENTION_DAYS`.
    pub retention_days: Option<&'static str>,
    /// `HEROBOT_REPORTCARD_MIN_ANSWERS`.
    pub report_card_min_answers: Option<&'static str>,
    /// `HEROBOT_FORGET_DEPARTED_AFTER_DAYS`.
    pub forget_departed_after_days: Option<&'static str>,
    /// On SQLite whatever engine the suite runs on: for what only SQLite does (backups, the
    /// source of `herobot copy-to`).
    pub on_sqlite: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            heroes_channel: Some(HEROES_CHANNEL),
            stories_channel: Some(STORIES_CHANNEL),
            digest_channel: None,
            // Off, so that no test depends on the day it runs; the scheduler's own tests set one.
            digest_schedule: "off",
            api_token: None,
            public_url: None,
            company_name: None,
            leaders: LEADER,
            mock_slack_ok: true,
            lane_interval: Duration::from_millis(10),
            lane_burst: 3,
            hourly_limit: "30",
            min_reason: None,
            metrics_token: None,
            server: ServerSettings::default(),
            dm_window: Duration::ZERO,
            rollup_window: Duration::from_secs(60),
            answer_budget: Duration::from_millis(2500),
            starts_at_ms: None,
            trusted_proxies: "",
            retention_days: None,
            report_card_min_answers: None,
            forget_departed_after_days: None,
            on_sqlite: false,
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let dir = Arc::new(tempfile::tempdir().expect("a temporary directory"));
    let slack = MockServer::start().await;
    if options.mock_slack_ok {
        mount_slack_ok(&slack).await;
    }
    start(dir, slack, &options).await
}

/// Starts herobot on an existing database directory and fake Slack (to test restarts).
pub async fn start(dir: Arc<tempfile::TempDir>, slack: MockServer, options: &Options) -> TestApp {
    let db_url = database_url(dir.path(), options.on_sqlite).await;
    let vars = [
        ("SLACK_SIGNING_SECRET", SECRET.to_owned()),
        ("SLACK_BOT_TOKEN", "xoxb-test-token".to_owned()),
        ("SLACK_API_URL", slack.uri()),
        ("DATABASE_URL", db_url.clone()),
        ("HEROBOT_LISTEN", "127.0.0.1:0".to_owned()),
        (
            "HEROBOT_HEROES_CHANNEL",
            options.heroes_channel.unwrap_or_default().to_owned(),
        ),
        (
            "HEROBOT_STORIES_CHANNEL",
            options.stories_channel.unwrap_or_default().to_owned(),
        ),
        ("HEROBOT_LEADERS", options.leaders.to_owned()),
        (
            "HEROBOT_DIGEST_CHANNEL",
            options.digest_channel.unwrap_or_default().to_owned(),
        ),
        (
            "HEROBOT_DIGEST_SCHEDULE",
            options.digest_schedule.to_owned(),
        ),
        (
            "HEROBOT_API_TOKEN",
            options.api_token.unwrap_or_default().to_owned(),
        ),
        (
            "HEROBOT_PUBLIC_URL",
            options.public_url.unwrap_or_default().to_owned(),
        ),
        ("HEROBOT_HOURLY_LIMIT", options.hourly_limit.to_owned()),
        (
            "HEROBOT_MIN_REASON",
            options.min_reason.unwrap_or_default().to_owned(),
        ),
        (
            "HEROBOT_METRICS_TOKEN",
            options.metrics_token.unwrap_or_default().to_owned(),
        ),
        (
            "HEROBOT_COMPANY_NAME",
            options.company_name.unwrap_or_default().to_owned(),
        ),
        (
            "HEROBOT_TRUSTED_PROXIES",
            options.trusted_proxies.to_owned(),
        ),
        (
            "HEROBOT_RETENTION_DAYS",
            options.retention_days.unwrap_or_default().to_owned(),
        ),
        (
            "HEROBOT_FORGET_DEPARTED_AFTER_DAYS",
            options
                .forget_departed_after_days
                .unwrap_or_default()
                .to_owned(),
        ),
        (
            "HEROBOT_REPORTCARD_MIN_ANSWERS",
            options
                .report_card_min_answers
                .unwrap_or_default()
                .to_owned(),
        ),
    ];
    let mut config = Config::from_lookup(Needs::Slack, |k| {
        vars.iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| v.clone())
    })
    .expect("test configuration is valid");
    config.outbox = OutboxSettings {
        lane_burst: options.lane_burst,
        lane_interval: options.lane_interval,
        base_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(400),
        max_attempts: 6,
        dm_window: options.dm_window,
        rollup_window: options.rollup_window,
        ..OutboxSettings::default()
    };
    config.server = options.server.clone();
    config.answer_budget = options.answer_budget;
    herobot::telemetry::init(herobot::config::LogFormat::Text);
    let clock = Clock::starting_at(options.starts_at_ms.unwrap_or_else(now_ms));
    let app = Application::build_with_clock(config, clock.clone())
        .await
        .expect("the app builds");
    let address = format!("http://{}", app.local_addr());
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let db = connect(&db_url).await;
    TestApp {
        address,
        db,
        clock,
        slack,
        http: reqwest::Client::new(),
        dir,
        shutdown: Some(shutdown),
        task: Some(task),
    }
}

/// Whether the suite runs on PostgreSQL (`HEROBOT_TEST_DATABASE=postgres`, with the server at
/// `HEROBOT_TEST_POSTGRES_URL`) rather than SQLite.
pub fn on_postgres() -> bool {
    std::env::var("HEROBOT_TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

/// The server the suite's PostgreSQL databases are made on.
pub fn postgres_server() -> String {
    std::env::var("HEROBOT_TEST_POSTGRES_URL").expect(
        "HEROBOT_TEST_DATABASE=postgres needs HEROBOT_TEST_POSTGRES_URL (postgres://user:password@host:port/database)",
    )
}

/// `server` (a PostgreSQL URL) with its database replaced by `name`.
pub fn postgres_database(server: &str, name: &str) -> String {
    let (base, _) = server
        .rsplit_once('/')
        .expect("a PostgreSQL URL ends with its database");
    format!("{base}/{name}")
}

/// A fresh, empty PostgreSQL database on the suite's server: its URL.
pub async fn fresh_postgres_database() -> String {
    use sqlx::Connection;
    static MADE: AtomicU64 = AtomicU64::new(0);
    let server = postgres_server();
    let name = format!(
        "herobot_test_{}_{}",
        std::process::id(),
        MADE.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = sqlx_postgres::PgConnection::connect(&server)
        .await
        .expect("the PostgreSQL server at HEROBOT_TEST_POSTGRES_URL answers");
    sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
        .execute(&mut admin)
        .await
        .expect("a test database can be made");
    postgres_database(&server, &name)
}

/// The database a test's app runs on in `dir`: the SQLite file there, or on PostgreSQL the
/// database named in `dir` (made the first time, so a restarted app finds its data).
async fn database_url(dir: &std::path::Path, on_sqlite: bool) -> String {
    if !on_postgres() || on_sqlite {
        return format!("sqlite://{}/herobot.db", dir.display());
    }
    let marker = dir.join("postgres-url");
    if let Ok(url) = std::fs::read_to_string(&marker) {
        return url;
    }
    let url = fresh_postgres_database().await;
    std::fs::write(&marker, &url).expect("the test directory is writable");
    url
}

/// A transaction on the test's own pool, for calling the store's write functions directly.
pub async fn transaction(db: &Db) -> herobot::store::Conn<'static> {
    match db {
        Db::Sqlite(pool) => pool.begin().await.expect("a transaction begins").into(),
        Db::Postgres(pool) => pool.begin().await.expect("a transaction begins").into(),
    }
}

/// Holds the database's write lock, as another process might, until the returned transaction
/// is dropped: SQLite's `BEGIN IMMEDIATE`, or on PostgreSQL the tables every write touches
/// locked against writes (reads go on).
pub async fn hold_write_lock(db: &Db) -> herobot::store::Conn<'static> {
    match db {
        Db::Sqlite(pool) => pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .expect("the write lock is taken")
            .into(),
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await.expect("a transaction begins");
            sqlx::query(
                "lock table nominations, stories, slack_requests, outbox in exclusive mode",
            )
            .execute(&mut *tx)
            .await
            .expect("the tables are locked");
            tx.into()
        }
    }
}

/// A writable pool on the test's database, for what a test sets up or checks directly.
pub async fn connect(url: &str) -> Db {
    if url.starts_with("postgres") {
        Db::Postgres(
            sqlx_postgres::PgPoolOptions::new()
                .max_connections(3)
                .connect(url)
                .await
                .expect("the test can open the database"),
        )
    } else {
        Db::Sqlite(
            SqlitePool::connect(url)
                .await
                .expect("the test can open the database"),
        )
    }
}

/// Slack's Web API and response_url both answering ok.
pub async fn mount_slack_ok(slack: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/views.open"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "ok": true, "view": {"id": "V0OPENED", "hash": "1.abc"}
        })))
        .mount(slack)
        .await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "ok": true, "channel": "C0HEROES", "ts": "1700000000.000100"
        })))
        .mount(slack)
        .await;
    Mock::given(method("POST"))
        .and(path_regex("^/response/"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(slack)
        .await;
}

static TRIGGER: AtomicU64 = AtomicU64::new(1);

/// A trigger ID that is unique, as Slack makes them.
pub fn trigger_id() -> String {
    format!(
        "{}.4744562.{:x}",
        TRIGGER.fetch_add(1, Ordering::Relaxed),
        std::process::id()
    )
}

/// A `/hero` form body as Slack sends it.
pub fn command_body(slack: &MockServer, user: &str, text: &str, trigger: &str) -> String {
    serde_urlencoded::to_string([
        ("token", "deprecated-verification-token"),
        ("team_id", "T0TEAM"),
        ("team_domain", "acme"),
        ("channel_id", "C0GENERAL"),
        ("channel_name", "general"),
        ("user_id", user),
        ("user_name", "someone"),
        ("command", "/hero"),
        ("text", text),
        ("api_app_id", "A0HEROBOT"),
        ("is_enterprise_install", "false"),
        (
            "response_url",
            &format!("{}/response/T0TEAM/1234/secret-token", slack.uri()),
        ),
        ("trigger_id", trigger),
    ])
    .unwrap()
}

/// Where every test's clock starts: Wednesday 18 November 2026, 10:00 UTC. The suite never
/// depends on the day or hour it runs.
pub const START: i64 = 1_794_996_000;

/// The time by the tests' clock, in unix milliseconds: `START` when the first test asked, and
/// running on from there.
pub fn now_ms() -> i64 {
    static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let started = STARTED.get_or_init(Instant::now);
    START * 1000 + started.elapsed().as_millis() as i64
}

/// The time by the tests' clock, in unix seconds (every app starts on it).
pub fn now() -> i64 {
    now_ms() / 1000
}

impl TestApp {
    /// Types `/hero {text}` as `user`, signed and unique.
    pub async fn hero(&self, user: &str, text: &str) -> reqwest::Response {
        self.hero_with_trigger(user, text, &trigger_id()).await
    }

    pub async fn hero_with_trigger(
        &self,
        user: &str,
        text: &str,
        trigger: &str,
    ) -> reqwest::Response {
        let body = command_body(&self.slack, user, text, trigger);
        self.post_signed(
            "/slack/commands",
            &body,
            "application/x-www-form-urlencoded",
            self.clock.now_secs(),
        )
        .await
    }

    /// A form post signed now, not yet sent.
    pub fn signed(&self, path: &str, body: &str) -> reqwest::RequestBuilder {
        let ts = self.clock.now_secs().to_string();
        self.http
            .post(format!("{}{path}", self.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", &ts)
            .header(
                "x-slack-signature",
                sign(SECRET.as_bytes(), &ts, body.as_bytes()),
            )
            .body(body.to_owned())
    }

    /// Posts `body` signed with the test secret at `timestamp`.
    pub async fn post_signed(
        &self,
        path: &str,
        body: &str,
        content_type: &str,
        timestamp: i64,
    ) -> reqwest::Response {
        let ts = timestamp.to_string();
        self.post_with_headers(
            path,
            body,
            content_type,
            &[
                ("x-slack-request-timestamp", ts.clone()),
                (
                    "x-slack-signature",
                    sign(SECRET.as_bytes(), &ts, body.as_bytes()),
                ),
            ],
        )
        .await
    }

    pub async fn post_with_headers(
        &self,
        path: &str,
        body: &str,
        content_type: &str,
        headers: &[(&str, String)],
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}{path}", self.address))
            .header("content-type", content_type)
            .body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        request.send().await.expect("the request reaches herobot")
    }

    /// Posts an interaction (`payload=<json>`) as Slack does, signed.
    pub async fn interact(&self, payload: &Value) -> reqwest::Response {
        let body = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
        self.post_signed(
            "/slack/interactions",
            &body,
            "application/x-www-form-urlencoded",
            self.clock.now_secs(),
        )
        .await
    }

    /// Posts a raw interaction body (already form-encoded), signed.
    pub async fn interact_raw(&self, body: &str) -> reqwest::Response {
        self.post_signed(
            "/slack/interactions",
            body,
            "application/x-www-form-urlencoded",
            self.clock.now_secs(),
        )
        .await
    }

    pub async fn count(&self, table: &str) -> i64 {
        // Table names are fixed strings in the tests.
        crate::sql::query_scalar(format!("select count(*) from {table}"))
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    /// Waits until Slack has received at least `n` requests (or fails after 10 s).
    pub async fn slack_requests(&self, n: usize) -> Vec<Request> {
        wait_for_requests(&self.slack, n, Duration::from_secs(10)).await
    }

    /// Types `/hero {text}` as `user` once and has Slack deliver that same signed request
    /// `times` times in all, as a replay would; the answers, in order.
    pub async fn hero_replayed(&self, user: &str, text: &str, times: usize) -> Vec<Value> {
        let body = command_body(&self.slack, user, text, &trigger_id());
        let signed_at = self.clock.now_secs();
        let mut answers = Vec::with_capacity(times);
        for _ in 0..times {
            let answer = self
                .post_signed(
                    "/slack/commands",
                    &body,
                    "application/x-www-form-urlencoded",
                    signed_at,
                )
                .await
                .json()
                .await
                .expect("a JSON answer");
            answers.push(answer);
        }
        answers
    }

    /// Waits until no outbox message is pending: everything the app had to send has been sent
    /// (or has failed for good), so what Slack received is all it will receive.
    pub async fn settled(&self) {
        eventually("the outbox to have nothing pending", || async {
            let pending: i64 =
                crate::sql::query_scalar("select count(*) from outbox where status = 'pending'")
                    .fetch_one(&self.db)
                    .await
                    .unwrap();
            (pending == 0).then_some(())
        })
        .await
    }

    /// Stops the app gracefully and returns what a restart needs.
    pub async fn stop(mut self) -> (Arc<tempfile::TempDir>, MockServer) {
        let _ = self.shutdown.take().unwrap().send(());
        let result = self.task.take().unwrap().await.expect("the app task ends");
        result.expect("the app shuts down cleanly");
        self.db.close().await;
        (self.dir.clone(), self.slack)
    }
}

pub async fn wait_for_requests(slack: &MockServer, n: usize, timeout: Duration) -> Vec<Request> {
    eventually_within(&format!("{n} requests to Slack"), timeout, || async {
        let requests = slack.received_requests().await.unwrap_or_default();
        (requests.len() >= n).then_some(requests)
    })
    .await
}

/// Polls `check` every 20 ms until it gives something, and fails after 10 s naming `what` was
/// awaited. Every test waits through this one loop.
pub async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    eventually_within(what, Duration::from_secs(10), check).await
}

pub async fn eventually_within<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(Instant::now() < deadline, "waited {timeout:?} for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The JSON body of a request Slack received.
pub fn json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

/// Requests to one Web API method, or to the response_url, in arrival order.
pub fn to_path<'a>(requests: &'a [Request], path: &str) -> Vec<&'a Request> {
    requests
        .iter()
        .filter(|r| r.url.path().starts_with(path))
        .collect()
}

/// A responder that records when each request arrived and answers from a script of responses
/// (the last one repeats).
#[derive(Clone)]
pub struct Scripted {
    pub arrivals: Arc<Mutex<Vec<Instant>>>,
    script: Arc<Vec<ResponseTemplate>>,
}

impl Scripted {
    pub fn new(script: Vec<ResponseTemplate>) -> Self {
        Self {
            arrivals: Arc::default(),
            script: Arc::new(script),
        }
    }

    pub fn arrivals(&self) -> Vec<Instant> {
        self.arrivals.lock().unwrap().clone()
    }
}

impl Respond for Scripted {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().unwrap();
        arrivals.push(Instant::now());
        let i = (arrivals.len() - 1).min(self.script.len() - 1);
        self.script[i].clone()
    }
}

pub fn slack_ok() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(serde_json::json!({"ok": true, "channel": "C0HEROES", "ts": "1.2"}))
}

/// A story straight into the store (the search triggers index it like any other), crediting
/// `heroes` with their consent; it happened two hours and was fixed one hour before `created_at`.
pub async fn insert_story(
    app: &TestApp,
    title: &str,
    surprise: &str,
    heroes: &[(&str, &str)],
    created_at: i64,
) -> i64 {
    let id: i64 = crate::sql::query_scalar(
        "insert into stories (team_id, author_id, title, what_went_wrong, happened_at, fixed_at, how_fixed, surprise,
                              customer_kind, reaction, created_at)
         values ('T0TEAM', 'U0AUTHOR', $1, 'Invoices went out twice', $3 - 7200, $3 - 3600, 'Refunded everyone',
                 $2, 'external', 'blown_away', $3) returning id",
    )
    .bind(title)
    .bind(surprise)
    .bind(created_at)
    .fetch_one(&app.db)
    .await
    .unwrap();
    for (position, (hero, consent)) in heroes.iter().enumerate() {
        crate::sql::query("insert into story_heroes (story_id, hero_id, position, consent) values ($1, $2, $3, $4)")
            .bind(id)
            .bind(*hero)
            .bind(position as i64)
            .bind(*consent)
            .execute(&app.db)
            .await
            .unwrap();
    }
    id
}
