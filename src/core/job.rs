//! Background jobs as data: what to run and when. Jobs carry ids only and re-read state when
//! they run, so running one twice or late is harmless. Which handler runs a job is decided in
//! one place only, `crate::worker::run` (the worker); features schedule jobs by returning
//! [`Scheduled`] values, never by importing it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    /// Deliver every due outbox row (used instead of many `SendEmail` jobs at once).
    DrainOutbox,
    /// Process one stored Stripe webhook event.
    StripeEvent {
        /// Stripe's event id (`evt_...`).
        event_id: String,
    },
    /// Ask Stripe for one pending card refund of the ledger.
    IssueRefund {
        /// The ledger row.
        refund_id: i64,
    },
}

/// Stable queue names. They are stored with every queued job: never rename one.
pub mod queues {
    /// Seat holds and waitlist offers running out.
    pub const DEADLINES: &str = "twinning.deadlines";
    /// Email delivery.
    pub const EMAIL: &str = "twinning.email";
    /// Card payments: webhook events and refunds.
    pub const PAYMENTS: &str = "twinning.payments";
    /// Every queue a worker serves.
    pub const ALL: &[&str] = &[DEADLINES, EMAIL, PAYMENTS];
}

impl Job {
    /// The queue this job goes to.
    pub fn queue(&self) -> &'static str {
        match self {
            Job::ExpireHold { .. } | Job::ExpireOffer { .. } => queues::DEADLINES,
            Job::SendEmail { .. } | Job::DrainOutbox => queues::EMAIL,
            Job::StripeEvent { .. } | Job::IssueRefund { .. } => queues::PAYMENTS,
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
            Job::DrainOutbox => format!("drain-outbox:{}", run_at.timestamp_micros()),
            Job::SendEmail { outbox_id } => {
                format!("send-email:{outbox_id}:{}", run_at.timestamp_micros())
            }
            Job::StripeEvent { event_id } => format!("stripe-event:{event_id}"),
            Job::IssueRefund { refund_id } => format!("issue-refund:{refund_id}"),
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

/// Above this many emails queued at once, one `DrainOutbox` job replaces a `SendEmail` each:
/// draining claims due rows straight from the outbox, which is an order of magnitude faster
/// than a job per row (see BENCHMARKS.md).
pub const DRAIN_THRESHOLD: usize = 20;

/// Replaces many `SendEmail` jobs due now with one `DrainOutbox`.
pub fn compact(jobs: &[Scheduled]) -> Vec<Scheduled> {
    let sends = jobs
        .iter()
        .filter(|s| matches!(s.job, Job::SendEmail { .. }))
        .count();
    if sends <= DRAIN_THRESHOLD {
        return jobs.to_vec();
    }
    let first = jobs
        .iter()
        .filter(|s| matches!(s.job, Job::SendEmail { .. }))
        .map(|s| s.run_at)
        .min();
    let mut out: Vec<Scheduled> = jobs
        .iter()
        .filter(|s| !matches!(s.job, Job::SendEmail { .. }))
        .cloned()
        .collect();
    if let Some(run_at) = first {
        out.push(Scheduled {
            job: Job::DrainOutbox,
            run_at,
        });
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn send(id: i64) -> Scheduled {
        Scheduled {
            job: Job::SendEmail { outbox_id: id },
            run_at: DateTime::<Utc>::MIN_UTC,
        }
    }

    #[test]
    fn many_emails_at_once_become_one_drain_job_and_other_jobs_stay() {
        let hold = Scheduled {
            job: Job::ExpireHold { registration_id: 1 },
            run_at: DateTime::<Utc>::MIN_UTC,
        };
        let few: Vec<Scheduled> = (0..DRAIN_THRESHOLD as i64)
            .map(send)
            .chain([hold.clone()])
            .collect();
        assert_eq!(compact(&few), few);
        let many: Vec<Scheduled> = (0..100).map(send).chain([hold.clone()]).collect();
        let compacted = compact(&many);
        assert_eq!(compacted.len(), 2);
        assert!(compacted.contains(&hold));
        assert!(compacted.iter().any(|s| s.job == Job::DrainOutbox));
    }
}
