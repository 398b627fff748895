//! Reading a stored event back as a draft: the base that an update changes.

use crate::context::Ctx;
use crate::db::events::{self as db_events, EventRow, OfferingRow, PartnerCityRow};
use crate::domain::{Currency, Money, Slug, TimeZone, Title, question, translation};

use super::{EventDraft, Offering, PartnerCity};

/// Reads a stored event's offerings and partner and rebuilds its draft (the base of an update).
pub async fn stored_draft(ctx: &Ctx, row: &EventRow) -> anyhow::Result<EventDraft> {
    let (offerings, partner) = db_events::offerings_and_partner(&ctx.db, row).await?;
    draft_of(row, &offerings, partner.as_ref())
}

/// Rebuilds the draft of a stored event (the base of a PATCH).
fn draft_of(
    row: &EventRow,
    offerings: &[OfferingRow],
    partner: Option<&PartnerCityRow>,
) -> anyhow::Result<EventDraft> {
    let bad =
        |what: &str, e: crate::domain::ParseError| anyhow::anyhow!("stored {what} is invalid: {e}");
    Ok(EventDraft {
        slug: Slug::parse(&row.slug).map_err(|e| bad("slug", e))?,
        kind: row.kind,
        title: Title::parse(&row.title).map_err(|e| bad("title", e))?,
        description: row.description.clone(),
        venue: row.venue.clone(),
        timezone: TimeZone::parse(&row.timezone).map_err(|e| bad("timezone", e))?,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        registration_opens_at: row.registration_opens_at,
        registration_closes_at: row.registration_closes_at,
        status: row.status,
        capacity: row.capacity,
        approval_required: row.approval_required,
        pay_card: row.pay_card,
        pay_later: row.pay_later,
        hold_minutes: row.hold_minutes,
        offer_minutes: row.offer_minutes,
        partner_city: partner.map(|p| PartnerCity {
            slug: Slug::parse(&p.slug).unwrap_or_else(|_| Slug::parse("partner").expect("valid")),
            name: Title::parse(&p.name).unwrap_or_else(|_| Title::parse("?").expect("valid")),
            country: Title::parse(&p.country).unwrap_or_else(|_| Title::parse("?").expect("valid")),
            languages: p.language_list(),
            since_year: p.since_year,
        }),
        offerings: offerings
            .iter()
            .map(|o| {
                let currency = Currency::parse(&o.currency).map_err(|e| bad("currency", e))?;
                Ok(Offering {
                    key: Slug::parse(&o.key).map_err(|e| bad("offering key", e))?,
                    name: Title::parse(&o.name).map_err(|e| bad("offering name", e))?,
                    price: Money {
                        amount_minor: o.price_minor,
                        currency,
                    },
                    capacity: o.capacity,
                })
            })
            .collect::<anyhow::Result<_>>()?,
        reminder_days: crate::email::reminders::parse_rules(&row.reminder_days),
        custom_email_text: row.custom_email_text.clone(),
        consents: crate::domain::event::draft::consent_lines(&row.consents),
        questions: question::from_stored(&row.questions),
        translations: translation::from_stored(&row.translations),
        policy: row.policy(),
        limits: row.limits(),
    })
}
