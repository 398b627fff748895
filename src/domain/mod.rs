//! Domain types. Everything that arrives from outside is parsed into one of these once, at
//! the edge, with an error message a person can act on.

mod email;
pub(crate) mod event;
mod money;
mod policy;
pub mod question;
mod registration;
pub(crate) mod text;
pub mod token;
pub mod translation;
pub mod visitor;

pub use email::EmailAddress;
pub use event::{EventKind, EventStatus, LocalTime, PaymentOption, TimeZone};
pub use money::{Currency, Money};
pub use policy::CancellationPolicy;
pub use registration::{Language, PaymentChoice, RegistrationStatus};
pub use text::{PersonName, Slug, Title, parse_long_text, parse_phone};

/// A problem with one input field, reported back to whoever sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl ParseError {
    /// Builds an error from any message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}
