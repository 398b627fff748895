//! Check-in at the door: participants by code or name, and who came when.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Db, Tx};
use crate::domain::RegistrationStatus;
use crate::{on_pool, on_tx};

/// A participant as the door sees it.
#[derive(Debug, Clone, FromRow)]
pub struct DoorRow {
    pub participant_id: i64,
    pub registration_id: i64,
    pub event_id: i64,
    pub name: String,
    pub offering_name: String,
    pub checkin_code: Option<String>,
    pub checked_in_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "String")]
    pub status: RegistrationStatus,
    pub contact_name: String,
    pub total_minor: i64,
    pub currency: String,
    pub event_slug: String,
    pub event_timezone: String,
}

macro_rules! select_door {
    () => {
        "SELECT p.id AS participant_id, p.registration_id, r.event_id, p.name, o.name AS offering_name, \
         p.checkin_code, p.checked_in_at, r.status, r.contact_name, r.total_minor, r.currency, \
         e.slug AS event_slug, e.timezone AS event_timezone \
         FROM participants p JOIN registrations r ON r.id = p.registration_id \
         JOIN offerings o ON o.id = p.offering_id JOIN events e ON e.id = r.event_id"
    };
}

/// The participant with check-in code `code`.
pub async fn by_code(db: &Db, code: &str) -> anyhow::Result<Option<DoorRow>> {
    const SQL: &str = concat!(select_door!(), " WHERE p.checkin_code = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(code)
        .fetch_optional(pool)
        .await)
    .context("finding check-in code")
}

/// A participant by id.
pub async fn by_id(db: &Db, participant_id: i64) -> anyhow::Result<Option<DoorRow>> {
    const SQL: &str = concat!(select_door!(), " WHERE p.id = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(participant_id)
        .fetch_optional(pool)
        .await)
    .context("finding participant")
}

/// Participants of an event whose name, contact name or code contains `needle` (any case),
/// those with seats first, at most `limit`.
pub async fn search(
    db: &Db,
    event_id: i64,
    needle: &str,
    limit: i64,
) -> anyhow::Result<Vec<DoorRow>> {
    const SQL: &str = concat!(
        select_door!(),
        " WHERE r.event_id = $1 AND r.status IN ('confirmed', 'attended', 'pending_payment') \
         AND (LOWER(p.name) LIKE $2 OR LOWER(r.contact_name) LIKE $2 OR LOWER(p.checkin_code) LIKE $2) \
         ORDER BY p.name, p.id LIMIT $3"
    );
    let pattern = format!("%{}%", needle.to_lowercase().replace(['\\', '%', '_'], ""));
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .bind(&pattern)
        .bind(limit)
        .fetch_all(pool)
        .await)
    .context("searching participants")
}

/// (checked in, expected) participants of an event: expected are those of confirmed and
/// attended registrations.
pub async fn counts(db: &Db, event_id: i64) -> anyhow::Result<(i64, i64)> {
    const SQL: &str = "SELECT CAST(COUNT(p.checked_in_at) AS BIGINT), CAST(COUNT(*) AS BIGINT) \
        FROM participants p JOIN registrations r ON r.id = p.registration_id \
        WHERE r.event_id = $1 AND r.status IN ('confirmed', 'attended')";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_one(pool)
        .await)
    .context("counting check-ins")
}

/// Locks a registration that may be checked in (confirmed or attended) and returns its status,
/// or `None` when its status does not allow check-in.
pub async fn lock_admissible(tx: &mut Tx, registration_id: i64) -> anyhow::Result<Option<String>> {
    const SQL: &str = "UPDATE registrations SET updated_at = updated_at WHERE id = $1 \
        AND status IN ('confirmed', 'attended') RETURNING status";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(registration_id)
        .fetch_optional(c)
        .await)
    .context("locking registration for check-in")
}

/// Marks a participant checked in unless they are already; returns whether this call did.
pub async fn mark(
    tx: &mut Tx,
    participant_id: i64,
    by: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    const SQL: &str = "UPDATE participants SET checked_in_at = $2, checked_in_by = $3 \
        WHERE id = $1 AND checked_in_at IS NULL";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(participant_id)
        .bind(now)
        .bind(by)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
    .context("checking in")
}

/// When participant `participant_id` was checked in, read inside the transaction.
pub async fn checked_in_at_tx(
    tx: &mut Tx,
    participant_id: i64,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    const SQL: &str = "SELECT checked_in_at FROM participants WHERE id = $1";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(participant_id)
        .fetch_optional(c)
        .await)
    .map(Option::flatten)
    .context("reading check-in time")
}

/// Undoes a check-in; returns whether the participant was checked in.
pub async fn unmark(tx: &mut Tx, participant_id: i64) -> anyhow::Result<bool> {
    const SQL: &str = "UPDATE participants SET checked_in_at = NULL, checked_in_by = NULL \
        WHERE id = $1 AND checked_in_at IS NOT NULL";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(participant_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
    .context("undoing check-in")
}

/// How many participants of a registration are checked in.
pub async fn checked_in_of(tx: &mut Tx, registration_id: i64) -> anyhow::Result<i64> {
    const SQL: &str =
        "SELECT CAST(COUNT(checked_in_at) AS BIGINT) FROM participants WHERE registration_id = $1";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(registration_id)
        .fetch_one(c)
        .await)
    .context("counting checked-in participants")
}

/// Moves a registration from `from` to `to` if it is in `from`; returns whether it did.
pub async fn set_status_if(
    tx: &mut Tx,
    registration_id: i64,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    const SQL: &str =
        "UPDATE registrations SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(registration_id)
        .bind(from)
        .bind(to)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
    .context("updating registration status")
}
