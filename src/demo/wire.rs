//! What the page (and the seeding) does, turned into the requests Slack would send: a
//! form-encoded slash command or a `payload=` interaction, signed with the demo's secret and
//! posted over HTTP to herobot's own `/slack/...` routes.
use anyhow::Context;
use serde_json::{Value, json};

use super::cast;
use super::fake_slack::RESPONSE_PATH;
use super::record::{Recorder, ResponseTarget, Shown};
use crate::clock::Clock;
use crate::config::Secret;
use crate::slack::signature::sign;

/// The demo's way into herobot, as Slack.
#[derive(Clone)]
pub struct Wire {
    pub http: reqwest::Client,
    /// herobot's own address, `http://127.0.0.1:3000`.
    pub base: String,
    pub secret: Secret,
    pub recorder: Recorder,
    pub time: Clock,
    /// Rung by the page's reset button; whoever runs the demo starts it over.
    pub resets: std::sync::Arc<tokio::sync::Notify>,
    /// Set once the sample data is in, so a page waiting after a reset opens on all of it.
    pub ready: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Which start of the demo this is (random), so the page sees that it started over.
    pub started: String,
}

/// What herobot answered, and any modal it opened meanwhile.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reply {
    pub status: u16,
    /// The JSON answer; `null` for an empty acknowledgement.
    pub body: Value,
    /// A modal opened for the person while herobot answered: `{id, view}`.
    pub view: Option<Value>,
}

impl Reply {
    /// The `errors` of a `response_action: errors` answer.
    pub fn errors(&self) -> Option<&Value> {
        (self.body["response_action"] == "errors").then(|| &self.body["errors"])
    }
}

fn team() -> Value {
    json!({"id": cast::TEAM_ID, "domain": cast::TEAM_DOMAIN})
}

fn user_of(id: &str) -> Value {
    let handle = cast::by_id(id).map(|p| p.handle).unwrap_or("someone");
    json!({"id": id, "username": handle, "name": handle, "team_id": cast::TEAM_ID})
}

fn channel_of(id: &str) -> Value {
    let name = cast::CHANNELS
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.name)
        .unwrap_or("directmessage");
    json!({"id": id, "name": name})
}

impl Wire {
    /// A response URL that posts into `channel` for `user` (and replaces `message_ts`, if given).
    pub(crate) fn response_url(
        &self,
        channel: &str,
        user: &str,
        message_ts: Option<&str>,
    ) -> String {
        let token = self.recorder.response_token(ResponseTarget {
            channel: channel.to_owned(),
            user: user.to_owned(),
            message_ts: message_ts.map(str::to_owned),
        });
        format!("{}{RESPONSE_PATH}/{token}", self.base)
    }

    /// Posts `body` to `path`, signed now (on the demo's clock) with `secret`.
    pub async fn post_signed(
        &self,
        path: &str,
        body: &str,
        secret: &str,
    ) -> anyhow::Result<(u16, String)> {
        let content_type = if body.starts_with('{') {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        let timestamp = self.time.now_secs().to_string();
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", &timestamp)
            .header(
                "x-slack-signature",
                sign(secret.as_bytes(), &timestamp, body.as_bytes()),
            )
            .body(body.to_owned())
            .send()
            .await
            .with_context(|| format!("posting to herobot's {path}"))?;
        let status = response.status().as_u16();
        Ok((status, response.text().await.unwrap_or_default()))
    }

    /// Sends a Slack-shaped body and reads the answer, with any view it opened for `user`.
    async fn send(&self, path: &str, body: &str, user: &str) -> anyhow::Result<Reply> {
        let before = self.recorder.len() as u64;
        let (status, text) = self.post_signed(path, body, self.secret.expose()).await?;
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        let view = self
            .recorder
            .since(before)
            .into_iter()
            .rev()
            .find_map(|call| match call.shown {
                Some(Shown::View {
                    user: u,
                    view_id,
                    view,
                }) if u == user => Some(json!({"id": view_id, "view": view})),
                _ => None,
            });
        Ok(Reply { status, body, view })
    }

    /// `user` types `/hero {text}` in `channel`. herobot's answer shows only to them, unless it
    /// says `in_channel`.
    pub async fn command(&self, user: &str, channel: &str, text: &str) -> anyhow::Result<Reply> {
        let trigger = self.recorder.trigger(user, self.time.now_ms());
        let response_url = self.response_url(channel, user, None);
        let handle = cast::by_id(user).map(|p| p.handle).unwrap_or("someone");
        let channel_name = channel_of(channel)["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let form = serde_urlencoded::to_string([
            ("token", "demo-verification-token"),
            ("team_id", cast::TEAM_ID),
            ("team_domain", cast::TEAM_DOMAIN),
            ("channel_id", channel),
            ("channel_name", &channel_name),
            ("user_id", user),
            ("user_name", handle),
            ("command", "/hero"),
            ("text", text),
            ("api_app_id", "A0DHEROBOT"),
            ("is_enterprise_install", "false"),
            ("response_url", &response_url),
            ("trigger_id", &trigger),
        ])?;
        let reply = self.send("/slack/commands", &form, user).await?;
        if reply.errors().is_none() {
            self.show_answer(channel, user, "/hero", &reply.body);
        }
        Ok(reply)
    }

