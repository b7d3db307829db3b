//! The demo's sample data: a plan drawn from a seed (who did what, when), then carried out as
//! people would, one Slack request at a time with the app's clock set to the moment it happens.
//! Eight weeks of recognitions and stories, and six months of Marketing's report card.
use std::collections::HashMap;

use anyhow::Context;
use serde_json::{Value, json};

use super::cast::{self, GENERAL, LEADER, PEOPLE, REVIEW, STORIES};
use super::samples::{
    CARD_ACTIONS, CARD_COMMENTS, CHATTER, DELIVERABLES, REASONS, STORIES as STORY_TEXTS, SUPPLIER,
};
use super::wire::Wire;
use crate::actions::{self, Pressed, nominate::Request};
use crate::domain::command::{self, Command};
use crate::domain::report_card::{Month, OPEN_FOR_DAYS, REMIND_AFTER_DAYS};
use crate::domain::{ActionItemId, Consent, Element, RoundId, StoryId, UserId};
use crate::modals::{self, Origin};
use crate::slack::payload::Values;
use crate::state::AppState;
use crate::store::batch::Source;

/// The seed `herobot demo` uses.
pub const DEFAULT_SEED: u64 = 2026;

/// How far back the recognitions and stories reach.
const DAYS: i64 = 56;
/// How many monthly rounds of the report card have opened by now: one per month of the
/// sample trend.
pub const ROUNDS: usize = DELIVERABLES[0].trend.len();
/// Who rates Marketing: the Sales, Customer Success and Support people.
pub const RATERS: [&str; 4] = ["U0DAMARA", "U0DMATEO", "U0DPRIYA", "U0DZAINAB"];
/// The rater who has not yet rated a round still open, so that a visitor playing them (the
/// page's first person) can.
const LEFT_TO_THE_VISITOR: &str = "U0DPRIYA";
/// When rounds open in the demo: 09:00 UTC, as herobot without a digest schedule opens them
/// (the demo runs in UTC with the digest posted by hand).
pub const ROUND_TIME: jiff::civil::Time = jiff::civil::Time::constant(9, 0, 0, 0);
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
    /// The leader types `/hero reportcard` in the review channel and fills in the card modal.
    NewCard,
    /// The card's round rating `month` opens, as the scheduler opens it at that moment.
    OpenRound { month: Month },
    /// A rater rates `month` through the rating modal: a rating per deliverable, in the
    /// card's order, and comments by deliverable.
    Rate {
        rater: &'static str,
        month: Month,
        ratings: Vec<u8>,
        comments: Vec<(usize, &'static str)>,
    },
    /// The round's one reminder goes to those who have not answered.
    RemindRound { month: Month },
    /// The round closes and its results post to the review channel.
    CloseRound { month: Month },
    /// The leader presses **Add an action** on `month`'s results and fills in the form with
    /// the sample action item `action`.
    AddAction { month: Month, action: usize },
    /// The owner of the sample action item `action` presses **Done** in their DM.
    ActionDone { action: usize },
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

    steps.extend(report_card(seed, now));

    // In time order: what is done with a story comes at least an hour after it is told.
    steps.sort_by_key(|s| s.at);
    steps.push(Step {
        at: now,
        act: Act::PostDigest,
    });
    steps
}

/// The months whose rounds have opened by `now` (at least an hour before), the last `ROUNDS`.
pub fn card_months(now: i64) -> Vec<Month> {
    let tz = jiff::tz::TimeZone::UTC;
    let this = Month::of(jiff::Timestamp::from_second(now).unwrap_or_default(), &tz);
    let mut last = this.previous();
    if last.round_opens_at(ROUND_TIME, &tz) > now - HOUR {
        last = last.previous();
    }
    let mut months = vec![last];
    while months.len() < ROUNDS {
        months.push(months[months.len() - 1].previous());
    }
    months.reverse();
    months
}

/// When the round rating `month` opens in the demo.
pub fn opens_at(month: Month) -> i64 {
    month.round_opens_at(ROUND_TIME, &jiff::tz::TimeZone::UTC)
}

