//! Starting a card payment: the Stripe Checkout Session of a hold.

use chrono::{DateTime, Duration, Utc};

use super::super::lifecycle as registrations;
use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::db::card as store;
use crate::db::events;
use crate::db::registrations::{self as regs, RegistrationRow};
use crate::domain::{RegistrationStatus, TransitionReason};
use crate::infra::stripe::{Gateway, LineItem, NewSession};

/// What the participant is told when Stripe does not answer.
const UNAVAILABLE: &str = "Card payment could not be started because the payment provider did not answer. \
    No seats are held for you; please try again in a few minutes, or choose to pay later if the event allows it.";

pub(super) fn gateway_of(ctx: &Ctx) -> Result<&Gateway> {
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
    let gw = gateway_of(ctx)?;
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
    let title = event.text_in(&reg.language).title;
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
pub(super) async fn release_unpaid(ctx: &Ctx, id: i64, reason: TransitionReason) -> Result<bool> {
    let _now = ctx.clock.now();
    let Some((mut tx, event, reg)) = registrations::lock_by_id(ctx, id).await? else {
        return Ok(false);
    };
    if reg.status != RegistrationStatus::PendingPayment
        || regs::paid_minor_tx(&mut tx, reg.id).await? != 0
    {
        return Ok(false);
    }
    registrations::expire_and_offer(ctx, tx, event.id, &reg, &reason).await?;
    Ok(true)
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
