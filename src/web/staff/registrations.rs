//! Staff pages for registrations: a filtered, searchable list per event and one registration
//! with its participants, answers, payments, emails and history, and the staff actions.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::{StaffSession, back_to};
use crate::context::Ctx;
use crate::core::error::AppError;
use crate::db::events as db_events;
use crate::db::registrations as db_regs;
use crate::domain::reference;
use crate::domain::registration::request_key::RequestKey;
use crate::domain::{Currency, Money, RegistrationStatus};
use crate::domain::{LedgerKind, MoneyMethod, TransitionReason};
use crate::email::compose::{local_time, money};
use crate::registrations::{self, OfflinePayment, Record};
use crate::web::extract::Role;
use crate::web::pages::forms::FormData;
use crate::web::pages::{Layout, PageError, PageResult, render, render_with};

/// Filters of the registrations list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub offering: String,
    /// Searches contact name, email and participant names.
    #[serde(default)]
    pub q: String,
}

struct Line {
    id: i64,
    contact: String,
    email: String,
    people: String,
    status: String,
    total: String,
    paid: String,
    created: String,
}

#[derive(Template)]
#[template(path = "staff/registrations.html")]
struct ListPage {
    l: Layout,
    slug: String,
    title: String,
    filter: ListQuery,
    statuses: Vec<&'static str>,
    offerings: Vec<(String, String)>,
    lines: Vec<Line>,
    total: usize,
}

/// `GET /staff/events/{slug}/registrations?status=&offering=&q=`.
pub async fn list_registrations(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    Query(filter): Query<ListQuery>,
) -> PageResult {
    session.require(Role::Staff)?;
    let event = crate::events::read::find(&ctx, &slug).await?;
    let offerings = crate::events::read::offerings(&ctx, event.id).await?;
    let status = RegistrationStatus::parse(&filter.status).ok();
    let mut list = registrations::read::of_event(&ctx, event.id, status).await?;
    let rows = std::mem::take(&mut list.registrations);
    let total = rows.len();
    let needle = filter.q.trim().to_lowercase();
    // A payment reference from a bank statement finds its registration.
    let reference = crate::domain::reference::parse_payment_reference(&filter.q);
    let lines = rows
        .into_iter()
        .filter_map(|r| {
            let people = list.take_participants(r.id);
            if !filter.offering.is_empty()
                && !people.iter().any(|p| p.offering_key == filter.offering)
            {
                return None;
            }
            if !needle.is_empty()
                && reference != Some(r.id)
                && !r.contact_name.to_lowercase().contains(&needle)
                && !r.contact_email.to_lowercase().contains(&needle)
                && !people
                    .iter()
                    .any(|p| p.name.to_lowercase().contains(&needle))
            {
                return None;
            }
            Some(Line {
                id: r.id,
                people: people
                    .iter()
                    .map(|p| format!("{} ({})", p.name, p.offering_name))
                    .collect::<Vec<_>>()
                    .join(", "),
                total: money(r.total_minor, &r.currency),
                paid: money(list.paid(r.id), &r.currency),
                created: local_time(r.created_at, &event),
                contact: r.contact_name,
                email: r.contact_email,
                status: r.status.to_string(),
            })
        })
        .collect();
    Ok(render(&ListPage {
        l: session.layout(&ctx, format!("Registrations: {}", event.title)),
        slug: event.slug,
        title: event.title,
        filter,
        statuses: RegistrationStatus::ALL.iter().map(|s| s.as_str()).collect(),
        offerings: offerings.into_iter().map(|o| (o.key, o.name)).collect(),
        lines,
        total,
    }))
}

