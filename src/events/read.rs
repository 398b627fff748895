//! Reading events, offerings and partner cities for pages and the API. The one place web
//! handlers read them from (so a cache of public pages, issue 20, has one place to live).

use std::collections::HashMap;

use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::db::events::{self as db, EventRow, OfferingRow, PartnerCityRow};

/// The event `slug`, drafts included; not found otherwise.
pub async fn find(ctx: &Ctx, slug: &str) -> Result<EventRow> {
    db::find_by_slug(&ctx.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// The event `slug` if there is one, drafts included.
pub async fn find_optional(ctx: &Ctx, slug: &str) -> Result<Option<EventRow>> {
    Ok(db::find_by_slug(&ctx.db, slug).await?)
}

/// The event with id `id`; not found otherwise.
pub async fn find_by_id(ctx: &Ctx, id: i64) -> Result<EventRow> {
    db::find_by_id(&ctx.db, id).await?.ok_or(AppError::NotFound)
}

/// The event with id `id` if there is one.
pub async fn find_by_id_optional(ctx: &Ctx, id: i64) -> Result<Option<EventRow>> {
    Ok(db::find_by_id(&ctx.db, id).await?)
}

/// The offerings of event `event_id`, in order.
pub async fn offerings(ctx: &Ctx, event_id: i64) -> Result<Vec<OfferingRow>> {
    Ok(db::offerings(&ctx.db, event_id).await?)
}

/// The offerings and partner city of `event`.
pub async fn offerings_and_partner(
    ctx: &Ctx,
    event: &EventRow,
) -> Result<(Vec<OfferingRow>, Option<PartnerCityRow>)> {
    Ok(db::offerings_and_partner(&ctx.db, event).await?)
}

/// Published events that have not ended, soonest first.
pub async fn upcoming(ctx: &Ctx) -> Result<Vec<EventRow>> {
    Ok(db::list_upcoming(&ctx.db, ctx.clock.now()).await?)
}

/// Every event, for staff.
pub async fn all(ctx: &Ctx) -> Result<Vec<EventRow>> {
    Ok(db::list_all(&ctx.db).await?)
}

/// The offerings of every published event, by event id.
pub async fn offerings_of_published(ctx: &Ctx) -> Result<HashMap<i64, Vec<OfferingRow>>> {
    Ok(db::offerings_of_published(&ctx.db).await?)
}

/// Every partner city.
pub async fn partners(ctx: &Ctx) -> Result<Vec<PartnerCityRow>> {
    Ok(db::list_partners(&ctx.db).await?)
}

/// The partner city `slug`; not found otherwise.
pub async fn partner(ctx: &Ctx, slug: &str) -> Result<PartnerCityRow> {
    db::partner_by_slug(&ctx.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}
