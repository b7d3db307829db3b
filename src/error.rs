//! The crate-wide error: what a handler can fail with, and how that looks to the caller.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request did not prove it came from Slack (or the API token was wrong).
    #[error("unauthorized")]
    Unauthorized,
    /// The request is understood to be wrong; the message is safe to show.
    #[error("{0}")]
    BadRequest(String),
    /// The database stayed locked past the request's time budget: nothing was stored, and the
    /// person may simply try again.
    #[error("the database is busy")]
    Busy,
    #[error(transparent)]
    Database(sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        if crate::store::is_busy(&err) {
            Self::Busy
        } else {
            Self::Database(err)
        }
    }
}

impl From<crate::store::WriteError> for Error {
    fn from(err: crate::store::WriteError) -> Self {
        match err {
            crate::store::WriteError::Busy => Self::Busy,
            other => Self::Internal(other.into()),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match self {
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, "invalid request").into_response(),
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, message).into_response(),
            // Where Slack retries (events), it will; people are told in their own words by the
            // handlers that answer them.
            Self::Busy => {
                tracing::warn!("the database stayed locked past the request's time budget");
                (StatusCode::SERVICE_UNAVAILABLE, "busy, try again").into_response()
            }
            // Details go to the log, never to the caller.
            Self::Database(err) => {
                tracing::error!(error = %err, "database error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            }
            Self::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            }
        }
    }
}
