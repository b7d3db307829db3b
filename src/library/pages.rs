//! The library's web pages: what each shows, rendered by auto-escaping templates.
use std::collections::HashMap;

use askama::Template;
use jiff::tz::TimeZone;

use crate::domain::story::{duration_in_words, not_featurable, recovery_in_words};
use crate::domain::text::{listed, with_names};
use crate::domain::{Consent, Customer, Story};

/// What every page shares: where the library lives, and the session's CSRF token if signed in.
pub struct Layout {
    /// The library's path, such as `/library`.
    pub base: String,
    pub csrf: Option<String>,
}

/// A page of explanation: how to sign in, a link that no longer works, a story not found.
#[derive(Template)]
#[template(path = "library/message.html")]
pub struct Message {
    pub layout: Layout,
    pub heading: String,
    pub paragraphs: Vec<String>,
}

/// One choice of a filter's menu.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    /// `options` as (value, label), after an "any" choice; `current` is selected.
    pub fn menu(any: &str, options: Vec<(String, String)>, current: &str) -> Vec<Choice> {
        std::iter::once((String::new(), any.to_owned()))
            .chain(options)
            .map(|(value, label)| Choice {
                selected: value == current,
                value,
                label,
            })
            .collect()
    }
}

/// The values the filter form shows, as typed.
#[derive(Default)]
pub struct FormValues {
    pub q: String,
    pub since: String,
    pub until: String,
    pub featured: bool,
    /// Some filter besides the words is set: the filters show open.
    pub narrowed: bool,
}

/// A story in the list.
pub struct ListedStory {
    pub id: i64,
    pub title: String,
    pub heroes: String,
    pub date: String,
    pub recovery: String,
    pub excerpt: String,
    pub featured: bool,
    pub consent: ConsentState,
}

/// Whether a story may be told outside Slack, in words that tell the three states apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentState {
    /// The badge's class: `outside`, `waiting` or `kept`.
    pub class: &'static str,
    /// "may be told outside", "waiting for Ana and Bo", "kept inside by Cy".
    pub words: String,
}

impl ConsentState {
    /// A hero who asked to keep the story inside decides it, whoever else has answered; else
    /// anyone who has not answered yet.
    pub fn of(s: &Story, names: &HashMap<String, String>) -> Self {
        let who = |consent: Consent| -> Vec<String> {
            s.heroes
                .iter()
                .filter(|(_, c)| *c == consent)
                .map(|(id, _)| name(names, id))
                .collect()
        };
        let declined = who(Consent::Declined);
        let pending = who(Consent::Pending);
        if !declined.is_empty() {
            Self {
                class: "kept",
                words: format!("kept inside by {}", listed(&declined)),
            }
        } else if !pending.is_empty() {
            Self {
                class: "waiting",
                words: format!("waiting for {}", listed(&pending)),
            }
        } else if s.shareable() {
            Self {
                class: "outside",
                words: "may be told outside".to_owned(),
            }
        } else {
            // No hero credited: nobody can agree.
            Self {
                class: "waiting",
                words: "waiting for a hero to be credited".to_owned(),
            }
        }
    }
}

/// The story list with its filters.
#[derive(Template)]
#[template(path = "library/list.html")]
pub struct List {
    pub layout: Layout,
    pub form: FormValues,
    pub categories: Vec<Choice>,
    pub customers: Vec<Choice>,
    pub heroes: Vec<Choice>,
    pub consents: Vec<Choice>,
    pub error: Option<String>,
    pub stories: Vec<ListedStory>,
    /// "3 stories", "Stories 26–50", or "No stories match."
    pub count: String,
    /// The current filters as a query string ending in `&` (or empty), for the downloads.
    pub download_query: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// A hero's name with their consent, in words.
pub struct HeroConsent {
    pub name: String,
    pub consent: &'static str,
}

/// Everything about one story.
pub struct StoryView {
    pub id: i64,
    pub title: String,
    pub featured: bool,
    pub featured_note: String,
    pub consent: ConsentState,
    /// Why the story cannot be featured (a hero asked to keep it inside), instead of the button.
    pub not_featurable: Option<String>,
    pub consents: Vec<HeroConsent>,
    pub author: String,
    pub told: String,
    pub happened: String,
    pub fixed: String,
    pub recovery: String,
    pub customer: String,
    pub reaction: &'static str,
    /// The customer's own answer, with their comment and when and how it came.
    pub customer_answer: Option<String>,
    pub customer_comment: Option<String>,
    pub tags: String,
    pub permalink: Option<String>,
    pub what_went_wrong: String,
    pub how_fixed: String,
    pub surprise: String,
}

#[derive(Template)]
#[template(path = "library/story.html")]
pub struct StoryPage {
    pub layout: Layout,
    pub s: StoryView,
}

fn name(names: &HashMap<String, String>, id: &str) -> String {
    names.get(id).cloned().unwrap_or_else(|| id.to_owned())
}

/// The start of `text`, cut at a word near `max` characters.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end())
}

/// How many stories a page shows: all of them, or which of more.
pub fn count(first: usize, shown: usize, more: bool) -> String {
    match (shown, first, more) {
        (0, _, _) => "No stories match.".to_owned(),
        (1, 1, false) => "1 story".to_owned(),
        (n, 1, false) => format!("{n} stories"),
        (n, first, _) => format!("Stories {first}–{}", first + n - 1),
    }
}

