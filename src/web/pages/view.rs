//! What pages show, computed from rows: formatted dates, prices, seats and states in words.

use chrono::{DateTime, Utc};

use crate::db::events::{EventRow, OfferingRow, PartnerCityRow};
use crate::domain::{EventStatus, RegistrationStatus, TimeZone};
use crate::email::compose::{event_when_in, local_time_in};
use crate::i18n;
use crate::registrations::Capacity;

/// Whether and when registration is possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window {
    /// Open now.
    Open,
    /// Opens at this local time.
    OpensOn(String),
    /// Closed (or the event is over).
    Closed,
    /// The event was cancelled.
    Cancelled,
}

/// An offering as listed on the event page and in the form.
#[derive(Debug, Clone)]
pub struct OfferingView {
    pub key: String,
    pub name: String,
    pub price: String,
    /// The price in minor units (0 = free).
    pub price_minor: i64,
    /// `None` = unlimited.
    pub seats_left: Option<i64>,
}

impl OfferingView {
    /// Whether no seat of this offering is left.
    pub fn full(&self) -> bool {
        self.seats_left == Some(0)
    }
}

/// A question as the page's language asks it.
#[derive(Debug, Clone)]
pub struct QuestionView {
    pub key: String,
    pub label: String,
    pub required: bool,
    /// (answer value, wording) per option; empty for a free answer.
    pub choices: Vec<(String, String)>,
}

impl QuestionView {
    /// How a stored answer reads: a choice in the page's language, free text as written.
    pub fn shown<'a>(&'a self, answer: &'a str) -> &'a str {
        self.choices
            .iter()
            .find(|(value, _)| value == answer)
            .map_or(answer, |(_, shown)| shown.as_str())
    }
}

/// Each answered question of a participant as (question, answer) in the event's order.
pub fn answers(questions: &[QuestionView], stored: &str) -> Vec<(String, String)> {
    let answers = crate::domain::question::answers_from_stored(stored);
    questions
        .iter()
        .filter_map(|q| {
            answers
                .get(&q.key)
                .map(|a| (q.label.clone(), q.shown(a).to_owned()))
        })
        .collect()
}

/// An event as pages show it.
#[derive(Debug, Clone)]
pub struct EventView {
    pub slug: String,
    pub title: String,
    pub is_exchange: bool,
    pub description: Vec<String>,
    pub venue: String,
    /// e.g. `Sunday 1 June 2031, 18:00–23:00 (Europe/Madrid)`.
    pub when: String,
    /// Machine-readable start for `<time datetime>`.
    pub starts_iso: String,
    pub price_range: String,
    /// `None` = unlimited.
    pub seats_left: Option<i64>,
    pub window: Window,
    pub partner: Option<PartnerView>,
    pub offerings: Vec<OfferingView>,
    pub questions: Vec<QuestionView>,
    pub consents: Vec<String>,
    pub approval_required: bool,
    pub pay_later: bool,
    /// Whether card payment is on offer (the event takes cards and Stripe is set up).
    pub card: bool,
    pub status: String,
    /// The cancellation policy in words; empty when nothing costs money.
    pub cancellation: String,
    /// Most participants in one registration.
    pub max_participants: usize,
    /// What one person may take of the event, in words; empty without limits of its own.
    pub limits: String,
}

/// What one person may take of an event, in `lang`; empty without limits of its own.
fn limits_words(lang: &str, limits: crate::domain::event::draft::RegistrationLimits) -> String {
    let mut words = Vec::new();
    if limits.participants_per_registration.is_some() {
        words.push(i18n::t_count(
            lang,
            "limits-participants",
            limits.participants() as i64,
        ));
    }
    if let Some(n) = limits.registrations_per_email {
        words.push(i18n::t_count(lang, "limits-per-email", n));
    }
    words.join(" ")
}

impl EventView {
    /// Builds the view of an event with its offerings and partner.
    pub fn new(
        event: &EventRow,
        offerings: &[OfferingRow],
        partner: Option<&PartnerCityRow>,
        now: DateTime<Utc>,
    ) -> Self {
        let lang = i18n::current();
        let text = event.text_in(lang);
        let capacity = Capacity::new(event, offerings);
        let zone = TimeZone::parse(&event.timezone).unwrap_or(TimeZone(chrono_tz::UTC));
        Self {
            slug: event.slug.clone(),
            title: text.title.clone(),
            is_exchange: event.is_exchange(),
            description: crate::email::render::paragraphs(&text.description),
            venue: event.venue.clone(),
            when: event_when_in(lang, event),
            starts_iso: zone.to_local(event.starts_at).to_rfc3339(),
            price_range: price_range(offerings),
            seats_left: capacity.event_left(),
            window: window(event, now),
            partner: partner.map(PartnerView::new),
            offerings: offerings
                .iter()
                .map(|o| OfferingView {
                    key: o.key.clone(),
                    name: text.offering_name(&o.key, &o.name).to_owned(),
                    price: price(o.price_minor, &o.currency),
                    price_minor: o.price_minor,
                    seats_left: capacity.offering_left(o.id),
                })
                .collect(),
            consents: text.consents_or(crate::domain::event::draft::consent_lines(&event.consents)),
            questions: crate::domain::question::from_stored(&event.questions)
                .iter()
                .map(|q| {
                    let (label, choices) = text.question(q);
                    QuestionView {
                        key: q.key.clone(),
                        label,
                        required: q.required,
                        choices,
                    }
                })
                .collect(),
            approval_required: event.approval_required,
            pay_later: event.pay_later,
            card: false,
            status: event.status.to_string(),
            cancellation: if offerings.iter().any(|o| o.price_minor > 0) {
                cancellation_words(lang, event)
            } else {
                String::new()
            },
            max_participants: event.limits().participants(),
            limits: limits_words(lang, event.limits()),
        }
    }

