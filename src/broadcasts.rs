//! Messages from staff to a filtered group of attendees (status, offering, checked in or
//! not): previewed as a recipient sees them, then queued in the outbox, one email per
//! registration, spread out at `TWINNING_MESSAGE_RATE` per minute.
//!
//! Each message is recorded with the random key of the form that sent it, so a double click
//! or a retried request sends it once; each email's dedupe key is the message and the
//! registration, so no registration gets the same message twice.

use chrono::Duration;

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, FieldCollector, Result};
use crate::core::job::compact;
use crate::db::events::{self as db_events, EventRow};
use crate::db::export::AttendeeFilter;
use crate::db::messages::{self as db_messages, MessageRow, NewMessage};
use crate::db::outbox;
use crate::domain::{RegistrationStatus, Title, parse_long_text};
use crate::email::compose::{StaffMessage, message_preview, queue_message};
use crate::email::render::Rendered;

/// Longest message text, in characters.
pub const MAX_BODY: usize = 10_000;

/// A message as staff wrote it, checked.
#[derive(Debug, Clone)]
pub struct Draft {
    pub message: StaffMessage,
    pub filter: AttendeeFilter,
}

/// The raw fields of the compose form or the API body.
#[derive(Debug, Clone, Default)]
pub struct Input<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    pub status: Option<&'a str>,
    pub offering: Option<&'a str>,
    pub checked_in: Option<&'a str>,
}

/// Checks a message for `event`, naming every bad field.
pub async fn parse(ctx: &Ctx, event: &EventRow, input: &Input<'_>) -> Result<Draft> {
    let mut f = FieldCollector::default();
    let subject = f.take("subject", Title::parse(input.subject));
    let body = f.take("body", parse_long_text(input.body, MAX_BODY));
    if body.as_ref().is_some_and(String::is_empty) {
        f.add("body", "is required");
    }
    let status = input.status.map(str::trim).filter(|s| !s.is_empty());
    if let Some(s) = status {
        f.take("status", RegistrationStatus::parse(s));
    }
    let offering = input.offering.map(str::trim).filter(|s| !s.is_empty());
    if let Some(key) = offering {
        let offerings = db_events::offerings(&ctx.db, event.id).await?;
        if !offerings.iter().any(|o| o.key == key) {
            f.add("offering", format!("this event has no offering {key:?}"));
        }
    }
    let checked_in = match input.checked_in.map(str::trim).unwrap_or("") {
        "" => None,
        "yes" | "true" | "1" => Some(true),
        "no" | "false" | "0" => Some(false),
        _ => {
            f.add("checked_in", "must be yes or no");
            None
        }
    };
    f.finish()?;
    Ok(Draft {
        message: StaffMessage {
            subject: subject.expect("checked").as_str().to_owned(),
            body: body.expect("checked"),
        },
        filter: AttendeeFilter {
            status: status.map(str::to_owned),
            offering: offering.map(str::to_owned),
            checked_in,
        },
    })
}

/// What a message would do: how many registrations get it, and the email the first of them
/// would receive.
#[derive(Debug, Clone)]
pub struct Preview {
    pub recipients: usize,
    /// The first recipient's address and their email.
    pub sample: Option<(String, Rendered)>,
}

/// Renders `draft` for its first recipient without sending anything.
pub async fn preview(ctx: &Ctx, event: &EventRow, draft: &Draft) -> Result<Preview> {
    // Read inside a transaction (the email is composed from one), then rolled back.
    let mut tx = ctx.db.begin().await?;
    let ids = db_messages::recipients_tx(&mut tx, event.id, &draft.filter).await?;
    let sample = match ids.first() {
        Some(id) => Some(message_preview(ctx, &mut tx, *id, &draft.message).await?),
        None => None,
    };
    drop(tx);
    Ok(Preview {
        recipients: ids.len(),
        sample,
    })
}

/// A message that was queued.
#[derive(Debug, Clone)]
pub struct Sent {
    pub message: MessageRow,
    /// `true` when this form had been sent before (nothing new was queued).
    pub repeated: bool,
}

