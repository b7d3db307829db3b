//! `/hero digest` (a leader's private preview of this week so far), `/hero digest post` (last
//! week's digest, once) and `/hero top [period]`.
use serde_json::{Value, json};

use crate::clock;
use crate::digest::compute::rank_heroes;
use crate::digest::{self, IsoWeek, Posted};
use crate::domain::command::Period;
use crate::error::Result;
use crate::messages::ephemeral;
use crate::slack::blocks::{self, escape_within};
use crate::state::AppState;
use crate::store::digests;

pub async fn digest(state: &AppState, user: &str, post: bool) -> Result<Value> {
    let config = &state.config;
    if !config.is_leader(user) {
        return Ok(ephemeral(
            "Only leaders can preview or post the digest (HEROBOT_LEADERS).",
        ));
    }
    if post {
        let week = digest::last_week(config);
        return Ok(match digest::post(&state.db, config, week, user).await? {
            Posted::Posted { channel } => {
                state.outbox.notify_one();
                ephemeral(&format!(
                    ":white_check_mark: The digest for {week} is on its way to <#{channel}>."
                ))
            }
            Posted::AlreadyPosted => ephemeral(&format!(
                "The digest for {week} was already posted: it goes out once a week."
            )),
            Posted::NoChannel => {
                ephemeral("No digest channel is configured: set HEROBOT_DIGEST_CHANNEL.")
            }
        });
    }
    let now = clock::now_secs();
    let week = IsoWeek::of(jiff::Timestamp::now(), &config.timezone);
    // Up to and including this second.
    let (_, mut message) = digest::build(&state.db, config, week, Some(now + 1)).await?;
    message["response_type"] = json!("ephemeral");
    if let Some(blocks) = message["blocks"].as_array_mut() {
        blocks.insert(
            0,
            blocks::context(&["Preview of this week so far: only you can see it.".into()]),
        );
    }
    Ok(message)
}

pub async fn top(state: &AppState, period: Period) -> Result<Value> {
    let (days, label) = match period {
        Period::Week => (7, "the last 7 days"),
        Period::Month => (30, "the last 30 days"),
        Period::Quarter => (91, "the last 3 months"),
        Period::Year => (365, "the last 12 months"),
    };
    let now = clock::now_secs();
    let (nominations, stories) = digests::period(&state.db, now - days * 86_400, now + 1).await?;
    let heroes = rank_heroes(&nominations, &stories);
    if heroes.is_empty() {
        return Ok(ephemeral(&format!(
            "No one has been recognised in {label} yet. Be the first: `/hero @name for what they did`."
        )));
    }
    let mut text = format!("*Most recognised heroes, {label}*");
    for (rank, h) in heroes.iter().take(10).enumerate() {
        let times = if h.recognitions == 1 {
            "once".to_owned()
        } else {
            format!("{} times", h.recognitions)
        };
        text.push_str(&format!(
            "\n{}. <@{}> ({times}) — {}",
            rank + 1,
            h.hero,
            escape_within(&h.reason.replace('\n', " "), 200)
        ));
    }
    Ok(json!({"response_type": "ephemeral", "text": blocks::truncate(&text, 3000)}))
}
