//! The plan's recognitions, stories and chatter in #general, at moments drawn from the seed.
use super::report_card::report_card;
use super::{Act, DAY, DAYS, HOUR, Step};
use crate::demo::cast::{self, LEADER, PEOPLE};
use crate::demo::samples::{CHATTER, REASONS, STORIES as STORY_TEXTS};

fn mention(id: &str) -> String {
    let handle = cast::by_id(id).map(|p| p.handle).unwrap_or("someone");
    format!("<@{id}|{handle}>")
}

/// Draws `n` different people, none of them `not`.
fn pick_people(rng: &mut fastrand::Rng, n: usize, not: &str) -> Vec<&'static str> {
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

/// The stories told last week (by sample): enough for the digest's scorecard to show
/// percentages (`HEROBOT_MIN_SAMPLE`, 5 by default), fixed fast and slow, with and without a
/// surprise.
const LAST_WEEKS_STORIES: [usize; 6] = [0, 2, 4, 6, 9, 10];
/// The stories told the week before: enough again, so the scorecard's trend is a line and the
/// digest's change against the week before means something.
const WEEK_BEFORES_STORIES: [usize; 5] = [1, 3, 5, 7, 8];
/// Days ago before which the rest of the sample data happens: before last week, whatever the
/// weekday today.
const EARLIER: i64 = 15;

/// Monday 00:00 UTC of the ISO week before the one `now` is in: the week the digest covers.
fn last_week_start(now: i64) -> i64 {
    let days = now.div_euclid(DAY);
    // 1 January 1970 was a Thursday, three days after a Monday.
    let monday = days - (days + 3).rem_euclid(7);
    (monday - 7) * DAY
}

/// A working-hours moment on a weekday of last week.
fn in_last_week(rng: &mut fastrand::Rng, now: i64) -> i64 {
    in_week(rng, last_week_start(now))
}

/// A working-hours moment on a weekday of the week starting at `monday`.
fn in_week(rng: &mut fastrand::Rng, monday: i64) -> i64 {
    monday + rng.i64(0..5) * DAY + rng.i64(8..18) * HOUR + rng.i64(0..60) * 60
}

/// The sample data for `seed`, ending at `now`: the same seed and `now` give the same plan.
pub fn plan(seed: u64, now: i64) -> Vec<Step> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut steps = Vec::new();
    let nominators: Vec<&'static str> = PEOPLE.iter().map(|p| p.id).chain([LEADER.id]).collect();

    // Nominations: most typed as quick commands, some through the modal. A third of them in
    // last week, the digest's week; the last few in the past three days, so this week's
    // digest preview has something; the rest before.
    for (i, reason) in REASONS.iter().enumerate() {
        let user = nominators[rng.usize(..nominators.len())];
        let n = if rng.u8(..4) == 0 { 2 } else { 1 };
        let heroes = pick_people(&mut rng, n, user);
        let at = match i {
            25.. => {
                let days_ago = rng.i64(0..3);
                moment(&mut rng, now, days_ago)
            }
            15..25 => in_last_week(&mut rng, now),
            _ => {
                let days_ago = rng.i64(EARLIER..DAYS);
                moment(&mut rng, now, days_ago)
            }
        };
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
        let heroes = pick_people(&mut rng, n, user);
        let told = if LAST_WEEKS_STORIES.contains(&story) {
            in_last_week(&mut rng, now)
        } else if WEEK_BEFORES_STORIES.contains(&story) {
            in_week(&mut rng, last_week_start(now) - 7 * DAY)
        } else {
            let days_ago = rng.i64(EARLIER..DAYS);
            moment(&mut rng, now, days_ago)
        };
        let happened_at = told - sample.hours_to_fix * HOUR - rng.i64(1..6) * HOUR;
        let mut declined = false;
        for hero in &heroes {
            // A third agree, a sixth decline, the rest have not answered yet.
            let grant = match rng.u8(..6) {
                0 | 1 => Some(true),
                2 => Some(false),
                _ => None,
            };
            declined |= grant == Some(false);
            if let Some(grant) = grant {
                let at = (told + rng.i64(1..30) * HOUR).min(now - 60);
                steps.push(Step {
                    at,
                    act: Act::Consent { hero, story, grant },
                });
            }
        }
        // The leader features the blown-away stories no hero asked to keep inside: herobot
        // refuses the others.
        if sample.reaction == "blown_away" && !declined {
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
        let about = pick_people(&mut rng, 1, user)[0];
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::seed::{DEFAULT_SEED, is_card};

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

    #[test]
    fn last_week_is_the_iso_week_before_nows_whatever_the_day() {
        // Monday 16 November 2026 00:00 UTC.
        let monday = 1_794_787_200;
        for now in [
            monday + 7 * DAY,
            monday + 7 * DAY + 5,
            monday + 14 * DAY - 1,
        ] {
            assert_eq!(last_week_start(now), monday, "{now}");
        }
    }

    #[test]
    fn last_week_has_heroes_and_enough_stories_for_percentages_on_any_day() {
        for now in (0..7).map(|d| NOW + d * DAY + d * 3 * HOUR) {
            let start = last_week_start(now);
            let steps = plan(DEFAULT_SEED, now);
            let in_week = |s: &&Step| s.at >= start && s.at < start + 7 * DAY;
            let stories = steps
                .iter()
                .filter(in_week)
                .filter(|s| matches!(s.act, Act::Story { .. }))
                .count();
            let before = steps
                .iter()
                .filter(|s| s.at >= start - 7 * DAY && s.at < start)
                .filter(|s| matches!(s.act, Act::Story { .. }))
                .count();
            assert!(before >= 5, "{before} stories the week before");
            let nominations = steps
                .iter()
                .filter(in_week)
                .filter(|s| matches!(s.act, Act::Command { .. } | Act::NominationModal { .. }))
                .count();
            assert!(stories >= 5, "{stories} stories last week");
            assert!(nominations >= 8, "{nominations} nominations last week");
        }
    }

    #[test]
    fn no_reason_is_given_twice() {
        let mut reasons: Vec<&str> = REASONS.iter().map(|r| r.text).collect();
        reasons.sort();
        reasons.dedup();
        assert_eq!(reasons.len(), REASONS.len());
        let steps = plan(DEFAULT_SEED, NOW);
        let given = steps
            .iter()
            .filter(|s| matches!(s.act, Act::Command { .. } | Act::NominationModal { .. }))
            .count();
        assert_eq!(given, REASONS.len(), "each reason once");
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
}
