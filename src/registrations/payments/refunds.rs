//! Refunds: by hand or to the card through Stripe, and refunds made in Stripe's dashboard.

use chrono::{DateTime, Utc};

use super::super::lifecycle as registrations;
use super::checkout::gateway_of;
use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::core::job::{self, IssueRefund, Job, Scheduled};
use crate::db::Tx;
use crate::db::card::{self as store, CardPayment};
use crate::db::registrations as regs;
use crate::domain::{LedgerStatus, Money, MoneyMethod};
use crate::infra::stripe::{self as gateway, GatewayError};
use crate::registrations::lifecycle::{audit_registration, lock_by_token, queue_refund_email};

/// A refund staff make: to the card through Stripe, or paid back by hand (cash, transfer ...).
#[derive(Debug, Clone)]
pub struct OfflineRefund {
    /// Card (back through Stripe) or by hand.
    pub method: MoneyMethod,
    /// Amount given back, at most what the ledger shows as paid.
    pub amount: Money,
    /// Why; shown to the participant.
    pub reason: String,
}

/// Records a refund staff have paid back, on any registration that has money in the ledger
/// (its state does not change: a confirmed registration may get part of its money back, and
/// then costs that much less), and tells the contact. Returns what remains paid. With a
/// request `key`, a repeat records nothing (and asks Stripe for nothing) and answers with what
/// is paid now.
pub async fn record_refund(
    ctx: &Ctx,
    token_str: &str,
    actor: Actor,
    refund: OfflineRefund,
    key: Option<&crate::domain::registration::request_key::RequestKey>,
) -> Result<i64> {
    let now = ctx.clock.now();
    let (mut tx, _event, reg) = lock_by_token(ctx, token_str).await?;
    if !crate::registrations::repeat::first_time(&mut tx, key, reg.id, now).await? {
        return Ok(regs::paid_minor_tx(&mut tx, reg.id).await?);
    }
    if refund.amount.currency.code() != reg.currency {
        return Err(AppError::field(
            "amount.currency",
            format!("must be {}, the registration's currency", reg.currency),
        ));
    }
    let paid = regs::paid_minor_tx(&mut tx, reg.id).await?;
    if paid <= 0 {
        return Err(AppError::conflict(
            "nothing_paid",
            "Nothing has been paid on this registration, so nothing can be refunded.",
        ));
    }
    if refund.amount.amount_minor > paid {
        return Err(AppError::field(
            "amount.amount_minor",
            format!("is more than the {paid} paid"),
        ));
    }
    let staff_id = actor.staff_id();
    let mut jobs = Vec::new();
    let id = if refund.method == MoneyMethod::Card {
        let card = crate::db::card::card_payments_tx(&mut tx, reg.id).await?;
        let on_card: i64 = card.iter().map(|p| p.refundable()).sum();
        if refund.amount.amount_minor > on_card {
            return Err(AppError::field(
                "amount.amount_minor",
                format!("is more than the {on_card} paid by card that can still be refunded"),
            ));
        }
        let refunds = crate::registrations::payments::write_refunds(
            &mut tx,
            reg.id,
            &card,
            refund.amount.amount_minor,
            &refund.reason,
            staff_id,
            now,
        )
        .await?;
        let first = match refunds.first().map(|s| &s.job) {
            Some(Job::IssueRefund(job::IssueRefund { refund_id })) => *refund_id,
            _ => return Err(anyhow::anyhow!("a card refund without a ledger row").into()),
        };
        jobs.extend(refunds);
        first
    } else {
        regs::insert_refund(
            &mut tx,
            reg.id,
            refund.method,
            refund.amount.amount_minor,
            refund.amount.currency.code(),
            LedgerStatus::Succeeded,
            &refund.reason,
            staff_id,
            now,
        )
        .await?
    };
    if reg.status.is_live() {
        // Money given back on a registration that stays is no longer due.
        regs::reduce_total_tx(&mut tx, reg.id, refund.amount.amount_minor).await?;
    }
    jobs.extend(
        queue_refund_email(
            ctx,
            &mut tx,
            reg.id,
            id,
            refund.amount.amount_minor,
            &refund.reason,
        )
        .await?,
    );
    let after = serde_json::json!({"method": refund.method, "amount_minor": refund.amount.amount_minor,
        "currency": refund.amount.currency.code(), "reason": refund.reason});
    audit_registration(&mut tx, &actor, "payment.refund", &reg, None, &after, now).await?;
    ctx.commit(tx, &jobs).await?;
    Ok(paid - refund.amount.amount_minor)
}

