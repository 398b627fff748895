//! The worker loop: apalis workers for every queue plus the periodic sweep, and the in-process
//! runner tests and `twinning jobs run-due` use.

use std::time::Duration;

use anyhow::Context;
use apalis::prelude::*;
use apalis_postgres::PostgresStorage;
use apalis_sqlite::SqliteStorage;
use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::core::job::{Job, queues};
use crate::infra::queue::JobQueue;

/// Runs apalis workers for every queue, plus the periodic sweep, until `shutdown` resolves.
pub async fn run_workers(
    backend: &JobQueue,
    ctx: Ctx,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    async fn handle(job: Job, ctx: Data<Ctx>) -> Result<(), BoxDynError> {
        super::run(&ctx, &job).await.map_err(|e| {
            tracing::warn!(
                error = format!("{e:#}"),
                ?job,
                "job failed; it will be retried"
            );
            BoxDynError::from(format!("{e:#}"))
        })
    }

    // The sweep delivers emails too: on shutdown it finishes the round it is in (so no
    // message is cut off between the SMTP server's "250" and the status update) and stops.
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let sweep_ctx = ctx.clone();
    let sweeper = tokio::spawn(async move {
        let mut tick = tokio::time::interval(super::SWEEP_INTERVAL);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopped.changed() => break,
            }
            match super::sweep(&sweep_ctx).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(handled = n, "sweep handled overdue deadlines"),
                Err(e) => tracing::warn!(error = format!("{e:#}"), "sweep failed"),
            }
        }
    });

    let mut monitor = Monitor::new();
    for &queue in queues::ALL {
        let name = format!("{queue}-{}", std::process::id());
        let concurrency = if queue == queues::EMAIL {
            ctx.settings.email_concurrency.max(1)
        } else {
            4
        };
        match backend {
            JobQueue::Sqlite(pool) => {
                let storage = SqliteStorage::<Job>::new(pool)
                    .with_config(
                        apalis_sqlite::Config::default()
                            .queue(queue)
                            .heartbeat_interval(Duration::from_secs(5))
                            .batch_size(200),
                    )
                    .poll_with_interval(Duration::from_secs(1));
                let ctx = ctx.clone();
                monitor = monitor.register(move |_| {
                    WorkerBuilder::new(name.clone())
                        .backend(storage.clone())
                        .concurrency(concurrency)
                        .data(ctx.clone())
                        .build(handle)
                });
            }
            JobQueue::Postgres(pool) => {
                let storage = PostgresStorage::<Job>::new(pool)
                    .with_config(
                        apalis_postgres::Config::default()
                            .queue(queue)
                            .heartbeat_interval(Duration::from_secs(2))
                            .batch_size(200),
                    )
                    .poll_with_interval(Duration::from_secs(1));
                let ctx = ctx.clone();
                monitor = monitor.register(move |_| {
                    WorkerBuilder::new(name.clone())
                        .backend(storage.clone())
                        .concurrency(concurrency)
                        .data(ctx.clone())
                        .build(handle)
                });
            }
        }
    }
    let result = monitor
        .run_with_signal(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing jobs in flight");
            let _ = stop.send(true);
            Ok(())
        })
        .await;
    let _ = sweeper.await;
    result.context("running job workers")
}

