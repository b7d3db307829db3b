//! The mixed load: quick nominations, modal submissions, App Home events and `/hero find`, each shaped and keyed as Slack sends it.
use std::fmt::Write as _;

use serde_json::json;

use super::form_encode;

/// What one request of the mix is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `/hero <@U…> for …` on `/slack/commands`.
    Command,
    /// The nomination modal submitted on `/slack/interactions`.
    ModalNomination,
    /// The recovery-story modal submitted on `/slack/interactions`.
    Story,
    /// `app_home_opened` on `/slack/events`.
    HomeOpened,
    /// `/hero find <word>` on `/slack/commands`.
    Find,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Command,
        Kind::ModalNomination,
        Kind::Story,
        Kind::HomeOpened,
        Kind::Find,
    ];

    /// The kind called `name`, as `name()` spells it.
    pub fn named(name: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Command => "command",
            Kind::ModalNomination => "modal_nomination",
            Kind::Story => "story",
            Kind::HomeOpened => "home_opened",
            Kind::Find => "find",
        }
    }

    /// Request `n` of the mix, out of every 20: 8 quick nominations, 3 nomination modals,
    /// 2 stories, 5 Home openings and 2 searches, interleaved.
    pub fn of(n: u64) -> Kind {
        const MIX: [Kind; 20] = {
            use Kind::*;
            [
                Command,
                HomeOpened,
                ModalNomination,
                Command,
                Find,
                Command,
                HomeOpened,
                Story,
                Command,
                ModalNomination,
                HomeOpened,
                Command,
                Find,
                Command,
                HomeOpened,
                Story,
                Command,
                ModalNomination,
                HomeOpened,
                Command,
            ]
        };
        MIX[(n % 20) as usize]
    }
}

/// One request of the mix, ready to sign and send.
pub struct Built {
    pub kind: Kind,
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: String,
    /// The `slack_requests` key herobot records for it once stored (none for a search).
    pub key: Option<String>,
}

/// Word `k` of a 1,000-word vocabulary (`bakeli`, `kelimo`, …). Each reason and story names
/// two, and `/hero find` looks one up, so a search matches about 0.2 % of what is stored, as
/// searches for real words do, rather than every row.
fn word(k: u64) -> String {
    const SYLLABLES: [&str; 10] = ["ba", "ke", "li", "mo", "nu", "ra", "si", "to", "ve", "zu"];
    let k = k % 1_000;
    [k % 10, k / 10 % 10, k / 100]
        .iter()
        .map(|&i| SYLLABLES[i as usize])
        .collect()
}

/// Who sends request `n`: one of `people` colleagues, so no one nears the hourly limit.
fn person(n: u64, people: u64) -> String {
    format!("U0P{}", n % people.max(1))
}

/// A hero of request `n`: another pool, so no one nominates themselves.
fn hero(n: u64, k: u64) -> String {
    format!("U0H{}", (n * 7 + k * 13) % 5_000)
}

/// Builds request `n` (unique `id`, signed at `ts`) of the mix, or of `only` that kind;
/// response URLs point at `slack_url`.
pub fn build(n: u64, only: Option<Kind>, id: &str, ts: u64, people: u64, slack_url: &str) -> Built {
    let kind = only.unwrap_or_else(|| Kind::of(n));
    let user = person(n, people);
    let response_url = format!("{slack_url}/response/T0BENCH/{n}/bench");
    match kind {
        Kind::Command | Kind::Find => {
            let text = if kind == Kind::Command {
                format!(
                    "<@{}> <@{}> for turning the {} outage into a {} thank-you note #recovery",
                    hero(n, 0),
                    hero(n, 1),
                    word(n * 7),
                    word(n * 13 + 1)
                )
            } else {
                format!("find {}", word(n * 11 + 3))
            };
            let mut body = String::with_capacity(512);
            body.push_str("token=bench&team_id=T0BENCH&team_domain=bench&channel_id=C0BENCH");
            let _ = write!(
                body,
                "&channel_name=general&user_id={user}&user_name=someone"
            );
            body.push_str("&command=%2Fhero&text=");
            form_encode(&mut body, &text);
            body.push_str("&api_app_id=A0BENCH&is_enterprise_install=false&response_url=");
            form_encode(&mut body, &response_url);
            body.push_str("&trigger_id=");
            form_encode(&mut body, id);
            Built {
                kind,
                path: "/slack/commands",
                content_type: "application/x-www-form-urlencoded",
                body,
                key: (kind == Kind::Command).then(|| format!("command:{ts}:{id}")),
            }
        }
        Kind::ModalNomination | Kind::Story => {
            let view_id = format!("V0{}", id.replace('.', "X"));
            let (callback_id, values) = if kind == Kind::ModalNomination {
                ("nomination", nomination_values(n))
            } else {
                ("story", story_values(n, ts))
            };
            let metadata = json!({"channel": "C0BENCH", "response_url": response_url}).to_string();
            let payload = json!({
                "type": "view_submission",
                "team": {"id": "T0BENCH", "domain": "bench"},
                "user": {"id": user, "username": "someone", "team_id": "T0BENCH"},
                "api_app_id": "A0BENCH",
                "trigger_id": id,
                "view": {
                    "id": view_id,
                    "team_id": "T0BENCH",
                    "type": "modal",
                    "callback_id": callback_id,
                    "private_metadata": metadata,
                    "state": {"values": values},
                },
            });
            let mut body = String::from("payload=");
            form_encode(&mut body, &payload.to_string());
            Built {
                kind,
                path: "/slack/interactions",
                content_type: "application/x-www-form-urlencoded",
                body,
                key: Some(format!("view:{view_id}")),
            }
        }
        Kind::HomeOpened => {
            let event_id = format!("Ev{}", id.replace('.', "X"));
            let body = json!({
                "token": "bench", "team_id": "T0BENCH", "api_app_id": "A0BENCH",
                "type": "event_callback", "event_id": event_id, "event_time": ts,
                "event": {"type": "app_home_opened", "user": user, "channel": "D0HOME",
                          "tab": "home", "event_ts": format!("{ts}.000100")},
                "authorizations": [{"team_id": "T0BENCH", "user_id": "U0BOT", "is_bot": true}],
            })
            .to_string();
            Built {
                kind,
                path: "/slack/events",
                content_type: "application/json",
                body,
                key: Some(format!("event:{event_id}")),
            }
        }
    }
}

