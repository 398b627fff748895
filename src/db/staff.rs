//! Staff users and their API tokens.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Db, Tx};
use crate::{on_pool, on_tx};

/// A `staff_users` row.
#[derive(Debug, Clone, FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub active: bool,
}

/// Inserts a staff user; `Ok(None)` when the email is taken.
pub async fn insert(
    tx: &mut Tx,
    email: &str,
    password_hash: &str,
    role: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    const SQL: &str = "INSERT INTO staff_users (email, password_hash, role, active, created_at) \
        VALUES ($1, $2, $3, TRUE, $4) ON CONFLICT (email) DO NOTHING RETURNING id";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(email)
        .bind(password_hash)
        .bind(role)
        .bind(now)
        .fetch_optional(c)
        .await)
    .context("inserting staff user")
}

/// A staff user by email.
pub async fn find_by_email(db: &Db, email: &str) -> anyhow::Result<Option<StaffRow>> {
    const SQL: &str =
        "SELECT id, email, password_hash, role, active FROM staff_users WHERE email = $1";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(email)
        .fetch_optional(pool)
        .await)
    .context("finding staff user")
}

/// Stores the hash of a new API token for a staff user.
pub async fn insert_token(
    tx: &mut Tx,
    staff_user_id: i64,
    token_hash: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str =
        "INSERT INTO api_tokens (staff_user_id, token_hash, created_at) VALUES ($1, $2, $3)";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(staff_user_id)
        .bind(token_hash)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .context("inserting API token")?;
    Ok(())
}

/// The active staff user owning the API token with this hash.
pub async fn find_by_token_hash(db: &Db, token_hash: &str) -> anyhow::Result<Option<StaffRow>> {
    const SQL: &str = "SELECT s.id, s.email, s.password_hash, s.role, s.active FROM api_tokens t \
        JOIN staff_users s ON s.id = t.staff_user_id WHERE t.token_hash = $1 AND s.active";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(token_hash)
        .fetch_optional(pool)
        .await)
    .context("looking up API token")
}

/// Active staff who review registrations (admins and staff), as (id, email).
pub async fn reviewers_tx(tx: &mut Tx) -> anyhow::Result<Vec<(i64, String)>> {
    const SQL: &str =
        "SELECT id, email FROM staff_users WHERE active AND role IN ('admin', 'staff') ORDER BY id";
    on_tx!(tx, |c| sqlx::query_as(SQL).fetch_all(c).await).context("listing reviewers")
}
