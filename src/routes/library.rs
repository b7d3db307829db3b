//! `/library…`: the story library's web pages for leaders, behind a signed session cookie.
//! Sign-in links come from `/hero library`; without a session every page redirects to an
//! explanation of how to get one.
use askama::Template;
use std::collections::HashMap;
use std::time::Duration;

use axum::Form;
use axum::Router;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE, REFERRER_POLICY, SET_COOKIE,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::map_response;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::clock;
use crate::domain::CustomerKind;
use crate::error::{Error, Result};
use crate::library::access::{self, Grant, Kind, Refusal};
use crate::library::export::Format;
use crate::library::pages::{self, Card, Choice, FormValues, Layout, StoryView};
use crate::state::AppState;
use crate::store::batch::NewMessage;
use crate::store::library::Filter;
use crate::store::{self, sign_in};

const COOKIE_NAME: &str = "herobot_library";
/// Remembers the page a browser wanted before it had a session.
const NEXT_COOKIE: &str = "herobot_library_next";
/// Stories per page of the list.
const PAGE: i64 = 25;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/library", get(list))
        .route("/library/", get(list))
        .route("/library/login", get(login))
        .route("/library/sign-in", get(how_to_sign_in))
        .route("/library/sign-out", post(sign_out))
        .route("/library/stories/{id}", get(story))
        .route("/library/stories/{id}/feature", post(feature))
        .route("/library/export", get(download))
        .route("/library/{*rest}", get(not_found).post(not_found))
        .layer(map_response(protect))
}

