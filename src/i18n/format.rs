//! Dates, times and money the way each language writes them, always naming the event's time
//! zone. The patterns and the names of days and months are catalogue messages, so a new
//! language brings its own formats with its catalogue.

use chrono::{DateTime, Datelike, FixedOffset, Utc};

use super::{t, t_with};
use crate::domain::{Currency, Money, TimeZone};

/// The long date of a local moment: `Monday 1 March 2027`, `lunes, 1 de marzo de 2027`,
/// `Montag, 1. März 2027`.
pub fn date(lang: &str, local: DateTime<FixedOffset>) -> String {
    let weekday = t(
        lang,
        &format!("weekday-{}", local.weekday().number_from_monday()),
    );
    let month = t(lang, &format!("month-{}", local.month()));
    t_with(
        lang,
        "date-long",
        &[
            ("weekday", &weekday),
            ("day", &local.day().to_string()),
            ("month", &month),
            ("year", &local.year().to_string()),
        ],
    )
}

fn clock(local: DateTime<FixedOffset>) -> String {
    local.format("%H:%M").to_string()
}

/// A moment and its zone name, e.g. `{when} (America/New_York)` or `{when} (hora de New York)`.
fn in_zone(lang: &str, when: &str, zone: TimeZone) -> String {
    let city = zone
        .name()
        .rsplit('/')
        .next()
        .unwrap_or(zone.name())
        .replace('_', " ");
    t_with(
        lang,
        "in-zone",
        &[("when", when), ("zone", zone.name()), ("city", &city)],
    )
}

/// A moment in `zone`: `Monday 1 March 2027, 19:00 (America/New_York)`,
/// `lunes, 1 de marzo de 2027, 19:00 (hora de New York)`.
pub fn moment(lang: &str, at: DateTime<Utc>, zone: TimeZone) -> String {
    in_zone(lang, &moment_without_zone(lang, at, zone), zone)
}

fn moment_without_zone(lang: &str, at: DateTime<Utc>, zone: TimeZone) -> String {
    let local = zone.to_local(at);
    t_with(
        lang,
        "date-time",
        &[("date", &date(lang, local)), ("time", &clock(local))],
    )
}

/// The span of an event in its zone: one date and two times when it ends the day it starts
/// (`Sunday 1 June 2031, 18:00–23:00 (Europe/Madrid)`), else two full moments.
pub fn span(lang: &str, starts: DateTime<Utc>, ends: DateTime<Utc>, zone: TimeZone) -> String {
    let (s, e) = (zone.to_local(starts), zone.to_local(ends));
    let when = if s.date_naive() == e.date_naive() {
        t_with(
            lang,
            "date-time-span",
            &[
                ("date", &date(lang, s)),
                ("start", &clock(s)),
                ("end", &clock(e)),
            ],
        )
    } else {
        t_with(
            lang,
            "date-span",
            &[
                ("start", &moment_without_zone(lang, starts, zone)),
                ("end", &moment_without_zone(lang, ends, zone)),
            ],
        )
    };
    in_zone(lang, &when, zone)
}

/// An amount in minor units with its currency code: `25.00 EUR`, `25,00 EUR`, `1500 JPY`.
/// An unknown currency shows the raw minor units.
pub fn money(lang: &str, amount_minor: i64, currency: &str) -> String {
    let Ok(c) = Currency::parse(currency) else {
        return format!("{amount_minor} {currency}");
    };
    let major = Money {
        amount_minor: amount_minor.abs(),
        currency: c,
    }
    .major();
    let sign = if amount_minor < 0 { "-" } else { "" };
    let amount = format!(
        "{sign}{}",
        major.replace('.', &t(lang, "decimal-separator"))
    );
    t_with(
        lang,
        "money",
        &[("amount", &amount), ("currency", c.code())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn moments_are_written_per_language_and_name_the_zone() {
        let ny = TimeZone::parse("America/New_York").unwrap();
        let at = utc(2027, 3, 2, 0, 0); // 19:00 on 1 March in New York
        assert_eq!(
            moment("en", at, ny),
            "Monday 1 March 2027, 19:00 (America/New_York)"
        );
        assert_eq!(
            moment("es", at, ny),
            "lunes, 1 de marzo de 2027, 19:00 (hora de New York)"
        );
        assert_eq!(
            moment("de", at, ny),
            "Montag, 1. März 2027, 19:00 Uhr (Ortszeit New York)"
        );
    }

    #[test]
    fn spans_share_the_date_when_the_event_ends_the_same_day() {
        let madrid = TimeZone::parse("Europe/Madrid").unwrap();
        let (s, e) = (utc(2031, 6, 1, 16, 0), utc(2031, 6, 1, 21, 0));
        assert_eq!(
            span("en", s, e, madrid),
            "Sunday 1 June 2031, 18:00–23:00 (Europe/Madrid)"
        );
        assert_eq!(
            span("es", s, e, madrid),
            "domingo, 1 de junio de 2031, 18:00–23:00 (hora de Madrid)"
        );
        assert_eq!(
            span("de", s, e, madrid),
            "Sonntag, 1. Juni 2031, 18:00–23:00 Uhr (Ortszeit Madrid)"
        );
        let two_days = span("de", s, utc(2031, 6, 2, 10, 0), madrid);
        assert_eq!(
            two_days,
            "Sonntag, 1. Juni 2031, 18:00 Uhr – Montag, 2. Juni 2031, 12:00 Uhr (Ortszeit Madrid)"
        );
    }

    #[test]
    fn money_uses_the_language_decimal_separator() {
        assert_eq!(money("en", 2500, "EUR"), "25.00 EUR");
        assert_eq!(money("es", 2500, "EUR"), "25,00 EUR");
        assert_eq!(money("de", 123_456, "USD"), "1234,56 USD");
        assert_eq!(money("de", 1500, "JPY"), "1500 JPY");
        assert_eq!(money("es", -5, "EUR"), "-0,05 EUR");
        assert_eq!(money("es", 5, "XXX"), "5 XXX");
    }
}
