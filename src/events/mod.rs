//! Creating and changing events and their offerings.

use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::db::events::{self, EventValues, OfferingValues};
use crate::domain::question::Question;
use crate::domain::translation::{self, Translations};
use crate::domain::{
    CancellationPolicy, Currency, EventKind, EventStatus, Money, Slug, TimeZone, Title,
};
use crate::registrations::{self, Actor};

/// Shortest seat hold: a Stripe Checkout Session lives at least 30 minutes.
pub const MIN_HOLD_MINUTES: i64 = 30;
/// Longest seat hold or offer window (two weeks).
pub const MAX_WINDOW_MINUTES: i64 = 14 * 24 * 60;
/// Default seat hold for unpaid registrations (one day).
pub const DEFAULT_HOLD_MINUTES: i64 = 24 * 60;
/// Default time a waitlisted registration has to claim an offered seat (two days).
pub const DEFAULT_OFFER_MINUTES: i64 = 48 * 60;

/// A sister city, as given with an event.
#[derive(Debug, Clone)]
pub struct PartnerCity {
    /// Identifier in URLs.
    pub slug: Slug,
    /// City name.
    pub name: Title,
    /// Country (name or ISO code, as staff write it).
    pub country: Title,
    /// Languages spoken, as language tags.
    pub languages: Vec<String>,
    /// Year the partnership began.
    pub since_year: Option<i64>,
}

/// An offering, parsed.
#[derive(Debug, Clone)]
pub struct Offering {
    /// Stable key within the event.
    pub key: Slug,
    /// Display name.
    pub name: Title,
    /// Price (0 = free).
    pub price: Money,
    /// Own seat limit.
    pub capacity: Option<i64>,
}

/// A complete, valid event definition.
#[derive(Debug, Clone)]
pub struct EventDraft {
    pub slug: Slug,
    pub kind: EventKind,
    pub title: Title,
    pub description: String,
    pub venue: String,
    pub timezone: TimeZone,
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
    /// `None` = no partner; for updates, `Some` replaces.
    pub partner_city: Option<PartnerCity>,
    /// Offerings in display order (at least one).
    pub offerings: Vec<Offering>,
    /// Reminder emails: days before the start (at 09:00 local), e.g. `[7, 1]`.
    pub reminder_days: Vec<i64>,
    /// Staff's text shown in confirmations and reminders (paragraphs kept).
    pub custom_email_text: String,
    /// Statements every registrant must accept (privacy notice, photo consent ...).
    pub consents: Vec<String>,
    /// Questions asked per participant.
    pub questions: Vec<Question>,
    /// Title, description and email text in other languages.
    pub translations: Translations,
    /// What a participant who cancels gets back.
    pub policy: CancellationPolicy,
}

