//! What the fake Slack was asked and answered, kept in order for the page (and in a JSON-lines
//! file beside the demo database, so a restarted demo shows its channels as they were).
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a call put on someone's screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shown {
    /// A new message in a channel or DM; `user` is its author (None: the bot).
    Message {
        channel: String,
        ts: String,
        user: Option<String>,
        message: Value,
    },
    /// A message replaced in place (`chat.update`, `replace_original`).
    Update {
        channel: String,
        ts: String,
        message: Value,
    },
    /// Only visible to `user`, in `channel`.
    Ephemeral {
        channel: String,
        user: String,
        message: Value,
    },
    /// A modal opened or updated for `user`.
    View {
        user: String,
        view_id: String,
        view: Value,
    },
    /// A person's App Home tab (`views.publish`).
    Home {
        user: String,
        #[serde(default)]
        view_id: String,
        view: Value,
    },
}

/// One call to the fake Slack, or one thing a person did on the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub seq: u64,
    /// Unix seconds, on the demo's clock.
    pub at: i64,
    /// A Web API method, `response_url`, or `demo.message` for a person's own message.
    pub method: String,
    pub request: Value,
    pub answer: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown: Option<Shown>,
}

/// Where a response URL posts: the channel (and message, for a button) it was handed out for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResponseTarget {
    pub channel: String,
    pub user: String,
    pub message_ts: Option<String>,
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    /// Message timestamps handed out in this second, so each is unique.
    last_ts: (i64, u32),
    next_view: u64,
    /// The person each trigger ID was handed to.
    triggers: HashMap<String, String>,
    /// Open views: their owner and their JSON.
    views: HashMap<String, (String, Value)>,
    responses: HashMap<String, ResponseTarget>,
    next_response: u64,
}

/// The fake's memory; cheap to clone.
#[derive(Clone)]
pub struct Recorder {
    inner: Arc<Mutex<Inner>>,
    file: Option<PathBuf>,
}

