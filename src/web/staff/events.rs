//! Staff pages for events: list, create, edit, publish or cancel, and the per-event dashboard.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{StaffSession, back_to};
use crate::context::Ctx;
use crate::core::error::{AppError, FieldErrors};
use crate::db::events::{self as db_events, EventRow};
use crate::db::registrations as db_regs;
use crate::domain::EventStatus;
use crate::domain::question::Question;
use crate::domain::translation::{EventText, QuestionText, Translations};
use crate::domain::{CancellationPolicy, Currency, Money, RegistrationStatus, TimeZone};
use crate::email::compose::{event_when, money};
use crate::web::api::MoneyJson;
use crate::web::api::events::{
    EventBody, OfferingBody, PartnerCityJson, QuestionBody, build_draft, consent_lines,
    load_stored_draft,
};
use crate::web::api::exports::{Format, export_event};
use crate::web::extract::Role;
use crate::web::pages::forms::{FormData, field_id};
use crate::web::pages::{Layout, PageError, PageResult, render, render_with};

/// One row of the events list.
struct EventLine {
    slug: String,
    title: String,
    kind: String,
    when: String,
    status: String,
    held: i64,
    capacity: String,
}

#[derive(Template)]
#[template(path = "staff/events.html")]
struct EventsPage {
    l: Layout,
    events: Vec<EventLine>,
}

/// `GET /staff/events`: every event, drafts and past ones included.
pub async fn list_events(State(ctx): State<Ctx>, session: StaffSession) -> PageResult {
    session.require(Role::Staff)?;
    let mut rows = db_events::list_all(&ctx.db).await?;
    rows.sort_by_key(|e| std::cmp::Reverse(e.starts_at));
    Ok(render(&EventsPage {
        l: session.layout(&ctx, "Events"),
        events: rows
            .into_iter()
            .map(|e| EventLine {
                when: event_when(&e),
                capacity: e.capacity.map_or("unlimited".to_owned(), |c| c.to_string()),
                held: e.seats_held,
                kind: e.kind.to_string(),
                slug: e.slug,
                title: e.title,
                status: e.status.to_string(),
            })
            .collect(),
    }))
}

/// An offering row of the event form, as typed.
#[derive(Debug, Clone, Default)]
struct OfferingInput {
    key: String,
    name: String,
    price: String,
    currency: String,
    capacity: String,
}

impl OfferingInput {
    /// The inputs of one offering row: name suffix, label, value.
    fn fields(&self) -> Vec<(&'static str, &'static str, String)> {
        vec![
            ("key", "Key (e.g. adult)", self.key.clone()),
            ("name", "Name", self.name.clone()),
            ("price", "Price", self.price.clone()),
            ("currency", "Currency (ISO code)", self.currency.clone()),
            (
                "capacity",
                "Own limit (blank for none)",
                self.capacity.clone(),
            ),
        ]
    }
}

/// Every field of the event form, as typed.
#[derive(Debug, Clone, Default)]
struct EventInput {
    slug: String,
    kind: String,
    title: String,
    description: String,
    venue: String,
    timezone: String,
    starts_at: String,
    ends_at: String,
    opens: String,
    closes: String,
    capacity: String,
    approval_required: bool,
    pay_later: bool,
    pay_card: bool,
    hold_minutes: String,
    offer_minutes: String,
    /// Cancellation policy: full refund until this many days before ...
    refund_days: String,
    /// ... then this per cent.
    refund_percent: String,
    partner_name: String,
    partner_country: String,
    partner_languages: String,
    partner_since: String,
    reminders: String,
    custom_email_text: String,
    consents: String,
    /// One question per line (see `domain::question::parse_lines`).
    questions: String,
    offerings: Vec<OfferingInput>,
    /// The texts in each language other than the installation's default.
    translations: Vec<TranslationInput>,
}

/// One language's texts as typed in the event form: title, description and email text, and
/// the offering names, questions and consent statements one per line in the order of the
/// event's own.
#[derive(Debug, Clone, Default)]
struct TranslationInput {
    lang: &'static str,
    /// The language's name, in that language.
    name: &'static str,
    title: String,
    description: String,
    email_text: String,
    offerings: String,
    /// `Label` or `Label: option / option` per line.
    questions: String,
    consents: String,
}

