//! One struct per folder of `email-templates/`, holding only what that email shows; each
//! extends one of the shared parts (`parts.rs`).

use super::CheckinCode;
use super::parts::{Booking, Common, MatchNotice, extends};

/// `received`: seats held until paid, or the registration awaits staff's review.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub booking: Booking,
    pub awaiting_approval: bool,
    pub hold_until: String,
    pub amount_due: String,
    /// The link that confirms the contact's address and keeps the seats until `keep_until`;
    /// empty when the address is confirmed already.
    pub confirm_url: String,
    pub keep_until: String,
    /// How the amount due is paid.
    pub pay: HowToPay,
}

/// How a registration with money due pays: by card on its page, or later with its payment
/// reference and the association's instructions.
#[derive(Debug, Clone, Default)]
pub struct HowToPay {
    pub by_card: bool,
    /// `TW-…` for a payment later; empty by card.
    pub reference: String,
    /// The lines of `TWINNING_PAYMENT_INSTRUCTIONS`; empty when the association gave none.
    pub instructions: Vec<String>,
}

/// `confirmed`: the seats are theirs, with the check-in codes.
#[derive(Debug, Clone, Default)]
pub struct Confirmed {
    pub booking: Booking,
    /// Whether anything was paid.
    pub paid: bool,
    pub amount_paid: String,
    /// Check-in codes with their QR codes.
    pub checkin: Vec<CheckinCode>,
}

/// `offer`: a freed seat is held for a waitlisted registration.
#[derive(Debug, Clone, Default)]
pub struct Offer {
    pub booking: Booking,
    pub offer_until: String,
    pub offer_url: String,
}

/// `payment_due`: a reminder before the hold runs out.
#[derive(Debug, Clone, Default)]
pub struct PaymentDue {
    pub booking: Booking,
    pub amount_due: String,
    pub hold_until: String,
    pub pay: HowToPay,
}

/// `hold_expired`: the hold ran out and the seats were released.
#[derive(Debug, Clone, Default)]
pub struct HoldExpired {
    pub booking: Booking,
    pub hold_until: String,
}

/// `reminder`: the event is near.
#[derive(Debug, Clone, Default)]
pub struct Reminder {
    pub booking: Booking,
    /// `in 7 days`, `tomorrow`.
    pub reminder_when: String,
}

/// `cancelled`: the registration was cancelled, and what happens to the money paid.
#[derive(Debug, Clone, Default)]
pub struct Cancelled {
    pub booking: Booking,
    pub reason: String,
    pub paid: bool,
    pub refund_text: String,
}

/// `rejected`: staff said no.
#[derive(Debug, Clone, Default)]
pub struct Rejected {
    pub booking: Booking,
    pub reason: String,
}

/// `event_changed`: the time or place changed.
#[derive(Debug, Clone, Default)]
pub struct EventChanged {
    pub booking: Booking,
    pub previous_when: String,
    pub previous_venue: String,
}

/// `event_cancelled`: the whole event was called off.
#[derive(Debug, Clone, Default)]
pub struct EventCancelled {
    pub booking: Booking,
    pub paid: bool,
    pub refund_text: String,
}

/// `approval_needed`, to reviewing staff.
#[derive(Debug, Clone, Default)]
pub struct ApprovalNeeded {
    pub booking: Booking,
    pub contact_name: String,
    pub contact_email: String,
    pub staff_url: String,
}

/// `message`: staff's own words to attendees.
#[derive(Debug, Clone, Default)]
pub struct Message {
    pub booking: Booking,
    pub message_subject: String,
    /// One string per paragraph.
    pub message_paragraphs: Vec<String>,
}

/// `refunded`: money was given back.
#[derive(Debug, Clone, Default)]
pub struct Refunded {
    pub booking: Booking,
    pub reason: String,
    pub refund_text: String,
}

/// `match_arrival`: a confirmed stay begins soon.
#[derive(Debug, Clone, Default)]
pub struct MatchArrival {
    pub notice: MatchNotice,
    /// `in 7 days`, `tomorrow`.
    pub reminder_when: String,
}

/// `guardian_request`: a minor's guardian is asked to consent and answer for the minor.
#[derive(Debug, Clone, Default)]
pub struct GuardianRequest {
    pub common: Common,
    pub visitor_name: String,
    /// The registration's contact, who named the guardian.
    pub contact_name: String,
    pub action_url: String,
}

extends! {
    GuardianRequest => common: Common;
    Received => booking: Booking;
    Confirmed => booking: Booking;
    Offer => booking: Booking;
    PaymentDue => booking: Booking;
    HoldExpired => booking: Booking;
    Reminder => booking: Booking;
    Cancelled => booking: Booking;
    Rejected => booking: Booking;
    EventChanged => booking: Booking;
    EventCancelled => booking: Booking;
    ApprovalNeeded => booking: Booking;
    Message => booking: Booking;
    Refunded => booking: Booking;
    MatchArrival => notice: MatchNotice;
}