/// No scripts, no framing, no caching, no referrer (a sign-in link must not leak).
async fn protect(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = [
        (
            CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (X_FRAME_OPTIONS, "DENY"),
        (REFERRER_POLICY, "no-referrer"),
        (CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The library's path as the browser sees it (under `HEROBOT_PUBLIC_URL`'s path, if any).
fn base(state: &AppState) -> String {
    crate::library::base_path(state.config.public_url.as_deref())
}

/// How long a page waits for Slack to name people it has not named before.
const NAMES_BUDGET: Duration = Duration::from_secs(2);

async fn page_names(state: &AppState, people: &[String]) -> Result<HashMap<String, String>> {
    Ok(crate::library::names::resolve_within(
        &state.db,
        Some(&state.slack),
        people,
        Some(NAMES_BUDGET),
    )
    .await?)
}

/// A signed-in leader.
pub struct Session {
    user: String,
    nonce: String,
}

impl Session {
    fn layout(&self, state: &AppState) -> Layout {
        Layout {
            base: base(state),
            csrf: Some(access::csrf_token(&state.library_key, &self.nonce)),
        }
    }
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
async fn session(parts: &Parts, state: &AppState) -> Result<Option<Session>> {
    let Some(grant) = cookie(parts, COOKIE_NAME).and_then(|value| {
        access::verify(&state.library_key, Kind::Session, value, clock::now_secs()).ok()
    }) else {
        return Ok(None);
    };
    if !state.config.leaders.contains(&grant.user)
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
        match session(parts, state).await {
            Ok(Some(session)) => Ok(session),
            Ok(None) => Err(to_sign_in(parts, state)),
            Err(err) => Err(err.into_response()),
        }
    }
}

/// Where a page asked for without a session sends the browser: to the explanation of how to
/// sign in, remembering (for 15 minutes) the page it wanted, so the sign-in link leads back to it.
fn to_sign_in(parts: &Parts, state: &AppState) -> Response {
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
        "{NEXT_COOKIE}={}; Path={base}; Max-Age={}; HttpOnly; SameSite=Lax",
        hex::encode(format!("{base}{rest}{query}")),
        access::LINK_SECS
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

/// A page of explanation with `status`.
fn message(
    state: &AppState,
    session: Option<&Session>,
    status: StatusCode,
    heading: &str,
    paragraphs: &[&str],
) -> Result<Response> {
    let page = pages::Message {
        layout: session.map_or_else(
            || Layout {
                base: base(state),
                csrf: None,
            },
            |s| s.layout(state),
        ),
        heading: heading.to_owned(),
        paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
    };
    Ok((status, render(&page)?).into_response())
}

fn render(page: &impl Template) -> Result<Html<String>> {
    page.render()
        .map(Html)
        .map_err(|e| Error::Internal(anyhow::anyhow!("rendering a library page: {e}")))
}

const GET_A_LINK: &str = "In Slack, type /hero library. If you are one of the leaders herobot knows (HEROBOT_LEADERS), you get a private sign-in link that works once, for 15 minutes; your session then lasts 12 hours.";

async fn how_to_sign_in(State(state): State<AppState>) -> Result<Response> {
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
struct LoginParams {
    token: Option<String>,
}

/// Follows a sign-in link: a valid, unused, unexpired link starts a session.
async fn login(
    State(state): State<AppState>,
    parts: Parts,
    Query(params): Query<LoginParams>,
) -> Result<Response> {
    let now = clock::now_secs();
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
    if !state.config.leaders.contains(&grant.user) {
        tracing::warn!(
            user = grant.user,
            "library sign-in by someone who is no longer a leader"
        );
        return refuse("This sign-in link is for leaders only");
    }
    if !sign_in::use_link(&state.db, &grant.nonce, &grant.user, now).await? {
        // Back on a link already used, in the browser it signed in: carry on.
        if session(&parts, &state)
            .await?
            .is_some_and(|s| s.user == grant.user)
        {
            return Ok(Redirect::to(&base(&state)).into_response());
        }
        return refuse("This sign-in link has already been used");
    }
    let session = Grant {
        user: grant.user.clone(),
        expires_at: now + access::SESSION_SECS,
        nonce: access::nonce(),
    };
    sign_in::start_session(
        &state.db,
        &session.nonce,
        &session.user,
        session.expires_at,
        now,
    )
    .await?;
    let secure = state
        .config
        .public_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://"));
    let cookie = format!(
        "{COOKIE_NAME}={}; Path={}; Max-Age={}; HttpOnly; SameSite=Lax{}",
        access::sign(&state.library_key, Kind::Session, &session),
        base(&state),
        access::SESSION_SECS,
        if secure { "; Secure" } else { "" }
    );
    tracing::info!(user = grant.user, "library session started");
    let next = wanted_page(&parts, &state).unwrap_or_else(|| base(&state));
    let forget = format!(
        "{NEXT_COOKIE}=; Path={}; Max-Age=0; HttpOnly; SameSite=Lax",
        base(&state)
    );
    let mut response = Redirect::to(&next).into_response();
    for value in [cookie, forget] {
        let value = HeaderValue::from_str(&value).map_err(|e| Error::Internal(e.into()))?;
        response.headers_mut().append(SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    if !access::csrf_ok(&state.library_key, &session.nonce, &form.csrf) {
        return stale_form(&state, &session);
    }
    sign_in::end_session(&state.db, &session.nonce, clock::now_secs()).await?;
    tracing::info!(user = session.user, "library session ended");
    let cookie = format!(
        "{COOKIE_NAME}=; Path={}; Max-Age=0; HttpOnly; SameSite=Lax",
        base(&state)
    );
    Ok((
        [(SET_COOKIE, cookie)],
        Redirect::to(&format!("{}/sign-in", base(&state))),
    )
        .into_response())
}

fn stale_form(state: &AppState, session: &Session) -> Result<Response> {
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

/// The list's query parameters: bookmarkable filters.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Params {
    #[serde(skip_serializing_if = "is_blank")]
    q: Option<String>,
    #[serde(skip_serializing_if = "is_blank")]
    since: Option<String>,
    #[serde(skip_serializing_if = "is_blank")]
    until: Option<String>,
    #[serde(skip_serializing_if = "is_blank")]
    category: Option<String>,
    #[serde(skip_serializing_if = "is_blank")]
    customer: Option<String>,
    #[serde(skip_serializing_if = "is_blank")]
    hero: Option<String>,
    #[serde(skip_serializing_if = "is_blank")]
    featured: Option<String>,
    #[serde(skip_serializing_if = "is_blank")]
    consent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<i64>,
    #[serde(skip_serializing)]
    format: Option<String>,
}

fn is_blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().map(str::trim).unwrap_or_default()
}

impl Params {
    /// The stories these parameters select (all pages), or what is wrong with them.
    fn filter(&self, state: &AppState) -> Result<Filter, String> {
        let consent = text(&self.consent);
        if !matches!(consent, "" | "shareable" | "internal") {
            return Err(format!(
                "consent must be shareable or internal, not {consent:?}"
            ));
        }
        let mut filter = crate::library::filter(
            self.since.as_deref(),
            self.until.as_deref(),
            self.q.as_deref(),
            !is_blank(&self.featured),
            consent == "shareable",
            &state.config.timezone,
        )?;
        filter.internal_only = consent == "internal";
        filter.tag = Some(text(&self.category).to_lowercase()).filter(|t| !t.is_empty());
        filter.customer_kind =
            match text(&self.customer) {
                "" => None,
                kind => Some(CustomerKind::parse(kind).ok_or_else(|| {
                    format!("customer must be external or internal, not {kind:?}")
                })?),
            };
        filter.hero = Some(text(&self.hero).to_owned()).filter(|h| !h.is_empty());
        Ok(filter)
    }

    /// The query string of these filters on `page` (none: without a page), for links.
    fn query(&self, page: Option<i64>) -> String {
        let params = Params {
            page: page.filter(|p| *p > 1),
            format: None,
            ..self.clone()
        };
        serde_urlencoded::to_string(&params).unwrap_or_default()
    }
}

/// The story list: search and filters from the query string, a page at a time.
async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<Params>,
) -> Result<Response> {
    let page = params.page.unwrap_or(1).max(1);
    let (heroes, tags) = store::library::choices(&state.db).await?;
    let hero_names = store::library::names(&state.db, &heroes).await?;
    let mut hero_choices: Vec<(String, String)> = heroes
        .into_iter()
        .map(|id| {
            let label = hero_names.get(&id).cloned().unwrap_or_else(|| id.clone());
            (id, label)
        })
        .collect();
    hero_choices.sort_by_key(|(_, name)| name.to_lowercase());
    let (error, stories, more) = match params.filter(&state) {
        Err(error) => (Some(error), Vec::new(), false),
        Ok(mut filter) => {
            filter.limit = Some(PAGE + 1);
            filter.offset = Some((page - 1) * PAGE);
            let mut stories = store::library::stories(&state.db, &filter).await?;
            let more = stories.len() as i64 > PAGE;
            stories.truncate(PAGE as usize);
            (None, stories, more)
        }
    };
    let mut people = crate::library::people(&stories);
    people.extend(pages::featurers(&stories));
    let names = page_names(&state, &people).await?;
    let tz = &state.config.timezone;
    let first = ((page - 1) * PAGE) as usize + 1;
    let filters = params.query(None);
    let list = pages::List {
        layout: session.layout(&state),
        form: FormValues {
            q: text(&params.q).to_owned(),
            since: text(&params.since).to_owned(),
            until: text(&params.until).to_owned(),
            featured: !is_blank(&params.featured),
            narrowed: [
                &params.since,
                &params.until,
                &params.category,
                &params.customer,
                &params.hero,
                &params.featured,
                &params.consent,
            ]
            .into_iter()
            .any(|value| !is_blank(value)),
        },
        categories: Choice::menu(
            "Any",
            tags.into_iter()
                .map(|t| (t.clone(), format!("#{t}")))
                .collect(),
            &text(&params.category).to_lowercase(),
        ),
        customers: Choice::menu(
            "Any",
            CustomerKind::ALL
                .into_iter()
                .map(|k| (k.as_str().to_owned(), pages::capitalised(k.label())))
                .collect(),
            text(&params.customer),
        ),
        heroes: Choice::menu("Anyone", hero_choices, text(&params.hero)),
        consents: Choice::menu(
            "Any",
            vec![
                ("shareable".into(), "Every hero agreed to share".into()),
                ("internal".into(), "Internal only".into()),
            ],
            text(&params.consent),
        ),
        stories: stories.iter().map(|s| Card::new(s, &names, tz)).collect(),
        first,
        last: first + stories.len().saturating_sub(1),
        download_query: if filters.is_empty() {
            filters
        } else {
            format!("{filters}&")
        },
        previous: (page > 1).then(|| params.query(Some(page - 1))),
        next: more.then(|| params.query(Some(page + 1))),
        error: error.clone(),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, render(&list)?).into_response())
}

/// Everything about one story, with the Feature control.
async fn story(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response> {
    let Some(story) = (match id.parse::<i64>() {
        Ok(id) => store::stories::get(&state.db, id).await?,
        Err(_) => None,
    }) else {
        return no_such_story(&state, &session);
    };
    let stories = [story];
    let mut people = crate::library::people(&stories);
    people.extend(pages::featurers(&stories));
    let names = page_names(&state, &people).await?;
    let page = pages::StoryPage {
        layout: session.layout(&state),
        csrf: access::csrf_token(&state.library_key, &session.nonce),
        s: StoryView::new(&stories[0], &names, &state.config.timezone),
    };
    Ok(render(&page)?.into_response())
}

fn no_such_story(state: &AppState, session: &Session) -> Result<Response> {
    message(
        state,
        Some(session),
        StatusCode::NOT_FOUND,
        "No such story",
        &[
            "It may have been removed, or the address is mistyped. Search the library for it instead.",
        ],
    )
}

#[derive(Deserialize)]
struct FeatureForm {
    #[serde(default)]
    csrf: String,
    featured: String,
}

/// Marks a story featured for talks, or not; then shows it again.
async fn feature(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<FeatureForm>,
) -> Result<Response> {
    if !access::csrf_ok(&state.library_key, &session.nonce, &form.csrf) {
        return stale_form(&state, &session);
    }
    let featured = match form.featured.as_str() {
        "true" => true,
        "false" => false,
        other => {
            return Err(Error::BadRequest(format!(
                "featured must be true or false, not {other:?}"
            )));
        }
    };
    let Ok(id) = id.parse::<i64>() else {
        return no_such_story(&state, &session);
    };
    if store::stories::get(&state.db, id).await?.is_none() {
        return no_such_story(&state, &session);
    }
    // The change and the update of the story's posts in Slack commit together.
    let mut tx = state.db.begin_with("BEGIN IMMEDIATE").await?;
    let now = clock::now_secs();
    if store::stories::set_featured(&mut *tx, id, featured, &session.user, now).await? {
        let updates: Vec<NewMessage> = store::outbox::story_posts(&mut *tx, id)
            .await?
            .into_iter()
            .map(|(channel, ts)| NewMessage {
                method: "chat.update",
                payload: json!({ "channel": channel, "ts": ts }).to_string(),
                lane: channel,
                url: None,
                render: Some("story_post"),
            })
            .collect();
        store::outbox::enqueue(&mut *tx, &updates, Some(id), clock::now_ms()).await?;
        tx.commit().await?;
        state.outbox.notify_one();
        tracing::info!(
            story = id,
            featured,
            user = session.user,
            "story featured from the library"
        );
    }
    Ok(Redirect::to(&format!("{}/stories/{id}", base(&state))).into_response())
}

/// The current selection (every page) as a talk pack, CSV or JSON.
async fn download(
    State(state): State<AppState>,
    _session: Session,
    Query(params): Query<Params>,
) -> Result<Response> {
    let format = match params.format.as_deref() {
        None => Format::Markdown,
        Some(f) => Format::parse(f).ok_or_else(|| {
            Error::BadRequest(format!("format must be md, csv or json, not {f:?}"))
        })?,
    };
    let filter = params.filter(&state).map_err(Error::BadRequest)?;
    super::api::exported(&state, format, &filter).await
}

/// Anything else under `/library`: not found when signed in, else how to sign in.
async fn not_found(State(state): State<AppState>, parts: Parts) -> Result<Response> {
    match session(&parts, &state).await? {
        Some(session) => message(
            &state,
            Some(&session),
            StatusCode::NOT_FOUND,
            "Page not found",
            &["The library has a story list and a page per story; start from the list."],
        ),
        None => Ok(to_sign_in(&parts, &state)),
    }
}
