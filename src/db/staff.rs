//! Staff users and their API tokens.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Db, Tx};
use crate::domain::Role;
use crate::{on_pool, on_tx};

/// A `staff_users` row.
#[derive(Debug, Clone, FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub active: bool,
}

/// Inserts a staff user; `Ok(None)` when the email is taken.
pub async fn insert(
    tx: &mut Tx,
    email: &str,
    name: &str,
    password_hash: &str,
    role: Role,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    const SQL: &str = "INSERT INTO staff_users (email, name, password_hash, role, active, created_at) \
        VALUES ($1, $2, $3, $4, TRUE, $5) ON CONFLICT (email) DO NOTHING RETURNING id";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(email)
        .bind(name)
        .bind(password_hash)
        .bind(role.as_str())
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

/// A staff user as listed in the console.
#[derive(Debug, Clone, FromRow)]
pub struct StaffListRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// Every staff user, by email.
pub async fn list(db: &Db) -> anyhow::Result<Vec<StaffListRow>> {
    const SQL: &str =
        "SELECT id, email, name, role, active, created_at FROM staff_users ORDER BY email";
    on_pool!(db, |pool| sqlx::query_as(SQL).fetch_all(pool).await).context("listing staff users")
}

/// A staff user by id.
pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<StaffListRow>> {
    const SQL: &str =
        "SELECT id, email, name, role, active, created_at FROM staff_users WHERE id = $1";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .context("reading staff user")
}

/// Changes a staff user's role and whether they may sign in; a deactivated user's sessions end.
pub async fn update(tx: &mut Tx, id: i64, role: Role, active: bool) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE staff_users SET role = $1, active = $2 WHERE id = $3";
    const END: &str = "DELETE FROM staff_sessions WHERE staff_user_id = $1";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(role.as_str())
        .bind(active)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))
    .context("updating staff user")?;
    if !active {
        on_tx!(tx, |c| sqlx::query(END)
            .bind(id)
            .execute(c)
            .await
            .map(|_| ()))
        .context("ending sessions")?;
    }
    Ok(())
}

/// Active admins other than `id` (an admin may not remove the last admin).
pub async fn other_active_admins(db: &Db, id: i64) -> anyhow::Result<i64> {
    const SQL: &str =
        "SELECT COUNT(*) FROM staff_users WHERE role = 'admin' AND active AND id <> $1";
    on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(id)
        .fetch_one(pool)
        .await)
    .context("counting admins")
}

/// A signed-in session with its user.
#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub csrf_token: String,
    pub user_id: i64,
    pub email: String,
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub active: bool,
}

/// Stores a new session (only the hash of its cookie value).
pub async fn insert_session(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    csrf_token: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "INSERT INTO staff_sessions (token_hash, staff_user_id, csrf_token, created_at, expires_at) \
        VALUES ($1, $2, $3, $4, $5)";
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |c| sqlx::query(SQL)
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(now)
        .bind(expires_at)
        .execute(c)
        .await
        .map(|_| ()))
    .context("storing session")?;
    tx.commit().await
}

/// The live session whose cookie hashes to `token_hash`, with its active user.
pub async fn find_session(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<SessionRow>> {
    const SQL: &str = "SELECT s.csrf_token, u.id AS user_id, u.email, u.password_hash, u.role, u.active \
        FROM staff_sessions s JOIN staff_users u ON u.id = s.staff_user_id \
        WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await)
    .context("finding session")
}

/// Ends a session, and every expired one.
pub async fn delete_session(db: &Db, token_hash: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
    const SQL: &str = "DELETE FROM staff_sessions WHERE token_hash = $1 OR expires_at <= $2";
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |c| sqlx::query(SQL)
        .bind(token_hash)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
    .context("ending session")?;
    tx.commit().await
}