impl EventDraft {
    fn values(&self, partner_city_id: Option<i64>) -> EventValues {
        EventValues {
            slug: self.slug.as_str().to_owned(),
            kind: self.kind,
            title: self.title.as_str().to_owned(),
            description: self.description.clone(),
            venue: self.venue.clone(),
            timezone: self.timezone.name().to_owned(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            registration_opens_at: self.registration_opens_at,
            registration_closes_at: self.registration_closes_at,
            status: self.status,
            capacity: self.capacity,
            approval_required: self.approval_required,
            pay_card: self.pay_card,
            pay_later: self.pay_later,
            hold_minutes: self.hold_minutes,
            offer_minutes: self.offer_minutes,
            partner_city_id,
            reminder_days: self
                .reminder_days
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(","),
            custom_email_text: self.custom_email_text.clone(),
            consents: self.consents.join("\n"),
            questions: serde_json::to_string(&self.questions).unwrap_or_else(|_| "[]".to_owned()),
            translations: translation::to_stored(&self.translations),
            refund_full_days: self.policy.full_refund_days,
            refund_later_percent: self.policy.later_refund_percent,
        }
    }
}

pub use crate::db::events::text_in;

async fn save_partner(
    tx: &mut crate::db::Tx,
    partner: &Option<PartnerCity>,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    Ok(match partner {
        Some(p) => Some(
            events::ensure_partner(
                tx,
                p.slug.as_str(),
                p.name.as_str(),
                p.country.as_str(),
                &p.languages.join(","),
                p.since_year,
                now,
            )
            .await?,
        ),
        None => None,
    })
}

async fn save_offerings(
    tx: &mut crate::db::Tx,
    event_id: i64,
    offerings: &[Offering],
) -> Result<()> {
    for (position, o) in offerings.iter().enumerate() {
        let values = OfferingValues {
            key: o.key.as_str().to_owned(),
            name: o.name.as_str().to_owned(),
            price_minor: o.price.amount_minor,
            currency: o.price.currency.code().to_owned(),
            capacity: o.capacity,
            position: position as i64,
        };
        events::upsert_offering(tx, event_id, &values).await?;
    }
    Ok(())
}

/// Creates an event. A taken slug is a 409.
pub async fn create(ctx: &Ctx, draft: &EventDraft, actor: &Actor) -> Result<()> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let partner_id = save_partner(&mut tx, &draft.partner_city, now).await?;
    let id = events::insert(&mut tx, &draft.values(partner_id), now)
        .await?
        .ok_or_else(|| {
            AppError::conflict(
                "slug_taken",
                format!("An event with slug {} exists already.", draft.slug.as_str()),
            )
        })?;
    save_offerings(&mut tx, id, &draft.offerings).await?;
    let after = serde_json::json!({"slug": draft.slug.as_str(), "status": draft.status.as_str(), "capacity": draft.capacity});
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        "event.create",
        &format!("event:{id}"),
        None,
        Some(&after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces an event's definition with `draft` (built from the stored event plus a patch).
/// Offerings missing from the draft are deleted if nobody registered for them, else 409.
/// Seats freed by a raised capacity are offered to the waitlist at once.
pub async fn update(ctx: &Ctx, event_id: i64, draft: &EventDraft, actor: &Actor) -> Result<()> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let before = events::lock(&mut tx, event_id).await?;
    if before.status == EventStatus::Cancelled && draft.status != EventStatus::Cancelled {
        return Err(AppError::conflict(
            "event_cancelled",
            "A cancelled event cannot be changed.",
        ));
    }
    let partner_id = save_partner(&mut tx, &draft.partner_city, now).await?;
    events::update(&mut tx, event_id, &draft.values(partner_id), now).await?;
    save_offerings(&mut tx, event_id, &draft.offerings).await?;
    for old in events::offerings_tx(&mut tx, event_id).await? {
        if !draft.offerings.iter().any(|o| o.key.as_str() == old.key)
            && !events::delete_unused_offering(&mut tx, old.id).await?
        {
            return Err(AppError::field(
                "offerings",
                format!(
                    "offering {} has registrations and cannot be removed; set its capacity to 0 instead",
                    old.key
                ),
            ));
        }
    }
    let after_row = events::lock(&mut tx, event_id).await?;
    let mut jobs = registrations::offer_freed_seats(ctx, &mut tx, event_id, now).await?;
    jobs.extend(notify_attendees(ctx, &mut tx, &before, &after_row).await?);
    let cancelled = EventStatus::Cancelled;
    if after_row.status == cancelled && before.status != cancelled {
        // The cancellation email promises the money back: card payments go back at once.
        jobs.extend(crate::registrations::payments::refund_event(&mut tx, event_id, now).await?);
    }
    if before.status != after_row.status
        || before.starts_at != after_row.starts_at
        || before.ends_at != after_row.ends_at
        || before.timezone != after_row.timezone
    {
        jobs.extend(
            ctx.hooks
                .placements_changed(
                    ctx,
                    &mut tx,
                    crate::domain::placement::Scope::Event(event_id),
                )
                .await?,
        );
    }
    let before_json = serde_json::json!({"status": before.status, "capacity": before.capacity,
        "starts_at": before.starts_at, "ends_at": before.ends_at, "title": before.title});
    let after_json = serde_json::json!({"status": after_row.status, "capacity": after_row.capacity,
        "starts_at": after_row.starts_at, "ends_at": after_row.ends_at, "title": after_row.title});
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        "event.update",
        &format!("event:{event_id}"),
        Some(&before_json),
        Some(&after_json),
        now,
    )
    .await?;
    ctx.commit(tx, &jobs).await?;
    Ok(())
}

