//! The registration form: participants, their tickets, answers and (on exchanges) profiles.

use askama::Template;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

use super::home::public_event;
use crate::context::Ctx;
use crate::core::error::FieldErrors;
use crate::domain::registration::input::{ContactBody, ParticipantBody, RegistrationBody};
use crate::i18n::{self, LANGUAGES};
use crate::web::pages::forms::{CsrfToken, field_id};
use crate::web::pages::view::EventView;
use crate::web::pages::{Layout, PageResult, render};

mod participant;
mod submit;

use participant::PROFILE_ROWS;
pub use participant::ParticipantInput;
pub use submit::register_submit;

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    l: Layout,
    csrf: String,
    /// Names this filling-in of the form: sent twice with the same fields (a double click, a
    /// reload after a timeout), it makes one registration.
    submission: String,
    event: EventView,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
    language: String,
    participants: Vec<ParticipantInput>,
    consents_accepted: Vec<bool>,
    errors: FieldErrors,
    problem: Option<String>,
    languages: &'static [(&'static str, &'static str)],
    max_participants: usize,
    /// Minutes seats for a later payment are held until the address is confirmed (0: as the
    /// event holds them).
    unconfirmed_minutes: i64,
    /// `card` or `later`, as chosen (or the default).
    payment: String,
    priced: bool,
    /// Choices of the visitor profile on exchanges.
    profile: ProfileChoices,
}

/// The choices the exchange form offers for each visitor.
struct ProfileChoices {
    rows: &'static [usize],
    spoken: &'static [(&'static str, &'static str)],
    genders: crate::web::pages::hosts::Options,
    levels: crate::web::pages::hosts::Options,
    diets: crate::web::pages::hosts::Options,
    severities: crate::web::pages::hosts::Options,
}

impl ProfileChoices {
    fn new(lang: &str) -> Self {
        use crate::web::pages::hosts::options;
        Self {
            rows: PROFILE_ROWS,
            spoken: crate::web::pages::hosts::SPOKEN,
            genders: options(lang, "visitor-gender-", &["female", "male", "other"]),
            levels: options(lang, "level-", &["1", "2", "3"]),
            diets: options(lang, "diet-", crate::exchanges::households::DIETS),
            severities: options(lang, "allergy-", &["mild", "severe"]),
        }
    }
}

impl RegisterPage {
    /// The registration as the API's body, from what the form holds.
    fn body(&self, participants: &[ParticipantInput]) -> RegistrationBody {
        RegistrationBody {
            contact: ContactBody {
                name: self.contact_name.clone(),
                email: self.contact_email.clone(),
                phone: Some(self.contact_phone.clone()),
                language: Some(self.language.clone()),
            },
            participants: participants
                .iter()
                .map(|p| ParticipantBody {
                    profile: self.event.is_exchange.then(|| p.profile_body()),
                    name: p.name.clone(),
                    offering: p.offering.clone(),
                    notes: Some(p.notes.clone()),
                    answers: Some(
                        p.answers
                            .iter()
                            .filter(|(_, a)| !a.trim().is_empty())
                            .map(|(k, a)| (k.clone(), a.clone()))
                            .collect(),
                    ),
                })
                .collect(),
            payment: self.priced.then(|| self.payment.clone()),
            accept_consents: self.consents_accepted.iter().all(|a| *a),
        }
    }

    /// The message for field `name`, if it is wrong.
    fn err(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }

    /// The message for field `field` of participant `i`.
    fn perr(&self, i: &usize, field: &str) -> Option<&String> {
        self.errors.get(&format!("participants[{i}].{field}"))
    }

    /// The element id of profile field `key` of participant `i`.
    fn ppid(&self, i: &usize, key: &str) -> String {
        field_id(&format!("participants[{i}].profile.{key}"))
    }

    /// The message for profile field `key` of participant `i`.
    fn pperr(&self, i: &usize, key: &str) -> Option<&String> {
        self.errors.get(&format!("participants[{i}].profile.{key}"))
    }

    /// The element id of participant `i`'s answer to question `key`.
    fn qid(&self, i: &usize, key: &str) -> String {
        field_id(&format!("participants[{i}].answers.{key}"))
    }

    /// Whether consent statement `i` is ticked.
    fn consent_checked(&self, i: &usize) -> bool {
        self.consents_accepted.get(*i).copied().unwrap_or(false)
    }