#[derive(Template)]
#[template(path = "staff/registration.html")]
struct DetailPage {
    l: Layout,
    csrf: String,
    /// Names this showing of the page's forms: a payment, refund or cancellation sent twice
    /// from it is recorded once.
    submission: String,
    /// What a family paying later quotes on its transfer.
    payment_reference: Option<String>,
    id: i64,
    slug: String,
    event_title: String,
    status: String,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
    language: String,
    created: String,
    /// Each participant with their (question, answer) pairs.
    participants: Vec<(db_regs::ParticipantRow, Vec<(String, String)>)>,
    consents: Vec<String>,
    total: String,
    paid: String,
    due: String,
    due_major: String,
    currency: String,
    /// The ledger: (date, kind, method, amount, reference or reason, status).
    payments: Vec<(String, String, String, String, String, String)>,
    /// What has been paid, in major units (the refund form's default).
    paid_major: String,
    history: Vec<(String, String, String, String, String)>,
    emails: Vec<(i64, String, String, String, String)>,
    manage_url: String,
    problem: Option<String>,
    can_approve: bool,
    can_pay: bool,
    /// Whether money was paid that could be given back.
    can_refund: bool,
    /// Whether some was paid by card (so a refund can go back through Stripe).
    card_paid: bool,
    /// When the payer disputed a card payment with their bank.
    disputed: Option<String>,
    can_cancel: bool,
    /// A minor's guardians: (visitor, guardian and email, status, given, refused, medical,
    /// emergency contact, answered at).
    guardians: Vec<[String; 8]>,
    /// A guardian has not answered, or a minor's guardian was never asked.
    can_ask_guardians: bool,
}

/// An amount in major units for a form field (`25.00`).
fn major(minor: i64, currency: &str) -> String {
    Currency::parse(currency)
        .ok()
        .and_then(|c| Money::from_minor(minor, c).ok())
        .map(|m| m.major())
        .unwrap_or_default()
}

async fn detail(
    ctx: &Ctx,
    session: &StaffSession,
    id: i64,
    problem: Option<String>,
) -> PageResult<DetailPage> {
    let record = registrations::record(ctx, id).await?;
    let can_ask_guardians =
        crate::exchanges::guardians::can_ask_again(&record, ctx.settings.adult_age);
    let (paid, due) = (record.paid(), record.due());
    let Record {
        event,
        registration: reg,
        participants,
        payments,
        emails,
        history,
        consents,
        guardians,
        disputed_at,
    } = record;
    let status = reg.status;
    let at = |t| local_time(t, &event);
    Ok(DetailPage {
        guardians: guardian_lines(&guardians, &participants, &event),
        can_ask_guardians,
        l: session.layout(ctx, format!("Registration {id}")),
        csrf: session.csrf.clone(),
        submission: crate::domain::token::generate(),
        payment_reference: reference::for_payment(reg.payment_method, reg.id),
        id,
        slug: event.slug.clone(),
        event_title: event.title.clone(),
        status: reg.status.to_string(),
        contact_name: reg.contact_name.clone(),
        contact_email: reg.contact_email.clone(),
        contact_phone: reg.contact_phone.clone(),
        language: reg.language.clone(),
        created: at(reg.created_at),
        participants: {
            let questions = crate::domain::question::from_stored(&event.questions);
            participants
                .into_iter()
                .map(|p| {
                    let answers = crate::domain::question::labelled(&questions, &p.answers);
                    (p, answers)
                })
                .collect()
        },
        consents,
        total: money(reg.total_minor, &reg.currency),
        paid: money(paid, &reg.currency),
        due: money(due, &reg.currency),
        due_major: major(due, &reg.currency),
        paid_major: major(paid, &reg.currency),
        can_refund: paid > 0,
        card_paid: payments
            .iter()
            .any(|p| p.kind == LedgerKind::Payment && p.method == MoneyMethod::Card),
        disputed: disputed_at.map(at),
        currency: reg.currency.clone(),
        payments: payment_lines(&payments, &event),
        history: history
            .into_iter()
            .map(|t| {
                (
                    at(t.created_at),
                    t.from_status.unwrap_or_else(|| "–".to_owned()),
                    t.to_status,
                    t.actor,
                    t.reason,
                )
            })
            .collect(),
        emails: emails
            .into_iter()
            .map(|e| {
                (
                    e.id,
                    at(e.created_at),
                    e.kind.to_string(),
                    e.subject,
                    e.status.to_string(),
                )
            })
            .collect(),
        manage_url: ctx.manage_url(&reg.token),
        problem,
        can_approve: status == RegistrationStatus::AwaitingApproval,
        can_pay: due > 0
            && matches!(
                status,
                RegistrationStatus::PendingPayment
                    | RegistrationStatus::Expired
                    | RegistrationStatus::Confirmed
                    | RegistrationStatus::Attended
            ),
        can_cancel: status.is_live(),
    })
}

