//! Email: what is sent when, rendering, the outbox, SMTP delivery with retries, reminders.
//!
//! Every email is a row in `outbox`, written in the same transaction as the change that causes
//! it and rendered there (so staff see exactly what was sent). After the commit a `SendEmail`
//! job delivers it; a periodic sweep picks up rows whose job was lost and rows left `sending`
//! by a worker that died mid-send (resent with the same Message-ID).

pub mod compose;
mod deliver;
pub mod ics;
pub mod reminders;
pub mod render;

pub use crate::infra::smtp::{Mailer, SendError};
pub use compose::{queue_event_email, queue_registration_email, queue_staff_approval_emails};
pub use deliver::{deliver, sweep};
pub use ics::calendar_file;

use crate::domain::event::text_enum;

text_enum! {
    /// Every kind of email, named after its folder in `email-templates/`.
    EmailKind {
        Received = "received",
        Confirmed = "confirmed",
        Waitlisted = "waitlisted",
        Offer = "offer",
        OfferExpired = "offer_expired",
        PaymentDue = "payment_due",
        HoldExpired = "hold_expired",
        Reminder = "reminder",
        Cancelled = "cancelled",
        Rejected = "rejected",
        EventChanged = "event_changed",
        EventCancelled = "event_cancelled",
        ApprovalNeeded = "approval_needed",
        Message = "message",
        Refunded = "refunded",
        MatchProposed = "match_proposed",
        MatchOffered = "match_offered",
        MatchConfirmed = "match_confirmed",
        MatchReminder = "match_reminder",
        MatchClosed = "match_closed",
        MatchArrival = "match_arrival",
        MatchWithdrawn = "match_withdrawn",
        GuardianRequest = "guardian_request",
    }
}
