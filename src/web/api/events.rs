//! `/api/v1/events`: the public event list and detail, and staff create/update.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{MoneyJson, double_option};
use crate::context::Ctx;
use crate::core::error::{AppError, FieldCollector, Result};
use crate::db::events::{self as db_events, EventRow, OfferingRow, PartnerCityRow};
use crate::domain::question::{self, Question};
use crate::domain::translation::{self, Translations};
use crate::domain::{
    CancellationPolicy, Currency, EventKind, EventStatus, LocalTime, Money, PaymentOption, Slug,
    TimeZone, Title,
};
use crate::events::{
    self, DEFAULT_HOLD_MINUTES, DEFAULT_OFFER_MINUTES, EventDraft, Offering, PartnerCity,
};
use crate::registrations::Capacity;
use crate::web::extract::{ApiJson, Role, StaffAuth};

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

/// A sister city.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartnerCityJson {
    /// Identifier; derived from the name when omitted.
    #[serde(default)]
    pub slug: Option<String>,
    pub name: String,
    pub country: String,
    /// Language tags spoken there, e.g. `["es"]`.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Year the partnership began.
    #[serde(default)]
    pub since_year: Option<i64>,
}

/// An offering in a create or update body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferingBody {
    /// Stable key, e.g. `adult`.
    pub key: String,
    pub name: String,
    pub price: MoneyJson,
    #[serde(default)]
    pub capacity: Option<i64>,
}

/// Body of `POST /api/v1/events` and `PATCH /api/v1/events/{slug}`. For PATCH every field
/// is optional and `null` clears a nullable one; `offerings`, when given, is the whole list.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    pub slug: Option<String>,
    /// `event` or `exchange`.
    pub kind: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub venue: Option<String>,
    /// Local date and time in `timezone`, e.g. `2027-03-01T19:00`.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    /// IANA zone, e.g. `Europe/Madrid`.
    pub timezone: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub registration_opens_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub registration_closes_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub capacity: Option<Option<i64>>,
    /// `draft` (default), `published` or `cancelled`.
    pub status: Option<String>,
    pub approval_required: Option<bool>,
    /// Any of `card`, `later` (default `["later"]`).
    pub payment_options: Option<Vec<String>>,
    pub hold_minutes: Option<i64>,
    pub offer_minutes: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<PartnerCityJson>)]
    pub partner_city: Option<Option<PartnerCityJson>>,
    pub offerings: Option<Vec<OfferingBody>>,
    /// Reminder emails in days before the start, e.g. `[7, 1]` (the default); `[]` for none.
    pub reminders: Option<Vec<i64>>,
    /// Plain text for confirmation and reminder emails; blank lines separate paragraphs.
    pub custom_email_text: Option<String>,
    /// Statements every registrant must accept, e.g. a privacy notice; `[]` for none.
    pub consents: Option<Vec<String>>,
    /// Questions asked of every participant; `[]` for none.
    pub questions: Option<Vec<QuestionBody>>,
    /// Texts in other languages than the installation's default, e.g.
    /// `{"es": {"title": "...", "description": "...", "email_text": "..."}}`; when given, the
    /// whole set (`{}` for none).
    pub translations: Option<Translations>,
    /// A full refund until `full_refund_days` before the start, then `later_refund_percent`
    /// (default 7 days, then nothing).
    pub cancellation_policy: Option<CancellationPolicy>,
}

/// A question as sent by the API.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionBody {
    /// Stable key of the answers (lowercase letters, digits, `-`, `_`); made from the label
    /// when missing.
    #[serde(default)]
    pub key: Option<String>,
    pub label: String,
    /// Allowed answers (two or more) for a choice; none for free text.
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

