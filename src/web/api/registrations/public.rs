//! What a registrant does through the API: register, look, cancel, claim an offer, pay.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::core::error::{AppError, Result};
use crate::domain::{PaymentChoice, TransitionReason};

use super::json::*;
use crate::context::Ctx;
use crate::registrations::{self, Actor};
use crate::web::extract::{ApiBody, Role, StaffAuth, parse_json, request_key};

use crate::domain::registration::input::{RegistrationBody, parse_registration};

/// Register for an event. A full event answers 201 with status `waitlisted`.
///
/// With an `Idempotency-Key` header, the request is carried out once: repeated with the same
/// key and body (after a timeout, say), it answers 201 with the registration the first one
/// made and `Idempotent-Replayed: true`; the same key with another event or body is a 422.
/// Keys are kept for a day.
#[utoipa::path(post, path = "/api/v1/events/{slug}/registrations", tag = "registrations",
    request_body = RegistrationBody,
    params(("slug" = String, Path, description = "Event slug"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 16, max_length = 255, pattern = "^[!-~]{16,255}$",
            description = "A random value (a UUID) naming this request: repeating the request with it creates nothing new")),
    responses((status = 201, body = CreatedJson,
            headers(("Idempotent-Replayed" = String, description = "`true` when an earlier request with the same Idempotency-Key made this registration"))),
        (status = 400, body = crate::core::error::ErrorBody),
        (status = 404, body = crate::core::error::ErrorBody), (status = 409, body = crate::core::error::ErrorBody),
        (status = 413, body = crate::core::error::ErrorBody), (status = 422, body = crate::core::error::ErrorBody),
        (status = 429, body = crate::core::error::ErrorBody)))]
pub async fn create_registration(
    State(ctx): State<Ctx>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    ApiBody(bytes): ApiBody,
) -> Result<Response> {
    let body: RegistrationBody = parse_json(&bytes)?;
    let key = request_key(&headers, &slug, &bytes)?;
    let new = parse_registration(body)?;
    let done = registrations::submit(&ctx, &slug, new, key).await?;
    let mut response = (
        StatusCode::CREATED,
        Json(CreatedJson {
            manage_url: ctx.manage_url(&done.token),
            token: done.token,
            status: done.status,
            amount_due: done.total.into(),
            payment_url: done.payment_url,
        }),
    )
        .into_response();
    if done.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// A registration, by its private token.
#[utoipa::path(get, path = "/api/v1/registrations/{token}", tag = "registrations",
    params(("token" = String, Path, description = "Private registration token")),
    responses((status = 200, body = RegistrationJson), (status = 404, body = crate::core::error::ErrorBody)))]
pub async fn get_registration(
    State(ctx): State<Ctx>,
    staff: Option<StaffAuth>,
    Path(token): Path<String>,
) -> Result<Json<RegistrationJson>> {
    let reg = registrations::find(&ctx, &token).await?;
    let staff_view = staff.is_some_and(|s| s.require(Role::Staff).is_ok());
    Ok(Json(load_json(&ctx, &reg, staff_view).await?))
}

/// Optional reason for cancel and reject.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// At most 1,000 characters; lines and tabs allowed, no other control characters.
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub reason: Option<String>,
}

/// Reads an optional JSON body (empty is fine).
pub(crate) fn optional_body<T: serde::de::DeserializeOwned + Default>(bytes: &[u8]) -> Result<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        crate::web::extract::parse_json(bytes)
    }
}

pub(super) fn reason_of(body: &ReasonBody, default: TransitionReason) -> Result<TransitionReason> {
    let words = crate::domain::parse_long_text(body.reason.as_deref().unwrap_or(""), 1000)
        .map_err(|e| AppError::field("reason", e.0))?;
    Ok(TransitionReason::given_or(&words, default))
}

