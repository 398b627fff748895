//! The registration form: participants, their tickets, answers and (on exchanges) profiles.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::home::public_event;
use crate::context::Ctx;
use crate::core::error::{AppError, FieldErrors};
use crate::domain::registration::input::{
    ContactBody, ParticipantBody, RegistrationBody, parse_registration,
};
use crate::i18n::{self, LANGUAGES};
use crate::registrations::{self, MAX_PARTICIPANTS};
use crate::web::pages::forms::{CsrfToken, FormData, field_id};
use crate::web::pages::view::EventView;
use crate::web::pages::{Layout, PageError, PageResult, render, render_with};

/// One participant row of the form, as entered.
#[derive(Debug, Clone, Default)]
pub struct ParticipantInput {
    pub name: String,
    pub offering: String,
    pub notes: String,
    /// Answers by question key.
    pub answers: std::collections::BTreeMap<String, String>,
    /// On exchanges: the visitor profile's fields as typed, by sub-field (`born_on`,
    /// `languages[0].code` ...; ticked boxes joined by newlines).
    pub profile: std::collections::BTreeMap<String, String>,
}

/// Rows of languages and allergies the exchange form offers per visitor.
const PROFILE_ROWS: &[usize] = &[0, 1];

impl ParticipantInput {
    /// The answer to question `key`, as entered.
    fn answer(&self, key: &str) -> &str {
        self.answers.get(key).map_or("", String::as_str)
    }

    /// A profile field as typed.
    fn pv(&self, key: &str) -> &str {
        self.profile.get(key).map_or("", String::as_str)
    }

    /// Whether profile box `key` is ticked with `value`.
    fn pticked(&self, key: &str, value: &str) -> bool {
        self.pv(key).lines().any(|v| v == value)
    }

    /// Reads participant `i`'s profile fields from the form.
    fn profile_from(form: &FormData, i: usize) -> std::collections::BTreeMap<String, String> {
        let prefix = format!("participants[{i}].profile.");
        let mut out: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
        for (k, v) in &form.0 {
            if let Some(key) = k.strip_prefix(&prefix) {
                out.entry(key.to_owned())
                    .and_modify(|e| {
                        e.push('\n');
                        e.push_str(v);
                    })
                    .or_insert_with(|| v.clone());
            }
        }
        out
    }

    /// The profile in the API's shape.
    fn profile_body(&self) -> crate::domain::visitor::VisitorProfile {
        use crate::domain::visitor::{AllergyBody, GuardianBody, VisitorProfile};
        let list = |key: &str| -> Vec<String> {
            self.pv(key)
                .lines()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let guardian_name = self.pv("guardian.name").trim();
        let guardian_email = self.pv("guardian.email").trim();
        let guardian_phone = self.pv("guardian.phone").trim();
        VisitorProfile {
            display_name: Some(self.pv("display_name").to_owned()),
            born_on: self.pv("born_on").to_owned(),
            gender: self.pv("gender").to_owned(),
            languages: PROFILE_ROWS
                .iter()
                .filter(|k| !self.pv(&format!("languages[{k}].code")).is_empty())
                .map(|k| crate::exchanges::households::LanguageLevel {
                    code: self.pv(&format!("languages[{k}].code")).to_owned(),
                    level: self
                        .pv(&format!("languages[{k}].level"))
                        .parse()
                        .unwrap_or(0),
                })
                .collect(),
            interests: self
                .pv("interests")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            diets_required: list("diets_required"),
            diets_preferred: Vec::new(),
            allergies: PROFILE_ROWS
                .iter()
                .filter(|k| !self.pv(&format!("allergies[{k}].agent")).trim().is_empty())
                .map(|k| AllergyBody {
                    agent: self.pv(&format!("allergies[{k}].agent")).to_owned(),
                    severity: self.pv(&format!("allergies[{k}].severity")).to_owned(),
                })
                .collect(),
            smoker: crate::web::pages::forms::is_yes(self.pv("smoker")),
            stairs_ok: !crate::web::pages::forms::is_yes(self.pv("no_stairs")),
            guardian: (!guardian_name.is_empty()
                || !guardian_email.is_empty()
                || !guardian_phone.is_empty())
            .then(|| GuardianBody {
                name: guardian_name.to_owned(),
                email: Some(guardian_email.to_owned()),
                phone: Some(guardian_phone.to_owned()),
            }),
            // A minor's guardian gives the placement consents through their own link.
            consents: Vec::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    l: Layout,
    csrf: String,
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
        .clamp(1, MAX_PARTICIPANTS);
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
    let lang = i18n::current();
    RegisterPage {
        l: Layout::public(
            ctx,
            i18n::t_with(lang, "register-page-title", &[("title", &event.title)]),
        ),
        csrf: csrf.0,
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
        max_participants: MAX_PARTICIPANTS,
        payment: if event_card_first { "card" } else { "later" }.to_owned(),
        priced,
        profile: ProfileChoices::new(lang),
    }
}

/// A button of the registration form that changes the form instead of submitting it.
enum FormEdit {
    /// "Add another participant".
    Add,
    /// "Remove" participant `i`.
    Remove(usize),
    /// A remove button with a forged index.
    Nothing,
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
    let mut participants: Vec<ParticipantInput> = (0..MAX_PARTICIPANTS)
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
            profile: ParticipantInput::profile_from(&form, i),
        })
        .collect();
    let consents = event.consents.len();
    let mut page = register_page(&ctx, csrf, event, Vec::new());
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
        match edit {
            FormEdit::Add if participants.len() < MAX_PARTICIPANTS => {
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
        page.participants = participants;
        return Ok(render(&page));
    }

    let body = RegistrationBody {
        contact: ContactBody {
            name: page.contact_name.clone(),
            email: page.contact_email.clone(),
            phone: Some(page.contact_phone.clone()),
            language: Some(page.language.clone()),
        },
        participants: participants
            .iter()
            .map(|p| ParticipantBody {
                profile: page.event.is_exchange.then(|| p.profile_body()),
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
        payment: page.priced.then(|| page.payment.clone()),
        accept_consents: page.consents_accepted.iter().all(|a| *a),
    };
    page.participants = participants;
    let consent_missing = !page.consents_accepted.iter().all(|a| *a);
    let result = match parse_registration(body) {
        Ok(new) => registrations::submit(&ctx, &slug, new).await,
        // Report the answers and a missing consent together with the other fields, not on the
        // next attempt (submitting checks them only once the rest is right).
        Err(AppError::Validation(mut fields)) => {
            let questions = crate::domain::question::from_stored(&event_row.questions);
            for (i, p) in page.participants.iter().enumerate() {
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

/// The name of offering `key` as the event page shows it (in the page's language), else the
/// name it was registered under.
pub(super) fn offering_name(event: &EventView, key: &str, registered: &str) -> String {
    event
        .offerings
        .iter()
        .find(|o| o.key == key)
        .map_or_else(|| registered.to_owned(), |o| o.name.clone())
}
