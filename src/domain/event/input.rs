//! An event as staff or the API send it (every field optional, for updates), and its parsing
//! into an [`EventDraft`] that names every bad field.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::draft::{
    DEFAULT_HOLD_MINUTES, DEFAULT_OFFER_MINUTES, EventDraft, Offering, PartnerCity,
    cross_field_problems, slugify,
};
use crate::core::error::{FieldCollector, Result};
use crate::domain::question::{self, Question};
use crate::domain::translation::{self, Translations};
use crate::domain::{
    CancellationPolicy, Currency, EventKind, EventStatus, LocalTime, Money, PaymentOption, Slug,
    TimeZone, Title,
};

/// An amount of money on the wire.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MoneyJson {
    /// Amount in minor units (cents).
    pub amount_minor: i64,
    /// ISO 4217 currency code.
    pub currency: String,
}

impl From<Money> for MoneyJson {
    fn from(m: Money) -> Self {
        Self {
            amount_minor: m.amount_minor,
            currency: m.currency.code().to_owned(),
        }
    }
}

/// Deserialises a field that may be absent (`None`), `null` (`Some(None)`) or a value.
pub fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
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
    #[schema(value_type = Option<std::collections::BTreeMap<String, crate::domain::translation::EventText>>)]
    pub translations: Option<Translations>,
    /// A full refund until `full_refund_days` before the start, then `later_refund_percent`
    /// (default 7 days, then nothing).
    pub cancellation_policy: Option<CancellationPolicy>,
    /// What one person may take of the event; when given, the whole set (`{}` for no limits).
    pub registration_limits: Option<super::draft::RegistrationLimits>,
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

/// The value of a field every event has: parsed when given, the base's on an update, and an
/// error when creating without it.
macro_rules! required {
    ($f:expr, $base:expr, $field:literal, $value:expr, $parse:expr, $from_base:expr) => {
        match $value {
            Some(v) => $f.take($field, $parse(v)),
            None => match $base {
                Some(b) => Some($from_base(b)),
                None => {
                    $f.add($field, "is required");
                    None
                }
            },
        }
    };
}

