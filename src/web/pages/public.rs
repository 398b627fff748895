//! The public site: upcoming events, an event, the registration form, the private registration
//! page, waitlist offers, partner cities and the calendar feed.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::forms::{CsrfToken, FormData, field_id, set_cookie};
use super::view::{EventView, PartnerView, Window, price, status_words};
use super::{Layout, PageError, PageResult, render, render_with};
use crate::context::Ctx;
use crate::core::error::{AppError, FieldErrors};
use crate::db::events::{self as db_events, EventRow, PartnerCityRow};
use crate::db::registrations as db_regs;
use crate::domain::{EventStatus, RegistrationStatus};
use crate::email::compose::{local_time_in, registration_calendar};
use crate::email::ics::{CalendarEntry, calendar_feed};
use crate::i18n::{self, LANGUAGES};
use crate::registrations::{self, Actor, MAX_PARTICIPANTS};
use crate::web::api::registrations::{
    ContactBody, ParticipantBody, RegistrationBody, parse_registration,
};

/// Filters of the home page.
#[derive(Debug, Deserialize)]
pub struct HomeQuery {
    /// Only events with this partner city.
    #[serde(default)]
    pub partner: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    events: Vec<EventView>,
    partners: Vec<PartnerView>,
    partner: Option<PartnerView>,
}

