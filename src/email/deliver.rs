//! Delivering outbox rows: claim, send, record; back off on temporary failures.

use chrono::Duration;
use futures::StreamExt;

use super::SendError;
use crate::context::Ctx;
use crate::core::job::{Scheduled, SendEmail};
use crate::db::outbox;
use crate::domain::OutboxStatus;

/// A row left `sending` this long belongs to a worker that died mid-send.
const STALE_SENDING_MINUTES: i64 = 10;

/// The wait before attempt `attempts + 1`: the initial delay doubling per attempt, capped.
pub fn backoff(attempts: i64, initial_secs: u64, max_secs: u64) -> Duration {
    let exponent = attempts.clamp(1, 30) - 1;
    let secs = initial_secs.saturating_mul(1u64 << exponent).min(max_secs);
    Duration::seconds(secs as i64)
}

/// Sends outbox row `id` if it is due. Two workers never send the same row at once (the claim
/// is atomic); a temporary failure schedules the next attempt, a permanent one marks the row
/// `failed` for staff. Errors only on database trouble, when a retry of the job can help.
pub async fn deliver(ctx: &Ctx, id: i64) -> anyhow::Result<()> {
    let Some(mailer) = &ctx.mailer else {
        return Ok(());
    };
    let now = ctx.clock.now();
    let Some(row) = outbox::claim(&ctx.db, id, now).await? else {
        return Ok(());
    };
    let result = mailer.send(&row).await;
    let now = ctx.clock.now();
    // What the attempt leaves: the row's new status, when it is next due, and what to record.
    let (status, due, error, response) = match result {
        Ok(response) => (OutboxStatus::Sent, now, None, Some(response)),
        Err(SendError::Permanent(error)) => {
            tracing::warn!(outbox_id = id, kind = %row.kind, %error, "email rejected permanently");
            (OutboxStatus::Failed, now, Some(error), None)
        }
        Err(SendError::Temporary(error)) => {
            let s = &ctx.settings;
            let give_up_at = row.created_at + Duration::hours(s.email_retry_hours as i64);
            let next = now
                + backoff(
                    row.attempts,
                    s.email_retry_initial_secs,
                    s.email_retry_max_secs,
                );
            if next > give_up_at {
                tracing::warn!(outbox_id = id, %error, "email failed for too long; giving up");
                (OutboxStatus::Failed, now, Some(error), None)
            } else {
                tracing::info!(outbox_id = id, %error, attempt = row.attempts, "email delivery failed; will retry");
                (OutboxStatus::Retrying, next, Some(error), None)
            }
        }
    };
    let (error, response) = (error.as_deref(), response.as_deref());
    outbox::finish(&ctx.db, id, status, due, error, response, now).await?;
    if status == OutboxStatus::Retrying {
        let retry = Scheduled {
            job: SendEmail { outbox_id: id }.into(),
            run_at: due,
        };
        ctx.queue.push_all(&[retry]).await;
    }
    Ok(())
}

/// Re-queues rows a dead worker left in `sending`, then sends every due row: those whose job
/// was lost (a crash between commit and push) and bulk mail queued without a job per row
/// (reminders, event changes). Returns how many rows were attempted.
pub async fn sweep(ctx: &Ctx) -> anyhow::Result<usize> {
    if ctx.mailer.is_none() {
        return Ok(0);
    }
    let now = ctx.clock.now();
    let recovered =
        outbox::recover_stale(&ctx.db, now - Duration::minutes(STALE_SENDING_MINUTES), now).await?;
    if recovered > 0 {
        tracing::warn!(
            recovered,
            "re-sending emails left mid-send by a stopped worker"
        );
    }
    let mut count = 0;
    // Until nothing is due (bounded, in case rows keep becoming due while we work).
    for _ in 0..100 {
        let due = outbox::due(&ctx.db, ctx.clock.now(), 1000).await?;
        if due.is_empty() {
            break;
        }
        count += due.len();
        let results: Vec<anyhow::Result<()>> = futures::stream::iter(due)
            .map(|id| deliver(ctx, id))
            .buffer_unordered(ctx.settings.email_concurrency.max(1))
            .collect()
            .await;
        results.into_iter().collect::<anyhow::Result<()>>()?;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_from_the_initial_delay_up_to_the_cap() {
        let secs: Vec<i64> = (1..=8)
            .map(|a| backoff(a, 60, 3600).num_seconds())
            .collect();
        assert_eq!(secs, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(
            backoff(500, 60, 3600).num_seconds(),
            3600,
            "no overflow on many attempts"
        );
    }
}
