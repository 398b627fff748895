//! Card payments with Stripe Checkout (DESIGN section 2, "Payments").
//!
//! - A registration paying by card holds its seats as `pending_payment` and gets a Checkout
//!   Session expiring with the hold (at least the 30 minutes Stripe allows).
//! - Stripe's webhooks are verified, stored once by event id and processed in a job that asks
//!   Stripe for the session, charge or refunds instead of trusting the payload.
//! - Money that arrives for a registration that cannot be confirmed (the hold expired and the
//!   seats are gone, or it was cancelled) is refunded in full at once: money is never kept for
//!   a registration that is not confirmed.
//! - Refunds are ledger rows written in the same transaction as the change that calls for
//!   them, `pending` until a job has asked Stripe (the row id is the idempotency key) and
//!   Stripe reports them done.
//! - A periodic reconciliation asks Stripe about sessions still open, so a lost webhook never
//!   loses a payment; the sweep also processes stored events and issues refunds whose job was
//!   lost.

pub use crate::infra::stripe as gateway;
pub mod webhook;

use chrono::{DateTime, Duration, Utc};

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::core::job::{Job, Scheduled};
use crate::db::card::{self as store, CardPayment};
use crate::db::registrations::{self as regs, RegistrationRow};
use crate::db::{Tx, events};
use crate::domain::{RegistrationStatus, TransitionReason};
use crate::registrations::lifecycle::{self as registrations, Capacity};
use gateway::{Gateway, GatewayError, LineItem, NewSession, SessionState};

/// What the participant is told when Stripe does not answer.
const UNAVAILABLE: &str = "Card payment could not be started because the payment provider did not answer. \
    No seats are held for you; please try again in a few minutes, or choose to pay later if the event allows it.";

/// Sessions are asked about again at most this often by the reconciliation.
const RECHECK_EVERY: Duration = Duration::minutes(10);

fn gateway(ctx: &Ctx) -> Result<&Gateway> {
    ctx.card.as_deref().ok_or_else(|| {
        AppError::conflict(
            "card_unavailable",
            "Card payments are not set up on this site.",
        )
    })
}

/// When a session made at `now` for a hold ending at `hold` expires: with the hold, but no
/// sooner than Stripe's 30 minutes and no later than its 24 hours (with a margin each side).
pub fn session_expiry(hold: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    hold.clamp(
        now + Duration::minutes(31),
        now + Duration::hours(24) - Duration::minutes(5),
    )
}

/// The Stripe page where registration `reg` pays what is due: the open session of its hold if
/// it covers what is due, else a new one.
pub async fn checkout_url(ctx: &Ctx, reg: &RegistrationRow) -> Result<String> {
    let gw = gateway(ctx)?;
    let now = ctx.clock.now();
    if reg.status != RegistrationStatus::PendingPayment {
        return Err(AppError::conflict(
            "not_payable",
            "This registration has nothing waiting to be paid.",
        ));
    }
    let hold = reg.hold_expires_at.filter(|h| *h > now).ok_or_else(|| {
        AppError::conflict(
            "hold_expired",
            "The time to pay for this registration has run out.",
        )
    })?;
    let payments = regs::payments(&ctx.db, reg.id).await?;
    let paid = regs::PaymentRow::net(&payments);
    let due = reg.total_minor - paid;
    if due <= 0 {
        return Err(AppError::conflict(
            "nothing_due",
            "Nothing is due on this registration.",
        ));
    }
    if let Some(s) = store::latest_session(&ctx.db, reg.id).await?
        && s.status == crate::domain::SessionStatus::Open
        && s.expires_at > now + Duration::minutes(2)
        && s.amount_minor == due
    {
        return Ok(s.url);
    }
    let event = events::find_by_id(&ctx.db, reg.event_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let title = crate::db::events::text_in(&event, &reg.language).title;
    let lines = if paid == 0 {
        regs::participants(&ctx.db, reg.id)
            .await?
            .into_iter()
            .filter(|p| p.price_minor > 0)
            .map(|p| LineItem {
                name: format!("{title}: {} ({})", p.offering_name, p.name),
                amount_minor: p.price_minor,
            })
            .collect()
    } else {
        vec![LineItem {
            name: format!(
                "{title}: {}",
                crate::i18n::t(&reg.language, "payment-balance")
            ),
            amount_minor: due,
        }]
    };
    let sessions = store::session_count(&ctx.db, reg.id).await?;
    let manage = ctx.manage_url(&reg.token);
    let new = NewSession {
        registration_id: reg.id,
        currency: reg.currency.clone(),
        lines,
        customer_email: reg.contact_email.clone(),
        success_url: format!("{manage}?payment=done"),
        cancel_url: manage,
        expires_at: session_expiry(hold, now),
        locale: reg.language.clone(),
        // Two requests racing for the same hold get the same session from Stripe.
        idempotency_key: format!(
            "twinning-checkout-{}-{}-{sessions}",
            reg.id,
            hold.timestamp()
        ),
    };
    let session = gw.create_session(&new).await.map_err(|e| {
        tracing::warn!(registration = reg.id, error = %e, "creating a Checkout Session failed");
        AppError::Unavailable {
            code: "payment_unavailable",
            message: UNAVAILABLE.to_owned(),
        }
    })?;
    let url = session.url.clone().ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "Stripe returned a Checkout Session without a url"
        ))
    })?;
    store::insert_session(
        &ctx.db,
        &store::NewSessionRow {
            registration_id: reg.id,
            stripe_id: &session.id,
            url: &url,
            amount_minor: due,
            currency: &reg.currency,
            expires_at: session.expires_at,
        },
        now,
    )
    .await?;
    Ok(url)
}

