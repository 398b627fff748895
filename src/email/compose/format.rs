//! How emails and staff pages write an event's times and amounts, and a registration's
//! calendar file.

use chrono::{DateTime, Utc};

use super::super::ics::{CalendarEntry, calendar_file};
use super::contact_language;
use crate::context::Ctx;
use crate::db::events::EventRow;
use crate::db::registrations::RegistrationRow;
use crate::domain::TimeZone;

/// Formats an event's time span in its zone for staff, e.g.
/// `Sunday 1 June 2031, 18:00–23:00 (Europe/Madrid)`.
pub fn event_when(event: &EventRow) -> String {
    event_when_in("en", event)
}

/// Formats an event's time span in its zone in `lang`.
pub fn event_when_in(lang: &str, event: &EventRow) -> String {
    crate::i18n::format::span(lang, event.starts_at, event.ends_at, zone_of(event))
}

pub(super) fn zone_of(event: &EventRow) -> TimeZone {
    TimeZone::parse(&event.timezone).unwrap_or(TimeZone(chrono_tz::UTC))
}

/// Formats a moment in the event's zone for staff, e.g.
/// `Monday 1 March 2027, 19:00 (America/New_York)`.
pub fn local_time(t: DateTime<Utc>, event: &EventRow) -> String {
    local_time_in("en", t, event)
}

/// Formats a moment in the event's zone in `lang`.
pub fn local_time_in(lang: &str, t: DateTime<Utc>, event: &EventRow) -> String {
    crate::i18n::format::moment(lang, t, zone_of(event))
}

/// The calendar file of a registration: one entry whose UID is fixed per registration, so a
/// second download or email updates the entry instead of adding another.
/// The entry's title is the event's in the registration's language.
pub fn registration_calendar(
    ctx: &Ctx,
    event: &EventRow,
    reg: &RegistrationRow,
    url: &str,
) -> String {
    let registration_id = reg.id;
    let title = event.text_in(contact_language(reg)).title;
    let uid = format!(
        "registration-{}@{}",
        registration_id,
        ctx.settings
            .base_url()
            .trim_start_matches("https://")
            .trim_start_matches("http://")
    );
    calendar_file(&CalendarEntry {
        uid: &uid,
        title: &title,
        description: url,
        venue: &event.venue,
        url,
        starts_at: event.starts_at,
        ends_at: event.ends_at,
        timezone: zone_of(event).0,
    })
}

/// Formats an amount in minor units for staff and the API, e.g. `25.00 EUR`.
pub fn money(amount_minor: i64, currency: &str) -> String {
    crate::i18n::format::money("en", amount_minor, currency)
}
