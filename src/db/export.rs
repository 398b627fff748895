//! Attendee lists: one row per participant, read in batches so an export of any size streams.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Db;
use crate::on_pool;

/// Which participants an export lists.
#[derive(Debug, Clone, Default)]
pub struct AttendeeFilter {
    /// Registration status.
    pub status: Option<String>,
    /// Offering key.
    pub offering: Option<String>,
    /// Checked in (`true`) or not yet (`false`).
    pub checked_in: Option<bool>,
}

/// One participant with their registration, as exported.
#[derive(Debug, Clone, FromRow)]
pub struct AttendeeRow {
    pub participant_id: i64,
    pub registration_id: i64,
    pub status: String,
    pub name: String,
    pub offering_key: String,
    pub offering_name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub language: String,
    pub notes: String,
    pub price_minor: i64,
    pub total_minor: i64,
    pub paid_minor: i64,
    pub currency: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// One database connection held for the whole of an export, so every batch is read on the
/// same connection (and, on SQLite, the same worker thread).
pub enum ExportReader {
    /// A SQLite reader.
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    /// A PostgreSQL connection.
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

const BATCH_SQL: &str = "SELECT p.id AS participant_id, r.id AS registration_id, r.status, p.name, \
    o.key AS offering_key, o.name AS offering_name, r.contact_name, r.contact_email, r.language, p.notes, \
    p.price_minor, r.total_minor, \
    COALESCE((SELECT CAST(SUM(pay.amount_minor) AS BIGINT) FROM payments pay WHERE pay.registration_id = r.id), 0) AS paid_minor, \
    r.currency, p.checked_in_at, r.created_at \
    FROM participants p JOIN registrations r ON r.id = p.registration_id JOIN offerings o ON o.id = p.offering_id \
    WHERE r.event_id = $1 AND ($2 IS NULL OR r.status = $2) AND ($3 IS NULL OR o.key = $3) \
    AND ($4 IS NULL OR $4 = (p.checked_in_at IS NOT NULL)) AND p.id > $5 ORDER BY p.id LIMIT $6";

impl ExportReader {
    /// Takes a reading connection from the pool.
    pub async fn acquire(db: &Db) -> anyhow::Result<Self> {
        Ok(match db {
            Db::Sqlite(pools) => {
                Self::Sqlite(pools.read.acquire().await.context("export connection")?)
            }
            Db::Postgres(pool) => {
                Self::Postgres(pool.acquire().await.context("export connection")?)
            }
        })
    }

    /// The next `limit` participants after participant id `after`, in id order.
    pub async fn batch(
        &mut self,
        event_id: i64,
        filter: &AttendeeFilter,
        after: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<AttendeeRow>> {
        macro_rules! run {
            ($conn:expr) => {
                sqlx::query_as(BATCH_SQL)
                    .bind(event_id)
                    .bind(filter.status.as_deref())
                    .bind(filter.offering.as_deref())
                    .bind(filter.checked_in)
                    .bind(after)
                    .bind(limit)
                    .fetch_all(&mut **$conn)
                    .await
            };
        }
        match self {
            Self::Sqlite(c) => run!(c),
            Self::Postgres(c) => run!(c),
        }
        .context("reading attendees")
    }
}

/// How many participants `filter` selects.
pub async fn count(db: &Db, event_id: i64, filter: &AttendeeFilter) -> anyhow::Result<i64> {
    const SQL: &str = concat!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM participants p JOIN registrations r ON r.id = p.registration_id \
         JOIN offerings o ON o.id = p.offering_id WHERE ",
        "r.event_id = $1 AND ($2 IS NULL OR r.status = $2) AND ($3 IS NULL OR o.key = $3) \
         AND ($4 IS NULL OR $4 = (p.checked_in_at IS NOT NULL))"
    );
    on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(event_id)
        .bind(filter.status.as_deref())
        .bind(filter.offering.as_deref())
        .bind(filter.checked_in)
        .fetch_one(pool)
        .await)
    .context("counting attendees")
}
