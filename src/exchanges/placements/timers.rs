//! The clock of a match: reminders, expiry of unanswered matches, and arrival reminders.

use super::emails::*;
use super::recheck::*;
use crate::context::Ctx;
use crate::db::events::EventRow;
use crate::db::matches as store;
use crate::domain::placement::MatchState;
use crate::email::EmailKind;
use chrono::Duration;

/// Sends the reminders that are due (48 hours after a proposal or acceptance, and 24 hours
/// before the deadline) and expires matches whose deadline passed, telling staff. Safe to run
/// at any time, any number of times. Returns how many matches it acted on.
pub async fn run_timers(ctx: &Ctx) -> anyhow::Result<usize> {
    let now = ctx.clock.now();
    let mut acted = 0;
    for waiting in store::waiting(&ctx.db).await? {
        let since = waiting.deadline - Duration::days(ANSWER_DAYS);
        let due = if now >= waiting.deadline {
            Some(0)
        } else if waiting.reminders_sent == 0 && now >= since + Duration::hours(48) {
            Some(1)
        } else if waiting.reminders_sent <= 1 && now >= waiting.deadline - Duration::hours(24) {
            Some(2)
        } else {
            None
        };
        let Some(step) = due else { continue };
        let mut tx = ctx.db.begin().await?;
        let event = crate::db::events::lock(&mut tx, waiting.event_id).await?;
        let Some(m) = store::get_tx(&mut tx, waiting.id).await? else {
            continue;
        };
        if m.state != waiting.state || m.reminders_sent != waiting.reminders_sent {
            continue; // answered or handled meanwhile
        }
        if let Some(jobs) = recheck_match(ctx, &mut tx, &m)
            .await
            .map_err(crate::core::error::into_anyhow)?
        {
            ctx.commit(tx, &jobs).await?;
            acted += 1;
            continue;
        }
        let (reg, household) = sides_tx(&mut tx, &m).await?;
        let pair = Pair {
            event: &event,
            m: &m,
            reg: &reg,
            h: &household,
        };
        let mut jobs = Vec::new();
        if step == 0 {
            store::set_state(&mut tx, m.id, MatchState::Expired, m.deadline, "", now).await?;
            store::record(
                &mut tx,
                m.id,
                Some(m.state),
                MatchState::Expired,
                "system",
                "no answer before the deadline",
                now,
            )
            .await?;
            let who = if m.state == MatchState::Proposed {
                "the host"
            } else {
                "the visitor"
            };
            jobs.extend(
                email_staff(
                    ctx,
                    &mut tx,
                    &pair,
                    &format!("Expired: {who} did not answer in time"),
                )
                .await
                .map_err(crate::core::error::into_anyhow)?,
            );
        } else {
            store::count_reminder(&mut tx, m.id).await?;
            let tag = format!("{}:reminder:{step}", m.state);
            jobs.extend(
                email_side(
                    turn(&m).unwrap_or(Side::Host),
                    ctx,
                    &mut tx,
                    &pair,
                    EmailKind::MatchReminder,
                    &tag,
                )
                .await
                .map_err(crate::core::error::into_anyhow)?,
            );
        }
        ctx.commit(tx, &jobs).await?;
        acted += 1;
    }
    acted += arrival_reminders(ctx).await?;
    Ok(acted)
}

/// Reminds both sides of a confirmed placement 14 and 2 days before arrival (once each; a
/// placement confirmed late gets only the reminders still ahead).
pub(super) async fn arrival_reminders(ctx: &Ctx) -> anyhow::Result<usize> {
    let now = ctx.clock.now();
    let mut sent = 0;
    let mut events: std::collections::HashMap<i64, Option<EventRow>> = Default::default();
    for m in store::confirmed(&ctx.db).await? {
        let event = match events.entry(m.event_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(crate::db::events::find_by_id(&ctx.db, m.event_id).await?)
            }
        };
        let Some(event) = event.as_ref() else {
            continue;
        };
        let days = days_to_arrival(event, now);
        let step = match days {
            ..0 => continue,
            0..=2 => 2,
            3..=14 => 1,
            _ => continue,
        };
        if m.arrival_reminders >= step {
            continue;
        }
        let mut tx = ctx.db.begin().await?;
        if let Some(jobs) = recheck_match(ctx, &mut tx, &m)
            .await
            .map_err(crate::core::error::into_anyhow)?
        {
            ctx.commit(tx, &jobs).await?;
            continue;
        }
        if !store::mark_arrival_reminder(&mut tx, m.id, step).await? {
            continue;
        }
        let (reg, household) = sides_tx(&mut tx, &m).await?;
        let tag = format!("arrival:{step}");
        let pair = Pair {
            event,
            m: &m,
            reg: &reg,
            h: &household,
        };
        let mut jobs = Vec::new();
        for side in [Side::Host, Side::Visitor] {
            jobs.extend(
                email_side(side, ctx, &mut tx, &pair, EmailKind::MatchArrival, &tag)
                    .await
                    .map_err(crate::core::error::into_anyhow)?,
            );
        }
        ctx.commit(tx, &jobs).await?;
        sent += 1;
    }
    Ok(sent)
}