    /// Every message with the id of its field, for the summary at the top.
    fn summary(&self) -> Vec<(String, String)> {
        let lang = self.l.lang.as_str();
        let mut fields: Vec<(&String, &String)> = self.errors.iter().collect();
        fields.sort_by_key(|(name, _)| form_order(name));
        fields
            .into_iter()
            .map(|(name, message)| {
                let what = match name.split_once("].answers.") {
                    Some((head, key)) => {
                        let i = head
                            .trim_start_matches("participants[")
                            .parse::<usize>()
                            .unwrap_or(0);
                        let question = self
                            .event
                            .questions
                            .iter()
                            .find(|q| q.key == key)
                            .map_or(key, |q| q.label.as_str());
                        i18n::t_with(
                            lang,
                            "field-participant-question",
                            &[("n", &(i + 1).to_string()), ("question", question)],
                        )
                    }
                    None => label(lang, name),
                };
                (field_id(name), format!("{what}: {message}"))
            })
            .collect()
    }
}

/// Where a field comes in the form, so the error summary follows the page.
fn form_order(name: &str) -> (usize, usize, String) {
    let participant = name
        .strip_prefix("participants[")
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(i, _)| i.parse::<usize>().ok());
    let rank = match name {
        "contact.name" => 0,
        "contact.email" => 1,
        "contact.language" => 2,
        "participants" => 3,
        _ if participant.is_some() => 4,
        "payment" => 5,
        "accept_consents" => 6,
        _ => 7,
    };
    (rank, participant.unwrap_or(0), name.to_owned())
}

/// A field path in words, for the error summary.
fn label(lang: &str, name: &str) -> String {
    let key = match name {
        "contact.name" => "field-contact-name",
        "contact.email" => "field-contact-email",
        "contact.phone" => "field-contact-phone",
        "contact.language" => "field-contact-language",
        "accept_consents" => "field-consent",
        "participants" => "field-participants",
        "payment" => "field-payment",
        other => {
            if let Some(rest) = other.strip_prefix("participants[")
                && let Some((i, field)) = rest.split_once("].")
                && let Ok(i) = i.parse::<usize>()
            {
                let key = match field {
                    "name" => "field-participant-name",
                    "offering" => "field-participant-offering",
                    _ => "field-participant-notes",
                };
                return i18n::t_with(lang, key, &[("n", &(i + 1).to_string())]);
            }
            return other.to_owned();
        }
    };
    i18n::t(lang, key)
}

/// How many participant rows the form shows when first opened.
#[derive(Debug, Deserialize)]
pub struct RegisterQuery {
    #[serde(default)]
    pub participants: Option<String>,
}

/// `GET /events/{slug}/register`. Without JavaScript, `?participants=N` sets the group size.
pub async fn register_form(
    State(ctx): State<Ctx>,
    Path(slug): Path<String>,
    Query(q): Query<RegisterQuery>,
    csrf: CsrfToken,
) -> PageResult {
    let (_, event) = public_event(&ctx, &slug).await?;
    let count = q
        .participants
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, event.max_participants);
    let first_offering = event
        .offerings
        .iter()
        .find(|o| !o.full())
        .or(event.offerings.first())
        .map(|o| o.key.clone())
        .unwrap_or_default();
    let participants = vec![
        ParticipantInput {
            offering: first_offering,
            ..Default::default()
        };
        count
    ];
    let page = register_page(&ctx, csrf, event, participants);
    Ok(render(&page))
}

fn register_page(
    ctx: &Ctx,
    csrf: CsrfToken,
    event: EventView,
    participants: Vec<ParticipantInput>,
) -> RegisterPage {
    let priced = event.offerings.iter().any(|o| o.price_minor > 0);
    let event_card_first = event.card;
    let event_max = event.max_participants;
    let lang = i18n::current();
    RegisterPage {
        l: Layout::public(
            ctx,
            i18n::t_with(lang, "register-page-title", &[("title", &event.title)]),
        ),
        csrf: csrf.0,
        submission: crate::domain::token::generate(),
        consents_accepted: vec![false; event.consents.len()],
        event,
        contact_name: String::new(),
        contact_email: String::new(),
        contact_phone: String::new(),
        language: lang.to_owned(),
        participants,
        errors: FieldErrors::new(),
        problem: None,
        languages: LANGUAGES,
        max_participants: event_max,
        unconfirmed_minutes: ctx.settings.unconfirmed_hold_minutes,
        payment: if event_card_first { "card" } else { "later" }.to_owned(),
        priced,
        profile: ProfileChoices::new(lang),
    }
}

/// The name of offering `key` as the event page shows it (in the page's language), else the
/// name it was registered under.
pub(super) fn offering_name(event: &EventView, key: &str, registered: &str) -> String {
    event
        .offerings
        .iter()
        .find(|o| o.key == key)
        .map_or_else(|| registered.to_owned(), |o| o.name.clone())
}
