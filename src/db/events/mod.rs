//! Events, offerings and partner cities.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Db, Tx};
use crate::domain::{EventKind, EventStatus};
use crate::{on_pool, on_tx};

mod seats;
pub use seats::{HeldSeats, add_held, recount_held, take_seats};

/// The SQL list of registration states that hold seats (see `RegistrationStatus::HOLDING`).
#[macro_export]
macro_rules! holding_states {
    () => {
        "('pending_payment', 'offered', 'confirmed', 'attended')"
    };
}

/// An `events` row.
#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub id: i64,
    pub slug: String,
    #[sqlx(try_from = "String")]
    pub kind: EventKind,
    pub title: String,
    pub description: String,
    pub venue: String,
    pub timezone: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub registration_opens_at: Option<DateTime<Utc>>,
    pub registration_closes_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "String")]
    pub status: EventStatus,
    pub capacity: Option<i64>,
    /// Seats held on the event (see the migration).
    pub seats_held: i64,
    pub approval_required: bool,
    pub pay_card: bool,
    pub pay_later: bool,
    pub hold_minutes: i64,
    pub offer_minutes: i64,
    pub partner_city_id: Option<i64>,
    /// Reminder rules: days before the start, comma-separated (`7,1`).
    pub reminder_days: String,
    /// Staff's text for confirmations and reminders.
    pub custom_email_text: String,
    /// Statements a registrant must accept, one per line.
    pub consents: String,
    /// Questions asked per participant (JSON, see `domain::question`).
    pub questions: String,
    /// Texts in other languages (JSON, see `domain::translation`).
    pub translations: String,
    /// Cancellation policy: full refund until this many days before the start ...
    pub refund_full_days: i64,
    /// ... then this per cent of what was paid.
    pub refund_later_percent: i64,
    /// Most participants in one registration (`None`: the form's limit of 20).
    pub max_participants: Option<i64>,
    /// Most live registrations from one email address (`None`: no limit).
    pub max_registrations_per_email: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An `offerings` row.
#[derive(Debug, Clone, FromRow)]
pub struct OfferingRow {
    pub id: i64,
    pub event_id: i64,
    pub key: String,
    pub name: String,
    pub price_minor: i64,
    pub currency: String,
    pub capacity: Option<i64>,
    /// Seats held on this offering.
    pub seats_held: i64,
    pub position: i64,
}

/// A `partner_cities` row.
#[derive(Debug, Clone, FromRow)]
pub struct PartnerCityRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub country: String,
    pub languages: String,
    pub since_year: Option<i64>,
}

