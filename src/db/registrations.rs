//! Registrations, participants, their state history and payments.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Db, Tx};
use crate::domain::{PaymentMethod, RegistrationStatus};
use crate::{on_pool, on_tx};

pub use super::ledger::{
    PaymentRow, insert_payment, insert_refund, paid_by_registration, paid_minor_tx, payments,
    reduce_total_tx,
};

/// A `registrations` row.
#[derive(Debug, Clone, FromRow)]
pub struct RegistrationRow {
    pub id: i64,
    pub event_id: i64,
    pub token: String,
    #[sqlx(try_from = "String")]
    pub status: RegistrationStatus,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub language: String,
    #[sqlx(try_from = "String")]
    pub payment_method: PaymentMethod,
    pub seats: i64,
    pub total_minor: i64,
    pub currency: String,
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The code of the link in the first email that confirms the contact's address, until it
    /// is used (pay-later registrations from an address nobody had confirmed).
    pub email_confirm_code: Option<String>,
    /// When the contact asked for no more staff messages (`List-Unsubscribe`).
    pub messages_stopped_at: Option<DateTime<Utc>>,
}

/// `SELECT <every RegistrationRow column> FROM registrations`.
macro_rules! select_registrations {
    () => {
        "SELECT id, event_id, token, status, contact_name, contact_email, contact_phone, language, payment_method, seats, \
         total_minor, currency, hold_expires_at, offer_expires_at, created_at, updated_at, email_confirm_code, \
         messages_stopped_at FROM registrations"
    };
}

/// A participant with its offering's key and name.
#[derive(Debug, Clone, FromRow)]
pub struct ParticipantRow {
    pub id: i64,
    pub registration_id: i64,
    pub offering_id: i64,
    pub offering_key: String,
    pub offering_name: String,
    pub name: String,
    pub price_minor: i64,
    /// Dietary and accessibility notes.
    pub notes: String,
    /// The code shown as a QR code at the door.
    pub checkin_code: Option<String>,
    /// When the participant was checked in.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Answers to the event's questions (JSON object by question key).
    pub answers: String,
    /// The visitor profile on exchanges (JSON), empty otherwise.
    pub profile: String,
}

/// One recorded state change.
#[derive(Debug, Clone, FromRow)]
pub struct TransitionRow {
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// Values of a new registration.
#[derive(Debug, Clone)]
pub struct NewRegistrationRow<'a> {
    pub event_id: i64,
    pub token: &'a str,
    pub token_selector: &'a str,
    pub status: RegistrationStatus,
    pub contact_name: &'a str,
    pub contact_email: &'a str,
    pub contact_phone: &'a str,
    pub language: &'a str,
    pub payment_method: PaymentMethod,
    pub seats: i64,
    pub total_minor: i64,
    pub currency: &'a str,
    pub hold_expires_at: Option<DateTime<Utc>>,
    /// The consent statements accepted, one per line.
    pub consents: &'a str,
    /// The code of the link that confirms the contact's email address (pay-later
    /// registrations from an address not confirmed yet).
    pub email_confirm_code: Option<&'a str>,
}

/// Inserts a registration and returns its id.
pub async fn insert(
    tx: &mut Tx,
    r: &NewRegistrationRow<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    const SQL: &str = "INSERT INTO registrations (event_id, token, token_selector, status, contact_name, \
        contact_email, language, payment_method, seats, total_minor, currency, hold_expires_at, created_at, updated_at, consents, \
        contact_phone, email_confirm_code) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16) RETURNING id";
    on_tx!(tx, |c| {
        sqlx::query_scalar(SQL)
            .bind(r.event_id)
            .bind(r.token)
            .bind(r.token_selector)
            .bind(r.status.as_str())
            .bind(r.contact_name)
            .bind(r.contact_email)
            .bind(r.language)
            .bind(r.payment_method.as_str())
            .bind(r.seats)
            .bind(r.total_minor)
            .bind(r.currency)
            .bind(r.hold_expires_at)
            .bind(now)
            .bind(r.consents)
            .bind(r.contact_phone)
            .bind(r.email_confirm_code)
            .fetch_one(c)
            .await
    })
    .context("inserting registration")
}

/// A new participant row.
#[derive(Debug, Clone)]
pub struct NewParticipantRow<'a> {
    pub registration_id: i64,
    pub offering_id: i64,
    pub name: &'a str,
    pub price_minor: i64,
    /// Order within the registration.
    pub position: i64,
    pub notes: &'a str,
    /// Answers as a JSON object.
    pub answers: &'a str,
    /// The visitor profile (JSON) on exchanges, else empty.
    pub profile: &'a str,
}

