//! `/api/v1/outbox`: every email the system sent or would send (staff).

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

use crate::context::Ctx;
use crate::core::error::{AppError, FieldCollector, ParseError, Result};
use crate::db::outbox::{OutboxFilter, OutboxRow};
use crate::domain::outbox::OutboxAction;
use crate::domain::{EmailKind, OutboxStatus};
use crate::web::api::page::{Page, PageQuery};
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
    /// When the bodies were removed (`TWINNING_OUTBOX_BODY_DAYS` after sending); both are
    /// empty from then on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_trimmed_at: Option<String>,
}

fn outbox_json(row: OutboxRow, with_html: bool) -> OutboxJson {
    OutboxJson {
        id: row.id,
        kind: row.kind.to_string(),
        recipient: row.recipient,
        language: row.language,
        subject: row.subject,
        status: row.status.to_string(),
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
        body_trimmed_at: row.body_trimmed_at.map(|t| t.to_rfc3339()),
    }
}

/// Filters of the outbox list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Only emails in this state.
    #[param(value_type = Option<crate::domain::OutboxStatus>)]
    pub status: Option<String>,
    /// Only emails of this kind.
    #[param(value_type = Option<crate::domain::EmailKind>)]
    pub kind: Option<String>,
    /// Only emails to this address.
    pub recipient: Option<String>,
    /// Event slug (an unknown one is a 404).
    pub event: Option<String>,
}

/// List emails, newest first (staff).
#[utoipa::path(get, path = "/api/v1/outbox", tag = "outbox", params(OutboxQuery, PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<OutboxJson>), (status = 401, body = crate::core::error::ErrorBody),
        (status = 404, body = crate::core::error::ErrorBody), (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn list_outbox(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    query: Result<Query<OutboxQuery>, axum::extract::rejection::QueryRejection>,
    page: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Page<OutboxJson>>> {
    staff.require(Role::Staff)?;
    let Query(q) = query.map_err(|e| AppError::field("query", e.body_text()))?;
    let Query(page) = page.map_err(|e| AppError::field("query", e.body_text()))?;
    let at = page.at()?;
    let mut f = FieldCollector::default();
    let status = q
        .status
        .as_deref()
        .and_then(|s| f.take("status", OutboxStatus::parse(s)));
    let kind = q.kind.as_deref().and_then(|k| {
        let parsed = EmailKind::parse(k).map_err(|_| ParseError::new("is not a kind of email"));
        f.take("kind", parsed)
    });
    f.finish()?;
    let event_id = match q.event.as_deref() {
        Some(slug) => Some(
            crate::events::read::find_optional(&ctx, slug)
                .await?
                .ok_or(AppError::NotFound)?
                .id,
        ),
        None => None,
    };
    let filter = OutboxFilter {
        status,
        kind,
        recipient: q.recipient.map(|r| r.trim().to_owned()),
        event_id,
        registration_id: None,
        before_id: at.after,
    };
    let rows = crate::email::outbox_view::list(&ctx, &filter, at.limit + 1).await?;
    Ok(Json(
        Page::cut(rows, at.limit, |r| r.id).map(|r| outbox_json(r, false)),
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
    let row = crate::email::outbox_view::get(&ctx, id).await?;
    Ok(Json(outbox_json(row, true)))
}

async fn act(
    ctx: &Ctx,
    staff: &StaffAuth,
    id: i64,
    action: OutboxAction,
) -> Result<Json<OutboxJson>> {
    staff.require(Role::Staff)?;
    crate::email::act_on(ctx, &staff.actor(), id, action).await?;
    let row = crate::email::outbox_view::get(ctx, id).await?;
    Ok(Json(outbox_json(row, false)))
}

/// Send an email again now (staff): failed, sent, cancelled or retrying ones.
#[utoipa::path(post, path = "/api/v1/outbox/{id}/resend", tag = "outbox", params(("id" = i64, Path, description = "Outbox id")),
    security(("bearer" = [])), responses((status = 200, body = OutboxJson), (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn resend_outbox(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(id): Path<i64>,
) -> Result<Json<OutboxJson>> {
    act(&ctx, &staff, id, OutboxAction::Resend).await
}

/// Cancel an email that has not been sent yet (staff).
#[utoipa::path(post, path = "/api/v1/outbox/{id}/cancel", tag = "outbox", params(("id" = i64, Path, description = "Outbox id")),
    security(("bearer" = [])), responses((status = 200, body = OutboxJson), (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn cancel_outbox(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(id): Path<i64>,
) -> Result<Json<OutboxJson>> {
    act(&ctx, &staff, id, OutboxAction::Cancel).await
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
    let mut by_status: std::collections::BTreeMap<String, i64> = OutboxStatus::ALL
        .iter()
        .map(|s| (s.to_string(), 0))
        .collect();
    for (status, n) in crate::email::counts(&ctx).await? {
        by_status.insert(status.to_string(), n);
    }
    let failed = by_status
        .get(OutboxStatus::Failed.as_str())
        .copied()
        .unwrap_or(0);
    Ok(Json(OutboxStatsJson { by_status, failed }))
}
