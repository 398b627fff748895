//! Reminders before events: per event a list of "days before" rules, each due at 09:00 in the
//! event's time zone. Sent once per registration, rule and event date (the dedupe key holds all
//! three, so moving the event moves its reminders), only to confirmed registrations that
//! existed at the due time, and caught up whenever the sweep runs late, as long as the event
//! has not started.

use chrono::{DateTime, Days, NaiveTime, TimeZone as _, Utc};

use super::EmailKind;
use super::compose::{Extra, queue_registration_email};
use crate::context::Ctx;
use crate::core::job::Scheduled;
use crate::db::events::{self, EventRow};
use crate::db::registrations as regs;
use crate::domain::TimeZone;

/// Local hour reminders go out at.
pub const REMINDER_HOUR: u32 = 9;

/// Parses a stored rule list such as `7,1`.
pub fn parse_rules(stored: &str) -> Vec<i64> {
    let mut rules: Vec<i64> = stored
        .split(',')
        .filter_map(|r| r.trim().parse().ok())
        .filter(|d| (0..=365).contains(d))
        .collect();
    rules.sort_unstable_by(|a, b| b.cmp(a));
    rules.dedup();
    rules
}

/// When the reminder `days_before` the event is due: 09:00 local on that day.
pub fn due_at(event: &EventRow, days_before: i64) -> Option<DateTime<Utc>> {
    let zone = TimeZone::parse(&event.timezone).ok()?;
    let start_day = zone.to_local(event.starts_at).date_naive();
    let day = start_day.checked_sub_days(Days::new(days_before as u64))?;
    let local = day.and_time(NaiveTime::from_hms_opt(REMINDER_HOUR, 0, 0)?);
    zone.0
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Queues every reminder that is due and not yet queued; returns the delivery jobs.
pub async fn queue_due(ctx: &Ctx) -> anyhow::Result<Vec<Scheduled>> {
    let now = ctx.clock.now();
    let mut jobs = Vec::new();
    for event in events::list_upcoming(&ctx.db, now).await? {
        if event.starts_at <= now {
            continue;
        }
        for days in parse_rules(&event.reminder_days) {
            let Some(due) = due_at(&event, days) else {
                continue;
            };
            if now < due {
                continue;
            }
            let prefix = format!(
                "reminder:{}:{}:{}:",
                event.id,
                days,
                event.starts_at.timestamp()
            );
            let done: std::collections::HashSet<String> =
                crate::db::outbox::keys_with_prefix(&ctx.db, event.id, &prefix)
                    .await?
                    .into_iter()
                    .collect();
            let due_regs: Vec<_> = regs::list_for_event(&ctx.db, event.id, Some("confirmed"))
                .await?
                .into_iter()
                .filter(|r| r.created_at < due && !done.contains(&format!("{prefix}{}", r.id)))
                .collect();
            if due_regs.is_empty() {
                continue;
            }
            let mut tx = ctx.db.begin().await?;
            events::lock(&mut tx, event.id).await?;
            let extra = Extra {
                reminder_days: Some(days),
                ..Extra::default()
            };
            for reg in due_regs {
                // Re-check inside the lock: it may have been cancelled since the read.
                if regs::get_tx(&mut tx, reg.id)
                    .await?
                    .is_some_and(|r| r.status == crate::domain::RegistrationStatus::Confirmed)
                {
                    let key = format!("{prefix}{}", reg.id);
                    jobs.extend(
                        queue_registration_email(
                            ctx,
                            &mut tx,
                            EmailKind::Reminder,
                            reg.id,
                            &key,
                            &extra,
                        )
                        .await?,
                    );
                }
            }
            tx.commit().await?;
        }
    }
    Ok(jobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_sorted_without_duplicates_or_nonsense() {
        assert_eq!(parse_rules("1, 7,7,x,-2,400"), vec![7, 1]);
        assert!(parse_rules("").is_empty());
    }
}
