//! `/api/v1/.../registrations`: submit, view, cancel, claim; staff list, approve, reject, pay.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::MoneyJson;
use crate::core::error::{AppError, FieldCollector, Result};
use crate::db::events as db_events;
use crate::db::registrations::{self as db_regs, ParticipantRow, RegistrationRow};
use crate::domain::{
    Currency, EmailAddress, Language, Money, MoneyMethod, PaymentChoice, PersonName,
    RegistrationStatus, TransitionReason,
};

use crate::context::Ctx;
use crate::registrations::{
    self, Actor, MAX_PARTICIPANTS, NewParticipant, NewRegistration, OfflinePayment,
};
use crate::web::extract::{ApiJson, Role, StaffAuth};

/// The contact (payer) of a registration.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    pub name: String,
    pub email: String,
    /// Telephone number, optional (staff may need it on the day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Language for emails and pages, e.g. `es`. Defaults to `en`.
    #[serde(default)]
    pub language: Option<String>,
}

/// One participant.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantBody {
    pub name: String,
    /// Offering key, e.g. `adult`.
    pub offering: String,
    /// Dietary and accessibility notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// Answers to the event's questions, by question key (see the event's `questions`).
    #[serde(default)]
    pub answers: Option<BTreeMap<String, String>>,
    /// Required on exchanges (and refused elsewhere): what the host and the matcher need.
    #[serde(default)]
    pub profile: Option<crate::domain::visitor::VisitorProfile>,
}

/// Body of `POST /api/v1/events/{slug}/registrations`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationBody {
    pub contact: ContactBody,
    pub participants: Vec<ParticipantBody>,
    /// `later` (bank transfer or cash) or `card`. Only needed when something is due.
    #[serde(default)]
    pub payment: Option<String>,
    /// Must be `true` when the event lists consent statements.
    #[serde(default)]
    pub accept_consents: bool,
}

/// Answer to a new registration.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedJson {
    /// The private token: keep it, it is the only key to the registration.
    pub token: String,
    pub status: RegistrationStatus,
    pub amount_due: MoneyJson,
    /// The private page.
    pub manage_url: String,
    /// Stripe's payment page, when paying by card: send the payer there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_url: Option<String>,
}

/// A participant as shown.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ParticipantJson {
    pub name: String,
    pub offering: String,
    pub offering_name: String,
    pub price: MoneyJson,
    pub notes: String,
    /// The code shown as a QR code at the door.
    pub checkin_code: Option<String>,
    /// Answers to the event's questions, by question key.
    pub answers: BTreeMap<String, String>,
    /// The visitor profile, on exchanges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::domain::visitor::VisitorProfile>,
}

/// A registration as shown to its holder (and to staff, who also get `token` and `history`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegistrationJson {
    pub event: String,
    pub status: RegistrationStatus,
    pub contact: ContactBody,
    pub participants: Vec<ParticipantJson>,
    pub amount_total: MoneyJson,
    pub amount_paid: MoneyJson,
    pub amount_due: MoneyJson,
    /// `none`, `later` or `card`.
    pub payment_method: String,
    /// Until when unpaid seats are held (UTC).
    pub hold_expires_at: Option<String>,
    /// Until when a waitlist offer can be claimed (UTC).
    pub offer_expires_at: Option<String>,
    pub created_at: String,
    pub manage_url: String,
    /// Stripe's payment page while a card payment is open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_url: Option<String>,
    /// When the payer disputed a card payment with their bank (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disputed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<TransitionJson>>,
}

/// One entry of a registration's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TransitionJson {
    pub from: Option<String>,
    pub to: String,
    pub actor: String,
    pub reason: String,
    pub at: String,
}

fn money(amount_minor: i64, currency: &str) -> MoneyJson {
    MoneyJson {
        amount_minor,
        currency: currency.to_owned(),
    }
}