/// Inserts one participant of a registration; returns their new check-in code.
pub async fn insert_participant(tx: &mut Tx, p: &NewParticipantRow<'_>) -> anyhow::Result<String> {
    const SQL: &str = "INSERT INTO participants (registration_id, offering_id, name, price_minor, position, \
        notes, checkin_code, answers, profile) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    let checkin_code = crate::domain::token::checkin_code();
    on_tx!(tx, |c| {
        sqlx::query(SQL)
            .bind(p.registration_id)
            .bind(p.offering_id)
            .bind(p.name)
            .bind(p.price_minor)
            .bind(p.position)
            .bind(p.notes)
            .bind(&checkin_code)
            .bind(p.answers)
            .bind(p.profile)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })
    .context("inserting participant")?;
    Ok(checkin_code)
}

/// Finds a registration by the selector part of its token.
pub async fn find_by_selector(db: &Db, selector: &str) -> anyhow::Result<Option<RegistrationRow>> {
    const SQL: &str = concat!(select_registrations!(), " WHERE token_selector = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(selector)
        .fetch_optional(pool)
        .await)
    .context("finding registration")
}

/// Finds a registration by token selector inside a transaction.
pub async fn find_by_selector_tx(
    tx: &mut Tx,
    selector: &str,
) -> anyhow::Result<Option<RegistrationRow>> {
    const SQL: &str = concat!(select_registrations!(), " WHERE token_selector = $1");
    on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(selector)
        .fetch_optional(c)
        .await)
    .context("finding registration")
}

/// Reads a registration by id.
pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<RegistrationRow>> {
    const SQL: &str = concat!(select_registrations!(), " WHERE id = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .context("reading registration")
}

/// The consent statements a registration accepted, one per line.
pub async fn consents(db: &Db, id: i64) -> anyhow::Result<String> {
    const SQL: &str = "SELECT consents FROM registrations WHERE id = $1";
    on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .map(Option::unwrap_or_default)
    .context("reading consents")
}

/// Reads a registration inside a transaction (callers lock its event first).
pub async fn get_tx(tx: &mut Tx, id: i64) -> anyhow::Result<Option<RegistrationRow>> {
    const SQL: &str = concat!(select_registrations!(), " WHERE id = $1");
    on_tx!(tx, |c| sqlx::query_as(SQL).bind(id).fetch_optional(c).await)
        .context("reading registration")
}

/// The event a registration belongs to.
pub async fn event_id_of(db: &Db, id: i64) -> anyhow::Result<Option<i64>> {
    const SQL: &str = "SELECT event_id FROM registrations WHERE id = $1";
    on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .context("reading registration")
}

/// Registrations of one event, oldest first, optionally only those in `status`.
pub async fn list_for_event(
    db: &Db,
    event_id: i64,
    status: Option<&str>,
) -> anyhow::Result<Vec<RegistrationRow>> {
    const SQL: &str = concat!(
        select_registrations!(),
        " WHERE event_id = $1 AND ($2 IS NULL OR status = $2) ORDER BY id"
    );
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .bind(status)
        .fetch_all(pool)
        .await)
    .context("listing registrations")
}

/// Moves a registration to `status`, setting its hold and offer deadlines.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    status: &str,
    hold_expires_at: Option<DateTime<Utc>>,
    offer_expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE registrations SET status = $2, hold_expires_at = $3, offer_expires_at = $4, \
        updated_at = $5 WHERE id = $1";
    on_tx!(tx, |c| {
        sqlx::query(SQL)
            .bind(id)
            .bind(status)
            .bind(hold_expires_at)
            .bind(offer_expires_at)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })
    .context("updating registration status")?;
    Ok(())
}

/// Records one state change in the registration's history; returns its id.
pub async fn record_transition(
    tx: &mut Tx,
    registration_id: i64,
    from: Option<&str>,
    to: &str,
    actor: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    const SQL: &str = "INSERT INTO registration_transitions (registration_id, from_status, to_status, actor, reason, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    on_tx!(tx, |c| {
        sqlx::query_scalar(SQL)
            .bind(registration_id)
            .bind(from)
            .bind(to)
            .bind(actor)
            .bind(reason)
            .bind(now)
            .fetch_one(c)
            .await
    })
    .context("recording state change")
}

/// `SELECT` of participants with offering key and name.
macro_rules! select_participants {
    () => {
        "SELECT p.id, p.registration_id, p.offering_id, o.key AS offering_key, o.name AS offering_name, p.name, \
         p.price_minor, p.notes, p.checkin_code, p.checked_in_at, p.answers, p.profile FROM participants p JOIN offerings o ON o.id = p.offering_id"
    };
}

/// Participants of one registration, in the order they were entered.
pub async fn participants(db: &Db, registration_id: i64) -> anyhow::Result<Vec<ParticipantRow>> {
    const SQL: &str = concat!(
        select_participants!(),
        " WHERE p.registration_id = $1 ORDER BY p.position"
    );
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(registration_id)
        .fetch_all(pool)
        .await)
    .context("listing participants")
}

