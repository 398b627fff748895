//! Money arriving by card: confirming the registration, or sending the money back.

use super::super::lifecycle as registrations;
use super::checkout::{gateway_of, release_unpaid};
use super::refunds::refund_job;
use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::job::Scheduled;
use crate::db::Tx;
use crate::db::card as store;
use crate::db::events::{self, EventRow};
use crate::db::registrations::{self as regs, RegistrationRow};
use crate::domain::{RegistrationStatus, TransitionReason};
use crate::infra::stripe::SessionState;
use crate::registrations::lifecycle::Capacity;

/// Asks Stripe about session `stripe_id` and applies what it says. `event_kind` is the
/// webhook event that prompted this, if any (a failed delayed payment looks like one still
/// settling on the session itself). Returns what came of it, for the event log.
pub async fn settle_session(
    ctx: &Ctx,
    stripe_id: &str,
    event_kind: Option<&str>,
) -> anyhow::Result<&'static str> {
    let Some(row) = store::session_by_stripe_id(&ctx.db, stripe_id).await? else {
        return Ok("unknown session");
    };
    let gw = gateway_of(ctx).map_err(crate::core::error::into_anyhow)?;
    let session = gw.session(stripe_id).await?;
    let now = ctx.clock.now();
    let outcome = match session.state {
        SessionState::Paid => {
            let payment_intent = session
                .payment_intent
                .ok_or_else(|| anyhow::anyhow!("a paid session without a PaymentIntent"))?;
            let outcome = card_paid(
                ctx,
                row.registration_id,
                &payment_intent,
                session.amount_total.unwrap_or(row.amount_minor),
                session.currency.as_deref().unwrap_or(&row.currency),
                stripe_id,
            )
            .await?;
            store::set_session_status(&ctx.db, row.id, "paid", now).await?;
            outcome
        }
        SessionState::Processing if event_kind == Some("checkout.session.async_payment_failed") => {
            store::set_session_status(&ctx.db, row.id, "failed", now).await?;
            let released = release_unpaid(ctx, row.registration_id, TransitionReason::CardFailed)
                .await
                .map_err(crate::core::error::into_anyhow)?;
            if released {
                "payment failed; seats released"
            } else {
                "registration no longer waiting for payment"
            }
        }
        SessionState::Processing => {
            store::set_session_status(&ctx.db, row.id, "processing", now).await?;
            "payment processing"
        }
        SessionState::Expired => {
            store::set_session_status(&ctx.db, row.id, "expired", now).await?;
            "session expired"
        }
        SessionState::Open => {
            store::set_session_status(&ctx.db, row.id, "open", now).await?;
            "session open"
        }
    };
    Ok(outcome)
}

/// Why money that arrived is sent back, as the i18n key of the sentence the payer reads.
#[derive(Debug, Clone, Copy)]
enum Return {
    /// The hold ran out and the seats were taken before the payment arrived.
    SeatsGone,
    /// The registration was cancelled or is not taking seats.
    NotLive,
    /// Everything was paid already.
    PaidTwice,
    /// The event was cancelled.
    EventCancelled,
}

impl Return {
    fn key(self) -> &'static str {
        match self {
            Return::SeatsGone => "refund-reason-seats-gone",
            Return::NotLive => "refund-reason-not-live",
            Return::PaidTwice => "refund-reason-paid-twice",
            Return::EventCancelled => "refund-reason-event-cancelled",
        }
    }
}

