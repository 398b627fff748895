//! Background jobs: payloads, queue names, handlers, the queue itself and the worker loop.
//!
//! Jobs carry ids only and re-read state when they run, so running one twice or late is
//! harmless. Deadlines live in the database (`hold_expires_at`, `offer_expires_at`); a job is
//! scheduled for each deadline, and a periodic sweep also handles every overdue deadline, so a
//! crash between a commit and the push that follows it loses nothing.

mod queue;

pub use queue::{JobQueue, run_due_jobs};

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::registrations;
use crate::state::Ctx;

/// Every job the system runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    /// Expire a `pending_payment` registration whose hold ran out, then offer freed seats.
    ExpireHold {
        /// The registration.
        registration_id: i64,
    },
    /// Expire a waitlist offer that was not claimed in time, then offer the seats on.
    ExpireOffer {
        /// The registration.
        registration_id: i64,
    },
    /// Deliver one outbox row.
    SendEmail {
        /// The outbox row.
        outbox_id: i64,
    },
}

/// Stable queue names. They are stored with every queued job: never rename one.
pub mod queues {
    /// Seat holds and waitlist offers running out.
    pub const DEADLINES: &str = "twinning.deadlines";
    /// Email delivery.
    pub const EMAIL: &str = "twinning.email";
    /// Every queue a worker serves.
    pub const ALL: &[&str] = &[DEADLINES, EMAIL];
}

impl Job {
    /// The queue this job goes to.
    pub fn queue(&self) -> &'static str {
        match self {
            Job::ExpireHold { .. } | Job::ExpireOffer { .. } => queues::DEADLINES,
            Job::SendEmail { .. } => queues::EMAIL,
        }
    }

    /// A key that makes pushing the same job for the same deadline twice a no-op.
    pub fn idempotency_key(&self, run_at: DateTime<Utc>) -> String {
        match self {
            Job::ExpireHold { registration_id } => {
                format!("expire-hold:{registration_id}:{}", run_at.timestamp())
            }
            Job::ExpireOffer { registration_id } => {
                format!("expire-offer:{registration_id}:{}", run_at.timestamp())
            }
            Job::SendEmail { outbox_id } => {
                format!("send-email:{outbox_id}:{}", run_at.timestamp_micros())
            }
        }
    }
}

/// A job with the time it should run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    /// What to run.
    pub job: Job,
    /// When.
    pub run_at: DateTime<Utc>,
}

impl Scheduled {
    /// The expiry job of a seat hold ending at `until`, if there is a hold.
    pub fn hold_expiry(registration_id: i64, until: Option<DateTime<Utc>>) -> Vec<Scheduled> {
        until
            .map(|run_at| Scheduled {
                job: Job::ExpireHold { registration_id },
                run_at,
            })
            .into_iter()
            .collect()
    }
}

/// Runs one job. An error means a retry may help (the database was unreachable, say).
pub async fn run(ctx: &Ctx, job: &Job) -> anyhow::Result<()> {
    match *job {
        Job::ExpireHold { registration_id } => {
            registrations::expire_hold(ctx, registration_id).await
        }
        Job::ExpireOffer { registration_id } => {
            registrations::expire_offer(ctx, registration_id).await
        }
        Job::SendEmail { outbox_id } => crate::email::deliver(ctx, outbox_id).await,
    }
}

/// Handles every overdue deadline whether or not its job was ever pushed, queues due
/// reminders, and sends emails whose job was lost. Returns how many items it handled.
pub async fn sweep(ctx: &Ctx) -> anyhow::Result<usize> {
    let expired = registrations::expire_overdue(ctx).await?;
    let payment_reminders = registrations::remind_due_payments(ctx).await?;
    let reminders = crate::email::reminders::queue_due(ctx).await?;
    let queued = reminders.len();
    ctx.queue.push_all(&reminders).await;
    let sent = crate::email::sweep(ctx).await?;
    Ok(expired + payment_reminders + queued + sent)
}

/// How often the sweep runs in a worker process.
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(60);
