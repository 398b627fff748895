//! Backups of the SQLite database: a consistent copy taken while the site runs, and putting
//! one back. (PostgreSQL has `pg_dump` and `pg_restore`; README shows how.)

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::Context;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::{Backend, Db};

/// The file a `sqlite:` database URL names.
pub fn sqlite_file(url: &str) -> anyhow::Result<PathBuf> {
    anyhow::ensure!(
        Backend::from_url(url)? == Backend::Sqlite,
        "backup and restore work on SQLite; on PostgreSQL use pg_dump and pg_restore (README, Backups)"
    );
    let options = SqliteConnectOptions::from_str(url).context("parsing the SQLite DATABASE_URL")?;
    Ok(options.get_filename().to_path_buf())
}

/// Writes a consistent copy of the whole database to `to` (which must not exist yet) with
/// `VACUUM INTO`: it reads one snapshot (WAL lets writers go on meanwhile), so the copy holds
/// every transaction committed before it began and nothing half written. The job queue's file
/// is not copied: every deadline and unsent email it would hold is found again in the database
/// by the worker's sweep.
pub async fn backup(db: &Db, to: &Path) -> anyhow::Result<()> {
    let Db::Sqlite(pools) = db else {
        anyhow::bail!("backup works on SQLite; on PostgreSQL use pg_dump (README, Backups)");
    };
    anyhow::ensure!(!to.exists(), "{} exists already", to.display());
    let target = to
        .to_str()
        .context("the backup file's path must be valid UTF-8")?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&pools.read)
        .await
        .with_context(|| format!("writing the backup to {}", to.display()))?;
    Ok(())
}

/// Checks that `from` is a sound Twinning database (integrity check, migrations table), then
/// puts it in place of the file `url` names. The service must be stopped: a running one keeps
/// the old file open. The file it replaces is kept beside it as `FILE.before-restore`.
pub async fn restore(url: &str, from: &Path) -> anyhow::Result<PathBuf> {
    let target = sqlite_file(url)?;
    check(from).await?;
    let kept = PathBuf::from(format!("{}.before-restore", target.display()));
    if target.exists() {
        std::fs::rename(&target, &kept)
            .with_context(|| format!("moving {} aside", target.display()))?;
    }
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(&side).with_context(|| format!("removing {}", side.display()))?;
        }
    }
    std::fs::copy(from, &target)
        .with_context(|| format!("copying {} to {}", from.display(), target.display()))?;
    Ok(kept)
}

/// Opens `file` read-only and checks it is an intact Twinning database.
async fn check(file: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(file.exists(), "{} does not exist", file.display());
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("opening {}", file.display()))?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .context("checking the backup's integrity")?;
    anyhow::ensure!(verdict == "ok", "{} is damaged: {verdict}", file.display());
    let migrations: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM {}",
        super::MIGRATIONS_TABLE
    )))
    .fetch_one(&mut conn)
    .await
    .with_context(|| format!("{} is not a Twinning database", file.display()))?;
    anyhow::ensure!(
        migrations > 0,
        "{} has no migrations applied",
        file.display()
    );
    conn.close().await.ok();
    Ok(())
}