impl PartnerCityRow {
    /// The partner's language codes (stored comma-separated).
    pub fn language_list(&self) -> Vec<String> {
        self.languages
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// `SELECT <every EventRow column> FROM events`.
macro_rules! select_events {
    () => {
        "SELECT id, slug, kind, title, description, venue, timezone, starts_at, ends_at, \
         registration_opens_at, registration_closes_at, status, capacity, \
         COALESCE((SELECT held FROM event_seats WHERE event_seats.event_id = events.id), 0) AS seats_held, approval_required, \
         pay_card, pay_later, hold_minutes, offer_minutes, partner_city_id, reminder_days, custom_email_text, consents, questions, translations, refund_full_days, refund_later_percent, max_participants, max_registrations_per_email, created_at, updated_at FROM events"
    };
}

/// Published events that have not ended yet, soonest first.
pub async fn list_upcoming(db: &Db, now: DateTime<Utc>) -> anyhow::Result<Vec<EventRow>> {
    const SQL: &str = concat!(
        select_events!(),
        " WHERE status = 'published' AND ends_at >= $1 ORDER BY starts_at, id"
    );
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(now)
        .fetch_all(pool)
        .await)
    .context("listing upcoming events")
}

/// Every event, newest start first (staff view).
pub async fn list_all(db: &Db) -> anyhow::Result<Vec<EventRow>> {
    const SQL: &str = concat!(select_events!(), " ORDER BY starts_at DESC, id DESC");
    on_pool!(db, |pool| sqlx::query_as(SQL).fetch_all(pool).await).context("listing events")
}

/// `SELECT <every OfferingRow column> FROM offerings`, the held seats from their own row.
macro_rules! select_offerings {
    () => {
        "SELECT id, event_id, key, name, price_minor, currency, capacity, \
         COALESCE((SELECT held FROM offering_seats WHERE offering_seats.offering_id = offerings.id), 0) AS seats_held, \
         position FROM offerings"
    };
}

/// One event by slug.
pub async fn find_by_slug(db: &Db, slug: &str) -> anyhow::Result<Option<EventRow>> {
    const SQL: &str = concat!(select_events!(), " WHERE slug = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(slug)
        .fetch_optional(pool)
        .await)
    .context("finding event by slug")
}

/// One event by id.
pub async fn find_by_id(db: &Db, id: i64) -> anyhow::Result<Option<EventRow>> {
    const SQL: &str = concat!(select_events!(), " WHERE id = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .context("finding event")
}

/// Reads an event inside a transaction and locks it against concurrent seat changes: on
/// PostgreSQL its seat counter row (`FOR UPDATE`, which every seat change takes first), not
/// the event row, so registrations inserting rows that point at the event are not held up;
/// SQLite transactions already hold the database write lock.
pub async fn lock(tx: &mut Tx, event_id: i64) -> anyhow::Result<EventRow> {
    const SQL: &str = concat!(select_events!(), " WHERE id = $1");
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT held FROM event_seats WHERE event_id = $1 FOR UPDATE")
            .bind(event_id)
            .execute(&mut **t)
            .await
            .context("locking event seats")?;
    }
    on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_one(c)
        .await)
    .context("locking event")
}

/// Finds an event by slug inside a transaction; with `for_update`, locks it like [`lock`].
pub async fn by_slug_tx(
    tx: &mut Tx,
    slug: &str,
    for_update: bool,
) -> anyhow::Result<Option<EventRow>> {
    const READ: &str = concat!(select_events!(), " WHERE slug = $1");
    const PG_LOCK: &str = "SELECT held FROM event_seats WHERE event_id = (SELECT id FROM events WHERE slug = $1) FOR UPDATE";
    if for_update && let Tx::Postgres(t) = tx {
        sqlx::query(PG_LOCK)
            .bind(slug)
            .execute(&mut **t)
            .await
            .context("locking event seats")?;
    }
    on_tx!(tx, |c| sqlx::query_as(READ)
        .bind(slug)
        .fetch_optional(c)
        .await)
    .context("reading event by slug")
}

/// Offerings of one event, in display order.
pub async fn offerings(db: &Db, event_id: i64) -> anyhow::Result<Vec<OfferingRow>> {
    const SQL: &str = concat!(
        select_offerings!(),
        " WHERE event_id = $1 ORDER BY position, id"
    );
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(pool)
        .await)
    .context("listing offerings")
}

/// Offerings of one event, inside a transaction.
pub async fn offerings_tx(tx: &mut Tx, event_id: i64) -> anyhow::Result<Vec<OfferingRow>> {
    const SQL: &str = concat!(
        select_offerings!(),
        " WHERE event_id = $1 ORDER BY position, id"
    );
    on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(c)
        .await)
    .context("listing offerings")
}

/// Offerings of every published event (for the public list), keyed by event id.
pub async fn offerings_of_published(db: &Db) -> anyhow::Result<HashMap<i64, Vec<OfferingRow>>> {
    const SQL: &str = concat!(
        select_offerings!(),
        " WHERE event_id IN (SELECT id FROM events WHERE status = 'published') \
         ORDER BY event_id, position, id"
    );
    let rows: Vec<OfferingRow> = on_pool!(db, |pool| sqlx::query_as(SQL).fetch_all(pool).await)
        .context("listing offerings")?;
    let mut map: HashMap<i64, Vec<OfferingRow>> = HashMap::new();
    for row in rows {
        map.entry(row.event_id).or_default().push(row);
    }
    Ok(map)
}

