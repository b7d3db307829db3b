//! The verified-request extractor: buffers the body within a size limit, checks Slack's
//! signature on the raw bytes, and only then lets a handler see it.
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::signature::{SignatureError, verify_at};
use crate::state::AppState;

/// Largest body accepted: Slack's biggest modal payloads are about 100 KB form-encoded.
pub const MAX_BODY: usize = 1024 * 1024;

/// A request body proven to come from Slack, with the timestamp it was signed at.
#[derive(Debug)]
pub struct VerifiedBody {
    pub body: Bytes,
    /// `X-Slack-Request-Timestamp`: a replay of the same request carries the same one.
    pub timestamp: i64,
}

/// Why a body was not handed to the handler.
#[derive(Debug)]
pub enum Rejection {
    /// Slack's `ssl_check=1` probe: answered with an empty 200 and nothing else.
    SslCheck,
    TooLarge,
    Unverified(SignatureError),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Self::SslCheck => StatusCode::OK.into_response(),
            Self::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "request too large").into_response(),
            Self::Unverified(_) => (StatusCode::UNAUTHORIZED, "invalid request").into_response(),
        }
    }
}

impl FromRequest<AppState> for VerifiedBody {
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        // Past the limit, or a client that hung up mid-body: either way there is nothing to verify.
        let body = axum::body::to_bytes(req.into_body(), MAX_BODY)
            .await
            .map_err(|_| Rejection::TooLarge)?;
        if is_ssl_check(&body) {
            return Err(Rejection::SslCheck);
        }
        let timestamp = header(&headers, "x-slack-request-timestamp");
        verify_at(
            state.config.signing_secret.expose().as_bytes(),
            timestamp,
            header(&headers, "x-slack-signature"),
            &body,
            state.clock.now_secs(),
        )
        .map_err(|err| {
            tracing::warn!(reason = %err, "rejected a request that failed Slack signature verification");
            crate::metrics::REQUESTS_REJECTED.add(1);
            Rejection::Unverified(err)
        })?;
        // verify_at has parsed it already.
        let timestamp = timestamp.trim().parse().unwrap_or_default();
        Ok(Self { body, timestamp })
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Slack probes a slash command's URL with `ssl_check=1` (and no command).
fn is_ssl_check(body: &[u8]) -> bool {
    body.len() < 512
        && serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .is_ok_and(|fields| fields.iter().any(|(k, v)| k == "ssl_check" && v == "1"))
}
