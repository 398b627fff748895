//! Deadlines: holds and waitlist offers that run out, and the payment reminders before them.

use chrono::Duration;

use super::lifecycle::{expire_and_offer, lock_by_id};
use crate::context::Ctx;
use crate::core::error::into_anyhow;
use crate::core::job::Scheduled;
use crate::db::registrations as regs;
use crate::domain::{RegistrationStatus, TransitionReason};

/// Expires registration `id` if it is still `pending_payment` past its hold, then offers
/// the seats on. Safe to call at any time, any number of times.
pub async fn expire_hold(ctx: &Ctx, id: i64) -> anyhow::Result<()> {
    expire(
        ctx,
        id,
        RegistrationStatus::PendingPayment,
        TransitionReason::HoldExpired,
    )
    .await
}

/// Expires registration `id` if its waitlist offer ran out, then offers the seats on.
pub async fn expire_offer(ctx: &Ctx, id: i64) -> anyhow::Result<()> {
    expire(
        ctx,
        id,
        RegistrationStatus::Offered,
        TransitionReason::OfferExpired,
    )
    .await
}

async fn expire(
    ctx: &Ctx,
    id: i64,
    expected: RegistrationStatus,
    reason: TransitionReason,
) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    let Some((tx, event, reg)) = lock_by_id(ctx, id).await.map_err(into_anyhow)? else {
        return Ok(());
    };
    let deadline = match expected {
        RegistrationStatus::PendingPayment => reg.hold_expires_at,
        _ => reg.offer_expires_at,
    };
    if reg.status != expected || deadline.is_none_or(|d| d > now) {
        return Ok(()); // paid, claimed, cancelled or extended meanwhile
    }
    expire_and_offer(ctx, tx, event.id, &reg, &reason)
        .await
        .map_err(into_anyhow)
}

/// Sends payment reminders that are due: for each unpaid hold, once, a day before it runs out
/// (holds over two days) or halfway through (shorter holds). Called by the sweep.
pub async fn remind_due_payments(ctx: &Ctx) -> anyhow::Result<usize> {
    let now = ctx.clock.now();
    let mut sent = 0;
    for (id, until, held_since) in
        regs::holds_ending_before(&ctx.db, now, now + Duration::hours(24)).await?
    {
        let hold = until - held_since;
        let lead = if hold > Duration::hours(48) {
            Duration::hours(24)
        } else {
            hold / 2
        };
        if now >= until - lead {
            remind_payment(ctx, id).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// Queues the payment reminder of registration `id` if it is still unpaid and its hold has
/// not run out. Safe to run late or twice (one reminder per hold).
pub async fn remind_payment(ctx: &Ctx, id: i64) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    let Some((mut tx, _event, reg)) = lock_by_id(ctx, id).await.map_err(into_anyhow)? else {
        return Ok(());
    };
    let Some(until) = reg.hold_expires_at else {
        return Ok(());
    };
    if reg.status != RegistrationStatus::PendingPayment || until <= now {
        return Ok(());
    }
    let key = format!("payment_due:{}:{}", reg.id, until.timestamp());
    let extra = crate::email::compose::Extra::default();
    let jobs: Vec<Scheduled> = crate::email::queue_registration_email(
        ctx,
        &mut tx,
        crate::email::EmailKind::PaymentDue,
        reg.id,
        &key,
        &extra,
    )
    .await?
    .into_iter()
    .collect();
    ctx.commit(tx, &jobs).await?;
    Ok(())
}

/// Expires every overdue hold and offer; returns how many were looked at.
pub async fn expire_overdue(ctx: &Ctx) -> anyhow::Result<usize> {
    let now = ctx.clock.now();
    let holds = regs::due_holds(&ctx.db, now).await?;
    let offers = regs::due_offers(&ctx.db, now).await?;
    // One registration that cannot be expired (a bug, a constraint) must not keep the others
    // waiting: each is tried, failures are reported together at the end.
    let mut failed = Vec::new();
    for id in &holds {
        if let Err(e) = expire_hold(ctx, *id).await {
            tracing::error!(
                registration = id,
                error = format!("{e:#}"),
                "expiring a hold failed"
            );
            failed.push(*id);
        }
    }
    for id in &offers {
        if let Err(e) = expire_offer(ctx, *id).await {
            tracing::error!(
                registration = id,
                error = format!("{e:#}"),
                "expiring an offer failed"
            );
            failed.push(*id);
        }
    }
    anyhow::ensure!(
        failed.is_empty(),
        "could not expire registrations {failed:?}"
    );
    Ok(holds.len() + offers.len())
}