/// Participants of every registration of an event, keyed by registration id.
pub async fn participants_of_event(
    db: &Db,
    event_id: i64,
) -> anyhow::Result<HashMap<i64, Vec<ParticipantRow>>> {
    const SQL: &str = concat!(
        select_participants!(),
        " JOIN registrations r ON r.id = p.registration_id WHERE r.event_id = $1 ORDER BY p.registration_id, p.position"
    );
    let rows: Vec<ParticipantRow> = on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(pool)
        .await)
    .context("listing participants")?;
    let mut map: HashMap<i64, Vec<ParticipantRow>> = HashMap::new();
    for row in rows {
        map.entry(row.registration_id).or_default().push(row);
    }
    Ok(map)
}

/// How many seats of each offering one registration asks for.
pub async fn seats_by_offering_tx(
    tx: &mut Tx,
    registration_id: i64,
) -> anyhow::Result<HashMap<i64, i64>> {
    const SQL: &str = "SELECT offering_id, COUNT(*) FROM participants WHERE registration_id = $1 GROUP BY offering_id";
    let rows: Vec<(i64, i64)> = on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(registration_id)
        .fetch_all(c)
        .await)
    .context("counting participants")?;
    Ok(rows.into_iter().collect())
}

/// Waitlisted registrations of an event in line order, each with its seats per offering.
pub async fn waitlist_tx(
    tx: &mut Tx,
    event_id: i64,
) -> anyhow::Result<Vec<(RegistrationRow, HashMap<i64, i64>)>> {
    const REGS: &str = concat!(
        select_registrations!(),
        " WHERE event_id = $1 AND status = 'waitlisted' ORDER BY id"
    );
    const SEATS: &str = "SELECT p.registration_id, p.offering_id, COUNT(*) FROM participants p \
        JOIN registrations r ON r.id = p.registration_id WHERE r.event_id = $1 AND r.status = 'waitlisted' \
        GROUP BY p.registration_id, p.offering_id";
    let (regs, seats): (Vec<RegistrationRow>, Vec<(i64, i64, i64)>) = on_tx!(tx, |c| {
        let regs = sqlx::query_as(REGS)
            .bind(event_id)
            .fetch_all(&mut *c)
            .await?;
        let seats = sqlx::query_as(SEATS)
            .bind(event_id)
            .fetch_all(&mut *c)
            .await?;
        Ok::<_, sqlx::Error>((regs, seats))
    })
    .context("reading waitlist")?;
    let mut by_reg: HashMap<i64, HashMap<i64, i64>> = HashMap::new();
    for (reg, offering, n) in seats {
        by_reg.entry(reg).or_default().insert(offering, n);
    }
    Ok(regs
        .into_iter()
        .map(|r| {
            let s = by_reg.remove(&r.id).unwrap_or_default();
            (r, s)
        })
        .collect())
}

/// Ids of registrations whose payment hold ran out by `now`.
pub async fn due_holds(db: &Db, now: DateTime<Utc>) -> anyhow::Result<Vec<i64>> {
    const SQL: &str = "SELECT id FROM registrations WHERE status = 'pending_payment' AND hold_expires_at <= $1 ORDER BY id";
    on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(now)
        .fetch_all(pool)
        .await)
    .context("finding expired holds")
}

/// Unpaid holds running out between `after` and `before`: (id, hold end, hold start).
pub async fn holds_ending_before(
    db: &Db,
    after: DateTime<Utc>,
    before: DateTime<Utc>,
) -> anyhow::Result<Vec<(i64, DateTime<Utc>, DateTime<Utc>)>> {
    const SQL: &str = "SELECT id, hold_expires_at, updated_at FROM registrations WHERE status = 'pending_payment' \
        AND hold_expires_at > $1 AND hold_expires_at <= $2 AND email_confirm_code IS NULL ORDER BY id";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(after)
        .bind(before)
        .fetch_all(pool)
        .await)
    .context("finding holds to remind")
}

/// Ids of registrations whose waitlist offer ran out by `now`.
pub async fn due_offers(db: &Db, now: DateTime<Utc>) -> anyhow::Result<Vec<i64>> {
    const SQL: &str = "SELECT id FROM registrations WHERE status = 'offered' AND offer_expires_at <= $1 ORDER BY id";
    on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(now)
        .fetch_all(pool)
        .await)
    .context("finding expired offers")
}

/// The state history of a registration, oldest first.
pub async fn transitions(db: &Db, registration_id: i64) -> anyhow::Result<Vec<TransitionRow>> {
    const SQL: &str = "SELECT from_status, to_status, actor, reason, created_at FROM registration_transitions \
        WHERE registration_id = $1 ORDER BY id";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(registration_id)
        .fetch_all(pool)
        .await)
    .context("reading registration history")
}

