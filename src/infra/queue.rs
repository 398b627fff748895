//! The job queue on apalis, on the same backend as the application's data: where jobs are
//! pushed. What runs them is `crate::worker`.

use std::time::{Duration, SystemTime};

use anyhow::Context;
use apalis::prelude::*;
use apalis_postgres::PostgresStorage;
use apalis_sqlite::SqliteStorage;
use chrono::{DateTime, Utc};
use sqlx::{PgPool, SqlitePool};

use crate::core::job::{Job, Scheduled, compact, queues};

/// How many times apalis may run a job before giving up. Handlers are idempotent and only
/// fail on infrastructure errors, so a handful of attempts is plenty; the sweep catches the rest.
const MAX_ATTEMPTS: usize = 5;

/// Where jobs are pushed and fetched.
#[derive(Clone, Debug)]
pub enum JobQueue {
    /// apalis-sqlite, in its own file next to the data file (apalis turns `synchronous` off
    /// on its connections and shares sqlx's migration table, so it must not share the file).
    Sqlite(SqlitePool),
    /// apalis-postgres, in the `apalis` schema of the application's database.
    Postgres(PgPool),
}

impl JobQueue {
    /// Checks that the queue's database answers and its job table can be read (`/readyz`).
    pub async fn ping(&self) -> anyhow::Result<()> {
        match self {
            Self::Sqlite(pool) => sqlx::query("SELECT 1 FROM Jobs LIMIT 1")
                .execute(pool)
                .await
                .map(|_| ()),
            Self::Postgres(pool) => sqlx::query("SELECT 1 FROM apalis.jobs LIMIT 1")
                .execute(pool)
                .await
                .map(|_| ()),
        }
        .context("reading the job queue")
    }

    /// How many jobs are in each of apalis's states (`Pending`, `Running`, `Done`, `Failed`,
    /// `Killed` ...), for `/metrics`.
    pub async fn counts(&self) -> anyhow::Result<Vec<(String, i64)>> {
        match self {
            Self::Sqlite(pool) => {
                sqlx::query_as("SELECT status, COUNT(*) FROM Jobs GROUP BY status")
                    .fetch_all(pool)
                    .await
            }
            Self::Postgres(pool) => {
                sqlx::query_as("SELECT status, COUNT(*) FROM apalis.jobs GROUP BY status")
                    .fetch_all(pool)
                    .await
            }
        }
        .context("counting jobs")
    }

