//! Messages to attendees in the staff console: write, preview as a recipient sees it, send.

use askama::Template;
use axum::extract::{Path, State};

use super::{StaffSession, back_to};
use crate::broadcasts::{self, Input};
use crate::context::Ctx;
use crate::core::error::{AppError, FieldErrors};
use crate::db::events::EventRow;
use crate::domain::{RegistrationStatus, token};
use crate::web::extract::Role;
use crate::web::pages::forms::FormData;
use crate::web::pages::{Layout, PageResult, render, render_with};

/// The preview shown under the form.
struct PreviewView {
    recipients: usize,
    to: String,
    subject: String,
    text: String,
    html: String,
}

#[derive(Template)]
#[template(path = "staff/message.html")]
struct ComposePage {
    l: Layout,
    csrf: String,
    slug: String,
    event_title: String,
    form_key: String,
    subject: String,
    body: String,
    status: String,
    offering: String,
    checked_in: String,
    statuses: Vec<&'static str>,
    offerings: Vec<(String, String)>,
    errors: FieldErrors,
    problem: Option<String>,
    preview: Option<PreviewView>,
    rate: u32,
}

impl ComposePage {
    fn err(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }
}

async fn compose_page(
    ctx: &Ctx,
    session: &StaffSession,
    slug: &str,
) -> PageResult<(ComposePage, EventRow)> {
    let event = crate::events::read::find(ctx, slug).await?;
    let offerings = crate::events::read::offerings(ctx, event.id).await?;
    let page = ComposePage {
        l: session.layout(ctx, format!("Message: {}", event.title)),
        csrf: session.csrf.clone(),
        slug: event.slug.clone(),
        event_title: event.title.clone(),
        form_key: token::generate(),
        subject: String::new(),
        body: String::new(),
        status: "confirmed".to_owned(),
        offering: String::new(),
        checked_in: String::new(),
        statuses: RegistrationStatus::ALL.iter().map(|s| s.as_str()).collect(),
        offerings: offerings.into_iter().map(|o| (o.key, o.name)).collect(),
        errors: FieldErrors::new(),
        problem: None,
        preview: None,
        rate: ctx.settings.message_rate,
    };
    Ok((page, event))
}

/// `GET /staff/events/{slug}/messages/new`: the compose form.
pub async fn new_message(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
) -> PageResult {
    session.require(Role::Staff)?;
    Ok(render(&compose_page(&ctx, &session, &slug).await?.0))
}

/// `POST /staff/events/{slug}/messages`: `action=preview` renders the message for its first
/// recipient under the form; `action=send` queues it and returns to the event.
pub async fn post_message(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    let (mut page, event) = compose_page(&ctx, &session, &slug).await?;
    page.subject = form.get("subject").to_owned();
    page.body = form.get("body").to_owned();
    page.status = form.get("status").to_owned();
    page.offering = form.get("offering").to_owned();
    page.checked_in = form.get("checked_in").to_owned();
    if !form.get("form_key").is_empty() {
        page.form_key = form.get("form_key").to_owned();
    }
    let input = Input {
        subject: &page.subject,
        body: &page.body,
        status: Some(&page.status),
        offering: Some(&page.offering),
        checked_in: Some(&page.checked_in),
    };
    let draft = match broadcasts::parse(&ctx, &event, &input).await {
        Ok(d) => d,
        Err(AppError::Validation(errors)) => {
            page.errors = errors;
            return Ok(render_with(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &page,
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if form.get("action") == "send" {
        match broadcasts::send(&ctx, &event, &draft, &page.form_key, &session.actor()).await {
            Ok(_) => return Ok(back_to(&format!("/staff/events/{slug}?sent=1#messages"))),
            Err(AppError::Conflict { message, .. }) => page.problem = Some(message),
            Err(e) => return Err(e.into()),
        }
    }
    let preview = broadcasts::preview(&ctx, &event, &draft).await?;
    page.preview = Some(match preview.sample {
        Some((to, r)) => PreviewView {
            recipients: preview.recipients,
            to,
            subject: r.subject,
            text: r.text,
            html: r.html,
        },
        None => PreviewView {
            recipients: 0,
            to: String::new(),
            subject: String::new(),
            text: String::new(),
            html: String::new(),
        },
    });
    Ok(render(&page))
}
