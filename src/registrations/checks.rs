//! Checking a registration request against its event: the registration window, consents,
//! answers, visitor profiles, offerings and the payment method.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::core::error::{AppError, FieldCollector, Result};
use crate::db::Tx;
use crate::db::events::{self, EventRow, OfferingRow};
use crate::db::registrations as regs;
use crate::domain::question::{self, Answers};
use crate::domain::registration::{CONSENT_REQUIRED, NewParticipant, NewRegistration};
use crate::domain::{EventStatus, PaymentChoice, PaymentMethod};

/// Refuses registrations outside the event's window or on events not open to the public.
pub(super) fn check_open(event: &EventRow, now: DateTime<Utc>) -> Result<()> {
    match event.status {
        EventStatus::Published => {}
        EventStatus::Cancelled => {
            return Err(AppError::conflict(
                "event_cancelled",
                "This event has been cancelled.",
            ));
        }
        _ => return Err(AppError::NotFound),
    }
    if let Some(opens) = event.registration_opens_at
        && now < opens
    {
        return Err(AppError::conflict(
            "registration_not_open",
            format!("Registration opens at {}.", opens.to_rfc3339()),
        ));
    }
    let closes = event.registration_closes_at.unwrap_or(event.ends_at);
    if now >= closes {
        return Err(AppError::conflict(
            "registration_closed",
            "Registration for this event has closed.",
        ));
    }
    Ok(())
}

/// A request checked against its event: per participant, the offering chosen, the answers as
/// stored and the visitor profile as stored (empty off exchanges).
pub(super) struct Checked<'o> {
    pub(super) chosen: Vec<&'o OfferingRow>,
    pub(super) answers: Vec<Answers>,
    pub(super) profiles: Vec<String>,
}

impl Checked<'_> {
    /// Seats asked per offering.
    pub(super) fn request(&self) -> HashMap<i64, i64> {
        let mut request: HashMap<i64, i64> = HashMap::new();
        for o in &self.chosen {
            *request.entry(o.id).or_default() += 1;
        }
        request
    }
}

/// Checks consents, answers, profiles and offerings of `new`, naming every field that is wrong.
pub(super) fn check_request<'o>(
    ctx: &Ctx,
    event: &EventRow,
    offerings: &'o [OfferingRow],
    new: &NewRegistration,
) -> Result<Checked<'o>> {
    let mut errors = FieldCollector::default();
    if !event.consents.trim().is_empty() && !new.accept_consents {
        errors.add("accept_consents", CONSENT_REQUIRED);
    }
    let questions = question::from_stored(&event.questions);
    let mut checked = Checked {
        chosen: Vec::with_capacity(new.participants.len()),
        answers: Vec::with_capacity(new.participants.len()),
        profiles: Vec::with_capacity(new.participants.len()),
    };
    for (i, p) in new.participants.iter().enumerate() {
        checked
            .answers
            .push(check_answers(&mut errors, &questions, i, p));
        checked
            .profiles
            .push(check_profile(ctx, &mut errors, event, i, p)?);
        match offerings.iter().find(|o| o.key == p.offering) {
            Some(o) => checked.chosen.push(o),
            None => errors.add(
                format!("participants[{i}].offering"),
                format!(
                    "is not an offering of this event (choose one of: {})",
                    offerings
                        .iter()
                        .map(|o| o.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }
    errors.finish()?;
    Ok(checked)
}

/// The answers of participant `i` to the event's questions; unknown keys are errors.
fn check_answers(
    errors: &mut FieldCollector,
    questions: &[question::Question],
    i: usize,
    p: &NewParticipant,
) -> Answers {
    let mut checked = Answers::new();
    for q in questions {
        if let Some(a) = errors.take(
            format!("participants[{i}].answers.{}", q.key),
            q.check(p.answers.get(&q.key).map(String::as_str)),
        ) && let Some(a) = a
        {
            checked.insert(q.key.clone(), a);
        }
    }
    for key in p.answers.keys() {
        if !questions.iter().any(|q| &q.key == key) {
            errors.add(
                format!("participants[{i}].answers.{key}"),
                "is not a question of this event",
            );
        }
    }
    checked
}

/// The visitor profile of participant `i` as stored: required on exchanges, refused elsewhere.
fn check_profile(
    ctx: &Ctx,
    errors: &mut FieldCollector,
    event: &EventRow,
    i: usize,
    p: &NewParticipant,
) -> Result<String> {
    let at = format!("participants[{i}].profile");
    Ok(match (&p.profile, event.is_exchange()) {
        (Some(given), true) => crate::domain::visitor::check(
            errors,
            &at,
            given,
            events::stay(event).0,
            ctx.settings.adult_age,
        )
        .map(|(checked, _)| serde_json::to_string(&checked).map_err(anyhow::Error::from))
        .transpose()?
        .unwrap_or_default(),
        (None, true) => {
            errors.add(
                at,
                "is required on an exchange: date of birth, gender, languages, diets, allergies ...",
            );
            String::new()
        }
        (Some(_), false) => {
            errors.add(at, "is asked only on exchanges");
            String::new()
        }
        (None, false) => String::new(),
    })
}

/// Decides the stored payment method for a registration costing `total_minor`. Without a
/// choice, paying later is assumed where allowed, else card.
pub(super) fn payment_method(
    ctx: &Ctx,
    event: &EventRow,
    total_minor: i64,
    choice: Option<PaymentChoice>,
) -> Result<PaymentMethod> {
    if total_minor == 0 {
        return Ok(PaymentMethod::None);
    }
    let card = event.pay_card && ctx.card.is_some();
    match choice {
        Some(PaymentChoice::Card) if card => Ok(PaymentMethod::Card),
        Some(PaymentChoice::Card) if event.pay_later => Err(AppError::field(
            "payment",
            "card payments are not available for this event; choose \"later\"",
        )),
        Some(PaymentChoice::Card) => Err(AppError::field(
            "payment",
            "card payments are not available for this event yet",
        )),
        Some(PaymentChoice::Later) | None if event.pay_later => Ok(PaymentMethod::Later),
        None if card => Ok(PaymentMethod::Card),
        _ if card => Err(AppError::field(
            "payment",
            "this event does not accept payment later; choose \"card\"",
        )),
        _ => Err(AppError::field(
            "payment",
            "this event does not accept payment later",
        )),
    }
}

/// Refuses a registration that would take more of the event than one person may: more
/// participants than a registration may list, or one more live registration than one email
/// address may hold.
pub(super) async fn check_limits(
    tx: &mut Tx,
    event: &EventRow,
    new: &NewRegistration,
) -> Result<()> {
    let limits = event.limits();
    if new.participants.len() > limits.participants() {
        return Err(AppError::field(
            "participants",
            format!(
                "must list at most {} participants for this event",
                limits.participants()
            ),
        ));
    }
    if let Some(most) = limits.registrations_per_email
        && regs::live_from_email(tx, event.id, new.contact_email.as_str()).await? >= most
    {
        return Err(AppError::field(
            "contact.email",
            format!(
                "already has {most} registrations for this event, the most one address may hold"
            ),
        ));
    }
    Ok(())
}
