//! The audit log: who changed what, with before and after.

use anyhow::Context;
use chrono::{DateTime, Utc};

use super::Tx;
use crate::on_tx;

/// Writes an audit entry.
pub async fn audit(
    tx: &mut Tx,
    actor: &str,
    action: &str,
    subject: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "INSERT INTO audit_log (actor, action, subject, before_json, after_json, created_at, \
        client_address) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let before = before.map(|v| v.to_string());
    let after = after.map(|v| v.to_string());
    let client = crate::core::net::current_client().map(|c| c.0.to_string());
    on_tx!(tx, |c| {
        sqlx::query(SQL)
            .bind(actor)
            .bind(action)
            .bind(subject)
            .bind(&before)
            .bind(&after)
            .bind(now)
            .bind(&client)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })
    .context("writing audit entry")?;
    Ok(())
}

/// An audit entry as listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The address of the request's client (behind a trusted proxy, the one it reported).
    pub client_address: Option<String>,
}

/// Entries newest first, filtered by actor (exact), action (prefix, e.g. `registration.`) and
/// event (the event itself, its registrations and its participants), at most `limit`, older
/// than entry `before` if given.
pub async fn list(
    db: &super::Db,
    actor: Option<&str>,
    action: Option<&str>,
    event_id: Option<i64>,
    before: Option<i64>,
    limit: i64,
) -> anyhow::Result<Vec<AuditRow>> {
    const SQL: &str = "SELECT a.id, a.actor, a.action, a.subject, a.before_json, a.after_json, a.created_at, a.client_address \
        FROM audit_log a \
        WHERE ($1 IS NULL OR a.actor = $1) AND ($2 IS NULL OR a.action LIKE $2 || '%') \
        AND ($3 IS NULL OR a.subject = 'event:' || $3 \
          OR a.subject IN (SELECT 'registration:' || r.id FROM registrations r WHERE r.event_id = $3) \
          OR a.subject IN (SELECT 'participant:' || p.id FROM participants p \
             JOIN registrations r ON r.id = p.registration_id WHERE r.event_id = $3)) \
        AND ($5 IS NULL OR a.id < $5) ORDER BY a.id DESC LIMIT $4";
    crate::on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(actor)
        .bind(action)
        .bind(event_id)
        .bind(limit)
        .bind(before)
        .fetch_all(pool)
        .await)
    .context("listing the audit log")
}

/// Entries about one subject (e.g. `household:3`), newest first, at most `limit`.
pub async fn for_subject(
    db: &super::Db,
    subject: &str,
    limit: i64,
) -> anyhow::Result<Vec<AuditRow>> {
    const SQL: &str = "SELECT id, actor, action, subject, before_json, after_json, created_at, client_address \
        FROM audit_log WHERE subject = $1 ORDER BY id DESC LIMIT $2";
    crate::on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(subject)
        .bind(limit)
        .fetch_all(pool)
        .await)
    .context("reading the history")
}

/// Every actor that appears in the log.
pub async fn actors(db: &super::Db) -> anyhow::Result<Vec<String>> {
    const SQL: &str = "SELECT DISTINCT actor FROM audit_log ORDER BY actor";
    crate::on_pool!(db, |pool| sqlx::query_scalar(SQL).fetch_all(pool).await)
        .context("listing audit actors")
}
