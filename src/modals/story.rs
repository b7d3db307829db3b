//! The recovery-story modal: what went wrong, when, how it was fixed, the surprise, the
//! customer's reaction and the heroes credited.
use serde_json::{Value, json};

use super::{
    FieldErrors, Origin, choice, customer_kinds, heroes_select, input, modal, tags, text_input,
    users,
};
use crate::domain::story::{MAX_TEXT, MAX_TITLE, StoryForm};
use crate::domain::{CustomerKind, NewStory, Reaction, UserId};
use crate::slack::payload::Values;

pub const CALLBACK_ID: &str = "story";

/// What a message shortcut fills in.
#[derive(Debug, Clone, Default)]
pub struct Prefill {
    pub heroes: Vec<String>,
    pub what_went_wrong: Option<String>,
}

pub fn view(prefill: &Prefill, origin: &Origin) -> Value {
    let heroes = heroes_select("Who turned it around?", &prefill.heroes);
    let reactions: Vec<Value> = Reaction::ALL
        .iter()
        .map(|r| choice(r.label(), r.as_str()))
        .collect();
    let blocks = vec![
        input(
            "title",
            "Title",
            text_input(
                "title",
                false,
                MAX_TITLE,
                None,
                Some("The invoice that went out twice"),
            ),
            false,
            None,
        ),
        input(
            "customer_title",
            "What the customer sees",
            text_input(
                "customer_title",
                false,
                MAX_TITLE,
                None,
                Some("The title, in words for the customer"),
            ),
            true,
            Some(
                "If you ask the customer, this is the title they read. Leave it empty to show the title.",
            ),
        ),
        input(
            "what_went_wrong",
            "What went wrong?",
            text_input(
                "what_went_wrong",
                true,
                MAX_TEXT,
                prefill.what_went_wrong.as_deref(),
                None,
            ),
            false,
            None,
        ),
        input(
            "happened_at",
            "When did it happen?",
            json!({"type": "datetimepicker", "action_id": "happened_at"}),
            false,
            None,
        ),
        input(
            "fixed_at",
            "When was it fixed?",
            json!({"type": "datetimepicker", "action_id": "fixed_at"}),
            false,
            None,
        ),
        input(
            "how_fixed",
            "How was it fixed?",
            text_input("how_fixed", true, MAX_TEXT, None, None),
            false,
            None,
        ),
        input(
            "surprise",
            "The surprise",
            text_input(
                "surprise",
                true,
                MAX_TEXT,
                None,
                Some("What did the customer get that they did not expect?"),
            ),
            true,
            Some(
                "A surprise is half of a dazzling recovery: fix it within 24 hours, then surprise them.",
            ),
        ),
        input(
            "customer_kind",
            "Who was the customer?",
            customer_kinds(),
            false,
            None,
        ),
        input(
            "reaction",
            "How did the customer react?",
            json!({"type": "static_select", "action_id": "reaction", "options": reactions,
                   "initial_option": choice(Reaction::Unknown.label(), Reaction::Unknown.as_str())}),
            false,
            None,
        ),
        input("heroes", "Heroes credited", heroes, false, None),
        input(
            "tags",
            "Tags",
            text_input("tags", false, 200, None, Some("billing, outage")),
            true,
            None,
        ),
    ];
    modal(
        CALLBACK_ID,
        "Tell a recovery story",
        "Share story",
        origin,
        blocks,
    )
}

/// Reads a submission by `author`, as of `now` (unix seconds).
pub fn parse(values: &Values<'_>, author: &UserId, now: i64) -> Result<NewStory, FieldErrors> {
    let mut errors = FieldErrors::new();
    let tags = tags(values.text("tags").as_deref()).unwrap_or_else(|e| {
        errors.insert("tags", e);
        Vec::new()
    });
    let form = StoryForm {
        title: values.text("title"),
        customer_title: values.text("customer_title"),
        what_went_wrong: values.text("what_went_wrong"),
        happened_at: values.date_time("happened_at"),
        fixed_at: values.date_time("fixed_at"),
        how_fixed: values.text("how_fixed"),
        surprise: values.text("surprise"),
        customer_kind: values
            .option("customer_kind")
            .and_then(|k| CustomerKind::parse(&k)),
        reaction: values.option("reaction").and_then(|r| Reaction::parse(&r)),
        heroes: users(&values.users("heroes")),
        tags,
    };
    match NewStory::parse(author, form, now) {
        Ok(story) if errors.is_empty() => Ok(story),
        Ok(_) => Err(errors),
        Err(problems) => {
            for problem in problems {
                errors
                    .entry(problem.field())
                    .or_insert_with(|| problem.to_string());
            }
            Err(errors)
        }
    }
}
