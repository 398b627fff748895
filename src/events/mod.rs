//! Creating and changing events and their offerings.

use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::db::events::{self, EventValues, OfferingValues};
use crate::domain::EventStatus;
use crate::domain::translation;
use crate::registrations::{self, Actor};

pub mod read;
mod stored;
pub use stored::stored_draft;

pub use crate::domain::event::draft::{
    DEFAULT_HOLD_MINUTES, DEFAULT_OFFER_MINUTES, EventDraft, MAX_WINDOW_MINUTES, MIN_HOLD_MINUTES,
    Offering, PartnerCity, cross_field_problems,
};

/// The stored values of draft `d`.
fn values(d: &EventDraft, partner_city_id: Option<i64>) -> EventValues {
    EventValues {
        slug: d.slug.as_str().to_owned(),
        kind: d.kind,
        title: d.title.as_str().to_owned(),
        description: d.description.clone(),
        venue: d.venue.clone(),
        timezone: d.timezone.name().to_owned(),
        starts_at: d.starts_at,
        ends_at: d.ends_at,
        registration_opens_at: d.registration_opens_at,
        registration_closes_at: d.registration_closes_at,
        status: d.status,
        capacity: d.capacity,
        approval_required: d.approval_required,
        pay_card: d.pay_card,
        pay_later: d.pay_later,
        hold_minutes: d.hold_minutes,
        offer_minutes: d.offer_minutes,
        partner_city_id,
        reminder_days: d
            .reminder_days
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(","),
        custom_email_text: d.custom_email_text.clone(),
        consents: d.consents.join("\n"),
        questions: serde_json::to_string(&d.questions).unwrap_or_else(|_| "[]".to_owned()),
        translations: translation::to_stored(&d.translations),
        refund_full_days: d.policy.full_refund_days,
        refund_later_percent: d.policy.later_refund_percent,
        max_participants: d.limits.participants_per_registration,
        max_registrations_per_email: d.limits.registrations_per_email,
    }
}

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
    let id = events::insert(&mut tx, &values(draft, partner_id), now)
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
    ctx.commit(tx, &[]).await?;
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
    events::update(&mut tx, event_id, &values(draft, partner_id), now).await?;
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
