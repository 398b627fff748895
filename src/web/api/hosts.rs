//! `/api/v1/hosts` (applications and staff review) and `/api/v1/households/{token}` (the
//! household's own view through its private link).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::db::hosts::{HouseholdRow, MemberRow, ScreeningRow};
use crate::exchanges::households::{self, HostBody, MinorsStanding, ScreeningBody};
use crate::web::api::page::{Page, PageQuery};
use crate::web::extract::{ApiJson, Role, StaffAuth};

/// A member as shown.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberJson {
    /// Send it back with the member in `PUT /api/v1/households/{token}` to keep their record.
    pub id: i64,
    pub name: String,
    /// The name shown to a visitor before a placement is confirmed.
    pub display_name: String,
    pub born_on: NaiveDate,
    /// At or above the programme's adult age today (must be screened to host minors).
    pub adult: bool,
    /// Latest expiry of a clear safeguarding check.
    pub screened_until: Option<NaiveDate>,
    /// Every screening on record (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screenings: Option<Vec<ScreeningJson>>,
}

/// A screening as staff see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScreeningJson {
    pub kind: String,
    pub outcome: String,
    pub completed_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub reference: String,
}

/// A household as shown to staff and to the household itself.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HostJson {
    pub id: i64,
    /// `applicant`, `approved`, `review` (changed since approval: minors wait until staff
    /// approve again) or `suspended`.
    pub status: String,
    /// Why it was suspended (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// While in review: what changed since approval, field by field (`{"before", "after"}`).
    #[schema(value_type = Object)]
    pub review_changes: serde_json::Value,
    pub contact: households::HostContact,
    pub address: String,
    pub area: String,
    pub members: Vec<MemberJson>,
    pub beds: i64,
    pub bedrooms: i64,
    pub room: String,
    pub bathroom: String,
    pub max_parties: i64,
    pub step_free: bool,
    pub bedroom_floor: i64,
    pub pets: Vec<households::PetBody>,
    pub smoking: String,
    pub languages: Vec<households::LanguageLevel>,
    pub diets: Vec<String>,
    pub interests: Vec<String>,
    pub available: Vec<households::DateRange>,
    pub limits: households::HostLimits,
    /// Whether minors can be placed here now.
    pub minors: MinorsStanding,
    /// The household's private page (staff only: it is the household's key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manage_url: Option<String>,
    pub created_at: String,
}

fn list_of<T: serde::de::DeserializeOwned>(json: &str) -> Vec<T> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The household page's address.
pub fn household_url(ctx: &Ctx, token: &str) -> String {
    format!("{}/h/{token}", ctx.settings.base_url())
}

fn host_json(
    ctx: &Ctx,
    row: &HouseholdRow,
    members: &[MemberRow],
    screenings: &[ScreeningRow],
    staff_view: bool,
) -> HostJson {
    let today = ctx.clock.now().with_timezone(&Utc).date_naive();
    let adult_age = ctx.settings.adult_age;
    HostJson {
        id: row.id,
        status: row.status.as_str().to_owned(),
        status_reason: staff_view.then(|| row.status_reason.clone()),
        review_changes: serde_json::from_str(&row.review_changes)
            .unwrap_or_else(|_| serde_json::json!({})),
        contact: households::HostContact {
            name: row.contact_name.clone(),
            email: row.contact_email.clone(),
            phone: Some(row.contact_phone.clone()),
            language: Some(row.language.clone()),
        },
        address: row.address.clone(),
        area: row.area.clone(),
        members: members
            .iter()
            .map(|m| MemberJson {
                id: m.id,
                name: m.name.clone(),
                display_name: m.shown_name().to_owned(),
                born_on: m.born_on,
                adult: households::age_on(m.born_on, today) >= adult_age,
                screened_until: households::screened_until(m.id, screenings),
                screenings: staff_view.then(|| {
                    screenings
                        .iter()
                        .filter(|s| s.member_id == m.id)
                        .map(|s| ScreeningJson {
                            kind: s.kind.clone(),
                            outcome: s.outcome.to_string(),
                            completed_on: s.completed_on,
                            expires_on: s.expires_on,
                            reference: s.reference.clone(),
                        })
                        .collect()
                }),
            })
            .collect(),
        beds: row.beds,
        bedrooms: row.bedrooms,
        room: row.room.clone(),
        bathroom: row.bathroom.clone(),
        max_parties: row.max_parties,
        step_free: row.step_free,
        bedroom_floor: row.bedroom_floor,
        pets: list_of(&row.pets),
        smoking: row.smoking.clone(),
        languages: list_of(&row.languages),
        diets: list_of(&row.diets),
        interests: list_of(&row.interests),
        available: list_of(&row.available),
        limits: households::HostLimits {
            accepts_minors: row.accepts_minors,
            guest_gender: row.guest_gender.clone(),
            accepts_couples: row.accepts_couples,
            accepts_smokers: row.accepts_smokers,
            max_nights: row.max_nights,
        },
        minors: households::minors_standing(row, members, screenings, today, adult_age),
        manage_url: staff_view.then(|| household_url(ctx, &row.token)),
        created_at: row.created_at.to_rfc3339(),
    }
}

