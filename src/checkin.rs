//! Checking participants in at the door, by the code on their QR code.
//!
//! A check-in is per participant. The first participant of a registration to arrive moves it
//! from `confirmed` to `attended`; undoing the last check-in moves it back. Neither sends an
//! email. A second scan of the same code is not an error: it says when the first one was.

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::db::checkin::{self as door, DoorRow};
pub use crate::infra::door::{Door, Scan};
use crate::infra::door::{move_registration, refusal};

/// Normalises a typed or scanned code: case and separators do not matter.
pub fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
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
    ctx.door.check_in(p, actor).await
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
                &actor.label(),
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

/// Participants of event `event_id` checked in, and expected.
pub async fn counts(ctx: &Ctx, event_id: i64) -> Result<(i64, i64)> {
    Ok(door::counts(&ctx.db, event_id).await?)
}

/// Participants of event `event_id` whose name, contact or code matches `needle` (at most
/// `limit`).
pub async fn search(ctx: &Ctx, event_id: i64, needle: &str, limit: i64) -> Result<Vec<DoorRow>> {
    Ok(door::search(&ctx.db, event_id, needle, limit).await?)
}

/// Participant `id` of event `event_id`, as the door sees them; not found otherwise.
pub async fn participant(ctx: &Ctx, event_id: i64, id: i64) -> Result<DoorRow> {
    door::by_id(&ctx.db, id)
        .await?
        .filter(|p| p.event_id == event_id)
        .ok_or(AppError::NotFound)
}

/// The participant whose check-in code is `code` (as typed or scanned); not found otherwise.
pub async fn by_code(ctx: &Ctx, code: &str) -> Result<DoorRow> {
    door::by_code(&ctx.db, &normalise(code))
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
