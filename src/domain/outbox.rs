//! The outbox: which email, and where its delivery is.

use super::event::text_enum;

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

text_enum! {
    /// Where an email's delivery is.
    OutboxStatus {
        /// Waiting to be sent.
        Queued = "queued",
        /// A worker is sending it.
        Sending = "sending",
        /// The SMTP server took it.
        Sent = "sent",
        /// Sending failed; tried again later.
        Retrying = "retrying",
        /// Gave up after the last attempt.
        Failed = "failed",
        /// Staff cancelled it.
        Cancelled = "cancelled",
        /// Kept in the outbox (no SMTP server configured).
        Held = "held",
    }
}

impl OutboxStatus {
    /// States staff may send again.
    pub fn can_resend(self) -> bool {
        matches!(
            self,
            Self::Failed | Self::Sent | Self::Cancelled | Self::Retrying | Self::Held
        )
    }

    /// States staff may cancel.
    pub fn can_cancel(self) -> bool {
        matches!(self, Self::Queued | Self::Retrying | Self::Held)
    }
}

text_enum! {
    /// What staff can do to one email.
    OutboxAction {
        /// Send it again (anything but an email being sent), due now.
        Resend = "resend",
        /// Do not send it (queued, retrying or held only).
        Cancel = "cancel",
    }
}