impl EventRow {
    /// Whether visitors of this event need hosts.
    pub fn is_exchange(&self) -> bool {
        self.kind == EventKind::Exchange
    }

    /// The event's texts in `lang` ([`crate::domain::translation::EventText::resolve`]).
    pub fn text_in(&self, lang: &str) -> crate::domain::translation::EventText {
        crate::domain::translation::EventText::resolve(
            &self.translations,
            lang,
            &self.title,
            &self.description,
            &self.custom_email_text,
        )
    }
}

/// Values for a new or updated event row.
#[derive(Debug, Clone)]
pub struct EventValues {
    pub slug: String,
    pub kind: EventKind,
    pub title: String,
    pub description: String,
    pub venue: String,
    pub timezone: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub registration_opens_at: Option<DateTime<Utc>>,
    pub registration_closes_at: Option<DateTime<Utc>>,
    pub status: EventStatus,
    pub capacity: Option<i64>,
    pub approval_required: bool,
    pub pay_card: bool,
    pub pay_later: bool,
    pub hold_minutes: i64,
    pub offer_minutes: i64,
    pub partner_city_id: Option<i64>,
    pub reminder_days: String,
    pub custom_email_text: String,
    pub consents: String,
    pub questions: String,
    pub translations: String,
    pub refund_full_days: i64,
    pub refund_later_percent: i64,
    pub max_participants: Option<i64>,
    pub max_registrations_per_email: Option<i64>,
}

impl EventRow {
    /// What one person may take of the event.
    pub fn limits(&self) -> crate::domain::event::draft::RegistrationLimits {
        crate::domain::event::draft::RegistrationLimits {
            participants_per_registration: self.max_participants,
            registrations_per_email: self.max_registrations_per_email,
        }
    }

    /// The event's cancellation policy.
    pub fn policy(&self) -> crate::domain::CancellationPolicy {
        crate::domain::CancellationPolicy::parse(self.refund_full_days, self.refund_later_percent)
            .unwrap_or_default()
    }
}

impl From<&EventRow> for EventValues {
    fn from(r: &EventRow) -> Self {
        Self {
            slug: r.slug.clone(),
            kind: r.kind,
            title: r.title.clone(),
            description: r.description.clone(),
            venue: r.venue.clone(),
            timezone: r.timezone.clone(),
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            registration_opens_at: r.registration_opens_at,
            registration_closes_at: r.registration_closes_at,
            status: r.status,
            capacity: r.capacity,
            approval_required: r.approval_required,
            pay_card: r.pay_card,
            pay_later: r.pay_later,
            hold_minutes: r.hold_minutes,
            offer_minutes: r.offer_minutes,
            partner_city_id: r.partner_city_id,
            reminder_days: r.reminder_days.clone(),
            custom_email_text: r.custom_email_text.clone(),
            consents: r.consents.clone(),
            questions: r.questions.clone(),
            translations: r.translations.clone(),
            refund_full_days: r.refund_full_days,
            refund_later_percent: r.refund_later_percent,
            max_participants: r.max_participants,
            max_registrations_per_email: r.max_registrations_per_email,
        }
    }
}

