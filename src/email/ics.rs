//! iCalendar files for confirmed registrations and the public feed.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};

/// What a calendar entry needs.
#[derive(Debug, Clone)]
pub struct CalendarEntry<'a> {
    /// Globally unique and stable, so a re-sent file updates the entry instead of adding one.
    pub uid: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub venue: &'a str,
    pub url: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// IANA zone: times are written as local times with `TZID`, as calendar apps expect.
    pub timezone: chrono_tz::Tz,
}

/// A `.ics` file with one event.
pub fn calendar_file(entry: &CalendarEntry<'_>) -> String {
    calendar_feed(entry.title, std::slice::from_ref(entry))
}

/// A `.ics` calendar named `name` with one event per entry (the public feed).
pub fn calendar_feed(name: &str, entries: &[CalendarEntry<'_>]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for entry in entries {
        calendar.push(calendar_event(entry));
    }
    calendar.done().to_string()
}

fn calendar_event(entry: &CalendarEntry<'_>) -> Event {
    let local = |t: DateTime<Utc>| CalendarDateTime::WithTimezone {
        date_time: t.with_timezone(&entry.timezone).naive_local(),
        tzid: entry.timezone.name().to_owned(),
    };
    let mut event = Event::new();
    event
        .uid(entry.uid)
        .summary(entry.title)
        .description(entry.description)
        .starts(local(entry.starts_at))
        .ends(local(entry.ends_at))
        .url(entry.url);
    if !entry.venue.is_empty() {
        event.location(entry.venue);
    }
    event.done()
}