/// Starts card payment of a registration just submitted (`transition_id` is its first history
/// entry): on success queues the "received" email, which links the private page with its Pay
/// button, and returns Stripe's page; on failure lets the seats go at once and answers 503.
pub async fn start(ctx: &Ctx, registration_id: i64, transition_id: i64) -> Result<String> {
    let reg = regs::get(&ctx.db, registration_id)
        .await?
        .ok_or(AppError::NotFound)?;
    match checkout_url(ctx, &reg).await {
        Ok(url) => {
            let mut tx = ctx.db.begin().await?;
            let key = format!(
                "transition:{transition_id}:{}",
                crate::email::EmailKind::Received
            );
            let job = crate::email::queue_registration_email(
                ctx,
                &mut tx,
                crate::email::EmailKind::Received,
                reg.id,
                &key,
                &Default::default(),
            )
            .await?;
            ctx.commit(tx, &job).await?;
            Ok(url)
        }
        Err(e) => {
            release_unpaid(ctx, registration_id, TransitionReason::CardNotStarted).await?;
            Err(e)
        }
    }
}

/// Lets the seats of a registration still waiting for payment, with nothing paid, go: its
/// card payment could not start, or a delayed payment failed. Returns whether it did.
async fn release_unpaid(ctx: &Ctx, id: i64, reason: TransitionReason) -> Result<bool> {
    let now = ctx.clock.now();
    let Some((mut tx, event, reg)) = registrations::lock_by_id(ctx, id).await? else {
        return Ok(false);
    };
    if reg.status != RegistrationStatus::PendingPayment
        || regs::paid_minor_tx(&mut tx, reg.id).await? != 0
    {
        return Ok(false);
    }
    let mut jobs = Vec::new();
    registrations::transition(
        ctx,
        &mut tx,
        &mut jobs,
        &reg,
        RegistrationStatus::Expired,
        None,
        None,
        &Actor::System,
        &reason,
        now,
    )
    .await?;
    jobs.extend(registrations::offer_freed_seats(ctx, &mut tx, event.id, now).await?);
    ctx.commit(tx, &jobs).await?;
    Ok(true)
}

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
    let gw = gateway(ctx).map_err(crate::core::error::into_anyhow)?;
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
    use RegistrationStatus as S;
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
    let from = reg.status;
    let paid = paid_before + amount_minor;
    let event_cancelled = event.status == crate::domain::EventStatus::Cancelled;
    let decision: std::result::Result<Option<(S, TransitionReason)>, Return> = match from {
        _ if event_cancelled => Err(Return::EventCancelled),
        S::PendingPayment if paid >= reg.total_minor => {
            Ok(Some((S::Confirmed, TransitionReason::PaidByCard)))
        }
        S::PendingPayment => Ok(None),
        S::Expired => {
            let offerings = events::offerings_tx(&mut tx, event.id).await?;
            let request = regs::seats_by_offering_tx(&mut tx, reg.id).await?;
            if Capacity::new(&event, &offerings).fits(&request) && paid >= reg.total_minor {
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
    };
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
            let lang = crate::email::compose::contact_language(&reg);
            let reason = crate::i18n::t(lang, why.key());
            let refund_id = store::insert_card_refund(
                &mut tx,
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
            jobs.push(refund_job(refund_id, now));
            jobs.extend(
                registrations::queue_refund_email(
                    ctx,
                    &mut tx,
                    reg.id,
                    refund_id,
                    amount_minor,
                    &reason,
                )
                .await
                .map_err(crate::core::error::into_anyhow)?,
            );
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

fn refund_job(refund_id: i64, now: DateTime<Utc>) -> Scheduled {
    Scheduled {
        job: Job::IssueRefund { refund_id },
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
    let gw = gateway(ctx).map_err(crate::core::error::into_anyhow)?;
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
    let gw = gateway(ctx).map_err(crate::core::error::into_anyhow)?;
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

/// Flags the registration paid by charge `charge_id` as disputed, if Stripe says it is.
async fn flag_dispute(ctx: &Ctx, charge_id: &str) -> anyhow::Result<&'static str> {
    let gw = gateway(ctx).map_err(crate::core::error::into_anyhow)?;
    let charge = gw.charge(charge_id).await?;
    if !charge.disputed {
        return Ok("charge not disputed");
    }
    let Some(pi) = charge.payment_intent else {
        return Ok("charge without a payment");
    };
    let Some(payment) = store::card_payment_by_intent(&ctx.db, &pi).await? else {
        return Ok("unknown payment");
    };
    let now = ctx.clock.now();
    let Some((mut tx, _event, reg)) = registrations::lock_by_id(ctx, payment.registration_id)
        .await
        .map_err(crate::core::error::into_anyhow)?
    else {
        return Ok("unknown registration");
    };
    if store::mark_disputed(&mut tx, reg.id, now).await? {
        let after = serde_json::json!({"charge": charge.id, "payment_intent": pi});
        registrations::audit_registration(
            &mut tx,
            &Actor::System,
            "payment.dispute",
            &reg,
            None,
            &after,
            now,
        )
        .await
        .map_err(crate::core::error::into_anyhow)?;
    }
    tx.commit().await?;
    Ok("dispute flagged for staff")
}

/// Processes stored webhook event `id` (once).
pub async fn process_event(ctx: &Ctx, id: &str) -> anyhow::Result<()> {
    let Some(event) = store::event(&ctx.db, id).await? else {
        return Ok(());
    };
    if event.processed_at.is_some() {
        return Ok(());
    }
    let object = event.object_id.as_str();
    let outcome = match event.kind.as_str() {
        _ if object.is_empty() => "not handled",
        k if k.starts_with("checkout.session.") => settle_session(ctx, object, Some(k)).await?,
        "charge.refunded" => {
            let charge = gateway(ctx)
                .map_err(crate::core::error::into_anyhow)?
                .charge(object)
                .await?;
            match charge.payment_intent {
                Some(pi) => sync_refunds(ctx, &pi).await?,
                None => "charge without a payment",
            }
        }
        "charge.refund.updated" | "refund.updated" | "refund.failed" => {
            sync_refunds(ctx, object).await?
        }
        "charge.dispute.created" => flag_dispute(ctx, object).await?,
        _ => "not handled",
    };
    tracing::info!(
        event = id,
        kind = event.kind,
        outcome,
        "Stripe event processed"
    );
    store::mark_processed(&ctx.db, id, outcome, ctx.clock.now()).await
}

/// The periodic reconciliation: asks Stripe about sessions that are still open or settling,
/// processes stored events whose job was lost, and issues refunds whose job was lost.
/// Returns how many items it handled.
pub async fn reconcile(ctx: &Ctx) -> anyhow::Result<usize> {
    if ctx.card.is_none() {
        return Ok(0);
    }
    let now = ctx.clock.now();
    let grace = now - Duration::minutes(1);
    let mut handled = 0;
    for id in store::unprocessed_events(&ctx.db, grace).await? {
        match process_event(ctx, &id).await {
            Ok(()) => handled += 1,
            Err(e) => tracing::warn!(
                event = id,
                error = format!("{e:#}"),
                "Stripe event not processed yet"
            ),
        }
    }
    for id in store::refunds_to_issue(&ctx.db, grace).await? {
        match issue_refund(ctx, id).await {
            Ok(()) => handled += 1,
            Err(e) => tracing::warn!(
                refund = id,
                error = format!("{e:#}"),
                "refund not issued yet"
            ),
        }
    }
    for id in store::sessions_to_reconcile(
        &ctx.db,
        now - Duration::minutes(2),
        now - RECHECK_EVERY,
        200,
    )
    .await?
    {
        match settle_session(ctx, &id, None).await {
            Ok(_) => handled += 1,
            Err(e) => tracing::warn!(
                session = id,
                error = format!("{e:#}"),
                "session not reconciled"
            ),
        }
    }
    Ok(handled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_with_the_hold_within_stripes_limits() {
        let now = Utc::now();
        let hold = now + Duration::hours(3);
        assert_eq!(session_expiry(hold, now), hold);
        assert_eq!(
            session_expiry(now + Duration::minutes(5), now),
            now + Duration::minutes(31)
        );
        assert_eq!(
            session_expiry(now + Duration::days(3), now),
            now + Duration::hours(24) - Duration::minutes(5)
        );
    }
}