/// Marketing's report card, made six or seven months before `now`: six rounds opened, rated by
/// most raters, reminded and closed a week later (the last left open if it opened less than a
/// week ago), with comments, and action items from two reviews, one of them done. Drawn from
/// its own generator, so the recognitions and stories stay as they were for a seed.
fn report_card(seed: u64, now: i64) -> Vec<Step> {
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5e_11_ca_4d);
    let months = card_months(now);
    // Made a few days after the round before its first opened, so the first is the one after.
    let made_on = (opens_at(months[0].previous()) + rng.i64(2..6) * DAY).div_euclid(DAY) * DAY;
    let mut steps = vec![Step {
        at: made_on + rng.i64(9..17) * HOUR + rng.i64(0..60) * 60,
        act: Act::NewCard,
    }];
    for (k, &month) in months.iter().enumerate() {
        let opens = opens_at(month);
        // The demo runs in UTC, where a day is always 24 hours.
        let (reminds, closes) = (opens + REMIND_AFTER_DAYS * DAY, opens + OPEN_FOR_DAYS * DAY);
        steps.push(Step {
            at: opens,
            act: Act::OpenRound { month },
        });
        let open_now = closes > now;
        // Now and then one rater does not answer; three always do.
        let skips = (!open_now && rng.u8(..3) == 0).then(|| RATERS[rng.usize(..RATERS.len())]);
        // Who answers, when, and what they give.
        let mut answers = Vec::new();
        for rater in RATERS {
            // Most answer in the first days; some only after the reminder. In a round still
            // open, those who answer have done so by now.
            let at = if open_now {
                opens + rng.i64(60..(now - opens - 10 * 60).max(61))
            } else {
                opens + rng.i64(1..6 * 24 - 2) * HOUR + rng.i64(1..60) * 60
            };
            let ratings: Vec<u8> = DELIVERABLES
                .iter()
                .map(|d| {
                    // Spread so that the average follows the trend: 3.6 is 3 or 4, 4 more often.
                    let wobble = rng.f64() - 0.5;
                    (d.trend[k] + wobble).round().clamp(1.0, 5.0) as u8
                })
                .collect();
            let answers_now = Some(rater) != skips
                && at < now - 10 * 60
                && !(open_now && rater == LEFT_TO_THE_VISITOR);
            if answers_now {
                answers.push((rater, at, ratings, Vec::new()));
            }
        }
        for comment in CARD_COMMENTS.iter().filter(|c| c.round == k) {
            if answers.is_empty() {
                break;
            }
            let by = rng.usize(..answers.len());
            answers[by].3.push((comment.deliverable, comment.text));
        }
        for (rater, at, ratings, comments) in answers {
            steps.push(Step {
                at,
                act: Act::Rate {
                    rater,
                    month,
                    ratings,
                    comments,
                },
            });
        }
        if reminds <= now {
            steps.push(Step {
                at: reminds,
                act: Act::RemindRound { month },
            });
        }
        if open_now {
            continue;
        }
        steps.push(Step {
            at: closes,
            act: Act::CloseRound { month },
        });
        for (action, item) in CARD_ACTIONS.iter().enumerate() {
            if item.round != k {
                continue;
            }
            let added = closes + DAY + rng.i64(1..6) * HOUR;
            if added < now {
                steps.push(Step {
                    at: added,
                    act: Act::AddAction { month, action },
                });
            }
            if let Some(done) = item.done_after_days.map(|d| added + d * DAY)
                && done < now
            {
                steps.push(Step {
                    at: done,
                    act: Act::ActionDone { action },
                });
            }
        }
    }
    steps
}