impl TranslationInput {
    /// The form (and error) name of this language's `field`.
    fn field(&self, field: &str) -> String {
        format!("translations.{}.{field}", self.lang)
    }

    /// The element id of this language's `field`.
    fn id(&self, field: &str) -> String {
        field_id(&self.field(field))
    }

    /// The form's fields: (field, label, hint, rows (0 = one line), value).
    fn rows(&self) -> Vec<(&'static str, &'static str, &'static str, usize, &str)> {
        vec![
            ("title", "Title", "", 0, &self.title),
            ("description", "Description", "", 4, &self.description),
            (
                "email_text",
                "Text for confirmations and reminders",
                "",
                3,
                &self.email_text,
            ),
            (
                "offerings",
                "Ticket names",
                "One per line, in the order of the tickets above.",
                2,
                &self.offerings,
            ),
            (
                "questions",
                "Questions",
                "One per line, in the order of the questions above; for a choice, its options after a colon in the same order: Talla: S / M / L.",
                2,
                &self.questions,
            ),
            (
                "consents",
                "Statements to accept",
                "One per line, in the order above (all of them, or none).",
                2,
                &self.consents,
            ),
        ]
    }

    /// One (empty) entry per language other than `default`.
    fn all(default: &str) -> Vec<Self> {
        crate::i18n::LANGUAGES
            .iter()
            .filter(|(code, _)| *code != default)
            .map(|(lang, name)| Self {
                lang,
                name,
                ..Self::default()
            })
            .collect()
    }

    /// This language's stored texts, as lines in the order of the event's offerings,
    /// questions and consents.
    fn fill(
        mut self,
        stored: &Translations,
        offerings: &[db_events::OfferingRow],
        questions: &[Question],
    ) -> Self {
        let Some(t) = stored.get(self.lang) else {
            return self;
        };
        self.title = t.title.clone();
        self.description = t.description.clone();
        self.email_text = t.email_text.clone();
        self.offerings = offerings
            .iter()
            .map(|o| t.offerings.get(&o.key).cloned().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .to_owned();
        self.questions = questions
            .iter()
            .map(|q| match t.questions.get(&q.key) {
                Some(qt) if qt.options.is_empty() => qt.label.clone(),
                Some(qt) => format!("{}: {}", qt.label, qt.options.join(" / ")),
                None => String::new(),
            })
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .to_owned();
        self.consents = t.consents.join("\n");
        self
    }

    /// The API's form of these texts; `offering_keys` and `questions` are the event's as
    /// entered in the same form, matched line by line.
    fn text(
        &self,
        offering_keys: &[String],
        questions: &[Question],
        errors: &mut FieldErrors,
    ) -> EventText {
        let lines = |text: &str| -> Vec<String> {
            text.replace("\r\n", "\n")
                .lines()
                .map(|l| l.trim().to_owned())
                .collect::<Vec<_>>()
        };
        let mut too_many = |field: &str, what: &str, have: usize, lines: usize| {
            if lines > have {
                errors.insert(
                    self.field(field),
                    format!("has {lines} lines but the event has {have} {what}"),
                );
            }
        };
        let offering_lines = lines(&self.offerings);
        too_many(
            "offerings",
            "tickets",
            offering_keys.len(),
            offering_lines.len(),
        );
        let question_lines = lines(&self.questions);
        too_many(
            "questions",
            "questions",
            questions.len(),
            question_lines.len(),
        );
        let consents: Vec<String> = lines(&self.consents)
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect();
        EventText {
            title: self.title.clone(),
            description: self.description.clone(),
            email_text: self.email_text.clone(),
            offerings: offering_keys
                .iter()
                .zip(offering_lines)
                .filter(|(_, name)| !name.is_empty())
                .map(|(key, name)| (key.clone(), name))
                .collect(),
            questions: questions
                .iter()
                .zip(question_lines)
                .filter(|(_, line)| !line.is_empty())
                .map(|(q, line)| {
                    let (label, options) = match line.split_once(':') {
                        Some((label, options)) if !q.options.is_empty() => (
                            label.trim().to_owned(),
                            options.split('/').map(|o| o.trim().to_owned()).collect(),
                        ),
                        _ => (line.clone(), Vec::new()),
                    };
                    (q.key.clone(), QuestionText { label, options })
                })
                .collect(),
            consents,
        }
    }
}

#[derive(Template)]
#[template(path = "staff/event_form.html")]
struct EventFormPage {
    l: Layout,
    csrf: String,
    /// `None` when creating.
    editing: Option<String>,
    v: EventInput,
    errors: FieldErrors,
}

impl EventFormPage {
    fn err(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }

    /// The message for field `field` of offering `i` (a price's amount and currency errors
    /// show at the price and currency inputs).
    fn oerr(&self, i: &usize, field: &str) -> Option<&String> {
        let get = |f: &str| self.errors.get(&format!("offerings[{i}].{f}"));
        match field {
            "price" => get("price").or_else(|| get("price.amount_minor")),
            "currency" => get("currency").or_else(|| get("price.currency")),
            f => get(f),
        }
    }

    fn summary(&self) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|(name, message)| (anchor(name), format!("{name}: {message}")))
            .collect()
    }
}

/// The id of the input an error is about.
fn anchor(name: &str) -> String {
    let name = name
        .replace(".price.amount_minor", ".price")
        .replace(".price.currency", ".currency");
    match name.as_str() {
        "registration_opens_at" => "opens".to_owned(),
        "registration_closes_at" => "closes".to_owned(),
        "payment_options" => "pay-later".to_owned(),
        n if n.starts_with("partner_city.") => field_id(n),
        n => field_id(n),
    }
}

fn local_input(t: chrono::DateTime<chrono::Utc>, zone: &TimeZone) -> String {
    zone.to_local(t).format("%Y-%m-%dT%H:%M").to_string()
}

impl EventInput {
    fn blank() -> Self {
        Self {
            kind: "event".to_owned(),
            timezone: "America/New_York".to_owned(),
            pay_later: true,
            hold_minutes: crate::events::DEFAULT_HOLD_MINUTES.to_string(),
            offer_minutes: crate::events::DEFAULT_OFFER_MINUTES.to_string(),
            refund_days: CancellationPolicy::default().full_refund_days.to_string(),
            refund_percent: CancellationPolicy::default()
                .later_refund_percent
                .to_string(),
            reminders: "7, 1".to_owned(),
            offerings: vec![OfferingInput {
                key: "general".to_owned(),
                name: "General admission".to_owned(),
                price: "0.00".to_owned(),
                currency: "USD".to_owned(),
                capacity: String::new(),
            }],
            ..Default::default()
        }
    }

    fn from_row(
        e: &EventRow,
        offerings: &[db_events::OfferingRow],
        partner: Option<&db_events::PartnerCityRow>,
        default_language: &str,
    ) -> Self {
        let zone = TimeZone::parse(&e.timezone).unwrap_or(TimeZone(chrono_tz::UTC));
        Self {
            slug: e.slug.clone(),
            kind: e.kind.to_string(),
            title: e.title.clone(),
            description: e.description.clone(),
            venue: e.venue.clone(),
            timezone: e.timezone.clone(),
            starts_at: local_input(e.starts_at, &zone),
            ends_at: local_input(e.ends_at, &zone),
            opens: e
                .registration_opens_at
                .map(|t| local_input(t, &zone))
                .unwrap_or_default(),
            closes: e
                .registration_closes_at
                .map(|t| local_input(t, &zone))
                .unwrap_or_default(),
            capacity: e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            approval_required: e.approval_required,
            pay_later: e.pay_later,
            pay_card: e.pay_card,
            hold_minutes: e.hold_minutes.to_string(),
            offer_minutes: e.offer_minutes.to_string(),
            refund_days: e.refund_full_days.to_string(),
            refund_percent: e.refund_later_percent.to_string(),
            partner_name: partner.map(|p| p.name.clone()).unwrap_or_default(),
            partner_country: partner.map(|p| p.country.clone()).unwrap_or_default(),
            partner_languages: partner
                .map(|p| p.languages.replace(',', ", "))
                .unwrap_or_default(),
            partner_since: partner
                .and_then(|p| p.since_year)
                .map(|y| y.to_string())
                .unwrap_or_default(),
            reminders: e.reminder_days.replace(',', ", "),
            custom_email_text: e.custom_email_text.clone(),
            consents: e.consents.clone(),
            questions: crate::domain::question::to_lines(&crate::domain::question::from_stored(
                &e.questions,
            )),
            offerings: offerings
                .iter()
                .map(|o| OfferingInput {
                    key: o.key.clone(),
                    name: o.name.clone(),
                    price: Currency::parse(&o.currency)
                        .ok()
                        .and_then(|c| Money::from_minor(o.price_minor, c).ok())
                        .map_or_else(|| o.price_minor.to_string(), |m| m.major()),
                    currency: o.currency.clone(),
                    capacity: o.capacity.map(|c| c.to_string()).unwrap_or_default(),
                })
                .collect(),
            translations: {
                let stored = crate::domain::translation::from_stored(&e.translations);
                let questions = crate::domain::question::from_stored(&e.questions);
                TranslationInput::all(default_language)
                    .into_iter()
                    .map(|t| t.fill(&stored, offerings, &questions))
                    .collect()
            },
        }
    }

