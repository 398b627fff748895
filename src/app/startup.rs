//! Building and running the application: the one place that wires settings to components.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::context::Ctx;
use crate::core::clock::Clock;
use crate::core::config::{SampleData, Settings};
use crate::db::{Backend, Db};
use crate::infra::queue::JobQueue;

/// Installs rustls' ring provider (several crates may enable different providers; without an
/// explicit choice rustls panics at the first TLS connection).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Connects to the database and the queue, applies migrations, and returns the context.
pub async fn connect(settings: Settings, clock: Clock) -> anyhow::Result<Ctx> {
    install_crypto_provider();
    let full_sync = settings.sqlite_synchronous == crate::core::config::SqliteSync::Full;
    let db = Db::connect(
        &settings.database_url,
        settings.db_max_connections,
        full_sync,
    )
    .await?;
    db.migrate().await?;
    let queue = JobQueue::connect(&settings.database_url).await?;
    let mailer = match &settings.smtp_url {
        Some(url) => Some(crate::email::Mailer::new(
            &url.0,
            &settings.mail_from,
            settings.mail_reply_to.as_deref(),
            settings.email_concurrency.max(1) as u32,
        )?),
        None => None,
    };
    let card = match &settings.stripe_secret_key {
        Some(key) => Some(Arc::new(crate::infra::stripe::Gateway::new(
            &key.0,
            settings.stripe_webhook_secret.as_ref().map(|s| s.0.clone()),
            &settings.stripe_api_base,
            std::time::Duration::from_secs(settings.stripe_timeout_secs.max(1)),
        )?)),
        None => None,
    };
    let pages = Arc::new(crate::infra::page_cache::PageCache::new(
        std::time::Duration::from_millis(settings.page_cache_ms),
    ));
    Ok(Ctx {
        card,
        door: crate::checkin::Door::start(db.clone(), clock.clone()),
        db,
        queue,
        mailer,
        clock,
        settings: Arc::new(settings),
        hooks: Arc::new(crate::exchanges::ExchangeHooks),
        pages,
    })
}

/// A ready-to-run web server (and, optionally, the job workers in the same process).
pub struct Application {
    listener: TcpListener,
    ctx: Ctx,
    workers: bool,
}

impl Application {
    /// Connects, migrates, loads sample data if asked, and binds the listener (port 0 picks
    /// a free port, as tests do).
    pub async fn build(
        mut settings: Settings,
        clock: Clock,
        workers: bool,
    ) -> anyhow::Result<Self> {
        let bind = settings.bind;
        let listener = TcpListener::bind(bind)
            .await
            .with_context(|| format!("binding {bind}"))?;
        // With port 0 the real port is known only now; links must carry it.
        settings.bind = listener.local_addr().context("reading the bound address")?;
        let ctx = connect(settings, clock).await?;
        let load_samples = match ctx.settings.sample_data {
            SampleData::Always => true,
            SampleData::Auto => ctx.db.backend() == Backend::Sqlite && ctx.settings.is_local(),
            SampleData::Never => false,
        };
        if load_samples && crate::app::sample::load_if_empty(&ctx).await? {
            tracing::info!("loaded the sample site (TWINNING_SAMPLE_DATA=never turns this off)");
        } else if ctx.settings.sample_data == SampleData::Auto && !ctx.settings.is_local() {
            tracing::info!(
                "no sample site at a public address; create the first admin with `twinning admin create-staff`"
            );
        }
        Ok(Self {
            listener,
            ctx,
            workers,
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The application context (tests use it to drain jobs and move the clock).
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests and jobs.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let workers = self.workers.then(|| {
            let ctx = self.ctx.clone();
            let mut rx = stop_rx.clone();
            tokio::spawn(async move {
                let queue = ctx.queue.clone();
                crate::worker::run_workers(&queue, ctx, async move {
                    let _ = rx.wait_for(|stop| *stop).await;
                })
                .await
            })
        });
        tracing::info!(address = %self.local_addr(), base_url = %self.ctx.settings.base_url(), workers = self.workers, "serving");
        let app = crate::web::router(self.ctx.clone());
        serve(self.listener, app, &self.ctx.settings, async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        })
        .await;
        if let Some(handle) = workers {
            handle.await.context("joining workers")??;
        }
        self.ctx.db.close().await;
        Ok(())
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets the requests in flight
/// finish (30 s at most). Each connection has `TWINNING_HEADER_TIMEOUT_SECS` to send a
/// request's headers (hyper closes it otherwise: no connection is held open by trickling
/// headers), and at most `TWINNING_MAX_CONNECTIONS` are open at once (a new one beyond that
/// is closed at once). Each request carries its peer's address as `ConnectInfo`.
async fn serve(
    listener: TcpListener,
    app: axum::Router,
    settings: &Settings,
    shutdown: impl Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let open = Arc::new(tokio::sync::Semaphore::new(settings.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let header_timeout = std::time::Duration::from_secs(settings.header_timeout_secs.max(1));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            tracing::warn!(
                limit = settings.max_connections,
                "connection limit reached; closing a new connection"
            );
            continue;
        };
        // The peer's address on each request, without building a new router per connection.
        let service =
            hyper_util::service::TowerToHyperService::new(tower::ServiceExt::map_request(
                app.clone(),
                move |mut request: axum::http::Request<hyper::body::Incoming>| {
                    request
                        .extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    request
                },
            ));
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(std::time::Duration::from_secs(30)) => {
            tracing::warn!("requests still running 30 s after shutdown began; stopping anyway");
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