/// Loads everything shown about household `row`.
pub async fn load_json(ctx: &Ctx, row: &HouseholdRow, staff_view: bool) -> Result<HostJson> {
    let (members, screenings) =
        crate::exchanges::households::members_and_screenings(ctx, row.id).await?;
    Ok(host_json(ctx, row, &members, &screenings, staff_view))
}

/// Answer to an application.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AppliedJson {
    pub id: i64,
    /// The household's private token: its key to update its details.
    pub token: String,
    pub status: String,
    /// The household's private page.
    pub manage_url: String,
}

/// Apply to host visitors (public).
#[utoipa::path(post, path = "/api/v1/hosts", tag = "hosts", request_body = HostBody,
    responses((status = 201, body = AppliedJson), (status = 400, body = crate::core::error::ErrorBody),
        (status = 422, body = crate::core::error::ErrorBody), (status = 429, body = crate::core::error::ErrorBody)))]
pub async fn apply(
    State(ctx): State<Ctx>,
    ApiJson(body): ApiJson<HostBody>,
) -> Result<(StatusCode, Json<AppliedJson>)> {
    let done = households::apply(&ctx, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(AppliedJson {
            id: done.id,
            manage_url: household_url(&ctx, &done.token),
            token: done.token,
            status: "applicant".to_owned(),
        }),
    ))
}

/// Filter of the staff list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HostsQuery {
    /// Only households in this state.
    #[param(value_type = Option<crate::domain::household::HouseholdStatus>)]
    pub status: Option<String>,
}

/// Every household (staff), newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/hosts", tag = "hosts", params(HostsQuery, PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<HostJson>), (status = 401, body = crate::core::error::ErrorBody),
        (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn list(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Query(q): Query<HostsQuery>,
    page: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Page<HostJson>>> {
    staff.require(Role::Staff)?;
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(
            crate::domain::household::HouseholdStatus::parse(s)
                .map_err(|e| AppError::field("status", e.to_string()))?,
        ),
    };
    let Query(page) = page.map_err(|e| AppError::field("query", e.body_text()))?;
    // Newest first: the next page holds the households made before the last one shown.
    let rows = crate::exchanges::households::list(&ctx, status).await?;
    let page = page.page_of(rows, |r| r.id, |id, cursor| id < cursor)?;
    let mut items = Vec::with_capacity(page.items.len());
    for row in &page.items {
        items.push(load_json(&ctx, row, true).await?);
    }
    Ok(Json(Page {
        items,
        next: page.next,
    }))
}

async fn staff_row(ctx: &Ctx, id: i64) -> Result<HouseholdRow> {
    crate::exchanges::households::get(ctx, id).await
}

/// One household with its members' screenings (staff).
#[utoipa::path(get, path = "/api/v1/hosts/{id}", tag = "hosts", params(("id" = i64, Path, description = "Household id")),
    security(("bearer" = [])), responses((status = 200, body = HostJson), (status = 404, body = crate::core::error::ErrorBody)))]
