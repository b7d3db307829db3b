//! Departed accounts (`HEROBOT_FORGET_DEPARTED_AFTER_DAYS`): Slack says an account was
//! deactivated (a `user_change` event, or the daily reading of `users.list` that catches missed
//! events) and herobot notes when; a reactivated account is cleared; and once an account has
//! been gone that many days, its person is forgotten, as `herobot forget` does.
use crate::store::Conn;
use std::time::Duration;

use crate::domain::UserId;
use crate::domain::audit::Actor;
use crate::error::Result;
use crate::slack::client::Failure;
use crate::state::AppState;
use crate::store::{Work, departures, requests};

/// What Slack said about an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// `deleted: true`: deactivated.
    Deactivated(UserId),
    /// `deleted: false`: active (again, if it was deactivated).
    Active(UserId),
}

/// Slack delivered the event `key` about `account`: recorded, so a retried delivery is a no-op;
/// the first time, with departures tracked, a deactivated account herobot holds something about
/// is marked (once: the first time counts) and an active one cleared. Answers whether the
/// event was new.
pub async fn account_changed(app: &AppState, key: String, account: Account) -> Result<bool> {
    let now = app.clock.now_secs();
    let tracked = app.config.forget_departed_after_days.is_some();
    app.writes
        .run(Work::new(move |conn| {
            Box::pin(async move {
                if !requests::record(&mut *conn, &key, now).await? {
                    return Ok(false);
                }
                if tracked {
                    note(conn, &account, now).await?;
                }
                Ok(true)
            })
        }))
        .await
        .map_err(Into::into)
}

/// Marks or clears `account` in the open transaction.
async fn note(
    conn: &mut Conn<'_>,
    account: &Account,
    now: i64,
) -> std::result::Result<(), sqlx::Error> {
    match account {
        Account::Deactivated(user) => {
            if departures::known(&mut *conn, user.as_str()).await?
                && departures::mark(conn, user.as_str(), now).await?
            {
                tracing::info!("an account herobot knows was deactivated; it will be forgotten");
            }
        }
        Account::Active(user) => {
            if departures::clear(conn, user.as_str()).await? {
                tracing::info!("a deactivated account came back; it will not be forgotten");
            }
        }
    }
    Ok(())
}

/// People per `users.list` page (Slack's advice for a large workspace).
const PAGE: &str = "200";
/// Times a page is asked again after Slack said to slow down.
const RATE_LIMITED_TRIES: usize = 3;

/// Reads every account from `users.list`, page by page (`cursor`), and marks or clears each as
/// an event would: the daily catch-up for events that never arrived. Answers the accounts read.
pub async fn reconcile(app: &AppState) -> anyhow::Result<usize> {
    let mut cursor = String::new();
    let mut read = 0;
    loop {
        let page = users_page(app, &cursor).await?;
        let accounts: Vec<Account> = page["members"]
            .as_array()
            .ok_or_else(|| anyhow::anyhow!("users.list gave no members"))?
            .iter()
            .filter_map(|m| {
                let user = UserId::parse(m["id"].as_str()?)?;
                Some(match m["deleted"].as_bool().unwrap_or(false) {
                    true => Account::Deactivated(user),
                    false => Account::Active(user),
                })
            })
            .collect();
        read += accounts.len();
        let now = app.clock.now_secs();
        let mut tx = app.writes.begin().await?;
        for account in &accounts {
            note(&mut tx, account, now).await?;
        }
        tx.commit().await?;
        cursor = page["response_metadata"]["next_cursor"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if cursor.is_empty() {
            return Ok(read);
        }
    }
}

/// One page of `users.list`, waiting as Slack asks when it is rate limited.
async fn users_page(app: &AppState, cursor: &str) -> anyhow::Result<serde_json::Value> {
    let mut tries = 0;
    loop {
        match app
            .slack
            .call_form("users.list", &[("limit", PAGE), ("cursor", cursor)])
            .await
        {
            Ok(page) => return Ok(page),
            Err(Failure::RateLimited(wait)) if tries < RATE_LIMITED_TRIES => {
                tries += 1;
                let wait = wait.unwrap_or(Duration::from_secs(30));
                tokio::time::sleep(wait.min(Duration::from_secs(120))).await;
            }
            Err(err) => anyhow::bail!("users.list failed: {err}"),
        }
    }
}

/// Forgets everyone whose account has been deactivated for `days` days or more, each in a
/// forget of its own (its audit row says `schedule`). Answers how many were forgotten.
pub async fn forget_due(app: &AppState, days: u32) -> Result<usize> {
    let before = app
        .clock
        .now_secs()
        .saturating_sub(i64::from(days) * 86_400);
    let due = departures::due(&app.db, before).await?;
    for user in &due {
        // Only parsed IDs are marked; one read back is trusted as such.
        let user = UserId::stored(user.clone());
        super::forget::forget(app, &user, true, Actor::Schedule).await?;
    }
    if !due.is_empty() {
        tracing::info!(
            people = due.len(),
            days,
            "forgot people whose accounts were deactivated"
        );
    }
    Ok(due.len())
}