/// Runs, in this process and in order, every queued job that is due by the application clock,
/// until none is left; returns how many ran. Tests use it to drain the queue deterministically
/// (with a clock moved forward); `twinning jobs run-due` uses it to catch up by hand. A job
/// is claimed by flipping its status, so a live worker never runs the same row as well.
/// Fails if any job fails.
pub async fn run_due_jobs(ctx: &Ctx) -> anyhow::Result<usize> {
    let mut ran = 0;
    loop {
        let now = ctx.clock.now();
        let due: Vec<(String, Vec<u8>)> = match &ctx.queue {
            JobQueue::Sqlite(pool) => sqlx::query_as(
                "SELECT id, job FROM Jobs WHERE status = 'Pending' AND run_at <= $1 ORDER BY run_at, rowid LIMIT 100",
            )
            .bind(now.timestamp())
            .fetch_all(pool)
            .await,
            JobQueue::Postgres(pool) => sqlx::query_as(
                "SELECT id, job FROM apalis.jobs WHERE status = 'Pending' AND run_at <= $1 ORDER BY run_at, id LIMIT 100",
            )
            .bind(now)
            .fetch_all(pool)
            .await,
        }
        .context("reading due jobs")?;
        if due.is_empty() {
            return Ok(ran);
        }
        for (id, payload) in due {
            let claimed = match &ctx.queue {
                JobQueue::Sqlite(pool) => {
                    sqlx::query("UPDATE Jobs SET status = 'Running', attempts = attempts + 1 WHERE id = $1 AND status = 'Pending'")
                        .bind(&id)
                        .execute(pool)
                        .await
                        .map(|r| r.rows_affected())
                }
                JobQueue::Postgres(pool) => sqlx::query(
                    "UPDATE apalis.jobs SET status = 'Running', attempts = attempts + 1 WHERE id = $1 AND status = 'Pending'",
                )
                .bind(&id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
            }
            .context("claiming job")?
                == 1;
            if !claimed {
                continue;
            }
            let job: Job =
                serde_json::from_slice(&payload).with_context(|| format!("decoding job {id}"))?;
            let outcome = super::run(ctx, &job).await;
            let status = if outcome.is_ok() { "Done" } else { "Failed" };
            match &ctx.queue {
                JobQueue::Sqlite(pool) => {
                    sqlx::query("UPDATE Jobs SET status = $2, done_at = $3 WHERE id = $1")
                        .bind(&id)
                        .bind(status)
                        .bind(now.timestamp())
                        .execute(pool)
                        .await
                        .map(|_| ())
                }
                JobQueue::Postgres(pool) => {
                    sqlx::query("UPDATE apalis.jobs SET status = $2, done_at = $3 WHERE id = $1")
                        .bind(&id)
                        .bind(status)
                        .bind(now)
                        .execute(pool)
                        .await
                        .map(|_| ())
                }
            }
            .context("finishing job")?;
            outcome.with_context(|| format!("job {job:?} failed"))?;
            ran += 1;
        }
    }
}

/// Work a queue still holds: jobs due by some time that nobody ran, and jobs that failed.
#[derive(Debug, Clone, Default)]
pub struct Leftovers {
    /// Pending jobs due by then, as stored (JSON).
    pub due: Vec<String>,
    /// Jobs that failed, as stored (JSON).
    pub failed: Vec<String>,
}

/// What `queue` still holds by `now` (tests fail when work is left behind).
pub async fn leftover_jobs(queue: &JobQueue, now: DateTime<Utc>) -> anyhow::Result<Leftovers> {
    let rows: Vec<(bool, Vec<u8>)> = match queue {
        JobQueue::Sqlite(pool) => sqlx::query_as(
            "SELECT status = 'Failed', job FROM Jobs WHERE status = 'Failed' OR (status = 'Pending' AND run_at <= $1)",
        )
        .bind(now.timestamp())
        .fetch_all(pool)
        .await,
        JobQueue::Postgres(pool) => sqlx::query_as(
            "SELECT status = 'Failed', job FROM apalis.jobs WHERE status = 'Failed' OR (status = 'Pending' AND run_at <= $1)",
        )
        .bind(now)
        .fetch_all(pool)
        .await,
    }
    .context("reading leftover jobs")?;
    let mut out = Leftovers::default();
    for (failed, job) in rows {
        let job = String::from_utf8_lossy(&job).into_owned();
        if failed {
            out.failed.push(job);
        } else {
            out.due.push(job);
        }
    }
    Ok(out)
}
