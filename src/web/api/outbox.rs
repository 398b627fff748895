//! `/api/v1/outbox`: every email the system sent or would send (staff).

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

use crate::core::error::{AppError, FieldCollector, Result};
use crate::db::events as db_events;
use crate::db::outbox::{self, OutboxFilter, OutboxRow};
use crate::state::Ctx;
use crate::web::extract::{Role, StaffAuth};

/// An email as staff see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutboxJson {
    pub id: i64,
    /// `received`, `confirmed`, `reminder` ...
    pub kind: String,
    pub recipient: String,
    pub language: String,
    pub subject: String,
    /// `queued`, `sending`, `sent`, `retrying`, `failed`, `cancelled`, or `held` (no SMTP
    /// server configured: kept here, never sent).
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub message_id: String,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub next_attempt_at: String,
    pub registration_id: Option<i64>,
    pub event_id: Option<i64>,
    /// The plain-text part, as sent.
    pub body_text: String,
    /// The HTML part, as sent (only on the single-message endpoint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_html: Option<String>,
    /// Whether a calendar file is attached.
    pub has_calendar: bool,
}

fn outbox_json(row: OutboxRow, with_html: bool) -> OutboxJson {
    OutboxJson {
        id: row.id,
        kind: row.kind,
        recipient: row.recipient,
        language: row.language,
        subject: row.subject,
        status: row.status,
        attempts: row.attempts,
        last_error: row.last_error,
        message_id: row.message_id,
        created_at: row.created_at.to_rfc3339(),
        sent_at: row.sent_at.map(|t| t.to_rfc3339()),
        next_attempt_at: row.next_attempt_at.to_rfc3339(),
        registration_id: row.registration_id,
        event_id: row.event_id,
        body_text: row.body_text,
        body_html: with_html.then_some(row.body_html),
        has_calendar: row.ics.is_some(),
    }
}

/// Filters of the outbox list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OutboxQuery {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub recipient: Option<String>,
    /// Event slug.
    pub event: Option<String>,
    /// At most this many, newest first (default 100, at most 1000).
    pub limit: Option<i64>,
}

/// Every outbox state.
pub const STATUSES: &[&str] = &[
    "queued",
    "sending",
    "sent",
    "retrying",
    "failed",
    "cancelled",
    "held",
];

/// List emails, newest first (staff).
#[utoipa::path(get, path = "/api/v1/outbox", tag = "outbox", params(OutboxQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<OutboxJson>), (status = 401, body = crate::core::error::ErrorBody),
        (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn list_outbox(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    query: Result<Query<OutboxQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<OutboxJson>>> {
    staff.require(Role::Staff)?;
    let Query(q) = query.map_err(|e| AppError::field("query", e.body_text()))?;
    let mut f = FieldCollector::default();
    if q.status.as_deref().is_some_and(|s| !STATUSES.contains(&s)) {
        f.add("status", format!("must be one of: {}", STATUSES.join(", ")));
    }
    if q.kind
        .as_deref()
        .is_some_and(|k| crate::email::EmailKind::parse(k).is_err())
    {
        f.add("kind", "is not a kind of email");
    }
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        f.add("limit", "must be between 1 and 1000");
    }
    f.finish()?;
    let event_id = match q.event.as_deref() {
        Some(slug) => Some(
            db_events::find_by_slug(&ctx.db, slug)
                .await?
                .ok_or_else(|| AppError::field("event", "no such event"))?
                .id,
        ),
        None => None,
    };
    let filter = OutboxFilter {
        status: q.status,
        kind: q.kind,
        recipient: q.recipient.map(|r| r.trim().to_owned()),
        event_id,
        registration_id: None,
    };
    let rows = outbox::list(&ctx.db, &filter, limit).await?;
    Ok(Json(
        rows.into_iter().map(|r| outbox_json(r, false)).collect(),
    ))
}

/// One email with both parts (staff).
#[utoipa::path(get, path = "/api/v1/outbox/{id}", tag = "outbox", params(("id" = i64, Path, description = "Outbox id")),
    security(("bearer" = [])), responses((status = 200, body = OutboxJson), (status = 404, body = crate::core::error::ErrorBody)))]
