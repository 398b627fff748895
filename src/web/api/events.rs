//! `/api/v1/events`: the public event list and detail, and staff create/update.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;

use super::MoneyJson;
use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::db::events::{EventRow, OfferingRow, PartnerCityRow};
use crate::domain::question::{self, Question};
use crate::domain::translation::{self, Translations};
use crate::domain::{CancellationPolicy, EventKind, EventStatus, PaymentOption, TimeZone};
use crate::events::{self};
use crate::registrations::Capacity;
use crate::web::extract::{ApiJson, Role, StaffAuth};

pub use crate::domain::event::draft::slugify;
pub use crate::domain::event::input::{
    EventBody, OfferingBody, PartnerCityJson, QuestionBody, build_draft,
};

/// An event as the API shows it. Times are in the event's time zone, with their offset.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventJson {
    pub slug: String,
    pub kind: EventKind,
    pub title: String,
    pub description: String,
    pub venue: String,
    /// IANA time zone the event's times are shown in.
    pub timezone: String,
    /// Local start with offset, e.g. `2027-03-01T19:00:00-05:00`.
    pub starts_at: String,
    pub ends_at: String,
    pub registration_opens_at: Option<String>,
    pub registration_closes_at: Option<String>,
    pub status: EventStatus,
    /// Seat limit of the whole event; `null` = unlimited.
    pub capacity: Option<i64>,
    /// Seats still free; `null` = unlimited. 0 means new registrations join the waitlist.
    pub seats_left: Option<i64>,
    pub approval_required: bool,
    pub payment_options: Vec<PaymentOption>,
    /// Minutes an unpaid registration holds its seats.
    pub hold_minutes: i64,
    /// Minutes a waitlisted registration has to claim an offered seat.
    pub offer_minutes: i64,
    /// What one person may take of the event. A pay-later registration from an email address
    /// nobody has confirmed yet holds its seats only `TWINNING_UNCONFIRMED_HOLD_MINUTES`
    /// (default 30) until the link in its first email is followed.
    pub registration_limits: crate::domain::event::draft::RegistrationLimits,
    pub partner_city: Option<PartnerCityJson>,
    pub offerings: Vec<OfferingJson>,
    /// Reminder emails, in days before the start (sent at 09:00 in the event's time zone).
    pub reminders: Vec<i64>,
    /// Text added to confirmation and reminder emails.
    pub custom_email_text: String,
    /// Statements a registrant must accept (`accept_consents` in the registration body).
    pub consents: Vec<String>,
    /// Questions asked of every participant (answers go in `participants[].answers`).
    pub questions: Vec<Question>,
    /// Title, description and email text in other languages, by language code; a missing or
    /// empty text falls back to the event's own.
    #[schema(value_type = std::collections::BTreeMap<String, crate::domain::translation::EventText>)]
    pub translations: Translations,
    /// What a participant who cancels gets back.
    pub cancellation_policy: CancellationPolicy,
}

/// An offering as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfferingJson {
    pub key: String,
    pub name: String,
    pub price: MoneyJson,
    /// The offering's own limit; `null` = only the event's.
    pub capacity: Option<i64>,
    /// Seats left for this offering, counting the event's limit; `null` = unlimited.
    pub seats_left: Option<i64>,
}

/// Builds the API view of an event.
pub fn event_json(
    row: &EventRow,
    offerings: &[OfferingRow],
    partner: Option<&PartnerCityRow>,
) -> EventJson {
    let zone = TimeZone::parse(&row.timezone).unwrap_or(TimeZone(chrono_tz::UTC));
    let local = |t: chrono::DateTime<chrono::Utc>| zone.to_local(t).to_rfc3339();
    let capacity = Capacity::new(row, offerings);
    let mut payment_options = Vec::new();
    if row.pay_card {
        payment_options.push(PaymentOption::Card);
    }
    if row.pay_later {
        payment_options.push(PaymentOption::Later);
    }
    EventJson {
        slug: row.slug.clone(),
        kind: row.kind,
        title: row.title.clone(),
        description: row.description.clone(),
        venue: row.venue.clone(),
        timezone: row.timezone.clone(),
        starts_at: local(row.starts_at),
        ends_at: local(row.ends_at),
        registration_opens_at: row.registration_opens_at.map(local),
        registration_closes_at: row.registration_closes_at.map(local),
        status: row.status,
        capacity: row.capacity,
        seats_left: capacity.event_left(),
        approval_required: row.approval_required,
        payment_options,
        hold_minutes: row.hold_minutes,
        offer_minutes: row.offer_minutes,
        registration_limits: row.limits(),
        partner_city: partner.map(|p| PartnerCityJson {
            slug: Some(p.slug.clone()),
            name: p.name.clone(),
            country: p.country.clone(),
            languages: p.language_list(),
            since_year: p.since_year,
        }),
        offerings: offerings
            .iter()
            .map(|o| OfferingJson {
                key: o.key.clone(),
                name: o.name.clone(),
                price: MoneyJson {
                    amount_minor: o.price_minor,
                    currency: o.currency.clone(),
                },
                capacity: o.capacity,
                seats_left: capacity.offering_left(o.id),
            })
            .collect(),
        reminders: crate::email::reminders::parse_rules(&row.reminder_days),
        custom_email_text: row.custom_email_text.clone(),
        consents: crate::domain::event::draft::consent_lines(&row.consents),
        questions: question::from_stored(&row.questions),
        translations: translation::from_stored(&row.translations),
        cancellation_policy: row.policy(),
    }
}

