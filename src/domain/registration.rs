//! Registration states, languages and payment choices.

use super::ParseError;
use super::event::text_enum;

text_enum! {
    /// Where a registration is in its life (DESIGN section 2).
    RegistrationStatus {
        /// Waiting for staff to approve or reject it.
        AwaitingApproval = "awaiting_approval",
        /// Holding seats until paid or the hold expires.
        PendingPayment = "pending_payment",
        /// No seat was free; in line for one.
        Waitlisted = "waitlisted",
        /// A seat was freed and is held for it until the offer expires.
        Offered = "offered",
        /// Has its seats.
        Confirmed = "confirmed",
        /// Checked in at the event.
        Attended = "attended",
        /// Cancelled by the participant or staff.
        Cancelled = "cancelled",
        /// A hold or offer ran out.
        Expired = "expired",
        /// Staff said no.
        Rejected = "rejected",
    }
}

impl RegistrationStatus {
    /// States that hold seats.
    pub const HOLDING: &'static [RegistrationStatus] = &[
        RegistrationStatus::PendingPayment,
        RegistrationStatus::Offered,
        RegistrationStatus::Confirmed,
        RegistrationStatus::Attended,
    ];

    /// Whether this state holds seats.
    pub fn holds_seats(&self) -> bool {
        Self::HOLDING.contains(self)
    }

    /// Whether the registration can still be cancelled (it is not final).
    pub fn is_live(&self) -> bool {
        !matches!(
            self,
            Self::Cancelled | Self::Expired | Self::Rejected | Self::Attended
        )
    }
}

text_enum! {
    /// How the registrant wants to pay.
    PaymentChoice { Later = "later", Card = "card" }
}

/// A language tag as used for emails and pages: a two- or three-letter primary language,
/// optionally with a region (`es`, `de`, `pt-BR`). Stored normalised (`pt-BR`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language(String);

impl Language {
    /// Parses a simple BCP 47 tag.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        let mut parts = s.split(['-', '_']);
        let primary = parts.next().unwrap_or_default();
        let region = parts.next();
        let ok_primary =
            (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
        let ok_region =
            region.is_none_or(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()));
        if !ok_primary || !ok_region || parts.next().is_some() {
            return Err(ParseError::new(
                "must be a language code such as en, es or pt-BR",
            ));
        }
        Ok(Self(match region {
            Some(r) => format!(
                "{}-{}",
                primary.to_ascii_lowercase(),
                r.to_ascii_uppercase()
            ),
            None => primary.to_ascii_lowercase(),
        }))
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Registrations in these states are placed: they hold seats.
pub const PLACED_STATES: &[&str] = &["pending_payment", "confirmed", "attended"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_normalised() {
        assert_eq!(Language::parse("ES").unwrap().as_str(), "es");
        assert_eq!(Language::parse("pt_br").unwrap().as_str(), "pt-BR");
        for bad in ["", "e", "english", "es-", "es-ES-x", "1a"] {
            assert!(Language::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_live_seat_holding_states_hold_seats() {
        use RegistrationStatus::*;
        let holding: Vec<_> = RegistrationStatus::ALL
            .iter()
            .filter(|s| s.holds_seats())
            .collect();
        assert_eq!(holding, [&PendingPayment, &Offered, &Confirmed, &Attended]);
        assert!(!Waitlisted.holds_seats());
        assert!(!Cancelled.is_live());
    }
}
