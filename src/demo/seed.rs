//! The demo's sample data: a plan drawn from a seed (who did what, when), then carried out as
//! people would, one Slack request at a time with the app's clock set to the moment it happens.
use std::collections::HashMap;

use anyhow::Context;
use serde_json::{Value, json};

use super::cast::{self, GENERAL, LEADER, PEOPLE, STORIES};
use super::samples::{CHATTER, REASONS, STORIES as STORY_TEXTS};
use super::wire::Wire;
use crate::actions::{self, Pressed, nominate::Request};
use crate::domain::command::{self, Command};
use crate::domain::{Consent, UserId};
use crate::messages::story::{CONSENT_DECLINE, CONSENT_GRANT, FEATURE};
use crate::modals::{self, Origin};
use crate::slack::payload::Values;
use crate::state::AppState;
use crate::store::batch::Source;

/// The seed `herobot demo` uses.
pub const DEFAULT_SEED: u64 = 2026;

/// How far back the sample data reaches.
const DAYS: i64 = 56;
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// One thing a person does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// A plain message in a channel.
    Say { user: &'static str, text: String },
    /// `/hero …` typed in #general.
    Command { user: &'static str, text: String },
    /// `/hero` opens the nomination modal; it is filled in and submitted.
    NominationModal {
        user: &'static str,
        heroes: Vec<&'static str>,
        category: &'static str,
        customer_kind: &'static str,
        reason: &'static str,
    },
    /// `/hero story` opens the story modal; it is filled in and submitted.
    Story {
        user: &'static str,
        heroes: Vec<&'static str>,
        sample: usize,
        happened_at: i64,
    },
    /// A credited hero answers the consent request of the story told from sample `story`.
    Consent {
        hero: &'static str,
        story: usize,
        grant: bool,
    },
    /// The leader features the story told from sample `story`.
    Feature { story: usize },
    /// The leader posts last week's digest.
    PostDigest,
}

/// An act and the moment it happens (unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub at: i64,
    pub act: Act,
}

fn mention(id: &str) -> String {
    let handle = cast::by_id(id).map(|p| p.handle).unwrap_or("someone");
    format!("<@{id}|{handle}>")
}

/// Draws `n` different people, none of them `not`.
fn people(rng: &mut fastrand::Rng, n: usize, not: &str) -> Vec<&'static str> {
    let mut chosen = Vec::new();
    while chosen.len() < n {
        let p = PEOPLE[rng.usize(..PEOPLE.len())].id;
        if p != not && !chosen.contains(&p) {
            chosen.push(p);
        }
    }
    chosen
}

/// A working-hours moment `days_ago` days before `now` (never later than an hour ago).
fn moment(rng: &mut fastrand::Rng, now: i64, days_ago: i64) -> i64 {
    let day_start = (now - days_ago * DAY).div_euclid(DAY) * DAY;
    let at = day_start + rng.i64(8..18) * HOUR + rng.i64(0..60) * 60;
    at.min(now - HOUR - rng.i64(0..60) * 60)
}

