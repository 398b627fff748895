//! Background jobs: the handlers of each job (the only place that maps a [`Job`] to the code
//! that runs it), the queue itself and the worker loop. The jobs themselves are data in
//! `crate::core::job`.
//!
//! Jobs carry ids only and re-read state when they run, so running one twice or late is
//! harmless. Deadlines live in the database (`hold_expires_at`, `offer_expires_at`); a job is
//! scheduled for each deadline, and a periodic sweep also handles every overdue deadline, so a
//! crash between a commit and the push that follows it loses nothing.

mod queue;

pub use queue::{Leftovers, leftover_jobs, run_due_jobs, run_workers};

use std::time::Duration;

use crate::context::Ctx;
use crate::core::job::{self, Job};
use crate::registrations;

/// Runs one job. An error means a retry may help (the database was unreachable, say).
pub async fn run(ctx: &Ctx, job: &Job) -> anyhow::Result<()> {
    match *job {
        Job::StripeEvent(job::StripeEvent { ref event_id }) => {
            crate::registrations::payments::process_event(ctx, event_id).await
        }
        Job::IssueRefund(job::IssueRefund { refund_id }) => {
            crate::registrations::payments::issue_refund(ctx, refund_id).await
        }
        Job::ExpireHold(job::ExpireHold { registration_id }) => {
            registrations::expire_hold(ctx, registration_id).await
        }
        Job::ExpireOffer(job::ExpireOffer { registration_id }) => {
            registrations::expire_offer(ctx, registration_id).await
        }
        Job::SendEmail(job::SendEmail { outbox_id }) => crate::email::deliver(ctx, outbox_id).await,
        Job::DrainOutbox(_) => crate::email::sweep(ctx).await.map(|_| ()),
    }
}

/// Handles every overdue deadline whether or not its job was ever pushed, queues due
/// reminders, reconciles card payments with Stripe, and sends emails whose job was lost. Returns how many items it handled.
pub async fn sweep(ctx: &Ctx) -> anyhow::Result<usize> {
    let expired = registrations::expire_overdue(ctx).await?;
    let payment_reminders = registrations::remind_due_payments(ctx).await?;
    // Reminders are delivered by the drain right below, not by a job each.
    let queued = crate::email::reminders::queue_due(ctx).await?.len();
    // Card payments before emails: what they settle may queue an email.
    let card = match crate::registrations::payments::reconcile(ctx).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(
                error = format!("{e:#}"),
                "card reconciliation failed; retried next sweep"
            );
            0
        }
    };
    let placements = crate::exchanges::placements::run_timers(ctx).await?;
    let sent = crate::email::sweep(ctx).await?;
    Ok(expired + payment_reminders + queued + card + placements + sent)
}

/// How often the sweep runs in a worker process.
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(60);
