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
    let mut steps = Steps::default();
    steps.note(
        "expiring holds and offers",
        registrations::expire_overdue(ctx).await,
    );
    steps.note(
        "payment reminders",
        registrations::remind_due_payments(ctx).await,
    );
    // Reminders are delivered by the drain right below, not by a job each.
    let queued = crate::email::reminders::queue_due(ctx)
        .await
        .map(|q| q.len());
    steps.note("event reminders", queued);
    // Card payments before emails: what they settle may queue an email.
    steps.note(
        "card reconciliation",
        crate::registrations::payments::reconcile(ctx).await,
    );
    steps.note(
        "placement timers",
        crate::exchanges::placements::run_timers(ctx).await,
    );
    steps.note("email", crate::email::sweep(ctx).await);
    let retention = chrono::Duration::days(ctx.settings.job_retention_days.max(1));
    let removed = ctx
        .queue
        .remove_finished_before(ctx.clock.now() - retention)
        .await;
    // Housekeeping, not work done: reported in the log, not in the count.
    steps.note(
        "removing finished jobs",
        removed.map(|n| {
            if n > 0 {
                tracing::info!(jobs = n, "removed finished jobs");
            }
            0
        }),
    );
    steps.finish()
}

/// What the steps of one sweep did: each step runs whatever happened to the ones before it
/// (one failing never keeps the others from their work); the failures are reported together.
#[derive(Default)]
struct Steps {
    done: usize,
    failed: Vec<&'static str>,
}

impl Steps {
    fn note(&mut self, step: &'static str, result: anyhow::Result<usize>) {
        match result {
            Ok(n) => self.done += n,
            Err(e) => {
                tracing::warn!(
                    step,
                    error = format!("{e:#}"),
                    "a sweep step failed; retried next sweep"
                );
                self.failed.push(step);
            }
        }
    }

    fn finish(self) -> anyhow::Result<usize> {
        anyhow::ensure!(
            self.failed.is_empty(),
            "sweep steps failed: {:?}",
            self.failed
        );
        Ok(self.done)
    }
}

/// How often the sweep runs in a worker process.
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(60);
