//! The verified-request extractor: refuses a request whose timestamp is missing or stale before
//! reading its body, buffers the body within the route's limit and deadline, checks Slack's
//! signature on the raw bytes, and only then lets a handler see it.
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::{CONNECTION, CONTENT_LENGTH};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use super::signature::{SignatureError, check_timestamp, verify_at};

/// Largest body accepted on any route; the routes set smaller limits of their own.
pub const MAX_BODY: usize = 1024 * 1024;
/// Slack's `ssl_check` probe may come unsigned; its body is smaller than this.
const SSL_CHECK_MAX: usize = 512;

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
    /// The body did not arrive whole within the deadline.
    TooSlow,
    Unverified(SignatureError),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        // The body may be unread: the connection cannot carry another request.
        let close = [(CONNECTION, "close")];
        match self {
            Self::SslCheck => StatusCode::OK.into_response(),
            Self::TooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, close, "request too large").into_response()
            }
            Self::TooSlow => {
                (StatusCode::REQUEST_TIMEOUT, close, "request body too slow").into_response()
            }
            Self::Unverified(_) => {
                (StatusCode::UNAUTHORIZED, close, "invalid request").into_response()
            }
        }
    }
}

/// What verifying a request needs of the app: Slack's signing secret, and the time now (the
/// app's clock, which tests set). The app's state implements it; this module needs no more.
pub trait Signing {
    fn signing_secret(&self) -> &[u8];
    fn now_secs(&self) -> i64;
}

impl<S: Signing + Send + Sync> FromRequest<S> for VerifiedBody {
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let now = state.now_secs();
        let raw_timestamp = header(req.headers(), "x-slack-request-timestamp").to_owned();
        let timestamp = match check_timestamp(&raw_timestamp, now) {
            Ok(timestamp) => timestamp,
            Err(err) => {
                let tiny = declared_length(req.headers()).is_some_and(|n| n <= SSL_CHECK_MAX);
                if err == SignatureError::BadTimestamp
                    && tiny
                    && is_ssl_check(&read(req, SSL_CHECK_MAX).await?)
                {
                    return Err(Rejection::SslCheck);
                }
                return Err(unverified(err));
            }
        };
        let signature = header(req.headers(), "x-slack-signature").to_owned();
        let body = read(req, MAX_BODY).await?;
        if is_ssl_check(&body) {
            return Err(Rejection::SslCheck);
        }
        verify_at(
            state.signing_secret(),
            &raw_timestamp,
            &signature,
            &body,
            now,
        )
        .map_err(unverified)?;
        Ok(Self { body, timestamp })
    }
}

fn unverified(err: SignatureError) -> Rejection {
    tracing::warn!(reason = %err, "rejected a request that failed Slack signature verification");
    crate::metrics::REQUESTS_REJECTED.add(1);
    Rejection::Unverified(err)
}

/// The body, up to `limit` bytes (and the route's own limit), within the body deadline. Each
/// piece is copied out as it arrives, so a half-sent body holds only its own bytes, not the
/// connection's read buffers it came in. (Measured with `bench/hostile.sh`.)
async fn read(req: Request, limit: usize) -> Result<Bytes, Rejection> {
    // One buffer of the declared size (its pages are touched only as bytes arrive), rather than
    // a doubling one whose discarded copies the allocator keeps.
    let declared = declared_length(req.headers()).unwrap_or(0).min(limit);
    let mut body = req.into_body();
    let mut buf = Vec::with_capacity(declared);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|err| {
            if is_timeout(&err) {
                tracing::info!("closed a request whose body did not arrive in time");
                Rejection::TooSlow
            } else {
                // Past the route's limit, or a client that hung up mid-body.
                Rejection::TooLarge
            }
        })?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Err(Rejection::TooLarge);
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(buf))
}

fn is_timeout(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(err) = source {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        source = err.source();
    }
    false
}

fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers.get(CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Slack probes a slash command's URL with `ssl_check=1` (and no command). Read without
/// decoding unless a field's name is encoded, since every command passes here.
fn is_ssl_check(body: &[u8]) -> bool {
    if body.len() >= 512 {
        return false;
    }
    let mut encoded = false;
    for field in body.split(|b| *b == b'&') {
        let (name, value) = match field.iter().position(|b| *b == b'=') {
            Some(at) => (&field[..at], &field[at + 1..]),
            None => (field, &b""[..]),
        };
        if name == b"ssl_check" && value == b"1" {
            return true;
        }
        encoded |= name.iter().any(|b| matches!(b, b'%' | b'+'))
            || (name == b"ssl_check" && value.iter().any(|b| matches!(b, b'%' | b'+')));
    }
    encoded
        && serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .is_ok_and(|fields| fields.iter().any(|(k, v)| k == "ssl_check" && v == "1"))
}

#[cfg(test)]
mod tests {
    use super::is_ssl_check;

    #[test]
    fn the_ssl_check_is_found_plain_or_encoded_and_nowhere_else() {
        for body in [
            "ssl_check=1&token=abc",
            "token=abc&ssl_check=1",
            "ssl%5Fcheck=1",
            "ssl_check=%31",
        ] {
            assert!(is_ssl_check(body.as_bytes()), "{body}");
        }
        for body in [
            "",
            "ssl_check=0",
            "ssl_check=11",
            "text=ssl_check%3D1&command=%2Fhero",
            "xssl_check=1",
            "ssl_check",
        ] {
            assert!(!is_ssl_check(body.as_bytes()), "{body}");
        }
        let long = format!("ssl_check=1&text={}", "a".repeat(600));
        assert!(!is_ssl_check(long.as_bytes()));
    }
}
