//! The email outbox.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Db, Tx};
use crate::domain::outbox::OutboxAction;
use crate::domain::{EmailKind, OutboxStatus};
use crate::{on_pool, on_tx, on_write_pool};

/// An `outbox` row.
#[derive(Debug, Clone, FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub dedupe_key: String,
    #[sqlx(try_from = "String")]
    pub kind: EmailKind,
    pub recipient: String,
    pub language: String,
    pub registration_id: Option<i64>,
    pub event_id: Option<i64>,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub ics: Option<String>,
    pub message_id: String,
    #[sqlx(try_from = "String")]
    pub status: OutboxStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub provider_response: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// When its bodies and calendar file were removed ([`trim_sent_before`]).
    pub body_trimmed_at: Option<DateTime<Utc>>,
    /// Where the recipient's mail program stops such emails (`List-Unsubscribe`), for bulk
    /// mail.
    pub unsubscribe_url: Option<String>,
}

/// Every `OutboxRow` column.
macro_rules! outbox_columns {
    () => {
        "id, dedupe_key, kind, recipient, language, registration_id, event_id, subject, body_text, \
         body_html, ics, message_id, status, attempts, last_error, next_attempt_at, provider_response, \
         created_at, updated_at, sent_at, body_trimmed_at, unsubscribe_url"
    };
}

/// `SELECT <every OutboxRow column> FROM outbox`.
macro_rules! select_outbox {
    () => {
        concat!("SELECT ", outbox_columns!(), " FROM outbox")
    };
}

/// A new outbox row.
#[derive(Debug, Clone)]
pub struct NewOutboxRow<'a> {
    pub dedupe_key: &'a str,
    pub kind: EmailKind,
    pub recipient: &'a str,
    pub language: &'a str,
    pub registration_id: Option<i64>,
    pub event_id: Option<i64>,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub ics: Option<&'a str>,
    pub message_id: &'a str,
    pub status: OutboxStatus,
    /// Not before this time (staff messages are spread out); `None` for at once.
    pub send_at: Option<DateTime<Utc>>,
    /// `List-Unsubscribe` of bulk mail.
    pub unsubscribe_url: Option<&'a str>,
}

/// Inserts a message; `Ok(None)` when one with the same dedupe key exists (sent once per key).
pub async fn insert(
    tx: &mut Tx,
    m: &NewOutboxRow<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    const SQL: &str = "INSERT INTO outbox (dedupe_key, kind, recipient, language, registration_id, event_id, subject, \
        body_text, body_html, ics, message_id, status, attempts, next_attempt_at, created_at, updated_at, unsubscribe_url) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $14, $13, $13, $15) \
        ON CONFLICT (dedupe_key) DO NOTHING RETURNING id";
    on_tx!(tx, |c| {
        sqlx::query_scalar(SQL)
            .bind(m.dedupe_key)
            .bind(m.kind.as_str())
            .bind(m.recipient)
            .bind(m.language)
            .bind(m.registration_id)
            .bind(m.event_id)
            .bind(m.subject)
            .bind(m.body_text)
            .bind(m.body_html)
            .bind(m.ics)
            .bind(m.message_id)
            .bind(m.status.as_str())
            .bind(now)
            .bind(m.send_at.unwrap_or(now))
            .bind(m.unsubscribe_url)
            .fetch_optional(c)
            .await
    })
    .context("queueing email")
}

/// Delivery states of the messages whose dedupe keys start with `prefix` (our own keys, free
/// of `%` and `_`), with counts.
pub async fn count_by_status_with_prefix(
    db: &Db,
    event_id: i64,
    prefix: &str,
) -> anyhow::Result<Vec<(String, i64)>> {
    const SQL: &str = "SELECT status, CAST(COUNT(*) AS BIGINT) FROM outbox \
        WHERE event_id = $1 AND dedupe_key LIKE $2 GROUP BY status ORDER BY status";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .bind(format!("{prefix}%"))
        .fetch_all(pool)
        .await)
    .context("counting deliveries")
}

/// Claims message `id` for sending if it is due: `queued`/`retrying` → `sending`, attempts + 1.
/// Atomic, so two workers never send the same message at the same time.
pub async fn claim(db: &Db, id: i64, now: DateTime<Utc>) -> anyhow::Result<Option<OutboxRow>> {
    const SQL: &str = concat!(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = $2 \
         WHERE id = $1 AND status IN ('queued', 'retrying') AND next_attempt_at <= $2 RETURNING ",
        outbox_columns!()
    );
    on_write_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(id)
        .bind(now)
        .fetch_optional(pool)
        .await)
    .context("claiming email")
}

/// Records the outcome of a send attempt.
pub async fn finish(
    db: &Db,
    id: i64,
    status: OutboxStatus,
    next_attempt_at: DateTime<Utc>,
    error: Option<&str>,
    provider_response: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE outbox SET status = $2, next_attempt_at = $3, last_error = COALESCE($4, last_error), \
        provider_response = COALESCE($5, provider_response), updated_at = $6, \
        sent_at = CASE WHEN $2 = 'sent' THEN $6 ELSE sent_at END WHERE id = $1";
    on_write_pool!(db, |pool| {
        sqlx::query(SQL)
            .bind(id)
            .bind(status.as_str())
            .bind(next_attempt_at)
            .bind(error)
            .bind(provider_response)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())
    })
    .context("recording email outcome")
}

