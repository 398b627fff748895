//! The registration state machine (DESIGN section 2).
//!
//! Every change runs in one transaction that first locks the event, so seat counts read inside
//! it cannot change underneath: capacity is checked and taken atomically on both databases.
//! Jobs scheduled by a change are pushed after the commit.
//!
//! - [`submit`]: a new registration takes seats, a place in line, or waits for approval.
//! - [`changes`]: cancelling, claiming an offer, approving, rejecting.
//! - [`deadlines`]: holds and offers that run out, payment reminders.
//! - [`payments`]: the ledger, card checkout, settling, refunds and Stripe's events.
//! - [`read`]: an event's registrations and one registration's parts, for pages.
//! - [`record`]: everything on record about one registration, for staff.
//! - [`lifecycle`]: what every change shares (locking, the transition, its emails, the
//!   waitlist).

pub mod changes;
mod checks;
pub mod confirm;
pub mod deadlines;
pub mod lifecycle;
pub mod payments;
pub mod read;
pub mod record;
mod repeat;
pub mod submit;

pub use crate::core::actor::Actor;
pub use crate::domain::registration::{
    CONSENT_REQUIRED, MAX_PARTICIPANTS, NewParticipant, NewRegistration,
};
pub use changes::{approve, cancel, claim_offer, reject};
pub use confirm::confirm_email;
pub use deadlines::{
    expire_hold, expire_offer, expire_overdue, remind_due_payments, remind_payment,
};
pub use lifecycle::{Capacity, find, offer_freed_seats};
pub use payments::{
    MethodParser, OfflinePayment, OfflineRefund, offline_method, record_payment, record_refund,
    refund_method,
};
pub use record::{Record, record};
pub use submit::{Submitted, submit};
