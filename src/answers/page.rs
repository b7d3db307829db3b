//! The customer's answer page: the company, the story's title, three large choices and a
//! comment. Rendered by an auto-escaping template; no script, no cookie.
use askama::Template;

use crate::domain::Answer;

/// One of the three choices.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub emoji: &'static str,
    pub chosen: bool,
}

/// The form, while the question is open.
pub struct Form {
    /// Where the form posts: the link's own token, relative to the page.
    pub action: String,
    pub token: String,
    pub comment: String,
    pub choices: Vec<Choice>,
    pub chosen_hint: &'static str,
    pub footer: String,
}

#[derive(Template)]
#[template(path = "answer/page.html")]
pub struct Page {
    pub company: Option<String>,
    pub heading: String,
    pub title: Option<String>,
    pub notes: Vec<String>,
    /// `thanks` or `closed`, for the notes' style.
    pub note_kind: &'static str,
    pub form: Option<Form>,
}

/// The question, as the page asks it.
pub fn heading(company: Option<&str>) -> String {
    match company {
        Some(company) => format!("Were you blown away by how {company} handled this?"),
        None => "Were you blown away by how we handled this?".to_owned(),
    }
}

/// The three choices, `chosen` marked.
pub fn choices(chosen: Option<Answer>) -> Vec<Choice> {
    Answer::ALL
        .into_iter()
        .map(|a| Choice {
            value: a.as_str(),
            label: a.label(),
            emoji: a.emoji(),
            chosen: Some(a) == chosen,
        })
        .collect()
}

/// A page with no form: a closed question or a link that is not valid.
pub fn notice(company: Option<&str>, heading: &str, title: Option<String>, line: &str) -> Page {
    Page {
        company: company.map(str::to_owned),
        heading: heading.to_owned(),
        title,
        notes: vec![line.to_owned()],
        note_kind: "closed",
        form: None,
    }
}
