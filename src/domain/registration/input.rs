//! A registration as the API and the form send it, and its parsing into a
//! [`NewRegistration`] that names every bad field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{MAX_PARTICIPANTS, NewParticipant, NewRegistration, PaymentChoice};
use crate::core::error::{FieldCollector, Result};
use crate::domain::{EmailAddress, Language, PersonName};

/// The contact (payer) of a registration.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    /// 1 to 200 characters, no control characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub name: String,
    /// An address such as `ana.garcia@example.org`.
    #[schema(
        max_length = 254,
        pattern = r"^[A-Za-z0-9]{1,40}([._+-][A-Za-z0-9]{1,10}){0,2}@[A-Za-z0-9]{1,30}(-[A-Za-z0-9]{1,30})?(\.[A-Za-z]{2,20}){1,3}$"
    )]
    pub email: String,
    /// Telephone number, optional (staff may need it on the day): 6 to 20 digits with
    /// spaces, `+`, `-`, `.`, `/` or parentheses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 32, pattern = r"^$|^\+?[ ()./-]*([0-9][ ()./-]*){6,20}$")]
    pub phone: Option<String>,
    /// Language for emails and pages, e.g. `es`. Defaults to `en`.
    #[serde(default)]
    #[schema(pattern = r"^[A-Za-z]{2,3}([-_][A-Za-z]{2})?$")]
    pub language: Option<String>,
}

/// One participant.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantBody {
    /// 1 to 200 characters, no control characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub name: String,
    /// Offering key, e.g. `adult` (one of the event's `offerings`).
    #[schema(min_length = 1, max_length = 64, pattern = r"^[a-z0-9][a-z0-9_-]*$")]
    pub offering: String,
    /// Dietary and accessibility notes: at most 1,000 characters; lines and tabs allowed,
    /// no other control characters.
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub notes: Option<String>,
    /// Answers to the event's questions, by question key (see the event's `questions`).
    #[serde(default)]
    pub answers: Option<BTreeMap<String, String>>,
    /// Required on exchanges (and refused elsewhere): what the host and the matcher need.
    #[serde(default)]
    pub profile: Option<crate::domain::visitor::VisitorProfile>,
}

/// Body of `POST /api/v1/events/{slug}/registrations`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationBody {
    pub contact: ContactBody,
    /// 1 to 20 participants (an event may allow fewer: its `registration_limits`).
    #[schema(min_items = 1, max_items = 20)]
    pub participants: Vec<ParticipantBody>,
    /// `later` (bank transfer or cash) or `card`. Only needed when something is due.
    #[serde(default)]
    #[schema(value_type = Option<super::PaymentChoice>)]
    pub payment: Option<String>,
    /// Must be `true` when the event lists consent statements.
    #[serde(default)]
    pub accept_consents: bool,
}

/// Parses a registration body, reporting every bad field.
pub fn parse_registration(body: RegistrationBody) -> Result<NewRegistration> {
    let mut f = FieldCollector::default();
    let contact_name = f.take("contact.name", PersonName::parse(&body.contact.name));
    let contact_email = f.take("contact.email", EmailAddress::parse(&body.contact.email));
    let contact_phone = f.take(
        "contact.phone",
        crate::domain::parse_phone(body.contact.phone.as_deref().unwrap_or("")),
    );
    let language = f.take(
        "contact.language",
        Language::parse(body.contact.language.as_deref().unwrap_or("en")),
    );
    if body.participants.is_empty() {
        f.add("participants", "must list at least one participant");
    } else if body.participants.len() > MAX_PARTICIPANTS {
        f.add(
            "participants",
            format!("must list at most {MAX_PARTICIPANTS} participants"),
        );
    }
    let mut participants = Vec::new();
    for (i, p) in body.participants.iter().take(MAX_PARTICIPANTS).enumerate() {
        let name = f.take(
            format!("participants[{i}].name"),
            PersonName::parse(&p.name),
        );
        if p.offering.trim().is_empty() {
            f.add(format!("participants[{i}].offering"), "is required");
        }
        let notes = f.take(
            format!("participants[{i}].notes"),
            crate::domain::parse_long_text(p.notes.as_deref().unwrap_or(""), 1_000),
        );
        if let (Some(name), Some(notes)) = (name, notes) {
            participants.push(NewParticipant {
                name,
                offering: p.offering.trim().to_owned(),
                notes,
                answers: p.answers.clone().unwrap_or_default(),
                profile: p.profile.clone(),
            });
        }
    }
    let payment = match body.payment.as_deref() {
        Some(p) => f.take("payment", PaymentChoice::parse(p)).map(Some),
        None => Some(None),
    };
    f.finish()?;
    Ok(NewRegistration {
        contact_name: contact_name.expect("checked"),
        contact_email: contact_email.expect("checked"),
        contact_phone: contact_phone.expect("checked"),
        language: language.expect("checked"),
        participants,
        payment: payment.expect("checked"),
        accept_consents: body.accept_consents,
    })
}
