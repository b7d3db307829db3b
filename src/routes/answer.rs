//! `GET|POST /answer/<token>`: the customer's answer page. A GET never records anything (mail
//! scanners open links before people do): `?a=` only preselects a choice, and one press (a POST
//! with the form token of this story's link) records it.
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::map_response;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use crate::actions::answer::{Answered, Opened, answer_by_link, open};
use crate::answers::page::{self, Form as PageForm, Page};
use crate::answers::token;
use crate::domain::Answer;
use crate::domain::answer::{ANSWERS_PER_LINK, comment};
use crate::error::{Error, Result};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/answer/{token}", get(show).post(answer))
        .layer(map_response(super::library::protect))
}

#[derive(Debug, Default, Deserialize)]
pub struct Shown {
    /// A one-click link's choice: preselected, not recorded.
    a: Option<String>,
    /// Set after an answer was recorded.
    thanks: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Posted {
    a: String,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    form: String,
}

fn render(status: StatusCode, page: &Page) -> Result<Response> {
    use askama::Template;
    let html = page
        .render()
        .map_err(|e| Error::Internal(anyhow::anyhow!("rendering the answer page: {e}")))?;
    Ok((status, Html(html)).into_response())
}

fn company(state: &AppState) -> Option<&str> {
    state.config.company_name.as_deref()
}

fn not_valid(state: &AppState) -> Result<Response> {
    let page = page::notice(
        company(state),
        "This link is not valid",
        None,
        "Please check that the whole link was copied, or ask the person who sent it for a new one.",
    );
    render(StatusCode::NOT_FOUND, &page)
}

fn closed(state: &AppState, title: String) -> Result<Response> {
    let page = page::notice(
        company(state),
        "This question has closed",
        Some(title),
        "Answers to it were taken for 28 days after it was asked. Thank you all the same.",
    );
    render(StatusCode::GONE, &page)
}

async fn show(
    State(state): State<AppState>,
    Path(link): Path<String>,
    Query(shown): Query<Shown>,
) -> Result<Response> {
    let (link, story, until) = match open(&state, &link).await? {
        Opened::Open {
            link,
            story,
            open_until,
        } => (link, story, open_until),
        Opened::Closed { title } => return closed(&state, title),
        Opened::NotValid => return not_valid(&state),
    };
    let current = story.customer_answer.as_ref();
    let preselected = shown.a.as_deref().and_then(Answer::parse);
    let chosen = preselected.or(current.map(|a| a.answer));
    let until = crate::clock::local(until, &state.config.timezone, "%-d %B %Y");
    let mut notes = Vec::new();
    match (current, shown.thanks.is_some()) {
        (Some(a), true) => notes.push(format!(
            "Thank you! Your answer, “{}”, is recorded. You can change it here until {until}.",
            a.answer.label()
        )),
        (Some(a), false) => notes.push(format!(
            "Your answer so far: “{}”. You can change it until {until}.",
            a.answer.label()
        )),
        (None, _) => {}
    }
    let hint = if preselected.is_some() && preselected != current.map(|a| a.answer) {
        "Press to confirm"
    } else {
        "Your answer"
    };
    let page = Page {
        company: company(&state).map(str::to_owned),
        heading: page::heading(company(&state)),
        title: Some(story.title.clone()),
        notes,
        note_kind: "thanks",
        form: Some(PageForm {
            action: token::sign(&state.library_key, link),
            token: token::form_token(&state.library_key, link),
            comment: current.and_then(|a| a.comment.clone()).unwrap_or_default(),
            choices: page::choices(chosen),
            chosen_hint: hint,
            footer: format!(
                "Your answer goes to the team that handled this, with your comment. No cookies, no tracking. This question is open until {until}."
            ),
        }),
    };
    render(StatusCode::OK, &page)
}

/// The client's address, where the server knows it (it always does when serving).
fn address(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

async fn answer(
    State(state): State<AppState>,
    Path(token_text): Path<String>,
    parts: Parts,
    Form(posted): Form<Posted>,
) -> Result<Response> {
    if !state.answer_limit.allow(address(&parts)) {
        let page = page::notice(
            company(&state),
            "Too many answers at once",
            None,
            "Please wait a minute, then try again.",
        );
        return render(StatusCode::TOO_MANY_REQUESTS, &page);
    }
    let link = match open(&state, &token_text).await? {
        Opened::Open { link, .. } => link,
        Opened::Closed { title } => return closed(&state, title),
        Opened::NotValid => return not_valid(&state),
    };
    if !token::form_ok(&state.library_key, link, &posted.form) {
        let page = page::notice(
            company(&state),
            "Please open the link again",
            None,
            "This answer did not come from the page of this link, so nothing was recorded.",
        );
        return render(StatusCode::BAD_REQUEST, &page);
    }
    let Some(choice) = Answer::parse(&posted.a) else {
        return Err(Error::BadRequest("unknown answer".into()));
    };
    match answer_by_link(&state, link, choice, comment(posted.comment.as_deref())).await? {
        Answered::Recorded | Answered::Unchanged => {
            // Relative: the page's own address, under whatever path the proxy serves it at.
            let to = format!("{token_text}?thanks=1");
            Ok((StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response())
        }
        Answered::UsedUp => {
            let line = format!(
                "This link has recorded {ANSWERS_PER_LINK} answers, as many as it can. Thank you: the last one counts."
            );
            let page = page::notice(company(&state), "Your answer is recorded", None, &line);
            render(StatusCode::TOO_MANY_REQUESTS, &page)
        }
        Answered::Refused => not_valid(&state),
    }
}
