//! Host households, their members and screenings.

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use super::{Db, Tx};
use crate::domain::household::{DraftMember, HouseholdDraft, ScreeningOutcome};
use crate::{on_pool, on_tx};

/// A `households` row.
#[derive(Debug, Clone, FromRow)]
pub struct HouseholdRow {
    pub id: i64,
    pub token: String,
    #[sqlx(try_from = "String")]
    pub status: crate::domain::household::HouseholdStatus,
    pub status_reason: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub language: String,
    pub address: String,
    pub area: String,
    pub beds: i64,
    pub bedrooms: i64,
    pub room: String,
    pub bathroom: String,
    pub max_parties: i64,
    pub step_free: bool,
    pub bedroom_floor: i64,
    /// JSON `[{species, indoors}]`.
    pub pets: String,
    pub smoking: String,
    /// JSON `[{code, level}]`.
    pub languages: String,
    /// JSON `[diet]`.
    pub diets: String,
    /// JSON `[interest]`.
    pub interests: String,
    /// JSON `[{from, to}]`.
    pub available: String,
    pub accepts_minors: bool,
    pub guest_gender: String,
    pub accepts_couples: bool,
    pub accepts_smokers: bool,
    pub max_nights: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// What changed since approval (JSON: field -> `{"before", "after"}`), while in review.
    pub review_changes: String,
}

macro_rules! select_households {
    () => {
        "SELECT id, token, status, status_reason, contact_name, contact_email, contact_phone, language, address, area, \
         beds, bedrooms, room, bathroom, max_parties, step_free, bedroom_floor, pets, smoking, languages, diets, interests, \
         available, accepts_minors, guest_gender, accepts_couples, accepts_smokers, max_nights, created_at, updated_at, \
         review_changes FROM households"
    };
}

/// A member of a household.
#[derive(Debug, Clone, FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub household_id: i64,
    pub name: String,
    /// The name shown before a placement is confirmed (empty on older rows: the full name).
    pub display_name: String,
    pub born_on: NaiveDate,
}

impl MemberRow {
    /// The name shown to a visitor before a placement is confirmed.
    pub fn shown_name(&self) -> &str {
        if self.display_name.is_empty() {
            &self.name
        } else {
            &self.display_name
        }
    }
}

/// A screening of a member.
#[derive(Debug, Clone, FromRow)]
pub struct ScreeningRow {
    pub id: i64,
    pub member_id: i64,
    pub kind: String,
    #[sqlx(try_from = "String")]
    pub outcome: ScreeningOutcome,
    pub completed_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub reference: String,
    pub created_at: DateTime<Utc>,
}

/// Binds the fields of a draft, in the order both statements below list them.
macro_rules! bind_draft {
    ($q:expr, $d:expr) => {
        $q.bind(&$d.contact_name)
            .bind(&$d.contact_email)
            .bind(&$d.contact_phone)
            .bind(&$d.language)
            .bind(&$d.address)
            .bind(&$d.area)
            .bind($d.beds)
            .bind($d.bedrooms)
            .bind($d.room)
            .bind($d.bathroom)
            .bind($d.max_parties)
            .bind($d.step_free)
            .bind($d.bedroom_floor)
            .bind(&$d.pets)
            .bind($d.smoking)
            .bind(&$d.languages)
            .bind(&$d.diets)
            .bind(&$d.interests)
            .bind(&$d.available)
            .bind($d.accepts_minors)
            .bind($d.guest_gender)
            .bind($d.accepts_couples)
            .bind($d.accepts_smokers)
            .bind($d.max_nights)
    };
}

/// Stores a new household; returns its id.
pub async fn insert(
    tx: &mut Tx,
    token: &str,
    selector: &str,
    d: &HouseholdDraft,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    const SQL: &str = "INSERT INTO households (token, token_selector, contact_name, contact_email, contact_phone, language, \
        address, area, beds, bedrooms, room, bathroom, max_parties, step_free, bedroom_floor, pets, smoking, languages, diets, \
        interests, available, accepts_minors, guest_gender, accepts_couples, accepts_smokers, max_nights, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, \
        $24, $25, $26, $27, $27) RETURNING id";
    on_tx!(tx, |c| bind_draft!(
        sqlx::query_scalar(SQL).bind(token).bind(selector),
        d
    )
    .bind(now)
    .fetch_one(c)
    .await)
    .context("storing household")
}