/// The ledger's rows: when, kind, method, amount, reference or reason, status.
fn payment_lines(
    payments: &[crate::db::ledger::PaymentRow],
    event: &db_events::EventRow,
) -> Vec<(String, String, String, String, String, String)> {
    payments
        .iter()
        .map(|p| {
            (
                local_time(p.created_at, event),
                p.kind.to_string(),
                p.method.to_string(),
                money(p.amount_minor, &p.currency),
                if p.kind == LedgerKind::Refund {
                    p.reason.clone()
                } else {
                    p.reference.clone()
                },
                p.status.to_string(),
            )
        })
        .collect()
}

/// One row per guardian: the visitor, who, status, consents given and refused, medical
/// notes, the emergency contact and when they answered.
fn guardian_lines(
    guardians: &[crate::db::guardians::GuardianRow],
    participants: &[db_regs::ParticipantRow],
    event: &db_events::EventRow,
) -> Vec<[String; 8]> {
    let words = |list: Vec<String>| list.join(", ").replace('_', " ");
    guardians
        .iter()
        .map(|g| {
            let visitor = participants
                .iter()
                .find(|p| p.id == g.participant_id)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            [
                visitor,
                format!("{} ({})", g.guardian_name, g.guardian_email),
                g.status.as_str().to_owned(),
                words(g.given()),
                words(g.refused()),
                g.medical.clone(),
                format!("{} {}", g.emergency_name, g.emergency_phone)
                    .trim()
                    .to_owned(),
                g.answered_at
                    .map(|t| local_time(t, event))
                    .unwrap_or_default(),
            ]
        })
        .collect()
}

/// `GET /staff/registrations/{id}`.
pub async fn registration_detail(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(id): Path<i64>,
) -> PageResult {
    session.require(Role::Staff)?;
    Ok(render(&detail(&ctx, &session, id, None).await?))
}

crate::domain::event::text_enum! {
    /// What staff do to one registration from its page.
    StaffAction {
        Approve = "approve",
        Reject = "reject",
        Cancel = "cancel",
        Guardians = "guardians",
        Payment = "payment",
        Refund = "refund",
    }
}

