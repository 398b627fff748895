//! `GET /api/v1/events/{slug}/matching`: the suggested placements of an exchange.

use axum::Json;
use axum::extract::{Path, Query, State};

use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::exchanges::candidates::{self, MatchingJson};
use crate::web::api::page::{Page, PageQuery};
use crate::web::extract::{Role, StaffAuth};

/// The suggestion for an exchange (staff): each placed party with its household, score and
/// breakdown, and for each party left unplaced the hard constraints that ruled out each
/// household. The system only suggests; staff propose.
#[utoipa::path(get, path = "/api/v1/events/{slug}/matching", tag = "hosts",
    params(("slug" = String, Path, description = "Exchange slug")), security(("bearer" = [])),
    responses((status = 200, body = MatchingJson), (status = 404, body = crate::core::error::ErrorBody),
        (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn suggestion(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
) -> Result<Json<MatchingJson>> {
    staff.require(Role::Staff)?;
    let pool = candidates::pool(&ctx, &slug).await?;
    let s = candidates::suggest(
        &pool,
        &crate::exchanges::placements::load_decisions(&ctx, pool.event.id).await?,
    );
    Ok(Json(candidates::describe(&pool, &s)))
}

/// Body of `POST /api/v1/events/{slug}/matches`.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeBody {
    /// The registration (party) to place.
    pub registration: i64,
    /// The household.
    pub household: i64,
    /// Required to propose a pair that breaks a hard rule; audited.
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// Propose a party to a household (staff): the host gets an email with the party's minimal
/// profile and a link to accept or decline. A pair breaking a hard rule answers 409
/// `constraint_failed` naming the rules, unless `override_reason` says why.
#[utoipa::path(post, path = "/api/v1/events/{slug}/matches", tag = "hosts", request_body = ProposeBody,
    params(("slug" = String, Path, description = "Exchange slug")), security(("bearer" = [])),
    responses((status = 201, body = crate::exchanges::placements::MatchJson), (status = 409, body = crate::core::error::ErrorBody),
        (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn propose(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
    crate::web::extract::ApiJson(body): crate::web::extract::ApiJson<ProposeBody>,
) -> Result<(
    axum::http::StatusCode,
    Json<crate::exchanges::placements::MatchJson>,
)> {
    staff.require(Role::Staff)?;
    let proposal = crate::exchanges::placements::Proposal {
        registration_id: body.registration,
        household_id: body.household,
        override_reason: body.override_reason.unwrap_or_default(),
    };
    let id = crate::exchanges::placements::propose(&ctx, &slug, &proposal, &staff.actor()).await?;
    let event = crate::exchanges::exchange_event(&ctx, &slug).await?;
    let one = crate::exchanges::placements::list(&ctx, &event)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(crate::core::error::AppError::NotFound)?;
    Ok((axum::http::StatusCode::CREATED, Json(one)))
}

/// New matches.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ProposedJson {
    pub created: Vec<i64>,
}

/// Propose every suggested placement that is not a match yet (staff).
#[utoipa::path(post, path = "/api/v1/events/{slug}/matches/all", tag = "hosts",
    params(("slug" = String, Path, description = "Exchange slug")), security(("bearer" = [])),
    responses((status = 201, body = ProposedJson), (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn propose_all(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
) -> Result<(axum::http::StatusCode, Json<ProposedJson>)> {
    staff.require(Role::Staff)?;
    let created = crate::exchanges::placements::propose_all(&ctx, &slug, &staff.actor()).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(ProposedJson { created }),
    ))
}

/// Every match of an exchange with its history (staff), oldest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/events/{slug}/matches", tag = "hosts",
    params(("slug" = String, Path, description = "Exchange slug"), PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<crate::exchanges::placements::MatchJson>), (status = 409, body = crate::core::error::ErrorBody),
        (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn list_matches(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
    page: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Page<crate::exchanges::placements::MatchJson>>> {
    staff.require(Role::Staff)?;
    let Query(page) = page.map_err(|e| AppError::field("query", e.body_text()))?;
    let event = crate::exchanges::exchange_event(&ctx, &slug).await?;
    let matches = crate::exchanges::placements::list(&ctx, &event).await?;
    Ok(Json(page.page_of(
        matches,
        |m| m.id,
        |id, cursor| id > cursor,
    )?))
}

/// Why a match is cancelled.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    pub reason: String,
}

/// Cancel an active match (staff): the party goes back to the pool.
#[utoipa::path(post, path = "/api/v1/matches/{id}/cancel", tag = "hosts", request_body = CancelBody,
    params(("id" = i64, Path, description = "Match id")), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = crate::core::error::ErrorBody), (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn cancel(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(id): Path<i64>,
    crate::web::extract::ApiJson(body): crate::web::extract::ApiJson<CancelBody>,
) -> Result<axum::http::StatusCode> {
    staff.require(Role::Staff)?;
    crate::exchanges::placements::cancel(&ctx, id, &body.reason, &staff.actor()).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The placements of an exchange as CSV (staff): one row per match, formulas neutralised.
#[utoipa::path(get, path = "/api/v1/events/{slug}/placements.csv", tag = "hosts",
    params(("slug" = String, Path, description = "Exchange slug")), security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", description = "The placements"),
        (status = 409, body = crate::core::error::ErrorBody)))]
pub async fn placements_csv(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
) -> Result<axum::response::Response> {
    use axum::response::IntoResponse;
    staff.require(Role::Staff)?;
    let (event, body) =
        crate::exchanges::placements::export::csv(&ctx, &slug, &staff.actor()).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-placements.csv\"", event.slug),
            ),
        ],
        body,
    )
        .into_response())
}

/// Set how much each preference counts in an exchange's suggestion (staff; 0–100 each).
#[utoipa::path(put, path = "/api/v1/events/{slug}/matching/weights", tag = "hosts",
    request_body = crate::matching::score::Weights,
    params(("slug" = String, Path, description = "Exchange slug")), security(("bearer" = [])),
    responses((status = 200, body = MatchingJson), (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn put_weights(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
    crate::web::extract::ApiJson(w): crate::web::extract::ApiJson<crate::matching::score::Weights>,
) -> Result<Json<MatchingJson>> {
    staff.require(Role::Staff)?;
    crate::exchanges::weights::save(&ctx, &slug, &w, &staff.actor()).await?;
    suggestion(State(ctx), staff, Path(slug)).await
}

/// Body of `POST /api/v1/events/{slug}/exclusions`.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExcludeBody {
    pub registration: i64,
    pub household: i64,
    /// Why (kept in the audit log).
    pub reason: String,
}

/// Rule a pair out of an exchange's suggestions (staff), with a reason.
#[utoipa::path(post, path = "/api/v1/events/{slug}/exclusions", tag = "hosts", request_body = ExcludeBody,
    params(("slug" = String, Path, description = "Exchange slug")), security(("bearer" = [])),
    responses((status = 200, body = MatchingJson), (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn exclude(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
    crate::web::extract::ApiJson(body): crate::web::extract::ApiJson<ExcludeBody>,
) -> Result<Json<MatchingJson>> {
    staff.require(Role::Staff)?;
    crate::exchanges::placements::exclude(
        &ctx,
        &slug,
        body.registration,
        body.household,
        &body.reason,
        &staff.actor(),
    )
    .await?;
    suggestion(State(ctx), staff, Path(slug)).await
}