    fn from_form(form: &FormData, default_language: &str) -> Self {
        let offerings = (0..50)
            .take_while(|i| form.has(&format!("offerings[{i}].key")))
            .map(|i| {
                let f = |name: &str| form.get(&format!("offerings[{i}].{name}")).to_owned();
                OfferingInput {
                    key: f("key"),
                    name: f("name"),
                    price: f("price"),
                    currency: f("currency"),
                    capacity: f("capacity"),
                }
            })
            .collect();
        let s = |name: &str| form.get(name).to_owned();
        Self {
            slug: s("slug"),
            kind: s("kind"),
            title: s("title"),
            description: s("description"),
            venue: s("venue"),
            timezone: s("timezone"),
            starts_at: s("starts_at"),
            ends_at: s("ends_at"),
            opens: s("registration_opens_at"),
            closes: s("registration_closes_at"),
            capacity: s("capacity"),
            approval_required: form.has("approval_required"),
            pay_later: form.all("payment_options").contains(&"later"),
            pay_card: form.all("payment_options").contains(&"card"),
            hold_minutes: s("hold_minutes"),
            offer_minutes: s("offer_minutes"),
            refund_days: s("cancellation_policy.full_refund_days"),
            refund_percent: s("cancellation_policy.later_refund_percent"),
            partner_name: s("partner_city.name"),
            partner_country: s("partner_city.country"),
            partner_languages: s("partner_city.languages"),
            partner_since: s("partner_city.since_year"),
            reminders: s("reminders"),
            custom_email_text: s("custom_email_text"),
            consents: s("consents"),
            questions: s("questions"),
            offerings,
            translations: TranslationInput::all(default_language)
                .into_iter()
                .map(|t| TranslationInput {
                    title: s(&t.field("title")),
                    description: s(&t.field("description")),
                    email_text: s(&t.field("email_text")),
                    offerings: s(&t.field("offerings")),
                    questions: s(&t.field("questions")),
                    consents: s(&t.field("consents")),
                    ..t
                })
                .collect(),
        }
    }