    /// Shows a command's HTTP answer as Slack does: only to the person, or in the channel.
    pub(crate) fn show_answer(&self, channel: &str, user: &str, method: &str, body: &Value) {
        if !body.is_object() {
            return;
        }
        let message = body.clone();
        let shown = if message["response_type"] == "in_channel" {
            Shown::Message {
                channel: channel.to_owned(),
                ts: self.recorder.next_ts(self.time.now_secs()),
                user: None,
                message,
            }
        } else {
            Shown::Ephemeral {
                channel: channel.to_owned(),
                user: user.to_owned(),
                message,
            }
        };
        self.recorder.record(
            self.time.now_secs(),
            method,
            json!({"user": user, "channel": channel}),
            body.clone(),
            Some(shown),
        );
    }

    /// Sends an interaction payload as Slack does: a form with one `payload` field.
    async fn interaction(&self, payload: &Value, user: &str) -> anyhow::Result<Reply> {
        let form = serde_urlencoded::to_string([("payload", payload.to_string())])?;
        self.send("/slack/interactions", &form, user).await
    }

    /// `user` submits the open view `view_id` with `values` (`state.values`, as Slack sends them).
    pub async fn submit(&self, user: &str, view_id: &str, values: Value) -> anyhow::Result<Reply> {
        let (owner, mut view) = self
            .recorder
            .view(view_id)
            .with_context(|| format!("no view {view_id} is open"))?;
        anyhow::ensure!(owner == user, "view {view_id} is not open for {user}");
        view["id"] = json!(view_id);
        view["team_id"] = json!(cast::TEAM_ID);
        view["state"] = json!({ "values": values });
        view["hash"] = json!(format!("{}.demo", self.time.now_secs()));
        let payload = json!({
            "type": "view_submission",
            "team": team(),
            "user": user_of(user),
            "api_app_id": "A0DHEROBOT",
            "token": "demo-verification-token",
            "trigger_id": self.recorder.trigger(user, self.time.now_ms()),
            "view": view,
            "response_urls": [],
            "is_enterprise_install": false,
        });
        self.interaction(&payload, user).await
    }