async fn load_event_json(ctx: &Ctx, row: &EventRow) -> Result<EventJson> {
    let (offerings, partner) = crate::events::read::offerings_and_partner(ctx, row).await?;
    Ok(event_json(row, &offerings, partner.as_ref()))
}

/// List upcoming published events and exchanges, soonest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    responses((status = 200, description = "Upcoming published events", body = Vec<EventJson>)))]
pub async fn list_events(State(ctx): State<Ctx>) -> Result<Json<Vec<EventJson>>> {
    let rows = crate::events::read::upcoming(&ctx).await?;
    let mut offerings = crate::events::read::offerings_of_published(&ctx).await?;
    let partners: HashMap<i64, PartnerCityRow> = crate::events::read::partners(&ctx)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(Json(
        rows.iter()
            .map(|row| {
                let partner = row.partner_city_id.and_then(|id| partners.get(&id));
                event_json(row, &offerings.remove(&row.id).unwrap_or_default(), partner)
            })
            .collect(),
    ))
}

/// One published event (drafts are visible to staff only, with a token).
#[utoipa::path(get, path = "/api/v1/events/{slug}", tag = "events",
    params(("slug" = String, Path, description = "Event slug")),
    responses((status = 200, body = EventJson), (status = 404, body = crate::core::error::ErrorBody)))]
pub async fn get_event(
    State(ctx): State<Ctx>,
    staff: Option<StaffAuth>,
    Path(slug): Path<String>,
) -> Result<Json<EventJson>> {
    let row = crate::events::read::find(&ctx, &slug).await?;
    if row.status == EventStatus::Draft && staff.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(Json(load_event_json(&ctx, &row).await?))
}

/// Create an event (staff).
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventBody,
    security(("bearer" = [])),
    responses((status = 201, body = EventJson), (status = 401, body = crate::core::error::ErrorBody),
        (status = 409, body = crate::core::error::ErrorBody), (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn create_event(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    ApiJson(body): ApiJson<EventBody>,
) -> Result<(StatusCode, Json<EventJson>)> {
    staff.require(Role::Staff)?;
    let draft = build_draft(body, None)?;
    events::create(&ctx, &draft, &staff.actor()).await?;
    let row = events::read::find(&ctx, draft.slug.as_str()).await?;
    Ok((
        StatusCode::CREATED,
        Json(load_event_json(&ctx, &row).await?),
    ))
}

/// Change an event (staff). Raising a capacity offers the freed seats to the waitlist.
#[utoipa::path(patch, path = "/api/v1/events/{slug}", tag = "events", request_body = EventBody,
    params(("slug" = String, Path, description = "Event slug")), security(("bearer" = [])),
    responses((status = 200, body = EventJson), (status = 404, body = crate::core::error::ErrorBody),
        (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn update_event(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<EventBody>,
) -> Result<Json<EventJson>> {
    staff.require(Role::Staff)?;
    let row = crate::events::read::find(&ctx, &slug).await?;
    let base = events::stored_draft(&ctx, &row).await?;
    let draft = build_draft(body, Some(base))?;
    events::update(&ctx, row.id, &draft, &staff.actor()).await?;
    let row = crate::events::read::find(&ctx, &slug).await?;
    Ok(Json(load_event_json(&ctx, &row).await?))
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn partner_slugs_come_from_names() {
        assert_eq!(slugify("Toledo, España"), "toledo-espana");
        assert_eq!(slugify("  Szeged  "), "szeged");
    }
}