async fn upcoming(ctx: &Ctx, partner_id: Option<i64>) -> anyhow::Result<Vec<EventView>> {
    let now = ctx.clock.now();
    let rows = db_events::list_upcoming(&ctx.db, now).await?;
    let offerings = db_events::offerings_of_published(&ctx.db).await?;
    let partners: HashMap<i64, PartnerCityRow> = db_events::list_partners(&ctx.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(rows
        .iter()
        .filter(|e| partner_id.is_none() || e.partner_city_id == partner_id)
        .map(|e| {
            let partner = e.partner_city_id.and_then(|id| partners.get(&id));
            let offers = offerings.get(&e.id).map_or(&[][..], Vec::as_slice);
            EventView::new(e, offers, partner, now)
        })
        .collect())
}

/// `GET /`: upcoming events and exchanges, optionally of one partner city.
pub async fn home(State(ctx): State<Ctx>, Query(q): Query<HomeQuery>) -> PageResult {
    let partners = db_events::list_partners(&ctx.db).await?;
    let partner = match q.partner.as_deref().filter(|p| !p.is_empty()) {
        Some(slug) => Some(
            partners
                .iter()
                .find(|p| p.slug == slug)
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let events = upcoming(&ctx, partner.map(|p| p.id)).await?;
    Ok(render(&HomePage {
        l: Layout::public(&ctx, i18n::t(i18n::current(), "home-title")),
        events,
        partners: partners.iter().map(PartnerView::new).collect(),
        partner: partner.map(PartnerView::new),
    }))
}

/// Loads a published or cancelled event with its offerings and partner; drafts are not public.
async fn public_event(ctx: &Ctx, slug: &str) -> PageResult<(EventRow, EventView)> {
    let event = db_events::find_by_slug(&ctx.db, slug)
        .await?
        .filter(|e| e.status != EventStatus::Draft)
        .ok_or(AppError::NotFound)?;
    let (offerings, partner) = db_events::offerings_and_partner(&ctx.db, &event).await?;
    let view = EventView::new(&event, &offerings, partner.as_ref(), ctx.clock.now())
        .with_card(&event, ctx.card.is_some());
    Ok((event, view))
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    l: Layout,
    event: EventView,
}

/// `GET /events/{slug}`.
pub async fn event_page(State(ctx): State<Ctx>, Path(slug): Path<String>) -> PageResult {
    let (_, event) = public_event(&ctx, &slug).await?;
    Ok(render(&EventPage {
        l: Layout::public(&ctx, event.title.clone()),
        event,
    }))
}

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
            smoker: super::forms::is_yes(self.pv("smoker")),
            stairs_ok: !super::forms::is_yes(self.pv("no_stairs")),
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
    genders: super::hosts::Options,
    levels: super::hosts::Options,
    diets: super::hosts::Options,
    severities: super::hosts::Options,
}

impl ProfileChoices {
    fn new(lang: &str) -> Self {
        use super::hosts::options;
        Self {
            rows: PROFILE_ROWS,
            spoken: super::hosts::SPOKEN,
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
fn offering_name(event: &EventView, key: &str, registered: &str) -> String {
    event
        .offerings
        .iter()
        .find(|o| o.key == key)
        .map_or_else(|| registered.to_owned(), |o| o.name.clone())
}

/// A participant as the private page shows it.
#[derive(Debug, Clone)]
struct ParticipantLine {
    name: String,
    offering: String,
    price: String,
    notes: String,
    /// (question, answer) pairs.
    answers: Vec<(String, String)>,
    code: Option<String>,
    /// The check-in code as an inline SVG QR code.
    qr: Option<String>,
}

#[derive(Template)]
#[template(path = "registration.html")]
struct RegistrationPage {
    l: Layout,
    token: String,
    event: EventView,
    status: String,
    status_label: String,
    status_text: String,
    contact_name: String,
    contact_email: String,
    participants: Vec<ParticipantLine>,
    total: String,
    paid: String,
    due: String,
    has_due: bool,
    hold_until: Option<String>,
    offer_until: Option<String>,
    can_cancel: bool,
    confirmed: bool,
    payments: Vec<(String, String, String)>,
    csrf: String,
    /// The Pay button's words, when the registration can be paid by card now.
    card_pay: Option<String>,
    /// A word about a card payment just made or that could not start.
    notice: Option<String>,
    /// Where each minor's guardian's consent stands, in words.
    guardians: Vec<String>,
}

/// The check-in code as an SVG QR code.
pub fn qr_svg(code: &str) -> Option<String> {
    let qr = qrcode::QrCode::new(code.as_bytes()).ok()?;
    let svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    // Inline in HTML: drop the XML declaration the renderer writes first.
    svg.find("<svg").map(|start| svg[start..].to_owned())
}

/// A registration with everything the private pages show.
struct Loaded {
    reg: db_regs::RegistrationRow,
    event_row: EventRow,
    event: EventView,
    status: RegistrationStatus,
    participants: Vec<db_regs::ParticipantRow>,
    payments: Vec<db_regs::PaymentRow>,
    paid: i64,
    /// A minor's guardians' requests (exchanges only).
    guardians: Vec<crate::db::guardians::GuardianRow>,
}

async fn load(ctx: &Ctx, token: &str) -> PageResult<Loaded> {
    let reg = registrations::find(ctx, token).await?;
    load_registration(ctx, reg).await
}

async fn load_registration(ctx: &Ctx, reg: db_regs::RegistrationRow) -> PageResult<Loaded> {
    let event_row = db_events::find_by_id(&ctx.db, reg.event_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (offerings, partner) = db_events::offerings_and_partner(&ctx.db, &event_row).await?;
    let event = EventView::new(&event_row, &offerings, partner.as_ref(), ctx.clock.now())
        .with_card(&event_row, ctx.card.is_some());
    let participants = db_regs::participants(&ctx.db, reg.id).await?;
    let payments = db_regs::payments(&ctx.db, reg.id).await?;
    let paid = db_regs::PaymentRow::net(&payments);
    let status = reg.status;
    let guardians = if event_row.is_exchange() {
        crate::db::guardians::of_registration(&ctx.db, reg.id).await?
    } else {
        Vec::new()
    };
    Ok(Loaded {
        reg,
        event_row,
        event,
        status,
        participants,
        payments,
        paid,
        guardians,
    })
}

/// Loads registration `token` and answers with `page` in the registration's language, unless
/// the visitor chose a language with the switch: the person who registered in Spanish reads
/// their private pages in Spanish, whatever browser opens the link.
async fn in_registration_language<F>(
    ctx: &Ctx,
    headers: &axum::http::HeaderMap,
    token: &str,
    page: F,
) -> PageResult
where
    F: AsyncFnOnce(Loaded) -> PageResult,
{
    let reg = registrations::find(ctx, token).await?;
    let lang = super::forms::private_page_language(headers, &reg.language);
    i18n::with_language(lang, async move {
        let loaded = load_registration(ctx, reg).await?;
        page(loaded).await
    })
    .await
}

/// `?payment=` on the private page: back from Stripe (`done`) or a payment that could not
/// start (`failed`).
#[derive(Debug, Deserialize)]
pub struct PaymentQuery {
    #[serde(default)]
    pub payment: Option<String>,
}

/// `GET /r/{token}`: the private registration page.
pub async fn registration_page(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    Query(q): Query<PaymentQuery>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
) -> PageResult {
    in_registration_language(&ctx, &headers, &token.clone(), async |d| {
        registration_view(&ctx, token, d, csrf.0, q.payment.as_deref())
    })
    .await
}

/// `POST /r/{token}/pay`: on to Stripe's page to pay what is due by card.
pub async fn pay_submit(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    csrf: CsrfToken,
    form: FormData,
) -> PageResult {
    csrf.verify(&form)?;
    let d = load(&ctx, &token).await?;
    if !d.event.card {
        return Err(AppError::conflict(
            "card_unavailable",
            "This event does not take card payments.",
        )
        .into());
    }
    match crate::registrations::payments::checkout_url(&ctx, &d.reg).await {
        Ok(url) => Ok(Redirect::to(&url).into_response()),
        Err(AppError::Unavailable { .. }) => {
            Ok(Redirect::to(&format!("/r/{token}?payment=failed")).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

fn registration_view(
    ctx: &Ctx,
    token: String,
    d: Loaded,
    csrf: String,
    payment: Option<&str>,
) -> PageResult {
    let lang = i18n::current();
    let money = |minor: i64, currency: &str| i18n::format::money(lang, minor, currency);
    let (status_label, status_text) = status_words(d.status);
    let confirmed = matches!(
        d.status,
        RegistrationStatus::Confirmed | RegistrationStatus::Attended
    );
    let currency = d.reg.currency.clone();
    let due = (d.reg.total_minor - d.paid).max(0);
    let page = RegistrationPage {
        l: Layout::public(
            ctx,
            i18n::t_with(
                lang,
                "registration-page-title",
                &[("title", &d.event.title)],
            ),
        ),
        guardians: d
            .guardians
            .iter()
            .map(|g| {
                let visitor = d
                    .participants
                    .iter()
                    .find(|p| p.id == g.participant_id)
                    .map_or("", |p| p.name.as_str());
                i18n::t_with(
                    lang,
                    &format!("registration-guardian-{}", g.status),
                    &[("guardian", &g.guardian_name), ("visitor", visitor)],
                )
            })
            .collect(),
        token,
        status: d.status.as_str().to_owned(),
        status_label,
        status_text,
        contact_name: d.reg.contact_name.clone(),
        contact_email: d.reg.contact_email.clone(),
        participants: d
            .participants
            .iter()
            .map(|p| ParticipantLine {
                name: p.name.clone(),
                offering: offering_name(&d.event, &p.offering_key, &p.offering_name),
                price: price(p.price_minor, &currency),
                notes: p.notes.clone(),
                answers: super::view::answers(&d.event.questions, &p.answers),
                code: confirmed.then(|| p.checkin_code.clone()).flatten(),
                qr: if confirmed {
                    p.checkin_code.as_deref().and_then(qr_svg)
                } else {
                    None
                },
            })
            .collect(),
        total: price(d.reg.total_minor, &currency),
        paid: money(d.paid, &currency),
        due: money(due, &currency),
        has_due: due > 0 && d.status.is_live(),
        hold_until: d
            .reg
            .hold_expires_at
            .filter(|_| d.status == RegistrationStatus::PendingPayment)
            .map(|t| local_time_in(lang, t, &d.event_row)),
        offer_until: d
            .reg
            .offer_expires_at
            .filter(|_| d.status == RegistrationStatus::Offered)
            .map(|t| local_time_in(lang, t, &d.event_row)),
        can_cancel: d.status.is_live(),
        confirmed,
        csrf,
        card_pay: (d.event.card
            && due > 0
            && d.status == RegistrationStatus::PendingPayment
            && d.reg.hold_expires_at.is_some_and(|h| h > ctx.clock.now()))
        .then(|| {
            i18n::t_with(
                lang,
                "pay-card-button",
                &[("amount", &money(due, &currency))],
            )
        }),
        notice: match payment {
            Some("done") if d.status == RegistrationStatus::PendingPayment => {
                Some(i18n::t(lang, "payment-processing"))
            }
            Some("failed") => Some(i18n::t(lang, "payment-start-failed")),
            _ => None,
        },
        payments: d
            .payments
            .iter()
            .filter(|p| p.status != crate::domain::LedgerStatus::Failed)
            .map(|p| {
                let method = i18n::try_t(lang, &format!("payment-method-{}", p.method))
                    .unwrap_or_else(|| p.method.to_string());
                (
                    local_time_in(lang, p.created_at, &d.event_row),
                    if p.kind == crate::domain::LedgerKind::Refund {
                        i18n::t_with(lang, "payment-refund", &[("method", &method)])
                    } else {
                        method
                    },
                    money(p.amount_minor, &p.currency),
                )
            })
            .collect(),
        event: d.event,
    };
    Ok(render(&page))
}

/// `GET /r/{token}/calendar.ics`: the calendar file of a confirmed registration.
pub async fn registration_calendar_file(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
) -> PageResult {
    let d = load(&ctx, &token).await?;
    if !matches!(
        d.status,
        RegistrationStatus::Confirmed | RegistrationStatus::Attended
    ) {
        return Err(AppError::conflict(
            "not_confirmed",
            "The calendar file is available once the registration is confirmed.",
        )
        .into());
    }
    let body = registration_calendar(&ctx, &d.event_row, &d.reg, &ctx.manage_url(&token));
    Ok(calendar_response(
        body,
        &format!("{}.ics", d.event_row.slug),
    ))
}

fn calendar_response(body: String, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "cancel.html")]
struct CancelPage {
    l: Layout,
    csrf: String,
    token: String,
    event: EventView,
    /// What cancelling now does to the money paid, by the event's policy (empty: nothing paid).
    refund: String,
}

/// `GET /r/{token}/cancel`: asks for confirmation and states the refund that applies.
pub async fn cancel_form(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
) -> PageResult {
    in_registration_language(&ctx, &headers, &token.clone(), async |d| {
        if !d.status.is_live() {
            return Ok(Redirect::to(&format!("/r/{token}")).into_response());
        }
        let lang = i18n::current();
        let policy = d.event_row.policy();
        let starts = d.event_row.starts_at;
        let refund = policy.refund_for(d.paid, starts, ctx.clock.now());
        let money = |minor: i64| i18n::format::money(lang, minor, &d.reg.currency);
        let key = match refund {
            _ if d.paid <= 0 => None,
            r if r >= d.paid => Some("cancel-refund-full"),
            0 => Some("cancel-refund-none"),
            _ => Some("cancel-refund-part"),
        };
        let until = local_time_in(lang, policy.full_refund_until(starts), &d.event_row);
        Ok(render(&CancelPage {
            l: Layout::public(&ctx, i18n::t(lang, "cancel-page-title")),
            csrf: csrf.0,
            token,
            event: d.event,
            refund: key
                .map(|key| {
                    i18n::t_with(
                        lang,
                        key,
                        &[
                            ("amount", &money(d.paid)),
                            ("refund", &money(refund)),
                            ("until", &until),
                        ],
                    )
                })
                .unwrap_or_default(),
        }))
    })
    .await
}

/// `POST /r/{token}/cancel`.
pub async fn cancel_submit(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    csrf: CsrfToken,
    form: FormData,
) -> PageResult {
    csrf.verify(&form)?;
    registrations::cancel(
        &ctx,
        &token,
        Actor::Participant,
        crate::domain::TransitionReason::CancelledOnPrivatePage,
    )
    .await?;
    Ok(Redirect::to(&format!("/r/{token}")).into_response())
}

#[derive(Template)]
#[template(path = "offer.html")]
struct OfferPage {
    l: Layout,
    csrf: String,
    token: String,
    event: EventView,
    open: bool,
    deadline: String,
    participants: Vec<(String, String)>,
    total: String,
    priced: bool,
}

/// `GET /offers/{token}`: a waitlist offer with its deadline and a claim button.
pub async fn offer_page(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
) -> PageResult {
    in_registration_language(&ctx, &headers, &token.clone(), async |d| {
        offer_view(&ctx, token, csrf, d)
    })
    .await
}

fn offer_view(ctx: &Ctx, token: String, csrf: CsrfToken, d: Loaded) -> PageResult {
    let open = d.status == RegistrationStatus::Offered;
    let lang = i18n::current();
    Ok(render(&OfferPage {
        l: Layout::public(
            ctx,
            i18n::t_with(lang, "offer-page-title", &[("title", &d.event.title)]),
        ),
        csrf: csrf.0,
        token,
        open,
        deadline: d
            .reg
            .offer_expires_at
            .map(|t| local_time_in(lang, t, &d.event_row))
            .unwrap_or_default(),
        participants: d
            .participants
            .iter()
            .map(|p| {
                let offering = offering_name(&d.event, &p.offering_key, &p.offering_name);
                (p.name.clone(), offering)
            })
            .collect(),
        total: price(d.reg.total_minor, &d.reg.currency),
        priced: d.reg.total_minor > 0,
        event: d.event,
    }))
}

/// `POST /offers/{token}`: claims the offered seats.
pub async fn claim_submit(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    csrf: CsrfToken,
    form: FormData,
) -> PageResult {
    csrf.verify(&form)?;
    let d = load(&ctx, &token).await?;
    use crate::domain::PaymentChoice;
    // Card where the event takes only cards (or the registrant chose card); the private page
    // offers the Pay button either way.
    let by_card = d.event.card
        && (!d.event.pay_later || d.reg.payment_method == crate::domain::PaymentMethod::Card);
    let payment = (d.reg.total_minor > 0).then_some(if by_card {
        PaymentChoice::Card
    } else {
        PaymentChoice::Later
    });
    let status = registrations::claim_offer(&ctx, &token, payment).await?;
    if by_card && status == RegistrationStatus::PendingPayment {
        let reg = registrations::find(&ctx, &token).await?;
        return Ok(
            match crate::registrations::payments::checkout_url(&ctx, &reg).await {
                Ok(url) => Redirect::to(&url).into_response(),
                Err(_) => Redirect::to(&format!("/r/{token}?payment=failed")).into_response(),
            },
        );
    }
    Ok(Redirect::to(&format!("/r/{token}")).into_response())
}

#[derive(Template)]
#[template(path = "partner.html")]
struct PartnerPage {
    l: Layout,
    partner: PartnerView,
    partnership: String,
    languages: Vec<String>,
    events: Vec<EventView>,
}

/// `GET /partners/{slug}`: a sister city and its upcoming events and exchanges.
pub async fn partner_page(State(ctx): State<Ctx>, Path(slug): Path<String>) -> PageResult {
    let partner = db_events::partner_by_slug(&ctx.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let events = upcoming(&ctx, Some(partner.id)).await?;
    let view = PartnerView::new(&partner);
    Ok(render(&PartnerPage {
        l: Layout::public(&ctx, format!("{}, {}", partner.name, partner.country)),
        partnership: view.partnership(ctx.clock.now()),
        languages: partner
            .languages
            .split(',')
            .filter(|l| !l.is_empty())
            .map(|l| {
                LANGUAGES
                    .iter()
                    .find(|(code, _)| *code == l)
                    .map_or_else(|| l.to_owned(), |(_, name)| (*name).to_owned())
            })
            .collect(),
        partner: view,
        events,
    }))
}

/// `GET /events.ics`: every upcoming published event, for calendar subscriptions.
pub async fn events_feed(State(ctx): State<Ctx>) -> PageResult {
    let rows = db_events::list_upcoming(&ctx.db, ctx.clock.now()).await?;
    let host = ctx
        .settings
        .base_url()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .to_owned();
    let uids: Vec<String> = rows
        .iter()
        .map(|e| format!("event-{}@{host}", e.id))
        .collect();
    let urls: Vec<String> = rows
        .iter()
        .map(|e| format!("{}/events/{}", ctx.settings.base_url(), e.slug))
        .collect();
    let texts: Vec<_> = rows
        .iter()
        .map(|e| crate::db::events::text_in(e, i18n::current()))
        .collect();
    let entries: Vec<CalendarEntry<'_>> = rows
        .iter()
        .zip(uids.iter().zip(&urls))
        .zip(&texts)
        .map(|((e, (uid, url)), text)| CalendarEntry {
            uid,
            title: &text.title,
            description: &text.description,
            venue: &e.venue,
            url,
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            timezone: crate::domain::TimeZone::parse(&e.timezone).map_or(chrono_tz::UTC, |z| z.0),
        })
        .collect();
    let body = calendar_feed(&ctx.settings.org_name, &entries);
    let mut response = calendar_response(body, "events.ics");
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        header::HeaderValue::from_static("inline; filename=\"events.ics\""),
    );
    Ok(response)
}

/// Window in words for templates.
impl Window {
    /// The sentence shown where the Register button would be.
    pub fn sentence(&self) -> String {
        match self {
            Window::Open => String::new(),
            Window::OpensOn(when) => {
                i18n::t_with(i18n::current(), "window-opens", &[("when", when)])
            }
            Window::Closed => i18n::t(i18n::current(), "window-closed"),
            Window::Cancelled => i18n::t(i18n::current(), "event-cancelled"),
        }
    }
}

/// Where the language switch returns to.
#[derive(Debug, Deserialize)]
pub struct LanguageQuery {
    /// The page the visitor was on (a path on this site).
    #[serde(default)]
    back: String,
}

/// `GET /language/{code}?back=/path`: keeps the visitor's choice of language in a cookie for a
/// year and returns to the page they were on (only paths on this site; anything else goes
/// home).
pub async fn choose_language(
    State(ctx): State<Ctx>,
    Path(code): Path<String>,
    Query(query): Query<LanguageQuery>,
) -> PageResult {
    let code = crate::i18n::supported(&code).ok_or(AppError::NotFound)?;
    let back = if query.back.starts_with('/')
        && !query.back.starts_with("//")
        && !query.back.contains('\\')
    {
        query.back.as_str()
    } else {
        "/"
    };
    let mut response = Redirect::to(back).into_response();
    response.headers_mut().append(
        axum::http::header::SET_COOKIE,
        set_cookie(&ctx, crate::i18n::COOKIE, code, "/", Some(365 * 24 * 3600)),
    );
    Ok(response)
}