/// An answer to one input of a modal.
#[derive(Debug, Clone)]
pub enum Answer<'a> {
    Text(&'a str),
    Users(&'a [&'static str]),
    User(&'a str),
    Conversation(&'a str),
    Choice(&'a str),
    DateTime(i64),
    /// `YYYY-MM-DD`.
    Date(&'a str),
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
            ("users_select", Some(Answer::User(u))) => json!({"type": kind, "selected_user": u}),
            ("users_select", _) => {
                json!({"type": kind, "selected_user": element.get("initial_user").cloned().unwrap_or(Value::Null)})
            }
            ("conversations_select", Some(Answer::Conversation(c))) => {
                json!({"type": kind, "selected_conversation": c})
            }
            ("conversations_select", _) => {
                json!({"type": kind, "selected_conversation": element.get("initial_conversation").cloned().unwrap_or(Value::Null)})
            }
            ("datetimepicker", Some(Answer::DateTime(t))) => {
                json!({"type": kind, "selected_date_time": t})
            }
            ("datepicker", Some(Answer::Date(d))) => json!({"type": kind, "selected_date": d}),
            ("datepicker", _) => {
                json!({"type": kind, "selected_date": element.get("initial_date").cloned().unwrap_or(Value::Null)})
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
    let mut seeded = Seeded::default();
    // The present, to come back to: the plan is all in the past.
    let (now, started) = (app.clock.now_ms(), std::time::Instant::now());
    for step in steps {
        let at_ms = if matches!(step.act, Act::PostDigest) {
            now
        } else {
            step.at * 1000
        };
        app.clock.set_ms(at_ms);
        take(app, wire, step, &mut seeded)
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

/// What the seeding made so far, to come back to.
#[derive(Default)]
struct Seeded {
    /// Each story's ID and post, by its sample.
    stories: HashMap<usize, (i64, String)>,
    card: Option<i64>,
    /// The card's rounds by the month they rate.
    rounds: HashMap<Month, i64>,
    /// The action items' IDs, by their sample.
    actions: HashMap<usize, i64>,
}

impl Seeded {
    fn card(&self) -> anyhow::Result<i64> {
        self.card.context("the report card was not made")
    }

    fn round(&self, month: Month) -> anyhow::Result<i64> {
        self.rounds
            .get(&month)
            .copied()
            .with_context(|| format!("the round for {month} did not open"))
    }
}

async fn take(app: &AppState, wire: &Wire, step: &Step, seeded: &mut Seeded) -> anyhow::Result<()> {
    let stories = &mut seeded.stories;
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
            let ts = find_button(wire, STORIES.id, Element::Feature(StoryId(story_id)))
                .context("the story's post never arrived")?;
            stories.insert(*sample, (story_id, ts));
        }
        Act::Consent { hero, story, grant } => {
            let (story_id, _) = &stories[story];
            let dm = cast::dm_channel(hero);
            let button = if *grant {
                Element::GrantConsent(StoryId(*story_id))
            } else {
                Element::DeclineConsent(StoryId(*story_id))
            };
            let ts = find_button(wire, &dm, button)
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
            actions::consent::record_consent(
                app,
                StoryId(*story_id),
                &user(hero)?,
                consent,
                Some(pressed),
            )
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
            actions::feature::feature(app, StoryId(*story_id), LEADER.id, true, Some(pressed))
                .await?;
        }
        Act::PostDigest => {
            let week = actions::digest::last_week(app);
            let posted = actions::digest::post_digest(app, week, LEADER.id).await?;
            anyhow::ensure!(
                matches!(posted, actions::digest::Posted::Posted { .. }),
                "the digest was not posted: {posted:?}"
            );
        }
        Act::NewCard
        | Act::OpenRound { .. }
        | Act::Rate { .. }
        | Act::RemindRound { .. }
        | Act::CloseRound { .. }
        | Act::AddAction { .. }
        | Act::ActionDone { .. } => card_step(app, wire, step, seeded).await?,
    }
    Ok(())
}

/// A step of the report card's six months, through the modals and actions Slack's requests
/// reach.
async fn card_step(
    app: &AppState,
    wire: &Wire,
    step: &Step,
    seeded: &mut Seeded,
) -> anyhow::Result<()> {
    use crate::actions::round::Opened;
    use crate::store::report_cards as cards;
    match &step.act {
        Act::NewCard => {
            let metadata = modals::report_card::Metadata {
                card: None,
                channel: Some(REVIEW.id.to_owned()),
                response_url: Some(wire.response_url(REVIEW.id, LEADER.id, None)),
            };
            let view = modals::report_card::view(None, &metadata);
            let names: Vec<&str> = DELIVERABLES.iter().map(|d| d.name).collect();
            let deliverables = names.join("\n");
            let values = submitted(
                &view,
                &[
                    ("supplier", Answer::Text(SUPPLIER)),
                    ("raters", Answer::Users(&RATERS)),
                    ("deliverables", Answer::Text(&deliverables)),
                    ("review_channel", Answer::Conversation(REVIEW.id)),
                    ("comments", Answer::Choice("anonymous")),
                ],
            )?;
            let card = modals::report_card::parse(&Values(&values)).map_err(refused)?;
            let metadata = modals::report_card::Metadata::read(
                view["private_metadata"].as_str().unwrap_or_default(),
            );
            let key = format!("view:{}", wire.recorder.next_view_id());
            let id = actions::report_card::save(app, &user(LEADER.id)?, metadata, card, &key)
                .await?
                .map_err(refused)?;
            seeded.card = Some(id);
        }
        Act::OpenRound { month } => {
            let card = seeded.card()?;
            let round = match actions::round::open(app, card, *month, "schedule").await? {
                Opened::Opened { round, .. } => round,
                // The scheduler, woken by the clock, was first.
                Opened::AlreadyOpened => cards::open_rounds(&app.db, card)
                    .await?
                    .into_iter()
                    .find(|r| r.month == *month)
                    .map(|r| r.id)
                    .context("the round opened, but is not open")?,
                Opened::NotRunning => anyhow::bail!("the report card is not running"),
            };
            seeded.rounds.insert(*month, round);
        }
        Act::Rate {
            rater,
            month,
            ratings,
            comments,
        } => {
            let round_id = seeded.round(*month)?;
            // The rater's DM has the **Rate …** button the modal opens from.
            find_button(
                wire,
                &cast::dm_channel(rater),
                Element::Rate(RoundId(round_id)),
            )
            .with_context(|| format!("{rater} was not asked to rate {month}"))?;
            let card = cards::get(&app.db, seeded.card()?)
                .await?
                .context("the report card is gone")?;
            let rater_id = user(rater)?;
            let earlier = cards::answers_of(&app.db, round_id, &rater_id).await?;
            let view = modals::rating::view(&card, round_id, *month, &earlier);
            let metadata = modals::rating::Metadata::read(
                view["private_metadata"].as_str().unwrap_or_default(),
            )
            .context("the rating modal carries its round")?;
            let values: Vec<String> = ratings.iter().map(u8::to_string).collect();
            let blocks: Vec<(String, String)> = (1..=ratings.len())
                .map(|i| (format!("rating_{i}"), format!("comment_{i}")))
                .collect();
            let mut answers: Vec<(&str, Answer<'_>)> = Vec::new();
            for (i, (rating, comment)) in blocks.iter().enumerate() {
                answers.push((rating.as_str(), Answer::Choice(&values[i])));
                if let Some((_, text)) = comments.iter().find(|(d, _)| *d == i) {
                    answers.push((comment.as_str(), Answer::Text(text)));
                }
            }
            let values = submitted(&view, &answers)?;
            let given = modals::rating::parse(&Values(&values), &metadata).map_err(refused)?;
            actions::rate::rate(app, &rater_id, &metadata, given)
                .await?
                .map_err(refused)?;
        }
        Act::RemindRound { month } => {
            actions::round::remind(app, seeded.round(*month)?).await?;
        }
        Act::CloseRound { month } => {
            let round = seeded.round(*month)?;
            actions::round::close(app, round, "schedule").await?;
            settle(&app.db).await?;
            find_button(wire, REVIEW.id, Element::AddAction(RoundId(round)))
                .with_context(|| format!("the results for {month} never arrived"))?;
        }
        Act::AddAction { month, action } => {
            let round = seeded.round(*month)?;
            let item = &CARD_ACTIONS[*action];
            let today = app.clock.today(&app.config.timezone);
            let card = cards::get(&app.db, seeded.card()?)
                .await?
                .context("the report card is gone")?;
            let view = modals::action_item::view(RoundId(round), &card.supplier, today);
            let due = today
                .checked_add(jiff::Span::new().days(item.due_in_days))?
                .to_string();
            let values = submitted(
                &view,
                &[
                    ("what", Answer::Text(item.what)),
                    ("owner", Answer::User(item.owner)),
                    ("due", Answer::Date(&due)),
                ],
            )?;
            let (round, new) = modals::action_item::parse(
                &Values(&values),
                view["private_metadata"].as_str().unwrap_or_default(),
                today,
            )
            .map_err(refused)?;
            let key = format!("view:{}", wire.recorder.next_view_id());
            let id = actions::action_item::add(app, round, &user(LEADER.id)?, new, &key)
                .await?
                .map_err(refused)?;
            seeded.actions.insert(*action, id);
        }
        Act::ActionDone { action } => {
            let id = *seeded
                .actions
                .get(action)
                .context("the action item was not added")?;
            let owner = CARD_ACTIONS[*action].owner;
            let dm = cast::dm_channel(owner);
            let ts = find_button(wire, &dm, Element::ActionDone(ActionItemId(id)))
                .with_context(|| format!("no Done button for action item {id} in {dm}"))?;
            let pressed = Pressed {
                key: format!("press:{}", wire.recorder.trigger(owner, step.at * 1000)),
                response_url: Some(wire.response_url(&dm, owner, Some(&ts))),
                channel: dm,
                message_ts: Some(ts),
                on_home: false,
            };
            actions::action_item::done(app, ActionItemId(id), &user(owner)?, pressed).await?;
        }
        _ => anyhow::bail!("not a report card step"),
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

/// The latest message in `channel` with the button that stands for `button`.
fn find_button(wire: &Wire, channel: &str, button: Element) -> Option<String> {
    let (action_id, value) = (button.action_id(), button.value());
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
            }) if c == channel && button_value(&message, &action_id) == value => Some(ts),
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
                .filter(|s| !is_card(&s.act))
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

    fn is_card(act: &Act) -> bool {
        matches!(
            act,
            Act::NewCard
                | Act::OpenRound { .. }
                | Act::Rate { .. }
                | Act::RemindRound { .. }
                | Act::CloseRound { .. }
                | Act::AddAction { .. }
                | Act::ActionDone { .. }
        )
    }

    /// Wednesday 18 November 2026, 10:00 UTC: November's round opened on Monday 2nd and closed.
    const MID_NOVEMBER: i64 = 1_794_996_000;
    /// Thursday 3 December 2026, 10:00 UTC: December's round opened on Tuesday 1st.
    const EARLY_DECEMBER: i64 = 1_796_292_000;

    #[test]
    fn the_card_has_six_rounds_each_opened_rated_and_closed_in_order() {
        for (now, last_open) in [(MID_NOVEMBER, false), (EARLY_DECEMBER, true)] {
            let steps = plan(DEFAULT_SEED, now);
            let card: Vec<&Step> = steps.iter().filter(|s| is_card(&s.act)).collect();
            assert_eq!(card[0].act, Act::NewCard);
            let months = card_months(now);
            assert_eq!(months.len(), ROUNDS);
            let made = now - card[0].at;
            assert!(
                (170 * DAY..7 * 31 * DAY).contains(&made),
                "made {} days before now",
                made / DAY
            );
            assert_eq!(
                *months.last().unwrap(),
                if last_open {
                    Month::parse("2026-11").unwrap()
                } else {
                    Month::parse("2026-10").unwrap()
                }
            );
            for (k, &month) in months.iter().enumerate() {
                let at = |f: &dyn Fn(&Act) -> bool| {
                    card.iter()
                        .filter(|s| f(&s.act))
                        .map(|s| s.at)
                        .collect::<Vec<_>>()
                };
                let opened = at(&|a| *a == Act::OpenRound { month });
                let closed = at(&|a| *a == Act::CloseRound { month });
                let rated: Vec<&Step> = card
                    .iter()
                    .copied()
                    .filter(|s| matches!(&s.act, Act::Rate { month: m, .. } if *m == month))
                    .collect();
                assert_eq!(opened, [opens_at(month)]);
                let open = last_open && k == ROUNDS - 1;
                assert_eq!(closed.len(), usize::from(!open), "{month}");
                assert!(
                    rated.len() >= if open { 1 } else { 3 },
                    "{month}: {}",
                    rated.len()
                );
                for s in &rated {
                    assert!(s.at > opened[0] && s.at < now);
                    if let Some(closed) = closed.first() {
                        assert!(s.at < *closed);
                    }
                    let Act::Rate { rater, ratings, .. } = &s.act else {
                        unreachable!()
                    };
                    assert!(RATERS.contains(rater));
                    assert!(
                        !(open && *rater == LEFT_TO_THE_VISITOR),
                        "left to the visitor"
                    );
                    assert_eq!(ratings.len(), DELIVERABLES.len());
                    assert!(ratings.iter().all(|r| (1..=5).contains(r)));
                }
            }
            let adds = card
                .iter()
                .filter(|s| matches!(s.act, Act::AddAction { .. }))
                .count();
            let done = card
                .iter()
                .filter(|s| matches!(s.act, Act::ActionDone { .. }))
                .count();
            assert_eq!((adds, done), (2, 1));
        }
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
    fn values_answer_selects_and_date_pickers_as_slack_sends_them() {
        let card = crate::modals::report_card::view(None, &Default::default());
        let v = values(
            &card,
            &[("review_channel", Answer::Conversation("C0DSALESMKT"))],
        );
        assert_eq!(
            v["review_channel"]["review_channel"]["selected_conversation"],
            "C0DSALESMKT"
        );
        let today = jiff::civil::date(2026, 11, 18);
        let action = crate::modals::action_item::view(RoundId(7), "Marketing", today);
        let v = values(&action, &[("owner", Answer::User("U0DSOFIA"))]);
        assert_eq!(v["owner"]["owner"]["selected_user"], "U0DSOFIA");
        assert_eq!(v["due"]["due"]["selected_date"], "2026-12-02", "as offered");
        let v = values(&action, &[("due", Answer::Date("2026-12-24"))]);
        assert_eq!(v["due"]["due"]["selected_date"], "2026-12-24");
        assert!(v["owner"]["owner"]["selected_user"].is_null());
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
