//! Reading registrations for pages and the API: an event's list with participants and
//! payments, and one registration's parts. Web handlers read them from here.

use std::collections::HashMap;

use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::db::ledger::PaymentRow;
use crate::db::registrations::{self as db, ParticipantRow, RegistrationRow};
use crate::domain::RegistrationStatus;

/// An event's registrations (in one state, or all), with their participants and what each
/// has paid.
#[derive(Debug, Clone, Default)]
pub struct EventList {
    pub registrations: Vec<RegistrationRow>,
    /// By registration id.
    pub participants: HashMap<i64, Vec<ParticipantRow>>,
    /// Net amount paid by registration id, in minor units.
    pub paid: HashMap<i64, i64>,
}

impl EventList {
    /// Takes the participants of registration `id` out of the list.
    pub fn take_participants(&mut self, id: i64) -> Vec<ParticipantRow> {
        self.participants.remove(&id).unwrap_or_default()
    }

    /// What registration `id` has paid, in minor units.
    pub fn paid(&self, id: i64) -> i64 {
        self.paid.get(&id).copied().unwrap_or(0)
    }
}

/// The registrations of event `event_id` in `status` (all when `None`).
pub async fn of_event(
    ctx: &Ctx,
    event_id: i64,
    status: Option<RegistrationStatus>,
) -> Result<EventList> {
    Ok(EventList {
        registrations: registrations(ctx, event_id, status).await?,
        participants: db::participants_of_event(&ctx.db, event_id).await?,
        paid: paid_by_registration(ctx, event_id).await?,
    })
}

/// The registrations of event `event_id` in `status` (all when `None`), without their
/// participants.
pub async fn registrations(
    ctx: &Ctx,
    event_id: i64,
    status: Option<RegistrationStatus>,
) -> Result<Vec<RegistrationRow>> {
    Ok(db::list_for_event(&ctx.db, event_id, status.map(|s| s.as_str())).await?)
}

/// Net amount paid by each registration of event `event_id`, in minor units.
pub async fn paid_by_registration(ctx: &Ctx, event_id: i64) -> Result<HashMap<i64, i64>> {
    Ok(db::paid_by_registration(&ctx.db, event_id).await?)
}

/// Registration `id`; not found otherwise.
pub async fn get(ctx: &Ctx, id: i64) -> Result<RegistrationRow> {
    db::get(&ctx.db, id).await?.ok_or(AppError::NotFound)
}

/// The participants of registration `id`, in order.
pub async fn participants(ctx: &Ctx, id: i64) -> Result<Vec<ParticipantRow>> {
    Ok(db::participants(&ctx.db, id).await?)
}

/// The ledger of registration `id`, oldest first.
pub async fn payments(ctx: &Ctx, id: i64) -> Result<Vec<PaymentRow>> {
    Ok(db::payments(&ctx.db, id).await?)
}

/// Registrations in `status`, counted by event id.
pub async fn count_by_event(ctx: &Ctx, status: RegistrationStatus) -> Result<HashMap<i64, i64>> {
    Ok(db::count_by_event(&ctx.db, status.as_str()).await?)
}

/// The Checkout page registration `reg` can still pay on, while it is open.
pub async fn open_checkout_url(ctx: &Ctx, reg: &RegistrationRow) -> Result<Option<String>> {
    let now = ctx.clock.now();
    Ok(crate::db::card::latest_session(&ctx.db, reg.id)
        .await?
        .filter(|s| s.status == crate::domain::SessionStatus::Open && s.expires_at > now)
        .map(|s| s.url))
}

/// When a card payment of registration `id` was disputed.
pub async fn disputed_at(ctx: &Ctx, id: i64) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(crate::db::card::disputed_at(&ctx.db, id).await?)
}

/// The state changes of registration `id`, oldest first.
pub async fn transitions(ctx: &Ctx, id: i64) -> Result<Vec<db::TransitionRow>> {
    Ok(db::transitions(&ctx.db, id).await?)
}

/// The guardians asked about registration `id`'s minors, and their answers.
pub async fn guardians(ctx: &Ctx, id: i64) -> Result<Vec<crate::db::guardians::GuardianRow>> {
    Ok(crate::db::guardians::of_registration(&ctx.db, id).await?)
}
