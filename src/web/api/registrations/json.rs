//! Registrations as the API shows them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::error::Result;
use crate::db::registrations::{self as db_regs, ParticipantRow, RegistrationRow};
use crate::domain::RegistrationStatus;
use crate::web::api::MoneyJson;

use crate::context::Ctx;
use crate::domain::registration::input::ContactBody;

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
    /// What to quote on a bank transfer (`TW-…`), for a registration paying later.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_reference: Option<String>,
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

pub(super) fn money(amount_minor: i64, currency: &str) -> MoneyJson {
    MoneyJson {
        amount_minor,
        currency: currency.to_owned(),
    }
}

pub(super) fn registration_json(
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
        payment_reference: crate::domain::reference::for_payment(r.payment_method, r.id),
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

pub(super) async fn load_json(
    ctx: &Ctx,
    reg: &RegistrationRow,
    staff_view: bool,
) -> Result<RegistrationJson> {
    let participants = crate::registrations::read::participants(ctx, reg.id).await?;
    let paid = db_regs::PaymentRow::net(&crate::registrations::read::payments(ctx, reg.id).await?);
    let slug = crate::events::read::find_by_id_optional(ctx, reg.event_id)
        .await?
        .map(|e| e.slug)
        .unwrap_or_default();
    let mut json = registration_json(ctx, &slug, reg, &participants, paid, staff_view);
    if reg.status == RegistrationStatus::PendingPayment {
        json.payment_url = crate::registrations::read::open_checkout_url(ctx, reg).await?;
    }
    if staff_view {
        json.history = Some(history(ctx, reg.id).await?);
        json.disputed_at = crate::registrations::read::disputed_at(ctx, reg.id)
            .await?
            .map(|t| t.to_rfc3339());
    }
    Ok(json)
}

pub(super) async fn history(ctx: &Ctx, id: i64) -> Result<Vec<TransitionJson>> {
    Ok(crate::registrations::read::transitions(ctx, id)
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
