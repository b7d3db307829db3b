//! A thin Slack Web API client (base URL configurable) that sorts failures by whether a retry
//! can help.
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use serde_json::Value;

use crate::config::Secret;

/// Why a call did not succeed, sorted by what to do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// HTTP 429 (or `ratelimited`): wait `Retry-After`, if Slack said how long.
    #[error("rate limited")]
    RateLimited(Option<Duration>),
    /// Worth retrying later: network trouble, 5xx, Slack's own internal errors.
    #[error("{0}")]
    Transient(String),
    /// Will not heal by retrying: `channel_not_found`, `invalid_auth`, `invalid_blocks`, …
    #[error("{0}")]
    Permanent(String),
}

/// Slack error codes that a later retry may get past; every other code is permanent.
const TRANSIENT_ERRORS: [&str; 5] = [
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "team_added_to_org",
];

#[derive(Clone)]
pub struct SlackClient {
    http: reqwest::Client,
    api_url: String,
    token: Secret,
}

impl SlackClient {
    pub fn new(api_url: &str, token: Secret) -> Self {
        // reqwest is built without a bundled crypto provider; ring is the one we ship.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("herobot/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client builds");
        Self {
            http,
            api_url: api_url.trim_end_matches('/').to_owned(),
            token,
        }
    }

    /// Calls a Web API method with a JSON body; returns Slack's answer when `ok` is true.
    pub async fn call(&self, method: &str, body: &str) -> Result<Value, Failure> {
        let request = self
            .http
            .post(format!("{}/{method}", self.api_url))
            .header(AUTHORIZATION, format!("Bearer {}", self.token.expose()))
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .body(body.to_owned());
        send(request).await
    }

    /// Calls a read method with form parameters (Slack takes JSON bodies only for writes).
    pub async fn call_form(&self, method: &str, params: &[(&str, &str)]) -> Result<Value, Failure> {
        let request = self
            .http
            .post(format!("{}/{method}", self.api_url))
            .header(AUTHORIZATION, format!("Bearer {}", self.token.expose()))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(params).unwrap_or_default());
        send(request).await
    }

    /// Posts a message (`chat.postMessage`): to a channel, or to a person's DM with the bot.
    pub async fn post_message(&self, body: &str) -> Result<Value, Failure> {
        self.call("chat.postMessage", body).await
    }

    /// Updates a message the bot posted (`chat.update`).
    pub async fn update_message(&self, body: &str) -> Result<Value, Failure> {
        self.call("chat.update", body).await
    }

    /// Publishes a person's App Home (`views.publish`).
    pub async fn publish_view(&self, body: &str) -> Result<Value, Failure> {
        self.call("views.publish", body).await
    }

    /// Opens a modal with `views.open`. Slack's trigger expires 3 s after the click, so this is
    /// the one call made while the person waits, and it gives up before the 3 s are out.
    pub async fn open_view(&self, trigger_id: &str, view: &Value) -> Result<(), Failure> {
        let body = serde_json::json!({"trigger_id": trigger_id, "view": view}).to_string();
        match tokio::time::timeout(Duration::from_millis(2500), self.call("views.open", &body))
            .await
        {
            Ok(result) => result.map(|_| ()),
            Err(_) => Err(Failure::Transient("views.open timed out".into())),
        }
    }

    /// Posts to a `response_url` (it needs no token).
    pub async fn respond(&self, url: &str, body: &str) -> Result<Value, Failure> {
        send(
            self.http
                .post(url)
                .header(CONTENT_TYPE, "application/json; charset=utf-8")
                .body(body.to_owned()),
        )
        .await
    }
}

async fn send(request: reqwest::RequestBuilder) -> Result<Value, Failure> {
    // Errors are described without the URL: a response_url is a credential.
    let response = request
        .send()
        .await
        .map_err(|e| Failure::Transient(describe(e)))?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let text = response
        .text()
        .await
        .map_err(|e| Failure::Transient(describe(e)))?;
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Err(Failure::RateLimited(retry_after));
    }
    // response_url answers a plain `ok`; the Web API answers JSON.
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()));
    if status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT {
        return Err(Failure::Transient(format!("HTTP {}", status.as_u16())));
    }
    if !status.is_success() {
        let code = body
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or(text.trim());
        return Err(Failure::Permanent(format!(
            "HTTP {}: {}",
            status.as_u16(),
            truncate(code)
        )));
    }
    match body.get("ok").and_then(Value::as_bool) {
        Some(false) => {
            let code = body
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("unknown_error");
            Err(match code {
                "ratelimited" | "rate_limited" => Failure::RateLimited(retry_after),
                c if TRANSIENT_ERRORS.contains(&c) => Failure::Transient(c.to_owned()),
                c => Failure::Permanent(c.to_owned()),
            })
        }
        _ => Ok(body),
    }
}

fn describe(err: reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    format!("{kind}: {}", err.without_url())
}

fn truncate(s: &str) -> String {
    s.chars().take(200).collect()
}