/// Binds the fields of an [`EventValues`] as `$1`..`$18`, `now` as `$19` and the email
/// settings as `$20`, `$21`, the consents as `$22`, the questions as `$23`, the translations
/// as `$24`, the cancellation policy as `$25`, `$26`, the registration limits as `$27`,
/// `$28`, in the column
/// order that [`insert`] and [`update`] share.
macro_rules! bind_event_values {
    ($query:expr, $v:expr, $now:expr) => {
        $query
            .bind(&$v.slug)
            .bind($v.kind.as_str())
            .bind(&$v.title)
            .bind(&$v.description)
            .bind(&$v.venue)
            .bind(&$v.timezone)
            .bind($v.starts_at)
            .bind($v.ends_at)
            .bind($v.registration_opens_at)
            .bind($v.registration_closes_at)
            .bind($v.status.as_str())
            .bind($v.capacity)
            .bind($v.approval_required)
            .bind($v.pay_card)
            .bind($v.pay_later)
            .bind($v.hold_minutes)
            .bind($v.offer_minutes)
            .bind($v.partner_city_id)
            .bind($now)
            .bind(&$v.reminder_days)
            .bind(&$v.custom_email_text)
            .bind(&$v.consents)
            .bind(&$v.questions)
            .bind(&$v.translations)
            .bind($v.refund_full_days)
            .bind($v.refund_later_percent)
            .bind($v.max_participants)
            .bind($v.max_registrations_per_email)
    };
}

/// Inserts an event; `Ok(None)` when the slug is taken.
pub async fn insert(
    tx: &mut Tx,
    v: &EventValues,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    const SQL: &str = "INSERT INTO events (slug, kind, title, description, venue, timezone, starts_at, ends_at, \
        registration_opens_at, registration_closes_at, status, capacity, approval_required, pay_card, pay_later, \
        hold_minutes, offer_minutes, partner_city_id, created_at, updated_at, reminder_days, custom_email_text, consents, questions, translations, refund_full_days, refund_later_percent, max_participants, max_registrations_per_email) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28) \
        ON CONFLICT (slug) DO NOTHING RETURNING id";
    const SEATS: &str = "INSERT INTO event_seats (event_id, held) VALUES ($1, 0)";
    let id: Option<i64> = on_tx!(tx, |c| bind_event_values!(sqlx::query_scalar(SQL), v, now)
        .fetch_optional(c)
        .await)
    .context("inserting event")?;
    if let Some(id) = id {
        on_tx!(tx, |c| sqlx::query(SEATS)
            .bind(id)
            .execute(c)
            .await
            .map(|_| ()))
        .context("inserting event seats")?;
    }
    Ok(id)
}

/// Overwrites event `id` with `v` (the slug is part of `v` and never changes).
pub async fn update(
    tx: &mut Tx,
    id: i64,
    v: &EventValues,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE events SET slug = $1, kind = $2, title = $3, description = $4, venue = $5, \
        timezone = $6, starts_at = $7, ends_at = $8, registration_opens_at = $9, registration_closes_at = $10, \
        status = $11, capacity = $12, approval_required = $13, pay_card = $14, pay_later = $15, \
        hold_minutes = $16, offer_minutes = $17, partner_city_id = $18, updated_at = $19, \
        reminder_days = $20, custom_email_text = $21, consents = $22, questions = $23, translations = $24, \
        refund_full_days = $25, refund_later_percent = $26, max_participants = $27, \
        max_registrations_per_email = $28 WHERE id = $29";
    on_tx!(tx, |c| bind_event_values!(sqlx::query(SQL), v, now)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))
    .context("updating event")
}

/// Values for an offering.
#[derive(Debug, Clone)]
pub struct OfferingValues {
    pub key: String,
    pub name: String,
    pub price_minor: i64,
    pub currency: String,
    pub capacity: Option<i64>,
    pub position: i64,
}

