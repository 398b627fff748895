//! Checking participants in at the door, by the code on their QR code.
//!
//! A check-in is per participant. The first participant of a registration to arrive moves it
//! from `confirmed` to `attended`; undoing the last check-in moves it back. Neither sends an
//! email. A second scan of the same code is not an error: it says when the first one was.

use chrono::{DateTime, Utc};

use crate::db::checkin::{self as door, DoorRow};
use crate::db::registrations as regs;
use crate::domain::RegistrationStatus;
use crate::error::{AppError, Result};
use crate::registrations::Actor;
use crate::state::Ctx;

/// What a scan did.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The participant, as the door sees them (after the scan).
    pub participant: DoorRow,
    /// `true` when they had been checked in before this scan.
    pub already: bool,
    /// When they were checked in.
    pub checked_in_at: DateTime<Utc>,
}

/// Normalises a typed or scanned code: case and separators do not matter.
pub fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Why a code cannot be admitted, in words for the door.
fn refusal(p: &DoorRow) -> AppError {
    let status = RegistrationStatus::parse(&p.status).unwrap_or(RegistrationStatus::Cancelled);
    let (code, message) = match status {
        RegistrationStatus::PendingPayment => (
            "not_paid",
            format!(
                "{} has not paid yet ({} due): send them to the desk.",
                p.contact_name,
                crate::email::compose::money(p.total_minor, &p.currency)
            ),
        ),
        RegistrationStatus::Cancelled => (
            "registration_cancelled",
            "This registration was cancelled.".to_owned(),
        ),
        RegistrationStatus::Expired => (
            "registration_expired",
            "This registration expired unpaid.".to_owned(),
        ),
        RegistrationStatus::Rejected => (
            "registration_rejected",
            "This application was not accepted.".to_owned(),
        ),
        RegistrationStatus::Waitlisted | RegistrationStatus::Offered => (
            "waitlisted",
            "This registration is on the waitlist, without a seat.".to_owned(),
        ),
        RegistrationStatus::AwaitingApproval => (
            "awaiting_approval",
            "This application has not been approved yet.".to_owned(),
        ),
        RegistrationStatus::Confirmed | RegistrationStatus::Attended => (
            "not_admissible",
            "This code cannot be checked in.".to_owned(),
        ),
    };
    AppError::conflict(code, message)
}

/// Checks in the participant with `code`, optionally only for event `event_id`.
pub async fn check_in(ctx: &Ctx, code: &str, event_id: Option<i64>, actor: &Actor) -> Result<Scan> {
    let code = normalise(code);
    let p = door::by_code(&ctx.db, &code)
        .await?
        .filter(|p| event_id.is_none_or(|e| e == p.event_id))
        .ok_or_else(|| {
            AppError::conflict(
                "unknown_code",
                "Unknown code: no participant of this event has it.",
            )
        })?;
    check_in_participant(ctx, p, actor).await
}

/// Checks in one participant (found by code or by a search at the door).
pub async fn check_in_participant(ctx: &Ctx, p: DoorRow, actor: &Actor) -> Result<Scan> {
    if let Some(at) = p.checked_in_at {
        return Ok(Scan {
            participant: p,
            already: true,
            checked_in_at: at,
        });
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if door::lock_admissible(&mut tx, p.registration_id)
        .await?
        .is_none()
    {
        return Err(refusal(&p));
    }
    if !door::mark(&mut tx, p.participant_id, &actor.label(), now).await? {
        // Someone else scanned the same code a moment ago.
        drop(tx);
        let again = door::by_id(&ctx.db, p.participant_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let at = again.checked_in_at.unwrap_or(now);
        return Ok(Scan {
            participant: again,
            already: true,
            checked_in_at: at,
        });
    }
    move_registration(
        &mut tx,
        p.registration_id,
        ("confirmed", "attended"),
        actor,
        "checked in",
        now,
    )
    .await?;
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        "checkin.create",
        &format!("participant:{}", p.participant_id),
        None,
        Some(&serde_json::json!({"registration": p.registration_id, "event": p.event_id})),
        now,
    )
    .await?;
    tx.commit().await?;
    let mut participant = p;
    participant.checked_in_at = Some(now);
    participant.status = "attended".to_owned();
    Ok(Scan {
        participant,
        already: false,
        checked_in_at: now,
    })
}

/// Moves a registration between `confirmed` and `attended` (`(from, to)`) if it is in `from`,
/// recording the change in its history. Both states hold the same seats and neither sends an
/// email, so this bypasses the state machine's seat counting and notifications.
async fn move_registration(
    tx: &mut crate::db::Tx,
    registration_id: i64,
    (from, to): (&str, &str),
    actor: &Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if door::set_status_if(tx, registration_id, from, to, now).await? {
        regs::record_transition(
            tx,
            registration_id,
            Some(from),
            to,
            &actor.label(),
            reason,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Undoes a participant's check-in (a wrong tap); the registration returns to `confirmed` when
/// nobody of it is checked in any more.
pub async fn undo(ctx: &Ctx, participant_id: i64, actor: &Actor) -> Result<DoorRow> {
    let p = door::by_id(&ctx.db, participant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if door::lock_admissible(&mut tx, p.registration_id)
        .await?
        .is_none()
    {
        return Err(refusal(&p));
    }
    if door::unmark(&mut tx, participant_id).await? {
        if door::checked_in_of(&mut tx, p.registration_id).await? == 0 {
            move_registration(
                &mut tx,
                p.registration_id,
                ("attended", "confirmed"),
                actor,
                "check-in undone",
                now,
            )
            .await?;
        }
        crate::db::audit::audit(
            &mut tx,
            &actor.label(),
            "checkin.undo",
            &format!("participant:{participant_id}"),
            p.checked_in_at
                .map(|t| serde_json::json!({"checked_in_at": t.to_rfc3339()}))
                .as_ref(),
            None,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    door::by_id(&ctx.db, participant_id)
        .await?
        .ok_or(AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn codes_are_read_whatever_the_case_and_separators() {
        assert_eq!(normalise(" abcd-efgh 2345 "), "ABCDEFGH2345");
    }
}
