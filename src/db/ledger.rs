//! The money ledger of registrations: payments and refunds, by hand or by card.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Db, Tx};
use crate::domain::{LedgerKind, LedgerStatus, MoneyMethod};
use crate::{on_pool, on_tx};

/// One payment in the ledger.
#[derive(Debug, Clone, FromRow)]
pub struct PaymentRow {
    pub id: i64,
    /// `payment` (money in) or `refund` (money back, a negative amount).
    #[sqlx(try_from = "String")]
    pub kind: LedgerKind,
    #[sqlx(try_from = "String")]
    pub method: MoneyMethod,
    pub amount_minor: i64,
    pub currency: String,
    pub reference: String,
    /// `pending`, `succeeded` or `failed` (not counted).
    #[sqlx(try_from = "String")]
    pub status: LedgerStatus,
    /// Why (refunds).
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

impl PaymentRow {
    /// What the ledger rows add up to: payments less refunds, failed refunds not counted.
    pub fn net(rows: &[PaymentRow]) -> i64 {
        rows.iter()
            .filter(|p| p.status != LedgerStatus::Failed)
            .map(|p| p.amount_minor)
            .sum()
    }
}

/// Adds a payment to the ledger.
#[allow(clippy::too_many_arguments)]
pub async fn insert_payment(
    tx: &mut Tx,
    registration_id: i64,
    method: MoneyMethod,
    amount_minor: i64,
    currency: &str,
    reference: &str,
    recorded_by: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "INSERT INTO payments (registration_id, method, amount_minor, currency, reference, recorded_by, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    on_tx!(tx, |c| {
        sqlx::query(SQL)
            .bind(registration_id)
            .bind(method.as_str())
            .bind(amount_minor)
            .bind(currency)
            .bind(reference)
            .bind(recorded_by)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })
    .context("recording payment")?;
    Ok(())
}

/// Writes a refund of `amount_minor` (positive) to the ledger as a negative row; returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn insert_refund(
    tx: &mut Tx,
    registration_id: i64,
    method: MoneyMethod,
    amount_minor: i64,
    currency: &str,
    status: LedgerStatus,
    reason: &str,
    recorded_by: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    const SQL: &str = "INSERT INTO payments (registration_id, kind, method, amount_minor, currency, status, reason, recorded_by, created_at) \
        VALUES ($1, 'refund', $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(registration_id)
        .bind(method.as_str())
        .bind(-amount_minor)
        .bind(currency)
        .bind(status.as_str())
        .bind(reason)
        .bind(recorded_by)
        .bind(now)
        .fetch_one(c)
        .await)
    .context("recording refund")
}

/// Lowers what registration `id` costs by `amount_minor` (a refund on a live registration:
/// what was given back is no longer due).
pub async fn reduce_total_tx(tx: &mut Tx, id: i64, amount_minor: i64) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE registrations SET total_minor = \
        CASE WHEN total_minor > $2 THEN total_minor - $2 ELSE 0 END WHERE id = $1";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(amount_minor)
        .execute(c)
        .await
        .map(|_| ()))
    .context("lowering the registration's total")
}

/// Sum of the ledger for a registration, inside a transaction.
pub async fn paid_minor_tx(tx: &mut Tx, registration_id: i64) -> anyhow::Result<i64> {
    const SQL: &str = "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM payments \
        WHERE registration_id = $1 AND status <> 'failed'";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(registration_id)
        .fetch_one(c)
        .await)
    .context("summing payments")
}

/// The ledger of a registration, oldest first.
pub async fn payments(db: &Db, registration_id: i64) -> anyhow::Result<Vec<PaymentRow>> {
    const SQL: &str = "SELECT id, kind, method, amount_minor, currency, reference, status, reason, created_at \
        FROM payments WHERE registration_id = $1 ORDER BY id";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(registration_id)
        .fetch_all(pool)
        .await)
    .context("reading payments")
}

/// Sum paid per registration of an event.
pub async fn paid_by_registration(db: &Db, event_id: i64) -> anyhow::Result<HashMap<i64, i64>> {
    const SQL: &str = "SELECT p.registration_id, CAST(COALESCE(SUM(p.amount_minor), 0) AS BIGINT) FROM payments p \
        JOIN registrations r ON r.id = p.registration_id WHERE r.event_id = $1 AND p.status <> 'failed' \
        GROUP BY p.registration_id";
    let rows: Vec<(i64, i64)> = on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(pool)
        .await)
    .context("summing payments")?;
    Ok(rows.into_iter().collect())
}