/// Messages due for (another) attempt, oldest first.
pub async fn due(db: &Db, now: DateTime<Utc>, limit: i64) -> anyhow::Result<Vec<i64>> {
    const SQL: &str = "SELECT id FROM outbox WHERE status IN ('queued', 'retrying') AND next_attempt_at <= $1 \
        ORDER BY next_attempt_at, id LIMIT $2";
    on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await)
    .context("finding due emails")
}

/// Puts messages stuck in `sending` since before `stale_before` (a worker died mid-send)
/// back to `retrying`; returns how many.
pub async fn recover_stale(
    db: &Db,
    stale_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    const SQL: &str = "UPDATE outbox SET status = 'retrying', next_attempt_at = $2, updated_at = $2, \
        last_error = 'worker stopped while sending; resending with the same Message-ID' \
        WHERE status = 'sending' AND updated_at < $1";
    on_write_pool!(db, |pool| {
        sqlx::query(SQL)
            .bind(stale_before)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })
    .context("recovering stale emails")
}

/// One message.
pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<OutboxRow>> {
    const SQL: &str = concat!(select_outbox!(), " WHERE id = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .context("reading email")
}

/// Filter for listing messages.
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    pub status: Option<OutboxStatus>,
    pub kind: Option<EmailKind>,
    pub recipient: Option<String>,
    pub event_id: Option<i64>,
    pub registration_id: Option<i64>,
    /// Only messages older than this one (the page before ended there).
    pub before_id: Option<i64>,
}

/// Messages matching `filter`, newest first, at most `limit`.
pub async fn list(db: &Db, filter: &OutboxFilter, limit: i64) -> anyhow::Result<Vec<OutboxRow>> {
    const SQL: &str = concat!(
        select_outbox!(),
        " WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR recipient = $3) \
         AND ($4 IS NULL OR event_id = $4) AND ($5 IS NULL OR registration_id = $5) \
         AND ($7 IS NULL OR id < $7) ORDER BY id DESC LIMIT $6"
    );
    on_pool!(db, |pool| {
        sqlx::query_as(SQL)
            .bind(filter.status.map(|s| s.as_str()))
            .bind(filter.kind.map(|k| k.as_str()))
            .bind(filter.recipient.as_deref())
            .bind(filter.event_id)
            .bind(filter.registration_id)
            .bind(limit)
            .bind(filter.before_id)
            .fetch_all(pool)
            .await
    })
    .context("listing emails")
}

/// Staff actions on one message: `resend` (any but `sending` → `queued`, due now) or
/// `cancel` (`queued`/`retrying`/`held` → `cancelled`). Returns whether the row changed.
pub async fn set_status_by_staff(
    tx: &mut Tx,
    id: i64,
    action: OutboxAction,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    const RESEND: &str = "UPDATE outbox SET status = 'queued', next_attempt_at = $2, updated_at = $2, last_error = NULL \
        WHERE id = $1 AND status <> 'sending' AND body_trimmed_at IS NULL";
    const CANCEL: &str = "UPDATE outbox SET status = 'cancelled', updated_at = $2 \
        WHERE id = $1 AND status IN ('queued', 'retrying', 'held')";
    let sql = match action {
        OutboxAction::Resend => RESEND,
        OutboxAction::Cancel => CANCEL,
    };
    let n = on_tx!(tx, |c| sqlx::query(sql)
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .context("changing email status")?;
    Ok(n == 1)
}

/// Removes the bodies and calendar files of emails sent before `cutoff`, at most `limit` of
/// them; answers how many. The rows stay: who got what and when, with their Message-IDs.
pub async fn trim_sent_before(
    db: &Db,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
    limit: i64,
) -> anyhow::Result<u64> {
    const SQL: &str = "UPDATE outbox SET body_text = '', body_html = '', ics = NULL, body_trimmed_at = $2 \
        WHERE id IN (SELECT id FROM outbox WHERE status = 'sent' AND sent_at < $1 \
        AND body_trimmed_at IS NULL ORDER BY id LIMIT $3)";
    on_write_pool!(db, |pool| sqlx::query(SQL)
        .bind(cutoff)
        .bind(now)
        .bind(limit)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .context("trimming sent emails")
}

/// Dedupe keys starting with `prefix` (reminders already queued for an event).
pub async fn keys_with_prefix(db: &Db, event_id: i64, prefix: &str) -> anyhow::Result<Vec<String>> {
    const SQL: &str = "SELECT dedupe_key FROM outbox WHERE event_id = $1 AND dedupe_key LIKE $2";
    on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(event_id)
        .bind(format!("{prefix}%"))
        .fetch_all(pool)
        .await)
    .context("reading queued reminder keys")
}

/// Counts messages per status (for the staff dashboard and metrics).
pub async fn count_by_status(db: &Db) -> anyhow::Result<Vec<(OutboxStatus, i64)>> {
    const SQL: &str = "SELECT status, COUNT(*) FROM outbox GROUP BY status ORDER BY status";
    let rows: Vec<(String, i64)> = on_pool!(db, |pool| sqlx::query_as(SQL).fetch_all(pool).await)
        .context("counting emails")?;
    rows.into_iter()
        .map(|(status, n)| Ok((OutboxStatus::try_from(status)?, n)))
        .collect()
}