/// Turns a body into a complete draft, on top of `base` for updates. Reports every bad field.
pub fn build_draft(body: EventBody, base: Option<EventDraft>) -> Result<EventDraft> {
    let mut f = FieldCollector::default();
    let creating = base.is_none();
    macro_rules! required {
        ($field:literal, $value:expr, $parse:expr, $from_base:expr) => {
            match $value {
                Some(v) => f.take($field, $parse(v)),
                None => match &base {
                    Some(b) => Some($from_base(b)),
                    None => {
                        f.add($field, "is required");
                        None
                    }
                },
            }
        };
    }
    if let (Some(s), Some(b)) = (&body.slug, &base)
        && s != b.slug.as_str()
    {
        f.add("slug", "cannot be changed");
    }
    let slug = required!(
        "slug",
        body.slug.as_deref(),
        Slug::parse,
        |b: &EventDraft| b.slug.clone()
    );
    let kind = required!(
        "kind",
        body.kind.as_deref(),
        EventKind::parse,
        |b: &EventDraft| b.kind
    );
    let title = required!(
        "title",
        body.title.as_deref(),
        Title::parse,
        |b: &EventDraft| b.title.clone()
    );
    let timezone = required!(
        "timezone",
        body.timezone.as_deref(),
        TimeZone::parse,
        |b: &EventDraft| b.timezone
    );
    let description = match body.description {
        Some(d) => f.take("description", crate::domain::parse_long_text(&d, 20_000)),
        None => Some(
            base.as_ref()
                .map(|b| b.description.clone())
                .unwrap_or_default(),
        ),
    };
    let venue = match body.venue {
        Some(v) => f.take("venue", crate::domain::parse_long_text(&v, 500)),
        None => Some(base.as_ref().map(|b| b.venue.clone()).unwrap_or_default()),
    };
    let zone = timezone.unwrap_or(TimeZone(chrono_tz::UTC));
    let starts_at = required!(
        "starts_at",
        body.starts_at.as_deref(),
        |s| LocalTime::parse_in(s, zone),
        |b: &EventDraft| b.starts_at
    );
    let ends_at = required!(
        "ends_at",
        body.ends_at.as_deref(),
        |s| LocalTime::parse_in(s, zone),
        |b: &EventDraft| b.ends_at
    );
    let mut optional_time =
        |field: &str, value: Option<Option<String>>, old: Option<chrono::DateTime<chrono::Utc>>| {
            match value {
                Some(Some(s)) => f.take(field, LocalTime::parse_in(&s, zone)).map(Some),
                Some(None) => Some(None),
                None => Some(old),
            }
        };
    let opens = optional_time(
        "registration_opens_at",
        body.registration_opens_at,
        base.as_ref().and_then(|b| b.registration_opens_at),
    );
    let closes = optional_time(
        "registration_closes_at",
        body.registration_closes_at,
        base.as_ref().and_then(|b| b.registration_closes_at),
    );
    let capacity = match body.capacity {
        Some(Some(c)) if !(0..=1_000_000).contains(&c) => {
            f.add("capacity", "must be between 0 and 1000000");
            None
        }
        Some(c) => Some(c),
        None => Some(base.as_ref().and_then(|b| b.capacity)),
    };
    let status = match body.status {
        Some(s) => f.take("status", EventStatus::parse(&s)),
        None => Some(base.as_ref().map_or(EventStatus::Draft, |b| b.status)),
    };
    let (pay_card, pay_later) = match body.payment_options {
        Some(options) => {
            let mut card = false;
            let mut later = false;
            for (i, o) in options.iter().enumerate() {
                match f.take(format!("payment_options[{i}]"), PaymentOption::parse(o)) {
                    Some(PaymentOption::Card) => card = true,
                    Some(PaymentOption::Later) => later = true,
                    None => {}
                }
            }
            (card, later)
        }
        None => base
            .as_ref()
            .map_or((false, true), |b| (b.pay_card, b.pay_later)),
    };
    let partner_city = match body.partner_city {
        Some(Some(p)) => parse_partner(&mut f, p).map(Some),
        Some(None) => Some(None),
        None => Some(base.as_ref().and_then(|b| b.partner_city.clone())),
    };
    let offerings = match body.offerings {
        Some(list) => Some(parse_offerings(&mut f, list)),
        None if creating => {
            f.add("offerings", "is required");
            None
        }
        None => base.as_ref().map(|b| b.offerings.clone()),
    };
    let hold_minutes = body
        .hold_minutes
        .or(base.as_ref().map(|b| b.hold_minutes))
        .unwrap_or(DEFAULT_HOLD_MINUTES);
    let offer_minutes = body
        .offer_minutes
        .or(base.as_ref().map(|b| b.offer_minutes))
        .unwrap_or(DEFAULT_OFFER_MINUTES);
    let reminder_days = match body.reminders {
        Some(days) => {
            if days.iter().any(|d| !(0..=365).contains(d)) {
                f.add(
                    "reminders",
                    "must be days before the start between 0 and 365",
                );
            }
            let mut days: Vec<i64> = days.into_iter().filter(|d| (0..=365).contains(d)).collect();
            days.sort_unstable_by(|a, b| b.cmp(a));
            days.dedup();
            days
        }
        None => base
            .as_ref()
            .map_or_else(|| vec![7, 1], |b| b.reminder_days.clone()),
    };
    let custom_email_text = match body.custom_email_text {
        Some(t) => f
            .take(
                "custom_email_text",
                crate::domain::parse_long_text(&t, 5_000),
            )
            .unwrap_or_default(),
        None => base
            .as_ref()
            .map(|b| b.custom_email_text.clone())
            .unwrap_or_default(),
    };
    let consents = match body.consents {
        Some(list) => {
            if list.len() > 10 {
                f.add("consents", "must list at most 10 statements");
            }
            let mut out = Vec::new();
            for (i, c) in list.iter().take(10).enumerate() {
                let c = c.split_whitespace().collect::<Vec<_>>().join(" ");
                if c.is_empty() || c.chars().count() > 500 {
                    f.add(format!("consents[{i}]"), "must be 1 to 500 characters");
                } else {
                    out.push(c);
                }
            }
            out
        }
        None => base
            .as_ref()
            .map(|b| b.consents.clone())
            .unwrap_or_default(),
    };
    let approval_required = body
        .approval_required
        .or(base.as_ref().map(|b| b.approval_required))
        .unwrap_or(false);

    let (
        Some(slug),
        Some(kind),
        Some(title),
        Some(timezone),
        Some(description),
        Some(venue),
        Some(starts_at),
        Some(ends_at),
    ) = (
        slug,
        kind,
        title,
        timezone,
        description,
        venue,
        starts_at,
        ends_at,
    )
    else {
        f.finish()?;
        unreachable!("a missing field was recorded as an error");
    };
    let (
        Some(registration_opens_at),
        Some(registration_closes_at),
        Some(capacity),
        Some(status),
        Some(partner_city),
        Some(offerings),
    ) = (opens, closes, capacity, status, partner_city, offerings)
    else {
        f.finish()?;
        unreachable!("a missing field was recorded as an error");
    };
    let questions = match body.questions {
        Some(list) => {
            let mut out = Vec::new();
            for (i, q) in list.iter().enumerate() {
                if let Some(q) = f.take(
                    format!("questions[{i}]"),
                    Question::new(q.key.as_deref(), &q.label, &q.options, q.required),
                ) {
                    out.push(q);
                }
            }
            f.take("questions", question::check_list(out))
                .unwrap_or_default()
        }
        None => base
            .as_ref()
            .map(|b| b.questions.clone())
            .unwrap_or_default(),
    };
    let translations = match body.translations {
        Some(map) => {
            let keys: Vec<&str> = offerings.iter().map(|o| o.key.as_str()).collect();
            let shape = translation::Shape {
                offerings: &keys,
                questions: &questions,
                consents: consents.len(),
            };
            let mut out = Translations::new();
            for (lang, text) in &map {
                match translation::parse(lang, text, &shape) {
                    Ok(Some(t)) => {
                        out.insert(lang.clone(), t);
                    }
                    Ok(None) => {}
                    Err(errors) => {
                        for (field, e) in errors {
                            let name = if field.is_empty() {
                                format!("translations.{lang}")
                            } else {
                                format!("translations.{lang}.{field}")
                            };
                            f.add(name, e.0);
                        }
                    }
                }
            }
            out
        }
        None => base
            .as_ref()
            .map(|b| b.translations.clone())
            .unwrap_or_default(),
    };
    let policy = match body.cancellation_policy {
        Some(p) => match CancellationPolicy::parse(p.full_refund_days, p.later_refund_percent) {
            Ok(p) => p,
            Err((field, e)) => {
                f.add(format!("cancellation_policy.{field}"), e.0);
                CancellationPolicy::default()
            }
        },
        None => base.as_ref().map(|b| b.policy).unwrap_or_default(),
    };
    let draft = EventDraft {
        slug,
        kind,
        title,
        description,
        venue,
        timezone,
        starts_at,
        ends_at,
        registration_opens_at,
        registration_closes_at,
        status,
        capacity,
        approval_required,
        pay_card,
        pay_later,
        hold_minutes,
        offer_minutes,
        partner_city,
        offerings,
        reminder_days,
        custom_email_text,
        consents,
        questions,
        translations,
        policy,
    };
    for (field, message) in events::cross_field_problems(&draft) {
        f.add(field, message);
    }
    f.finish()?;
    Ok(draft)
}