    /// The API body these values stand for; problems the body cannot express (a price that is
    /// not a number ...) are collected in `errors`.
    fn body(&self, creating: bool, errors: &mut FieldErrors) -> EventBody {
        fn int(errors: &mut FieldErrors, name: &str, text: &str) -> Option<i64> {
            let t = text.trim();
            if t.is_empty() {
                return None;
            }
            match t.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.insert(name.to_owned(), "must be a whole number".to_owned());
                    None
                }
            }
        }
        let optional = |t: &str| Some(Some(t.trim().to_owned()).filter(|v| !v.is_empty()));
        let capacity = int(errors, "capacity", &self.capacity);
        let hold = int(errors, "hold_minutes", &self.hold_minutes);
        let offer = int(errors, "offer_minutes", &self.offer_minutes);
        let refund_days = int(
            errors,
            "cancellation_policy.full_refund_days",
            &self.refund_days,
        );
        let refund_percent = int(
            errors,
            "cancellation_policy.later_refund_percent",
            &self.refund_percent,
        );
        let since = int(errors, "partner_city.since_year", &self.partner_since);
        let mut offerings = Vec::new();
        for (i, o) in self.offerings.iter().enumerate() {
            if o.key.trim().is_empty() && o.name.trim().is_empty() {
                continue;
            }
            let cap = int(errors, &format!("offerings[{i}].capacity"), &o.capacity);
            let amount_minor = match Currency::parse(&o.currency) {
                Ok(c) => match Money::parse_major(
                    if o.price.trim().is_empty() {
                        "0"
                    } else {
                        &o.price
                    },
                    c,
                ) {
                    Ok(m) => m.amount_minor,
                    Err(e) => {
                        errors.insert(format!("offerings[{i}].price.amount_minor"), e.to_string());
                        0
                    }
                },
                Err(_) => 0,
            };
            offerings.push(OfferingBody {
                key: o.key.trim().to_owned(),
                name: o.name.trim().to_owned(),
                price: MoneyJson {
                    amount_minor,
                    currency: o.currency.trim().to_owned(),
                },
                capacity: cap,
            });
        }
        let mut reminders = Vec::new();
        for part in self
            .reminders
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match part.parse::<i64>() {
                Ok(d) => reminders.push(d),
                Err(_) => {
                    errors.insert(
                        "reminders".to_owned(),
                        "must be numbers of days separated by commas, e.g. 7, 1".to_owned(),
                    );
                }
            }
        }
        let questions = match crate::domain::question::parse_lines(&self.questions) {
            Ok(list) => list,
            Err(e) => {
                errors.insert("questions".to_owned(), e.to_string());
                Vec::new()
            }
        };
        let offering_keys: Vec<String> = offerings.iter().map(|o| o.key.clone()).collect();
        let mut payment_options = Vec::new();
        if self.pay_later {
            payment_options.push("later".to_owned());
        }
        if self.pay_card {
            payment_options.push("card".to_owned());
        }
        EventBody {
            slug: creating.then(|| self.slug.trim().to_owned()),
            kind: Some(self.kind.clone()),
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            venue: Some(self.venue.clone()),
            starts_at: Some(self.starts_at.clone()),
            ends_at: Some(self.ends_at.clone()),
            timezone: Some(self.timezone.trim().to_owned()),
            registration_opens_at: optional(&self.opens),
            registration_closes_at: optional(&self.closes),
            capacity: Some(capacity),
            status: creating.then(|| "draft".to_owned()),
            approval_required: Some(self.approval_required),
            payment_options: Some(payment_options),
            hold_minutes: hold,
            offer_minutes: offer,
            // Both blank: keep the event's policy (the default for a new one).
            cancellation_policy: (refund_days.is_some() || refund_percent.is_some()).then(|| {
                CancellationPolicy {
                    full_refund_days: refund_days.unwrap_or(0),
                    later_refund_percent: refund_percent.unwrap_or(0),
                }
            }),
            partner_city: Some(if self.partner_name.trim().is_empty() {
                None
            } else {
                Some(PartnerCityJson {
                    slug: None,
                    name: self.partner_name.clone(),
                    country: self.partner_country.clone(),
                    languages: self
                        .partner_languages
                        .split(',')
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    since_year: since,
                })
            }),
            offerings: Some(offerings),
            reminders: Some(reminders),
            custom_email_text: Some(self.custom_email_text.clone()),
            consents: Some(consent_lines(&self.consents)),
            translations: Some(
                self.translations
                    .iter()
                    .map(|t| {
                        (
                            t.lang.to_owned(),
                            t.text(&offering_keys, &questions, errors),
                        )
                    })
                    .collect(),
            ),
            questions: Some(
                questions
                    .into_iter()
                    .map(|q| QuestionBody {
                        key: Some(q.key),
                        label: q.label,
                        options: q.options,
                        required: q.required,
                    })
                    .collect(),
            ),
        }
    }
}

/// `GET /staff/events/new`.
pub async fn new_event_form(State(ctx): State<Ctx>, session: StaffSession) -> PageResult {
    session.require(Role::Staff)?;
    Ok(render(&EventFormPage {
        l: session.layout(&ctx, "New event"),
        csrf: session.csrf.clone(),
        editing: None,
        v: EventInput {
            translations: TranslationInput::all(&ctx.settings.default_language),
            ..EventInput::blank()
        },
        errors: FieldErrors::new(),
    }))
}

