//! `GET /metrics` in Prometheus' text format: requests by route and status with their
//! latency, registrations by outcome, Stripe's webhook delivery time (counted as they happen,
//! in this process), and read from the database at each scrape (so they cover every web and
//! worker process): emails by outbox state, jobs by queue state, Stripe events waiting and the
//! age of the oldest.
//!
//! Served to clients on this machine (Prometheus next to it, `curl` on the server) or with
//! `Authorization: Bearer <TWINNING_METRICS_TOKEN>`; anyone else gets a 404.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use subtle::ConstantTimeEq;

use crate::context::Ctx;
use crate::core::error::AppError;

/// Latency buckets in seconds: 1 ms to 10 s.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's recorder (one per process: every app started in it shares it).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), BUCKETS)
            .expect("the latency buckets are not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder installed first (a test harness) leaves this one unread.
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics will be empty");
        }
        handle
    })
}

/// Installs the recorder; called when the app is built, so counting starts with the first
/// request.
pub fn install() {
    handle();
}

/// Counts each request by matched route (never the raw path: paths carry private tokens),
/// method and status, and records its latency.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!("http_request_duration_seconds", "route" => route.clone(), "method" => method.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("http_requests_total", "route" => route, "method" => method, "status" => status)
        .increment(1);
    response
}

/// `GET /metrics`.
pub async fn metrics(State(ctx): State<Ctx>, headers: HeaderMap, request: Request) -> Response {
    if !allowed(&ctx, &headers, &request) {
        return AppError::NotFound.into_response();
    }
    if let Err(e) = read_from_database(&ctx).await {
        tracing::warn!(
            error = format!("{e:#}"),
            "metrics from the database not read"
        );
        metrics::counter!("twinning_metrics_read_failures_total").increment(1);
    }
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        handle().render(),
    )
        .into_response()
}

/// A client on this machine, or one with the metrics token. A request a proxy relayed (it
/// carries forwarding headers) is not from this machine, whatever address it comes from.
fn allowed(ctx: &Ctx, headers: &HeaderMap, request: &Request) -> bool {
    if let Some(token) = ctx
        .settings
        .metrics_token
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if given.len() == token.len() && bool::from(given.as_bytes().ct_eq(token.as_bytes())) {
            return true;
        }
    }
    let relayed = ["forwarded", "x-forwarded-for", "x-real-ip"]
        .iter()
        .any(|h| headers.contains_key(*h));
    let local_peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|c| c.0.ip().is_loopback());
    local_peer && !relayed
}

/// Sets the gauges read from the database (every state, so one that emptied reads 0).
async fn read_from_database(ctx: &Ctx) -> anyhow::Result<()> {
    let now = crate::health::read(ctx).await?;
    for (state, n) in now.emails {
        metrics::gauge!("twinning_outbox_emails", "state" => state.as_str()).set(n as f64);
    }
    for (state, n) in now.jobs {
        metrics::gauge!("twinning_jobs", "state" => state.to_lowercase()).set(n as f64);
    }
    metrics::gauge!("twinning_stripe_events_unprocessed").set(now.stripe_waiting as f64);
    let age = now.stripe_oldest.map_or(0.0, |t| {
        (ctx.clock.now() - t).num_milliseconds() as f64 / 1000.0
    });
    metrics::gauge!("twinning_stripe_oldest_unprocessed_event_seconds").set(age.max(0.0));
    Ok(())
}