    /// `user` presses a button (`action`: its `action_id`, `block_id`, `value`) on the message
    /// `channel`/`ts`, with what they typed into the message's inputs (`values`, as
    /// `state.values`).
    pub async fn press(
        &self,
        user: &str,
        channel: &str,
        ts: &str,
        action: &Value,
        values: &Value,
    ) -> anyhow::Result<Reply> {
        let (_, mut message) = self
            .recorder
            .message(channel, ts)
            .with_context(|| format!("no message {ts} in {channel}"))?;
        message["ts"] = json!(ts);
        message["type"] = json!("message");
        let mut action = action.clone();
        action["type"] = json!("button");
        action["action_ts"] = json!(format!("{}.000001", self.time.now_secs()));
        let payload = json!({
            "type": "block_actions",
            "team": team(),
            "user": user_of(user),
            "api_app_id": "A0DHEROBOT",
            "token": "demo-verification-token",
            "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": false},
            "trigger_id": self.recorder.trigger(user, self.time.now_ms()),
            "channel": channel_of(channel),
            "message": message,
            "response_url": self.response_url(channel, user, Some(ts)),
            "actions": [action],
            "state": {"values": values},
        });
        self.interaction(&payload, user).await
    }

    /// `user` presses a button on a message only they can see (such as the teller's
    /// confirmation) in `channel`: Slack sends no message then, only where it was and a
    /// response URL that answers privately.
    pub async fn press_ephemeral(
        &self,
        user: &str,
        channel: &str,
        action: &Value,
    ) -> anyhow::Result<Reply> {
        let mut action = action.clone();
        action["type"] = json!("button");
        let now = self.time.now_secs();
        action["action_ts"] = json!(format!("{now}.000001"));
        let payload = json!({
            "type": "block_actions",
            "team": team(),
            "user": user_of(user),
            "api_app_id": "A0DHEROBOT",
            "token": "demo-verification-token",
            "container": {"type": "message", "message_ts": format!("{now}.000000"), "channel_id": channel, "is_ephemeral": true},
            "trigger_id": self.recorder.trigger(user, self.time.now_ms()),
            "channel": channel_of(channel),
            "response_url": self.response_url(channel, user, None),
            "actions": [action],
        });
        self.interaction(&payload, user).await
    }

    /// `user` opens herobot's Home tab: Slack sends `app_home_opened` to the Events API.
    pub async fn open_home(&self, user: &str) -> anyhow::Result<Reply> {
        let now = self.time.now_secs();
        let event = json!({
            "token": "demo-verification-token",
            "team_id": cast::TEAM_ID,
            "api_app_id": "A0DHEROBOT",
            "type": "event_callback",
            "event_id": format!("Ev0DEMO{}", self.recorder.trigger(user, self.time.now_ms()).replace('.', "")),
            "event_time": now,
            "event": {
                "type": "app_home_opened",
                "user": user,
                "channel": cast::dm_channel(user),
                "tab": "home",
                "event_ts": format!("{now}.000100"),
            },
        });
        self.send("/slack/events", &event.to_string(), user).await
    }

    /// `user` presses a button (`action`) on their App Home, the view `view_id`.
    pub async fn press_on_home(
        &self,
        user: &str,
        view_id: &str,
        action: &Value,
    ) -> anyhow::Result<Reply> {
        let mut action = action.clone();
        action["type"] = json!("button");
        action["action_ts"] = json!(format!("{}.000001", self.time.now_secs()));
        let payload = json!({
            "type": "block_actions",
            "team": team(),
            "user": user_of(user),
            "api_app_id": "A0DHEROBOT",
            "token": "demo-verification-token",
            "container": {"type": "view", "view_id": view_id},
            "trigger_id": self.recorder.trigger(user, self.time.now_ms()),
            "view": {"id": view_id, "type": "home", "team_id": cast::TEAM_ID},
            "actions": [action],
        });
        self.interaction(&payload, user).await
    }

    /// `user` uses the message shortcut `callback_id` on the message `channel`/`ts`.
    pub async fn shortcut(
        &self,
        user: &str,
        channel: &str,
        ts: &str,
        callback_id: &str,
    ) -> anyhow::Result<Reply> {
        let (author, message) = self
            .recorder
            .message(channel, ts)
            .with_context(|| format!("no message {ts} in {channel}"))?;
        let mut shared = json!({"type": "message", "ts": ts, "text": message["text"]});
        match author {
            Some(author) => shared["user"] = json!(author),
            None => shared["bot_id"] = json!("B0DHEROBOT"),
        }
        let payload = json!({
            "type": "message_action",
            "callback_id": callback_id,
            "team": team(),
            "user": user_of(user),
            "channel": channel_of(channel),
            "token": "demo-verification-token",
            "action_ts": format!("{}.000001", self.time.now_secs()),
            "message_ts": ts,
            "trigger_id": self.recorder.trigger(user, self.time.now_ms()),
            "response_url": self.response_url(channel, user, None),
            "message": shared,
        });
        self.interaction(&payload, user).await
    }

    /// `user` writes a plain message in `channel` (Slack itself would post it; herobot is not
    /// involved): something to use the message shortcuts on.
    pub fn say(&self, user: &str, channel: &str, text: &str) -> String {
        let ts = self.recorder.next_ts(self.time.now_secs());
        let message = json!({"type": "message", "text": text});
        self.recorder.record(
            self.time.now_secs(),
            "demo.message",
            json!({"user": user, "channel": channel, "text": text}),
            json!({"ok": true, "ts": ts}),
            Some(Shown::Message {
                channel: channel.to_owned(),
                ts: ts.clone(),
                user: Some(user.to_owned()),
                message,
            }),
        );
        ts
    }
}
