//! Database access for both backends.
//!
//! `Db` holds a concrete pool per backend and `Tx` a concrete transaction; the `on_pool!` and
//! `on_tx!` macros expand one query body once per backend, so every SQL statement is written
//! once (portable SQL with `$1` placeholders) and type-checked against both drivers.

pub mod audit;
pub mod backup;
pub mod card;
pub mod checkin;
pub mod events;
pub mod export;
pub mod group;
pub mod guardians;
pub mod hosts;
pub mod ledger;
pub mod matches;
pub mod messages;
pub mod nodelay;
pub mod outbox;
pub mod registrations;
pub mod request_keys;
pub mod staff;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// Name of the table that records the application's own migrations. apalis keeps its
/// migrations in sqlx's default `_sqlx_migrations`; sharing it would break both.
const MIGRATIONS_TABLE: &str = "_twinning_migrations";

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: one file, WAL, one writer.
    Sqlite,
    /// PostgreSQL, for several processes.
    Postgres,
}

impl Backend {
    /// Picks the backend from a `DATABASE_URL`.
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres://")
        }
    }
}

/// The SQLite pools: every write goes through one connection, so writers queue in the
/// process instead of spinning on SQLITE_BUSY; reads use several connections (WAL).
#[derive(Clone, Debug)]
pub struct SqlitePools {
    /// The single writer connection.
    pub write: SqlitePool,
    /// Readers.
    pub read: SqlitePool,
    /// Registrations written in groups on the writer connection ([`group`]).
    pub group: group::GroupWriter,
}

/// A connection pool for either backend.
#[derive(Clone, Debug)]
pub enum Db {
    /// SQLite (embedded default).
    Sqlite(SqlitePools),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// An open transaction on either backend.
pub enum Tx {
    /// SQLite transaction (begun IMMEDIATE, so it holds the write lock from the start).
    Sqlite(Transaction<'static, Sqlite>),
    /// PostgreSQL transaction.
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$conn` bound to the read pool of whichever backend `$db` is.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, |$conn:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(pools) => {
                let $conn = &pools.read;
                $body
            }
            $crate::db::Db::Postgres(pool) => {
                let $conn = pool;
                $body
            }
        }
    };
}

/// Runs `$body` with `$conn` bound to the pool that writes: SQLite's single writer
/// connection, or the PostgreSQL pool. For single statements outside a transaction.
#[macro_export]
macro_rules! on_write_pool {
    ($db:expr, |$conn:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(pools) => {
                let $conn = &pools.write;
                $body
            }
            $crate::db::Db::Postgres(pool) => {
                let $conn = pool;
                $body
            }
        }
    };
}

/// Runs `$body` with `$conn` bound to the connection inside transaction `$tx`.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

/// How often the background task checkpoints SQLite's write-ahead log.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Checkpoints the WAL every second on a reader connection (`PASSIVE`: it never blocks the
/// writer or readers), until the pool closes. Commits then only append to the WAL; with
/// `synchronous=FULL` each still waits for its own flush, so nothing is less durable.
fn checkpoint_in_background(pool: SqlitePool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if pool.is_closed() {
                break;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                if pool.is_closed() {
                    break;
                }
                tracing::warn!(error = %e, "WAL checkpoint failed; will retry");
            }
        }
    });
}

/// Pool options for every PostgreSQL pool of the process: each new connection gets
/// `TCP_NODELAY` (see [`nodelay`]).
pub fn pg_pool_options() -> PgPoolOptions {
    PgPoolOptions::new().after_connect(|conn, _| Box::pin(nodelay::set(conn)))
}

impl Db {
    /// Connects to `url`, creating a SQLite file if it is missing. `sqlite_full_sync` chooses
    /// SQLite's `synchronous=FULL` (every commit survives a power cut) over `NORMAL` (commits
    /// survive a crash of the process, not of the machine; several times faster).
    pub async fn connect(
        url: &str,
        max_connections: u32,
        sqlite_full_sync: bool,
    ) -> anyhow::Result<Self> {
        match Backend::from_url(url)? {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .context("parsing the SQLite DATABASE_URL")?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(if sqlite_full_sync {
                        SqliteSynchronous::Full
                    } else {
                        SqliteSynchronous::Normal
                    })
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                // The writer never checkpoints the WAL itself (a checkpoint copies pages and
                // flushes the disk inside whichever commit crosses the threshold, a latency
                // spike for that request); a background task does it instead, see
                // `checkpoint_in_background`.
                let write = SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options.clone().pragma("wal_autocheckpoint", "0"))
                    .await
                    .with_context(|| format!("opening SQLite database {url}"))?;
                let read = SqlitePoolOptions::new()
                    .max_connections(max_connections.max(2))
                    .connect_with(options)
                    .await
                    .context("opening SQLite readers")?;
                checkpoint_in_background(read.clone());
                let group = group::GroupWriter::start(write.clone());
                Ok(Db::Sqlite(SqlitePools { write, read, group }))
            }
            Backend::Postgres => {
                let options = PgConnectOptions::from_str(url)
                    .context("parsing the PostgreSQL DATABASE_URL")?;
                let pool = pg_pool_options()
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await
                    .context("connecting to PostgreSQL")?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the application's migrations for this backend.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(pools) => {
                let mut migrator = sqlx::migrate!("./migrations/sqlite");
                migrator.dangerous_set_table_name(MIGRATIONS_TABLE);
                migrator
                    .run(&pools.write)
                    .await
                    .context("running SQLite migrations")?;
            }
            Db::Postgres(pool) => {
                let mut migrator = sqlx::migrate!("./migrations/postgres");
                migrator.dangerous_set_table_name(MIGRATIONS_TABLE);
                migrator
                    .run(pool)
                    .await
                    .context("running PostgreSQL migrations")?;
            }
        }
        Ok(())
    }

    /// Begins a write transaction. On SQLite it is `BEGIN IMMEDIATE`, taking the write lock
    /// at once so two writers never deadlock upgrading a read lock.
    pub async fn begin(&self) -> anyhow::Result<Tx> {
        Ok(match self {
            Db::Sqlite(pools) => Tx::Sqlite(
                pools
                    .write
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .context("beginning SQLite transaction")?,
            ),
            Db::Postgres(pool) => Tx::Postgres(
                pool.begin()
                    .await
                    .context("beginning PostgreSQL transaction")?,
            ),
        })
    }

    /// A turn at the shared transaction of a group commit ([`group`]), on SQLite; `None` on
    /// PostgreSQL, which commits many transactions in parallel.
    pub async fn group_turn(&self) -> anyhow::Result<Option<group::Turn>> {
        match self {
            Db::Sqlite(pools) => pools.group.turn().await.map(Some),
            Db::Postgres(_) => Ok(None),
        }
    }

    /// The group commit's writer, on SQLite.
    pub fn group_writer(&self) -> Option<&group::GroupWriter> {
        match self {
            Db::Sqlite(pools) => Some(&pools.group),
            Db::Postgres(_) => None,
        }
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> anyhow::Result<()> {
        on_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))
        .context("pinging the database")
    }

    /// Closes every pool.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(pools) => {
                pools.read.close().await;
                pools.write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    /// Commits the transaction.
    pub async fn commit(self) -> anyhow::Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
        .context("committing transaction")
    }

    /// Rolls the transaction back now (dropping it would too, later, on the pool's time).
    pub async fn rollback(self) -> anyhow::Result<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await,
            Tx::Postgres(t) => t.rollback().await,
        }
        .context("rolling transaction back")
    }
}
