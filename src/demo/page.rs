//! `GET /demo`: a page that looks and feels like Slack, and the small JSON API its script
//! calls. Each thing a person does there becomes a signed Slack request to herobot's own routes
//! (see `wire`); what Slack would show comes from the fake's record.
use axum::extract::{Query, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::cast;
use super::wire::Wire;

const PAGE: &str = include_str!("../../assets/demo/index.html");
const SCRIPT: &str = include_str!("../../assets/demo/app.js");
const GUIDE: &str = include_str!("../../assets/demo/guide.js");
const STYLE: &str = include_str!("../../assets/demo/app.css");

/// The page's own script and style only; it talks to this server alone.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

pub fn router(wire: Wire) -> Router {
    Router::new()
        .route("/demo", get(|| asset(PAGE, "text/html; charset=utf-8")))
        .route(
            "/demo/app.js",
            get(|| asset(SCRIPT, "text/javascript; charset=utf-8")),
        )
        .route(
            "/demo/guide.js",
            get(|| asset(GUIDE, "text/javascript; charset=utf-8")),
        )
        .route(
            "/demo/app.css",
            get(|| asset(STYLE, "text/css; charset=utf-8")),
        )
        .route("/demo/api/workspace", get(workspace))
        .route("/demo/api/calls", get(calls))
        .route("/demo/api/send", post(send))
        .route("/demo/api/submit", post(submit))
        .route("/demo/api/press", post(press))
        .route("/demo/api/shortcut", post(shortcut))
        .route("/demo/api/home", post(home))
        .route("/demo/api/library", post(library))
        .route("/demo/api/reset", post(reset))
        .layer(from_fn(loopback_only))
        .with_state(wire)
}

/// Answers only requests addressed to a loopback name, so no other site can reach the demo's
/// API through DNS rebinding; a cross-site JSON post is already stopped by CORS.
async fn loopback_only(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !loopback_host(host) {
        return (StatusCode::FORBIDDEN, "the demo answers on loopback only").into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (CONTENT_SECURITY_POLICY, CSP),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (X_FRAME_OPTIONS, "DENY"),
        (REFERRER_POLICY, "no-referrer"),
        (CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Whether a Host header names this machine: exactly `localhost` or a loopback IP literal
/// (`127.0.0.1`, `[::1]`), with or without a port. A name that merely starts like one
/// (`127.0.0.1.nip.io`) resolves wherever its owner likes, so it is refused.
fn loopback_host(host: &str) -> bool {
    use std::net::{Ipv4Addr, Ipv6Addr};
    let (loopback, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return false;
        };
        let ip = inside.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
        match after {
            "" => (ip, None),
            _ => (ip, Some(after.strip_prefix(':').unwrap_or("x"))),
        }
    } else {
        let (name, port) = host
            .split_once(':')
            .map_or((host, None), |(n, p)| (n, Some(p)));
        let ip = name == "localhost" || name.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback());
        (ip, port)
    };
    loopback
        && port.is_none_or(|p| {
            p.parse::<u16>()
                .is_ok_and(|_| p.bytes().all(|b| b.is_ascii_digit()))
        })
}

async fn asset(body: &'static str, content_type: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type)], body).into_response()
}

/// Who and what the page shows: the people, the leader, the bot and the channels; the demo's
/// clock, and whether its sample data is in yet.
async fn workspace(State(wire): State<Wire>) -> Json<Value> {
    Json(json!({
        "team": {"id": cast::TEAM_ID, "domain": cast::TEAM_DOMAIN, "name": cast::COMPANY},
        "people": cast::PEOPLE,
        "leader": cast::LEADER,
        "bot": cast::BOT,
        "channels": cast::CHANNELS,
        "heroes_channel": cast::HEROES.id,
        "stories_channel": cast::STORIES.id,
        "digest_channel": cast::DIGEST.id,
        "now": wire.time.now_secs(),
        "ready": wire.ready.load(std::sync::atomic::Ordering::Acquire),
        "started": wire.started,
    }))
}

#[derive(Deserialize)]
struct After {
    #[serde(default)]
    after: u64,
}

/// Every recorded call after `after`, for the page to show.
async fn calls(State(wire): State<Wire>, Query(q): Query<After>) -> Json<Value> {
    Json(json!({ "calls": wire.recorder.since(q.after) }))
}

/// A page request naming a person who is not in the sample workspace.
fn stranger() -> Response {
    (StatusCode::BAD_REQUEST, "no such person in the demo").into_response()
}

fn answer(result: anyhow::Result<super::wire::Reply>) -> Response {
    match result {
        Ok(reply) => Json(reply).into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "a demo request failed");
            (StatusCode::BAD_GATEWAY, format!("{err:#}")).into_response()
        }
    }
}

#[derive(Deserialize)]
struct Send {
    user: String,
    channel: String,
    text: String,
}

