//! The private registration page (`/r/{token}`): status, payment, calendar file, cancelling.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::home::calendar_response;
use super::register::offering_name;
use crate::context::Ctx;
use crate::core::error::AppError;
use crate::db::events::EventRow;
use crate::db::registrations as db_regs;
use crate::domain::RegistrationStatus;
use crate::email::compose::{local_time_in, registration_calendar};
use crate::i18n::{self};
use crate::registrations::{self, Actor};
use crate::web::pages::forms::{CsrfToken, FormData};
use crate::web::pages::view::{EventView, price, status_words};
use crate::web::pages::{Layout, PageError, PageResult, render};

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
    /// When it pays later (by transfer or in cash): its payment reference and the
    /// association's instructions.
    later: Option<PayLater>,
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

/// What a registration paying later quotes, and where it pays.
struct PayLater {
    reference: String,
    instructions: Vec<String>,
}

impl PayLater {
    fn of(ctx: &Ctx, reg: &db_regs::RegistrationRow) -> Option<Self> {
        (reg.payment_method == crate::domain::PaymentMethod::Later).then(|| Self {
            reference: crate::domain::reference::payment_reference(reg.id),
            instructions: ctx.settings.payment_instructions(),
        })
    }
}

/// A registration with everything the private pages show.
pub(super) struct Loaded {
    pub(super) reg: db_regs::RegistrationRow,
    pub(super) event_row: EventRow,
    pub(super) event: EventView,
    pub(super) status: RegistrationStatus,
    pub(super) participants: Vec<db_regs::ParticipantRow>,
    pub(super) payments: Vec<db_regs::PaymentRow>,
    pub(super) paid: i64,
    /// A minor's guardians' requests (exchanges only).
    pub(super) guardians: Vec<crate::db::guardians::GuardianRow>,
}

pub(super) async fn load(ctx: &Ctx, token: &str) -> PageResult<Loaded> {
    let reg = registrations::find(ctx, token).await?;
    load_registration(ctx, reg).await
}

async fn load_registration(ctx: &Ctx, reg: db_regs::RegistrationRow) -> PageResult<Loaded> {
    let event_row = crate::events::read::find_by_id(ctx, reg.event_id).await?;
    let (offerings, partner) = crate::events::read::offerings_and_partner(ctx, &event_row).await?;
    let event = EventView::new(&event_row, &offerings, partner.as_ref(), ctx.clock.now())
        .with_card(&event_row, ctx.card.is_some());
    let participants = crate::registrations::read::participants(ctx, reg.id).await?;
    let payments = crate::registrations::read::payments(ctx, reg.id).await?;
    let paid = db_regs::PaymentRow::net(&payments);
    let status = reg.status;
    let guardians = if event_row.is_exchange() {
        crate::registrations::read::guardians(ctx, reg.id).await?
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
pub(super) async fn in_registration_language<F>(
    ctx: &Ctx,
    headers: &axum::http::HeaderMap,
    token: &str,
    page: F,
) -> PageResult
where
    F: AsyncFnOnce(Loaded) -> PageResult,
{
    let reg = registrations::find(ctx, token).await?;
    let lang = crate::web::pages::forms::private_page_language(headers, &reg.language);
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
        guardians: guardian_lines(lang, &d),
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
                answers: crate::web::pages::view::answers(&d.event.questions, &p.answers),
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
        later: PayLater::of(ctx, &d.reg),
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
            _ if d.status == RegistrationStatus::PendingPayment
                && d.reg.email_confirm_code.is_some() =>
            {
                Some(i18n::t_with(
                    lang,
                    "confirm-email-pending",
                    &[("email", &d.reg.contact_email)],
                ))
            }
            _ => None,
        },
        payments: payment_lines(lang, &d),
        event: d.event,
    };
    Ok(render(&page))
}

/// What each guardian has done, in `lang`.
fn guardian_lines(lang: &str, d: &Loaded) -> Vec<String> {
    d.guardians
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
        .collect()
}

/// The ledger in `lang` (failed card attempts left out): when, what, amount.
fn payment_lines(lang: &str, d: &Loaded) -> Vec<(String, String, String)> {
    let money = |minor: i64, currency: &str| i18n::format::money(lang, minor, currency);
    d.payments
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
        .collect()
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
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/r/{token}")).into_response())
}

#[derive(Template)]
#[template(path = "confirm_email.html")]
struct ConfirmEmailPage {
    l: Layout,
    csrf: String,
    token: String,
    code: String,
    event: EventView,
}

/// The code of a confirmation link.
#[derive(Debug, Deserialize)]
pub struct ConfirmQuery {
    #[serde(default)]
    code: String,
}

/// `GET /r/{token}/confirm-email?code=...`: the button that confirms the address (a POST:
/// mail scanners follow links). A code used already leads to the registration page.
pub async fn confirm_email_form(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    Query(query): Query<ConfirmQuery>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
) -> PageResult {
    if !registrations::confirm::confirm_code_valid(&ctx, &token, &query.code).await? {
        return Ok(Redirect::to(&format!("/r/{token}")).into_response());
    }
    in_registration_language(&ctx, &headers, &token.clone(), async |d| {
        Ok(render(&ConfirmEmailPage {
            l: Layout::public(&ctx, i18n::t(i18n::current(), "confirm-email-title")),
            csrf: csrf.0,
            token,
            code: query.code,
            event: d.event,
        }))
    })
    .await
}

/// `POST /r/{token}/confirm-email`: confirms the address and keeps the seats; back to the
/// registration page either way.
pub async fn confirm_email_submit(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    csrf: CsrfToken,
    form: FormData,
) -> PageResult {
    csrf.verify(&form)?;
    match registrations::confirm_email(&ctx, &token, form.get("code")).await {
        Ok(()) | Err(AppError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/r/{token}")).into_response())
}