/// Inserts an offering, or updates the one with the same key.
pub async fn upsert_offering(tx: &mut Tx, event_id: i64, v: &OfferingValues) -> anyhow::Result<()> {
    const SQL: &str = "INSERT INTO offerings (event_id, key, name, price_minor, currency, capacity, position) \
        VALUES ($1, $2, $3, $4, $5, $6, $7) \
        ON CONFLICT (event_id, key) DO UPDATE SET name = excluded.name, price_minor = excluded.price_minor, \
        currency = excluded.currency, capacity = excluded.capacity, position = excluded.position";
    on_tx!(tx, |c| {
        sqlx::query(SQL)
            .bind(event_id)
            .bind(&v.key)
            .bind(&v.name)
            .bind(v.price_minor)
            .bind(&v.currency)
            .bind(v.capacity)
            .bind(v.position)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })
    .context("saving offering")?;
    const SEATS: &str = "INSERT INTO offering_seats (offering_id, held) \
        SELECT id, 0 FROM offerings WHERE event_id = $1 AND key = $2 ON CONFLICT (offering_id) DO NOTHING";
    on_tx!(tx, |c| sqlx::query(SEATS)
        .bind(event_id)
        .bind(&v.key)
        .execute(c)
        .await
        .map(|_| ()))
    .context("saving offering seats")?;
    Ok(())
}

/// Deletes an offering nobody registered for; `false` when participants use it.
pub async fn delete_unused_offering(tx: &mut Tx, offering_id: i64) -> anyhow::Result<bool> {
    const SQL: &str = "DELETE FROM offerings WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM participants WHERE offering_id = $1)";
    let done = on_tx!(tx, |c| sqlx::query(SQL)
        .bind(offering_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .context("deleting offering")?;
    Ok(done == 1)
}

/// Every partner city, by name.
pub async fn list_partners(db: &Db) -> anyhow::Result<Vec<PartnerCityRow>> {
    const SQL: &str =
        "SELECT id, slug, name, country, languages, since_year FROM partner_cities ORDER BY name";
    on_pool!(db, |pool| sqlx::query_as(SQL).fetch_all(pool).await).context("listing partner cities")
}

/// Finds a partner city by slug inside a transaction, creating it when missing.
pub async fn ensure_partner(
    tx: &mut Tx,
    slug: &str,
    name: &str,
    country: &str,
    languages: &str,
    since_year: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    const UPSERT: &str = "INSERT INTO partner_cities (slug, name, country, languages, created_at, since_year) \
        VALUES ($1, $2, $3, $4, $5, $6) \
        ON CONFLICT (slug) DO UPDATE SET name = excluded.name, country = excluded.country, \
        languages = excluded.languages, since_year = excluded.since_year RETURNING id";
    on_tx!(tx, |c| {
        sqlx::query_scalar(UPSERT)
            .bind(slug)
            .bind(name)
            .bind(country)
            .bind(languages)
            .bind(now)
            .bind(since_year)
            .fetch_one(c)
            .await
    })
    .context("saving partner city")
}

/// A partner city by id.
pub async fn partner_by_id(db: &Db, id: i64) -> anyhow::Result<Option<PartnerCityRow>> {
    const SQL: &str =
        "SELECT id, slug, name, country, languages, since_year FROM partner_cities WHERE id = $1";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .context("finding partner city")
}

/// Finds a partner city by slug.
pub async fn partner_by_slug(db: &Db, slug: &str) -> anyhow::Result<Option<PartnerCityRow>> {
    const SQL: &str =
        "SELECT id, slug, name, country, languages, since_year FROM partner_cities WHERE slug = $1";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(slug)
        .fetch_optional(pool)
        .await)
    .context("finding partner city")
}

/// An event's offerings and its partner city, as pages and the API show them together.
pub async fn offerings_and_partner(
    db: &Db,
    event: &EventRow,
) -> anyhow::Result<(Vec<OfferingRow>, Option<PartnerCityRow>)> {
    let offerings = offerings(db, event.id).await?;
    let partner = match event.partner_city_id {
        Some(id) => partner_by_id(db, id).await?,
        None => None,
    };
    Ok((offerings, partner))
}

/// First night and last morning of an exchange, in its own time zone.
pub fn stay(event: &EventRow) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let zone = crate::domain::TimeZone::parse(&event.timezone).map_or(chrono_tz::UTC, |z| z.0);
    (
        event.starts_at.with_timezone(&zone).date_naive(),
        event.ends_at.with_timezone(&zone).date_naive(),
    )
}
