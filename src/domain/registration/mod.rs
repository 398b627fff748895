//! Registration states, languages and payment choices.

use super::ParseError;
use super::event::text_enum;
use super::question::Answers;
use super::{EmailAddress, PersonName};

pub mod input;
pub mod request_key;

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

    /// Whether an exchange registration in this state can be placed with a host: it holds its
    /// seats (not a waitlist offer).
    pub fn is_placed(&self) -> bool {
        matches!(
            self,
            Self::PendingPayment | Self::Confirmed | Self::Attended
        )
    }

    /// Whether the registration can still be cancelled (it is not final).
    pub fn is_live(&self) -> bool {
        !matches!(
            self,
            Self::Cancelled | Self::Expired | Self::Rejected | Self::Attended
        )
    }
}

/// Why a registration changed state. The system's own reasons are recorded in the history in
/// English and never repeated to the participant; words a person gave are shown in emails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionReason {
    /// The registration form or API.
    Submitted,
    /// Staff approved it.
    Approved,
    /// A waitlist offer was taken.
    OfferClaimed,
    /// A freed seat was offered to the next in line.
    SeatFreed,
    /// Staff recorded a payment that covers what is due.
    PaymentRecorded,
    /// Stripe reported the card payment.
    PaidByCard,
    /// Stripe reported a card payment after the hold ran out, and the seats were still free.
    PaidByCardAfterExpiry,
    /// The seat hold ran out unpaid.
    HoldExpired,
    /// The waitlist offer ran out unclaimed.
    OfferExpired,
    /// Stripe could not start the card payment (the participant was told on the spot).
    CardNotStarted,
    /// Stripe reported the card payment as failed.
    CardFailed,
    /// The participant cancelled on their private page.
    CancelledOnPrivatePage,
    /// The participant cancelled through the API without a reason.
    CancelledByParticipant,
    /// Staff cancelled without a reason.
    CancelledByStaff,
    /// Staff rejected without a reason.
    RejectedByStaff,
    /// Words a person gave (staff, or a participant through the API): shown to the participant.
    Given(String),
}

impl TransitionReason {
    /// The words recorded in the registration's history.
    pub fn recorded(&self) -> &str {
        match self {
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::OfferClaimed => "offer claimed",
            Self::SeatFreed => "seat freed",
            Self::PaymentRecorded => "payment recorded",
            Self::PaidByCard => "paid by card",
            Self::PaidByCardAfterExpiry => {
                "paid by card after the hold expired; the seats were still free"
            }
            Self::HoldExpired => "payment hold expired",
            Self::OfferExpired => "waitlist offer expired",
            Self::CardNotStarted => "card payment could not be started",
            Self::CardFailed => "card payment failed",
            Self::CancelledOnPrivatePage => "cancelled on the private page",
            Self::CancelledByParticipant => "cancelled by participant",
            Self::CancelledByStaff => "cancelled by staff",
            Self::RejectedByStaff => "rejected by staff",
            Self::Given(words) => words,
        }
    }

    /// What an email may tell the participant: only words a person gave.
    pub fn shown(&self) -> &str {
        match self {
            Self::Given(words) => words,
            _ => "",
        }
    }

    /// `words` when someone gave any, else `default`.
    pub fn given_or(words: &str, default: TransitionReason) -> TransitionReason {
        match words.trim() {
            "" => default,
            words => Self::Given(words.to_owned()),
        }
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

/// The message when an event's consent statements were not accepted.
pub const CONSENT_REQUIRED: &str = "must be accepted to register";

/// Largest group one registration may bring.
pub const MAX_PARTICIPANTS: usize = 20;

/// A parsed registration request.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    /// Contact (payer) name.
    pub contact_name: PersonName,
    /// Contact email.
    pub contact_email: EmailAddress,
    /// Contact telephone, possibly empty.
    pub contact_phone: String,
    /// Language for emails and pages.
    pub language: Language,
    /// Participants in the order entered.
    pub participants: Vec<NewParticipant>,
    /// How the registrant wants to pay, if anything is due.
    pub payment: Option<PaymentChoice>,
    /// Whether the registrant accepted the event's consent statements.
    pub accept_consents: bool,
}

/// One participant of a new registration.
#[derive(Debug, Clone)]
pub struct NewParticipant {
    /// Full name.
    pub name: PersonName,
    /// Offering key.
    pub offering: String,
    /// Dietary and accessibility notes (may be empty).
    pub notes: String,
    /// Answers to the event's questions, by question key, as sent (checked on submission).
    pub answers: Answers,
    /// The visitor profile, asked on exchanges only (checked on submission).
    pub profile: Option<crate::domain::visitor::VisitorProfile>,
}

impl NewParticipant {
    /// A participant without notes or answers.
    pub fn new(name: PersonName, offering: impl Into<String>) -> Self {
        Self {
            name,
            offering: offering.into(),
            notes: String::new(),
            answers: Answers::new(),
            profile: None,
        }
    }
}

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
