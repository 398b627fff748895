//! Confirming a contact's email address. A pay-later registration from an address nobody has
//! confirmed holds its seats only briefly (`TWINNING_UNCONFIRMED_HOLD_MINUTES`): whoever
//! makes up addresses cannot empty an event for a day. Its first email carries a link; the
//! page behind it (a POST button, since mail scanners follow links) confirms the address and
//! extends the hold to the event's own length.

use chrono::{DateTime, Duration, Utc};

use super::lifecycle::lock_by_token;
use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::core::job::Scheduled;
use crate::db::Tx;
use crate::db::events::EventRow;
use crate::db::registrations as regs;
use crate::domain::{PaymentMethod, RegistrationStatus, token};

/// The hold of a registration about to wait for a payment later from `email`, and the code
/// of the link that confirms the address when nobody has: `hold` shortened to the unconfirmed
/// length in that case, unchanged otherwise.
pub(super) async fn hold_for(
    ctx: &Ctx,
    tx: &mut Tx,
    email: &str,
    method: PaymentMethod,
    hold: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(Option<DateTime<Utc>>, Option<String>)> {
    let minutes = ctx.settings.unconfirmed_hold_minutes;
    if method != PaymentMethod::Later
        || hold.is_none()
        || minutes <= 0
        || regs::email_confirmed(tx, email).await?
    {
        return Ok((hold, None));
    }
    let short = now + Duration::minutes(minutes);
    Ok((hold.map(|h| h.min(short)), Some(token::generate())))
}

/// Confirms the email address of the registration with `token` by the `code` its email
/// carried: the address counts as confirmed from now on, and if the registration still waits
/// for its payment its seats are held as long as the event holds them (from when it was
/// made). A code used before, or not this registration's, changes nothing (404).
pub async fn confirm_email(ctx: &Ctx, token_str: &str, code: &str) -> Result<()> {
    let now = ctx.clock.now();
    let (mut tx, event, reg) = lock_by_token(ctx, token_str).await?;
    let stored = regs::email_confirm_code(&mut tx, reg.id).await?;
    if !stored.is_some_and(|stored| token::matches(code, &stored)) {
        return Err(AppError::NotFound);
    }
    regs::confirm_email(&mut tx, &reg.contact_email, now).await?;
    let mut jobs = Vec::new();
    if reg.status == RegistrationStatus::PendingPayment {
        let until = full_hold(&event, reg.created_at).max(now);
        if regs::extend_unconfirmed_hold(&mut tx, reg.id, until, now).await? {
            jobs = Scheduled::hold_expiry(reg.id, Some(until));
        }
    } else {
        regs::extend_unconfirmed_hold(&mut tx, reg.id, now, now).await?;
    }
    crate::db::audit::audit(
        &mut tx,
        &crate::core::actor::Actor::Participant.label(),
        "registration.confirm_email",
        &format!("registration:{}", reg.id),
        None,
        None,
        now,
    )
    .await?;
    ctx.commit(tx, &jobs).await?;
    Ok(())
}

/// When the event's own hold of a registration made at `made` ends.
fn full_hold(event: &EventRow, made: DateTime<Utc>) -> DateTime<Utc> {
    made + Duration::minutes(event.hold_minutes)
}

/// Whether the registration with `token` has an unused confirmation code equal to `code` (the
/// page shows the button only then).
pub async fn confirm_code_valid(ctx: &Ctx, token_str: &str, code: &str) -> Result<bool> {
    let reg = super::lifecycle::find(ctx, token_str).await?;
    Ok(reg
        .email_confirm_code
        .is_some_and(|stored| token::matches(code, &stored)))
}
