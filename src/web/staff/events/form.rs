//! The event form: what staff type, shown again with field messages, and turned into an
//! event draft.

use askama::Template;

use super::translations::TranslationInput;
use crate::core::error::FieldErrors;
use crate::db::events::{self as db_events, EventRow};
use crate::domain::event::draft::consent_lines;
use crate::domain::event::input::{
    EventBody, MoneyJson, OfferingBody, PartnerCityJson, QuestionBody,
};
use crate::domain::{CancellationPolicy, Currency, Money, TimeZone};
use crate::web::pages::Layout;
use crate::web::pages::forms::{FormData, field_id};

/// An offering row of the event form, as typed.
#[derive(Debug, Clone, Default)]
pub(super) struct OfferingInput {
    pub(super) key: String,
    pub(super) name: String,
    pub(super) price: String,
    pub(super) currency: String,
    pub(super) capacity: String,
}

impl OfferingInput {
    /// The inputs of one offering row: name suffix, label, value.
    pub(super) fn fields(&self) -> Vec<(&'static str, &'static str, String)> {
        vec![
            ("key", "Key (e.g. adult)", self.key.clone()),
            ("name", "Name", self.name.clone()),
            ("price", "Price", self.price.clone()),
            ("currency", "Currency (ISO code)", self.currency.clone()),
            (
                "capacity",
                "Own limit (blank for none)",
                self.capacity.clone(),
            ),
        ]
    }
}

/// Every field of the event form, as typed.
#[derive(Debug, Clone, Default)]
pub(super) struct EventInput {
    pub(super) slug: String,
    pub(super) kind: String,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) venue: String,
    pub(super) timezone: String,
    pub(super) starts_at: String,
    pub(super) ends_at: String,
    pub(super) opens: String,
    pub(super) closes: String,
    pub(super) capacity: String,
    pub(super) approval_required: bool,
    pub(super) pay_later: bool,
    pub(super) pay_card: bool,
    pub(super) hold_minutes: String,
    pub(super) offer_minutes: String,
    /// Cancellation policy: full refund until this many days before ...
    pub(super) refund_days: String,
    /// ... then this per cent.
    pub(super) refund_percent: String,
    /// Most participants in one registration (blank: 20).
    pub(super) max_participants: String,
    /// Most live registrations from one email address (blank: no limit).
    pub(super) max_per_email: String,
    pub(super) partner_name: String,
    pub(super) partner_country: String,
    pub(super) partner_languages: String,
    pub(super) partner_since: String,
    pub(super) reminders: String,
    pub(super) custom_email_text: String,
    pub(super) consents: String,
    /// One question per line (see `domain::question::parse_lines`).
    pub(super) questions: String,
    pub(super) offerings: Vec<OfferingInput>,
    /// The texts in each language other than the installation's default.
    pub(super) translations: Vec<TranslationInput>,
}

#[derive(Template)]
#[template(path = "staff/event_form.html")]
pub(super) struct EventFormPage {
    pub(super) l: Layout,
    pub(super) csrf: String,
    /// `None` when creating.
    pub(super) editing: Option<String>,
    pub(super) v: EventInput,
    pub(super) errors: FieldErrors,
}

impl EventFormPage {
    pub(super) fn err(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }

    /// The message for field `field` of offering `i` (a price's amount and currency errors
    /// show at the price and currency inputs).
    pub(super) fn oerr(&self, i: &usize, field: &str) -> Option<&String> {
        let get = |f: &str| self.errors.get(&format!("offerings[{i}].{f}"));
        match field {
            "price" => get("price").or_else(|| get("price.amount_minor")),
            "currency" => get("currency").or_else(|| get("price.currency")),
            f => get(f),
        }
    }

    pub(super) fn summary(&self) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|(name, message)| (anchor(name), format!("{name}: {message}")))
            .collect()
    }
}

/// The id of the input an error is about.
pub(super) fn anchor(name: &str) -> String {
    let name = name
        .replace(".price.amount_minor", ".price")
        .replace(".price.currency", ".currency");
    match name.as_str() {
        "registration_opens_at" => "opens".to_owned(),
        "registration_closes_at" => "closes".to_owned(),
        "payment_options" => "pay-later".to_owned(),
        n if n.starts_with("partner_city.") => field_id(n),
        n => field_id(n),
    }
}