/// Cancel a registration by its token (by the registrant, or staff with a token).
#[utoipa::path(post, path = "/api/v1/registrations/{token}/cancel", tag = "registrations",
    params(("token" = String, Path, description = "Private registration token"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 16, max_length = 255, pattern = "^[!-~]{16,255}$", description = "A random value (a UUID) naming this request: repeating it with the same key records nothing more and answers with the registration as it now is")), request_body(content = ReasonBody),
    responses((status = 200, body = RegistrationJson), (status = 404, body = crate::core::error::ErrorBody),
        (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn cancel_registration(
    State(ctx): State<Ctx>,
    staff: Option<StaffAuth>,
    Path(token): Path<String>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Json<RegistrationJson>> {
    let body: ReasonBody = optional_body(&bytes)?;
    let key = request_key(&headers, &format!("cancel {token}"), &bytes)?;
    let staff = staff.filter(|s| s.require(Role::Staff).is_ok());
    let actor = staff.as_ref().map_or(Actor::Participant, StaffAuth::actor);
    let default = if staff.is_some() {
        TransitionReason::CancelledByStaff
    } else {
        TransitionReason::CancelledByParticipant
    };
    registrations::cancel(
        &ctx,
        &token,
        actor,
        reason_of(&body, default)?,
        key.as_ref(),
    )
    .await?;
    let reg = registrations::find(&ctx, &token).await?;
    Ok(Json(load_json(&ctx, &reg, staff.is_some()).await?))
}

/// Optional payment choice when claiming an offer.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::PaymentChoice>)]
    pub payment: Option<String>,
}

/// Claim a waitlist offer before it expires.
#[utoipa::path(post, path = "/api/v1/registrations/{token}/claim", tag = "registrations",
    params(("token" = String, Path, description = "Private registration token")), request_body(content = ClaimBody),
    responses((status = 200, body = RegistrationJson), (status = 404, body = crate::core::error::ErrorBody),
        (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn claim_offer(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<RegistrationJson>> {
    let body: ClaimBody = optional_body(&body)?;
    let payment = match body.payment.as_deref() {
        Some(p) => Some(PaymentChoice::parse(p).map_err(|e| AppError::field("payment", e.0))?),
        None => None,
    };
    registrations::claim_offer(&ctx, &token, payment).await?;
    let reg = registrations::find(&ctx, &token).await?;
    if payment == Some(PaymentChoice::Card)
        || reg.payment_method == crate::domain::PaymentMethod::Card
    {
        // The seats are held either way; if Stripe does not answer now, the payer starts the
        // payment later from the private page or `POST .../checkout`.
        if let Err(e) = crate::registrations::payments::checkout_url(&ctx, &reg).await {
            tracing::warn!(error = %e, "card payment not started after claiming an offer");
        }
    }
    Ok(Json(load_json(&ctx, &reg, false).await?))
}

/// The Stripe page where a registration waiting for payment pays by card (a new Checkout
/// Session unless one is open).
#[utoipa::path(post, path = "/api/v1/registrations/{token}/checkout", tag = "registrations",
    params(("token" = String, Path, description = "Private registration token")),
    responses((status = 200, body = CheckoutJson), (status = 404, body = crate::core::error::ErrorBody),
        (status = 409, body = crate::core::error::ErrorBody), (status = 503, body = crate::core::error::ErrorBody)))]
pub async fn start_checkout(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
) -> Result<Json<CheckoutJson>> {
    let reg = registrations::find(&ctx, &token).await?;
    let event = crate::events::read::find_by_id(&ctx, reg.event_id).await?;
    if !event.pay_card {
        return Err(AppError::conflict(
            "card_unavailable",
            "This event does not take card payments.",
        ));
    }
    let payment_url = crate::registrations::payments::checkout_url(&ctx, &reg).await?;
    Ok(Json(CheckoutJson { payment_url }))
}

/// Where to pay.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckoutJson {
    /// Stripe's payment page.
    pub payment_url: String,
}
