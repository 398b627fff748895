//! `POST /api/v1/checkins`: the door scans a code (staff token, any role including checkin).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::checkin::{self, Scan};
use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::domain::TimeZone;
use crate::web::extract::{ApiJson, Role, StaffAuth};

/// Body of `POST /api/v1/checkins`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinBody {
    /// The code from the QR code (case and separators do not matter).
    pub code: String,
    /// Only accept codes of this event (slug), so a ticket for another event is refused.
    #[serde(default)]
    pub event: Option<String>,
}

/// What the door sees after a scan.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckinJson {
    /// `checked_in`, or `already_checked_in` for a second scan (not an error).
    pub result: String,
    /// A sentence for the volunteer, e.g. `Already checked in at 19:42`.
    pub message: String,
    pub participant: String,
    pub offering: String,
    pub contact: String,
    pub event: String,
    /// Local time of the check-in in the event's zone, `HH:MM`.
    pub checked_in_at: String,
}

/// Formats a scan for the door: the time in the event's zone.
pub fn scan_json(scan: &Scan) -> CheckinJson {
    let zone =
        TimeZone::parse(&scan.participant.event_timezone).unwrap_or(TimeZone(chrono_tz::UTC));
    let at = zone
        .to_local(scan.checked_in_at)
        .format("%H:%M")
        .to_string();
    let p = &scan.participant;
    CheckinJson {
        result: if scan.already {
            "already_checked_in"
        } else {
            "checked_in"
        }
        .to_owned(),
        message: if scan.already {
            format!("{} was already checked in at {at}.", p.name)
        } else {
            format!("{} checked in: {}.", p.name, p.offering_name)
        },
        participant: p.name.clone(),
        offering: p.offering_name.clone(),
        contact: p.contact_name.clone(),
        event: p.event_slug.clone(),
        checked_in_at: at,
    }
}

/// Check in the participant with a code (any staff role). A second scan answers 200 with
/// `already_checked_in`; codes of unpaid, cancelled or waitlisted registrations answer 409
/// with a code saying which.
#[utoipa::path(post, path = "/api/v1/checkins", tag = "checkins", request_body = CheckinBody,
    security(("bearer" = [])),
    responses((status = 201, body = CheckinJson), (status = 200, body = CheckinJson),
        (status = 401, body = crate::core::error::ErrorBody), (status = 404, body = crate::core::error::ErrorBody),
        (status = 409, body = crate::core::error::ErrorBody), (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn create_checkin(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    ApiJson(body): ApiJson<CheckinBody>,
) -> Result<(StatusCode, Json<CheckinJson>)> {
    staff.require(Role::Checkin)?;
    let event_id = match body.event.as_deref() {
        Some(slug) => Some(
            crate::events::read::find_optional(&ctx, slug)
                .await?
                .ok_or(AppError::NotFound)?
                .id,
        ),
        None => None,
    };
    let scan = checkin::check_in(&ctx, &body.code, event_id, &staff.actor()).await?;
    let status = if scan.already {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(scan_json(&scan))))
}

/// Undo the check-in of the participant with this code (a wrong tap).
#[utoipa::path(delete, path = "/api/v1/checkins/{code}", tag = "checkins",
    params(("code" = String, Path, description = "Check-in code")), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = crate::core::error::ErrorBody)))]
pub async fn delete_checkin(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(code): Path<String>,
) -> Result<StatusCode> {
    staff.require(Role::Checkin)?;
    let p = checkin::by_code(&ctx, &code).await?;
    checkin::undo(&ctx, p.participant_id, &staff.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}