/// Participants of one registration inside a transaction.
pub async fn participants_tx(
    tx: &mut Tx,
    registration_id: i64,
) -> anyhow::Result<Vec<ParticipantRow>> {
    const SQL: &str = concat!(
        select_participants!(),
        " WHERE p.registration_id = $1 ORDER BY p.position"
    );
    on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(registration_id)
        .fetch_all(c)
        .await)
    .context("listing participants")
}

/// Ids of an event's registrations in any of `statuses`.
pub async fn ids_in_states_tx(
    tx: &mut Tx,
    event_id: i64,
    statuses: &[RegistrationStatus],
) -> anyhow::Result<Vec<i64>> {
    const SQL: &str =
        "SELECT id FROM registrations WHERE event_id = $1 AND status = $2 ORDER BY id";
    let mut ids = Vec::new();
    for status in statuses {
        let mut found: Vec<i64> = on_tx!(tx, |c| sqlx::query_scalar(SQL)
            .bind(event_id)
            .bind(status.as_str())
            .fetch_all(c)
            .await)
        .context("listing registrations")?;
        ids.append(&mut found);
    }
    ids.sort_unstable();
    Ok(ids)
}

/// Registrations per event in `status`, for the events that have any.
pub async fn count_by_event(db: &Db, status: &str) -> anyhow::Result<HashMap<i64, i64>> {
    const SQL: &str = "SELECT event_id, CAST(COUNT(*) AS BIGINT) FROM registrations WHERE status = $1 \
        GROUP BY event_id";
    let rows: Vec<(i64, i64)> = on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(status)
        .fetch_all(pool)
        .await)
    .context("counting registrations by event")?;
    Ok(rows.into_iter().collect())
}

/// Registrations of event `event_id` from `email` (any case) that still count against the
/// event's per-address limit: all but cancelled, expired and rejected ones.
pub async fn live_from_email(tx: &mut Tx, event_id: i64, email: &str) -> anyhow::Result<i64> {
    const SQL: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM registrations WHERE event_id = $1 \
        AND LOWER(contact_email) = LOWER($2) AND status NOT IN ('cancelled', 'expired', 'rejected')";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(event_id)
        .bind(email)
        .fetch_one(c)
        .await)
    .context("counting an address's registrations")
}

/// Whether somebody has confirmed `email` (any case) by a link sent to it.
pub async fn email_confirmed(tx: &mut Tx, email: &str) -> anyhow::Result<bool> {
    const SQL: &str = "SELECT 1 FROM confirmed_emails WHERE email = LOWER($1)";
    on_tx!(tx, |c| sqlx::query_scalar::<_, i32>(SQL)
        .bind(email)
        .fetch_optional(c)
        .await)
    .map(|found| found.is_some())
    .context("looking up a confirmed address")
}

/// Records that `email` was confirmed (once; later confirmations change nothing).
pub async fn confirm_email(tx: &mut Tx, email: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
    const SQL: &str = "INSERT INTO confirmed_emails (email, confirmed_at) VALUES (LOWER($1), $2) \
        ON CONFLICT (email) DO NOTHING";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(email)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
    .context("confirming an address")
}

/// The email-confirmation code of registration `id`, if it has one still to use.
pub async fn email_confirm_code(tx: &mut Tx, id: i64) -> anyhow::Result<Option<String>> {
    const SQL: &str = "SELECT email_confirm_code FROM registrations WHERE id = $1";
    on_tx!(tx, |c| sqlx::query_scalar::<_, Option<String>>(SQL)
        .bind(id)
        .fetch_optional(c)
        .await)
    .map(Option::flatten)
    .context("reading an email-confirmation code")
}

/// Uses up the email-confirmation code of registration `id` and moves its seat hold to
/// `hold_until` if it is still waiting for payment and held for less.
pub async fn extend_unconfirmed_hold(
    tx: &mut Tx,
    id: i64,
    hold_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    const CLEAR: &str = "UPDATE registrations SET email_confirm_code = NULL WHERE id = $1";
    const EXTEND: &str = "UPDATE registrations SET hold_expires_at = $2, updated_at = $3 \
        WHERE id = $1 AND status = 'pending_payment' AND hold_expires_at < $2";
    on_tx!(tx, |c| sqlx::query(CLEAR)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|_| ()))
    .context("using an email-confirmation code")?;
    on_tx!(tx, |c| sqlx::query(EXTEND)
        .bind(id)
        .bind(hold_until)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected() > 0))
    .context("extending a seat hold")
}

/// Gives registration `id` a new email-confirmation code (a claimed offer from an address not
/// confirmed yet).
pub async fn set_email_confirm_code(tx: &mut Tx, id: i64, code: &str) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE registrations SET email_confirm_code = $2 WHERE id = $1";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(code)
        .execute(c)
        .await
        .map(|_| ()))
    .context("setting an email-confirmation code")
}
