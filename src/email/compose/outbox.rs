//! Writing a rendered email to the outbox, inside the caller's transaction.

use chrono::{DateTime, Utc};

use super::super::render::Email;
use crate::context::Ctx;
use crate::core::job::{Scheduled, SendEmail};
use crate::db::Tx;
use crate::db::outbox::{self, NewOutboxRow};
use crate::domain::{OutboxStatus, token};

/// A new Message-ID on the association's domain, fixed for the life of the outbox row.
fn message_id(ctx: &Ctx) -> String {
    format!(
        "<{}@{}>",
        token::generate(),
        ctx.settings.message_id_domain()
    )
}

/// Where one email goes, besides its content.
#[derive(Debug, Clone, Default)]
pub struct Envelope<'a> {
    /// Identifies the email: a second one with the same key is not written.
    pub dedupe_key: &'a str,
    pub recipient: &'a str,
    pub registration_id: Option<i64>,
    pub event_id: Option<i64>,
    /// A calendar file to attach.
    pub ics: Option<String>,
    /// Not before this time (staff messages); now when `None`.
    pub send_at: Option<DateTime<Utc>>,
}

/// Renders `email` and writes it to the outbox; returns the delivery job when mail is being
/// sent.
pub(crate) async fn insert(
    ctx: &Ctx,
    tx: &mut Tx,
    email: &Email,
    to: &Envelope<'_>,
) -> anyhow::Result<Option<Scheduled>> {
    insert_bulk(ctx, tx, email, to, None).await
}

/// [`insert`] for bulk mail, with the address that stops it (`List-Unsubscribe`).
pub(crate) async fn insert_bulk(
    ctx: &Ctx,
    tx: &mut Tx,
    email: &Email,
    to: &Envelope<'_>,
    unsubscribe_url: Option<&str>,
) -> anyhow::Result<Option<Scheduled>> {
    let kind = email.kind();
    let rendered = email
        .render()
        .map_err(|e| anyhow::anyhow!("rendering {kind} email: {e}"))?;
    let status = if ctx.mailer.is_some() {
        OutboxStatus::Queued
    } else {
        OutboxStatus::Held
    };
    let now = ctx.clock.now();
    let id = outbox::insert(
        tx,
        &NewOutboxRow {
            dedupe_key: to.dedupe_key,
            kind,
            recipient: to.recipient,
            language: &email.common().language,
            registration_id: to.registration_id,
            event_id: to.event_id,
            subject: &rendered.subject,
            body_text: &rendered.text,
            body_html: &rendered.html,
            ics: to.ics.as_deref(),
            message_id: &message_id(ctx),
            status,
            send_at: to.send_at,
            unsubscribe_url,
        },
        now,
    )
    .await?;
    Ok(match id {
        Some(outbox_id) if status == OutboxStatus::Queued => Some(Scheduled {
            job: SendEmail { outbox_id }.into(),
            run_at: to.send_at.unwrap_or(now),
        }),
        _ => None,
    })
}