fn registration_json(
    ctx: &Ctx,
    event_slug: &str,
    r: &RegistrationRow,
    participants: &[ParticipantRow],
    paid: i64,
    staff_view: bool,
) -> RegistrationJson {
    RegistrationJson {
        event: event_slug.to_owned(),
        status: r.status,
        contact: ContactBody {
            name: r.contact_name.clone(),
            email: r.contact_email.clone(),
            phone: (staff_view && !r.contact_phone.is_empty()).then(|| r.contact_phone.clone()),
            language: Some(r.language.clone()),
        },
        participants: participants
            .iter()
            .map(|p| ParticipantJson {
                name: p.name.clone(),
                offering: p.offering_key.clone(),
                offering_name: p.offering_name.clone(),
                price: money(p.price_minor, &r.currency),
                notes: p.notes.clone(),
                checkin_code: p.checkin_code.clone(),
                answers: crate::domain::question::answers_from_stored(&p.answers),
                profile: serde_json::from_str(&p.profile).ok(),
            })
            .collect(),
        amount_total: money(r.total_minor, &r.currency),
        amount_paid: money(paid, &r.currency),
        amount_due: money((r.total_minor - paid).max(0), &r.currency),
        payment_method: r.payment_method.to_string(),
        hold_expires_at: r.hold_expires_at.map(|t| t.to_rfc3339()),
        offer_expires_at: r.offer_expires_at.map(|t| t.to_rfc3339()),
        created_at: r.created_at.to_rfc3339(),
        manage_url: ctx.manage_url(&r.token),
        payment_url: None,
        disputed_at: None,
        token: staff_view.then(|| r.token.clone()),
        history: None,
    }
}

/// Parses a registration body, reporting every bad field.
pub(crate) fn parse_registration(body: RegistrationBody) -> Result<NewRegistration> {
    let mut f = FieldCollector::default();
    let contact_name = f.take("contact.name", PersonName::parse(&body.contact.name));
    let contact_email = f.take("contact.email", EmailAddress::parse(&body.contact.email));
    let contact_phone = f.take(
        "contact.phone",
        crate::domain::parse_phone(body.contact.phone.as_deref().unwrap_or("")),
    );
    let language = f.take(
        "contact.language",
        Language::parse(body.contact.language.as_deref().unwrap_or("en")),
    );
    if body.participants.is_empty() {
        f.add("participants", "must list at least one participant");
    } else if body.participants.len() > MAX_PARTICIPANTS {
        f.add(
            "participants",
            format!("must list at most {MAX_PARTICIPANTS} participants"),
        );
    }
    let mut participants = Vec::new();
    for (i, p) in body.participants.iter().take(MAX_PARTICIPANTS).enumerate() {
        let name = f.take(
            format!("participants[{i}].name"),
            PersonName::parse(&p.name),
        );
        if p.offering.trim().is_empty() {
            f.add(format!("participants[{i}].offering"), "is required");
        }
        let notes = f.take(
            format!("participants[{i}].notes"),
            crate::domain::parse_long_text(p.notes.as_deref().unwrap_or(""), 1_000),
        );
        if let (Some(name), Some(notes)) = (name, notes) {
            participants.push(NewParticipant {
                name,
                offering: p.offering.trim().to_owned(),
                notes,
                answers: p.answers.clone().unwrap_or_default(),
                profile: p.profile.clone(),
            });
        }
    }
    let payment = match body.payment.as_deref() {
        Some(p) => f.take("payment", PaymentChoice::parse(p)).map(Some),
        None => Some(None),
    };
    f.finish()?;
    Ok(NewRegistration {
        contact_name: contact_name.expect("checked"),
        contact_email: contact_email.expect("checked"),
        contact_phone: contact_phone.expect("checked"),
        language: language.expect("checked"),
        participants,
        payment: payment.expect("checked"),
        accept_consents: body.accept_consents,
    })
}

