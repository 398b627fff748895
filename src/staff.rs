//! Staff accounts and API tokens (used by `twinning admin`).

use anyhow::{Context, bail};
use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordVerifier};

use crate::db::staff as db_staff;
use crate::domain::{EmailAddress, token};
use crate::state::Ctx;

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

/// Creates a staff user with `role` (`admin`, `staff` or `checkin`). Without a password, one
/// is generated; returns the password in use.
pub async fn create_staff(
    ctx: &Ctx,
    email: &str,
    role: &str,
    password: Option<String>,
) -> anyhow::Result<String> {
    let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("email {e}"))?;
    if !["admin", "staff", "checkin"].contains(&role) {
        bail!("role must be admin, staff or checkin");
    }
    let password = match password {
        Some(p) if p.chars().count() >= 12 => p,
        Some(_) => bail!("the password must be at least 12 characters"),
        None => token::generate()[..20].to_owned(),
    };
    let hash = hash_password(&password)?;
    let mut tx = ctx.db.begin().await?;
    if db_staff::insert(&mut tx, email.as_str(), &hash, role, ctx.clock.now())
        .await?
        .is_none()
    {
        bail!("a staff user with email {} exists already", email.as_str());
    }
    tx.commit().await?;
    Ok(password)
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