/// The sample data for `seed`, ending at `now`: the same seed and `now` give the same plan.
pub fn plan(seed: u64, now: i64) -> Vec<Step> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut steps = Vec::new();
    let nominators: Vec<&'static str> = PEOPLE.iter().map(|p| p.id).chain([LEADER.id]).collect();

    // Nominations: most typed as quick commands, some through the modal.
    for (i, reason) in REASONS.iter().chain(REASONS.iter().take(10)).enumerate() {
        let user = nominators[rng.usize(..nominators.len())];
        let n = if rng.u8(..4) == 0 { 2 } else { 1 };
        let heroes = people(&mut rng, n, user);
        // The last few in the past three days, so this week's digest preview has something.
        let days_ago = rng.i64(if i >= 25 { 0..3 } else { 0..DAYS });
        let at = moment(&mut rng, now, days_ago);
        let act = if i % 6 == 5 {
            let category = ["external", "internal", "recovery", "empowerment"][rng.usize(..4)];
            Act::NominationModal {
                user,
                heroes,
                category,
                customer_kind: if category == "internal" {
                    "internal"
                } else {
                    "external"
                },
                reason: reason.text,
            }
        } else {
            let named: Vec<String> = heroes.iter().map(|h| mention(h)).collect();
            Act::Command {
                user,
                text: format!("{} {} {}", named.join(" "), reason.text, reason.tags),
            }
        };
        steps.push(Step { at, act });
    }

    // Recovery stories, then what their heroes and the leader make of them.
    for (story, sample) in STORY_TEXTS.iter().enumerate() {
        let user = nominators[rng.usize(..nominators.len())];
        let n = 1 + usize::from(rng.bool());
        let heroes = people(&mut rng, n, user);
        let days_ago = rng.i64(1..DAYS);
        let told = moment(&mut rng, now, days_ago);
        let happened_at = told - sample.hours_to_fix * HOUR - rng.i64(1..6) * HOUR;
        for hero in &heroes {
            // A third agree, a sixth decline, the rest have not answered yet.
            let grant = match rng.u8(..6) {
                0 | 1 => Some(true),
                2 => Some(false),
                _ => None,
            };
            if let Some(grant) = grant {
                let at = (told + rng.i64(1..30) * HOUR).min(now - 60);
                steps.push(Step {
                    at,
                    act: Act::Consent { hero, story, grant },
                });
            }
        }
        if sample.reaction == "blown_away" && rng.u8(..3) != 0 {
            let at = (told + rng.i64(2..48) * HOUR).min(now - 60);
            steps.push(Step {
                at,
                act: Act::Feature { story },
            });
        }
        steps.push(Step {
            at: told,
            act: Act::Story {
                user,
                heroes,
                sample: story,
                happened_at,
            },
        });
    }

    // Chatter in #general to use the message shortcuts on.
    for template in CHATTER {
        let user = nominators[rng.usize(..nominators.len())];
        let about = people(&mut rng, 1, user)[0];
        let days_ago = rng.i64(0..3);
        let at = moment(&mut rng, now, days_ago);
        steps.push(Step {
            at,
            act: Act::Say {
                user,
                text: template.replace("{}", &mention(about)),
            },
        });
    }

    // In time order: what is done with a story comes at least an hour after it is told.
    steps.sort_by_key(|s| s.at);
    steps.push(Step {
        at: now,
        act: Act::PostDigest,
    });
    steps
}

/// An answer to one input of a modal.
#[derive(Debug, Clone)]
pub enum Answer<'a> {
    Text(&'a str),
    Users(&'a [&'static str]),
    Choice(&'a str),
    DateTime(i64),
}

