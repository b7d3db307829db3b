//! An in-process fake of Slack's Web API and response URLs for the demo: it answers as Slack
//! does (message `ts`, view IDs, DM channel IDs, people) and records every call for the page.
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::cast::{self, Person};
use super::record::{Recorder, Shown};
use crate::clock::Clock;
use crate::config::Secret;

/// Where the fake answers, under the demo's own address.
pub const API_PATH: &str = "/demo/slack/api";
pub const RESPONSE_PATH: &str = "/demo/slack/response";

#[derive(Clone)]
pub struct FakeSlack {
    pub recorder: Recorder,
    pub token: Secret,
    pub time: Clock,
}

pub fn router(fake: FakeSlack) -> Router {
    Router::new()
        .route(&format!("{API_PATH}/{{method}}"), post(api))
        .route(&format!("{RESPONSE_PATH}/{{token}}"), post(respond))
        .with_state(fake)
}

fn json_answer(answer: &Value) -> Response {
    (
        [(CONTENT_TYPE, "application/json; charset=utf-8")],
        answer.to_string(),
    )
        .into_response()
}

/// A JSON body, or a form body read into a JSON object, as Slack accepts both.
fn read_body(headers: &HeaderMap, body: &[u8]) -> Value {
    let is_form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        )
    } else {
        serde_json::from_slice(body).unwrap_or(Value::Null)
    }
}

async fn api(
    State(fake): State<FakeSlack>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = read_body(&headers, &body);
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let (answer, shown) = if bearer != Some(fake.token.expose()) {
        (json!({"ok": false, "error": "invalid_auth"}), None)
    } else {
        fake.answer(&method, &request)
    };
    fake.recorder.record(
        fake.time.now_secs(),
        &method,
        request,
        answer.clone(),
        shown,
    );
    json_answer(&answer)
}

fn error(code: &str) -> (Value, Option<Shown>) {
    (json!({"ok": false, "error": code}), None)
}

/// The message fields Slack keeps: text, blocks, attachments.
fn message_of(request: &Value) -> Value {
    let mut message = json!({});
    for field in ["text", "blocks", "attachments", "thread_ts"] {
        if let Some(v) = request.get(field) {
            message[field] = v.clone();
        }
    }
    message
}

fn user_json(p: &Person) -> Value {
    json!({
        "id": p.id, "team_id": cast::TEAM_ID, "name": p.handle, "real_name": p.name,
        "is_bot": p.id == cast::BOT.id,
        "profile": {"real_name": p.name, "display_name": p.name, "title": p.title},
    })
}