/// Register for an event. A full event answers 201 with status `waitlisted`.
#[utoipa::path(post, path = "/api/v1/events/{slug}/registrations", tag = "registrations",
    request_body = RegistrationBody, params(("slug" = String, Path, description = "Event slug")),
    responses((status = 201, body = CreatedJson), (status = 400, body = crate::core::error::ErrorBody),
        (status = 404, body = crate::core::error::ErrorBody), (status = 409, body = crate::core::error::ErrorBody),
        (status = 413, body = crate::core::error::ErrorBody), (status = 422, body = crate::core::error::ErrorBody),
        (status = 429, body = crate::core::error::ErrorBody)))]
pub async fn create_registration(
    State(ctx): State<Ctx>,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<RegistrationBody>,
) -> Result<(StatusCode, Json<CreatedJson>)> {
    let new = parse_registration(body)?;
    let done = registrations::submit(&ctx, &slug, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedJson {
            manage_url: ctx.manage_url(&done.token),
            token: done.token,
            status: done.status,
            amount_due: done.total.into(),
            payment_url: done.payment_url,
        }),
    ))
}

async fn load_json(ctx: &Ctx, reg: &RegistrationRow, staff_view: bool) -> Result<RegistrationJson> {
    let participants = db_regs::participants(&ctx.db, reg.id).await?;
    let paid = db_regs::PaymentRow::net(&db_regs::payments(&ctx.db, reg.id).await?);
    let slug = db_events::find_by_id(&ctx.db, reg.event_id)
        .await?
        .map(|e| e.slug)
        .unwrap_or_default();
    let mut json = registration_json(ctx, &slug, reg, &participants, paid, staff_view);
    if reg.status == RegistrationStatus::PendingPayment {
        let now = ctx.clock.now();
        json.payment_url = crate::db::card::latest_session(&ctx.db, reg.id)
            .await?
            .filter(|s| s.status == crate::domain::SessionStatus::Open && s.expires_at > now)
            .map(|s| s.url);
    }
    if staff_view {
        json.history = Some(history(ctx, reg.id).await?);
        json.disputed_at = crate::db::card::disputed_at(&ctx.db, reg.id)
            .await?
            .map(|t| t.to_rfc3339());
    }
    Ok(json)
}

async fn history(ctx: &Ctx, id: i64) -> Result<Vec<TransitionJson>> {
    Ok(db_regs::transitions(&ctx.db, id)
        .await?
        .into_iter()
        .map(|t| TransitionJson {
            from: t.from_status,
            to: t.to_status,
            actor: t.actor,
            reason: t.reason,
            at: t.created_at.to_rfc3339(),
        })
        .collect())
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
    #[serde(default)]
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

fn reason_of(body: &ReasonBody, default: TransitionReason) -> Result<TransitionReason> {
    let words = crate::domain::parse_long_text(body.reason.as_deref().unwrap_or(""), 1000)
        .map_err(|e| AppError::field("reason", e.0))?;
    Ok(TransitionReason::given_or(&words, default))
}

/// Cancel a registration by its token (by the registrant, or staff with a token).
#[utoipa::path(post, path = "/api/v1/registrations/{token}/cancel", tag = "registrations",
    params(("token" = String, Path, description = "Private registration token")), request_body(content = ReasonBody),
    responses((status = 200, body = RegistrationJson), (status = 404, body = crate::core::error::ErrorBody),
        (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn cancel_registration(
    State(ctx): State<Ctx>,
    staff: Option<StaffAuth>,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<RegistrationJson>> {
    let body: ReasonBody = optional_body(&body)?;
    let staff = staff.filter(|s| s.require(Role::Staff).is_ok());
    let actor = staff.as_ref().map_or(Actor::Participant, StaffAuth::actor);
    let default = if staff.is_some() {
        TransitionReason::CancelledByStaff
    } else {
        TransitionReason::CancelledByParticipant
    };
    registrations::cancel(&ctx, &token, actor, reason_of(&body, default)?).await?;
    let reg = registrations::find(&ctx, &token).await?;
    Ok(Json(load_json(&ctx, &reg, staff.is_some()).await?))
}

/// Optional payment choice when claiming an offer.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    #[serde(default)]
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
    let event = db_events::find_by_id(&ctx.db, reg.event_id)
        .await?
        .ok_or(AppError::NotFound)?;
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

/// Filter for the staff list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only registrations in this state.
    pub status: Option<String>,
}

/// Registrations of an event (staff).
#[utoipa::path(get, path = "/api/v1/events/{slug}/registrations", tag = "registrations",
    params(("slug" = String, Path, description = "Event slug"), ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<RegistrationJson>), (status = 401, body = crate::core::error::ErrorBody),
        (status = 403, body = crate::core::error::ErrorBody), (status = 404, body = crate::core::error::ErrorBody)))]
