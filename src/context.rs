//! What every handler and job needs: the database, the queue, the clock and the settings.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::core::clock::Clock;
use crate::core::config::Settings;
use crate::core::job::Scheduled;
use crate::db::events::EventRow;
use crate::db::registrations::RegistrationRow;
use crate::db::{Db, Tx};
use crate::domain::placement::Scope;
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
    /// What features higher up do when a lower one changes what they rest on.
    pub hooks: Arc<dyn Hooks>,
    /// Rendered public pages, forgotten on every commit.
    pub pages: Arc<crate::infra::page_cache::PageCache>,
}

/// The future a hook returns.
pub type HookFuture<'a, T> =
    Pin<Box<dyn Future<Output = crate::core::error::Result<T>> + Send + 'a>>;

/// What the exchange feature does when registrations or events change. Registrations and
/// events sit below exchanges and never import them: they call these, inside their own
/// transaction, and `app::startup` wires the exchange feature in.
pub trait Hooks: Send + Sync + std::fmt::Debug {
    /// Registration `reg` of exchange `event` was just submitted: ask each minor's guardian.
    /// Returns how many were asked and the jobs to push after the commit.
    fn registration_submitted<'a>(
        &'a self,
        ctx: &'a Ctx,
        tx: &'a mut Tx,
        event: &'a EventRow,
        reg: &'a RegistrationRow,
    ) -> HookFuture<'a, (usize, Vec<Scheduled>)>;

    /// Something the placements in `scope` rest on changed: withdraw those that now break a
    /// rule. Returns the jobs to push after the commit.
    fn placements_changed<'a>(
        &'a self,
        ctx: &'a Ctx,
        tx: &'a mut Tx,
        scope: Scope,
    ) -> HookFuture<'a, Vec<Scheduled>>;
}

impl Ctx {
    /// Commits `tx`, forgets the rendered public pages (what they show may have changed), then
    /// pushes the jobs its change scheduled. A job reaches the queue only
    /// once its change is committed, so none runs for a change that was rolled back; a failed
    /// push is logged, and the periodic sweep finds the deadline or the unsent email again.
    pub async fn commit(&self, tx: crate::db::Tx, jobs: &[Scheduled]) -> anyhow::Result<()> {
        tx.commit().await?;
        self.after_commit(jobs).await;
        Ok(())
    }

    /// What follows every commit (of a transaction of its own or of a group commit's): the
    /// rendered public pages are forgotten and the jobs the change scheduled are pushed.
    pub async fn after_commit(&self, jobs: &[Scheduled]) {
        self.pages.invalidate();
        self.queue.push_all(jobs).await;
    }

    /// The public link to a registration's private page.
    pub fn manage_url(&self, token: &str) -> String {
        format!("{}/r/{token}", self.settings.base_url())
    }
}