/// The message box: `/hero …` goes to herobot as a slash command; anything else is posted as
/// the person's own message.
async fn send(State(wire): State<Wire>, Json(s): Json<Send>) -> Response {
    if cast::by_id(&s.user).is_none() {
        return stranger();
    }
    let text = s.text.trim();
    if let Some(rest) = text.strip_prefix("/hero")
        && (rest.is_empty() || rest.starts_with(char::is_whitespace))
    {
        return answer(wire.command(&s.user, &s.channel, rest.trim()).await);
    }
    if text.starts_with('/') {
        let command = text.split_whitespace().next().unwrap_or(text);
        let reply = json!({"status": 200, "body": {"response_type": "ephemeral",
            "text": format!("`{command}` is not a valid command. In this demo, try `/hero help`.")},
            "view": null});
        return Json(reply).into_response();
    }
    if text.is_empty() {
        return (StatusCode::BAD_REQUEST, "nothing to send").into_response();
    }
    let ts = wire.say(&s.user, &s.channel, text);
    Json(json!({"status": 200, "body": null, "view": null, "ts": ts})).into_response()
}

#[derive(Deserialize)]
struct Submit {
    user: String,
    view_id: String,
    values: Value,
}

async fn submit(State(wire): State<Wire>, Json(s): Json<Submit>) -> Response {
    if cast::by_id(&s.user).is_none() {
        return stranger();
    }
    answer(wire.submit(&s.user, &s.view_id, s.values).await)
}

/// A button on a message (`channel`, `ts`), on a message only the person sees (`channel`,
/// `ephemeral`) or on the person's App Home (`view_id`), with what was typed into the
/// message's inputs (`values`, as Slack's `state.values`).
#[derive(Deserialize)]
struct Press {
    user: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    ts: String,
    #[serde(default)]
    ephemeral: bool,
    #[serde(default)]
    view_id: Option<String>,
    action: Value,
    #[serde(default)]
    values: Option<Value>,
}

async fn press(State(wire): State<Wire>, Json(p): Json<Press>) -> Response {
    if cast::by_id(&p.user).is_none() {
        return stranger();
    }
    let values = p
        .values
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    match &p.view_id {
        Some(view_id) => answer(wire.press_on_home(&p.user, view_id, &p.action).await),
        None if p.ephemeral => answer(wire.press_ephemeral(&p.user, &p.channel, &p.action).await),
        None => answer(
            wire.press(&p.user, &p.channel, &p.ts, &p.action, &values)
                .await,
        ),
    }
}

#[derive(Deserialize)]
struct Home {
    user: String,
}

/// The person opens herobot's Home tab.
async fn home(State(wire): State<Wire>, Json(h): Json<Home>) -> Response {
    if cast::by_id(&h.user).is_none() {
        return stranger();
    }
    answer(wire.open_home(&h.user).await)
}

#[derive(Deserialize)]
struct Shortcut {
    user: String,
    channel: String,
    ts: String,
    callback_id: String,
}

async fn shortcut(State(wire): State<Wire>, Json(s): Json<Shortcut>) -> Response {
    if cast::by_id(&s.user).is_none() {
        return stranger();
    }
    answer(
        wire.shortcut(&s.user, &s.channel, &s.ts, &s.callback_id)
            .await,
    )
}

#[derive(Deserialize)]
struct Library {
    user: String,
    channel: String,
}

/// The story library, one click away as whoever the person is: they type `/hero library` and
/// the page follows the sign-in link herobot answers a leader with; anyone else sees herobot's
/// answer in the channel, as in Slack.
async fn library(State(wire): State<Wire>, Json(l): Json<Library>) -> Response {
    if cast::by_id(&l.user).is_none() {
        return stranger();
    }
    let reply = match wire.command(&l.user, &l.channel, "library").await {
        Ok(reply) => reply,
        Err(err) => return answer(Err(err)),
    };
    let url = reply.body["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| b["elements"].as_array().into_iter().flatten())
        .find_map(|e| e["url"].as_str().map(str::to_owned));
    Json(json!({ "url": url })).into_response()
}

/// The reset button: the demo starts over from its sample data (`herobot demo --reset`), on
/// the same address, once this answer is sent. It takes a JSON body, as the page sends, so a
/// form on another site cannot post it (a cross-site `application/json` post needs CORS, which
/// the demo never grants).
async fn reset(State(wire): State<Wire>, Json(_): Json<Value>) -> Response {
    wire.resets.notify_one();
    (StatusCode::ACCEPTED, Json(json!({ "resetting": true }))).into_response()
}

#[cfg(test)]
mod tests {
    use super::loopback_host;

    #[test]
    fn only_loopback_literals_and_localhost_are_loopback_hosts() {
        for host in [
            "127.0.0.1:3000",
            "127.0.0.1",
            "127.5.6.7:80",
            "localhost:3000",
            "localhost",
            "[::1]:3000",
            "[::1]",
        ] {
            assert!(loopback_host(host), "{host}");
        }
        for host in [
            "127.0.0.1.nip.io",
            "127.0.0.1.nip.io:3000",
            "127.attacker.example:3000",
            "localhost.attacker.example:3000",
            "attacker.example:3000",
            "[::1].nip.io:3000",
            "[::2]:3000",
            "::1",
            "10.0.0.1:3000",
            "127.0.0.1:3000:1",
            "127.0.0.1:http",
            "",
        ] {
            assert!(!loopback_host(host), "{host}");
        }
    }
}