/// Replaces the household's details (not its status or token).
pub async fn update(
    tx: &mut Tx,
    id: i64,
    d: &HouseholdDraft,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE households SET contact_name = $2, contact_email = $3, contact_phone = $4, language = $5, \
        address = $6, area = $7, beds = $8, bedrooms = $9, room = $10, bathroom = $11, max_parties = $12, step_free = $13, \
        bedroom_floor = $14, pets = $15, smoking = $16, languages = $17, diets = $18, interests = $19, available = $20, \
        accepts_minors = $21, guest_gender = $22, accepts_couples = $23, accepts_smokers = $24, max_nights = $25, \
        updated_at = $26 WHERE id = $1";
    on_tx!(tx, |c| bind_draft!(sqlx::query(SQL).bind(id), d)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
    .context("updating household")
}

/// Stores the household's members in the order listed: those with an id are updated in place
/// (their screenings stay with them), the others are added, and `removed` are marked removed
/// (their rows and screenings stay on record). The caller has checked the ids.
pub async fn save_members(
    tx: &mut Tx,
    household_id: i64,
    members: &[DraftMember],
    removed: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for id in removed {
        on_tx!(tx, |c| sqlx::query(
            "UPDATE household_members SET removed_at = $3 WHERE id = $1 AND household_id = $2"
        )
        .bind(id)
        .bind(household_id)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
        .context("removing member")?;
    }
    for (position, m) in members.iter().enumerate() {
        if let Some(id) = m.id {
            const SQL: &str = "UPDATE household_members SET name = $3, display_name = $4, born_on = $5, \
                position = $6 WHERE id = $1 AND household_id = $2";
            on_tx!(tx, |c| sqlx::query(SQL)
                .bind(id)
                .bind(household_id)
                .bind(&m.name)
                .bind(&m.display_name)
                .bind(m.born_on)
                .bind(position as i64)
                .execute(c)
                .await
                .map(|_| ()))
            .context("updating member")?;
        } else {
            const SQL: &str = "INSERT INTO household_members (household_id, name, display_name, born_on, position, created_at) \
                VALUES ($1, $2, $3, $4, $5, $6)";
            on_tx!(tx, |c| sqlx::query(SQL)
                .bind(household_id)
                .bind(&m.name)
                .bind(&m.display_name)
                .bind(m.born_on)
                .bind(position as i64)
                .bind(now)
                .execute(c)
                .await
                .map(|_| ()))
            .context("adding member")?;
        }
    }
    Ok(())
}

/// Records what changed since approval and sets the status (`review` while anything did).
pub async fn set_review(
    tx: &mut Tx,
    id: i64,
    status: crate::domain::household::HouseholdStatus,
    changes: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str =
        "UPDATE households SET status = $2, review_changes = $3, updated_at = $4 WHERE id = $1";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(status.as_str())
        .bind(changes)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
    .context("recording household changes")
}

const MEMBERS: &str = "SELECT id, household_id, name, display_name, born_on FROM household_members \
    WHERE household_id = $1 AND removed_at IS NULL ORDER BY position, id";

/// The members of a household, in the order given.
pub async fn members_tx(tx: &mut Tx, household_id: i64) -> anyhow::Result<Vec<MemberRow>> {
    on_tx!(tx, |c| sqlx::query_as(MEMBERS)
        .bind(household_id)
        .fetch_all(c)
        .await)
    .context("reading members")
}

/// The members of a household, in the order given.
pub async fn members(db: &Db, household_id: i64) -> anyhow::Result<Vec<MemberRow>> {
    on_pool!(db, |pool| sqlx::query_as(MEMBERS)
        .bind(household_id)
        .fetch_all(pool)
        .await)
    .context("reading members")
}

const SCREENINGS: &str = "SELECT s.id, s.member_id, s.kind, s.outcome, s.completed_on, s.expires_on, s.reference, s.created_at \
        FROM screenings s JOIN household_members m ON m.id = s.member_id WHERE m.household_id = $1 ORDER BY s.id DESC";

/// Every screening of a household's members, newest first.
pub async fn screenings(db: &Db, household_id: i64) -> anyhow::Result<Vec<ScreeningRow>> {
    on_pool!(db, |pool| sqlx::query_as(SCREENINGS)
        .bind(household_id)
        .fetch_all(pool)
        .await)
    .context("reading screenings")
}

/// Every screening of a household's members, newest first, inside a transaction.
pub async fn screenings_tx(tx: &mut Tx, household_id: i64) -> anyhow::Result<Vec<ScreeningRow>> {
    on_tx!(tx, |c| sqlx::query_as(SCREENINGS)
        .bind(household_id)
        .fetch_all(c)
        .await)
    .context("reading screenings")
}

/// A screening to store.
#[derive(Debug, Clone)]
pub struct NewScreening {
    pub member_id: i64,
    pub kind: &'static str,
    pub outcome: ScreeningOutcome,
    pub completed_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub reference: String,
}

/// Stores a screening.
pub async fn insert_screening(
    tx: &mut Tx,
    s: &NewScreening,
    recorded_by: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "INSERT INTO screenings (member_id, kind, outcome, completed_on, expires_on, reference, recorded_by, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(s.member_id)
        .bind(s.kind)
        .bind(s.outcome.as_str())
        .bind(s.completed_on)
        .bind(s.expires_on)
        .bind(&s.reference)
        .bind(recorded_by)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
    .context("storing screening")
}

/// The household with token selector `selector`.
pub async fn find_by_selector(db: &Db, selector: &str) -> anyhow::Result<Option<HouseholdRow>> {
    const SQL: &str = concat!(select_households!(), " WHERE token_selector = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(selector)
        .fetch_optional(pool)
        .await)
    .context("reading household")
}

/// Household `id`.
pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<HouseholdRow>> {
    const SQL: &str = concat!(select_households!(), " WHERE id = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .context("reading household")
}

/// Household `id`, inside a transaction.
pub async fn get_tx(tx: &mut Tx, id: i64) -> anyhow::Result<Option<HouseholdRow>> {
    const SQL: &str = concat!(select_households!(), " WHERE id = $1");
    on_tx!(tx, |c| sqlx::query_as(SQL).bind(id).fetch_optional(c).await)
        .context("reading household")
}

/// Household `id`, locked for the rest of the transaction (PostgreSQL `FOR UPDATE`; SQLite
/// has one writer). Every change a placement rests on takes this lock before the event's, and
/// so does a proposal, so neither decides on a household the other is changing.
pub async fn lock(tx: &mut Tx, id: i64) -> anyhow::Result<Option<HouseholdRow>> {
    const SQLITE: &str = concat!(select_households!(), " WHERE id = $1");
    const PG: &str = concat!(select_households!(), " WHERE id = $1 FOR UPDATE");
    match tx {
        Tx::Sqlite(t) => {
            sqlx::query_as(SQLITE)
                .bind(id)
                .fetch_optional(&mut **t)
                .await
        }
        Tx::Postgres(t) => sqlx::query_as(PG).bind(id).fetch_optional(&mut **t).await,
    }
    .context("locking household")
}

/// Every household, newest first, optionally only those in `status`.
pub async fn list(db: &Db, status: Option<&str>) -> anyhow::Result<Vec<HouseholdRow>> {
    const SQL: &str = concat!(
        select_households!(),
        " WHERE ($1 IS NULL OR status = $1) ORDER BY id DESC"
    );
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(status)
        .fetch_all(pool)
        .await)
    .context("listing households")
}

/// Sets the status staff decided (what changed since approval is then reviewed).
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    status: crate::domain::household::HouseholdStatus,
    reason: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE households SET status = $2, status_reason = $3, review_changes = '{}', updated_at = $4 WHERE id = $1";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(status.as_str())
        .bind(reason)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
    .context("setting household status")
}

/// Every member of every household, by household, in the order given.
pub async fn all_members(
    db: &Db,
) -> anyhow::Result<std::collections::HashMap<i64, Vec<MemberRow>>> {
    const SQL: &str = "SELECT id, household_id, name, display_name, born_on FROM household_members \
        WHERE removed_at IS NULL ORDER BY household_id, position, id";
    let rows: Vec<MemberRow> = on_pool!(db, |pool| sqlx::query_as(SQL).fetch_all(pool).await)
        .context("reading members")?;
    let mut map: std::collections::HashMap<i64, Vec<MemberRow>> = std::collections::HashMap::new();
    for m in rows {
        map.entry(m.household_id).or_default().push(m);
    }
    Ok(map)
}

/// Every screening on record, by household (through the member screened), newest first.
pub async fn all_screenings(
    db: &Db,
) -> anyhow::Result<std::collections::HashMap<i64, Vec<ScreeningRow>>> {
    #[derive(FromRow)]
    struct Row {
        household_id: i64,
        #[sqlx(flatten)]
        screening: ScreeningRow,
    }
    const SQL: &str = "SELECT m.household_id, s.id, s.member_id, s.kind, s.outcome, s.completed_on, s.expires_on, \
        s.reference, s.created_at FROM screenings s JOIN household_members m ON m.id = s.member_id ORDER BY s.id DESC";
    let rows: Vec<Row> = on_pool!(db, |pool| sqlx::query_as(SQL).fetch_all(pool).await)
        .context("reading screenings")?;
    let mut map: std::collections::HashMap<i64, Vec<ScreeningRow>> =
        std::collections::HashMap::new();
    for r in rows {
        map.entry(r.household_id).or_default().push(r.screening);
    }
    Ok(map)
}
