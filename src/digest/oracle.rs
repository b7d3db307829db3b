//! Test support: the in-memory reference that the store's counting and ranking in SQL is
//! tested against (the digest of a week's records, the heroes' ranking, the story of the week,
//! the weekly scorecards), and a story to test with. Nothing in the service calls it; the
//! architecture test keeps it so.
use std::collections::HashMap;

use jiff::tz::TimeZone;

use super::content::Digest;
use crate::domain::calendar::IsoWeek;
use crate::domain::scorecard::{Counts, HeroLine, STORY_WEEKS, Scorecard, WeekScore};
use crate::domain::story::within_window;
use crate::domain::{Consent, CustomerKind, Reaction, Story, UserId};

/// A nomination as the digest needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominationFact {
    pub heroes: Vec<String>,
    pub reason: String,
    pub created_at: i64,
}

/// Everything the digest of one week is made from.
#[derive(Debug, Clone, Default)]
pub struct WeekData {
    pub nominations: Vec<NominationFact>,
    pub stories: Vec<Story>,
    /// The week before, for the change shown in the headline.
    pub previous: Counts,
}

/// The scorecard of `stories` held in memory.
pub fn scorecard_of(stories: &[Story], target_recovery_24h: u8, target_surprise: u8) -> Scorecard {
    let count = |f: &dyn Fn(&Story) -> bool| stories.iter().filter(|s| f(s)).count();
    Scorecard {
        stories: stories.len(),
        within_24h: count(&|s| within_window(s.recovery_secs())),
        surprised: count(&|s| s.surprise.is_some()),
        blown_away: count(&|s| s.blown_away()),
        customer_answers: count(&|s| s.customer_answer.is_some()),
        internal: count(&|s| s.customer_kind == CustomerKind::Internal),
        external: count(&|s| s.customer_kind == CustomerKind::External),
        target_recovery_24h,
        target_surprise,
        min_sample: 0,
    }
}

/// The digest of a week's records held in memory: the reference the store's counting and
/// ranking in SQL ([`crate::store::digests`]) is tested against.
pub fn compute(
    week: IsoWeek,
    data: WeekData,
    target_recovery_24h: u8,
    target_surprise: u8,
) -> Digest {
    let heroes = rank_heroes(&data.nominations, &data.stories);
    let counts = Counts {
        nominations: data.nominations.len(),
        heroes: heroes.len(),
        stories: data.stories.len(),
    };
    let scorecard = scorecard_of(&data.stories, target_recovery_24h, target_surprise);
    let story_of_the_week = story_of_the_week(&data.stories).cloned();
    Digest {
        week,
        counts,
        previous: data.previous,
        story_of_the_week,
        heroes,
        scorecard,
        report_cards: Vec::new(),
        trend: Vec::new(),
    }
}

/// Heroes by how often they were recognised (nominations and stories credited), each with the
/// reason of their latest nomination (or the title of their latest story).
pub fn rank_heroes<'a>(nominations: &'a [NominationFact], stories: &'a [Story]) -> Vec<HeroLine> {
    struct Tally<'a> {
        recognitions: usize,
        /// When the reason was given, and whether it came from a nomination.
        at: (bool, i64),
        reason: &'a str,
    }
    let mut by_hero: HashMap<&str, Tally> = HashMap::new();
    let mut credit = |hero: &'a str, at: (bool, i64), reason: &'a str| {
        let tally = by_hero.entry(hero).or_insert(Tally {
            recognitions: 0,
            at: (false, i64::MIN),
            reason: "",
        });
        tally.recognitions += 1;
        // A nomination's reason says more about the person than a story's title.
        if at >= tally.at {
            (tally.at, tally.reason) = (at, reason);
        }
    };
    for n in nominations {
        for hero in &n.heroes {
            credit(hero, (true, n.created_at), &n.reason);
        }
    }
    for s in stories {
        for (hero, _) in &s.heroes {
            credit(hero, (false, s.created_at), &s.title);
        }
    }
    let mut lines: Vec<(HeroLine, i64)> = by_hero
        .into_iter()
        .map(|(hero, t)| {
            let line = HeroLine {
                hero: hero.to_owned(),
                recognitions: t.recognitions,
                reason: t.reason.to_owned(),
            };
            (line, t.at.1)
        })
        .collect();
    lines.sort_by(|(a, at_a), (b, at_b)| {
        b.recognitions
            .cmp(&a.recognitions)
            .then(at_b.cmp(at_a))
            .then(a.hero.cmp(&b.hero))
    });
    lines.into_iter().map(|(line, _)| line).collect()
}