pub async fn get_outbox(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(id): Path<i64>,
) -> Result<Json<OutboxJson>> {
    staff.require(Role::Staff)?;
    let row = outbox::get(&ctx.db, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(outbox_json(row, true)))
}

async fn act(
    ctx: &Ctx,
    staff: &StaffAuth,
    id: i64,
    action: &'static str,
) -> Result<Json<OutboxJson>> {
    staff.require(Role::Staff)?;
    apply_action(ctx, &staff.actor(), id, action).await?;
    let row = outbox::get(&ctx.db, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(outbox_json(row, false)))
}

/// Resends (`resend`) or cancels (`cancel`) an email for a staff member, audited; shared by the
/// API and the staff pages.
pub async fn apply_action(
    ctx: &Ctx,
    actor: &crate::core::actor::Actor,
    id: i64,
    action: &'static str,
) -> Result<()> {
    let before = outbox::get(&ctx.db, id).await?.ok_or(AppError::NotFound)?;
    if action == "resend" && ctx.mailer.is_none() {
        return Err(AppError::conflict(
            "no_smtp",
            "No SMTP server is configured (SMTP_URL); held emails cannot be sent.",
        ));
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if !outbox::set_status_by_staff(&mut tx, id, action, now).await? {
        return Err(AppError::conflict(
            "not_possible",
            format!(
                "An email that is {} cannot be {}.",
                before.status,
                if action == "resend" {
                    "resent now"
                } else {
                    "cancelled"
                }
            ),
        ));
    }
    let after =
        serde_json::json!({"status": if action == "resend" { "queued" } else { "cancelled" }});
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        &format!("email.{action}"),
        &format!("outbox:{id}"),
        Some(&serde_json::json!({"status": before.status})),
        Some(&after),
        now,
    )
    .await?;
    tx.commit().await?;
    if action == "resend" {
        ctx.queue
            .push_all(&[crate::core::job::Scheduled {
                job: crate::core::job::Job::SendEmail { outbox_id: id },
                run_at: now,
            }])
            .await;
    }
    Ok(())
}

/// Send an email again now (staff): failed, sent, cancelled or retrying ones.
#[utoipa::path(post, path = "/api/v1/outbox/{id}/resend", tag = "outbox", params(("id" = i64, Path, description = "Outbox id")),
    security(("bearer" = [])), responses((status = 200, body = OutboxJson), (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn resend_outbox(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(id): Path<i64>,
) -> Result<Json<OutboxJson>> {
    act(&ctx, &staff, id, "resend").await
}

/// Cancel an email that has not been sent yet (staff).
#[utoipa::path(post, path = "/api/v1/outbox/{id}/cancel", tag = "outbox", params(("id" = i64, Path, description = "Outbox id")),
    security(("bearer" = [])), responses((status = 200, body = OutboxJson), (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn cancel_outbox(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(id): Path<i64>,
) -> Result<Json<OutboxJson>> {
    act(&ctx, &staff, id, "cancel").await
}

/// How many emails are in each state (for the staff dashboard: `failed` needs attention).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutboxStatsJson {
    /// State name → number of emails, every state listed.
    pub by_status: std::collections::BTreeMap<String, i64>,
    /// Emails that will not be sent without staff action.
    pub failed: i64,
}

/// Counts of emails per state (staff).
#[utoipa::path(get, path = "/api/v1/outbox/stats", tag = "outbox", security(("bearer" = [])),
    responses((status = 200, body = OutboxStatsJson), (status = 401, body = crate::core::error::ErrorBody)))]
pub async fn outbox_stats(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
) -> Result<Json<OutboxStatsJson>> {
    staff.require(Role::Staff)?;
    let mut by_status: std::collections::BTreeMap<String, i64> =
        STATUSES.iter().map(|s| ((*s).to_owned(), 0)).collect();
    for (status, n) in outbox::count_by_status(&ctx.db).await? {
        by_status.insert(status, n);
    }
    let failed = by_status.get("failed").copied().unwrap_or(0);
    Ok(Json(OutboxStatsJson { by_status, failed }))
}