/// `POST /staff/registrations/{id}/{approve|reject|payment|cancel}`. A refused action shows the
/// registration again with the reason at the top.
pub async fn registration_action(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path((id, action)): Path<(i64, String)>,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    let reg = registrations::read::get(&ctx, id).await?;
    let reason = form.get("reason").trim().to_owned();
    let action = StaffAction::parse(&action).map_err(|_| AppError::NotFound)?;
    // The form pressed twice (or sent again after a timeout) records once.
    let key = RequestKey::from_form(
        form.get("submission"),
        &format!("{action} {id}"),
        &form.said(),
    );
    let key = key.as_ref();
    let outcome = match action {
        StaffAction::Approve => registrations::approve(&ctx, &reg.token, session.actor())
            .await
            .map(|_| ()),
        StaffAction::Reject => registrations::reject(
            &ctx,
            &reg.token,
            session.actor(),
            TransitionReason::given_or(&reason, TransitionReason::RejectedByStaff),
        )
        .await
        .map(|_| ()),
        StaffAction::Cancel if !form.has("confirm") => Err(AppError::conflict(
            "confirmation_needed",
            "Tick the box to confirm the cancellation.",
        )),
        StaffAction::Cancel => registrations::cancel(
            &ctx,
            &reg.token,
            session.actor(),
            TransitionReason::given_or(&reason, TransitionReason::CancelledByStaff),
            key,
        )
        .await
        .map(|_| ()),
        StaffAction::Guardians => {
            crate::exchanges::guardians::ask_again(&ctx, id, &session.actor().label())
                .await
                .map(|_| ())
        }
        StaffAction::Payment => match parse_payment(&form, &reg.currency) {
            Ok(payment) => {
                registrations::record_payment(&ctx, &reg.token, session.actor(), payment, key)
                    .await
                    .map(|_| ())
            }
            Err(e) => Err(e),
        },
        StaffAction::Refund => match parse_refund(&form, &reg.currency) {
            Ok(refund) => {
                registrations::record_refund(&ctx, &reg.token, session.actor(), refund, key)
                    .await
                    .map(|_| ())
            }
            Err(e) => Err(e),
        },
    };
    match outcome {
        Ok(()) => Ok(back_to(&format!("/staff/registrations/{id}"))),
        Err(AppError::NotFound) => Err(PageError(AppError::NotFound)),
        Err(AppError::Conflict { message, .. }) => Ok(render_with(
            StatusCode::CONFLICT,
            &detail(&ctx, &session, id, Some(message)).await?,
        )),
        Err(AppError::Validation(fields)) => {
            let message = fields
                .iter()
                .map(|(f, m)| format!("{f} {m}"))
                .collect::<Vec<_>>()
                .join("; ");
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &detail(
                    &ctx,
                    &session,
                    id,
                    Some(format!(
                        "{} not recorded: {message}.",
                        if action == StaffAction::Refund {
                            "Refund"
                        } else {
                            "Payment"
                        }
                    )),
                )
                .await?,
            ))
        }
        Err(e) => Err(PageError(e)),
    }
}

/// The method and a positive amount typed in a payment or refund form.
fn offline_money(
    f: &mut crate::core::error::FieldCollector,
    form: &FormData,
    currency: &str,
    methods: registrations::MethodParser,
) -> Result<(Option<MoneyMethod>, Option<Money>), AppError> {
    let method = f.take("method", methods(form.get("method")));
    let currency = Currency::parse(currency).map_err(|e| anyhow::anyhow!("{e}"))?;
    let amount = f.take("amount", Money::parse_major(form.get("amount"), currency));
    if amount.is_some_and(|a| a.amount_minor == 0) {
        f.add("amount", "must be more than 0");
    }
    Ok((method, amount))
}

fn parse_refund(form: &FormData, currency: &str) -> Result<registrations::OfflineRefund, AppError> {
    let mut f = crate::core::error::FieldCollector::default();
    let (method, amount) = offline_money(&mut f, form, currency, registrations::refund_method)?;
    let reason = f.take(
        "reason",
        crate::domain::Title::parse(form.get("reason")).map(|t| t.as_str().to_owned()),
    );
    f.finish()?;
    Ok(registrations::OfflineRefund {
        method: method.expect("checked"),
        amount: amount.expect("checked"),
        reason: reason.expect("checked"),
    })
}

fn parse_payment(form: &FormData, currency: &str) -> Result<OfflinePayment, AppError> {
    let mut f = crate::core::error::FieldCollector::default();
    let (method, amount) = offline_money(&mut f, form, currency, registrations::offline_method)?;
    let reference = f.take(
        "reference",
        crate::domain::parse_long_text(form.get("reference"), 200),
    );
    f.finish()?;
    Ok(OfflinePayment {
        method: method.expect("checked"),
        amount: amount.expect("checked"),
        reference: reference.expect("checked"),
    })
}
