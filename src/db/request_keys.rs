//! Keys of public registration requests (`Idempotency-Key`, the form's submission key): a
//! request repeated with its key answers with the registration the first one made.

use anyhow::Context;
use chrono::{DateTime, Utc};

use super::{Db, Tx};
use crate::{on_tx, on_write_pool};

/// What the request with `key` asked for (its fingerprint) and the registration it made (none
/// until that request has written it).
pub async fn previous(tx: &mut Tx, key: &str) -> anyhow::Result<Option<(String, Option<i64>)>> {
    const SQL: &str = "SELECT fingerprint, registration_id FROM request_keys WHERE key = $1";
    on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(key)
        .fetch_optional(c)
        .await)
    .context("looking up a request key")
}

/// Claims `key` for a request; answers false when another request holds it (on PostgreSQL,
/// after waiting for that one's transaction to end).
pub async fn claim(
    tx: &mut Tx,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    const SQL: &str = "INSERT INTO request_keys (key, fingerprint, created_at) VALUES ($1, $2, $3) \
        ON CONFLICT (key) DO NOTHING";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(key)
        .bind(fingerprint)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
    .context("claiming a request key")
}

/// Records the registration the request holding `key` made.
pub async fn settle(tx: &mut Tx, key: &str, registration_id: i64) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE request_keys SET registration_id = $2 WHERE key = $1";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(key)
        .bind(registration_id)
        .execute(c)
        .await
        .map(|_| ()))
    .context("recording a request key's registration")
}

/// Forgets the keys of requests made before `cutoff`; answers how many.
pub async fn forget_before(db: &Db, cutoff: DateTime<Utc>) -> anyhow::Result<u64> {
    const SQL: &str = "DELETE FROM request_keys WHERE created_at < $1";
    on_write_pool!(db, |pool| sqlx::query(SQL)
        .bind(cutoff)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .context("forgetting old request keys")
}
