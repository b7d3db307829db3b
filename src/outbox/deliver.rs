//! Delivering: one attempt at a claimed message through Slack's Web API, and what became of it.
use crate::store::Db;
use std::time::Duration;

use serde_json::json;

use super::{Context, combine, render};
use crate::clock::Clock;
use crate::config::OutboxSettings;
use crate::domain::outbox::Delivery;
use crate::slack::client::{Failure, SlackClient};
use crate::store::outbox::Claimed;

/// What became of one delivery attempt.
#[derive(Debug)]
pub(super) enum Outcome {
    Sent(String),
    Retry {
        at_ms: i64,
        error: String,
        attempted: bool,
        pause: Option<Duration>,
    },
    Failed(String),
}

/// One attempt at one message, or at several sent as one.
pub(super) async fn deliver(
    db: &Db,
    context: &Context,
    slack: &SlackClient,
    claimed: &[Claimed],
    settings: &OutboxSettings,
    clock: &Clock,
) -> Outcome {
    let message = &claimed[0];
    let body = match claimed {
        [one] => render::body(db, context, clock, one).await,
        several => combine::body(db, several).await,
    };
    let result = match body {
        Err(failure) => Err(failure),
        Ok(body) => {
            // A forgotten person's mention reads "a former colleague" in whatever is sent.
            let body = crate::domain::forgotten::readable(&body.to_string());
            match &message.message.delivery {
                Delivery::Post { .. } => slack.post_message(&body).await,
                Delivery::Update { .. } => slack.update_message(&body).await,
                Delivery::Publish { .. } => slack.publish_view(&body).await,
                Delivery::Respond { url, .. } => slack.respond(url, &body).await,
            }
        }
    };
    let now_ms = clock.now_ms();
    match result {
        Ok(answer) => Outcome::Sent(
            json!({"channel": answer.get("channel"), "ts": answer.get("ts")}).to_string(),
        ),
        Err(Failure::Permanent(error)) => Outcome::Failed(error),
        Err(Failure::RateLimited(after)) => {
            // A hostile or broken Retry-After (hours, or years) must not park the lane for good.
            let wait = after
                .unwrap_or(settings.base_backoff)
                .min(settings.max_retry_after);
            Outcome::Retry {
                at_ms: later(now_ms, wait),
                error: "rate limited".into(),
                attempted: false,
                pause: Some(wait),
            }
        }
        Err(Failure::Transient(error)) => {
            let attempt = u32::try_from(message.attempts)
                .unwrap_or(u32::MAX)
                .saturating_add(1);
            if attempt >= settings.max_attempts {
                Outcome::Failed(format!("gave up after {attempt} attempts: {error}"))
            } else {
                let wait = backoff(settings, attempt);
                Outcome::Retry {
                    at_ms: later(now_ms, wait),
                    error,
                    attempted: true,
                    pause: None,
                }
            }
        }
    }
}

/// `wait` after unix millisecond `now_ms`, saturating rather than overflowing.
fn later(now_ms: i64, wait: Duration) -> i64 {
    now_ms.saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX))
}

/// Exponential backoff for the `attempt`-th failure, with jitter over its upper half.
fn backoff(settings: &OutboxSettings, attempt: u32) -> Duration {
    let exp = settings
        .base_backoff
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
    let cap = exp.min(settings.max_backoff);
    cap.mul_f64(0.5 + fastrand::f64() / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_wait_saturates_instead_of_overflowing() {
        assert_eq!(later(i64::MAX - 5, Duration::from_secs(u64::MAX)), i64::MAX);
        assert_eq!(later(1_000, Duration::from_millis(500)), 1_500);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let settings = OutboxSettings {
            base_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
            ..OutboxSettings::default()
        };
        for _ in 0..100 {
            let first = backoff(&settings, 1);
            assert!(
                first >= Duration::from_secs(1) && first <= Duration::from_secs(2),
                "{first:?}"
            );
            let third = backoff(&settings, 3);
            assert!(
                third >= Duration::from_secs(4) && third <= Duration::from_secs(8),
                "{third:?}"
            );
            let late = backoff(&settings, 30);
            assert!(
                late >= Duration::from_secs(30) && late <= Duration::from_secs(60),
                "{late:?}"
            );
        }
    }
}
