//! Card payments with Stripe Checkout (DESIGN section 2, "Payments").
//!
//! - A registration paying by card holds its seats as `pending_payment` and gets a Checkout
//!   Session expiring with the hold (at least the 30 minutes Stripe allows).
//! - Stripe's webhooks are verified, stored once by event id and processed in a job that asks
//!   Stripe for the session, charge or refunds instead of trusting the payload.
//! - Money that arrives for a registration that cannot be confirmed (the hold expired and the
//!   seats are gone, or it was cancelled) is refunded in full at once: money is never kept for
//!   a registration that is not confirmed.
//! - Refunds are ledger rows written in the same transaction as the change that calls for
//!   them, `pending` until a job has asked Stripe (the row id is the idempotency key) and
//!   Stripe reports them done.
//! - A periodic reconciliation asks Stripe about sessions still open, so a lost webhook never
//!   loses a payment; the sweep also processes stored events and issues refunds whose job was
//!   lost.

pub mod checkout;
pub mod ledger;
pub mod refunds;
pub mod settle;
pub mod stripe_events;
pub mod webhook;

pub use checkout::{checkout_url, session_expiry, start};
pub use ledger::{MethodParser, OfflinePayment, offline_method, record_payment, refund_method};
pub use refunds::{OfflineRefund, issue_refund, record_refund, refund_event, write_refunds};
pub use settle::settle_session;
pub use stripe_events::{process_event, reconcile};