pub(super) fn local_input(t: chrono::DateTime<chrono::Utc>, zone: &TimeZone) -> String {
    zone.to_local(t).format("%Y-%m-%dT%H:%M").to_string()
}

impl EventInput {
    pub(super) fn blank() -> Self {
        Self {
            kind: "event".to_owned(),
            timezone: "America/New_York".to_owned(),
            pay_later: true,
            hold_minutes: crate::events::DEFAULT_HOLD_MINUTES.to_string(),
            offer_minutes: crate::events::DEFAULT_OFFER_MINUTES.to_string(),
            refund_days: CancellationPolicy::default().full_refund_days.to_string(),
            refund_percent: CancellationPolicy::default()
                .later_refund_percent
                .to_string(),
            reminders: "7, 1".to_owned(),
            offerings: vec![OfferingInput {
                key: "general".to_owned(),
                name: "General admission".to_owned(),
                price: "0.00".to_owned(),
                currency: "USD".to_owned(),
                capacity: String::new(),
            }],
            ..Default::default()
        }
    }

    pub(super) fn from_row(
        e: &EventRow,
        offerings: &[db_events::OfferingRow],
        partner: Option<&db_events::PartnerCityRow>,
        default_language: &str,
    ) -> Self {
        let zone = TimeZone::parse(&e.timezone).unwrap_or(TimeZone(chrono_tz::UTC));
        Self {
            slug: e.slug.clone(),
            kind: e.kind.to_string(),
            title: e.title.clone(),
            description: e.description.clone(),
            venue: e.venue.clone(),
            timezone: e.timezone.clone(),
            starts_at: local_input(e.starts_at, &zone),
            ends_at: local_input(e.ends_at, &zone),
            opens: e
                .registration_opens_at
                .map(|t| local_input(t, &zone))
                .unwrap_or_default(),
            closes: e
                .registration_closes_at
                .map(|t| local_input(t, &zone))
                .unwrap_or_default(),
            capacity: e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            approval_required: e.approval_required,
            pay_later: e.pay_later,
            pay_card: e.pay_card,
            hold_minutes: e.hold_minutes.to_string(),
            offer_minutes: e.offer_minutes.to_string(),
            refund_days: e.refund_full_days.to_string(),
            refund_percent: e.refund_later_percent.to_string(),
            max_participants: e
                .max_participants
                .map(|n| n.to_string())
                .unwrap_or_default(),
            max_per_email: e
                .max_registrations_per_email
                .map(|n| n.to_string())
                .unwrap_or_default(),
            partner_name: partner.map(|p| p.name.clone()).unwrap_or_default(),
            partner_country: partner.map(|p| p.country.clone()).unwrap_or_default(),
            partner_languages: partner
                .map(|p| p.languages.replace(',', ", "))
                .unwrap_or_default(),
            partner_since: partner
                .and_then(|p| p.since_year)
                .map(|y| y.to_string())
                .unwrap_or_default(),
            reminders: e.reminder_days.replace(',', ", "),
            custom_email_text: e.custom_email_text.clone(),
            consents: e.consents.clone(),
            questions: crate::domain::question::to_lines(&crate::domain::question::from_stored(
                &e.questions,
            )),
            offerings: offerings
                .iter()
                .map(|o| OfferingInput {
                    key: o.key.clone(),
                    name: o.name.clone(),
                    price: Currency::parse(&o.currency)
                        .ok()
                        .and_then(|c| Money::from_minor(o.price_minor, c).ok())
                        .map_or_else(|| o.price_minor.to_string(), |m| m.major()),
                    currency: o.currency.clone(),
                    capacity: o.capacity.map(|c| c.to_string()).unwrap_or_default(),
                })
                .collect(),
            translations: {
                let stored = crate::domain::translation::from_stored(&e.translations);
                let questions = crate::domain::question::from_stored(&e.questions);
                TranslationInput::all(default_language)
                    .into_iter()
                    .map(|t| t.fill(&stored, offerings, &questions))
                    .collect()
            },
        }
    }

