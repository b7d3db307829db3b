//! `GET|POST /answer/<token>`: the customer's answer page. A GET never records anything (mail
//! scanners open links before people do): `?a=` only preselects a choice, and one press (a POST
//! with the form token of this story's link) records it.
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, State};
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

/// The largest press the page takes: a comment of 2,000 characters that each take 4 bytes in
/// UTF-8 (emoji; Chinese, Japanese and Korean take 3) is 24,000 bytes once percent-encoded, and
/// the choice and the form token add under 200. A larger body gets the page back with a
/// message, never a bare refusal.
const ANSWER_BODY: usize = 32 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/answer/{token}",
            get(show)
                .post(answer)
                .layer(DefaultBodyLimit::max(ANSWER_BODY)),
        )
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
    let preselected = shown.a.as_deref().and_then(Answer::parse);
    question(&state, &link, preselected, shown.thanks.is_some(), None).await
}

/// The question of the link `token` (`preselected` marked, thanks for a recorded answer, or
/// `problem` said first, with its status), or why it cannot be answered.
async fn question(
    state: &AppState,
    token: &str,
    preselected: Option<Answer>,
    thanks: bool,
    problem: Option<(StatusCode, &str)>,
) -> Result<Response> {
    let (link, story, until) = match open(state, token).await? {
        Opened::Open {
            link,
            story,
            open_until,
        } => (link, story, open_until),
        Opened::Closed { title } => return closed(state, title),
        Opened::NotValid => return not_valid(state),
    };
    let current = story.customer_answer.as_ref();
    let chosen = preselected.or(current.map(|a| a.answer));
    let until = crate::clock::local(until, &state.config.timezone, "%-d %B %Y");
    let mut notes = Vec::new();
    let mut status = StatusCode::OK;
    if let Some((problem_status, line)) = problem {
        status = problem_status;
        notes.push(line.to_owned());
    }
    match (current, thanks) {
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
        company: company(state).map(str::to_owned),
        heading: page::heading(company(state)),
        title: Some(story.customer_sees().to_owned()),
        notes,
        note_kind: if problem.is_some() {
            "closed"
        } else {
            "thanks"
        },
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
    render(status, &page)
}

/// The client's address: the connecting one (the server always knows it when serving), or the
/// one a trusted reverse proxy forwards.
fn client(state: &AppState, parts: &Parts) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok());
    state.config.trusted_proxies.client(peer, forwarded)
}

/// Said when a press's form is over [`ANSWER_BODY`]: only a comment can make it so.
const TOO_LONG: &str = "Your comment was too long to send, so nothing was recorded. Please shorten it to 2,000 characters or fewer, then press your answer again.";

async fn answer(
    State(state): State<AppState>,
    Path(token_text): Path<String>,
    parts: Parts,
    posted: std::result::Result<Form<Posted>, FormRejection>,
) -> Result<Response> {
    let posted = match posted {
        Ok(Form(posted)) => posted,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let problem = Some((StatusCode::PAYLOAD_TOO_LARGE, TOO_LONG));
            return question(&state, &token_text, None, false, problem).await;
        }
        Err(rejection) => return Ok(rejection.into_response()),
    };
    // The link and the page's form token are checked before anything is counted.
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
    let comment = comment(posted.comment.as_deref());
    match answer_by_link(&state, link, choice, comment, client(&state, &parts)).await? {
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
        Answered::TooMany => {
            let page = page::notice(
                company(&state),
                "Too many answers at once",
                None,
                "Nothing was recorded. Please wait a minute, then try again.",
            );
            render(StatusCode::TOO_MANY_REQUESTS, &page)
        }
        Answered::Refused => not_valid(&state),
    }
}