pub(super) fn refund_job(refund_id: i64, now: DateTime<Utc>) -> Scheduled {
    Scheduled {
        job: IssueRefund { refund_id }.into(),
        run_at: now,
    }
}

/// Writes card refunds of `amount_minor` in total against `payments` (oldest first), as
/// `pending` ledger rows, and returns the jobs that ask Stripe for them. The caller has checked
/// that the payments cover the amount.
#[allow(clippy::too_many_arguments)]
pub async fn write_refunds(
    tx: &mut Tx,
    registration_id: i64,
    payments: &[CardPayment],
    mut amount_minor: i64,
    reason: &str,
    recorded_by: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Scheduled>> {
    let mut jobs = Vec::new();
    for p in payments {
        let part = amount_minor.min(p.refundable());
        if part <= 0 {
            continue;
        }
        let id = store::insert_card_refund(
            tx,
            registration_id,
            p.id,
            part,
            &p.currency,
            "pending",
            None,
            reason,
            recorded_by,
            now,
        )
        .await?;
        jobs.push(refund_job(id, now));
        amount_minor -= part;
    }
    anyhow::ensure!(amount_minor == 0, "card payments do not cover the refund");
    Ok(jobs)
}

/// Refunds every card payment of event `event_id` in full (the event was cancelled); returns
/// the jobs that ask Stripe. Runs in the transaction that cancels the event.
pub async fn refund_event(
    tx: &mut Tx,
    event_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Scheduled>> {
    let payments = store::card_payments_of_event_tx(tx, event_id).await?;
    let mut jobs = Vec::new();
    for p in payments.iter().filter(|p| p.refundable() > 0) {
        jobs.extend(
            write_refunds(
                tx,
                p.registration_id,
                std::slice::from_ref(p),
                p.refundable(),
                "event cancelled",
                None,
                now,
            )
            .await?,
        );
    }
    Ok(jobs)
}

/// Asks Stripe for card refund `id` (once: the row id is the idempotency key) and records
/// Stripe's answer. A refusal (the charge was already refunded in the dashboard, say) marks the
/// row failed for staff to see; an outage is retried.
pub async fn issue_refund(ctx: &Ctx, id: i64) -> anyhow::Result<()> {
    let Some(refund) = store::card_refund(&ctx.db, id).await? else {
        return Ok(());
    };
    if refund.stripe_id.is_some() || refund.status != crate::domain::LedgerStatus::Pending {
        return Ok(());
    }
    let gw = gateway_of(ctx).map_err(crate::core::error::into_anyhow)?;
    match gw
        .refund(
            &refund.payment_intent,
            refund.amount_minor,
            refund.id,
            refund.registration_id,
        )
        .await
    {
        Ok(r) => {
            store::set_refund_state(&ctx.db, id, Some(&r.id), r.status).await?;
            Ok(())
        }
        Err(GatewayError::Refused(msg)) => {
            tracing::error!(refund = id, registration = refund.registration_id, error = %msg,
                "Stripe refused a refund; it is marked failed for staff");
            store::set_refund_state(&ctx.db, id, None, "failed").await?;
            Ok(())
        }
        Err(e @ GatewayError::Unavailable(_)) => Err(e.into()),
    }
}

/// Brings the refunds of PaymentIntent `payment_intent` in step with Stripe: states of known
/// refunds, and refunds made in Stripe's dashboard added to the ledger.
pub async fn sync_refunds(ctx: &Ctx, payment_intent: &str) -> anyhow::Result<&'static str> {
    let gw = gateway_of(ctx).map_err(crate::core::error::into_anyhow)?;
    let Some(payment) = store::card_payment_by_intent(&ctx.db, payment_intent).await? else {
        return Ok("unknown payment");
    };
    let now = ctx.clock.now();
    let mut added = false;
    for r in gw.refunds_of(payment_intent).await? {
        if let Some(known) = store::card_refund_by_stripe_id(&ctx.db, &r.id).await? {
            store::set_refund_state(&ctx.db, known.id, None, r.status).await?;
            continue;
        }
        if let Some(ledger_id) = r.ledger_id
            && store::card_refund(&ctx.db, ledger_id).await?.is_some()
        {
            // Made by Twinning; its job had not stored Stripe's answer yet.
            store::set_refund_state(&ctx.db, ledger_id, Some(&r.id), r.status).await?;
            continue;
        }
        added |= record_dashboard_refund(ctx, &payment, &r, now).await?;
    }
    Ok(if added {
        "refund from Stripe added"
    } else {
        "refunds in step"
    })
}

/// Adds a refund made outside Twinning (Stripe's dashboard) to the ledger and tells the payer.
async fn record_dashboard_refund(
    ctx: &Ctx,
    payment: &CardPayment,
    r: &gateway::Refund,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some((mut tx, _event, reg)) = registrations::lock_by_id(ctx, payment.registration_id)
        .await
        .map_err(crate::core::error::into_anyhow)?
    else {
        return Ok(false);
    };
    if store::card_refund_by_stripe_id(&ctx.db, &r.id)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let reason = "refunded in Stripe";
    let id = store::insert_card_refund(
        &mut tx,
        reg.id,
        payment.id,
        r.amount_minor,
        &r.currency,
        r.status,
        Some(&r.id),
        reason,
        None,
        now,
    )
    .await?;
    if reg.status.is_live() {
        regs::reduce_total_tx(&mut tx, reg.id, r.amount_minor).await?;
    }
    let jobs = registrations::queue_refund_email(ctx, &mut tx, reg.id, id, r.amount_minor, "")
        .await
        .map_err(crate::core::error::into_anyhow)?;
    let after = serde_json::json!({"method": "card", "amount_minor": r.amount_minor, "stripe_refund": r.id});
    registrations::audit_registration(
        &mut tx,
        &Actor::System,
        "payment.refund",
        &reg,
        None,
        &after,
        now,
    )
    .await
    .map_err(crate::core::error::into_anyhow)?;
    ctx.commit(tx, &jobs).await?;
    Ok(true)
}

/// What the event's policy gives back to a participant who cancels `reg`, refunded to the
/// card at once; money paid in cash or by transfer is returned by staff (the email says how
/// much). Returns the jobs that ask Stripe.
pub(crate) async fn on_cancel(
    tx: &mut Tx,
    event: &crate::db::events::EventRow,
    reg: &regs::RegistrationRow,
    now: DateTime<Utc>,
) -> Result<Vec<Scheduled>> {
    let card = store::card_payments_tx(tx, reg.id).await?;
    let on_card: i64 = card.iter().map(|p| p.refundable()).sum();
    if on_card <= 0 {
        return Ok(Vec::new());
    }
    let paid = regs::paid_minor_tx(tx, reg.id).await?;
    let refund = event
        .policy()
        .refund_for(paid, event.starts_at, now)
        .min(on_card);
    if refund <= 0 {
        return Ok(Vec::new());
    }
    let reason = crate::i18n::t(
        crate::email::compose::contact_language(reg),
        "refund-reason-cancelled",
    );
    Ok(write_refunds(tx, reg.id, &card, refund, &reason, None, now).await?)
}
