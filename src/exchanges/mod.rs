//! Exchanges: host households, the candidates the matcher is given, placements of visitors
//! with hosts, minors' guardians, and the screenings that decide who may host minors.

pub mod candidates;
pub mod guardians;
pub mod households;
pub mod placements;
pub mod screening;
pub mod weights;

use crate::context::{Ctx, HookFuture, Hooks};
use crate::core::job::Scheduled;
use crate::db::Tx;
use crate::db::events::EventRow;
use crate::db::registrations::RegistrationRow;
use crate::domain::placement::Scope;

/// The exchange feature's answers to changes below it (see [`Hooks`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct ExchangeHooks;

impl Hooks for ExchangeHooks {
    fn registration_submitted<'a>(
        &'a self,
        ctx: &'a Ctx,
        tx: &'a mut Tx,
        event: &'a EventRow,
        reg: &'a RegistrationRow,
    ) -> HookFuture<'a, (usize, Vec<Scheduled>)> {
        Box::pin(async move { Ok(guardians::request(ctx, tx, event, reg).await?) })
    }

    fn placements_changed<'a>(
        &'a self,
        ctx: &'a Ctx,
        tx: &'a mut Tx,
        scope: Scope,
    ) -> HookFuture<'a, Vec<Scheduled>> {
        Box::pin(placements::recheck(ctx, tx, scope))
    }
}

/// The event `slug`, which must be an exchange (matching has nothing to do elsewhere).
pub async fn exchange_event(ctx: &Ctx, slug: &str) -> crate::core::error::Result<EventRow> {
    let event = crate::db::events::find_by_slug(&ctx.db, slug)
        .await?
        .ok_or(crate::core::error::AppError::NotFound)?;
    if !event.is_exchange() {
        return Err(crate::core::error::AppError::conflict(
            "not_an_exchange",
            "Matching is for exchanges; this event has no host placements.",
        ));
    }
    Ok(event)
}
