//! Payments staff record by hand (cash, transfer ...).

use chrono::Duration;

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::core::job::Scheduled;
use crate::db::Tx;
use crate::db::events::{self, EventRow};
use crate::db::registrations::{self as regs, RegistrationRow};
use crate::domain::registration::request_key::RequestKey;
use crate::domain::{Money, MoneyMethod, RegistrationStatus, TransitionReason};
use crate::registrations::lifecycle::{Capacity, audit_registration, lock_by_token, transition};

/// An offline payment recorded by staff.
#[derive(Debug, Clone)]
pub struct OfflinePayment {
    /// Cash, transfer or other (never card: Stripe records those).
    pub method: MoneyMethod,
    /// Amount received.
    pub amount: Money,
    /// Bank reference, receipt number ...
    pub reference: String,
}

/// Records an offline payment. Paid in full, a `pending_payment` registration is confirmed;
/// an `expired` one is confirmed if its seats are still free, else nothing is recorded and
/// staff are told to return the money. With a request `key`, a repeat records nothing and
/// answers with the registration's state and what is due now.
pub async fn record_payment(
    ctx: &Ctx,
    token_str: &str,
    actor: Actor,
    payment: OfflinePayment,
    key: Option<&RequestKey>,
) -> Result<(RegistrationStatus, i64)> {
    let now = ctx.clock.now();
    let (mut tx, event, reg) = lock_by_token(ctx, token_str).await?;
    if !crate::registrations::repeat::first_time(&mut tx, key, reg.id, now).await? {
        let paid = regs::paid_minor_tx(&mut tx, reg.id).await?;
        return Ok((reg.status, reg.total_minor - paid));
    }
    let from = reg.status;
    if payment.amount.currency.code() != reg.currency {
        return Err(AppError::field(
            "amount.currency",
            format!("must be {}, the registration's currency", reg.currency),
        ));
    }
    let paid = regs::paid_minor_tx(&mut tx, reg.id).await?;
    let due = reg.total_minor - paid;
    if due <= 0 {
        return Err(AppError::conflict(
            "nothing_due",
            "Nothing is due on this registration.",
        ));
    }
    if payment.amount.amount_minor > due {
        return Err(AppError::field(
            "amount.amount_minor",
            format!("is more than the {due} due"),
        ));
    }
    let paid_in_full = payment.amount.amount_minor == due;
    let to = target(&mut tx, &event, &reg, paid_in_full).await?;
    let staff_id = actor.staff_id();
    regs::insert_payment(
        &mut tx,
        reg.id,
        payment.method,
        payment.amount.amount_minor,
        payment.amount.currency.code(),
        &payment.reference,
        staff_id,
        now,
    )
    .await?;
    let mut jobs = Vec::new();
    if to != from {
        let hold = (to == RegistrationStatus::PendingPayment)
            .then(|| now + Duration::minutes(event.hold_minutes));
        transition(
            ctx,
            &mut tx,
            &mut jobs,
            &reg,
            to,
            hold,
            None,
            &actor,
            &TransitionReason::PaymentRecorded,
            now,
        )
        .await?;
        jobs.extend(Scheduled::hold_expiry(reg.id, hold));
    }
    let after = serde_json::json!({"status": to.as_str(), "method": payment.method,
        "amount_minor": payment.amount.amount_minor, "currency": payment.amount.currency.code(), "reference": payment.reference});
    audit_registration(&mut tx, &actor, "payment.record", &reg, None, &after, now).await?;
    ctx.commit(tx, &jobs).await?;
    Ok((to, due - payment.amount.amount_minor))
}

/// Reads a payment or refund method from a form or request.
pub type MethodParser = fn(&str) -> std::result::Result<MoneyMethod, crate::domain::ParseError>;

/// The method of money staff take or give back by hand: `cash`, `transfer` or `other`.
pub fn offline_method(input: &str) -> std::result::Result<MoneyMethod, crate::domain::ParseError> {
    MoneyMethod::parse(input)
        .ok()
        .filter(|m| MoneyMethod::BY_HAND.contains(m))
        .ok_or_else(|| crate::domain::ParseError::new("must be one of: cash, transfer, other"))
}

/// How money goes back: `card` (through Stripe, to the card paid with) or by hand.
pub fn refund_method(input: &str) -> std::result::Result<MoneyMethod, crate::domain::ParseError> {
    MoneyMethod::parse(input)
}

/// Where a payment takes registration `reg`: paid in full, a hold is confirmed and an expired
/// registration whose seats are still free comes back; otherwise it stays where it is.
async fn target(
    tx: &mut Tx,
    event: &EventRow,
    reg: &RegistrationRow,
    paid_in_full: bool,
) -> Result<RegistrationStatus> {
    Ok(match reg.status {
        RegistrationStatus::PendingPayment
        | RegistrationStatus::Confirmed
        | RegistrationStatus::Attended => {
            if paid_in_full && reg.status == RegistrationStatus::PendingPayment {
                RegistrationStatus::Confirmed
            } else {
                reg.status
            }
        }
        RegistrationStatus::Expired => {
            let offerings = events::offerings_tx(&mut *tx, event.id).await?;
            let capacity = Capacity::new(event, &offerings);
            let request = regs::seats_by_offering_tx(&mut *tx, reg.id).await?;
            if !capacity.fits(&request) {
                return Err(AppError::conflict(
                    "no_seats",
                    "The hold expired and the seats have been taken; the registration stays expired. Return the money to the payer.",
                ));
            }
            if paid_in_full {
                RegistrationStatus::Confirmed
            } else {
                RegistrationStatus::PendingPayment
            }
        }
        other => {
            return Err(AppError::conflict(
                "not_payable",
                format!(
                    "A {} registration cannot take a payment.",
                    other.as_str().replace('_', " ")
                ),
            ));
        }
    })
}