fn parse_partner(f: &mut FieldCollector, p: PartnerCityJson) -> Option<PartnerCity> {
    let name = f.take("partner_city.name", Title::parse(&p.name));
    let country = f.take("partner_city.country", Title::parse(&p.country));
    let slug_source = p.slug.clone().unwrap_or_else(|| slugify(&p.name));
    let slug = f.take("partner_city.slug", Slug::parse(&slug_source));
    let mut languages = Vec::new();
    for (i, l) in p.languages.iter().enumerate() {
        if let Some(l) = f.take(
            format!("partner_city.languages[{i}]"),
            crate::domain::Language::parse(l),
        ) {
            languages.push(l.as_str().to_owned());
        }
    }
    if p.since_year.is_some_and(|y| !(1900..=2200).contains(&y)) {
        f.add("partner_city.since_year", "must be a year such as 1931");
        return None;
    }
    Some(PartnerCity {
        slug: slug?,
        name: name?,
        country: country?,
        languages,
        since_year: p.since_year,
    })
}

fn parse_offerings(f: &mut FieldCollector, list: Vec<OfferingBody>) -> Vec<Offering> {
    let mut out = Vec::new();
    for (i, o) in list.into_iter().enumerate() {
        let key = f.take(format!("offerings[{i}].key"), Slug::parse(&o.key));
        let name = f.take(format!("offerings[{i}].name"), Title::parse(&o.name));
        let currency = f.take(
            format!("offerings[{i}].price.currency"),
            Currency::parse(&o.price.currency),
        );
        let price = currency.and_then(|c| {
            f.take(
                format!("offerings[{i}].price.amount_minor"),
                Money::from_minor(o.price.amount_minor, c),
            )
        });
        if o.capacity.is_some_and(|c| !(0..=1_000_000).contains(&c)) {
            f.add(
                format!("offerings[{i}].capacity"),
                "must be between 0 and 1000000",
            );
            continue;
        }
        if let (Some(key), Some(name), Some(price)) = (key, name, price) {
            out.push(Offering {
                key,
                name,
                price,
                capacity: o.capacity,
            });
        }
    }
    out
}

