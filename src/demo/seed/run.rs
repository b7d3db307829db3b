//! Carrying the plan out: each step through the actions, as Slack's requests would reach them.
use crate::store::Db;
use std::collections::HashMap;

use anyhow::Context;
use serde_json::Value;

use super::answers::{Field, submitted};
use super::report_card::card_step;
use super::{Act, HOUR, Step};
use crate::actions::{self, Pressed, nominate::Request};
use crate::demo::cast::{self, GENERAL, LEADER, STORIES};
use crate::demo::samples::STORIES as STORY_TEXTS;
use crate::demo::wire::Wire;
use crate::domain::command::{self, Command};
use crate::domain::report_card::Month;
use crate::domain::{Consent, Element, StoryId, UserId};
use crate::modals::{self, Origin};
use crate::slack::payload::Values;
use crate::state::AppState;
use crate::store::nominations::Source;

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
pub(super) async fn settle(db: &Db) -> anyhow::Result<()> {
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

pub(super) fn user(id: &str) -> anyhow::Result<UserId> {
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

pub(super) fn refused(errors: impl std::fmt::Debug) -> anyhow::Error {
    anyhow::anyhow!("refused: {errors:?}")
}

/// What the seeding made so far, to come back to.
#[derive(Default)]
pub(super) struct Seeded {
    /// Each story's ID and post, by its sample.
    pub(super) stories: HashMap<usize, (i64, String)>,
    pub(super) card: Option<i64>,
    /// The card's rounds by the month they rate.
    pub(super) rounds: HashMap<Month, i64>,
    /// The action items' IDs, by their sample.
    pub(super) actions: HashMap<usize, i64>,
}

impl Seeded {
    pub(super) fn card(&self) -> anyhow::Result<i64> {
        self.card.context("the report card was not made")
    }

    pub(super) fn round(&self, month: Month) -> anyhow::Result<i64> {
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
                    ("heroes", Field::Users(heroes)),
                    ("category", Field::Choice(category)),
                    ("reason", Field::Text(&reason)),
                    ("customer_kind", Field::Choice(customer_kind)),
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
                    ("title", Field::Text(s.title)),
                    ("what_went_wrong", Field::Text(s.what_went_wrong)),
                    ("happened_at", Field::DateTime(*happened_at)),
                    (
                        "fixed_at",
                        Field::DateTime(happened_at + s.hours_to_fix * HOUR),
                    ),
                    ("how_fixed", Field::Text(s.how_fixed)),
                    ("surprise", Field::Text(s.surprise.unwrap_or_default())),
                    ("customer_kind", Field::Choice(s.customer_kind)),
                    ("reaction", Field::Choice(s.reaction)),
                    ("heroes", Field::Users(heroes)),
                    ("tags", Field::Text(s.tags)),
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
pub(super) fn find_button(wire: &Wire, channel: &str, button: Element) -> Option<String> {
    let (action_id, value) = (button.action_id(), button.value());
    wire.recorder
        .since(0)
        .into_iter()
        .rev()
        .find_map(|call| match call.shown {
            Some(crate::demo::record::Shown::Message {
                channel: c,
                ts,
                message,
                ..
            }) if c == channel && button_value(&message, &action_id) == value => Some(ts),
            _ => None,
        })
}