/// `text` with its first letter in upper case.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

impl ListedStory {
    pub fn new(s: &Story, names: &HashMap<String, String>, tz: &TimeZone) -> Self {
        Self {
            id: s.id,
            title: with_names(&s.title, names),
            heroes: s
                .heroes
                .iter()
                .map(|(id, _)| name(names, id))
                .collect::<Vec<_>>()
                .join(", "),
            date: crate::clock::local(s.happened_at, tz, "%-d %b %Y"),
            recovery: format!("fixed in {}", duration_in_words(s.recovery_secs())),
            excerpt: excerpt(&with_names(&s.what_went_wrong, names), 240),
            featured: s.featured_at.is_some(),
            consent: ConsentState::of(s, names),
        }
    }
}

impl StoryView {
    pub fn new(s: &Story, names: &HashMap<String, String>, tz: &TimeZone) -> Self {
        let featured_note = match (s.featured_at, &s.featured_by) {
            (Some(at), Some(by)) => format!(
                "Featured by {} on {}",
                name(names, by),
                crate::clock::date_time(at, tz)
            ),
            (Some(at), None) => format!("Featured on {}", crate::clock::date_time(at, tz)),
            _ => String::new(),
        };
        Self {
            id: s.id,
            title: with_names(&s.title, names),
            featured: s.featured_at.is_some(),
            featured_note,
            consent: ConsentState::of(s, names),
            not_featurable: {
                let declined: Vec<String> = s
                    .heroes
                    .iter()
                    .filter(|(_, c)| *c == Consent::Declined)
                    .map(|(id, _)| name(names, id))
                    .collect();
                (!declined.is_empty()).then(|| not_featurable(&declined))
            },
            consents: s
                .heroes
                .iter()
                .map(|(id, consent)| HeroConsent {
                    name: name(names, id),
                    consent: consent.label(),
                })
                .collect(),
            author: name(names, &s.author_id),
            told: crate::clock::date_time(s.created_at, tz),
            happened: crate::clock::date_time(s.happened_at, tz),
            fixed: crate::clock::date_time(s.fixed_at, tz),
            recovery: recovery_in_words(s.recovery_secs()),
            customer: capitalised(s.customer_kind.label()),
            reaction: s.reaction.label(),
            customer_answer: s.customer_answer.as_ref().map(|a| {
                let who = match &a.by {
                    Customer::Link => "through the answer link".to_owned(),
                    Customer::Colleague(id) => format!("by {} in Slack", name(names, id)),
                };
                format!(
                    "{} — answered {who} on {}",
                    a.answer.label(),
                    crate::clock::date_time(a.answered_at, tz)
                )
            }),
            customer_comment: s
                .customer_answer
                .as_ref()
                .and_then(|a| a.comment.as_deref().map(|c| with_names(c, names))),
            tags: s
                .tags
                .iter()
                .map(|t| format!("#{t}"))
                .collect::<Vec<_>>()
                .join(" "),
            // Only a web address is a link; anything else stays off the page.
            permalink: s
                .message_permalink
                .clone()
                .filter(|link| link.starts_with("https://")),
            what_went_wrong: with_names(&s.what_went_wrong, names),
            how_fixed: with_names(&s.how_fixed, names),
            surprise: s
                .surprise
                .as_deref()
                .map_or_else(|| "None recorded.".to_owned(), |t| with_names(t, names)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_says_how_many_or_which() {
        assert_eq!(count(1, 0, false), "No stories match.");
        assert_eq!(count(1, 1, false), "1 story");
        assert_eq!(count(1, 7, false), "7 stories");
        assert_eq!(count(1, 25, true), "Stories 1–25");
        assert_eq!(count(26, 5, false), "Stories 26–30");
    }

    #[test]
    fn the_three_consent_states_read_apart_and_never_say_internal() {
        use crate::digest::oracle::story;
        use crate::domain::{CustomerKind, Reaction, UserId};
        let names = HashMap::from([
            ("U0ANA".to_owned(), "Ana".to_owned()),
            ("U0BO".to_owned(), "Bo".to_owned()),
        ]);
        let with = |heroes: &[(&str, Consent)]| {
            let mut s = story(1, 5, true, Reaction::BlownAway, CustomerKind::Internal);
            s.heroes = heroes
                .iter()
                .map(|(id, c)| (UserId::parse(id).unwrap(), *c))
                .collect();
            ConsentState::of(&s, &names).words
        };
        let states = [
            with(&[("U0ANA", Consent::Granted), ("U0BO", Consent::Granted)]),
            with(&[("U0ANA", Consent::Pending), ("U0BO", Consent::Pending)]),
            with(&[("U0ANA", Consent::Granted), ("U0CY", Consent::Pending)]),
            with(&[("U0ANA", Consent::Pending), ("U0BO", Consent::Declined)]),
            with(&[]),
        ];
        assert_eq!(
            states,
            [
                "may be told outside",
                "waiting for Ana and Bo",
                "waiting for U0CY",
                "kept inside by Bo",
                "waiting for a hero to be credited",
            ]
        );
        assert!(states.iter().all(|s| !s.contains("internal")));
    }

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("one two three four", 10), "one two…");
    }
}
