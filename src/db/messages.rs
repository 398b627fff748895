//! Messages from staff to a filtered group of attendees, and saved export column choices.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::export::AttendeeFilter;
use super::{Db, Tx};
use crate::{on_pool, on_tx};

/// A `messages` row.
#[derive(Debug, Clone, FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub event_id: i64,
    pub subject: String,
    pub body: String,
    pub filter_status: Option<String>,
    pub filter_offering: Option<String>,
    pub filter_checked_in: Option<bool>,
    pub recipients: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A new message.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub event_id: i64,
    pub form_key: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub filter: &'a AttendeeFilter,
    pub recipients: i64,
    pub created_by: &'a str,
}

/// Records a message; `Ok(None)` when one with the same form key exists (a form sent twice).
pub async fn insert(
    tx: &mut Tx,
    m: &NewMessage<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    const SQL: &str = "INSERT INTO messages (event_id, form_key, subject, body, filter_status, \
        filter_offering, filter_checked_in, recipients, created_by, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (form_key) DO NOTHING RETURNING id";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(m.event_id)
        .bind(m.form_key)
        .bind(m.subject)
        .bind(m.body)
        .bind(m.filter.status.as_deref())
        .bind(m.filter.offering.as_deref())
        .bind(m.filter.checked_in)
        .bind(m.recipients)
        .bind(m.created_by)
        .bind(now)
        .fetch_optional(c)
        .await)
    .context("recording message")
}

/// The message sent with form key `form_key`, if any.
pub async fn by_form_key(db: &Db, form_key: &str) -> anyhow::Result<Option<MessageRow>> {
    const SQL: &str = "SELECT id, event_id, subject, body, filter_status, filter_offering, \
        filter_checked_in, recipients, created_by, created_at FROM messages WHERE form_key = $1";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(form_key)
        .fetch_optional(pool)
        .await)
    .context("reading message")
}

/// An event's messages, newest first.
pub async fn list(db: &Db, event_id: i64) -> anyhow::Result<Vec<MessageRow>> {
    const SQL: &str = "SELECT id, event_id, subject, body, filter_status, filter_offering, \
        filter_checked_in, recipients, created_by, created_at FROM messages WHERE event_id = $1 \
        ORDER BY id DESC";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(pool)
        .await)
    .context("listing messages")
}

/// The registrations a message with `filter` goes to, in id order: those with at least one
/// participant matching it. Without a status, every registration that is still live.
pub async fn recipients_tx(
    tx: &mut Tx,
    event_id: i64,
    filter: &AttendeeFilter,
) -> anyhow::Result<Vec<i64>> {
    const SQL: &str = "SELECT DISTINCT r.id FROM registrations r \
        JOIN participants p ON p.registration_id = r.id JOIN offerings o ON o.id = p.offering_id \
        WHERE r.event_id = $1 AND r.messages_stopped_at IS NULL \
        AND (($2 IS NULL AND r.status NOT IN ('cancelled', 'expired', 'rejected')) OR r.status = $2) \
        AND ($3 IS NULL OR o.key = $3) AND ($4 IS NULL OR $4 = (p.checked_in_at IS NOT NULL)) \
        ORDER BY r.id";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(event_id)
        .bind(filter.status.as_deref())
        .bind(filter.offering.as_deref())
        .bind(filter.checked_in)
        .fetch_all(c)
        .await)
    .context("choosing recipients")
}

/// Stops (`Some(now)`) or resumes (`None`) staff messages to registration `id`; answers
/// whether that changed anything.
pub async fn set_stopped(
    tx: &mut Tx,
    registration_id: i64,
    stopped_at: Option<DateTime<Utc>>,
) -> anyhow::Result<bool> {
    const SQL: &str = "UPDATE registrations SET messages_stopped_at = $2 \
        WHERE id = $1 AND (messages_stopped_at IS NULL) <> ($2 IS NULL)";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(registration_id)
        .bind(stopped_at)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
    .context("stopping or resuming messages")
}

/// A saved choice of export columns.
#[derive(Debug, Clone, FromRow)]
pub struct PresetRow {
    pub id: i64,
    pub name: String,
    /// Column keys, comma-separated.
    pub columns: String,
}

/// An event's saved column choices, by name.
pub async fn presets(db: &Db, event_id: i64) -> anyhow::Result<Vec<PresetRow>> {
    const SQL: &str =
        "SELECT id, name, columns FROM export_presets WHERE event_id = $1 ORDER BY name";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(pool)
        .await)
    .context("listing export presets")
}

/// Saves (or replaces) the column choice `name`.
pub async fn save_preset(
    tx: &mut Tx,
    event_id: i64,
    name: &str,
    columns: &str,
    created_by: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "INSERT INTO export_presets (event_id, name, columns, created_by, created_at) \
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id, name) \
        DO UPDATE SET columns = excluded.columns, created_by = excluded.created_by, created_at = excluded.created_at";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(event_id)
        .bind(name)
        .bind(columns)
        .bind(created_by)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
    .context("saving export preset")
}

/// Deletes the column choice `name`; whether it existed.
pub async fn delete_preset(tx: &mut Tx, event_id: i64, name: &str) -> anyhow::Result<bool> {
    const SQL: &str = "DELETE FROM export_presets WHERE event_id = $1 AND name = $2";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(event_id)
        .bind(name)
        .execute(c)
        .await
        .map(|r| r.rows_affected() > 0))
    .context("deleting export preset")
}
