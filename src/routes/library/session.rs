//! Library sessions: following a sign-in link, the signed session cookie and its extractor,
//! signing out, and remembering the page a browser wanted before it signed in.
use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{base, message};
use crate::actions::library_session;
use crate::error::{Error, Result};
use crate::library::access::{self, Grant, Kind, Refusal};
use crate::library::pages::Layout;
use crate::state::AppState;
use crate::store::sign_in;

const COOKIE_NAME: &str = "herobot_library";
/// Remembers the page a browser wanted before it had a session.
const NEXT_COOKIE: &str = "herobot_library_next";

/// A signed-in leader.
pub struct Session {
    pub(super) user: String,
    pub(super) nonce: String,
}

impl Session {
    pub(super) fn layout(&self, state: &AppState) -> Layout {
        Layout {
            base: base(state),
            csrf: Some(access::csrf_token(&state.library_key, &self.nonce)),
        }
    }
}

/// `; Secure` when the library is served over https: its cookies then never travel in clear.
fn secure(state: &AppState) -> &'static str {
    let https = state
        .config
        .public_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://"));
    if https { "; Secure" } else { "" }
}

fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The session in the request's cookie, if it is valid, not signed out, and its user still a
/// leader.
pub(super) async fn current(parts: &Parts, state: &AppState) -> Result<Option<Session>> {
    let Some(grant) = cookie(parts, COOKIE_NAME).and_then(|value| {
        access::verify(
            &state.library_key,
            Kind::Session,
            value,
            state.clock.now_secs(),
        )
        .ok()
    }) else {
        return Ok(None);
    };
    if !state.config.is_leader(&grant.user)
        || !sign_in::session_open(&state.db, &grant.nonce, &grant.user).await?
    {
        return Ok(None);
    }
    Ok(Some(Session {
        user: grant.user,
        nonce: grant.nonce,
    }))
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match current(parts, state).await {
            Ok(Some(session)) => Ok(session),
            Ok(None) => Err(to_sign_in(parts, state)),
            Err(err) => Err(err.into_response()),
        }
    }
}

/// Where a page asked for without a session sends the browser: to the explanation of how to
/// sign in, remembering (for 15 minutes) the page it wanted, so the sign-in link leads back to it.
pub(super) fn to_sign_in(parts: &Parts, state: &AppState) -> Response {
    let base = base(state);
    let redirect = Redirect::to(&format!("{base}/sign-in"));
    let wanted = parts.uri.path().strip_prefix("/library").filter(|rest| {
        parts.method == axum::http::Method::GET && (rest.is_empty() || rest.starts_with('/'))
    });
    let Some(rest) = wanted else {
        return redirect.into_response();
    };
    let query = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    // Hex: a cookie value cannot hold every character an address can.
    let cookie = format!(
        "{NEXT_COOKIE}={}; Path={base}; Max-Age={}; HttpOnly; SameSite=Lax{}",
        hex::encode(format!("{base}{rest}{query}")),
        access::LINK_SECS,
        secure(state)
    );
    ([(SET_COOKIE, cookie)], redirect).into_response()
}

/// The page a browser wanted before it signed in, if it is one of the library's own pages.
fn wanted_page(parts: &Parts, state: &AppState) -> Option<String> {
    let page = String::from_utf8(hex::decode(cookie(parts, NEXT_COOKIE)?).ok()?).ok()?;
    let rest = page.strip_prefix(&base(state))?;
    let own = (rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
        && !rest.starts_with("//")
        && !page.contains(['\\', '\r', '\n'])
        && !rest.starts_with("/login")
        && !rest.starts_with("/sign-");
    own.then_some(page)
}

const GET_A_LINK: &str = "In Slack, type /hero library. If you are one of the service leaders, you get a private sign-in link that works once, for 15 minutes; your session then lasts 12 hours.";

pub(super) async fn how_to_sign_in(State(state): State<AppState>) -> Result<Response> {
    message(
        &state,
        None,
        StatusCode::OK,
        "Sign in to the story library",
        &[
            "The story library is for leaders and the Chief Service Officer: search every service-recovery story, read it whole, feature the best for talks and download a talk pack.",
            GET_A_LINK,
        ],
    )
}

#[derive(Deserialize)]
pub(super) struct LoginParams {
    token: Option<String>,
}

/// Follows a sign-in link: a valid, unused, unexpired link starts a session.
pub(super) async fn login(
    State(state): State<AppState>,
    parts: Parts,
    Query(params): Query<LoginParams>,
) -> Result<Response> {
    let now = state.clock.now_secs();
    let refuse =
        |heading: &str| message(&state, None, StatusCode::FORBIDDEN, heading, &[GET_A_LINK]);
    let token = params.token.unwrap_or_default();
    let grant = match access::verify(&state.library_key, Kind::Link, &token, now) {
        Ok(grant) => grant,
        Err(Refusal::Expired) => {
            return refuse("This sign-in link has expired");
        }
        Err(Refusal::Forged) => return refuse("This is not a valid sign-in link"),
    };
    if !state.config.is_leader(&grant.user) {
        tracing::warn!(
            user = grant.user,
            "library sign-in by someone who is no longer a leader"
        );
        return refuse("This sign-in link is for leaders only");
    }
    let session = Grant {
        user: grant.user.clone(),
        expires_at: now + access::SESSION_SECS,
        nonce: access::nonce(),
    };
    let redeemed = library_session::start_session(&state, &grant.nonce, &session).await?;
    if !redeemed {
        // Back on a link already used, in the browser it signed in: carry on.
        if current(&parts, &state)
            .await?
            .is_some_and(|s| s.user == grant.user)
        {
            return Ok(Redirect::to(&base(&state)).into_response());
        }
        return refuse("This sign-in link has already been used");
    }
    let cookie = format!(
        "{COOKIE_NAME}={}; Path={}; Max-Age={}; HttpOnly; SameSite=Lax{}",
        access::sign(&state.library_key, Kind::Session, &session),
        base(&state),
        access::SESSION_SECS,
        secure(&state)
    );
    tracing::info!(user = grant.user, "library session started");
    let next = wanted_page(&parts, &state).unwrap_or_else(|| base(&state));
    let forget = format!(
        "{NEXT_COOKIE}=; Path={}; Max-Age=0; HttpOnly; SameSite=Lax{}",
        base(&state),
        secure(&state)
    );
    let mut response = Redirect::to(&next).into_response();
    for value in [cookie, forget] {
        let value = HeaderValue::from_str(&value).map_err(|e| Error::Internal(e.into()))?;
        response.headers_mut().append(SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn sign_out(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    if !access::csrf_ok(&state.library_key, &session.nonce, &form.csrf) {
        return stale_form(&state, &session);
    }
    library_session::end_session(&state, &session.nonce).await?;
    tracing::info!(user = session.user, "library session ended");
    let cookie = format!(
        "{COOKIE_NAME}=; Path={}; Max-Age=0; HttpOnly; SameSite=Lax{}",
        base(&state),
        secure(&state)
    );
    Ok((
        [(SET_COOKIE, cookie)],
        Redirect::to(&format!("{}/sign-in", base(&state))),
    )
        .into_response())
}

pub(super) fn stale_form(state: &AppState, session: &Session) -> Result<Response> {
    tracing::warn!(
        user = session.user,
        "library form without a valid CSRF token"
    );
    message(
        state,
        Some(session),
        StatusCode::FORBIDDEN,
        "That form was not sent from this session",
        &["Nothing was changed. Go back, reload the page and try again."],
    )
}
