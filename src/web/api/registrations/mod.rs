//! `/api/v1/.../registrations`: submit, view, cancel, claim; staff list, approve, reject, pay.

mod json;
mod public;
mod staff;

pub use crate::domain::registration::input::{
    ContactBody, ParticipantBody, RegistrationBody, parse_registration,
};
pub use json::*;
pub use public::*;
pub use staff::*;