impl FakeSlack {
    /// Slack's answer to a Web API call, and what it shows.
    fn answer(&self, method: &str, request: &Value) -> (Value, Option<Shown>) {
        let str_of = |field: &str| {
            request
                .get(field)
                .and_then(Value::as_str)
                .unwrap_or_default()
        };
        match method {
            "auth.test" => (
                json!({"ok": true, "team_id": cast::TEAM_ID, "user_id": cast::BOT.id, "bot_id": "B0DHEROBOT"}),
                None,
            ),
            "chat.postMessage" => {
                let Some(channel) = self.channel(str_of("channel")) else {
                    return error("channel_not_found");
                };
                if request.get("text").is_none() && request.get("blocks").is_none() {
                    return error("no_text");
                }
                let ts = self.recorder.next_ts(self.time.now_secs());
                let message = message_of(request);
                let mut answer =
                    json!({"ok": true, "channel": channel, "ts": ts, "message": message});
                answer["message"]["ts"] = json!(ts);
                let shown = Shown::Message {
                    channel,
                    ts,
                    user: None,
                    message,
                };
                (answer, Some(shown))
            }
            "chat.update" => {
                let (channel, ts) = (str_of("channel"), str_of("ts"));
                if self.recorder.message(channel, ts).is_none() {
                    return error("message_not_found");
                }
                let shown = Shown::Update {
                    channel: channel.to_owned(),
                    ts: ts.to_owned(),
                    message: message_of(request),
                };
                (
                    json!({"ok": true, "channel": channel, "ts": ts}),
                    Some(shown),
                )
            }
            "chat.postEphemeral" => {
                let (Some(channel), Some(user)) =
                    (self.channel(str_of("channel")), cast::by_id(str_of("user")))
                else {
                    return error("user_not_in_channel");
                };
                let shown = Shown::Ephemeral {
                    channel,
                    user: user.id.to_owned(),
                    message: message_of(request),
                };
                let ts = self.recorder.next_ts(self.time.now_secs());
                (json!({"ok": true, "message_ts": ts}), Some(shown))
            }
            "views.open" => {
                let Some(user) = self.recorder.trigger_user(str_of("trigger_id")) else {
                    return error("invalid_trigger_id");
                };
                self.view(user, self.recorder.next_view_id(), request)
            }
            "views.update" | "views.push" => {
                let view_id = str_of("view_id");
                let Some((user, _)) = self.recorder.view(view_id) else {
                    return error("not_found");
                };
                self.view(user, view_id.to_owned(), request)
            }
            "views.publish" => {
                let Some(user) = cast::by_id(str_of("user_id")) else {
                    return error("user_not_found");
                };
                let view = request.get("view").cloned().unwrap_or_default();
                let id = self.recorder.next_view_id();
                let mut answered = view.clone();
                answered["id"] = json!(id.clone());
                let shown = Shown::Home {
                    user: user.id.to_owned(),
                    view_id: id,
                    view,
                };
                (json!({"ok": true, "view": answered}), Some(shown))
            }
            "users.info" => match cast::by_id(str_of("user")) {
                Some(p) => (json!({"ok": true, "user": user_json(p)}), None),
                None => error("user_not_found"),
            },
            "users.list" => {
                let members: Vec<Value> = cast::everyone()
                    .chain(std::iter::once(&cast::BOT))
                    .map(user_json)
                    .collect();
                (
                    json!({"ok": true, "members": members, "response_metadata": {"next_cursor": ""}}),
                    None,
                )
            }
            "conversations.open" => {
                let users = str_of("users");
                match cast::by_id(users) {
                    Some(p) if !users.contains(',') => (
                        json!({"ok": true, "channel": {"id": cast::dm_channel(p.id)}}),
                        None,
                    ),
                    _ => error("user_not_found"),
                }
            }
            _ => error("unknown_method"),
        }
    }

    /// A channel the bot can post in: a workspace channel, a DM channel, or a person (their DM).
    fn channel(&self, id: &str) -> Option<String> {
        if cast::CHANNELS.iter().any(|c| c.id == id) || cast::dm_user(id).is_some() {
            return Some(id.to_owned());
        }
        cast::everyone()
            .find(|p| p.id == id)
            .map(|p| cast::dm_channel(p.id))
    }

    fn view(&self, user: String, view_id: String, request: &Value) -> (Value, Option<Shown>) {
        let Some(view) = request.get("view").filter(|v| v.is_object()).cloned() else {
            return error("invalid_arguments");
        };
        let mut answered = view.clone();
        answered["id"] = json!(view_id);
        answered["hash"] = json!(format!("{}.demo", self.time.now_secs()));
        answered["team_id"] = json!(cast::TEAM_ID);
        let shown = Shown::View {
            user,
            view_id,
            view,
        };
        (json!({"ok": true, "view": answered}), Some(shown))
    }
}

/// A post to a response URL: in the channel, only to the person, or replacing the message the
/// button was on.
async fn respond(
    State(fake): State<FakeSlack>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = read_body(&headers, &body);
    let Some(target) = fake.recorder.response_target(&token) else {
        let answer = json!({"ok": false, "error": "expired_url"});
        return (axum::http::StatusCode::NOT_FOUND, json_answer(&answer)).into_response();
    };
    let flag = |field: &str| request.get(field).and_then(Value::as_bool) == Some(true);
    let message = message_of(&request);
    let shown = match (&target.message_ts, flag("replace_original")) {
        (Some(ts), true) => Some(Shown::Update {
            channel: target.channel.clone(),
            ts: ts.clone(),
            message,
        }),
        _ if request.get("response_type").and_then(Value::as_str) == Some("in_channel") => {
            Some(Shown::Message {
                channel: target.channel.clone(),
                ts: fake.recorder.next_ts(fake.time.now_secs()),
                user: None,
                message,
            })
        }
        _ if flag("delete_original") => None,
        _ => Some(Shown::Ephemeral {
            channel: target.channel.clone(),
            user: target.user.clone(),
            message,
        }),
    };
    let answer = json!({"ok": true});
    fake.recorder.record(
        fake.time.now_secs(),
        "response_url",
        request,
        answer.clone(),
        shown,
    );
    json_answer(&answer)
}
