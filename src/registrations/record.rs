//! Everything on record about one registration, as staff see it: its event, participants,
//! payments, emails, history, consents and guardians.

use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::db::events::{self as db_events, EventRow};
use crate::db::guardians::GuardianRow;
use crate::db::ledger::PaymentRow;
use crate::db::outbox::{self, OutboxFilter, OutboxRow};
use crate::db::registrations::{self as db_regs, ParticipantRow, RegistrationRow, TransitionRow};

/// Emails listed with a registration (the newest).
const EMAILS_SHOWN: i64 = 100;

/// One registration with everything that hangs off it.
#[derive(Debug, Clone)]
pub struct Record {
    pub event: EventRow,
    pub registration: RegistrationRow,
    pub participants: Vec<ParticipantRow>,
    /// The ledger, oldest first.
    pub payments: Vec<PaymentRow>,
    /// The newest emails first.
    pub emails: Vec<OutboxRow>,
    pub history: Vec<TransitionRow>,
    /// The consent statements accepted.
    pub consents: Vec<String>,
    /// Minors' guardians and their answers (exchanges).
    pub guardians: Vec<GuardianRow>,
    /// When a card payment was disputed.
    pub disputed_at: Option<DateTime<Utc>>,
}

impl Record {
    /// Net amount paid, in minor units.
    pub fn paid(&self) -> i64 {
        PaymentRow::net(&self.payments)
    }

    /// Amount still due, in minor units.
    pub fn due(&self) -> i64 {
        (self.registration.total_minor - self.paid()).max(0)
    }
}

/// Reads registration `id` and everything on record about it.
pub async fn record(ctx: &Ctx, id: i64) -> Result<Record> {
    let registration = db_regs::get(&ctx.db, id).await?.ok_or(AppError::NotFound)?;
    let event = db_events::find_by_id(&ctx.db, registration.event_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let emails = outbox::list(
        &ctx.db,
        &OutboxFilter {
            registration_id: Some(id),
            ..Default::default()
        },
        EMAILS_SHOWN,
    )
    .await?;
    Ok(Record {
        participants: db_regs::participants(&ctx.db, id).await?,
        payments: db_regs::payments(&ctx.db, id).await?,
        emails,
        history: db_regs::transitions(&ctx.db, id).await?,
        consents: crate::domain::event::draft::consent_lines(
            &db_regs::consents(&ctx.db, id).await?,
        ),
        guardians: crate::db::guardians::of_registration(&ctx.db, id).await?,
        disputed_at: crate::db::card::disputed_at(&ctx.db, id).await?,
        event,
        registration,
    })
}
