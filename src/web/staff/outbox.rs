//! The outbox in the staff console: every email sent or kept, filtered, read, resent or
//! cancelled.

use askama::Template;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

use super::{StaffSession, back_to};
use crate::context::Ctx;
use crate::core::error::AppError;
use crate::db::outbox::{OutboxFilter, OutboxRow};
use crate::domain::outbox::OutboxAction;
use crate::domain::{EmailKind, OutboxStatus};
use crate::web::extract::Role;
use crate::web::pages::forms::FormData;
use crate::web::pages::{Layout, PageResult, render};

/// Filters of the outbox page.
#[derive(Debug, Default, Deserialize)]
pub struct OutboxQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub recipient: String,
    /// Event slug.
    #[serde(default)]
    pub event: String,
    /// Emails older than this one (the page before ended there).
    #[serde(default)]
    pub before: Option<i64>,
}

#[derive(Template)]
#[template(path = "staff/outbox.html")]
struct OutboxPage {
    l: Layout,
    filter: OutboxQuery,
    statuses: Vec<&'static str>,
    kinds: Vec<&'static str>,
    events: Vec<(String, String)>,
    rows: Vec<OutboxRow>,
    /// The next, older emails.
    older: Option<String>,
}

/// `GET /staff/outbox?status=&kind=&recipient=&event=&before=`: the matching emails, newest
/// first, 200 at a time.
pub async fn list_outbox(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Query(filter): Query<OutboxQuery>,
) -> PageResult {
    session.require(Role::Staff)?;
    let events = crate::events::read::all(&ctx).await?;
    let event_id = events.iter().find(|e| e.slug == filter.event).map(|e| e.id);
    let nonempty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let mut rows = crate::email::outbox_view::list(
        &ctx,
        &OutboxFilter {
            status: OutboxStatus::parse(&filter.status).ok(),
            kind: EmailKind::parse(&filter.kind).ok(),
            recipient: nonempty(&filter.recipient),
            event_id,
            registration_id: None,
            before_id: filter.before,
        },
        super::ROWS_PER_PAGE as i64 + 1,
    )
    .await?;
    let older = super::older_page(
        &mut rows,
        |r| r.id,
        "/staff/outbox",
        &[
            ("status", &filter.status),
            ("kind", &filter.kind),
            ("recipient", &filter.recipient),
            ("event", &filter.event),
        ],
    );
    Ok(render(&OutboxPage {
        l: session.layout(&ctx, "Outbox"),
        filter,
        statuses: OutboxStatus::ALL.iter().map(|s| s.as_str()).collect(),
        kinds: EmailKind::ALL.iter().map(|k| k.as_str()).collect(),
        events: events.into_iter().map(|e| (e.slug, e.title)).collect(),
        rows,
        older,
    }))
}

#[derive(Template)]
#[template(path = "staff/outbox_email.html")]
struct EmailPage {
    l: Layout,
    csrf: String,
    e: OutboxRow,
    can_resend: bool,
    can_cancel: bool,
    /// Days sent emails keep their text.
    body_days: i64,
}

/// `GET /staff/outbox/{id}`: one email, both parts, with its delivery state.
pub async fn outbox_detail(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(id): Path<i64>,
) -> PageResult {
    session.require(Role::Staff)?;
    let mut e = crate::email::outbox_view::get(&ctx, id).await?;
    // The QR images the message carries, drawn as it was sent.
    e.body_html = crate::infra::inline_qr::with_data_urls(&e.body_html);
    Ok(render(&EmailPage {
        l: session.layout(&ctx, e.subject.clone()),
        csrf: session.csrf.clone(),
        can_resend: ctx.mailer.is_some() && e.status.can_resend() && e.body_trimmed_at.is_none(),
        can_cancel: e.status.can_cancel(),
        body_days: ctx.settings.outbox_body_days,
        e,
    }))
}

/// `POST /staff/outbox/{id}/{resend|cancel}`.
pub async fn outbox_action(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path((id, action)): Path<(i64, String)>,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    let action = OutboxAction::parse(&action).map_err(|_| AppError::NotFound)?;
    crate::email::act_on(&ctx, &session.actor(), id, action).await?;
    Ok(back_to(&format!("/staff/outbox/{id}")))
}
