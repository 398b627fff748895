//! A minor's guardian's own answer to the placement consents (issue 15): one row per minor
//! participant, reached through the guardian's private link.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Db, Tx};
use crate::domain::visitor::GuardianStatus;
use crate::{on_pool, on_tx};

/// A `guardian_consents` row.
#[derive(Debug, Clone, FromRow)]
pub struct GuardianRow {
    pub id: i64,
    pub registration_id: i64,
    pub participant_id: i64,
    pub token: String,
    pub guardian_name: String,
    pub guardian_email: String,
    pub language: String,
    #[sqlx(try_from = "String")]
    pub status: GuardianStatus,
    /// JSON list of the placement consents given.
    pub given: String,
    /// JSON list of the placement consents refused.
    pub refused: String,
    pub medical: String,
    pub emergency_name: String,
    pub emergency_phone: String,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl GuardianRow {
    /// The placement consents the guardian gave.
    pub fn given(&self) -> Vec<String> {
        serde_json::from_str(&self.given).unwrap_or_default()
    }

    /// The placement consents the guardian refused.
    pub fn refused(&self) -> Vec<String> {
        serde_json::from_str(&self.refused).unwrap_or_default()
    }
}

macro_rules! select_guardians {
    () => {
        "SELECT id, registration_id, participant_id, token, guardian_name, guardian_email, language, status, given, \
         refused, medical, emergency_name, emergency_phone, answered_at, created_at FROM guardian_consents"
    };
}

/// A request to store.
#[derive(Debug, Clone)]
pub struct NewGuardian<'a> {
    pub registration_id: i64,
    pub participant_id: i64,
    pub token: &'a str,
    pub selector: &'a str,
    pub guardian_name: &'a str,
    pub guardian_email: &'a str,
    pub language: &'a str,
}

/// Stores a request for a guardian's answer; returns its id.
pub async fn insert(tx: &mut Tx, g: &NewGuardian<'_>, now: DateTime<Utc>) -> anyhow::Result<i64> {
    const SQL: &str = "INSERT INTO guardian_consents (registration_id, participant_id, token, token_selector, \
        guardian_name, guardian_email, language, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
        RETURNING id";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(g.registration_id)
        .bind(g.participant_id)
        .bind(g.token)
        .bind(g.selector)
        .bind(g.guardian_name)
        .bind(g.guardian_email)
        .bind(g.language)
        .bind(now)
        .fetch_one(c)
        .await)
    .context("storing guardian request")
}

/// The guardians' answers of registration `registration_id`, inside a transaction.
pub async fn of_registration_tx(
    tx: &mut Tx,
    registration_id: i64,
) -> anyhow::Result<Vec<GuardianRow>> {
    const SQL: &str = concat!(
        select_guardians!(),
        " WHERE registration_id = $1 ORDER BY id"
    );
    on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(registration_id)
        .fetch_all(c)
        .await)
    .context("reading guardian answers")
}

/// The guardians' answers of registration `registration_id`.
pub async fn of_registration(db: &Db, registration_id: i64) -> anyhow::Result<Vec<GuardianRow>> {
    const SQL: &str = concat!(
        select_guardians!(),
        " WHERE registration_id = $1 ORDER BY id"
    );
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(registration_id)
        .fetch_all(pool)
        .await)
    .context("reading guardian answers")
}

/// The guardians' answers of every registration of event `event_id`, by registration.
pub async fn of_event(db: &Db, event_id: i64) -> anyhow::Result<HashMap<i64, Vec<GuardianRow>>> {
    const SQL: &str = concat!(
        select_guardians!(),
        " WHERE registration_id IN (SELECT id FROM registrations WHERE event_id = $1) ORDER BY id"
    );
    let rows: Vec<GuardianRow> = on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(pool)
        .await)
    .context("reading guardian answers")?;
    let mut map: HashMap<i64, Vec<GuardianRow>> = HashMap::new();
    for r in rows {
        map.entry(r.registration_id).or_default().push(r);
    }
    Ok(map)
}

/// The request with token selector `selector`.
pub async fn find_by_selector(db: &Db, selector: &str) -> anyhow::Result<Option<GuardianRow>> {
    const SQL: &str = concat!(select_guardians!(), " WHERE token_selector = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(selector)
        .fetch_optional(pool)
        .await)
    .context("reading guardian request")
}

/// The guardian's answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Confirmed or refused.
    pub status: GuardianStatus,
    pub given: Vec<String>,
    pub refused: Vec<String>,
    pub medical: String,
    pub emergency_name: String,
    pub emergency_phone: String,
}

/// Stores the guardian's answer to request `id`.
pub async fn answer(tx: &mut Tx, id: i64, a: &Answer, now: DateTime<Utc>) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE guardian_consents SET status = $2, given = $3, refused = $4, medical = $5, \
        emergency_name = $6, emergency_phone = $7, answered_at = $8, updated_at = $8 WHERE id = $1";
    let given = serde_json::to_string(&a.given)?;
    let refused = serde_json::to_string(&a.refused)?;
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(a.status.as_str())
        .bind(&given)
        .bind(&refused)
        .bind(&a.medical)
        .bind(&a.emergency_name)
        .bind(&a.emergency_phone)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
    .context("storing guardian answer")
}

/// Who is copied on a registration's emails: (request id, guardian's name, guardian's email,
/// the visitor's name), inside a transaction.
pub async fn copies_tx(
    tx: &mut Tx,
    registration_id: i64,
) -> anyhow::Result<Vec<(i64, String, String, String)>> {
    const SQL: &str = "SELECT g.id, g.guardian_name, g.guardian_email, p.name FROM guardian_consents g \
        JOIN participants p ON p.id = g.participant_id WHERE g.registration_id = $1 ORDER BY g.id";
    on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(registration_id)
        .fetch_all(c)
        .await)
    .context("reading guardians to copy")
}
