//! Domain types. Everything that arrives from outside is parsed into one of these once, at
//! the edge, with an error message a person can act on.

mod email;
pub mod event;
pub mod household;
pub mod language;
mod money;
pub mod outbox;
pub mod payment;
pub mod placement;
mod policy;
pub mod question;
pub mod reference;
pub mod registration;
mod role;
pub(crate) mod text;
pub mod token;
pub mod translation;
pub mod visitor;

pub use email::EmailAddress;
pub use event::{EventKind, EventStatus, LocalTime, PaymentOption, TimeZone};
pub use money::{AmountBody, Currency, Money};
pub use outbox::{EmailKind, OutboxStatus};
pub use payment::{LedgerKind, LedgerStatus, MoneyMethod, PaymentMethod, SessionStatus};
pub use policy::CancellationPolicy;
pub use registration::{Language, PaymentChoice, RegistrationStatus, TransitionReason};
pub use role::Role;
pub use text::{PersonName, Slug, Title, parse_long_text, parse_phone};

pub use crate::core::error::ParseError;
