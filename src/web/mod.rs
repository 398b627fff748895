//! HTTP: the router, health checks, the OpenAPI document and cross-cutting layers.

pub mod api;
pub mod extract;
mod openapi;
mod rate_limit;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::error::AppError;
use crate::state::Ctx;

pub use rate_limit::RateLimiter;

/// Builds the whole application router.
pub fn router(ctx: Ctx) -> Router {
    let limiter = RateLimiter::per_minute(ctx.settings.registrations_per_minute);
    let api = api::router()
        .route_layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::limit_registrations,
        ))
        .fallback(|| async { AppError::NotFound });
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route(
            "/api/openapi.json",
            get(|| async { Json(openapi::document()) }),
        )
        .nest("/api/v1", api)
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async {
            AppError::conflict("method_not_allowed", "This method is not allowed here.")
                .into_response()
        })
        .layer(DefaultBodyLimit::max(ctx.settings.max_body_bytes))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .with_state(ctx)
}

/// Ready when the database answers.
async fn readyz(State(ctx): State<Ctx>) -> Response {
    match ctx.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(err) => {
            tracing::warn!(error = format!("{err:#}"), "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}
