//! HTTP: the router, health checks, the OpenAPI document and cross-cutting layers.

pub mod api;
mod client_ip;
pub mod extract;
mod hardening;
mod metrics;
mod openapi;
pub mod pages;
mod rate_limit;
pub mod staff;
pub mod webhooks;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::context::Ctx;
use crate::core::error::AppError;

pub use rate_limit::RateLimiter;

/// The OpenAPI document, pretty-printed (`twinning openapi`).
pub fn openapi_json() -> String {
    openapi::document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
}

/// Builds the whole application router.
pub fn router(ctx: Ctx) -> Router {
    metrics::install();
    let limiter = RateLimiter::per_minute(ctx.settings.registrations_per_minute);
    let api = api::router()
        .route_layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::limit_registrations,
        ))
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(axum::middleware::from_fn(hardening::json_bodies_only))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            hardening::panic_as_json,
        ))
        .layer(axum::middleware::map_response(json_errors))
        .layer(axum::middleware::map_response(hardening::never_stored));
    let html = pages_router(limiter_for_forms(&ctx))
        .fallback(|| async { pages::PageError(AppError::NotFound) })
        .method_not_allowed_fallback(|| async { pages::PageError(AppError::MethodNotAllowed) })
        .layer(axum::middleware::from_fn_with_state(
            ctx.clone(),
            pages::forms::csrf_cookie,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            hardening::panic_as_page,
        ))
        .layer(axum::middleware::from_fn_with_state(
            ctx.clone(),
            pages::html_errors,
        ))
        .layer(axum::middleware::from_fn(pages::security_headers))
        .layer(axum::middleware::from_fn_with_state(
            ctx.clone(),
            pages::language,
        ));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::metrics))
        .route(
            "/api/openapi.json",
            get(|| async { Json(openapi::document()) }),
        )
        .nest("/api/v1", api)
        .merge(html)
        .layer(DefaultBodyLimit::max(ctx.settings.max_body_bytes))
        .route(
            "/webhooks/stripe",
            axum::routing::post(webhooks::stripe)
                .layer(DefaultBodyLimit::max(webhooks::MAX_BODY_BYTES)),
        )
        .layer(axum::middleware::from_fn_with_state(
            ctx.clone(),
            client_ip::resolve,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(axum::middleware::from_fn(metrics::track))
        // One access-log line per request at `info` (status and latency), in a span naming the
        // matched route, never the raw path (paths carry private tokens), and the request id.
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(|request: &axum::extract::Request| {
                    let route = request
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map_or("unmatched", |p| p.as_str());
                    let id = request
                        .headers()
                        .get(hardening::REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!("request", method = %request.method(), route, id)
                })
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                ),
        )
        // `x-request-id`: kept from the proxy when it sends one, made here otherwise, and
        // returned with the answer.
        .layer(tower_http::request_id::PropagateRequestIdLayer::new(
            hardening::REQUEST_ID,
        ))
        .layer(tower_http::request_id::SetRequestIdLayer::new(
            hardening::REQUEST_ID,
            hardening::RandomRequestId,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn_with_state(
            ctx.clone(),
            hardening::strict_transport,
        ))
        .with_state(ctx)
}

fn limiter_for_forms(ctx: &Ctx) -> RateLimiter {
    RateLimiter::per_minute(ctx.settings.registrations_per_minute)
}

/// The public pages and the staff console.
fn pages_router(limiter: RateLimiter) -> Router<Ctx> {
    Router::new()
        .merge(pages::public::router())
        .route(
            "/host",
            get(pages::hosts::host_form).post(pages::hosts::host_submit),
        )
        .route(
            "/m/{token}",
            get(pages::matches::match_page).post(pages::matches::match_answer),
        )
        .route(
            "/h/{token}",
            get(pages::hosts::own_form).post(pages::hosts::own_submit),
        )
        .route(
            "/g/{token}",
            get(pages::guardians::guardian_page).post(pages::guardians::guardian_answer),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::limit_registrations,
        ))
        .route("/static/app.css", get(pages::stylesheet))
        .route("/static/app.js", get(pages::script))
        .merge(staff::router())
        .layer(axum::Extension(staff::LoginLimiter::per_minute(10)))
}

/// Turns error responses that axum produced itself (a path segment that is not valid UTF-8,
/// say) into the API's JSON error shape, so API clients always get JSON.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let error = match status {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::BAD_REQUEST => AppError::BadRequest(
            status
                .canonical_reason()
                .unwrap_or("bad request")
                .to_owned(),
        ),
        StatusCode::SERVICE_UNAVAILABLE => AppError::Unavailable {
            code: "timeout",
            message: "The server took too long to answer; please try again.".to_owned(),
        },
        _ if status.is_client_error() => AppError::BadRequest(status.to_string()),
        _ => AppError::Internal(anyhow::anyhow!("unhandled error response {status}")),
    };
    let mut out = error.into_response();
    if out.status() != status {
        *out.status_mut() = status;
    }
    out
}

/// Ready when the database and the job queue answer.
async fn readyz(State(ctx): State<Ctx>) -> Response {
    let (db, queue) = tokio::join!(ctx.db.ping(), ctx.queue.ping());
    let problem = match (db, queue) {
        (Ok(()), Ok(())) => return "ready".into_response(),
        (Err(err), _) => ("database unavailable", err),
        (_, Err(err)) => ("job queue unavailable", err),
    };
    tracing::warn!(error = format!("{:#}", problem.1), "not ready");
    (StatusCode::SERVICE_UNAVAILABLE, problem.0).into_response()
}