    /// Removes jobs that finished (done, killed, or failed with no attempt left) before
    /// `cutoff`, so the queue does not grow forever; returns how many. Jobs still to run and
    /// jobs that may be retried stay.
    pub async fn remove_finished_before(&self, cutoff: DateTime<Utc>) -> anyhow::Result<u64> {
        const FINISHED: &str =
            "(status IN ('Done', 'Killed') OR (status = 'Failed' AND attempts >= max_attempts))";
        match self {
            // apalis-sqlite keeps `done_at` as seconds since the epoch.
            Self::Sqlite(pool) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM Jobs WHERE {FINISHED} AND done_at IS NOT NULL AND done_at < $1"
            )))
            .bind(cutoff.timestamp())
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
            Self::Postgres(pool) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM apalis.jobs WHERE {FINISHED} AND done_at IS NOT NULL AND done_at < $1"
            )))
            .bind(cutoff)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
        }
        .context("removing finished jobs")
    }

    /// Opens the queue for `database_url` and applies apalis's migrations.
    pub async fn connect(database_url: &str) -> anyhow::Result<Self> {
        match crate::db::Backend::from_url(database_url)? {
            crate::db::Backend::Sqlite => {
                let url = queue_file_url(database_url);
                let options: sqlx::sqlite::SqliteConnectOptions = url
                    .parse()
                    .with_context(|| format!("parsing queue URL {url}"))?;
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(
                        // The queue only carries nudges: deadlines and unsent emails live in
                        // the durable data file and the sweep finds them again, so the queue
                        // may trade fsyncs for speed (as apalis-sqlite's own setup does).
                        options
                            .create_if_missing(true)
                            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                            .busy_timeout(Duration::from_secs(10)),
                    )
                    .await
                    .context("opening the SQLite job queue")?;
                SqliteStorage::setup(&pool)
                    .await
                    .context("migrating the SQLite job queue")?;
                Ok(Self::Sqlite(pool))
            }
            crate::db::Backend::Postgres => {
                let pool = crate::db::pg_pool_options()
                    .max_connections(4)
                    .connect(database_url)
                    .await
                    .context("connecting the PostgreSQL job queue")?;
                PostgresStorage::setup(&pool)
                    .await
                    .context("migrating the PostgreSQL job queue")?;
                Ok(Self::Postgres(pool))
            }
        }
    }

    /// Queues `job` to run at `run_at`.
    pub async fn push(&self, job: &Job, run_at: DateTime<Utc>) -> anyhow::Result<()> {
        self.push_batch(job.queue(), vec![task_for(job, run_at)])
            .await
            .with_context(|| format!("queueing {job:?}"))
    }

    /// Pushes tasks of one queue in one batch.
    async fn push_batch(
        &self,
        queue: &str,
        tasks: Vec<apalis::prelude::Task<Job>>,
    ) -> anyhow::Result<()> {
        let mut tasks = futures::stream::iter(tasks);
        match self {
            Self::Sqlite(pool) => {
                let mut storage = SqliteStorage::<Job>::new(pool)
                    .with_config(apalis_sqlite::Config::default().queue(queue));
                storage
                    .push_all(&mut tasks)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))
            }
            Self::Postgres(pool) => {
                let mut storage = PostgresStorage::<Job>::new(pool)
                    .with_config(apalis_postgres::Config::default().queue(queue));
                storage
                    .push_all(&mut tasks)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))
            }
        }
    }

    /// Pushes jobs after the transaction that scheduled them committed, one batch per queue. A
    /// failed push is logged, not returned: the change is committed and the sweep will find
    /// the deadline or the unsent email again.
    pub async fn push_all(&self, jobs: &[Scheduled]) {
        let jobs = &compact(jobs);
        for &queue in queues::ALL {
            let batch: Vec<&Scheduled> = jobs.iter().filter(|s| s.job.queue() == queue).collect();
            if batch.is_empty() {
                continue;
            }
            let tasks = batch.iter().map(|s| task_for(&s.job, s.run_at)).collect();
            if self.push_batch(queue, tasks).await.is_err() {
                // One bad task (a duplicate idempotency key, say) must not sink the others.
                for s in batch {
                    if let Err(err) = self.push(&s.job, s.run_at).await {
                        tracing::warn!(
                            error = format!("{err:#}"),
                            "could not queue job; the sweep will catch it"
                        );
                    }
                }
            }
        }
    }
}

/// An apalis task for `job` at `run_at` (never in the past: apalis schedules by the real clock).
fn task_for(job: &Job, run_at: DateTime<Utc>) -> apalis::prelude::Task<Job> {
    TaskBuilder::new(job.clone())
        .run_at_time(SystemTime::from(run_at.max(Utc::now())))
        .max_attempts(MAX_ATTEMPTS)
        .idempotency_key(job.idempotency_key(run_at))
        .build()
}

/// `sqlite://dir/twinning.db?mode=rwc` → `sqlite://dir/twinning.queue.db?mode=rwc`.
fn queue_file_url(database_url: &str) -> String {
    let (path, query) = database_url
        .split_once('?')
        .map_or((database_url, None), |(p, q)| (p, Some(q)));
    let path = match path.strip_suffix(".db") {
        Some(stem) => format!("{stem}.queue.db"),
        None => format!("{path}.queue"),
    };
    match query {
        Some(q) => format!("{path}?{q}"),
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::queue_file_url;

    #[test]
    fn the_queue_file_sits_next_to_the_data_file() {
        assert_eq!(
            queue_file_url("sqlite://twinning.db"),
            "sqlite://twinning.queue.db"
        );
        assert_eq!(
            queue_file_url("sqlite:///var/lib/t/data.db?mode=rwc"),
            "sqlite:///var/lib/t/data.queue.db?mode=rwc"
        );
        assert_eq!(queue_file_url("sqlite://data"), "sqlite://data.queue");
    }
}
