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
    // Housekeeping, not work done: reported in the log, not in the count.
    steps.note("housekeeping", housekeeping(ctx).await.map(|_| 0));
    steps.finish()
}

/// Removes what is no longer needed: finished jobs after `TWINNING_JOB_RETENTION_DAYS`,
/// registration request keys after a day, the text of sent emails after
/// `TWINNING_OUTBOX_BODY_DAYS` (a thousand a minute at most, so a first run on a large outbox
/// does not hold the database). Each part runs whatever happened to the one before.
async fn housekeeping(ctx: &Ctx) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    let settings = &ctx.settings;
    let jobs = ctx
        .queue
        .remove_finished_before(now - chrono::Duration::days(settings.job_retention_days.max(1)))
        .await;
    let keys =
        crate::db::request_keys::forget_before(&ctx.db, now - chrono::Duration::days(1)).await;
    let bodies = match settings.outbox_body_days {
        0 => Ok(0),
        days => {
            crate::db::outbox::trim_sent_before(
                &ctx.db,
                now - chrono::Duration::days(days),
                now,
                1000,
            )
            .await
        }
    };
    let mut failed = None;
    for (what, result) in [
        ("finished jobs", jobs),
        ("request keys", keys),
        ("email bodies", bodies),
    ] {
        match result {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, what, "housekeeping"),
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), what, "housekeeping failed");
                failed = Some(e);
            }
        }
    }
    failed.map_or(Ok(()), Err)
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