/// Lowercase ASCII slug from a name (`Toledo, España` → `toledo-espana`).
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'Í' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ü' => 'u',
            'ñ' | 'Ñ' => 'n',
            'ç' | 'Ç' => 'c',
            'ß' => 's',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-')
        .chars()
        .take(64)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// Reads a stored event's offerings and partner and rebuilds its draft (the base of an update).
pub(crate) async fn load_stored_draft(ctx: &Ctx, row: &EventRow) -> anyhow::Result<EventDraft> {
    let (offerings, partner) = db_events::offerings_and_partner(&ctx.db, row).await?;
    stored_draft(row, &offerings, partner.as_ref())
}

/// Rebuilds the draft of a stored event (the base of a PATCH).
pub(crate) fn stored_draft(
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
            languages: p
                .languages
                .split(',')
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
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
        consents: consent_lines(&row.consents),
        questions: question::from_stored(&row.questions),
        translations: translation::from_stored(&row.translations),
        policy: row.policy(),
    })
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
        partner_city: partner.map(|p| PartnerCityJson {
            slug: Some(p.slug.clone()),
            name: p.name.clone(),
            country: p.country.clone(),
            languages: p
                .languages
                .split(',')
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
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
        consents: consent_lines(&row.consents),
        questions: question::from_stored(&row.questions),
        translations: translation::from_stored(&row.translations),
        cancellation_policy: row.policy(),
    }
}

/// The consent statements stored one per line.
pub fn consent_lines(stored: &str) -> Vec<String> {
    stored
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

async fn load_event_json(ctx: &Ctx, row: &EventRow) -> Result<EventJson> {
    let (offerings, partner) = db_events::offerings_and_partner(&ctx.db, row).await?;
    Ok(event_json(row, &offerings, partner.as_ref()))
}

/// List upcoming published events and exchanges, soonest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    responses((status = 200, description = "Upcoming published events", body = Vec<EventJson>)))]
pub async fn list_events(State(ctx): State<Ctx>) -> Result<Json<Vec<EventJson>>> {
    let rows = db_events::list_upcoming(&ctx.db, ctx.clock.now()).await?;
    let mut offerings = db_events::offerings_of_published(&ctx.db).await?;
    let partners: HashMap<i64, PartnerCityRow> = db_events::list_partners(&ctx.db)
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
    let row = db_events::find_by_slug(&ctx.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
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
    let row = db_events::find_by_slug(&ctx.db, draft.slug.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
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
    let row = db_events::find_by_slug(&ctx.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let base = load_stored_draft(&ctx, &row).await?;
    let draft = build_draft(body, Some(base))?;
    events::update(&ctx, row.id, &draft, &staff.actor()).await?;
    let row = db_events::find_by_slug(&ctx.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
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
