//! Background jobs as data: what to run and when. Jobs carry ids only and re-read state when
//! they run, so running one twice or late is harmless. Which handler runs a job is decided in
//! one place only, `crate::worker::run` (the worker); features schedule jobs by returning
//! [`Scheduled`] values, never by importing it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A kind of background job, as crates.io's `BackgroundJob`: a struct carrying ids only,
/// with a stable name stored with every queued job, and the queue it runs on. A new kind is a
/// struct here with its `key`, a line in `job_kinds!` below, and an arm in `crate::worker::run`.
pub trait JobKind: Serialize + Into<Job> {
    /// The name stored with every queued job (the `job` field): never rename one.
    const NAME: &'static str;
    /// The queue it goes to (see [`queues`]).
    const QUEUE: &'static str;
    /// What makes pushing the same job for the same moment twice a no-op.
    fn idempotency_key(&self, run_at: DateTime<Utc>) -> String;
}

/// Declares each job kind's name and queue, its variant of [`Job`], and the conversion.
macro_rules! job_kinds {
    ($($kind:ident = $name:literal on $queue:ident;)*) => {
        /// Every job the system runs, as stored in the queue:
        /// `{"job": "<name>", ...the kind's fields}`.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "job")]
        pub enum Job {
            $(
                #[doc = concat!("See [`", stringify!($kind), "`].")]
                #[serde(rename = $name)]
                $kind($kind),
            )*
        }

        $(
            impl JobKind for $kind {
                const NAME: &'static str = $name;
                const QUEUE: &'static str = queues::$queue;
                fn idempotency_key(&self, run_at: DateTime<Utc>) -> String {
                    self.key(run_at)
                }
            }

            impl From<$kind> for Job {
                fn from(job: $kind) -> Self {
                    Job::$kind(job)
                }
            }
        )*

        impl Job {
            /// The queue this job goes to.
            pub fn queue(&self) -> &'static str {
                match self {
                    $(Job::$kind(_) => queues::$queue,)*
                }
            }

            /// The kind's stable name.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Job::$kind(_) => $name,)*
                }
            }

            /// A key that makes pushing the same job for the same deadline twice a no-op.
            pub fn idempotency_key(&self, run_at: DateTime<Utc>) -> String {
                match self {
                    $(Job::$kind(j) => j.idempotency_key(run_at),)*
                }
            }
        }
    };
}

job_kinds! {
    ExpireHold = "expire_hold" on DEADLINES;
    ExpireOffer = "expire_offer" on DEADLINES;
    SendEmail = "send_email" on EMAIL;
    DrainOutbox = "drain_outbox" on EMAIL;
    StripeEvent = "stripe_event" on PAYMENTS;
    IssueRefund = "issue_refund" on PAYMENTS;
}

/// Expire a `pending_payment` registration whose hold ran out, then offer freed seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpireHold {
    /// The registration.
    pub registration_id: i64,
}
impl ExpireHold {
    fn key(&self, run_at: DateTime<Utc>) -> String {
        format!(
            "expire-hold:{}:{}",
            self.registration_id,
            run_at.timestamp()
        )
    }
}

/// Expire a waitlist offer that was not claimed in time, then offer the seats on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpireOffer {
    /// The registration.
    pub registration_id: i64,
}
impl ExpireOffer {
    fn key(&self, run_at: DateTime<Utc>) -> String {
        format!(
            "expire-offer:{}:{}",
            self.registration_id,
            run_at.timestamp()
        )
    }
}

/// Deliver one outbox row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendEmail {
    /// The outbox row.
    pub outbox_id: i64,
}
impl SendEmail {
    fn key(&self, run_at: DateTime<Utc>) -> String {
        format!(
            "send-email:{}:{}",
            self.outbox_id,
            run_at.timestamp_micros()
        )
    }
}

/// Deliver every due outbox row (used instead of many `SendEmail` jobs at once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrainOutbox {}
impl DrainOutbox {
    fn key(&self, run_at: DateTime<Utc>) -> String {
        format!("drain-outbox:{}", run_at.timestamp_micros())
    }
}

/// Process one stored Stripe webhook event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeEvent {
    /// Stripe's event id (`evt_...`).
    pub event_id: String,
}
impl StripeEvent {
    fn key(&self, _run_at: DateTime<Utc>) -> String {
        format!("stripe-event:{}", self.event_id)
    }
}

/// Ask Stripe for one pending card refund of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueRefund {
    /// The ledger row.
    pub refund_id: i64,
}
impl IssueRefund {
    fn key(&self, _run_at: DateTime<Utc>) -> String {
        format!("issue-refund:{}", self.refund_id)
    }
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
        .filter(|s| matches!(s.job, Job::SendEmail(_)))
        .count();
    if sends <= DRAIN_THRESHOLD {
        return jobs.to_vec();
    }
    let first = jobs
        .iter()
        .filter(|s| matches!(s.job, Job::SendEmail(_)))
        .map(|s| s.run_at)
        .min();
    let mut out: Vec<Scheduled> = jobs
        .iter()
        .filter(|s| !matches!(s.job, Job::SendEmail(_)))
        .cloned()
        .collect();
    if let Some(run_at) = first {
        out.push(Scheduled {
            job: DrainOutbox {}.into(),
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
                job: ExpireHold { registration_id }.into(),
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
            job: SendEmail { outbox_id: id }.into(),
            run_at: DateTime::<Utc>::MIN_UTC,
        }
    }

    #[test]
    fn many_emails_at_once_become_one_drain_job_and_other_jobs_stay() {
        let hold = Scheduled {
            job: ExpireHold { registration_id: 1 }.into(),
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
        assert!(
            compacted
                .iter()
                .any(|s| s.job == Job::DrainOutbox(DrainOutbox {}))
        );
    }

    #[test]
    fn jobs_keep_the_names_they_are_stored_under() {
        // Jobs queued before a release must still be read after it.
        let stored = [
            (
                r#"{"job":"expire_hold","registration_id":1}"#,
                ExpireHold::NAME,
            ),
            (
                r#"{"job":"expire_offer","registration_id":2}"#,
                ExpireOffer::NAME,
            ),
            (r#"{"job":"send_email","outbox_id":3}"#, SendEmail::NAME),
            (r#"{"job":"drain_outbox"}"#, DrainOutbox::NAME),
            (
                r#"{"job":"stripe_event","event_id":"evt_1"}"#,
                StripeEvent::NAME,
            ),
            (r#"{"job":"issue_refund","refund_id":4}"#, IssueRefund::NAME),
        ];
        for (json, name) in stored {
            let job: Job = serde_json::from_str(json).expect(json);
            assert_eq!(job.name(), name);
            assert_eq!(serde_json::to_string(&job).unwrap(), json);
        }
        assert_eq!(
            Job::from(SendEmail { outbox_id: 3 }).queue(),
            <SendEmail as JobKind>::QUEUE
        );
    }
}
