//! Re-checking placements: a match that breaks a hard rule after it was proposed (a
//! household suspended or changed, a consent taken back, a registration cancelled) is withdrawn.

use super::emails::*;
use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::core::job::Scheduled;
use crate::db::Tx;
use crate::db::events::EventRow;
use crate::db::hosts::{self as hosts_db, HouseholdRow};
use crate::db::matches::{self as store, MatchRow};
use crate::db::registrations::{self as regs, RegistrationRow};
use crate::domain::placement::MatchState;
use crate::email::EmailKind;

/// The hard rules match `m` breaks now, read afresh inside the caller's transaction, less
/// those staff overrode when proposing it (an override covers only the rules it named).
pub(super) async fn broken_rules(
    ctx: &Ctx,
    tx: &mut Tx,
    m: &MatchRow,
) -> Result<(Vec<String>, EventRow, RegistrationRow, HouseholdRow)> {
    // Read (and locked) inside the transaction: a change of dates is seen before its commit.
    let event = crate::db::events::lock(tx, m.event_id).await?;
    let (reg, h) = sides_tx(tx, m).await?;
    let dates = crate::exchanges::candidates::stay(&event);
    let adult_age = ctx.settings.adult_age;
    let participants = regs::participants_tx(tx, reg.id).await?;
    let members = hosts_db::members_tx(tx, h.id).await?;
    let screenings = hosts_db::screenings_tx(tx, h.id).await?;
    let guardians = crate::db::guardians::of_registration_tx(tx, reg.id).await?;
    let party =
        crate::exchanges::candidates::party(&reg, &participants, &guardians, dates, adult_age);
    let household =
        crate::exchanges::candidates::household(&h, &members, &screenings, dates.0, adult_age);
    let mut broken: Vec<String> = crate::matching::constraints::check(&party, &household, false)
        .iter()
        .map(ToString::to_string)
        .collect();
    if event.status == crate::domain::EventStatus::Cancelled {
        broken.push("the exchange was cancelled".to_owned());
    }
    if !reg.status.is_placed() {
        broken.push(format!(
            "the registration is {}",
            reg.status.as_str().replace('_', " ")
        ));
    }
    let overridden = m.overridden();
    broken.retain(|r| !overridden.contains(r));
    Ok((broken, event, reg, h))
}

/// Re-checks active match `m` inside the caller's transaction (which holds what changed).
/// When the pair now breaks a hard rule the match ends `withdrawn` with the rule as its
/// reason (history and audit), its unsent emails are cancelled and staff are told; returns the
/// jobs to push after the commit, or `None` when the match still stands.
pub async fn recheck_match(ctx: &Ctx, tx: &mut Tx, m: &MatchRow) -> Result<Option<Vec<Scheduled>>> {
    if !m.state.is_active() {
        return Ok(None);
    }
    let (broken, event, reg, h) = broken_rules(ctx, tx, m).await?;
    // Read again now that the event is locked: an answer may have moved it meanwhile.
    let m = &store::get_tx(tx, m.id).await?.ok_or(AppError::NotFound)?;
    if broken.is_empty() || !m.state.is_active() {
        return Ok(None);
    }
    let now = ctx.clock.now();
    let reason = broken.join("; ");
    store::cancel_unsent_emails(tx, m.id, now).await?;
    store::withdraw(tx, m.id, &reason, now).await?;
    store::record(
        tx,
        m.id,
        Some(m.state),
        MatchState::Withdrawn,
        "system",
        &reason,
        now,
    )
    .await?;
    crate::db::audit::audit(
        tx,
        "system",
        "match.withdraw",
        &format!("match:{}", m.id),
        Some(&serde_json::json!({"state": m.state})),
        Some(&serde_json::json!({"state": MatchState::Withdrawn, "broken_rules": broken})),
        now,
    )
    .await?;
    let heard_by_visitor = m.state != MatchState::Proposed;
    let m = store::get_tx(tx, m.id).await?.ok_or(AppError::NotFound)?;
    let pair = Pair {
        event: &event,
        m: &m,
        reg: &reg,
        h: &h,
    };
    let mut jobs = email_staff(ctx, tx, &pair, &format!("Withdrawn: {reason}")).await?;
    // Each side that heard of the placement only learns that it cannot go ahead, never why;
    // the visitor's side hears of it once the host has accepted.
    let sides: &[Side] = if heard_by_visitor {
        &[Side::Host, Side::Visitor]
    } else {
        &[Side::Host]
    };
    for side in sides.iter().copied() {
        jobs.extend(
            email_side(side, ctx, tx, &pair, EmailKind::MatchWithdrawn, "withdrawn").await?,
        );
    }
    Ok(Some(jobs))
}

pub use crate::domain::placement::Scope;

/// Re-checks every active match in `scope` inside the caller's transaction (see
/// [`recheck_match`]); returns the jobs to push after the commit.
pub async fn recheck(ctx: &Ctx, tx: &mut Tx, scope: Scope) -> Result<Vec<Scheduled>> {
    let (column, id) = match scope {
        Scope::Household(id) => (store::Column::Household, id),
        Scope::Registration(id) => (store::Column::Registration, id),
        Scope::Event(id) => (store::Column::Event, id),
    };
    let mut jobs = Vec::new();
    for m in store::active_tx(tx, column, id).await? {
        jobs.extend(recheck_match(ctx, tx, &m).await?.unwrap_or_default());
    }
    Ok(jobs)
}

/// Both sides of match `m`, read inside its transaction.
pub(super) async fn sides_tx(
    tx: &mut Tx,
    m: &MatchRow,
) -> anyhow::Result<(RegistrationRow, HouseholdRow)> {
    let reg = regs::get_tx(tx, m.registration_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("registration of match {}", m.id))?;
    let household = hosts_db::get_tx(tx, m.household_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("household of match {}", m.id))?;
    Ok((reg, household))
}