    pub(super) fn from_form(form: &FormData, default_language: &str) -> Self {
        let offerings = (0..50)
            .take_while(|i| form.has(&format!("offerings[{i}].key")))
            .map(|i| {
                let f = |name: &str| form.get(&format!("offerings[{i}].{name}")).to_owned();
                OfferingInput {
                    key: f("key"),
                    name: f("name"),
                    price: f("price"),
                    currency: f("currency"),
                    capacity: f("capacity"),
                }
            })
            .collect();
        let s = |name: &str| form.get(name).to_owned();
        Self {
            slug: s("slug"),
            kind: s("kind"),
            title: s("title"),
            description: s("description"),
            venue: s("venue"),
            timezone: s("timezone"),
            starts_at: s("starts_at"),
            ends_at: s("ends_at"),
            opens: s("registration_opens_at"),
            closes: s("registration_closes_at"),
            capacity: s("capacity"),
            approval_required: form.has("approval_required"),
            pay_later: form.all("payment_options").contains(&"later"),
            pay_card: form.all("payment_options").contains(&"card"),
            hold_minutes: s("hold_minutes"),
            offer_minutes: s("offer_minutes"),
            refund_days: s("cancellation_policy.full_refund_days"),
            refund_percent: s("cancellation_policy.later_refund_percent"),
            max_participants: s("registration_limits.participants_per_registration"),
            max_per_email: s("registration_limits.registrations_per_email"),
            partner_name: s("partner_city.name"),
            partner_country: s("partner_city.country"),
            partner_languages: s("partner_city.languages"),
            partner_since: s("partner_city.since_year"),
            reminders: s("reminders"),
            custom_email_text: s("custom_email_text"),
            consents: s("consents"),
            questions: s("questions"),
            offerings,
            translations: TranslationInput::all(default_language)
                .into_iter()
                .map(|t| TranslationInput {
                    title: s(&t.field("title")),
                    description: s(&t.field("description")),
                    email_text: s(&t.field("email_text")),
                    offerings: s(&t.field("offerings")),
                    questions: s(&t.field("questions")),
                    consents: s(&t.field("consents")),
                    ..t
                })
                .collect(),
        }
    }

    /// The API body these values stand for; problems the body cannot express (a price that is
    /// not a number ...) are collected in `errors`.
    pub(super) fn body(&self, creating: bool, errors: &mut FieldErrors) -> EventBody {
        let optional = |t: &str| Some(Some(t.trim().to_owned()).filter(|v| !v.is_empty()));
        let capacity = whole_number(errors, "capacity", &self.capacity);
        let hold = whole_number(errors, "hold_minutes", &self.hold_minutes);
        let offer = whole_number(errors, "offer_minutes", &self.offer_minutes);
        let refund_days = whole_number(
            errors,
            "cancellation_policy.full_refund_days",
            &self.refund_days,
        );
        let refund_percent = whole_number(
            errors,
            "cancellation_policy.later_refund_percent",
            &self.refund_percent,
        );
        let since = whole_number(errors, "partner_city.since_year", &self.partner_since);
        let registration_limits = crate::domain::event::draft::RegistrationLimits {
            participants_per_registration: whole_number(
                errors,
                "registration_limits.participants_per_registration",
                &self.max_participants,
            ),
            registrations_per_email: whole_number(
                errors,
                "registration_limits.registrations_per_email",
                &self.max_per_email,
            ),
        };
        let offerings = self.offerings(errors);
        let reminders = self.reminders(errors);
        let questions = match crate::domain::question::parse_lines(&self.questions) {
            Ok(list) => list,
            Err(e) => {
                errors.insert("questions".to_owned(), e.to_string());
                Vec::new()
            }
        };
        let offering_keys: Vec<String> = offerings.iter().map(|o| o.key.clone()).collect();
        let mut payment_options = Vec::new();
        if self.pay_later {
            payment_options.push("later".to_owned());
        }
        if self.pay_card {
            payment_options.push("card".to_owned());
        }
        EventBody {
            slug: creating.then(|| self.slug.trim().to_owned()),
            kind: Some(self.kind.clone()),
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            venue: Some(self.venue.clone()),
            starts_at: Some(self.starts_at.clone()),
            ends_at: Some(self.ends_at.clone()),
            timezone: Some(self.timezone.trim().to_owned()),
            registration_opens_at: optional(&self.opens),
            registration_closes_at: optional(&self.closes),
            capacity: Some(capacity),
            status: creating.then(|| "draft".to_owned()),
            approval_required: Some(self.approval_required),
            payment_options: Some(payment_options),
            hold_minutes: hold,
            offer_minutes: offer,
            // Both blank: keep the event's policy (the default for a new one).
            cancellation_policy: (refund_days.is_some() || refund_percent.is_some()).then(|| {
                CancellationPolicy {
                    full_refund_days: refund_days.unwrap_or(0),
                    later_refund_percent: refund_percent.unwrap_or(0),
                }
            }),
            registration_limits: Some(registration_limits),
            partner_city: Some(self.partner_city(since)),
            offerings: Some(offerings),
            reminders: Some(reminders),
            custom_email_text: Some(self.custom_email_text.clone()),
            consents: Some(consent_lines(&self.consents)),
            translations: Some(
                self.translations
                    .iter()
                    .map(|t| {
                        (
                            t.lang.to_owned(),
                            t.text(&offering_keys, &questions, errors),
                        )
                    })
                    .collect(),
            ),
            questions: Some(
                questions
                    .into_iter()
                    .map(|q| QuestionBody {
                        key: Some(q.key),
                        label: q.label,
                        options: q.options,
                        required: q.required,
                    })
                    .collect(),
            ),
        }
    }