pub async fn list_registrations(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<RegistrationJson>>> {
    staff.require(Role::Staff)?;
    let Query(query) = query.map_err(|e| AppError::field("query", e.body_text()))?;
    let status = match query.status.as_deref() {
        Some(s) => Some(RegistrationStatus::parse(s).map_err(|e| AppError::field("status", e.0))?),
        None => None,
    };
    let event = db_events::find_by_slug(&ctx.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = db_regs::list_for_event(&ctx.db, event.id, status.map(|s| s.as_str())).await?;
    let mut participants = db_regs::participants_of_event(&ctx.db, event.id).await?;
    let paid = db_regs::paid_by_registration(&ctx.db, event.id).await?;
    Ok(Json(
        rows.iter()
            .map(|r| {
                let p = participants.remove(&r.id).unwrap_or_default();
                registration_json(
                    &ctx,
                    &slug,
                    r,
                    &p,
                    paid.get(&r.id).copied().unwrap_or(0),
                    true,
                )
            })
            .collect(),
    ))
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
    pub method: String,
    pub amount: MoneyJson,
    /// Bank reference, receipt number ...
    #[serde(default)]
    pub reference: Option<String>,
}

/// The method (`cash`, `transfer` or `other`) and a positive amount of an offline payment or
/// refund, each error recorded by field.
use registrations::MethodParser;

fn offline_money(
    f: &mut FieldCollector,
    (method, methods): (&str, MethodParser),
    amount: &MoneyJson,
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
    pub method: String,
    /// At most what the registration has paid.
    pub amount: MoneyJson,
    /// Why (shown to the participant in the refund email).
    pub reason: String,
}

/// Record a refund staff paid back (staff): a negative row in the ledger, any amount up to what
/// was paid, with a reason; the contact is emailed. The registration's state does not change.
#[utoipa::path(post, path = "/api/v1/registrations/{token}/refunds", tag = "registrations",
    params(("token" = String, Path, description = "Private registration token")), request_body = RefundBody,
    security(("bearer" = [])),
    responses((status = 201, body = RegistrationJson), (status = 409, body = crate::core::error::ErrorBody),
        (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn record_refund(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<RefundBody>,
) -> Result<(StatusCode, Json<RegistrationJson>)> {
    staff.require(Role::Staff)?;
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
    registrations::record_refund(&ctx, &token, staff.actor(), refund).await?;
    let reg = registrations::find(&ctx, &token).await?;
    Ok((
        StatusCode::CREATED,
        Json(load_json(&ctx, &reg, true).await?),
    ))
}

/// Record an offline payment (staff). Paid in full confirms the registration.
#[utoipa::path(post, path = "/api/v1/registrations/{token}/payments", tag = "registrations",
    params(("token" = String, Path, description = "Private registration token")), request_body = PaymentBody,
    security(("bearer" = [])),
    responses((status = 201, body = RegistrationJson), (status = 409, body = crate::core::error::ErrorBody),
        (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn record_payment(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<PaymentBody>,
) -> Result<(StatusCode, Json<RegistrationJson>)> {
    staff.require(Role::Staff)?;
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
    registrations::record_payment(&ctx, &token, staff.actor(), payment).await?;
    let reg = registrations::find(&ctx, &token).await?;
    Ok((
        StatusCode::CREATED,
        Json(load_json(&ctx, &reg, true).await?),
    ))
}
