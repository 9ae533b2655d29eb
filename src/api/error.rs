//! The API's one error body, `{"error":{"code","message"}}` (with
//! `candidates` when a name was not found or is shared), built from the
//! library's [`Error`](crate::Error) through its single code/status mapping.
//! Internal errors are logged here and answered with a generic message.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::Error;

/// An error as the API answers it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// Entities the request may have meant (a name not found, or shared).
    candidates: Vec<String>,
}

impl ApiError {
    /// An error with an explicit status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            candidates: Vec::new(),
        }
    }

    /// A query string that does not decode.
    pub fn bad_query(message: String) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameter", message)
    }

    /// A JSON body that does not decode or is too large.
    pub fn bad_body(error: actix_web::error::JsonPayloadError) -> Self {
        use actix_web::error::JsonPayloadError as E;
        match error {
            E::Overflow { limit } | E::OverflowKnownLength { limit, .. } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the request body is larger than {limit} bytes"),
            ),
            E::ContentType => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with `Content-Type: application/json`",
            ),
            other => ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                format!("malformed JSON body: {other}"),
            ),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut body = json!({"code": self.code, "message": self.message});
        if !self.candidates.is_empty() {
            body["candidates"] = json!(self.candidates);
        }
        HttpResponse::build(self.status).json(json!({ "error": body }))
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(%error, code = error.code(), "request failed");
            let message = match error {
                Error::IndexMissing { .. } => error.to_string(),
                Error::WritesStopped { .. } => {
                    "writes are stopped until the server restarts (why is in the server log); reads go on".to_string()
                }
                _ => "internal error, see the server log".to_string(),
            };
            return ApiError::new(status, error.code(), message);
        }
        let candidates = match &error {
            Error::EntityNotFound { candidates, .. } | Error::AmbiguousName { candidates, .. } => candidates.clone(),
            _ => Vec::new(),
        };
        ApiError {
            candidates,
            ..ApiError::new(status, error.code(), error.to_string())
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        tracing::error!(%error, "blocking task failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error, see the server log",
        )
    }
}
