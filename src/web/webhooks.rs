//! `POST /webhooks/stripe`: Stripe's events, verified and stored, processed in a job.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::context::Ctx;
use crate::core::error::AppError;
use crate::registrations::payments::webhook::{self, Refused};

/// Largest event body accepted (Stripe's events are a few kilobytes).
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// Verifies the signature, stores the event once and answers 200 at once; a redelivered event
/// is acknowledged and ignored. Processing happens in a `StripeEvent` job (and the sweep, if
/// the job is lost), which re-reads the objects from Stripe.
pub async fn stripe(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = ctx.card.as_deref().and_then(|g| g.webhook_secret()) else {
        return AppError::NotFound.into_response();
    };
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Ok(payload) = std::str::from_utf8(&body) else {
        return refuse(Refused::Malformed);
    };
    let now = ctx.clock.now();
    let envelope = match webhook::verify(payload, signature, secret, now.timestamp()) {
        Ok(e) => e,
        Err(why) => {
            tracing::warn!(reason = why.message(), "Stripe webhook refused");
            return refuse(why);
        }
    };
    if envelope.created > 0 {
        // How long Stripe took to deliver it (its retries after an outage show here).
        metrics::histogram!("twinning_stripe_webhook_delivery_seconds")
            .record((now.timestamp() - envelope.created).max(0) as f64);
    }
    if !webhook::HANDLED.contains(&envelope.kind.as_str()) {
        return acknowledge(false, false);
    }
    let new = match crate::registrations::payments::stripe_events::accept(&ctx, &envelope).await {
        Ok(new) => new,
        // Not stored: answer an error so Stripe delivers it again.
        Err(e) => return AppError::Internal(e).into_response(),
    };
    acknowledge(true, !new)
}

fn refuse(why: Refused) -> Response {
    let code = match why {
        Refused::Signature => "bad_signature",
        Refused::Stale => "stale_signature",
        Refused::Malformed => "malformed_event",
    };
    let body = serde_json::json!({"error": {"code": code, "message": why.message()}});
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

fn acknowledge(handled: bool, duplicate: bool) -> Response {
    let body = serde_json::json!({"received": true, "handled": handled, "duplicate": duplicate});
    (StatusCode::OK, axum::Json(body)).into_response()
}