impl Recorder {
    /// A recorder that appends to `file` (if given) and starts from what it holds.
    pub fn open(file: Option<PathBuf>) -> std::io::Result<Self> {
        let mut inner = Inner::default();
        if let Some(path) = file.as_ref().filter(|p| p.exists()) {
            for line in std::io::BufReader::new(std::fs::File::open(path)?).lines() {
                let Ok(call) = serde_json::from_str::<Call>(&line?) else {
                    continue;
                };
                inner.replay(&call);
                inner.calls.push(call);
            }
        }
        Ok(Self {
            inner: Arc::new(Mutex::new(inner)),
            file,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a call; returns its sequence number.
    pub fn record(
        &self,
        at: i64,
        method: &str,
        request: Value,
        answer: Value,
        shown: Option<Shown>,
    ) -> u64 {
        let mut inner = self.lock();
        let call = Call {
            seq: inner.calls.len() as u64 + 1,
            at,
            method: method.to_owned(),
            request,
            answer,
            shown,
        };
        inner.replay(&call);
        if let Some(path) = &self.file {
            let line = serde_json::to_string(&call).expect("a call serialises");
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| writeln!(f, "{line}"));
            if let Err(err) = written {
                tracing::warn!(error = %err, "the demo could not keep a Slack call");
            }
        }
        let seq = call.seq;
        inner.calls.push(call);
        seq
    }

    /// Every call after `after`, in order.
    pub fn since(&self, after: u64) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .skip(after as usize)
            .cloned()
            .collect()
    }

    /// A message timestamp for `now`, unique as Slack's are: `1700000000.000100`.
    pub fn next_ts(&self, now: i64) -> String {
        let mut inner = self.lock();
        let (second, n) = inner.last_ts;
        let (second, n) = if now > second {
            (now, 1)
        } else {
            (second, n + 1)
        };
        inner.last_ts = (second, n);
        format!("{second}.{:06}", n * 100)
    }

    /// A fresh view ID.
    pub fn next_view_id(&self) -> String {
        let mut inner = self.lock();
        inner.next_view += 1;
        format!("V0DEMO{:06}", inner.next_view)
    }

    /// Hands out a trigger ID for `user`, as Slack does with each command and click.
    pub fn trigger(&self, user: &str, now_ms: i64) -> String {
        let mut inner = self.lock();
        let id = format!(
            "{}.{}.demo{}",
            now_ms,
            inner.triggers.len() + 1,
            now_ms % 997
        );
        inner.triggers.insert(id.clone(), user.to_owned());
        id
    }

    pub fn trigger_user(&self, trigger_id: &str) -> Option<String> {
        self.lock().triggers.get(trigger_id).cloned()
    }

    /// A response URL token for a command or a click.
    pub fn response_token(&self, target: ResponseTarget) -> String {
        let mut inner = self.lock();
        inner.next_response += 1;
        let token = format!(
            "{}{:x}",
            inner.next_response,
            fastrand::u64(..) & 0xffff_ffff
        );
        inner.responses.insert(token.clone(), target);
        token
    }

    pub fn response_target(&self, token: &str) -> Option<ResponseTarget> {
        self.lock().responses.get(token).cloned()
    }

    /// An open view and its owner.
    pub fn view(&self, view_id: &str) -> Option<(String, Value)> {
        self.lock().views.get(view_id).cloned()
    }

    /// The message at `channel`/`ts` as it reads now (its last update applied), and its author.
    pub fn message(&self, channel: &str, ts: &str) -> Option<(Option<String>, Value)> {
        let inner = self.lock();
        let mut found = None;
        for call in &inner.calls {
            match &call.shown {
                Some(Shown::Message {
                    channel: c,
                    ts: t,
                    user,
                    message,
                }) if c == channel && t == ts => found = Some((user.clone(), message.clone())),
                Some(Shown::Update {
                    channel: c,
                    ts: t,
                    message,
                }) if c == channel && t == ts => {
                    if let Some((_, m)) = found.as_mut() {
                        *m = message.clone();
                    }
                }
                _ => {}
            }
        }
        found
    }

    /// How many calls are kept.
    pub fn len(&self) -> usize {
        self.lock().calls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Inner {
    /// Keeps what later calls need to know: views, and the last timestamp handed out.
    fn replay(&mut self, call: &Call) {
        match &call.shown {
            Some(Shown::View {
                user,
                view_id,
                view,
            }) => {
                self.views
                    .insert(view_id.clone(), (user.clone(), view.clone()));
                let n = view_id
                    .trim_start_matches("V0DEMO")
                    .parse()
                    .unwrap_or_default();
                self.next_view = self.next_view.max(n);
            }
            Some(Shown::Message { ts, .. }) => {
                if let Some((s, n)) = ts.split_once('.') {
                    let s: i64 = s.parse().unwrap_or_default();
                    let n: u32 = n.parse::<u32>().unwrap_or_default() / 100;
                    if (s, n) > self.last_ts {
                        self.last_ts = (s, n);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(channel: &str, ts: &str, text: &str) -> Shown {
        Shown::Message {
            channel: channel.into(),
            ts: ts.into(),
            user: None,
            message: json!({ "text": text }),
        }
    }

    #[test]
    fn timestamps_are_unique_within_a_second_and_follow_the_clock() {
        let r = Recorder::open(None).unwrap();
        assert_eq!(r.next_ts(100), "100.000100");
        assert_eq!(r.next_ts(100), "100.000200");
        assert_eq!(r.next_ts(99), "100.000300");
        assert_eq!(r.next_ts(101), "101.000100");
    }

    #[test]
    fn a_message_reads_as_its_last_update() {
        let r = Recorder::open(None).unwrap();
        r.record(
            1,
            "chat.postMessage",
            json!({}),
            json!({}),
            Some(message("C1", "1.1", "first")),
        );
        r.record(
            2,
            "chat.update",
            json!({}),
            json!({}),
            Some(Shown::Update {
                channel: "C1".into(),
                ts: "1.1".into(),
                message: json!({"text": "second"}),
            }),
        );
        assert_eq!(r.message("C1", "1.1").unwrap().1["text"], "second");
        assert!(r.message("C1", "9.9").is_none());
        assert_eq!(r.since(1).len(), 1);
    }

    #[test]
    fn a_reopened_recorder_has_every_call_and_carries_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.jsonl");
        let r = Recorder::open(Some(path.clone())).unwrap();
        r.record(
            5,
            "chat.postMessage",
            json!({}),
            json!({}),
            Some(message("C1", "5.000100", "x")),
        );
        let again = Recorder::open(Some(path)).unwrap();
        assert_eq!(again.since(0), r.since(0));
        assert_eq!(again.next_ts(5), "5.000200");
    }
}