fn nomination_values(n: u64) -> serde_json::Value {
    json!({
        "heroes": {"heroes": {"type": "multi_users_select", "selected_users": [hero(n, 0)]}},
        "category": {"category": {"type": "static_select", "selected_option": null}},
        "reason": {"reason": {"type": "plain_text_input",
                   "value": format!("stayed past midnight to reconcile every {} refund by hand ({})",
                                    word(n * 7), word(n * 13 + 1))}},
        "customer_kind": {"customer_kind": {"type": "radio_buttons", "selected_option": null}},
        "tags": {"tags": {"type": "plain_text_input", "value": "billing"}},
    })
}

fn story_values(n: u64, ts: u64) -> serde_json::Value {
    json!({
        "title": {"title": {"type": "plain_text_input",
                  "value": format!("The {} invoice that went out twice", word(n * 7))}},
        "what_went_wrong": {"what_went_wrong": {"type": "plain_text_input",
                            "value": "500 customers were billed twice for March."}},
        "happened_at": {"happened_at": {"type": "datetimepicker", "selected_date_time": ts - 6 * 3600}},
        "fixed_at": {"fixed_at": {"type": "datetimepicker", "selected_date_time": ts - 3600}},
        "how_fixed": {"how_fixed": {"type": "plain_text_input",
                      "value": "Refunded every double charge & emailed each customer."}},
        "surprise": {"surprise": {"type": "plain_text_input",
                     "value": "A handwritten thank-you card and a month free."}},
        "customer_kind": {"customer_kind": {"type": "radio_buttons", "selected_option":
            {"text": {"type": "plain_text", "text": "External"}, "value": "external"}}},
        "reaction": {"reaction": {"type": "static_select", "selected_option":
            {"text": {"type": "plain_text", "text": "Blown away"}, "value": "blown_away"}}},
        "heroes": {"heroes": {"type": "multi_users_select", "selected_users": [hero(n, 0), hero(n, 1)]}},
        "tags": {"tags": {"type": "plain_text_input", "value": "billing, #refunds"}},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_has_each_kind_in_its_share() {
        let mut counts = std::collections::BTreeMap::new();
        for n in 0..20 {
            *counts.entry(Kind::of(n)).or_insert(0) += 1;
        }
        assert_eq!(
            counts.into_iter().collect::<Vec<_>>(),
            [
                (Kind::Command, 8),
                (Kind::ModalNomination, 3),
                (Kind::Story, 2),
                (Kind::HomeOpened, 5),
                (Kind::Find, 2)
            ]
        );
    }

    #[test]
    fn each_kind_carries_the_key_herobot_records() {
        let slack = "http://127.0.0.1:39100";
        let of = |kind| (0..20).find(|&n| Kind::of(n) == kind).unwrap();
        let command = build(of(Kind::Command), None, "1.2.3", 1_700_000_000, 100, slack);
        assert_eq!(command.key.as_deref(), Some("command:1700000000:1.2.3"));
        assert!(command.body.contains("&user_id=U0P0&"));
        let modal = build(
            of(Kind::ModalNomination),
            None,
            "1.2.3",
            1_700_000_000,
            100,
            slack,
        );
        assert_eq!(modal.key.as_deref(), Some("view:V01X2X3"));
        assert!(modal.body.starts_with("payload=%7B"));
        let event = build(
            of(Kind::HomeOpened),
            None,
            "1.2.3",
            1_700_000_000,
            100,
            slack,
        );
        assert_eq!(event.key.as_deref(), Some("event:Ev1X2X3"));
        let event: serde_json::Value = serde_json::from_str(&event.body).unwrap();
        assert_eq!(event["event"]["type"], "app_home_opened");
        let find = build(of(Kind::Find), None, "1.2.3", 1_700_000_000, 100, slack);
        assert_eq!(find.key, None);
        assert!(find.body.contains("&text=find+"));
        assert_eq!(
            (word(0), word(123), word(1_999)),
            ("bababa".into(), "molike".into(), "zuzuzu".into())
        );
        let story = build(0, Kind::named("story"), "1.2.3", 1_700_000_000, 100, slack);
        assert_eq!(
            (story.kind, story.path),
            (Kind::Story, "/slack/interactions")
        );
    }
}
