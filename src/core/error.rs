//! The one error type of the web layer and the services it calls.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A problem with one input field, reported back to whoever sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl ParseError {
    /// Builds an error from any message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// What a person sees when a form's anti-forgery token does not match.
pub const CSRF_MESSAGE: &str =
    "This form has expired. Please go back, reload the page and submit it again.";

/// Field name → message, in a stable order.
pub type FieldErrors = BTreeMap<String, String>;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body is not well-formed JSON.
    #[error("malformed request: {0}")]
    BadRequest(String),
    /// No or wrong credentials.
    #[error("authentication required")]
    Unauthorized,
    /// Authenticated but not allowed.
    #[error("not allowed")]
    Forbidden,
    /// A form arrived without the anti-forgery token of this browser.
    #[error("form expired")]
    Csrf,
    /// Nothing at this address.
    #[error("not found")]
    NotFound,
    /// The path exists but not for this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The request conflicts with the current state (closed, already cancelled ...).
    #[error("{message}")]
    Conflict {
        /// Machine-readable reason.
        code: &'static str,
        /// What a person should know.
        message: String,
    },
    /// The body is larger than allowed.
    #[error("request body too large")]
    PayloadTooLarge,
    /// Some fields are invalid.
    #[error("invalid input")]
    Validation(FieldErrors),
    /// Too many requests.
    #[error("too many requests")]
    RateLimited,
    /// The body is not in a format the endpoint takes (the JSON API takes JSON only).
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A service the request needs (the payment provider) did not answer; trying later may
    /// work.
    #[error("{message}")]
    Unavailable {
        /// Machine-readable reason.
        code: &'static str,
        /// What a person should know.
        message: String,
    },
    /// Anything else: logged with its cause chain, shown as a plain message.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Result with [`AppError`].
pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AppError {
    /// A conflict with a code and message.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// A validation error on one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut fields = FieldErrors::new();
        fields.insert(field.into(), message.into());
        Self::Validation(fields)
    }

    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds a client should wait before trying again (`Retry-After`), for 429 and 503.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited => Some(60),
            Self::Unavailable { .. } => Some(5),
            _ => None,
        }
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "malformed_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::Csrf => "csrf_failed",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict { code, .. } => code,
            Self::PayloadTooLarge => "payload_too_large",
            Self::Validation(_) => "invalid_input",
            Self::RateLimited => "rate_limited",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Unavailable { code, .. } => code,
            Self::Internal(_) => "internal_error",
        }
    }
}

/// Collects field errors while parsing a request, so every bad field is reported at once.
#[derive(Debug, Default)]
pub struct FieldCollector(FieldErrors);

impl FieldCollector {
    /// Takes the value of a parse, or records its error under `field`.
    pub fn take<T>(
        &mut self,
        field: impl Into<String>,
        parsed: Result<T, ParseError>,
    ) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.entry(field.into()).or_insert(e.0);
                None
            }
        }
    }

    /// Records an error under `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert(message.into());
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when no field failed, else the validation error.
    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

/// The JSON error body: `{"error": {"code", "message", "fields"}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Details of an error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable code, e.g. `invalid_input`, `registration_closed`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// Field path → message, for `invalid_input`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: FieldErrors,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let code = self.code().to_owned();
        let retry_after = self.retry_after();
        let message = match &self {
            Self::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "request failed");
                "Something went wrong on our side. Please try again.".to_owned()
            }
            Self::Validation(_) => "Some fields are invalid.".to_owned(),
            Self::BadRequest(detail) => format!("The request body is not valid JSON: {detail}"),
            Self::Unauthorized => {
                "A valid staff API token is required (Authorization: Bearer ...).".to_owned()
            }
            Self::Forbidden => "Your role does not allow this.".to_owned(),
            Self::Csrf => CSRF_MESSAGE.to_owned(),
            Self::NotFound => "Nothing was found at this address.".to_owned(),
            Self::MethodNotAllowed => "This address does not accept this method.".to_owned(),
            Self::PayloadTooLarge => "The request body is too large.".to_owned(),
            Self::RateLimited => "Too many requests; please slow down.".to_owned(),
            Self::UnsupportedMediaType => {
                "The body must be JSON, sent with Content-Type: application/json.".to_owned()
            }
            Self::Conflict { message, .. } | Self::Unavailable { message, .. } => message.clone(),
        };
        let fields = match self {
            Self::Validation(fields) => fields,
            Self::UnsupportedMediaType => FieldErrors::from([(
                "Content-Type".to_owned(),
                "must be application/json".to_owned(),
            )]),
            _ => FieldErrors::new(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                fields,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// An error as `anyhow`, for jobs and sweeps (which report, never answer a request).
pub fn into_anyhow(err: AppError) -> anyhow::Error {
    match err {
        AppError::Internal(e) => e,
        other => anyhow::anyhow!("{other}"),
    }
}
