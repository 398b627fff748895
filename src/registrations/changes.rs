//! Changes after submission: cancelling, claiming a waitlist offer, approving and rejecting.

use chrono::{DateTime, Duration, Utc};

use super::checks::payment_method;
use super::lifecycle::{
    Capacity, audit_registration, lock_by_token, offer_freed_seats, transition,
};
use super::submit::placement;
use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::core::job::Scheduled;
use crate::db::Tx;
use crate::db::events::{self, EventRow};
use crate::db::registrations::{self as regs, RegistrationRow};
use crate::domain::{PaymentChoice, PaymentMethod, RegistrationStatus, TransitionReason};

/// Cancels a live registration and offers its seats on.
pub async fn cancel(
    ctx: &Ctx,
    token_str: &str,
    actor: Actor,
    reason: TransitionReason,
    key: Option<&crate::domain::registration::request_key::RequestKey>,
) -> Result<RegistrationStatus> {
    let now = ctx.clock.now();
    let (mut tx, event, reg) = lock_by_token(ctx, token_str).await?;
    if !super::repeat::first_time(&mut tx, key, reg.id, now).await? {
        return Ok(reg.status);
    }
    let from = reg.status;
    if !from.is_live() {
        return Err(AppError::conflict(
            "not_cancellable",
            format!(
                "This registration is already {} and cannot be cancelled.",
                from.as_str().replace('_', " ")
            ),
        ));
    }
    let mut jobs = Vec::new();
    transition(
        ctx,
        &mut tx,
        &mut jobs,
        &reg,
        RegistrationStatus::Cancelled,
        None,
        None,
        &actor,
        &reason,
        now,
    )
    .await?;
    if from.holds_seats() {
        jobs.extend(offer_freed_seats(ctx, &mut tx, event.id, now).await?);
    }
    if matches!(actor, Actor::Participant) {
        jobs.extend(super::payments::refunds::on_cancel(&mut tx, &event, &reg, now).await?);
    }
    audit_staff(
        &mut tx,
        &actor,
        "registration.cancel",
        &reg,
        from,
        RegistrationStatus::Cancelled,
        now,
    )
    .await?;
    ctx.commit(tx, &jobs).await?;
    Ok(RegistrationStatus::Cancelled)
}

/// Claims a waitlist offer: the held seats become `pending_payment` or `confirmed`.
pub async fn claim_offer(
    ctx: &Ctx,
    token_str: &str,
    payment: Option<PaymentChoice>,
) -> Result<RegistrationStatus> {
    let now = ctx.clock.now();
    let (mut tx, event, reg) = lock_by_token(ctx, token_str).await?;
    if reg.status != RegistrationStatus::Offered {
        return Err(AppError::conflict(
            "no_open_offer",
            "This registration has no open waitlist offer.",
        ));
    }
    if reg.offer_expires_at.is_some_and(|d| now >= d) {
        return Err(AppError::conflict(
            "offer_expired",
            "This offer has expired.",
        ));
    }
    let method = payment_method(ctx, &event, reg.total_minor, payment)?;
    let (to, hold) = if reg.total_minor == 0 {
        (RegistrationStatus::Confirmed, None)
    } else {
        (
            RegistrationStatus::PendingPayment,
            Some(now + Duration::minutes(event.hold_minutes)),
        )
    };
    debug_assert!(method == PaymentMethod::None || hold.is_some());
    let (hold, code) =
        super::confirm::hold_for(ctx, &mut tx, &reg.contact_email, method, hold, now).await?;
    if let Some(code) = &code {
        crate::db::registrations::set_email_confirm_code(&mut tx, reg.id, code).await?;
    }
    let mut jobs = Scheduled::hold_expiry(reg.id, hold);
    transition(
        ctx,
        &mut tx,
        &mut jobs,
        &reg,
        to,
        hold,
        None,
        &Actor::Participant,
        &TransitionReason::OfferClaimed,
        now,
    )
    .await?;
    ctx.commit(tx, &jobs).await?;
    Ok(to)
}

/// Locks a registration that must be awaiting approval (409 otherwise).
async fn lock_awaiting_approval(
    ctx: &Ctx,
    token_str: &str,
) -> Result<(Tx, EventRow, RegistrationRow)> {
    let (tx, event, reg) = lock_by_token(ctx, token_str).await?;
    if reg.status != RegistrationStatus::AwaitingApproval {
        return Err(AppError::conflict(
            "not_awaiting_approval",
            "This registration is not awaiting approval.",
        ));
    }
    Ok((tx, event, reg))
}

/// Approves an `awaiting_approval` registration: it takes seats as if submitted now.
pub async fn approve(ctx: &Ctx, token_str: &str, actor: Actor) -> Result<RegistrationStatus> {
    let now = ctx.clock.now();
    let (mut tx, event, reg) = lock_awaiting_approval(ctx, token_str).await?;
    let from = RegistrationStatus::AwaitingApproval;
    let offerings = events::offerings_tx(&mut tx, event.id).await?;
    let capacity = Capacity::new(&event, &offerings);
    let request = regs::seats_by_offering_tx(&mut tx, reg.id).await?;
    let (to, hold) = placement(&event, &capacity, &request, reg.total_minor, now);
    let mut jobs = Scheduled::hold_expiry(reg.id, hold);
    transition(
        ctx,
        &mut tx,
        &mut jobs,
        &reg,
        to,
        hold,
        None,
        &actor,
        &TransitionReason::Approved,
        now,
    )
    .await?;
    audit_staff(&mut tx, &actor, "registration.approve", &reg, from, to, now).await?;
    ctx.commit(tx, &jobs).await?;
    Ok(to)
}

/// Rejects an `awaiting_approval` registration.
pub async fn reject(
    ctx: &Ctx,
    token_str: &str,
    actor: Actor,
    reason: TransitionReason,
) -> Result<RegistrationStatus> {
    let now = ctx.clock.now();
    let (mut tx, _event, reg) = lock_awaiting_approval(ctx, token_str).await?;
    let from = RegistrationStatus::AwaitingApproval;
    let mut jobs = Vec::new();
    let to = transition(
        ctx,
        &mut tx,
        &mut jobs,
        &reg,
        RegistrationStatus::Rejected,
        None,
        None,
        &actor,
        &reason,
        now,
    )
    .await?;
    audit_staff(&mut tx, &actor, "registration.reject", &reg, from, to, now).await?;
    ctx.commit(tx, &jobs).await?;
    Ok(to)
}

/// Writes an audit entry when a staff member changed a registration.
async fn audit_staff(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    reg: &RegistrationRow,
    from: RegistrationStatus,
    to: RegistrationStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    if matches!(actor, Actor::Staff { .. }) {
        let before = serde_json::json!({"status": from.as_str()});
        let after = serde_json::json!({"status": to.as_str()});
        audit_registration(tx, actor, action, reg, Some(&before), &after, now).await?;
    }
    Ok(())
}