/// Emails every live registration when the event is cancelled, or when its time or place
/// changed while it is published.
async fn notify_attendees(
    ctx: &Ctx,
    tx: &mut crate::db::Tx,
    before: &crate::db::events::EventRow,
    after: &crate::db::events::EventRow,
) -> Result<Vec<crate::core::job::Scheduled>> {
    use crate::email::{EmailKind, compose};
    let cancelled = EventStatus::Cancelled;
    if after.status == cancelled && before.status != cancelled {
        let prefix = format!("event_cancelled:{}", after.id);
        return Ok(compose::queue_event_email(
            ctx,
            tx,
            EmailKind::EventCancelled,
            after.id,
            &prefix,
            &compose::Extra::default(),
        )
        .await?);
    }
    let moved = before.starts_at != after.starts_at
        || before.ends_at != after.ends_at
        || before.venue != after.venue;
    if moved && after.status == EventStatus::Published {
        let extra = compose::previous(before);
        let prefix = format!(
            "event_changed:{}:{}",
            after.id,
            after.updated_at.timestamp_micros()
        );
        return Ok(compose::queue_event_email(
            ctx,
            tx,
            EmailKind::EventChanged,
            after.id,
            &prefix,
            &extra,
        )
        .await?);
    }
    Ok(Vec::new())
}

/// Checks the rules that involve several fields; returns (field, message) pairs.
pub fn cross_field_problems(d: &EventDraft) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if d.ends_at < d.starts_at {
        out.push(("ends_at".into(), "must not be before starts_at".into()));
    }
    if let (Some(o), Some(c)) = (d.registration_opens_at, d.registration_closes_at)
        && c <= o
    {
        out.push((
            "registration_closes_at".into(),
            "must be after registration_opens_at".into(),
        ));
    }
    if !(MIN_HOLD_MINUTES..=MAX_WINDOW_MINUTES).contains(&d.hold_minutes) {
        out.push((
            "hold_minutes".into(),
            format!("must be between {MIN_HOLD_MINUTES} and {MAX_WINDOW_MINUTES}"),
        ));
    }
    if !(MIN_HOLD_MINUTES..=MAX_WINDOW_MINUTES).contains(&d.offer_minutes) {
        out.push((
            "offer_minutes".into(),
            format!("must be between {MIN_HOLD_MINUTES} and {MAX_WINDOW_MINUTES}"),
        ));
    }
    if !d.pay_card && !d.pay_later && d.offerings.iter().any(|o| o.price.amount_minor > 0) {
        out.push((
            "payment_options".into(),
            "must allow card or later when an offering has a price".into(),
        ));
    }
    if d.offerings.is_empty() {
        out.push(("offerings".into(), "must list at least one offering".into()));
    }
    let currency: Option<Currency> = d.offerings.first().map(|o| o.price.currency);
    for (i, o) in d.offerings.iter().enumerate() {
        if Some(o.price.currency) != currency {
            out.push((
                format!("offerings[{i}].price.currency"),
                "must be the same for every offering".into(),
            ));
        }
        if d.offerings[..i].iter().any(|p| p.key == o.key) {
            out.push((format!("offerings[{i}].key"), "is used twice".into()));
        }
    }
    out
}