/// Records card payment `payment_intent` on registration `id` (once) and confirms the
/// registration, or refunds the payment in full when it cannot be confirmed.
async fn card_paid(
    ctx: &Ctx,
    id: i64,
    payment_intent: &str,
    amount_minor: i64,
    currency: &str,
    session: &str,
) -> anyhow::Result<&'static str> {
    let now = ctx.clock.now();
    let Some((mut tx, event, reg)) = registrations::lock_by_id(ctx, id)
        .await
        .map_err(crate::core::error::into_anyhow)?
    else {
        return Ok("unknown registration");
    };
    if store::has_payment_tx(&mut tx, payment_intent).await? {
        return Ok("payment already recorded");
    }
    let paid_before = regs::paid_minor_tx(&mut tx, reg.id).await?;
    let payment_id = store::insert_card_payment(
        &mut tx,
        reg.id,
        amount_minor,
        currency,
        payment_intent,
        session,
        now,
    )
    .await?;
    let decision = decide(&mut tx, &event, &reg, paid_before, amount_minor).await?;
    if reg.payment_method == crate::domain::PaymentMethod::Later {
        // A registrant who meant to pay later paid by card after all.
        store::set_payment_method_card(&mut tx, reg.id).await?;
    }
    let mut jobs = Vec::new();
    let outcome = match decision {
        Ok(Some((to, reason))) => {
            registrations::transition(
                ctx,
                &mut tx,
                &mut jobs,
                &reg,
                to,
                None,
                None,
                &Actor::System,
                &reason,
                now,
            )
            .await
            .map_err(crate::core::error::into_anyhow)?;
            "confirmed"
        }
        Ok(None) => "payment recorded",
        Err(why) => {
            let payment = (payment_id, amount_minor, currency);
            jobs.extend(send_back(ctx, &mut tx, &reg, payment, why, now).await?);
            "refunded: the registration cannot be confirmed"
        }
    };
    let after = serde_json::json!({"method": "card", "amount_minor": amount_minor, "currency": currency,
        "payment_intent": payment_intent, "outcome": outcome});
    registrations::audit_registration(
        &mut tx,
        &Actor::System,
        "payment.card",
        &reg,
        None,
        &after,
        now,
    )
    .await
    .map_err(crate::core::error::into_anyhow)?;
    ctx.commit(tx, &jobs).await?;
    Ok(outcome)
}

/// What a card payment of `amount_minor` does to registration `reg`: a transition (or none),
/// or why the money goes back.
async fn decide(
    tx: &mut Tx,
    event: &EventRow,
    reg: &RegistrationRow,
    paid_before: i64,
    amount_minor: i64,
) -> anyhow::Result<std::result::Result<Option<(RegistrationStatus, TransitionReason)>, Return>> {
    use RegistrationStatus as S;
    let paid = paid_before + amount_minor;
    let from = reg.status;
    let event_cancelled = event.status == crate::domain::EventStatus::Cancelled;
    Ok(match from {
        _ if event_cancelled => Err(Return::EventCancelled),
        S::PendingPayment if paid >= reg.total_minor => {
            Ok(Some((S::Confirmed, TransitionReason::PaidByCard)))
        }
        S::PendingPayment => Ok(None),
        S::Expired => {
            let offerings = events::offerings_tx(&mut *tx, event.id).await?;
            let request = regs::seats_by_offering_tx(&mut *tx, reg.id).await?;
            if Capacity::new(event, &offerings).fits(&request) && paid >= reg.total_minor {
                Ok(Some((
                    S::Confirmed,
                    TransitionReason::PaidByCardAfterExpiry,
                )))
            } else {
                Err(Return::SeatsGone)
            }
        }
        S::Confirmed | S::Attended if paid_before >= reg.total_minor => Err(Return::PaidTwice),
        S::Confirmed | S::Attended => Ok(None),
        _ => Err(Return::NotLive),
    })
}

/// Sends card payment `payment` (ledger id, amount, currency) of `reg` back in full, for
/// reason `why`, and tells the payer. Returns the jobs that ask Stripe and send the email.
async fn send_back(
    ctx: &Ctx,
    tx: &mut Tx,
    reg: &RegistrationRow,
    (payment_id, amount_minor, currency): (i64, i64, &str),
    why: Return,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Scheduled>> {
    let lang = crate::email::compose::contact_language(reg);
    let reason = crate::i18n::t(lang, why.key());
    let refund_id = store::insert_card_refund(
        &mut *tx,
        reg.id,
        payment_id,
        amount_minor,
        currency,
        "pending",
        None,
        &reason,
        None,
        now,
    )
    .await?;
    let mut jobs = vec![refund_job(refund_id, now)];
    jobs.extend(
        registrations::queue_refund_email(ctx, &mut *tx, reg.id, refund_id, amount_minor, &reason)
            .await
            .map_err(crate::core::error::into_anyhow)?,
    );
    Ok(jobs)
}
