//! Messages from staff to attendees.

use chrono::{DateTime, Utc};

use super::super::render::{self as r, Email, paragraphs};
use super::registration::booking;
use super::{Envelope, Loaded, contact_language, insert_bulk};
use crate::context::Ctx;
use crate::core::job::Scheduled;
use crate::db::Tx;

/// A message from staff to attendees.
#[derive(Debug, Clone)]
pub struct StaffMessage {
    pub subject: String,
    pub body: String,
}

/// Renders message `message` as registration `registration_id`'s contact would receive it.
pub async fn message_preview(
    ctx: &Ctx,
    tx: &mut Tx,
    registration_id: i64,
    message: &StaffMessage,
) -> anyhow::Result<(String, r::Rendered)> {
    let data = Loaded::read(tx, registration_id).await?;
    let rendered = message_email(ctx, &data, message)
        .render()
        .map_err(|e| anyhow::anyhow!("rendering message email: {e}"))?;
    Ok((data.registration.contact_email.clone(), rendered))
}

fn message_email(ctx: &Ctx, data: &Loaded, message: &StaffMessage) -> Email {
    let lang = contact_language(&data.registration);
    Email::Message(r::Message {
        booking: booking(ctx, data, lang, false),
        message_subject: message.subject.clone(),
        message_paragraphs: paragraphs(&message.body),
    })
}

/// Queues message `message` to the contact of registration `registration_id`, not before
/// `send_at`, once per `dedupe_key`.
pub async fn queue_message(
    ctx: &Ctx,
    tx: &mut Tx,
    registration_id: i64,
    message: &StaffMessage,
    dedupe_key: &str,
    send_at: DateTime<Utc>,
) -> anyhow::Result<Option<Scheduled>> {
    let data = Loaded::read(tx, registration_id).await?;
    let reg = &data.registration;
    let to = Envelope {
        dedupe_key,
        recipient: &reg.contact_email,
        registration_id: Some(reg.id),
        event_id: Some(data.event.id),
        ics: None,
        send_at: Some(send_at),
    };
    // Bulk mail: the contact's mail program offers to stop it (RFC 8058 one-click).
    let stop = format!("{}/stop-messages", ctx.manage_url(&reg.token));
    insert_bulk(
        ctx,
        tx,
        &message_email(ctx, &data, message),
        &to,
        Some(&stop),
    )
    .await
}