/// What an event is, and when and where.
struct Basics {
    slug: Slug,
    kind: EventKind,
    title: Title,
    timezone: TimeZone,
    description: String,
    venue: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

/// Who may register, until when, and how they pay.
struct Rules {
    registration_opens_at: Option<DateTime<Utc>>,
    registration_closes_at: Option<DateTime<Utc>>,
    capacity: Option<i64>,
    status: EventStatus,
    approval_required: bool,
    pay_card: bool,
    pay_later: bool,
    hold_minutes: i64,
    offer_minutes: i64,
}

/// Turns a body into a complete draft, on top of `base` for updates. Reports every bad field.
pub fn build_draft(mut body: EventBody, base: Option<EventDraft>) -> Result<EventDraft> {
    let mut f = FieldCollector::default();
    let base = base.as_ref();
    let basics = basics(&mut f, &mut body, base);
    let zone = basics
        .as_ref()
        .map_or(TimeZone(chrono_tz::UTC), |b| b.timezone);
    let rules = rules(&mut f, &mut body, base, zone);
    let partner_city = match body.partner_city.take() {
        Some(Some(p)) => parse_partner(&mut f, p).map(Some),
        Some(None) => Some(None),
        None => Some(base.and_then(|b| b.partner_city.clone())),
    };
    let offerings = match body.offerings.take() {
        Some(list) => Some(parse_offerings(&mut f, list)),
        None if base.is_none() => {
            f.add("offerings", "is required");
            None
        }
        None => base.map(|b| b.offerings.clone()),
    };
    let reminder_days = reminders(&mut f, body.reminders.take(), base);
    let custom_email_text = match body.custom_email_text.take() {
        Some(t) => f
            .take(
                "custom_email_text",
                crate::domain::parse_long_text(&t, 5_000),
            )
            .unwrap_or_default(),
        None => base
            .map(|b| b.custom_email_text.clone())
            .unwrap_or_default(),
    };
    let consents = consents(&mut f, body.consents.take(), base);
    let (Some(b), Some(r), Some(partner_city), Some(offerings)) =
        (basics, rules, partner_city, offerings)
    else {
        f.finish()?;
        unreachable!("a missing field was recorded as an error");
    };
    let questions = questions(&mut f, body.questions.take(), base);
    let translations = translations(
        &mut f,
        body.translations.take(),
        base,
        &translation::Shape {
            offerings: &offerings.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(),
            questions: &questions,
            consents: consents.len(),
        },
    );
    let policy = match body.cancellation_policy.take() {
        Some(p) => match CancellationPolicy::parse(p.full_refund_days, p.later_refund_percent) {
            Ok(p) => p,
            Err((field, e)) => {
                f.add(format!("cancellation_policy.{field}"), e.0);
                CancellationPolicy::default()
            }
        },
        None => base.map(|b| b.policy).unwrap_or_default(),
    };
    let draft = EventDraft {
        slug: b.slug,
        kind: b.kind,
        title: b.title,
        description: b.description,
        venue: b.venue,
        timezone: b.timezone,
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        registration_opens_at: r.registration_opens_at,
        registration_closes_at: r.registration_closes_at,
        status: r.status,
        capacity: r.capacity,
        approval_required: r.approval_required,
        pay_card: r.pay_card,
        pay_later: r.pay_later,
        hold_minutes: r.hold_minutes,
        offer_minutes: r.offer_minutes,
        partner_city,
        offerings,
        reminder_days,
        custom_email_text,
        consents,
        questions,
        translations,
        policy,
        limits: body
            .registration_limits
            .or(base.map(|b| b.limits))
            .unwrap_or_default(),
    };
    for (field, message) in cross_field_problems(&draft) {
        f.add(field, message);
    }
    f.finish()?;
    Ok(draft)
}

/// Slug, kind, title, zone, description, venue and times.
fn basics(
    f: &mut FieldCollector,
    body: &mut EventBody,
    base: Option<&EventDraft>,
) -> Option<Basics> {
    if let (Some(s), Some(b)) = (&body.slug, base)
        && s != b.slug.as_str()
    {
        f.add("slug", "cannot be changed");
    }
    let slug = required!(
        f,
        base,
        "slug",
        body.slug.as_deref(),
        Slug::parse,
        |b: &EventDraft| b.slug.clone()
    );
    let kind = required!(
        f,
        base,
        "kind",
        body.kind.as_deref(),
        EventKind::parse,
        |b: &EventDraft| b.kind
    );
    let title = required!(
        f,
        base,
        "title",
        body.title.as_deref(),
        Title::parse,
        |b: &EventDraft| b.title.clone()
    );
    let timezone = required!(
        f,
        base,
        "timezone",
        body.timezone.as_deref(),
        TimeZone::parse,
        |b: &EventDraft| b.timezone
    );
    let description = match body.description.take() {
        Some(d) => f.take("description", crate::domain::parse_long_text(&d, 20_000)),
        None => Some(base.map(|b| b.description.clone()).unwrap_or_default()),
    };
    let venue = match body.venue.take() {
        Some(v) => f.take("venue", crate::domain::parse_long_text(&v, 500)),
        None => Some(base.map(|b| b.venue.clone()).unwrap_or_default()),
    };
    let zone = timezone.unwrap_or(TimeZone(chrono_tz::UTC));
    let starts_at = required!(
        f,
        base,
        "starts_at",
        body.starts_at.as_deref(),
        |s| LocalTime::parse_in(s, zone),
        |b: &EventDraft| b.starts_at
    );
    let ends_at = required!(
        f,
        base,
        "ends_at",
        body.ends_at.as_deref(),
        |s| LocalTime::parse_in(s, zone),
        |b: &EventDraft| b.ends_at
    );
    Some(Basics {
        slug: slug?,
        kind: kind?,
        title: title?,
        timezone: timezone?,
        description: description?,
        venue: venue?,
        starts_at: starts_at?,
        ends_at: ends_at?,
    })
}

/// The registration window, capacity, status, approval, payment options and deadlines.
fn rules(
    f: &mut FieldCollector,
    body: &mut EventBody,
    base: Option<&EventDraft>,
    zone: TimeZone,
) -> Option<Rules> {
    let mut optional_time =
        |field: &str, value: Option<Option<String>>, old: Option<DateTime<Utc>>| match value {
            Some(Some(s)) => f.take(field, LocalTime::parse_in(&s, zone)).map(Some),
            Some(None) => Some(None),
            None => Some(old),
        };
    let opens = optional_time(
        "registration_opens_at",
        body.registration_opens_at.take(),
        base.and_then(|b| b.registration_opens_at),
    );
    let closes = optional_time(
        "registration_closes_at",
        body.registration_closes_at.take(),
        base.and_then(|b| b.registration_closes_at),
    );
    let capacity = match body.capacity {
        Some(Some(c)) if !(0..=1_000_000).contains(&c) => {
            f.add("capacity", "must be between 0 and 1000000");
            None
        }
        Some(c) => Some(c),
        None => Some(base.and_then(|b| b.capacity)),
    };
    let status = match body.status.take() {
        Some(s) => f.take("status", EventStatus::parse(&s)),
        None => Some(base.map_or(EventStatus::Draft, |b| b.status)),
    };
    let (pay_card, pay_later) = match body.payment_options.take() {
        Some(options) => {
            let (mut card, mut later) = (false, false);
            for (i, o) in options.iter().enumerate() {
                match f.take(format!("payment_options[{i}]"), PaymentOption::parse(o)) {
                    Some(PaymentOption::Card) => card = true,
                    Some(PaymentOption::Later) => later = true,
                    None => {}
                }
            }
            (card, later)
        }
        None => base.map_or((false, true), |b| (b.pay_card, b.pay_later)),
    };
    Some(Rules {
        registration_opens_at: opens?,
        registration_closes_at: closes?,
        capacity: capacity?,
        status: status?,
        approval_required: body
            .approval_required
            .or(base.map(|b| b.approval_required))
            .unwrap_or(false),
        pay_card,
        pay_later,
        hold_minutes: body
            .hold_minutes
            .or(base.map(|b| b.hold_minutes))
            .unwrap_or(DEFAULT_HOLD_MINUTES),
        offer_minutes: body
            .offer_minutes
            .or(base.map(|b| b.offer_minutes))
            .unwrap_or(DEFAULT_OFFER_MINUTES),
    })
}

/// Reminder days before the start, latest first, each once.
fn reminders(
    f: &mut FieldCollector,
    days: Option<Vec<i64>>,
    base: Option<&EventDraft>,
) -> Vec<i64> {
    let Some(days) = days else {
        return base.map_or_else(|| vec![7, 1], |b| b.reminder_days.clone());
    };
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

/// At most 10 consent statements of 1 to 500 characters, spaces collapsed.
fn consents(
    f: &mut FieldCollector,
    list: Option<Vec<String>>,
    base: Option<&EventDraft>,
) -> Vec<String> {
    let Some(list) = list else {
        return base.map(|b| b.consents.clone()).unwrap_or_default();
    };
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

/// The questions asked of every participant.
fn questions(
    f: &mut FieldCollector,
    list: Option<Vec<QuestionBody>>,
    base: Option<&EventDraft>,
) -> Vec<Question> {
    let Some(list) = list else {
        return base.map(|b| b.questions.clone()).unwrap_or_default();
    };
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

/// The texts in other languages, checked against the event's offerings, questions and
/// consents (`shape`).
fn translations(
    f: &mut FieldCollector,
    map: Option<Translations>,
    base: Option<&EventDraft>,
    shape: &translation::Shape<'_>,
) -> Translations {
    let Some(map) = map else {
        return base.map(|b| b.translations.clone()).unwrap_or_default();
    };
    let mut out = Translations::new();
    for (lang, text) in &map {
        match translation::parse(lang, text, shape) {
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
