//! Marketing's report card in the demo: six months of rounds planned, then carried out.
use anyhow::Context;

use super::answers::{Field, submitted};
use super::run::{Seeded, find_button, refused, settle, user};
use super::{Act, DAY, HOUR, LEFT_TO_THE_VISITOR, RATERS, ROUND_TIME, ROUNDS, Step};
use crate::actions::{self, Pressed};
use crate::demo::cast::{self, LEADER, REVIEW};
use crate::demo::samples::{CARD_ACTIONS, CARD_COMMENTS, DELIVERABLES, SUPPLIER};
use crate::demo::wire::Wire;
use crate::domain::report_card::{Month, OPEN_FOR_DAYS, REMIND_AFTER_DAYS};
use crate::domain::{ActionItemId, Element, RoundId};
use crate::modals;
use crate::slack::payload::Values;
use crate::state::AppState;

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
pub(super) fn report_card(seed: u64, now: i64) -> Vec<Step> {
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
            // One comment per rater, as the modal takes one: the next rater without one.
            let start = rng.usize(..answers.len());
            let by = (0..answers.len())
                .map(|i| (start + i) % answers.len())
                .find(|&i| answers[i].3.is_empty())
                .unwrap_or(start);
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

/// A step of the report card's six months, through the modals and actions Slack's requests
/// reach.
pub(super) async fn card_step(
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
                    ("supplier", Field::Text(SUPPLIER)),
                    ("raters", Field::Users(&RATERS)),
                    ("deliverables", Field::Text(&deliverables)),
                    ("review_channel", Field::Conversation(REVIEW.id)),
                    ("comments", Field::Choice("anonymous")),
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
            let view = modals::rating::view(&card, round_id, *month, &earlier, None);
            let metadata = modals::rating::Metadata::read(
                view["private_metadata"].as_str().unwrap_or_default(),
            )
            .context("the rating modal carries its round")?;
            let values: Vec<String> = ratings.iter().map(u8::to_string).collect();
            let blocks: Vec<String> = (1..=ratings.len()).map(|i| format!("rating_{i}")).collect();
            let mut answers: Vec<(&str, Field<'_>)> = Vec::new();
            for (i, rating) in blocks.iter().enumerate() {
                answers.push((rating.as_str(), Field::Choice(&values[i])));
            }
            // The modal has one comment, about one deliverable.
            let about = comments
                .first()
                .and_then(|(d, text)| Some((card.deliverables.get(*d)?.id.to_string(), *text)));
            if let Some((id, text)) = &about {
                answers.push(("comment", Field::Text(text)));
                answers.push(("comment_about", Field::Choice(id)));
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
                    ("what", Field::Text(item.what)),
                    ("owner", Field::User(item.owner)),
                    ("due", Field::Date(&due)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::seed::{DEFAULT_SEED, is_card, plan};

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
}
