//! Combining: a burst of celebrations waiting for one channel goes out as a roll-up, and a hero's
//! recognition DMs within a minute go out as one. Stories are never combined.
use crate::store::Db;
use std::collections::VecDeque;

use serde_json::Value;

use super::queue::Queued;
use crate::domain::outbox::{Content, Render};
use crate::messages::rollup;
use crate::slack::client::Failure;
use crate::store::nominations;
use crate::store::outbox::{Claimed, Combinable, overlay};

/// Most celebrations in one roll-up (one section each, within Slack's 50 blocks).
pub const ROLLUP_MAX: usize = 25;
/// Most recognitions in one combined DM.
pub const DM_MAX: usize = 20;

/// The messages to send together from the head of a lane's queue: celebrations are rolled up
/// when more are due than the lane's pace clears in a minute; a hero's DMs are combined when
/// `combine_dms`. Otherwise the head alone.
pub fn group(
    queue: &VecDeque<Queued>,
    now_ms: i64,
    clears_in_a_minute: usize,
    combine_dms: bool,
) -> Vec<i64> {
    let Some(head) = queue.front() else {
        return Vec::new();
    };
    let due = |q: &&Queued| q.not_before_ms <= now_ms;
    // Whether more than `clears_in_a_minute` celebrations are due: counted only that far, so a
    // lane with a long backlog costs no more to look at than a short one.
    let more_due_than = |kind, n: usize| {
        queue
            .iter()
            .filter(|q| q.combinable == kind)
            .filter(due)
            .take(n + 1)
            .count()
            > n
    };
    let (kind, max) = match head.combinable {
        Combinable::Celebration if more_due_than(Combinable::Celebration, clears_in_a_minute) => {
            (Combinable::Celebration, ROLLUP_MAX)
        }
        Combinable::HeroDm if combine_dms => (Combinable::HeroDm, DM_MAX),
        _ => return vec![head.id],
    };
    queue
        .iter()
        .take_while(|q| q.combinable == kind && due(q))
        .take(max)
        .map(|q| q.id)
        .collect()
}

/// The body of several claimed messages sent as one: a roll-up, or a combined DM, from the
/// nominations they are about, with the first's delivery fields.
pub async fn body(db: &Db, claimed: &[Claimed]) -> Result<Value, Failure> {
    let first = claimed
        .first()
        .ok_or_else(|| Failure::Permanent("nothing to combine".into()))?;
    let mut nominations = Vec::with_capacity(claimed.len());
    for c in claimed {
        let id = match &c.message.content {
            Content::Rendered(
                Render::Celebration { nomination } | Render::HeroDm { nomination, .. },
            ) => nomination.get(),
            _ => continue,
        };
        let stored = nominations::get(db, id)
            .await
            .map_err(|e| Failure::Transient(format!("reading nomination {id}: {e}")))?;
        nominations.extend(stored.map(|s| s.nomination));
    }
    let body = match &first.message.content {
        Content::Rendered(Render::HeroDm { hero, .. }) => {
            rollup::recognitions_dm(hero, &nominations)
        }
        Content::Rendered(Render::Celebration { .. }) => rollup::rollup(&nominations),
        other => {
            return Err(Failure::Permanent(format!(
                "{other:?} messages are not combined"
            )));
        }
    };
    Ok(overlay(body, first.message.delivery.fields()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(kinds: &[(Combinable, i64)]) -> VecDeque<Queued> {
        kinds
            .iter()
            .enumerate()
            .map(|(i, (combinable, not_before_ms))| Queued {
                id: i as i64 + 1,
                not_before_ms: *not_before_ms,
                combinable: *combinable,
            })
            .collect()
    }

    #[test]
    fn celebrations_are_rolled_up_only_past_what_a_minute_clears() {
        let few = queue(&[(Combinable::Celebration, 0); 5]);
        assert_eq!(group(&few, 10, 60, false), vec![1]);
        let burst = queue(&[(Combinable::Celebration, 0); 100]);
        assert_eq!(group(&burst, 10, 60, false), (1..=25).collect::<Vec<_>>());
    }

    #[test]
    fn a_roll_up_stops_at_a_story_or_a_message_not_yet_due() {
        let mut kinds = vec![(Combinable::Celebration, 0); 70];
        kinds[3] = (Combinable::No, 0);
        assert_eq!(group(&queue(&kinds), 10, 60, false), vec![1, 2, 3]);
        kinds[3] = (Combinable::Celebration, 99);
        assert_eq!(group(&queue(&kinds), 10, 60, false), vec![1, 2, 3]);
    }

    #[test]
    fn dms_are_combined_only_when_asked() {
        let dms = queue(&[(Combinable::HeroDm, 0); 30]);
        assert_eq!(group(&dms, 10, 60, false), vec![1]);
        assert_eq!(group(&dms, 10, 60, true).len(), DM_MAX);
    }
}
