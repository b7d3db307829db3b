//! The library's story pages: the list with its filters, a story whole, the Feature control,
//! and downloads of the current selection.
use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::session::{Session, stale_form};
use super::{NAMES_BUDGET, base, message, render};
use crate::actions;
use crate::domain::Story;
use crate::domain::audit::Actor;
use crate::domain::{CustomerKind, StoryId, UserId};
use crate::error::{Error, Result};
use crate::library::access;
use crate::library::export::{Format, KeptInside};
use crate::library::pages::{self, Choice, FormValues, ListedStory, StoryView};
use crate::state::AppState;
use crate::store;
use crate::store::library::Filter;

/// Stories per page of the list.
const PAGE: i64 = 25;
/// The last page the list will go to (2.5 million stories in).
const MAX_PAGE: i64 = 100_000;

/// The names a page about `stories` shows: heroes, authors, and who featured them.
async fn page_names(state: &AppState, stories: &[Story]) -> Result<HashMap<String, String>> {
    let mut people = crate::library::people_named_in(stories);
    people.extend(
        stories
            .iter()
            .filter_map(|s| s.featured_by.as_ref().map(UserId::to_string)),
    );
    Ok(crate::library::names::resolve_within(
        &state.db,
        &state.writes,
        Some(&state.slack),
        &people,
        Some(NAMES_BUDGET),
        &state.clock,
    )
    .await?)
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
    /// Any text: a page number that is not one shows the first page.
    #[serde(skip_serializing_if = "is_blank")]
    page: Option<String>,
    #[serde(skip_serializing)]
    format: Option<String>,
    /// The talk pack with the stories kept inside too, each marked.
    #[serde(skip_serializing)]
    include_internal: Option<String>,
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
            crate::library::flag(self.featured.as_deref()),
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
            page: page.filter(|p| *p > 1).map(|p| p.to_string()),
            format: None,
            include_internal: None,
            ..self.clone()
        };
        serde_urlencoded::to_string(&params).unwrap_or_default()
    }
}

/// The story list: search and filters from the query string, a page at a time.
pub(super) async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<Params>,
) -> Result<Response> {
    let page = text(&params.page)
        .parse::<i64>()
        .unwrap_or(1)
        .clamp(1, MAX_PAGE);
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
            if filter.query.is_some() {
                // Words are searched in everything committed before the page.
                crate::actions::search::index_committed(&state).await?;
            }
            let mut stories = store::library::stories(&state.db, &filter).await?;
            let more = stories.len() as i64 > PAGE;
            stories.truncate(PAGE as usize);
            (None, stories, more)
        }
    };
    let names = page_names(&state, &stories).await?;
    let tz = &state.config.timezone;
    let first = ((page - 1) * PAGE) as usize + 1;
    let filters = params.query(None);
    let list = pages::List {
        layout: session.layout(&state),
        form: FormValues {
            q: text(&params.q).to_owned(),
            since: text(&params.since).to_owned(),
            until: text(&params.until).to_owned(),
            featured: crate::library::flag(params.featured.as_deref()),
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
                ("shareable".into(), "May be told outside".into()),
                // The value stays as bookmarks hold it; the words say what it selects.
                (
                    "internal".into(),
                    "Waiting for a hero, or kept inside".into(),
                ),
            ],
            text(&params.consent),
        ),
        stories: stories
            .iter()
            .map(|s| ListedStory::new(s, &names, tz))
            .collect(),
        count: pages::count(first, stories.len(), more),
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
pub(super) async fn story(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response> {
    let Some(story) = (match StoryId::parse(&id) {
        Some(id) => store::stories::get(&state.db, id.get()).await?,
        None => None,
    }) else {
        return no_such_story(&state, &session);
    };
    let stories = [story];
    let names = page_names(&state, &stories).await?;
    let page = pages::StoryPage {
        layout: session.layout(&state),
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
pub(super) struct FeatureForm {
    #[serde(default)]
    csrf: String,
    featured: String,
}

/// Marks a story featured for talks, or not; then shows it again.
pub(super) async fn feature(
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
    let Some(id) = StoryId::parse(&id) else {
        return no_such_story(&state, &session);
    };
    if store::stories::get(&state.db, id.get()).await?.is_none() {
        return no_such_story(&state, &session);
    }
    let done = actions::feature::feature(&state, id, &session.user, featured, None).await?;
    if let actions::feature::Featured::KeptInside(heroes) = done {
        let ids: Vec<String> = heroes.iter().map(UserId::to_string).collect();
        let names = crate::library::names::resolve_within(
            &state.db,
            &state.writes,
            Some(&state.slack),
            &ids,
            Some(NAMES_BUDGET),
            &state.clock,
        )
        .await?;
        let named: Vec<String> = ids
            .iter()
            .map(|id| names.get(id).cloned().unwrap_or_else(|| id.clone()))
            .collect();
        return message(
            &state,
            Some(&session),
            StatusCode::CONFLICT,
            "Not featured",
            &[
                &actions::feature::kept_inside(&named),
                "A story is featured for talks only while none of its heroes has asked to keep it inside.",
            ],
        );
    }
    Ok(Redirect::to(&format!("{}/stories/{id}", base(&state))).into_response())
}

/// The current selection (every page) as a talk pack, CSV or JSON.
pub(super) async fn download(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<Params>,
) -> Result<Response> {
    let format = match params.format.as_deref() {
        None => Format::Markdown,
        Some(f) => Format::parse(f).ok_or_else(|| {
            Error::BadRequest(format!("format must be md, csv or json, not {f:?}"))
        })?,
    };
    let filter = params.filter(&state).map_err(Error::BadRequest)?;
    let kept_inside =
        KeptInside::included(crate::library::flag(params.include_internal.as_deref()));
    let by = Actor::of(&session.user);
    super::super::api::exported(&state, format, &filter, kept_inside, by).await
}