    /// The offerings' rows that are filled in, prices in minor units.
    fn offerings(&self, errors: &mut FieldErrors) -> Vec<OfferingBody> {
        let mut offerings = Vec::new();
        for (i, o) in self.offerings.iter().enumerate() {
            if o.key.trim().is_empty() && o.name.trim().is_empty() {
                continue;
            }
            let cap = whole_number(errors, &format!("offerings[{i}].capacity"), &o.capacity);
            let amount_minor = match Currency::parse(&o.currency) {
                Ok(c) => match Money::parse_major(
                    if o.price.trim().is_empty() {
                        "0"
                    } else {
                        &o.price
                    },
                    c,
                ) {
                    Ok(m) => m.amount_minor,
                    Err(e) => {
                        errors.insert(format!("offerings[{i}].price.amount_minor"), e.to_string());
                        0
                    }
                },
                Err(_) => 0,
            };
            offerings.push(OfferingBody {
                key: o.key.trim().to_owned(),
                name: o.name.trim().to_owned(),
                price: MoneyJson {
                    amount_minor,
                    currency: o.currency.trim().to_owned(),
                },
                capacity: cap,
            });
        }
        offerings
    }

    /// Days before the start to remind, from `7, 1`.
    fn reminders(&self, errors: &mut FieldErrors) -> Vec<i64> {
        let mut reminders = Vec::new();
        for part in self
            .reminders
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match part.parse::<i64>() {
                Ok(d) => reminders.push(d),
                Err(_) => {
                    errors.insert(
                        "reminders".to_owned(),
                        "must be numbers of days separated by commas, e.g. 7, 1".to_owned(),
                    );
                }
            }
        }
        reminders
    }

    /// The partner city, when named.
    fn partner_city(&self, since_year: Option<i64>) -> Option<PartnerCityJson> {
        if self.partner_name.trim().is_empty() {
            None
        } else {
            Some(PartnerCityJson {
                slug: None,
                name: self.partner_name.clone(),
                country: self.partner_country.clone(),
                languages: self
                    .partner_languages
                    .split(',')
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                since_year,
            })
        }
    }
}

/// A whole number typed in field `name`; `None` when blank or not a number (then with a
/// message in `errors`).
fn whole_number(errors: &mut FieldErrors, name: &str, text: &str) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.insert(name.to_owned(), "must be a whole number".to_owned());
            None
        }
    }
}
