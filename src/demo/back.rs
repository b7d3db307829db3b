//! The way back to the demo: herobot's own pages opened from the demo (the story library, the
//! customer's answer page, the wallboard) get a bar at the top that leads back to `/demo`.
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::middleware::{Next, from_fn};
use axum::response::Response;

/// The largest page given the bar; anything bigger passes as it is.
const MAX_PAGE: usize = 4 * 1024 * 1024;

/// Wraps herobot's whole router (see `Application::wrapped`).
pub fn way_back(router: Router) -> Router {
    router.layer(from_fn(add_bar))
}

/// What the bar says on each of herobot's pages, or None for a path that gets none.
fn bar_for(path: &str) -> Option<&'static str> {
    if path.starts_with("/library") {
        Some("The story library, as the leader sees it")
    } else if path.starts_with("/answer/") {
        Some("You are the customer now: this is the page your link opens")
    } else if path.starts_with("/wall/") {
        Some("The wallboard, for a screen in the office")
    } else {
        None
    }
}

/// The bar's HTML: fixed words only, styled inline (the pages' CSP allows inline styles and no
/// script).
fn bar(words: &str) -> String {
    format!(
        "<div style=\"margin:0;padding:.55rem 1rem;background:#3f0e40;color:#ffffff;\
         font:600 15px/1.4 system-ui,sans-serif;display:flex;gap:1rem;flex-wrap:wrap\">\
         <a href=\"/demo\" style=\"color:#ffffff\">\u{2190} Back to the demo</a>\
         <span style=\"font-weight:400;opacity:.85\">{words}</span></div>"
    )
}

/// Puts `bar` right after the page's `<body…>` tag; a page without one is left as it is.
fn with_bar(page: &str, bar: &str) -> Option<String> {
    let start = page.find("<body")?;
    let end = start + page[start..].find('>')? + 1;
    Some(format!("{}{bar}{}", &page[..end], &page[end..]))
}

async fn add_bar(request: Request, next: Next) -> Response {
    let words = bar_for(request.uri().path());
    let response = next.run(request).await;
    let Some(words) = words else {
        return response;
    };
    let html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return response;
    }
    let too_big = response
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|length| length > MAX_PAGE);
    if too_big {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PAGE).await else {
        // A page streamed past the limit, or cut off: say so rather than show half of it.
        parts.headers.remove(CONTENT_LENGTH);
        parts.status = axum::http::StatusCode::BAD_GATEWAY;
        return Response::from_parts(
            parts,
            Body::from("This page could not be shown in the demo."),
        );
    };
    let page = String::from_utf8_lossy(&bytes);
    let Some(page) = with_bar(&page, &bar(words)) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_goes_right_after_the_body_tag() {
        let page = "<html><head></head><body class=\"x\"><h1>Stories</h1></body></html>";
        let out = with_bar(page, "<div>bar</div>").unwrap();
        assert_eq!(
            out,
            "<html><head></head><body class=\"x\"><div>bar</div><h1>Stories</h1></body></html>"
        );
        assert_eq!(with_bar("plain", "<div>bar</div>"), None);
    }

    #[test]
    fn only_herobots_own_pages_get_a_bar() {
        assert!(bar_for("/library").is_some());
        assert!(bar_for("/library/scorecard").is_some());
        assert!(bar_for("/answer/abc").is_some());
        assert!(bar_for("/wall/key").is_some());
        assert!(bar_for("/demo").is_none());
        assert!(bar_for("/slack/commands").is_none());
        assert!(bar_for("/healthz").is_none());
    }
}
