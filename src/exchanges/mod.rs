//! Exchanges: host households, the candidates the matcher is given, placements of visitors
//! with hosts, minors' guardians, and the screenings that decide who may host minors.

pub mod candidates;
pub mod guardians;
pub mod households;
pub mod placements;
pub mod screening;

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
