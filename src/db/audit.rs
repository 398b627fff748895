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
    const SQL: &str = "INSERT INTO audit_log (actor, action, subject, before_json, after_json, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6)";
    let before = before.map(|v| v.to_string());
    let after = after.map(|v| v.to_string());
    on_tx!(tx, |c| {
        sqlx::query(SQL)
            .bind(actor)
            .bind(action)
            .bind(subject)
            .bind(&before)
            .bind(&after)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })
    .context("writing audit entry")?;
    Ok(())
}