pub async fn get_one(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(id): Path<i64>,
) -> Result<Json<HostJson>> {
    staff.require(Role::Staff)?;
    let row = staff_row(&ctx, id).await?;
    Ok(Json(load_json(&ctx, &row, true).await?))
}

/// Optional reason for a status change.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// At most 500 characters; lines and tabs allowed, no other control characters.
    #[serde(default)]
    #[schema(
        max_length = 500,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub reason: Option<String>,
}

/// Approve a household to host (staff).
#[utoipa::path(post, path = "/api/v1/hosts/{id}/approve", tag = "hosts", params(("id" = i64, Path, description = "Household id")),
    security(("bearer" = [])), responses((status = 200, body = HostJson), (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn approve(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(id): Path<i64>,
) -> Result<Json<HostJson>> {
    staff.require(Role::Staff)?;
    households::set_status(
        &ctx,
        id,
        households::HouseholdStatus::Approved,
        "",
        &staff.actor(),
    )
    .await?;
    let row = staff_row(&ctx, id).await?;
    Ok(Json(load_json(&ctx, &row, true).await?))
}

/// Suspend a household (staff): it is suggested for nothing until approved again.
#[utoipa::path(post, path = "/api/v1/hosts/{id}/suspend", tag = "hosts", params(("id" = i64, Path, description = "Household id")),
    request_body = ReasonBody, security(("bearer" = [])),
    responses((status = 200, body = HostJson), (status = 409, body = crate::core::error::ErrorBody), (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn suspend(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<HostJson>> {
    staff.require(Role::Staff)?;
    let body: ReasonBody = super::registrations::optional_body(&body)?;
    let reason = crate::domain::parse_long_text(body.reason.as_deref().unwrap_or(""), 500)
        .map_err(|e| AppError::field("reason", e.0))?;
    households::set_status(
        &ctx,
        id,
        households::HouseholdStatus::Suspended,
        &reason,
        &staff.actor(),
    )
    .await?;
    let row = staff_row(&ctx, id).await?;
    Ok(Json(load_json(&ctx, &row, true).await?))
}

/// Record a screening of one adult member (staff): kind, outcome, dates and a reference number,
/// never the report itself.
#[utoipa::path(post, path = "/api/v1/hosts/{id}/screenings", tag = "hosts", params(("id" = i64, Path, description = "Household id")),
    request_body = ScreeningBody, security(("bearer" = [])),
    responses((status = 201, body = HostJson), (status = 404, body = crate::core::error::ErrorBody), (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn add_screening(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ScreeningBody>,
) -> Result<(StatusCode, Json<HostJson>)> {
    staff.require(Role::Staff)?;
    households::record_screening(&ctx, id, &body, &staff.actor()).await?;
    let row = staff_row(&ctx, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(load_json(&ctx, &row, true).await?),
    ))
}

/// The household's own details, by its private token.
#[utoipa::path(get, path = "/api/v1/households/{token}", tag = "hosts",
    params(("token" = String, Path, description = "The household's private token")),
    responses((status = 200, body = HostJson), (status = 404, body = crate::core::error::ErrorBody)))]
pub async fn get_own(State(ctx): State<Ctx>, Path(token): Path<String>) -> Result<Json<HostJson>> {
    let row = households::find(&ctx, &token).await?;
    Ok(Json(load_json(&ctx, &row, false).await?))
}

/// The household updates its details and availability (the whole application again).
#[utoipa::path(put, path = "/api/v1/households/{token}", tag = "hosts", request_body = HostBody,
    params(("token" = String, Path, description = "The household's private token")),
    responses((status = 200, body = HostJson), (status = 404, body = crate::core::error::ErrorBody), (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn update_own(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<HostBody>,
) -> Result<Json<HostJson>> {
    households::update(&ctx, &token, &body).await?;
    let row = households::find(&ctx, &token).await?;
    Ok(Json(load_json(&ctx, &row, false).await?))
}
