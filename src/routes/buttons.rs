//! Buttons on herobot's messages: a hero's consent choice, and Feature on a story post. Each
//! changes state at most once however often it is pressed, and answers through the outbox.
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::clock;
use crate::domain::Consent;
use crate::error::Result;
use crate::messages::story::{CONSENT_DECLINE, CONSENT_GRANT, FEATURE, UNFEATURE};
use crate::slack::payload::BlockActions;
use crate::state::AppState;
use crate::store::batch::NewMessage;
use crate::store::{outbox, stories};

pub async fn pressed(state: &AppState, pressed: BlockActions) -> Result<Response> {
    for action in &pressed.actions {
        let story_id = action.value.as_deref().and_then(|v| v.parse::<i64>().ok());
        match (action.action_id.as_str(), story_id) {
            (CONSENT_GRANT, Some(id)) => consent(state, &pressed, id, Consent::Granted).await?,
            (CONSENT_DECLINE, Some(id)) => consent(state, &pressed, id, Consent::Declined).await?,
            (FEATURE, Some(id)) => feature(state, &pressed, id, true).await?,
            (UNFEATURE, Some(id)) => feature(state, &pressed, id, false).await?,
            (other, _) => tracing::debug!(action_id = other, "unknown action acknowledged"),
        }
    }
    Ok(().into_response())
}

/// Records a hero's choice and, if it changed, updates their DM to show it.
async fn consent(
    state: &AppState,
    pressed: &BlockActions,
    story_id: i64,
    consent: Consent,
) -> Result<()> {
    let hero = &pressed.user.id;
    let mut tx = state.db.begin_with("BEGIN IMMEDIATE").await?;
    if !stories::set_consent(&mut *tx, story_id, hero, consent, clock::now_secs()).await? {
        return Ok(());
    }
    if let Some(url) = &pressed.response_url {
        let update = NewMessage {
            method: "response_url",
            lane: hero.clone(),
            url: Some(url.clone()),
            payload: json!({"replace_original": true}).to_string(),
            render: Some("consent_dm"),
        };
        outbox::enqueue(&mut *tx, &[update], Some(story_id), clock::now_ms()).await?;
    }
    tx.commit().await?;
    tracing::info!(
        story = story_id,
        consent = consent.as_str(),
        "consent recorded"
    );
    state.outbox.notify_one();
    Ok(())
}

/// Marks a story featured (leaders only) and updates the post to show it.
async fn feature(
    state: &AppState,
    pressed: &BlockActions,
    story_id: i64,
    featured: bool,
) -> Result<()> {
    let user = &pressed.user.id;
    let channel = pressed
        .channel
        .as_ref()
        .map(|c| c.id.clone())
        .unwrap_or_default();
    // The change does not depend on the response_url; showing it does.
    let reply = |payload: serde_json::Value, render| {
        pressed.response_url.as_ref().map(|url| NewMessage {
            method: "response_url",
            lane: channel.clone(),
            url: Some(url.clone()),
            payload: payload.to_string(),
            render,
        })
    };
    let mut tx = state.db.begin_with("BEGIN IMMEDIATE").await?;
    let message = if !state.config.is_leader(user) {
        reply(
            json!({
                "response_type": "ephemeral",
                "replace_original": false,
                "text": "Only leaders can feature stories. Ask one of your leaders if this story deserves a stage.",
            }),
            None,
        )
    } else if stories::set_featured(&mut *tx, story_id, featured, user, clock::now_secs()).await? {
        reply(json!({"replace_original": true}), Some("story_post"))
    } else {
        return Ok(());
    };
    if let Some(message) = message {
        outbox::enqueue(&mut *tx, &[message], Some(story_id), clock::now_ms()).await?;
    }
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(())
}