/// `state.values` for `view` as Slack sends them: each input's element by its action ID, with
/// the given answers and every other input as left.
pub fn values(view: &Value, answers: &[(&str, Answer<'_>)]) -> Value {
    let mut values = json!({});
    for block in view["blocks"].as_array().into_iter().flatten() {
        let (Some(block_id), Some(action_id)) = (
            block["block_id"].as_str(),
            block["element"]["action_id"].as_str(),
        ) else {
            continue;
        };
        let element = &block["element"];
        let kind = element["type"].as_str().unwrap_or_default();
        let answer = answers.iter().find(|(b, _)| *b == block_id).map(|(_, a)| a);
        let option = |value: &str| {
            element["options"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|o| o["value"] == value)
                .cloned()
                .unwrap_or(Value::Null)
        };
        let value = match (kind, answer) {
            ("plain_text_input", Some(Answer::Text(t))) => json!({"type": kind, "value": t}),
            ("plain_text_input", _) => {
                json!({"type": kind, "value": element.get("initial_value").cloned().unwrap_or(Value::Null)})
            }
            ("multi_users_select", Some(Answer::Users(u))) => {
                json!({"type": kind, "selected_users": u})
            }
            ("multi_users_select", _) => {
                json!({"type": kind, "selected_users": element.get("initial_users").cloned().unwrap_or(json!([]))})
            }
            ("static_select" | "radio_buttons", Some(Answer::Choice(c))) => {
                json!({"type": kind, "selected_option": option(c)})
            }
            ("static_select" | "radio_buttons", _) => {
                json!({"type": kind, "selected_option": element.get("initial_option").cloned().unwrap_or(Value::Null)})
            }
            ("datetimepicker", Some(Answer::DateTime(t))) => {
                json!({"type": kind, "selected_date_time": t})
            }
            (_, _) => json!({ "type": kind }),
        };
        values[block_id] = json!({ action_id: value });
    }
    values
}

/// Carries out `steps` through the actions, as the routes would on the same input: the text a
/// person types is parsed as `/hero` parses it, a modal is the view herobot opens, filled in and
/// read as a submission is. The app's clock is set to each step's moment, and every message is
/// delivered to the fake Slack before the next step. Returns how many steps were taken.
pub async fn run(app: &AppState, wire: &Wire, steps: &[Step]) -> anyhow::Result<usize> {
    // Each story's ID and post, by its sample.
    let mut stories = HashMap::new();
    // The present, to come back to: the plan is all in the past.
    let (now, started) = (app.clock.now_ms(), std::time::Instant::now());
    for step in steps {
        let at_ms = if matches!(step.act, Act::PostDigest) {
            now
        } else {
            step.at * 1000
        };
        app.clock.set_ms(at_ms);
        take(app, wire, step, &mut stories)
            .await
            .with_context(|| format!("seeding {:?}", step.act))?;
        settle(&app.db).await?;
    }
    app.clock
        .set_ms(now + i64::try_from(started.elapsed().as_millis()).unwrap_or_default());
    Ok(steps.len())
}

/// Waits until the outbox has delivered everything.
async fn settle(db: &sqlx::SqlitePool) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    while crate::store::outbox::pending(db).await? > 0 {
        anyhow::ensure!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the outbox did not deliver the sample data's messages"
        );
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    Ok(())
}

fn user(id: &str) -> anyhow::Result<UserId> {
    UserId::parse(id).with_context(|| format!("{id} is not a user ID"))
}

/// The Slack request a seeded nomination or story came in: `/hero` typed in #general.
fn request(wire: &Wire, user: &str, key: String, source: Source) -> Request {
    Request {
        key,
        team_id: cast::TEAM_ID.to_owned(),
        source,
        channel: Some(GENERAL.id.to_owned()),
        response_url: Some(wire.response_url(GENERAL.id, user, None)),
        permalink: None,
    }
}

/// A modal herobot would open, filled in and read back as Slack submits it.
fn submitted(view: &Value, answers: &[(&str, Answer<'_>)]) -> anyhow::Result<SubmittedValues> {
    Ok(serde_json::from_value(values(view, answers))?)
}

type SubmittedValues = HashMap<String, HashMap<String, Value>>;

fn refused(errors: impl std::fmt::Debug) -> anyhow::Error {
    anyhow::anyhow!("refused: {errors:?}")
}

async fn take(
    app: &AppState,
    wire: &Wire,
    step: &Step,
    stories: &mut HashMap<usize, (i64, String)>,
) -> anyhow::Result<()> {
    let min_reason = app.config.min_reason;
    let origin = |user: &str| Origin {
        channel: Some(GENERAL.id.to_owned()),
        response_url: Some(wire.response_url(GENERAL.id, user, None)),
        permalink: None,
    };
    match &step.act {
        Act::Say { user, text } => {
            wire.say(user, GENERAL.id, text);
        }
        Act::Command { user: id, text } => {
            let Command::Nominate(nomination) =
                command::parse(text, &user(id)?, min_reason).map_err(refused)?
            else {
                anyhow::bail!("not a nomination");
            };
            let key = format!(
                "command:{}:{}",
                step.at,
                wire.recorder.trigger(id, step.at * 1000)
            );
            let request = request(wire, id, key, Source::Command);
            let ack = actions::nominate::nominate(app, nomination, request)
                .await?
                .map_err(refused)?;
            wire.show_answer(GENERAL.id, id, "/hero", &ack);
        }
        Act::NominationModal {
            user: id,
            heroes,
            category,
            customer_kind,
            reason,
        } => {
            let view = modals::nomination::view(&Default::default(), &origin(id), min_reason);
            let reason = format!("Thank you {reason}");
            let values = submitted(
                &view,
                &[
                    ("heroes", Answer::Users(heroes)),
                    ("category", Answer::Choice(category)),
                    ("reason", Answer::Text(&reason)),
                    ("customer_kind", Answer::Choice(customer_kind)),
                ],
            )?;
            let nomination = modals::nomination::parse(&Values(&values), &user(id)?, min_reason)
                .map_err(refused)?;
            let key = format!("view:{}", wire.recorder.next_view_id());
            let request = request(wire, id, key, Source::Modal);
            actions::nominate::nominate(app, nomination, request)
                .await?
                .map_err(refused)?;
        }
        Act::Story {
            user: id,
            heroes,
            sample,
            happened_at,
        } => {
            let s = &STORY_TEXTS[*sample];
            let view = modals::story::view(&Default::default(), &origin(id));
            let values = submitted(
                &view,
                &[
                    ("title", Answer::Text(s.title)),
                    ("what_went_wrong", Answer::Text(s.what_went_wrong)),
                    ("happened_at", Answer::DateTime(*happened_at)),
                    (
                        "fixed_at",
                        Answer::DateTime(happened_at + s.hours_to_fix * HOUR),
                    ),
                    ("how_fixed", Answer::Text(s.how_fixed)),
                    ("surprise", Answer::Text(s.surprise.unwrap_or_default())),
                    ("customer_kind", Answer::Choice(s.customer_kind)),
                    ("reaction", Answer::Choice(s.reaction)),
                    ("heroes", Answer::Users(heroes)),
                    ("tags", Answer::Text(s.tags)),
                ],
            )?;
            let story = modals::story::parse(&Values(&values), &user(id)?, app.clock.now_secs())
                .map_err(refused)?;
            let key = format!("view:{}", wire.recorder.next_view_id());
            let request = request(wire, id, key, Source::Modal);
            let story_id = actions::tell_story::tell_story(app, story, request)
                .await?
                .map_err(refused)?
                .context("the story was not stored")?;
            settle(&app.db).await?;
            let ts = find_button(wire, STORIES.id, FEATURE, &story_id.to_string())
                .context("the story's post never arrived")?;
            stories.insert(*sample, (story_id, ts));
        }
        Act::Consent { hero, story, grant } => {
            let (story_id, _) = &stories[story];
            let dm = cast::dm_channel(hero);
            let action = if *grant {
                CONSENT_GRANT
            } else {
                CONSENT_DECLINE
            };
            let ts = find_button(wire, &dm, action, &story_id.to_string())
                .with_context(|| format!("no consent request for story {story_id} in {dm}"))?;
            let pressed = Pressed {
                key: format!("press:{}", wire.recorder.trigger(hero, step.at * 1000)),
                response_url: Some(wire.response_url(&dm, hero, Some(&ts))),
                channel: dm,
                message_ts: Some(ts),
                on_home: false,
            };
            let consent = if *grant {
                Consent::Granted
            } else {
                Consent::Declined
            };
            actions::consent::record_consent(app, *story_id, &user(hero)?, consent, Some(pressed))
                .await?;
        }
        Act::Feature { story } => {
            let (story_id, ts) = &stories[story];
            let pressed = Pressed {
                key: format!("press:{}", wire.recorder.trigger(LEADER.id, step.at * 1000)),
                response_url: Some(wire.response_url(STORIES.id, LEADER.id, Some(ts))),
                channel: STORIES.id.to_owned(),
                message_ts: Some(ts.clone()),
                on_home: false,
            };
            actions::feature::feature(app, *story_id, LEADER.id, true, Some(pressed)).await?;
        }
        Act::PostDigest => {
            let week = actions::digest::last_week(app);
            let posted = actions::digest::post_digest(app, week, LEADER.id).await?;
            anyhow::ensure!(
                matches!(posted, actions::digest::Posted::Posted { .. }),
                "the digest was not posted: {posted:?}"
            );
        }
    }
    Ok(())
}

/// The value of the button `action_id` in a message's blocks.
fn button_value(message: &Value, action_id: &str) -> Option<String> {
    message["blocks"]
        .as_array()?
        .iter()
        .flat_map(|b| b["elements"].as_array().into_iter().flatten())
        .find(|e| e["action_id"] == action_id)
        .and_then(|e| e["value"].as_str())
        .map(str::to_owned)
}

/// The latest message in `channel` with the button `action_id` valued `value`.
fn find_button(wire: &Wire, channel: &str, action_id: &str, value: &str) -> Option<String> {
    wire.recorder
        .since(0)
        .into_iter()
        .rev()
        .find_map(|call| match call.shown {
            Some(super::record::Shown::Message {
                channel: c,
                ts,
                message,
                ..
            }) if c == channel && button_value(&message, action_id).as_deref() == Some(value) => {
                Some(ts)
            }
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000;

    #[test]
    fn a_seed_always_gives_the_same_plan_and_another_seed_another() {
        assert_eq!(plan(7, NOW), plan(7, NOW));
        assert_ne!(plan(7, NOW), plan(8, NOW));
    }

    #[test]
    fn the_plan_covers_eight_weeks_in_order_and_ends_with_the_digest() {
        let steps = plan(DEFAULT_SEED, NOW);
        assert!(
            steps.windows(2).all(|w| w[0].at <= w[1].at),
            "in time order"
        );
        assert!(
            steps
                .iter()
                .all(|s| s.at <= NOW && s.at > NOW - DAYS * DAY - DAY)
        );
        assert_eq!(steps.last().unwrap().act, Act::PostDigest);
        let count = |f: fn(&Act) -> bool| steps.iter().filter(|s| f(&s.act)).count();
        assert_eq!(count(|a| matches!(a, Act::Story { .. })), STORY_TEXTS.len());
        assert!(count(|a| matches!(a, Act::Command { .. })) >= 20);
        assert!(count(|a| matches!(a, Act::NominationModal { .. })) >= 4);
        assert!(count(|a| matches!(a, Act::Consent { grant: true, .. })) > 0);
        assert!(count(|a| matches!(a, Act::Consent { grant: false, .. })) > 0);
        assert!(count(|a| matches!(a, Act::Feature { .. })) > 0);
    }

    #[test]
    fn nobody_acts_on_a_story_before_it_is_told() {
        for seed in 0..50 {
            let mut told = Vec::new();
            for step in plan(seed, NOW) {
                match step.act {
                    Act::Story { sample, .. } => told.push(sample),
                    Act::Consent { story, .. } | Act::Feature { story } => {
                        assert!(told.contains(&story), "seed {seed}")
                    }
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn values_answer_each_input_as_slack_sends_it() {
        let view = crate::modals::story::view(&Default::default(), &Default::default());
        let v = values(
            &view,
            &[
                ("title", Answer::Text("T")),
                ("happened_at", Answer::DateTime(5)),
                ("customer_kind", Answer::Choice("internal")),
                ("heroes", Answer::Users(&["U0DPRIYA"])),
            ],
        );
        assert_eq!(v["title"]["title"]["value"], "T");
        assert_eq!(v["happened_at"]["happened_at"]["selected_date_time"], 5);
        assert_eq!(
            v["customer_kind"]["customer_kind"]["selected_option"]["value"],
            "internal"
        );
        assert_eq!(v["heroes"]["heroes"]["selected_users"][0], "U0DPRIYA");
        assert_eq!(
            v["reaction"]["reaction"]["selected_option"]["value"],
            "unknown"
        );
        assert!(v["how_fixed"]["how_fixed"]["value"].is_null());
    }
}
