//! A registration's lifecycle: locking it with its event, moving it from state to state with
//! its seats, history and emails, and offering freed seats to the waitlist. Everything that
//! changes a registration's state goes through [`transition`]; card payments (`card`) and the
//! registration's own flows (`super`) both build on it.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::core::job::{ExpireOffer, Scheduled};
use crate::db::Tx;
use crate::db::events::{self, EventRow, HeldSeats, OfferingRow};
use crate::db::registrations::{self as regs, RegistrationRow};
use crate::domain::placement::Scope;
use crate::domain::{EventStatus, RegistrationStatus, TransitionReason, token};

/// Seat limits of one event and what is held against them.
#[derive(Debug, Clone)]
pub struct Capacity {
    event_limit: Option<i64>,
    offering_limits: HashMap<i64, Option<i64>>,
    held: HeldSeats,
}

impl Capacity {
    /// Builds the capacity view from an event, its offerings and the seats held.
    pub fn new(event: &EventRow, offerings: &[OfferingRow]) -> Self {
        let held = HeldSeats::of(event, offerings);
        Self {
            event_limit: event.capacity,
            offering_limits: offerings.iter().map(|o| (o.id, o.capacity)).collect(),
            held,
        }
    }

    /// Seats left on the event (`None` = unlimited).
    pub fn event_left(&self) -> Option<i64> {
        self.event_limit.map(|l| (l - self.held.total).max(0))
    }