/// Sends `draft` to its recipients through the outbox, once per `form_key`.
pub async fn send(
    ctx: &Ctx,
    event: &EventRow,
    draft: &Draft,
    form_key: &str,
    actor: &Actor,
) -> Result<Sent> {
    if form_key.trim().is_empty() || form_key.len() > 100 {
        return Err(AppError::field("form_key", "must be 1 to 100 characters"));
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let ids = db_messages::recipients_tx(&mut tx, event.id, &draft.filter).await?;
    if ids.is_empty() {
        return Err(AppError::conflict(
            "no_recipients",
            "No registration matches these filters: nothing was sent.",
        ));
    }
    let label = actor.label();
    let inserted = db_messages::insert(
        &mut tx,
        &NewMessage {
            event_id: event.id,
            form_key,
            subject: &draft.message.subject,
            body: &draft.message.body,
            filter: &draft.filter,
            recipients: ids.len() as i64,
            created_by: &label,
        },
        now,
    )
    .await?;
    let Some(message_id) = inserted else {
        drop(tx);
        let message = db_messages::by_form_key(&ctx.db, form_key)
            .await?
            .filter(|m| m.event_id == event.id)
            .ok_or_else(|| AppError::field("form_key", "was used for another event"))?;
        return Ok(Sent {
            message,
            repeated: true,
        });
    };
    let spacing_ms = 60_000 / i64::from(ctx.settings.message_rate.max(1));
    let mut jobs = Vec::new();
    for (i, registration_id) in ids.iter().enumerate() {
        let send_at = now + Duration::milliseconds(spacing_ms * i as i64);
        let key = format!("message:{message_id}:{registration_id}");
        jobs.extend(
            queue_message(
                ctx,
                &mut tx,
                *registration_id,
                &draft.message,
                &key,
                send_at,
            )
            .await?,
        );
    }
    crate::db::audit::audit(
        &mut tx,
        &label,
        "message.send",
        &format!("event:{}", event.id),
        None,
        Some(&serde_json::json!({
            "message": message_id, "subject": draft.message.subject,
            "status": draft.filter.status, "offering": draft.filter.offering,
            "checked_in": draft.filter.checked_in, "recipients": ids.len(),
        })),
        now,
    )
    .await?;
    ctx.commit(tx, &compact(&jobs)).await?;
    Ok(Sent {
        message: MessageRow {
            id: message_id,
            event_id: event.id,
            subject: draft.message.subject.clone(),
            body: draft.message.body.clone(),
            filter_status: draft.filter.status.clone(),
            filter_offering: draft.filter.offering.clone(),
            filter_checked_in: draft.filter.checked_in,
            recipients: ids.len() as i64,
            created_by: label,
            created_at: now,
        },
        repeated: false,
    })
}

/// Emails per outbox state of message `message_id` of event `event_id`.
pub async fn deliveries(ctx: &Ctx, event_id: i64, message_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(
        outbox::count_by_status_with_prefix(&ctx.db, event_id, &format!("message:{message_id}:"))
            .await?,
    )
}

/// A sent message with the delivery state of its emails.
#[derive(Debug, Clone)]
pub struct Summary {
    pub message: MessageRow,
    /// (outbox status, emails), e.g. `("sent", 480)`.
    pub deliveries: Vec<(String, i64)>,
}

/// The messages of `event`, newest first, with delivery counts.
pub async fn list(ctx: &Ctx, event_id: i64) -> Result<Vec<Summary>> {
    let mut out = Vec::new();
    for message in db_messages::list(&ctx.db, event_id).await? {
        let deliveries = deliveries(ctx, event_id, message.id).await?;
        out.push(Summary {
            message,
            deliveries,
        });
    }
    Ok(out)
}

/// The contact of registration `token` stops (`stop`) or resumes staff messages about its
/// event: a message sent later leaves them out. Emails about the registration itself still
/// go. Audited; doing it twice changes nothing.
pub async fn stop_messages(ctx: &Ctx, token: &str, stop: bool) -> Result<()> {
    let reg = crate::registrations::find(ctx, token).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if db_messages::set_stopped(&mut tx, reg.id, stop.then_some(now)).await? {
        crate::db::audit::audit(
            &mut tx,
            &Actor::Participant.label(),
            if stop {
                "registration.messages_stopped"
            } else {
                "registration.messages_resumed"
            },
            &format!("registration:{}", reg.id),
            Some(&serde_json::json!({"messages": stop})),
            Some(&serde_json::json!({"messages": !stop})),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
