//! Staff accounts and API tokens (used by `twinning admin`).

use anyhow::{Context, bail};
use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordVerifier};

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::db::audit::audit;
use crate::db::staff as db_staff;
use crate::domain::{EmailAddress, Role, token};

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Checks a password against a stored hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A staff user to create.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Sign-in address.
    pub email: String,
    /// Display name (may be empty).
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// The initial password; one is generated when `None`.
    pub password: Option<String>,
}

/// Creates a staff user with `role`. Without a password, one is generated; returns the
/// password in use. `by` is the admin who created it (audited), `None` from the command line.
pub async fn create_staff(ctx: &Ctx, new: NewStaff, by: Option<&Actor>) -> anyhow::Result<String> {
    let email = EmailAddress::parse(&new.email).map_err(|e| anyhow::anyhow!("email {e}"))?;
    let password = match new.password {
        Some(p) if p.chars().count() >= 12 => p,
        Some(_) => bail!("the password must be at least 12 characters"),
        None => token::generate()[..20].to_owned(),
    };
    let hash = hash_password(&password)?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let name = new.name.trim();
    let Some(id) = db_staff::insert(&mut tx, email.as_str(), name, &hash, new.role, now).await?
    else {
        bail!("a staff user with email {} exists already", email.as_str());
    };
    if let Some(actor) = by {
        let after = serde_json::json!({"email": email.as_str(), "role": new.role});
        audit(
            &mut tx,
            &actor.label(),
            "staff.create",
            &format!("staff:{id}"),
            None,
            Some(&after),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(password)
}

/// Why a staff user could not be changed.
#[derive(Debug)]
pub enum UpdateRefused {
    /// No such user.
    NotFound,
    /// The change would leave no active admin.
    LastAdmin,
}

/// Changes a staff user's role and whether they may sign in (a deactivated user's sessions
/// end), audited; the last active admin cannot lose that.
pub async fn update_staff(
    ctx: &Ctx,
    by: &Actor,
    id: i64,
    role: Role,
    active: bool,
) -> anyhow::Result<Result<(), UpdateRefused>> {
    let Some(user) = db_staff::get(&ctx.db, id).await? else {
        return Ok(Err(UpdateRefused::NotFound));
    };
    let loses_admin = user.role == Role::Admin && user.active && (role != Role::Admin || !active);
    if loses_admin && db_staff::other_active_admins(&ctx.db, id).await? == 0 {
        return Ok(Err(UpdateRefused::LastAdmin));
    }
    let mut tx = ctx.db.begin().await?;
    db_staff::update(&mut tx, id, role, active).await?;
    let before = serde_json::json!({"role": user.role, "active": user.active});
    let after = serde_json::json!({"role": role, "active": active});
    let subject = format!("staff:{id}");
    audit(
        &mut tx,
        &by.label(),
        "staff.update",
        &subject,
        Some(&before),
        Some(&after),
        ctx.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Issues a new API token for the staff user with `email`; only its hash is stored.
pub async fn create_token(ctx: &Ctx, email: &str) -> anyhow::Result<String> {
    let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("email {e}"))?;
    let user = db_staff::find_by_email(&ctx.db, email.as_str())
        .await?
        .with_context(|| format!("no staff user with email {}", email.as_str()))?;
    if !user.active {
        bail!("staff user {} is deactivated", email.as_str());
    }
    let secret = token::generate();
    let mut tx = ctx.db.begin().await?;
    db_staff::insert_token(&mut tx, user.id, &token::hash(&secret), ctx.clock.now()).await?;
    tx.commit().await?;
    Ok(secret)
}

/// How long a staff session lasts.
pub const SESSION_HOURS: i64 = 12;

/// An argon2id hash of a random password, checked when the email is unknown so that an
/// unknown email takes as long as a wrong password.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password(&token::generate()).unwrap_or_default());

/// Signs `email` in with `password`: the new session's secret (for the cookie), or `None`
/// when the email is unknown, the password wrong or the account deactivated (the three
/// take the same time).
pub async fn sign_in(ctx: &Ctx, email: &str, password: &str) -> anyhow::Result<Option<String>> {
    let user = db_staff::find_by_email(&ctx.db, email).await?;
    let stored = user
        .as_ref()
        .filter(|u| u.active)
        .map_or_else(|| DUMMY_HASH.clone(), |u| u.password_hash.clone());
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .unwrap_or(false);
    let Some(user) = user.filter(|u| ok && u.active) else {
        return Ok(None);
    };
    let session = token::generate();
    let now = ctx.clock.now();
    db_staff::insert_session(
        &ctx.db,
        &token::hash(&session),
        user.id,
        &token::generate(),
        now,
        now + chrono::Duration::hours(SESSION_HOURS),
    )
    .await?;
    Ok(Some(session))
}

/// The live session whose secret is `presented`.
pub async fn session(ctx: &Ctx, presented: &str) -> anyhow::Result<Option<db_staff::SessionRow>> {
    db_staff::find_session(&ctx.db, &token::hash(presented), ctx.clock.now()).await
}

/// Ends the session whose secret is `presented`.
pub async fn sign_out(ctx: &Ctx, presented: &str) -> anyhow::Result<()> {
    db_staff::delete_session(&ctx.db, &token::hash(presented), ctx.clock.now()).await
}

/// The staff member whose API token is `presented`.
pub async fn by_api_token(
    ctx: &Ctx,
    presented: &str,
) -> anyhow::Result<Option<db_staff::StaffRow>> {
    db_staff::find_by_token_hash(&ctx.db, &token::hash(presented)).await
}

/// The audit log for staff: the last `limit` entries by `actor`, of actions starting with
/// `action`, about `event_id`, newest first; and every actor on record.
pub async fn audit_log(
    ctx: &Ctx,
    actor: Option<&str>,
    action: Option<&str>,
    event_id: Option<i64>,
    before: Option<i64>,
    limit: i64,
) -> anyhow::Result<(Vec<crate::db::audit::AuditRow>, Vec<String>)> {
    Ok((
        crate::db::audit::list(&ctx.db, actor, action, event_id, before, limit).await?,
        crate::db::audit::actors(&ctx.db).await?,
    ))
}

/// Every staff account, by email.
pub async fn list(ctx: &Ctx) -> anyhow::Result<Vec<db_staff::StaffListRow>> {
    db_staff::list(&ctx.db).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_against_their_argon2id_hash_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
    }
}
