//! The nomination modal: heroes, category, what they did, customer kind, tags.
use serde_json::{Value, json};

use super::{
    FieldErrors, Origin, choice, customer_kinds, heroes_select, input, modal, plain, tags,
    text_input, users,
};
use crate::domain::nomination::MAX_REASON;
use crate::domain::{Category, CustomerKind, Nomination, NominationError, Reason, UserId};
use crate::slack::payload::Values;

pub const CALLBACK_ID: &str = "nomination";

/// What a message shortcut fills in.
#[derive(Debug, Clone, Default)]
pub struct Prefill {
    pub heroes: Vec<String>,
    pub reason: Option<String>,
}

/// The modal, pre-filled as given.
pub fn view(prefill: &Prefill, origin: &Origin, min_reason: usize) -> Value {
    let heroes = heroes_select("Pick one or more people", &prefill.heroes);
    let categories: Vec<Value> = Category::ALL
        .iter()
        .map(|c| choice(c.label(), c.as_str()))
        .collect();
    let mut reason = text_input(
        "reason",
        true,
        MAX_REASON,
        prefill.reason.as_deref(),
        Some("What happened, and why it was remarkable"),
    );
    reason["min_length"] = json!(min_reason.clamp(1, MAX_REASON));
    let blocks = vec![
        input("heroes", "Who are the heroes?", heroes, false, None),
        input(
            "category",
            "Category",
            json!({"type": "static_select", "action_id": "category", "placeholder": plain("Pick a category"), "options": categories}),
            true,
            None,
        ),
        input(
            "reason",
            "What did they do?",
            reason,
            false,
            Some("Tell the story: others learn what great service looks like from it."),
        ),
        input(
            "customer_kind",
            "Who was the customer?",
            customer_kinds(),
            true,
            None,
        ),
        input(
            "tags",
            "Tags",
            text_input("tags", false, 200, None, Some("billing, onboarding")),
            true,
            None,
        ),
    ];
    modal(CALLBACK_ID, "Recognise a hero", "Recognise", origin, blocks)
}

/// Reads a submission by `nominator`.
pub fn parse(
    values: &Values<'_>,
    nominator: &UserId,
    min_reason: usize,
) -> Result<Nomination, FieldErrors> {
    let mut errors = FieldErrors::new();
    let category = values.option("category").and_then(|c| Category::parse(&c));
    let kind = values
        .option("customer_kind")
        .and_then(|k| CustomerKind::parse(&k));
    if let (Some(implied), Some(kind)) = (category.and_then(Category::customer_kind), kind)
        && implied != kind
    {
        errors.insert(
            "customer_kind",
            format!("The category says {}.", implied.label()),
        );
    }
    let tags = tags(values.text("tags").as_deref()).unwrap_or_else(|e| {
        errors.insert("tags", e);
        Vec::new()
    });
    let reason = Reason::parse(&values.text("reason").unwrap_or_default(), min_reason)
        .map_err(|e| errors.insert("reason", e.to_string()))
        .ok();
    let heroes = users(&values.users("heroes"));
    if !errors.is_empty() {
        // Still check the heroes, so every problem shows at once.
        if let Err(rule) = crate::domain::nomination::heroes(heroes, nominator) {
            errors.insert("heroes", hero_message(&rule.into()));
        }
        return Err(errors);
    }
    let reason = reason.expect("a reason without an error");
    Nomination::new(nominator.clone(), heroes, reason, category, kind, tags).map_err(|err| {
        let field = match err {
            NominationError::TooManyTags { .. } => "tags",
            NominationError::ReasonTooShort { .. }
            | NominationError::ReasonTooLong { .. }
            | NominationError::ReasonWithoutWords => "reason",
            _ => "heroes",
        };
        FieldErrors::from([(field, hero_message(&err))])
    })
}

/// The grammar's messages speak of typing `@name`; in a modal, people pick.
fn hero_message(err: &NominationError) -> String {
    match err {
        NominationError::NoHero => "Pick at least one hero.".to_owned(),
        other => other.to_string(),
    }
}
