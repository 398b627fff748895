//! A complete, valid event definition, as staff and the API give it, before it is stored.

use chrono::{DateTime, Utc};

use crate::domain::question::Question;
use crate::domain::translation::Translations;
use crate::domain::{
    CancellationPolicy, Currency, EventKind, EventStatus, Money, Slug, TimeZone, Title,
};

/// Shortest seat hold: a Stripe Checkout Session lives at least 30 minutes.
pub const MIN_HOLD_MINUTES: i64 = 30;

/// Longest seat hold or offer window (two weeks).
pub const MAX_WINDOW_MINUTES: i64 = 14 * 24 * 60;

/// Default seat hold for unpaid registrations (one day).
pub const DEFAULT_HOLD_MINUTES: i64 = 24 * 60;

/// Default time a waitlisted registration has to claim an offered seat (two days).
pub const DEFAULT_OFFER_MINUTES: i64 = 48 * 60;

/// Most live registrations one email address may hold on an event, at the most a limit can say.
pub const MAX_PER_EMAIL: i64 = 1000;

/// What one person may take of an event: how many participants one registration lists, and
/// how many live registrations (not cancelled, expired or rejected) one email address holds.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct RegistrationLimits {
    /// Most participants in one registration, 1 to 20 (none: 20).
    #[schema(minimum = 1, maximum = 20)]
    pub participants_per_registration: Option<i64>,
    /// Most live registrations from one email address, 1 to 1000 (none: no limit).
    #[schema(minimum = 1, maximum = 1000)]
    pub registrations_per_email: Option<i64>,
}

impl RegistrationLimits {
    /// Most participants in one registration.
    pub fn participants(&self) -> usize {
        self.participants_per_registration
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(crate::domain::registration::MAX_PARTICIPANTS)
            .min(crate::domain::registration::MAX_PARTICIPANTS)
    }

    fn problems(&self, out: &mut Vec<(String, String)>) {
        let max = crate::domain::registration::MAX_PARTICIPANTS as i64;
        if let Some(n) = self.participants_per_registration
            && !(1..=max).contains(&n)
        {
            out.push((
                "registration_limits.participants_per_registration".into(),
                format!("must be between 1 and {max}"),
            ));
        }
        if let Some(n) = self.registrations_per_email
            && !(1..=MAX_PER_EMAIL).contains(&n)
        {
            out.push((
                "registration_limits.registrations_per_email".into(),
                format!("must be between 1 and {MAX_PER_EMAIL}"),
            ));
        }
    }
}

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
    /// What one person may take of the event.
    pub limits: RegistrationLimits,
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
    d.limits.problems(&mut out);
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

/// The consent statements stored one per line.
pub fn consent_lines(stored: &str) -> Vec<String> {
    stored
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}
