//! What the site's health is read from, for `/metrics`: the state of the outbox, the job
//! queue and Stripe's events, from the database, so every web and worker process is covered.

use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::domain::OutboxStatus;

/// The states apalis keeps jobs in.
pub const JOB_STATES: &[&str] = &["Pending", "Queued", "Running", "Done", "Failed", "Killed"];

/// One reading.
#[derive(Debug, Clone)]
pub struct Readings {
    /// Emails in each outbox state, every state listed.
    pub emails: Vec<(OutboxStatus, i64)>,
    /// Jobs in each of [`JOB_STATES`], every state listed.
    pub jobs: Vec<(&'static str, i64)>,
    /// Stripe events stored but not yet processed.
    pub stripe_waiting: i64,
    /// When the oldest of them arrived.
    pub stripe_oldest: Option<DateTime<Utc>>,
}

/// Reads the database and the job queue.
pub async fn read(ctx: &Ctx) -> anyhow::Result<Readings> {
    let emails = crate::db::outbox::count_by_status(&ctx.db).await?;
    let jobs = ctx.queue.counts().await?;
    let (stripe_waiting, stripe_oldest) = crate::db::card::unprocessed(&ctx.db).await?;
    Ok(Readings {
        emails: OutboxStatus::ALL
            .iter()
            .map(|state| {
                let n = emails
                    .iter()
                    .find(|(s, _)| s == state)
                    .map_or(0, |(_, n)| *n);
                (*state, n)
            })
            .collect(),
        jobs: JOB_STATES
            .iter()
            .map(|state| {
                let n = jobs.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| *n);
                (*state, n)
            })
            .collect(),
        stripe_waiting,
        stripe_oldest,
    })
}
