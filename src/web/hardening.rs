//! Layers that hold for every answer: JSON endpoints take JSON only, private answers are
//! never stored, HTTPS is remembered, and a panic still answers in the shape the client
//! expects.

use std::any::Any;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::context::Ctx;
use crate::core::error::AppError;

/// Middleware for the JSON API: a request with a body must say it is JSON (415 otherwise),
/// so another site cannot post a registration through a visitor's browser as `text/plain`
/// (a "simple" request that browsers send across sites without asking).
pub async fn json_bodies_only(request: Request, next: Next) -> Response {
    let writes = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if writes && has_body(&request) && !is_json(&request) {
        return AppError::UnsupportedMediaType.into_response();
    }
    next.run(request).await
}

fn has_body(request: &Request) -> bool {
    let headers = request.headers();
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match length {
        Some(n) => n > 0,
        None => headers.contains_key(header::TRANSFER_ENCODING),
    }
}

fn is_json(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|essence| {
            let essence = essence.trim().to_ascii_lowercase();
            essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// API answers carry tokens, personal data or staff views: no cache keeps them.
pub async fn never_stored(mut response: Response) -> Response {
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Middleware: when the site is served over HTTPS (`TWINNING_BASE_URL` starts with
/// `https://`), browsers are told to use nothing else for a year.
pub async fn strict_transport(State(ctx): State<Ctx>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if ctx.settings.base_url().starts_with("https://") {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

fn log_panic(payload: &(dyn Any + Send)) {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned());
    tracing::error!(panic = %what, "a request handler panicked");
}

/// A panic in an API handler answers the API's JSON error (500).
pub fn panic_as_json(payload: Box<dyn Any + Send + 'static>) -> Response {
    log_panic(payload.as_ref());
    AppError::Internal(anyhow::anyhow!("handler panicked")).into_response()
}

/// A panic in a page handler answers the styled error page (500), drawn by the pages' error
/// layer around this one.
pub fn panic_as_page(payload: Box<dyn Any + Send + 'static>) -> Response {
    log_panic(payload.as_ref());
    crate::web::pages::PageError(AppError::Internal(anyhow::anyhow!("handler panicked")))
        .into_response()
}

/// The header carrying a request's id, in and out.
pub const REQUEST_ID: axum::http::HeaderName = axum::http::HeaderName::from_static("x-request-id");

/// Request ids made here: 16 random hex digits.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomRequestId;

impl tower_http::request_id::MakeRequestId for RandomRequestId {
    fn make_request_id<B>(
        &mut self,
        _request: &axum::http::Request<B>,
    ) -> Option<tower_http::request_id::RequestId> {
        let id = format!("{:016x}", rand::random::<u64>());
        HeaderValue::from_str(&id)
            .ok()
            .map(tower_http::request_id::RequestId::new)
    }
}