/// Handles the "add an offering" button, or validates and saves.
async fn save(
    ctx: &Ctx,
    session: &StaffSession,
    form: &FormData,
    editing: Option<EventRow>,
) -> PageResult {
    let mut v = EventInput::from_form(form, &ctx.settings.default_language);
    let title = if editing.is_some() {
        "Edit event"
    } else {
        "New event"
    };
    let mut page = EventFormPage {
        l: session.layout(ctx, title),
        csrf: session.csrf.clone(),
        editing: editing.as_ref().map(|e| e.slug.clone()),
        v: EventInput::default(),
        errors: FieldErrors::new(),
    };
    if form.get("action") == "add-offering" {
        let currency = v
            .offerings
            .last()
            .map_or("USD".to_owned(), |o| o.currency.clone());
        v.offerings.push(OfferingInput {
            currency,
            price: "0.00".to_owned(),
            ..Default::default()
        });
        page.v = v;
        return Ok(render(&page));
    }
    let mut errors = FieldErrors::new();
    let body = v.body(editing.is_none(), &mut errors);
    let base = match &editing {
        Some(row) => Some(load_stored_draft(ctx, row).await?),
        None => None,
    };
    let outcome = match build_draft(body, base) {
        Ok(draft) if errors.is_empty() => {
            let saved = match &editing {
                Some(row) => crate::events::update(ctx, row.id, &draft, &session.actor()).await,
                None => crate::events::create(ctx, &draft, &session.actor()).await,
            };
            saved.map(|()| draft.slug.as_str().to_owned())
        }
        Ok(_) => Err(AppError::Validation(FieldErrors::new())),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(slug) => Ok(back_to(&format!("/staff/events/{slug}"))),
        Err(AppError::Validation(more)) => {
            errors.extend(more);
            page.errors = errors;
            page.v = v;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::Conflict { message, .. }) => {
            errors.insert("slug".to_owned(), message);
            page.errors = errors;
            page.v = v;
            Ok(render_with(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(PageError(e)),
    }
}

/// `POST /staff/events/new`.
pub async fn create_event(
    State(ctx): State<Ctx>,
    session: StaffSession,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    save(&ctx, &session, &form, None).await
}

async fn event_by_slug(ctx: &Ctx, slug: &str) -> PageResult<EventRow> {
    Ok(db_events::find_by_slug(&ctx.db, slug)
        .await?
        .ok_or(AppError::NotFound)?)
}

/// `GET /staff/events/{slug}/edit`.
pub async fn edit_event_form(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
) -> PageResult {
    session.require(Role::Staff)?;
    let row = event_by_slug(&ctx, &slug).await?;
    let (offerings, partner) = db_events::offerings_and_partner(&ctx.db, &row).await?;
    Ok(render(&EventFormPage {
        l: session.layout(&ctx, format!("Edit {}", row.title)),
        csrf: session.csrf.clone(),
        editing: Some(row.slug.clone()),
        v: EventInput::from_row(
            &row,
            &offerings,
            partner.as_ref(),
            &ctx.settings.default_language,
        ),
        errors: FieldErrors::new(),
    }))
}

/// `POST /staff/events/{slug}/edit`.
pub async fn update_event(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    let row = event_by_slug(&ctx, &slug).await?;
    save(&ctx, &session, &form, Some(row)).await
}

/// `POST /staff/events/{slug}/status`: publish, return to draft, or cancel (which emails
/// every registrant, so it needs a ticked confirmation).
pub async fn change_status(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    let row = event_by_slug(&ctx, &slug).await?;
    let status = EventStatus::parse(form.get("status"))
        .map_err(|_| AppError::field("status", "must be published, draft or cancelled"))?;
    if status == EventStatus::Cancelled && !form.has("confirm") {
        return Err(AppError::conflict(
            "confirmation_needed",
            "Tick the box to confirm the cancellation: every registrant is emailed.",
        )
        .into());
    }
    let base = load_stored_draft(&ctx, &row).await?;
    let draft = build_draft(
        EventBody {
            status: Some(status.to_string()),
            ..Default::default()
        },
        Some(base),
    )?;
    crate::events::update(&ctx, row.id, &draft, &session.actor()).await?;
    Ok(back_to(&format!("/staff/events/{slug}")))
}

/// `GET /staff/events/{slug}/attendees.csv?...`: the export, with the session's rights.
pub async fn export_attendees(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> PageResult {
    session.require(Role::Staff)?;
    Ok(export_event(&ctx, &slug, query.as_deref(), Format::Csv, &session.actor()).await?)
}

/// `GET /staff/events/{slug}/attendees.xlsx?...`: the Excel export.
pub async fn export_attendees_xlsx(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> PageResult {
    session.require(Role::Staff)?;
    Ok(export_event(
        &ctx,
        &slug,
        query.as_deref(),
        Format::Xlsx,
        &session.actor(),
    )
    .await?)
}

/// `POST /staff/events/{slug}/export`: the export form on the event page. `action` is `csv`
/// or `xlsx` (download with the chosen filters and columns), `save_preset` (keep the chosen
/// columns under `preset_name`) or `delete_preset:NAME`.
pub async fn export_form(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    let row = event_by_slug(&ctx, &slug).await?;
    let action = form.get("action");
    let columns = form.all("columns").join(",");
    // The serializer is not `Send`: finish it before any await.
    let query = {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for name in ["status", "offering", "checked_in", "bom"] {
            if !form.get(name).is_empty() {
                query.append_pair(name, form.get(name));
            }
        }
        query.append_pair("columns", &columns);
        query.finish()
    };
    match action {
        "csv" => Ok(export_event(&ctx, &slug, Some(&query), Format::Csv, &session.actor()).await?),
        "xlsx" => {
            Ok(export_event(&ctx, &slug, Some(&query), Format::Xlsx, &session.actor()).await?)
        }
        "save_preset" => {
            let name = crate::domain::Title::parse(form.get("preset_name"))
                .map_err(|e| AppError::field("preset_name", e.to_string()))?;
            if columns.is_empty() {
                return Err(AppError::field("columns", "choose at least one column").into());
            }
            crate::exports::save_preset(&ctx, &row, name.as_str(), &columns, &session.actor())
                .await?;
            let target = form_urlencoded::Serializer::new(String::new())
                .append_pair("preset", name.as_str())
                .finish();
            Ok(back_to(&format!("/staff/events/{slug}?{target}#export")))
        }
        other => match other.strip_prefix("delete_preset:") {
            Some(name) => {
                crate::exports::delete_preset(&ctx, &row, name, &session.actor()).await?;
                Ok(back_to(&format!("/staff/events/{slug}#export")))
            }
            None => Err(AppError::field("action", "unknown action").into()),
        },
    }
}

/// Who a message went to, in words.
fn audience(m: &crate::db::messages::MessageRow) -> String {
    let mut parts = vec![
        m.filter_status
            .clone()
            .unwrap_or_else(|| "every live registration".to_owned()),
    ];
    if let Some(o) = &m.filter_offering {
        parts.push(format!("offering {o}"));
    }
    match m.filter_checked_in {
        Some(true) => parts.push("checked in".to_owned()),
        Some(false) => parts.push("not checked in".to_owned()),
        None => {}
    }
    parts.join(", ")
}

/// Seats and people per offering on the dashboard.
struct OfferingStats {
    name: String,
    price: String,
    held: i64,
    capacity: String,
}

#[derive(Template)]
#[template(path = "staff/event_dashboard.html")]
struct DashboardPage {
    l: Layout,
    csrf: String,
    slug: String,
    title: String,
    when: String,
    venue: String,
    status: String,
    held: i64,
    capacity: String,
    by_status: Vec<(String, i64, i64)>,
    offerings: Vec<OfferingStats>,
    expected: String,
    received: String,
    due: String,
    public_url: String,
    /// Whether the event is an exchange (it has a matching board).
    is_exchange: bool,
    offering_keys: Vec<(String, String)>,
    /// (key, element id, header, chosen) per export column.
    columns: Vec<(String, String, String, bool)>,
    statuses: Vec<&'static str>,
    presets: Vec<String>,
    preset: String,
    messages: Vec<MessageLine>,
    sent: bool,
}

/// A sent message on the event page.
struct MessageLine {
    subject: String,
    audience: String,
    recipients: i64,
    deliveries: String,
    sent_by: String,
    when: String,
}

/// Query of the event page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DashboardQuery {
    /// A saved column choice to pre-select in the export form.
    #[serde(default)]
    preset: String,
    /// Set after a message was sent.
    #[serde(default)]
    sent: String,
}

/// `GET /staff/events/{slug}`: seats, registrations by state and offering, money.
pub async fn event_dashboard(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    axum::extract::Query(query): axum::extract::Query<DashboardQuery>,
) -> PageResult {
    session.require(Role::Staff)?;
    let row = event_by_slug(&ctx, &slug).await?;
    let presets = crate::db::messages::presets(&ctx.db, row.id).await?;
    let questions = crate::domain::question::from_stored(&row.questions);
    let all = crate::exports::all_columns(&questions);
    let chosen = presets
        .iter()
        .find(|p| p.name == query.preset)
        .map(|p| crate::exports::preset_columns(&p.columns, &questions))
        .unwrap_or_else(|| all.clone());
    let messages = crate::broadcasts::list(&ctx, row.id)
        .await?
        .into_iter()
        .map(|s| MessageLine {
            audience: audience(&s.message),
            recipients: s.message.recipients,
            deliveries: s
                .deliveries
                .iter()
                .map(|(status, n)| format!("{n} {status}"))
                .collect::<Vec<_>>()
                .join(", "),
            sent_by: s.message.created_by.clone(),
            when: crate::email::compose::local_time(s.message.created_at, &row),
            subject: s.message.subject,
        })
        .collect();
    let offerings = db_events::offerings(&ctx.db, row.id).await?;
    let regs = db_regs::list_for_event(&ctx.db, row.id, None).await?;
    let paid = db_regs::paid_by_registration(&ctx.db, row.id).await?;
    let mut by_status: Vec<(RegistrationStatus, i64, i64)> =
        RegistrationStatus::ALL.iter().map(|s| (*s, 0, 0)).collect();
    let (mut expected, mut received, mut due) = (0_i64, 0_i64, 0_i64);
    for r in &regs {
        if let Some(entry) = by_status.iter_mut().find(|(s, ..)| *s == r.status) {
            entry.1 += 1;
            entry.2 += r.seats;
        }
        let p = paid.get(&r.id).copied().unwrap_or(0);
        received += p;
        let holds = r.status.holds_seats();
        if holds {
            expected += r.total_minor;
            due += (r.total_minor - p).max(0);
        }
    }
    let currency = offerings
        .first()
        .map_or("USD".to_owned(), |o| o.currency.clone());
    Ok(render(&DashboardPage {
        l: session.layout(&ctx, row.title.clone()),
        csrf: session.csrf.clone(),
        when: event_when(&row),
        venue: row.venue.clone(),
        status: row.status.to_string(),
        held: row.seats_held,
        capacity: row
            .capacity
            .map_or("unlimited".to_owned(), |c| c.to_string()),
        by_status: by_status
            .into_iter()
            .map(|(s, n, seats)| (s.to_string(), n, seats))
            .collect(),
        offerings: offerings
            .iter()
            .map(|o| OfferingStats {
                name: o.name.clone(),
                price: crate::web::pages::view::price(o.price_minor, &o.currency),
                held: o.seats_held,
                capacity: o.capacity.map_or("–".to_owned(), |c| c.to_string()),
            })
            .collect(),
        expected: money(expected, &currency),
        received: money(received, &currency),
        due: money(due, &currency),
        public_url: format!("/events/{}", row.slug),
        is_exchange: row.is_exchange(),
        offering_keys: offerings
            .iter()
            .map(|o| (o.key.clone(), o.name.clone()))
            .collect(),
        columns: all
            .iter()
            .map(|c| {
                (
                    c.key(),
                    crate::web::pages::forms::field_id(&format!("col-{}", c.key())),
                    c.header().to_owned(),
                    chosen.contains(c),
                )
            })
            .collect(),
        statuses: RegistrationStatus::ALL.iter().map(|s| s.as_str()).collect(),
        presets: presets.into_iter().map(|p| p.name).collect(),
        preset: query.preset,
        messages,
        sent: !query.sent.is_empty(),
        slug: row.slug,
        title: row.title,
    }))
}
