//! What staff do through the API: list, approve, reject, record payments and refunds.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

use crate::core::error::{AppError, FieldCollector, Result};
use crate::domain::AmountBody;
use crate::domain::{Currency, Money, MoneyMethod, RegistrationStatus, TransitionReason};

use super::json::*;
use super::public::{ReasonBody, optional_body, reason_of};
use crate::context::Ctx;
use crate::registrations::MethodParser;
use crate::registrations::{self, OfflinePayment};
use crate::web::api::page::{Page, PageQuery};
use crate::web::extract::{ApiBody, Role, StaffAuth, parse_json, request_key};

/// Filter for the staff list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only registrations in this state.
    #[param(value_type = Option<crate::domain::RegistrationStatus>)]
    pub status: Option<String>,
}

/// Registrations of an event (staff), oldest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/events/{slug}/registrations", tag = "registrations",
    params(("slug" = String, Path, description = "Event slug"), ListQuery, PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<RegistrationJson>), (status = 401, body = crate::core::error::ErrorBody),
        (status = 403, body = crate::core::error::ErrorBody), (status = 404, body = crate::core::error::ErrorBody),
        (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn list_registrations(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
    page: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Page<RegistrationJson>>> {
    staff.require(Role::Staff)?;
    let Query(query) = query.map_err(|e| AppError::field("query", e.body_text()))?;
    let Query(page) = page.map_err(|e| AppError::field("query", e.body_text()))?;
    let status = match query.status.as_deref() {
        Some(s) => Some(RegistrationStatus::parse(s).map_err(|e| AppError::field("status", e.0))?),
        None => None,
    };
    let event = crate::events::read::find(&ctx, &slug).await?;
    let mut list = crate::registrations::read::of_event(&ctx, event.id, status).await?;
    let rows = std::mem::take(&mut list.registrations);
    let page = page.page_of(rows, |r| r.id, |id, cursor| id > cursor)?;
    Ok(Json(page.map(|r| {
        let p = list.take_participants(r.id);
        registration_json(&ctx, &slug, &r, &p, list.paid(r.id), true)
    })))
}

/// Approve a registration awaiting approval (staff): it takes seats, or joins the waitlist.
#[utoipa::path(post, path = "/api/v1/registrations/{token}/approve", tag = "registrations",
    params(("token" = String, Path, description = "Private registration token")), security(("bearer" = [])),
    responses((status = 200, body = RegistrationJson), (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn approve_registration(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(token): Path<String>,
) -> Result<Json<RegistrationJson>> {
    staff.require(Role::Staff)?;
    registrations::approve(&ctx, &token, staff.actor()).await?;
    let reg = registrations::find(&ctx, &token).await?;
    Ok(Json(load_json(&ctx, &reg, true).await?))
}

/// Reject a registration awaiting approval (staff).
#[utoipa::path(post, path = "/api/v1/registrations/{token}/reject", tag = "registrations",
    params(("token" = String, Path, description = "Private registration token")), request_body(content = ReasonBody),
    security(("bearer" = [])),
    responses((status = 200, body = RegistrationJson), (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn reject_registration(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<RegistrationJson>> {
    staff.require(Role::Staff)?;
    let body: ReasonBody = optional_body(&body)?;
    registrations::reject(
        &ctx,
        &token,
        staff.actor(),
        reason_of(&body, TransitionReason::RejectedByStaff)?,
    )
    .await?;
    let reg = registrations::find(&ctx, &token).await?;
    Ok(Json(load_json(&ctx, &reg, true).await?))
}

/// Body of an offline payment.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    /// `cash`, `transfer` or `other`.
    #[schema(pattern = "^(cash|transfer|other)$")]
    pub method: String,
    pub amount: AmountBody,
    /// Bank reference, receipt number ...: at most 200 characters; lines and tabs allowed, no
    /// other control characters.
    #[serde(default)]
    #[schema(
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub reference: Option<String>,
}

/// The method (`cash`, `transfer` or `other`) and a positive amount of an offline payment or
/// refund, each error recorded by field.
fn offline_money(
    f: &mut FieldCollector,
    (method, methods): (&str, MethodParser),
    amount: &AmountBody,
) -> (Option<MoneyMethod>, Option<Money>) {
    let method = f.take("method", methods(method));
    let currency = f.take("amount.currency", Currency::parse(&amount.currency));
    let amount = currency.and_then(|c| {
        f.take(
            "amount.amount_minor",
            Money::from_minor(amount.amount_minor, c),
        )
    });
    if amount.is_some_and(|a| a.amount_minor == 0) {
        f.add("amount.amount_minor", "must be more than 0");
    }
    (method, amount)
}

/// Body of `POST /api/v1/registrations/{token}/refunds`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundBody {
    /// How the money goes back: `card` (through Stripe, to the card that paid; `pending` until
    /// Stripe confirms it) or by hand: `cash`, `transfer` or `other`.
    #[schema(pattern = "^(card|cash|transfer|other)$")]
    pub method: String,
    /// At most what the registration has paid.
    pub amount: AmountBody,
    /// Why (shown to the participant in the refund email): one line, 1 to 200 characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub reason: String,
}

/// Record a refund staff paid back (staff): a negative row in the ledger, any amount up to what
/// was paid, with a reason; the contact is emailed. The registration's state does not change.
#[utoipa::path(post, path = "/api/v1/registrations/{token}/refunds", tag = "registrations",
    params(("token" = String, Path, description = "Private registration token"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 16, max_length = 255, pattern = "^[!-~]{16,255}$", description = "A random value (a UUID) naming this request: repeating it with the same key records nothing more and answers with the registration as it now is")), request_body = RefundBody,
    security(("bearer" = [])),
    responses((status = 201, body = RegistrationJson), (status = 409, body = crate::core::error::ErrorBody),
        (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn record_refund(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(token): Path<String>,
    headers: HeaderMap,
    ApiBody(bytes): ApiBody,
) -> Result<(StatusCode, Json<RegistrationJson>)> {
    staff.require(Role::Staff)?;
    let body: RefundBody = parse_json(&bytes)?;
    let key = request_key(&headers, &format!("refund {token}"), &bytes)?;
    let mut f = FieldCollector::default();
    let (method, amount) = offline_money(
        &mut f,
        (&body.method, registrations::refund_method),
        &body.amount,
    );
    let reason = f.take(
        "reason",
        crate::domain::Title::parse(&body.reason).map(|t| t.as_str().to_owned()),
    );
    f.finish()?;
    let refund = registrations::OfflineRefund {
        method: method.expect("checked"),
        amount: amount.expect("checked"),
        reason: reason.expect("checked"),
    };
    registrations::record_refund(&ctx, &token, staff.actor(), refund, key.as_ref()).await?;
    let reg = registrations::find(&ctx, &token).await?;
    Ok((
        StatusCode::CREATED,
        Json(load_json(&ctx, &reg, true).await?),
    ))
}

/// Record an offline payment (staff). Paid in full confirms the registration.
#[utoipa::path(post, path = "/api/v1/registrations/{token}/payments", tag = "registrations",
    params(("token" = String, Path, description = "Private registration token"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 16, max_length = 255, pattern = "^[!-~]{16,255}$", description = "A random value (a UUID) naming this request: repeating it with the same key records nothing more and answers with the registration as it now is")), request_body = PaymentBody,
    security(("bearer" = [])),
    responses((status = 201, body = RegistrationJson), (status = 409, body = crate::core::error::ErrorBody),
        (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn record_payment(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(token): Path<String>,
    headers: HeaderMap,
    ApiBody(bytes): ApiBody,
) -> Result<(StatusCode, Json<RegistrationJson>)> {
    staff.require(Role::Staff)?;
    let body: PaymentBody = parse_json(&bytes)?;
    let key = request_key(&headers, &format!("payment {token}"), &bytes)?;
    let mut f = FieldCollector::default();
    let (method, amount) = offline_money(
        &mut f,
        (&body.method, registrations::offline_method),
        &body.amount,
    );
    let reference = f.take(
        "reference",
        crate::domain::parse_long_text(body.reference.as_deref().unwrap_or(""), 200),
    );
    f.finish()?;
    let payment = OfflinePayment {
        method: method.expect("checked"),
        amount: amount.expect("checked"),
        reference: reference.expect("checked"),
    };
    registrations::record_payment(&ctx, &token, staff.actor(), payment, key.as_ref()).await?;
    let reg = registrations::find(&ctx, &token).await?;
    Ok((
        StatusCode::CREATED,
        Json(load_json(&ctx, &reg, true).await?),
    ))
}
