//! What every handler and job needs: the database, the queue, the clock and the settings.

use std::sync::Arc;

use crate::core::clock::Clock;
use crate::core::config::Settings;
use crate::core::job::Scheduled;
use crate::db::Db;
use crate::infra::queue::JobQueue;

/// Shared application context; cheap to clone.
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The application's data.
    pub db: Db,
    /// The job queue.
    pub queue: JobQueue,
    /// The clock everything reads "now" from.
    pub clock: Clock,
    /// SMTP delivery; `None` keeps every email in the outbox as `held`.
    pub mailer: Option<crate::infra::smtp::Mailer>,
    /// Settings from the environment.
    pub settings: Arc<Settings>,
    /// Stripe, when a secret key is set; `None` turns card payments off.
    pub card: Option<Arc<crate::infra::stripe::Gateway>>,
    /// The check-in writer (group commit of door scans).
    pub door: crate::infra::door::Door,
}

impl Ctx {
    /// Commits `tx`, then pushes the jobs its change scheduled. A job reaches the queue only
    /// once its change is committed, so none runs for a change that was rolled back; a failed
    /// push is logged, and the periodic sweep finds the deadline or the unsent email again.
    pub async fn commit(&self, tx: crate::db::Tx, jobs: &[Scheduled]) -> anyhow::Result<()> {
        tx.commit().await?;
        self.queue.push_all(jobs).await;
        Ok(())
    }

    /// The public link to a registration's private page.
    pub fn manage_url(&self, token: &str) -> String {
        format!("{}/r/{token}", self.settings.base_url())
    }
}
