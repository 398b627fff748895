//! Per-client limit on public registrations (429 when exceeded).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::core::error::AppError;
use crate::core::net::ClientIp;

/// A keyed limiter by client IP; `None` when limiting is off.
#[derive(Clone, Debug)]
pub struct RateLimiter(Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>);

impl RateLimiter {
    /// Allows `n` registrations per minute per IP, with bursts of up to `n`; 0 turns it off.
    pub fn per_minute(n: u32) -> Self {
        Self(
            NonZeroU32::new(n)
                .map(|n| Arc::new(governor::RateLimiter::keyed(Quota::per_minute(n)))),
        )
    }
}

/// Middleware: limits `POST .../registrations` (API) and `POST .../register` (form) per client
/// address (its /64 for IPv6; behind a trusted proxy, the client's, see [`crate::core::net`]).
pub async fn limit_registrations(
    State(limiter): State<RateLimiter>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(limiter) = &limiter.0
        && request.method() == Method::POST
        && (request.uri().path().ends_with("/registrations")
            || request.uri().path().ends_with("/register")
            || request.uri().path().ends_with("/hosts")
            || request.uri().path() == "/host")
    {
        let ip = request
            .extensions()
            .get::<ClientIp>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.limit_key());
        if limiter.check_key(&ip).is_err() {
            return AppError::RateLimited.into_response();
        }
        if limiter.len() > 100_000 {
            limiter.retain_recent();
        }
    }
    next.run(request).await
}
