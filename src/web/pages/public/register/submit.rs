//! Submitting the registration form: adding or removing a participant, or registering.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};

use super::super::home::public_event;
use crate::context::Ctx;
use crate::core::error::{AppError, FieldErrors};
use crate::domain::registration::input::parse_registration;
use crate::domain::registration::request_key::RequestKey;
use crate::i18n::{self};
use crate::registrations::{self, MAX_PARTICIPANTS};
use crate::web::pages::forms::{CsrfToken, FormData};
use crate::web::pages::view::EventView;
use crate::web::pages::{PageError, PageResult, render, render_with};

use super::participant::ParticipantInput;
use super::register_page;

/// A button of the registration form that changes the form instead of submitting it.
enum FormEdit {
    /// "Add another participant".
    Add,
    /// "Remove" participant `i`.
    Remove(usize),
    /// A remove button with a forged index.
    Nothing,
}

/// The participants as typed in the form.
fn participants_from(form: &FormData, event: &EventView) -> Vec<ParticipantInput> {
    (0..MAX_PARTICIPANTS)
        .take_while(|i| form.has(&format!("participants[{i}].name")))
        .map(|i| ParticipantInput {
            name: form.get(&format!("participants[{i}].name")).to_owned(),
            offering: form.get(&format!("participants[{i}].offering")).to_owned(),
            notes: form.get(&format!("participants[{i}].notes")).to_owned(),
            answers: event
                .questions
                .iter()
                .map(|q| {
                    let name = format!("participants[{i}].answers.{}", q.key);
                    (q.key.clone(), form.get(&name).to_owned())
                })
                .collect(),
            profile: ParticipantInput::profile_from(form, i),
        })
        .collect()
}

impl FormEdit {
    /// One more participant (with the previous one's offering) or one less.
    fn apply(self, participants: &mut Vec<ParticipantInput>, max: usize) {
        match self {
            FormEdit::Add if participants.len() < max => {
                let offering = participants
                    .last()
                    .map(|p| p.offering.clone())
                    .unwrap_or_default();
                participants.push(ParticipantInput {
                    offering,
                    ..Default::default()
                });
            }
            FormEdit::Remove(i) if i < participants.len() && participants.len() > 1 => {
                participants.remove(i);
            }
            _ => {}
        }
    }
}

/// Adds what submitting checks only once the rest is right: the answers and a missing
/// consent, so the form reports them together with the other fields, not on the next attempt.
fn also_report(
    fields: &mut FieldErrors,
    event_row: &crate::db::events::EventRow,
    participants: &[ParticipantInput],
    consent_missing: bool,
) {
    let questions = crate::domain::question::from_stored(&event_row.questions);
    for (i, p) in participants.iter().enumerate() {
        for q in &questions {
            if let Err(e) = q.check(Some(p.answer(&q.key))) {
                fields
                    .entry(format!("participants[{i}].answers.{}", q.key))
                    .or_insert(e.0);
            }
        }
    }
    if consent_missing {
        fields.insert(
            "accept_consents".to_owned(),
            registrations::CONSENT_REQUIRED.to_owned(),
        );
    }
}

/// `POST /events/{slug}/register`: adds or removes a participant row (the buttons work without
/// JavaScript), or submits; errors re-render the form with every value kept.
pub async fn register_submit(
    State(ctx): State<Ctx>,
    Path(slug): Path<String>,
    csrf: CsrfToken,
    form: FormData,
) -> PageResult {
    csrf.verify(&form)?;
    let (event_row, event) = public_event(&ctx, &slug).await?;
    let mut participants = participants_from(&form, &event);
    let consents = event.consents.len();
    let mut page = register_page(&ctx, csrf, event, Vec::new());
    let key = RequestKey::from_form(form.get("submission"), &slug, &form.said());
    if key.is_some() {
        page.submission = form.get("submission").to_owned();
    }
    page.contact_name = form.get("contact.name").to_owned();
    page.contact_email = form.get("contact.email").to_owned();
    page.contact_phone = form.get("contact.phone").to_owned();
    page.language = form.get("contact.language").to_owned();
    page.payment = match form.get("payment") {
        "" if page.event.card && !page.event.pay_later => "card".to_owned(),
        "" => "later".to_owned(),
        chosen => chosen.to_owned(),
    };
    page.consents_accepted = (0..consents)
        .map(|i| form.all("consent").contains(&i.to_string().as_str()))
        .collect();

    // "Add another participant" and "Remove" show the form again with one more or one less.
    let edit = match form.get("action") {
        "add" => Some(FormEdit::Add),
        other => other
            .strip_prefix("remove:")
            .map(|i| i.parse().map_or(FormEdit::Nothing, FormEdit::Remove)),
    };
    if let Some(edit) = edit {
        edit.apply(&mut participants, page.event.max_participants);
        page.participants = participants;
        return Ok(render(&page));
    }

    let body = page.body(&participants);
    page.participants = participants;
    let consent_missing = !page.consents_accepted.iter().all(|a| *a);
    let result = match parse_registration(body) {
        Ok(new) => registrations::submit(&ctx, &slug, new, key).await,
        // Report the answers and a missing consent together with the other fields, not on the
        // next attempt (submitting checks them only once the rest is right).
        Err(AppError::Validation(mut fields)) => {
            also_report(&mut fields, &event_row, &page.participants, consent_missing);
            Err(AppError::Validation(fields))
        }
        Err(e) => Err(e),
    };
    match result {
        // Paying by card: straight on to Stripe's page.
        Ok(done) => Ok(Redirect::to(
            &done
                .payment_url
                .unwrap_or_else(|| format!("/r/{}", done.token)),
        )
        .into_response()),
        Err(AppError::Validation(errors)) => {
            // The checks speak English (as the API does); the page speaks the visitor's language.
            page.errors = errors
                .into_iter()
                .map(|(field, m)| (field, i18n::field_message(&page.l.lang, &m)))
                .collect();
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::Conflict { code, message }) => {
            page.problem = Some(i18n::conflict_message(&page.l.lang, code, &message));
            Ok(render_with(StatusCode::CONFLICT, &page))
        }
        Err(AppError::Unavailable { code, message }) => {
            page.problem = Some(i18n::conflict_message(&page.l.lang, code, &message));
            Ok(render_with(StatusCode::SERVICE_UNAVAILABLE, &page))
        }
        Err(other) => Err(PageError(other)),
    }
}