    /// Whether every seat is taken (new registrations join the waitlist).
    pub fn full(&self) -> bool {
        self.seats_left == Some(0) || self.offerings.iter().all(OfferingView::full)
    }

    /// Whether registration is open now.
    pub fn open(&self) -> bool {
        self.window == Window::Open
    }

    /// Whether a paid ticket can be paid at all: later, or by card when Stripe is set up.
    /// Free events always can.
    pub fn payable(&self) -> bool {
        self.pay_later || self.card || self.offerings.iter().all(|o| o.price_minor == 0)
    }

    /// Marks card payment as on offer when the event takes cards and Stripe is set up.
    pub fn with_card(mut self, event: &EventRow, stripe: bool) -> Self {
        self.card = event.pay_card && stripe;
        self
    }

    /// "12 seats left", "Waitlist only", or "" when unlimited.
    pub fn seats_label(&self) -> String {
        let lang = crate::i18n::current();
        if self.full() {
            return crate::i18n::t(lang, "seats-full");
        }
        match self.offerings_left() {
            Some(n) => crate::i18n::t_count(lang, "seats-left", n),
            None => String::new(),
        }
    }

    /// Seats left over all offerings, counting the event limit.
    fn offerings_left(&self) -> Option<i64> {
        let per_offering: Option<i64> = self
            .offerings
            .iter()
            .map(|o| o.seats_left)
            .try_fold(0_i64, |sum, left| left.map(|l| sum + l));
        match (self.seats_left, per_offering) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// "Full refund until Monday 1 March 2027, 19:00 (...); no refund after that."
fn cancellation_words(lang: &str, event: &EventRow) -> String {
    let policy = event.policy();
    let until = local_time_in(lang, policy.full_refund_until(event.starts_at), event);
    let percent = policy.later_refund_percent.to_string();
    let key = if policy.later_refund_percent > 0 {
        "policy-full-then-part"
    } else {
        "policy-full-then-none"
    };
    i18n::t_with(lang, key, &[("until", &until), ("percent", &percent)])
}

/// A partner city as pages show it.
#[derive(Debug, Clone)]
pub struct PartnerView {
    pub slug: String,
    pub name: String,
    pub country: String,
    pub since_year: Option<i64>,
}

impl PartnerView {
    /// Builds the view of a partner row.
    pub fn new(p: &PartnerCityRow) -> Self {
        Self {
            slug: p.slug.clone(),
            name: p.name.clone(),
            country: p.country.clone(),
            since_year: p.since_year,
        }
    }

    /// "Sister city since 1931 (95 years)" or "Sister city", in the page's language.
    pub fn partnership(&self, now: DateTime<Utc>) -> String {
        use chrono::Datelike;
        let lang = i18n::current();
        match self.since_year {
            Some(y) => {
                let years = (i64::from(now.year()) - y).max(0);
                i18n::t_with_number(
                    lang,
                    "partnership-since",
                    &[("year", &y.to_string())],
                    ("years", years),
                )
            }
            None => i18n::t(lang, "partnership"),
        }
    }
}

/// An amount, "Free" for zero.
pub fn price(amount_minor: i64, currency: &str) -> String {
    if amount_minor == 0 {
        i18n::t(i18n::current(), "price-free")
    } else {
        i18n::format::money(i18n::current(), amount_minor, currency)
    }
}

/// "Free", "$25.00" or "$10.00 – $25.00".
pub fn price_range(offerings: &[OfferingRow]) -> String {
    let min = offerings.iter().min_by_key(|o| o.price_minor);
    let max = offerings.iter().max_by_key(|o| o.price_minor);
    match (min, max) {
        (Some(a), Some(b)) if a.price_minor == b.price_minor => price(a.price_minor, &a.currency),
        (Some(a), Some(b)) => format!(
            "{} – {}",
            price(a.price_minor, &a.currency),
            price(b.price_minor, &b.currency)
        ),
        _ => String::new(),
    }
}

/// Whether registration is open at `now`.
pub fn window(event: &EventRow, now: DateTime<Utc>) -> Window {
    if event.status == EventStatus::Cancelled {
        return Window::Cancelled;
    }
    if let Some(opens) = event.registration_opens_at
        && now < opens
    {
        return Window::OpensOn(local_time_in(i18n::current(), opens, event));
    }
    if now >= event.registration_closes_at.unwrap_or(event.ends_at) {
        return Window::Closed;
    }
    Window::Open
}

/// A registration state in plain words, in the page's language: a short label and a sentence.
pub fn status_words(status: RegistrationStatus) -> (String, String) {
    let lang = i18n::current();
    let key = format!("status-{}", status.as_str());
    (i18n::t(lang, &key), i18n::t(lang, &format!("{key}-text")))
}