/// The featured story if there is one (the latest featured), else the most complete, newest first.
pub fn story_of_the_week(stories: &[Story]) -> Option<&Story> {
    chosen(stories.iter())
}

/// The story of the week among the stories every credited hero agreed to tell outside Slack
/// (what the wallboard shows), chosen as [`story_of_the_week`] chooses.
pub fn shareable_story_of_the_week(stories: &[Story]) -> Option<&Story> {
    chosen(stories.iter().filter(|s| s.shareable()))
}

fn chosen<'a>(stories: impl Iterator<Item = &'a Story> + Clone) -> Option<&'a Story> {
    if let Some(featured) = stories
        .clone()
        .filter(|s| s.featured_at.is_some())
        .max_by_key(|s| (s.featured_at, s.id))
    {
        return Some(featured);
    }
    stories.max_by_key(|s| (completeness(s), s.created_at, s.id))
}

/// How much of a story there is to tell.
fn completeness(s: &Story) -> usize {
    let told = (s.what_went_wrong.chars().count() + s.how_fixed.chars().count()).min(600) / 200;
    usize::from(s.surprise.is_some()) * 2
        + usize::from(s.reaction != Reaction::Unknown)
        + usize::from(s.reaction == Reaction::BlownAway)
        + usize::from(within_window(s.recovery_secs()))
        + usize::from(s.message_permalink.is_some())
        + usize::from(!s.tags.is_empty())
        + told
}

/// Sorts `stories` into `weeks` (by when they were told, in `tz`, as the digest does) and
/// scores each week in memory: the reference [`load_with`]'s counting in SQL is tested against.
pub fn score(
    weeks: &[IsoWeek],
    tz: &TimeZone,
    mut stories: Vec<Story>,
    target_recovery_24h: u8,
    target_surprise: u8,
) -> Vec<WeekScore> {
    let storied = weeks.len().saturating_sub(STORY_WEEKS);
    weeks
        .iter()
        .enumerate()
        .map(|(i, &week)| {
            let (start, end) = week.bounds(tz);
            let (inside, rest): (Vec<Story>, Vec<Story>) = std::mem::take(&mut stories)
                .into_iter()
                .partition(|s| s.created_at >= start && s.created_at < end);
            stories = rest;
            WeekScore {
                week,
                card: scorecard_of(&inside, target_recovery_24h, target_surprise),
                story: if i >= storied {
                    shareable_story_of_the_week(&inside).cloned()
                } else {
                    None
                },
            }
        })
        .collect()
}

