//! `GET /api/v1/events/{slug}/matching`: the suggested placements of an exchange.

use axum::Json;
use axum::extract::{Path, State};

use crate::error::Result;
use crate::exchange::{self, MatchingJson};
use crate::matching::assign::Decisions;
use crate::state::Ctx;
use crate::web::extract::{Role, StaffAuth};

/// The suggestion for an exchange (staff): each placed party with its household, score and
/// breakdown, and for each party left unplaced the hard constraints that ruled out each
/// household. The system only suggests; staff propose.
#[utoipa::path(get, path = "/api/v1/events/{slug}/matching", tag = "hosts",
    params(("slug" = String, Path, description = "Exchange slug")), security(("bearer" = [])),
    responses((status = 200, body = MatchingJson), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn suggestion(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
) -> Result<Json<MatchingJson>> {
    staff.require(Role::Staff)?;
    let pool = exchange::pool(&ctx, &slug).await?;
    let s = exchange::suggest(&pool, &Decisions::default());
    Ok(Json(exchange::describe(&pool, &s)))
}