    /// Seats left on one offering, counting the event limit too (`None` = unlimited).
    pub fn offering_left(&self, offering_id: i64) -> Option<i64> {
        let own = self
            .offering_limits
            .get(&offering_id)
            .copied()
            .flatten()
            .map(|l| {
                (l - self
                    .held
                    .by_offering
                    .get(&offering_id)
                    .copied()
                    .unwrap_or(0))
                .max(0)
            });
        match (own, self.event_left()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether a group asking for `request` (offering id → seats) fits right now.
    pub fn fits(&self, request: &HashMap<i64, i64>) -> bool {
        let wanted: i64 = request.values().sum();
        if self.event_left().is_some_and(|left| wanted > left) {
            return false;
        }
        request.iter().all(|(offering, n)| {
            let limit = self.offering_limits.get(offering).copied().flatten();
            let held = self.held.by_offering.get(offering).copied().unwrap_or(0);
            limit.is_none_or(|l| held + n <= l)
        })
    }

    /// Counts `request` as held.
    pub fn take(&mut self, request: &HashMap<i64, i64>) {
        for (offering, n) in request {
            *self.held.by_offering.entry(*offering).or_default() += n;
            self.held.total += n;
        }
    }
}

/// Opens a transaction, finds the registration by token, locks its event and re-reads it.
pub(crate) async fn lock_by_token(
    ctx: &Ctx,
    token_str: &str,
) -> Result<(Tx, EventRow, RegistrationRow)> {
    let found = find(ctx, token_str).await?;
    let mut tx = ctx.db.begin().await?;
    let event = events::lock(&mut tx, found.event_id).await?;
    let reg = regs::get_tx(&mut tx, found.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((tx, event, reg))
}

/// Opens a transaction, locks the event of registration `id` and re-reads the registration.
pub(crate) async fn lock_by_id(
    ctx: &Ctx,
    id: i64,
) -> Result<Option<(Tx, EventRow, RegistrationRow)>> {
    let Some(event_id) = regs::event_id_of(&ctx.db, id).await? else {
        return Ok(None);
    };
    let mut tx = ctx.db.begin().await?;
    let event = events::lock(&mut tx, event_id).await?;
    let reg = regs::get_tx(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    Ok(Some((tx, event, reg)))
}

/// Moves `reg` to `to`, records the transition, keeps the held-seat counters in step, and
/// returns the new state.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn transition(
    ctx: &Ctx,
    tx: &mut Tx,
    jobs: &mut Vec<Scheduled>,
    reg: &RegistrationRow,
    to: RegistrationStatus,
    hold_expires_at: Option<DateTime<Utc>>,
    offer_expires_at: Option<DateTime<Utc>>,
    actor: &Actor,
    reason: &TransitionReason,
    now: DateTime<Utc>,
) -> Result<RegistrationStatus> {
    let from = reg.status;
    if from.holds_seats() != to.holds_seats() {
        let seats = regs::seats_by_offering_tx(tx, reg.id).await?;
        let sign = if to.holds_seats() { 1 } else { -1 };
        events::add_held(tx, reg.event_id, &seats, sign).await?;
    }
    regs::set_status(
        tx,
        reg.id,
        to.as_str(),
        hold_expires_at,
        offer_expires_at,
        now,
    )
    .await?;
    let transition_id = regs::record_transition(
        tx,
        reg.id,
        Some(reg.status.as_str()),
        to.as_str(),
        &actor.label(),
        reason.recorded(),
        now,
    )
    .await?;
    // A placed registration leaving its place takes its host placement with it.
    if reg.status.is_placed() && !to.is_placed() {
        jobs.extend(
            ctx.hooks
                .placements_changed(ctx, tx, Scope::Registration(reg.id))
                .await?,
        );
    }
    notify(
        ctx,
        tx,
        jobs,
        reg.id,
        transition_id,
        Some(from),
        to,
        (actor, reason),
        None,
    )
    .await?;
    Ok(to)
}

/// Queues the emails a state change calls for.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn notify(
    ctx: &Ctx,
    tx: &mut Tx,
    jobs: &mut Vec<Scheduled>,
    registration_id: i64,
    transition_id: i64,
    from: Option<RegistrationStatus>,
    to: RegistrationStatus,
    (actor, reason): (&Actor, &TransitionReason),
    preloaded: Option<&crate::email::compose::Loaded>,
) -> Result<()> {
    use crate::email::EmailKind;
    use RegistrationStatus as S;
    let kind = match to {
        S::Confirmed => Some(EmailKind::Confirmed),
        S::PendingPayment | S::AwaitingApproval => Some(EmailKind::Received),
        S::Waitlisted => Some(EmailKind::Waitlisted),
        S::Offered => Some(EmailKind::Offer),
        // The participant was told on the spot that the payment could not start.
        S::Expired if *reason == TransitionReason::CardNotStarted => None,
        S::Expired if from == Some(S::Offered) => Some(EmailKind::OfferExpired),
        S::Expired => Some(EmailKind::HoldExpired),
        S::Cancelled => Some(EmailKind::Cancelled),
        S::Rejected => Some(EmailKind::Rejected),
        S::Attended => None,
    };
    // The history's own words for who did it are not news to the participant (and are
    // English); a reason staff typed is shown as they wrote it.
    let extra = crate::email::compose::Extra {
        reason: reason.shown().to_owned(),
        // Participants who cancel get what the event's policy gives back; staff decide.
        apply_policy: to == S::Cancelled && matches!(actor, Actor::Participant),
        ..Default::default()
    };
    if let Some(kind) = kind {
        let key = format!("transition:{transition_id}:{kind}");
        let queued = match preloaded {
            Some(data) => {
                crate::email::compose::queue_loaded(ctx, tx, kind, data, &key, &extra).await?
            }
            None => {
                crate::email::queue_registration_email(ctx, tx, kind, registration_id, &key, &extra)
                    .await?
            }
        };
        jobs.extend(queued);
    }
    if to == S::AwaitingApproval {
        let prefix = format!("transition:{transition_id}");
        jobs.extend(
            crate::email::queue_staff_approval_emails(ctx, tx, registration_id, &prefix).await?,
        );
    }
    Ok(())
}

/// Offers freed seats of event `event_id` to waitlisted registrations in line order, skipping
/// groups that do not fit, and returns the jobs for the new offers (expiry, emails). The caller holds
/// the event lock; the event is re-read here for up-to-date seat counters.
pub async fn offer_freed_seats(
    ctx: &Ctx,
    tx: &mut Tx,
    event_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Scheduled>> {
    let event = &events::lock(tx, event_id).await?;
    if event.status != EventStatus::Published || now >= event.ends_at {
        return Ok(Vec::new());
    }
    let offerings = events::offerings_tx(tx, event.id).await?;
    let mut capacity = Capacity::new(event, &offerings);
    if capacity.event_left() == Some(0) {
        return Ok(Vec::new());
    }
    let mut scheduled = Vec::new();
    for (reg, request) in regs::waitlist_tx(tx, event.id).await? {
        if !capacity.fits(&request) {
            continue;
        }
        capacity.take(&request);
        let deadline = now + Duration::minutes(event.offer_minutes);
        transition(
            ctx,
            tx,
            &mut scheduled,
            &reg,
            RegistrationStatus::Offered,
            None,
            Some(deadline),
            &Actor::System,
            &TransitionReason::SeatFreed,
            now,
        )
        .await?;
        scheduled.push(Scheduled {
            job: ExpireOffer {
                registration_id: reg.id,
            }
            .into(),
            run_at: deadline,
        });
    }
    Ok(scheduled)
}

/// Expires `reg` (the system acting, for `reason`), offers its seats on and commits: a hold
/// or an offer ran out, or a card payment could not start or failed.
pub(crate) async fn expire_and_offer(
    ctx: &Ctx,
    mut tx: Tx,
    event_id: i64,
    reg: &RegistrationRow,
    reason: &TransitionReason,
) -> Result<()> {
    let now = ctx.clock.now();
    let mut jobs = Vec::new();
    let to = RegistrationStatus::Expired;
    let actor = Actor::System;
    transition(
        ctx, &mut tx, &mut jobs, reg, to, None, None, &actor, reason, now,
    )
    .await?;
    jobs.extend(offer_freed_seats(ctx, &mut tx, event_id, now).await?);
    ctx.commit(tx, &jobs).await?;
    Ok(())
}

/// Queues the `refunded` email about ledger row `refund_id` (`amount_minor` given back, with
/// `reason` when there is one), once.
pub(crate) async fn queue_refund_email(
    ctx: &Ctx,
    tx: &mut Tx,
    registration_id: i64,
    refund_id: i64,
    amount_minor: i64,
    reason: &str,
) -> Result<Vec<Scheduled>> {
    let extra = crate::email::compose::Extra {
        reason: reason.to_owned(),
        refund_minor: Some(amount_minor),
        ..Default::default()
    };
    let queued = crate::email::queue_registration_email(
        ctx,
        tx,
        crate::email::EmailKind::Refunded,
        registration_id,
        &format!("refund:{refund_id}"),
        &extra,
    )
    .await?;
    Ok(queued)
}

/// Writes an audit entry about registration `reg`.
pub(crate) async fn audit_registration(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    reg: &RegistrationRow,
    before: Option<&serde_json::Value>,
    after: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    crate::db::audit::audit(
        tx,
        &actor.label(),
        action,
        &format!("registration:{}", reg.id),
        before,
        Some(after),
        now,
    )
    .await?;
    Ok(())
}

/// Reads a registration by its token, comparing the token in constant time.
pub async fn find(ctx: &Ctx, token_str: &str) -> Result<RegistrationRow> {
    let selector = token::selector(token_str).ok_or(AppError::NotFound)?;
    let row = regs::find_by_selector(&ctx.db, selector)
        .await?
        .ok_or(AppError::NotFound)?;
    if token::matches(token_str, &row.token) {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}