/// A story to test with: recovered in `recovery_hours`, with or without a surprise.
pub fn story(
    id: i64,
    recovery_hours: i64,
    surprise: bool,
    reaction: Reaction,
    kind: CustomerKind,
) -> Story {
    Story {
        id,
        team_id: "T0TEAM".into(),
        author_id: UserId::parse("U0AUTHOR").unwrap(),
        title: format!("Story {id}"),
        what_went_wrong: "Invoices went out twice".into(),
        happened_at: 1_000_000,
        fixed_at: 1_000_000 + recovery_hours * 3600,
        how_fixed: "Refunded everyone".into(),
        surprise: surprise.then(|| "A handwritten card".into()),
        customer_kind: kind,
        reaction,
        message_permalink: None,
        featured_at: None,
        featured_by: None,
        created_at: 1_000_000 + id,
        heroes: vec![(UserId::parse("U0ALICE").unwrap(), Consent::Pending)],
        tags: vec![],
        customer_answer: None,
        customer_title: None,
        thanks: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scorecard::percent;

    fn week(s: &str) -> IsoWeek {
        IsoWeek::parse(s).unwrap()
    }

    fn weeks_to(last: IsoWeek, n: usize) -> Vec<IsoWeek> {
        crate::domain::scorecard::weeks_to(last, n)
    }
    use crate::domain::CustomerKind;

    fn nomination(heroes: &[&str], reason: &str, at: i64) -> NominationFact {
        NominationFact {
            heroes: heroes.iter().map(|h| h.to_string()).collect(),
            reason: reason.into(),
            created_at: at,
        }
    }

    #[test]
    fn a_scorecard_of_no_stories_measures_nothing() {
        let card = scorecard_of(&[], 90, 80);
        assert_eq!(card.stories, 0);
        assert_eq!(percent(card.within_24h, card.stories), None);
    }

    #[test]
    fn a_scorecard_counts_recoveries_within_24_hours_surprises_and_reactions() {
        let stories = [
            story(1, 5, true, Reaction::BlownAway, CustomerKind::External),
            story(2, 24, false, Reaction::Satisfied, CustomerKind::Internal),
            story(3, 72, true, Reaction::Unknown, CustomerKind::External),
        ];
        let card = scorecard_of(&stories, 90, 80);
        assert_eq!(
            (card.within_24h, card.surprised, card.blown_away),
            (2, 2, 1)
        );
        assert_eq!((card.internal, card.external), (1, 2));
        assert_eq!(percent(card.within_24h, card.stories), Some(67));
        assert_eq!(percent(card.blown_away, card.stories), Some(33));
    }

    #[test]
    fn the_customers_own_answer_counts_over_the_tellers_report() {
        use crate::domain::{Answer, Customer, CustomerAnswer};
        let answered = |mut s: Story, answer| {
            s.customer_answer = Some(CustomerAnswer {
                answer,
                comment: None,
                answered_at: 0,
                by: Customer::Link,
            });
            s
        };
        let stories = [
            // The teller said blown away; the customer was only satisfied.
            answered(
                story(1, 5, true, Reaction::BlownAway, CustomerKind::External),
                Answer::Satisfied,
            ),
            // The teller did not know; the customer was blown away.
            answered(
                story(2, 5, true, Reaction::Unknown, CustomerKind::External),
                Answer::BlownAway,
            ),
            story(3, 5, true, Reaction::BlownAway, CustomerKind::Internal),
            story(4, 5, true, Reaction::Satisfied, CustomerKind::Internal),
            answered(
                story(5, 5, true, Reaction::BlownAway, CustomerKind::External),
                Answer::BlownAway,
            ),
            story(6, 5, true, Reaction::BlownAway, CustomerKind::External),
        ];
        let card = scorecard_of(&stories, 90, 80);
        assert_eq!((card.blown_away, card.customer_answers), (4, 3));
        assert_eq!(
            card.blown_away_line(),
            "67 % (4 of 6) · 3 confirmed by the customer"
        );
    }

    #[test]
    fn all_or_none_within_24_hours_is_100_or_0_percent() {
        let all = [
            story(1, 1, false, Reaction::Unknown, CustomerKind::External),
            story(2, 23, false, Reaction::Unknown, CustomerKind::External),
        ];
        let card = scorecard_of(&all, 90, 80);
        assert_eq!(percent(card.within_24h, card.stories), Some(100));
        let none = [story(
            1,
            25,
            false,
            Reaction::Unknown,
            CustomerKind::External,
        )];
        let card = scorecard_of(&none, 90, 80);
        assert_eq!(percent(card.within_24h, card.stories), Some(0));
    }

    #[test]
    fn heroes_are_ranked_by_recognitions_each_with_their_latest_reason() {
        let nominations = [
            nomination(&["U0BOB"], "old reason", 1),
            nomination(&["U0BOB", "U0CAROL"], "newer reason", 2),
            nomination(&["U0CAROL"], "carol's latest", 3),
            nomination(&["U0BOB"], "bob's latest", 4),
        ];
        let ranked = rank_heroes(&nominations, &[]);
        assert_eq!(
            ranked[0],
            HeroLine {
                hero: "U0BOB".into(),
                recognitions: 3,
                reason: "bob's latest".into()
            }
        );
        assert_eq!(
            ranked[1],
            HeroLine {
                hero: "U0CAROL".into(),
                recognitions: 2,
                reason: "carol's latest".into()
            }
        );
    }

    #[test]
    fn a_hero_only_credited_in_a_story_is_listed_with_its_title() {
        let ranked = rank_heroes(
            &[],
            &[story(
                7,
                3,
                true,
                Reaction::BlownAway,
                CustomerKind::External,
            )],
        );
        assert_eq!(
            ranked,
            [HeroLine {
                hero: "U0ALICE".into(),
                recognitions: 1,
                reason: "Story 7".into()
            }]
        );
    }

    #[test]
    fn the_featured_story_is_the_story_of_the_week_else_the_most_complete() {
        let plain = story(1, 48, false, Reaction::Unknown, CustomerKind::External);
        let rich = story(2, 3, true, Reaction::BlownAway, CustomerKind::External);
        let mut featured = story(3, 48, false, Reaction::Unknown, CustomerKind::Internal);
        assert_eq!(
            story_of_the_week(&[plain.clone(), rich.clone()])
                .unwrap()
                .id,
            2
        );
        featured.featured_at = Some(5);
        assert_eq!(story_of_the_week(&[plain, rich, featured]).unwrap().id, 3);
        assert!(story_of_the_week(&[]).is_none());
    }

    #[test]
    fn an_empty_week_is_empty() {
        let digest = compute(
            IsoWeek {
                year: 2026,
                week: 47,
            },
            WeekData::default(),
            90,
            80,
        );
        assert!(digest.is_empty());
        assert_eq!(digest.counts, Counts::default());
    }

    #[test]
    fn each_story_counts_in_the_week_it_was_told() {
        let tz = TimeZone::UTC;
        let weeks = weeks_to(week("2026-W47"), 2);
        let (w46, _) = weeks[0].bounds(&tz);
        let (w47, end) = weeks[1].bounds(&tz);
        let at = |mut s: Story, t: i64| {
            s.created_at = t;
            s
        };
        let stories = vec![
            at(
                story(1, 5, true, Reaction::BlownAway, CustomerKind::External),
                w46,
            ),
            at(
                story(2, 30, false, Reaction::Unknown, CustomerKind::Internal),
                w47 - 1,
            ),
            at(
                Story {
                    heroes: vec![(UserId::parse("U0ALICE").unwrap(), Consent::Granted)],
                    ..story(3, 2, true, Reaction::Satisfied, CustomerKind::Internal)
                },
                w47,
            ),
            at(
                story(4, 2, true, Reaction::Satisfied, CustomerKind::Internal),
                end,
            ),
        ];
        let scored = score(&weeks, &tz, stories, 90, 80);
        assert_eq!(scored[0].card.stories, 2);
        assert_eq!(scored[0].recovered(), Some(50));
        assert_eq!((scored[0].card.internal, scored[0].card.external), (1, 1));
        assert_eq!(scored[1].card.stories, 1);
        assert_eq!(scored[1].story.as_ref().map(|s| s.id), Some(3));
        assert_eq!(scored[1].blown_away(), Some(0));
    }
}
