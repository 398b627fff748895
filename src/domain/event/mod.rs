//! Event attributes: kind, status, payment options, time zone and local times.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, TimeZone as _, Utc};

use super::ParseError;

/// Generates a string-backed enum with `as_str` and `parse`.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and wire representation.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the wire representation.
            pub fn parse(input: &str) -> Result<Self, $crate::domain::ParseError> {
                match input.trim() {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::ParseError::new(format!(
                        "must be one of: {}",
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::domain::ParseError;

            /// Parses a stored value (`#[sqlx(try_from = "String")]` on row fields).
            fn try_from(stored: String) -> Result<Self, Self::Error> {
                Self::parse(&stored)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

text_enum! {
    /// A one-off event (festival, concert) or an exchange whose visitors need hosts.
    EventKind { Event = "event", Exchange = "exchange" }
}

text_enum! {
    /// Publication state of an event.
    EventStatus { Draft = "draft", Published = "published", Cancelled = "cancelled" }
}

text_enum! {
    /// How a registration may be paid.
    PaymentOption { Card = "card", Later = "later" }
}

/// An IANA time zone such as `America/New_York`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(pub chrono_tz::Tz);

impl TimeZone {
    /// Parses an IANA zone name.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        input
            .trim()
            .parse::<chrono_tz::Tz>()
            .map(TimeZone)
            .map_err(|_| ParseError::new("is not an IANA time zone name such as Europe/Madrid"))
    }

    /// The zone's name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// Shows a UTC instant as a local time with its offset, e.g. `2027-03-01T19:00:00-05:00`.
    pub fn to_local(&self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        at.with_timezone(&self.0).fixed_offset()
    }
}

/// A wall-clock time in an event's zone, as staff enter it: `2027-03-01T19:00` (seconds
/// optional). An explicit offset (`...+01:00` or `Z`) is accepted too and must then be right.
#[derive(Debug, Clone, Copy)]
pub struct LocalTime;

impl LocalTime {
    /// Parses `input` as a local time in `zone` and returns the UTC instant. Times that do
    /// not exist (skipped by a daylight-saving change) are rejected; times that occur twice
    /// take the first occurrence.
    pub fn parse_in(input: &str, zone: TimeZone) -> Result<DateTime<Utc>, ParseError> {
        let s = input.trim();
        if let Ok(with_offset) = DateTime::parse_from_rfc3339(s) {
            return Ok(with_offset.with_timezone(&Utc));
        }
        let naive = [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .ok_or_else(|| ParseError::new("must be a local date and time such as 2027-03-01T19:00"))?;
        match zone.0.from_local_datetime(&naive) {
            LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
            LocalResult::None => Err(ParseError::new(format!(
                "does not exist in {} (the clocks skip it for daylight saving time)",
                zone.name()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_converted_from_the_event_zone() {
        let ny = TimeZone::parse("America/New_York").unwrap();
        let t = LocalTime::parse_in("2027-03-01T19:00", ny).unwrap();
        assert_eq!(t.to_rfc3339(), "2027-03-02T00:00:00+00:00");
        assert_eq!(ny.to_local(t).to_rfc3339(), "2027-03-01T19:00:00-05:00");
    }

    #[test]
    fn a_time_skipped_by_daylight_saving_is_rejected() {
        let madrid = TimeZone::parse("Europe/Madrid").unwrap();
        assert!(LocalTime::parse_in("2027-03-28T02:30", madrid).is_err());
    }

    #[test]
    fn explicit_offsets_are_honoured_and_garbage_rejected() {
        let madrid = TimeZone::parse("Europe/Madrid").unwrap();
        let t = LocalTime::parse_in("2027-06-01T10:00:00Z", madrid).unwrap();
        assert_eq!(t.to_rfc3339(), "2027-06-01T10:00:00+00:00");
        assert!(LocalTime::parse_in("next tuesday", madrid).is_err());
        assert!(TimeZone::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn enums_parse_their_wire_names_only() {
        assert_eq!(EventKind::parse("exchange").unwrap(), EventKind::Exchange);
        assert!(EventStatus::parse("Published").is_err());
    }
}

pub mod draft;
pub mod input;
