//! The registration state machine (DESIGN section 2).
//!
//! Every change runs in one transaction that first locks the event, so seat counts read inside
//! it cannot change underneath: capacity is checked and taken atomically on both databases.
//! Jobs scheduled by a change are pushed after the commit.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::core::job::{Job, Scheduled};
use crate::db::Tx;
use crate::db::events::{self, EventRow, OfferingRow};
use crate::db::registrations::{self as regs, NewRegistrationRow, RegistrationRow};
use crate::domain::question::{self, Answers};
use crate::domain::{
    EmailAddress, EventStatus, Language, LedgerStatus, Money, MoneyMethod, PaymentChoice,
    PaymentMethod, PersonName, RegistrationStatus, TransitionReason, token,
};

/// The message when an event's consent statements were not accepted.
pub const CONSENT_REQUIRED: &str = "must be accepted to register";

/// Largest group one registration may bring.
pub const MAX_PARTICIPANTS: usize = 20;

pub use crate::core::actor::Actor;
pub mod card;
pub mod lifecycle;
pub use lifecycle::{Capacity, find, offer_freed_seats};
use lifecycle::{audit_registration, notify};
pub(crate) use lifecycle::{lock_by_id, lock_by_token, queue_refund_email, transition};

/// A parsed registration request.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    /// Contact (payer) name.
    pub contact_name: PersonName,
    /// Contact email.
    pub contact_email: EmailAddress,
    /// Contact telephone, possibly empty.
    pub contact_phone: String,
    /// Language for emails and pages.
    pub language: Language,
    /// Participants in the order entered.
    pub participants: Vec<NewParticipant>,
    /// How the registrant wants to pay, if anything is due.
    pub payment: Option<PaymentChoice>,
    /// Whether the registrant accepted the event's consent statements.
    pub accept_consents: bool,
}

/// One participant of a new registration.
#[derive(Debug, Clone)]
pub struct NewParticipant {
    /// Full name.
    pub name: PersonName,
    /// Offering key.
    pub offering: String,
    /// Dietary and accessibility notes (may be empty).
    pub notes: String,
    /// Answers to the event's questions, by question key, as sent (checked on submission).
    pub answers: Answers,
    /// The visitor profile, asked on exchanges only (checked on submission).
    pub profile: Option<crate::domain::visitor::VisitorProfile>,
}

impl NewParticipant {
    /// A participant without notes or answers.
    pub fn new(name: PersonName, offering: impl Into<String>) -> Self {
        Self {
            name,
            offering: offering.into(),
            notes: String::new(),
            answers: Answers::new(),
            profile: None,
        }
    }
}

/// The outcome of a submission.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The private token.
    pub token: String,
    /// Resulting state.
    pub status: RegistrationStatus,
    /// Total price.
    pub total: Money,
    /// Stripe's payment page, for a registration paying by card.
    pub payment_url: Option<String>,
}

/// Where a registration goes when it may take seats: the seat-holding state if the group
/// fits, else the waitlist; with the hold deadline for `pending_payment`.
fn placement(
    event: &EventRow,
    capacity: &Capacity,
    request: &HashMap<i64, i64>,
    total_minor: i64,
    now: DateTime<Utc>,
) -> (RegistrationStatus, Option<DateTime<Utc>>) {
    if !capacity.fits(request) {
        (RegistrationStatus::Waitlisted, None)
    } else if total_minor == 0 {
        (RegistrationStatus::Confirmed, None)
    } else {
        (
            RegistrationStatus::PendingPayment,
            Some(now + Duration::minutes(event.hold_minutes)),
        )
    }
}

/// Refuses registrations outside the event's window or on events not open to the public.
fn check_open(event: &EventRow, now: DateTime<Utc>) -> Result<()> {
    match event.status {
        EventStatus::Published => {}
        EventStatus::Cancelled => {
            return Err(AppError::conflict(
                "event_cancelled",
                "This event has been cancelled.",
            ));
        }
        _ => return Err(AppError::NotFound),
    }
    if let Some(opens) = event.registration_opens_at
        && now < opens
    {
        return Err(AppError::conflict(
            "registration_not_open",
            format!("Registration opens at {}.", opens.to_rfc3339()),
        ));
    }
    let closes = event.registration_closes_at.unwrap_or(event.ends_at);
    if now >= closes {
        return Err(AppError::conflict(
            "registration_closed",
            "Registration for this event has closed.",
        ));
    }
    Ok(())
}

/// Submits a registration for the event `slug`.
pub async fn submit(ctx: &Ctx, slug: &str, new: NewRegistration) -> Result<Submitted> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let event = events::lock_by_slug(&mut tx, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    check_open(&event, now)?;
    let offerings = events::offerings_tx(&mut tx, event.id).await?;

    let mut errors = crate::core::error::FieldCollector::default();
    let mut chosen: Vec<&OfferingRow> = Vec::with_capacity(new.participants.len());
    if !event.consents.trim().is_empty() && !new.accept_consents {
        errors.add("accept_consents", CONSENT_REQUIRED);
    }
    let questions = question::from_stored(&event.questions);
    let mut answers: Vec<Answers> = Vec::with_capacity(new.participants.len());
    let mut profiles: Vec<String> = Vec::with_capacity(new.participants.len());
    for (i, p) in new.participants.iter().enumerate() {
        let mut checked = Answers::new();
        for q in &questions {
            if let Some(a) = errors.take(
                format!("participants[{i}].answers.{}", q.key),
                q.check(p.answers.get(&q.key).map(String::as_str)),
            ) && let Some(a) = a
            {
                checked.insert(q.key.clone(), a);
            }
        }
        for key in p.answers.keys() {
            if !questions.iter().any(|q| &q.key == key) {
                errors.add(
                    format!("participants[{i}].answers.{key}"),
                    "is not a question of this event",
                );
            }
        }
        answers.push(checked);
        let at = format!("participants[{i}].profile");
        let profile = match (&p.profile, event.is_exchange()) {
            (Some(given), true) => crate::domain::visitor::check(
                &mut errors,
                &at,
                given,
                crate::exchanges::candidates::stay(&event).0,
                ctx.settings.adult_age,
            )
            .map(|(checked, _)| serde_json::to_string(&checked).map_err(anyhow::Error::from))
            .transpose()?
            .unwrap_or_default(),
            (None, true) => {
                errors.add(
                    at,
                    "is required on an exchange: date of birth, gender, languages, diets, allergies ...",
                );
                String::new()
            }
            (Some(_), false) => {
                errors.add(at, "is asked only on exchanges");
                String::new()
            }
            (None, false) => String::new(),
        };
        profiles.push(profile);
        match offerings.iter().find(|o| o.key == p.offering) {
            Some(o) => chosen.push(o),
            None => errors.add(
                format!("participants[{i}].offering"),
                format!(
                    "is not an offering of this event (choose one of: {})",
                    offerings
                        .iter()
                        .map(|o| o.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }
    errors.finish()?;
    let total_minor: i64 = chosen.iter().map(|o| o.price_minor).sum();
    let currency = chosen
        .first()
        .map(|o| o.currency.clone())
        .unwrap_or_else(|| "EUR".to_owned());
    let payment_method = payment_method(ctx, &event, total_minor, new.payment)?;

    let mut request: HashMap<i64, i64> = HashMap::new();
    for o in &chosen {
        *request.entry(o.id).or_default() += 1;
    }
    let (status, hold_expires_at) = if event.approval_required {
        (RegistrationStatus::AwaitingApproval, None)
    } else {
        let capacity = Capacity::new(&event, &offerings);
        placement(&event, &capacity, &request, total_minor, now)
    };

    let token = token::generate();
    let selector = token::selector(&token).expect("generated tokens are well formed");
    let id = regs::insert(
        &mut tx,
        &NewRegistrationRow {
            event_id: event.id,
            token: &token,
            token_selector: selector,
            status,
            contact_name: new.contact_name.as_str(),
            contact_email: new.contact_email.as_str(),
            contact_phone: &new.contact_phone,
            language: new.language.as_str(),
            payment_method,
            seats: chosen.len() as i64,
            total_minor,
            currency: &currency,
            hold_expires_at,
            consents: &event.consents,
        },
        now,
    )
    .await?;
    let mut codes = Vec::with_capacity(chosen.len());
    for (position, (((p, offering), answers), profile)) in new
        .participants
        .iter()
        .zip(&chosen)
        .zip(&answers)
        .zip(&profiles)
        .enumerate()
    {
        let code = regs::insert_participant(
            &mut tx,
            &regs::NewParticipantRow {
                registration_id: id,
                offering_id: offering.id,
                name: p.name.as_str(),
                price_minor: offering.price_minor,
                position: position as i64,
                notes: &p.notes,
                answers: &serde_json::to_string(answers).map_err(anyhow::Error::from)?,
                profile,
            },
        )
        .await?;
        codes.push(Some(code));
    }
    if status.holds_seats() {
        events::add_held(&mut tx, event.id, &request, 1).await?;
    }
    let transition_id = regs::record_transition(
        &mut tx,
        id,
        None,
        status.as_str(),
        &Actor::Participant.label(),
        TransitionReason::Submitted.recorded(),
        now,
    )
    .await?;
    // Everything the first email shows is in hand: no need to read it back.
    let mut loaded = crate::email::compose::Loaded {
        registration: RegistrationRow {
            id,
            event_id: event.id,
            token: token.clone(),
            status,
            contact_name: new.contact_name.as_str().to_owned(),
            contact_email: new.contact_email.as_str().to_owned(),
            contact_phone: new.contact_phone.clone(),
            language: new.language.as_str().to_owned(),
            payment_method,
            seats: chosen.len() as i64,
            total_minor,
            currency: currency.clone(),
            hold_expires_at,
            offer_expires_at: None,
            created_at: now,
            updated_at: now,
        },
        participants: new
            .participants
            .iter()
            .zip(&chosen)
            .map(|(p, o)| (p.name.as_str().to_owned(), o.key.clone(), o.name.clone()))
            .collect(),
        codes,
        paid: 0,
        guardians: Vec::new(),
        event: event.clone(),
    };
    let mut jobs = Scheduled::hold_expiry(id, hold_expires_at);
    // Each minor's guardian is asked through their own link, and copied on what follows.
    if event.is_exchange() {
        let (asked, requests) =
            crate::exchanges::guardians::request(ctx, &mut tx, &event, &loaded.registration)
                .await?;
        jobs.extend(requests);
        if asked > 0 {
            loaded.guardians = crate::db::guardians::copies_tx(&mut tx, id).await?;
        }
    }
    // A card payment's first email waits until Stripe has a session for it (card::start).
    let pays_by_card =
        payment_method == PaymentMethod::Card && status == RegistrationStatus::PendingPayment;
    if !pays_by_card {
        notify(
            ctx,
            &mut tx,
            &mut jobs,
            id,
            transition_id,
            None,
            status,
            (&Actor::Participant, &TransitionReason::Submitted),
            Some(&loaded),
        )
        .await?;
    }
    ctx.commit(tx, &jobs).await?;
    let payment_url = if pays_by_card {
        Some(crate::registrations::card::start(ctx, id, transition_id).await?)
    } else {
        None
    };
    let currency = crate::domain::Currency::parse(&currency)
        .map_err(|e| anyhow::anyhow!("stored currency: {e}"))?;
    Ok(Submitted {
        token,
        status,
        total: Money {
            amount_minor: total_minor,
            currency,
        },
        payment_url,
    })
}

/// Decides the stored payment method for a registration costing `total_minor`. Without a
/// choice, paying later is assumed where allowed, else card.
fn payment_method(
    ctx: &Ctx,
    event: &EventRow,
    total_minor: i64,
    choice: Option<PaymentChoice>,
) -> Result<PaymentMethod> {
    if total_minor == 0 {
        return Ok(PaymentMethod::None);
    }
    let card = event.pay_card && ctx.card.is_some();
    match choice {
        Some(PaymentChoice::Card) if card => Ok(PaymentMethod::Card),
        Some(PaymentChoice::Card) if event.pay_later => Err(AppError::field(
            "payment",
            "card payments are not available for this event; choose \"later\"",
        )),
        Some(PaymentChoice::Card) => Err(AppError::field(
            "payment",
            "card payments are not available for this event yet",
        )),
        Some(PaymentChoice::Later) | None if event.pay_later => Ok(PaymentMethod::Later),
        None if card => Ok(PaymentMethod::Card),
        _ if card => Err(AppError::field(
            "payment",
            "this event does not accept payment later; choose \"card\"",
        )),
        _ => Err(AppError::field(
            "payment",
            "this event does not accept payment later",
        )),
    }
}

/// Cancels a live registration and offers its seats on.
pub async fn cancel(
    ctx: &Ctx,
    token_str: &str,
    actor: Actor,
    reason: TransitionReason,
) -> Result<RegistrationStatus> {
    let now = ctx.clock.now();
    let (mut tx, event, reg) = lock_by_token(ctx, token_str).await?;
    let from = reg.status;
    if !from.is_live() {
        return Err(AppError::conflict(
            "not_cancellable",
            format!(
                "This registration is already {} and cannot be cancelled.",
                from.as_str().replace('_', " ")
            ),
        ));
    }
    let mut jobs = Vec::new();
    transition(
        ctx,
        &mut tx,
        &mut jobs,
        &reg,
        RegistrationStatus::Cancelled,
        None,
        None,
        &actor,
        &reason,
        now,
    )
    .await?;
    if from.holds_seats() {
        jobs.extend(offer_freed_seats(ctx, &mut tx, event.id, now).await?);
    }
    if matches!(actor, Actor::Participant) {
        // What the event's policy gives back goes back to the card at once; money paid in
        // cash or by transfer is returned by staff (the email says how much).
        let card = crate::db::card::card_payments_tx(&mut tx, reg.id).await?;
        let on_card: i64 = card.iter().map(|p| p.refundable()).sum();
        if on_card > 0 {
            let paid = regs::paid_minor_tx(&mut tx, reg.id).await?;
            let refund = event
                .policy()
                .refund_for(paid, event.starts_at, now)
                .min(on_card);
            if refund > 0 {
                let reason = crate::i18n::t(
                    crate::email::compose::contact_language(&reg),
                    "refund-reason-cancelled",
                );
                jobs.extend(
                    crate::registrations::card::write_refunds(
                        &mut tx, reg.id, &card, refund, &reason, None, now,
                    )
                    .await?,
                );
            }
        }
    }
    audit_staff(
        &mut tx,
        &actor,
        "registration.cancel",
        &reg,
        from,
        RegistrationStatus::Cancelled,
        now,
    )
    .await?;
    ctx.commit(tx, &jobs).await?;
    Ok(RegistrationStatus::Cancelled)
}

/// Claims a waitlist offer: the held seats become `pending_payment` or `confirmed`.
pub async fn claim_offer(
    ctx: &Ctx,
    token_str: &str,
    payment: Option<PaymentChoice>,
) -> Result<RegistrationStatus> {
    let now = ctx.clock.now();
    let (mut tx, event, reg) = lock_by_token(ctx, token_str).await?;
    if reg.status != RegistrationStatus::Offered {
        return Err(AppError::conflict(
            "no_open_offer",
            "This registration has no open waitlist offer.",
        ));
    }
    if reg.offer_expires_at.is_some_and(|d| now >= d) {
        return Err(AppError::conflict(
            "offer_expired",
            "This offer has expired.",
        ));
    }
    let method = payment_method(ctx, &event, reg.total_minor, payment)?;
    let (to, hold) = if reg.total_minor == 0 {
        (RegistrationStatus::Confirmed, None)
    } else {
        (
            RegistrationStatus::PendingPayment,
            Some(now + Duration::minutes(event.hold_minutes)),
        )
    };
    debug_assert!(method == PaymentMethod::None || hold.is_some());
    let mut jobs = Scheduled::hold_expiry(reg.id, hold);
    transition(
        ctx,
        &mut tx,
        &mut jobs,
        &reg,
        to,
        hold,
        None,
        &Actor::Participant,
        &TransitionReason::OfferClaimed,
        now,
    )
    .await?;
    ctx.commit(tx, &jobs).await?;
    Ok(to)
}

/// Locks a registration that must be awaiting approval (409 otherwise).
async fn lock_awaiting_approval(
    ctx: &Ctx,
    token_str: &str,
) -> Result<(Tx, EventRow, RegistrationRow)> {
    let (tx, event, reg) = lock_by_token(ctx, token_str).await?;
    if reg.status != RegistrationStatus::AwaitingApproval {
        return Err(AppError::conflict(
            "not_awaiting_approval",
            "This registration is not awaiting approval.",
        ));
    }
    Ok((tx, event, reg))
}

/// Approves an `awaiting_approval` registration: it takes seats as if submitted now.
pub async fn approve(ctx: &Ctx, token_str: &str, actor: Actor) -> Result<RegistrationStatus> {
    let now = ctx.clock.now();
    let (mut tx, event, reg) = lock_awaiting_approval(ctx, token_str).await?;
    let from = RegistrationStatus::AwaitingApproval;
    let offerings = events::offerings_tx(&mut tx, event.id).await?;
    let capacity = Capacity::new(&event, &offerings);
    let request = regs::seats_by_offering_tx(&mut tx, reg.id).await?;
    let (to, hold) = placement(&event, &capacity, &request, reg.total_minor, now);
    let mut jobs = Scheduled::hold_expiry(reg.id, hold);
    transition(
        ctx,
        &mut tx,
        &mut jobs,
        &reg,
        to,
        hold,
        None,
        &actor,
        &TransitionReason::Approved,
        now,
    )
    .await?;
    audit_staff(&mut tx, &actor, "registration.approve", &reg, from, to, now).await?;
    ctx.commit(tx, &jobs).await?;
    Ok(to)
}

/// Rejects an `awaiting_approval` registration.
pub async fn reject(
    ctx: &Ctx,
    token_str: &str,
    actor: Actor,
    reason: TransitionReason,
) -> Result<RegistrationStatus> {
    let now = ctx.clock.now();
    let (mut tx, _event, reg) = lock_awaiting_approval(ctx, token_str).await?;
    let from = RegistrationStatus::AwaitingApproval;
    let mut jobs = Vec::new();
    let to = transition(
        ctx,
        &mut tx,
        &mut jobs,
        &reg,
        RegistrationStatus::Rejected,
        None,
        None,
        &actor,
        &reason,
        now,
    )
    .await?;
    audit_staff(&mut tx, &actor, "registration.reject", &reg, from, to, now).await?;
    ctx.commit(tx, &jobs).await?;
    Ok(to)
}

/// An offline payment recorded by staff.
#[derive(Debug, Clone)]
pub struct OfflinePayment {
    /// Cash, transfer or other (never card: Stripe records those).
    pub method: MoneyMethod,
    /// Amount received.
    pub amount: Money,
    /// Bank reference, receipt number ...
    pub reference: String,
}

/// Records an offline payment. Paid in full, a `pending_payment` registration is confirmed;
/// an `expired` one is confirmed if its seats are still free, else nothing is recorded and
/// staff are told to return the money.
pub async fn record_payment(
    ctx: &Ctx,
    token_str: &str,
    actor: Actor,
    payment: OfflinePayment,
) -> Result<(RegistrationStatus, i64)> {
    let now = ctx.clock.now();
    let (mut tx, event, reg) = lock_by_token(ctx, token_str).await?;
    let from = reg.status;
    if payment.amount.currency.code() != reg.currency {
        return Err(AppError::field(
            "amount.currency",
            format!("must be {}, the registration's currency", reg.currency),
        ));
    }
    let paid = regs::paid_minor_tx(&mut tx, reg.id).await?;
    let due = reg.total_minor - paid;
    if due <= 0 {
        return Err(AppError::conflict(
            "nothing_due",
            "Nothing is due on this registration.",
        ));
    }
    if payment.amount.amount_minor > due {
        return Err(AppError::field(
            "amount.amount_minor",
            format!("is more than the {due} due"),
        ));
    }
    let paid_in_full = payment.amount.amount_minor == due;
    let to = match from {
        RegistrationStatus::PendingPayment
        | RegistrationStatus::Confirmed
        | RegistrationStatus::Attended => {
            if paid_in_full && from == RegistrationStatus::PendingPayment {
                RegistrationStatus::Confirmed
            } else {
                from
            }
        }
        RegistrationStatus::Expired => {
            let offerings = events::offerings_tx(&mut tx, event.id).await?;
            let capacity = Capacity::new(&event, &offerings);
            let request = regs::seats_by_offering_tx(&mut tx, reg.id).await?;
            if !capacity.fits(&request) {
                return Err(AppError::conflict(
                    "no_seats",
                    "The hold expired and the seats have been taken; the registration stays expired. Return the money to the payer.",
                ));
            }
            if paid_in_full {
                RegistrationStatus::Confirmed
            } else {
                RegistrationStatus::PendingPayment
            }
        }
        other => {
            return Err(AppError::conflict(
                "not_payable",
                format!(
                    "A {} registration cannot take a payment.",
                    other.as_str().replace('_', " ")
                ),
            ));
        }
    };
    let staff_id = actor.staff_id();
    regs::insert_payment(
        &mut tx,
        reg.id,
        payment.method,
        payment.amount.amount_minor,
        payment.amount.currency.code(),
        &payment.reference,
        staff_id,
        now,
    )
    .await?;
    let mut jobs = Vec::new();
    if to != from {
        let hold = (to == RegistrationStatus::PendingPayment)
            .then(|| now + Duration::minutes(event.hold_minutes));
        transition(
            ctx,
            &mut tx,
            &mut jobs,
            &reg,
            to,
            hold,
            None,
            &actor,
            &TransitionReason::PaymentRecorded,
            now,
        )
        .await?;
        jobs.extend(Scheduled::hold_expiry(reg.id, hold));
    }
    let after = serde_json::json!({"status": to.as_str(), "method": payment.method,
        "amount_minor": payment.amount.amount_minor, "currency": payment.amount.currency.code(), "reference": payment.reference});
    audit_registration(&mut tx, &actor, "payment.record", &reg, None, &after, now).await?;
    ctx.commit(tx, &jobs).await?;
    Ok((to, due - payment.amount.amount_minor))
}

/// Reads a payment or refund method from a form or request.
pub type MethodParser = fn(&str) -> std::result::Result<MoneyMethod, crate::domain::ParseError>;

/// The method of money staff take or give back by hand: `cash`, `transfer` or `other`.
pub fn offline_method(input: &str) -> std::result::Result<MoneyMethod, crate::domain::ParseError> {
    MoneyMethod::parse(input)
        .ok()
        .filter(|m| MoneyMethod::BY_HAND.contains(m))
        .ok_or_else(|| crate::domain::ParseError::new("must be one of: cash, transfer, other"))
}

/// How money goes back: `card` (through Stripe, to the card paid with) or by hand.
pub fn refund_method(input: &str) -> std::result::Result<MoneyMethod, crate::domain::ParseError> {
    MoneyMethod::parse(input)
}

/// A refund staff make: to the card through Stripe, or paid back by hand (cash, transfer ...).
#[derive(Debug, Clone)]
pub struct OfflineRefund {
    /// Card (back through Stripe) or by hand.
    pub method: MoneyMethod,
    /// Amount given back, at most what the ledger shows as paid.
    pub amount: Money,
    /// Why; shown to the participant.
    pub reason: String,
}

/// Records a refund staff have paid back, on any registration that has money in the ledger
/// (its state does not change: a confirmed registration may get part of its money back, and
/// then costs that much less), and tells the contact. Returns what remains paid.
pub async fn record_refund(
    ctx: &Ctx,
    token_str: &str,
    actor: Actor,
    refund: OfflineRefund,
) -> Result<i64> {
    let now = ctx.clock.now();
    let (mut tx, _event, reg) = lock_by_token(ctx, token_str).await?;
    if refund.amount.currency.code() != reg.currency {
        return Err(AppError::field(
            "amount.currency",
            format!("must be {}, the registration's currency", reg.currency),
        ));
    }
    let paid = regs::paid_minor_tx(&mut tx, reg.id).await?;
    if paid <= 0 {
        return Err(AppError::conflict(
            "nothing_paid",
            "Nothing has been paid on this registration, so nothing can be refunded.",
        ));
    }
    if refund.amount.amount_minor > paid {
        return Err(AppError::field(
            "amount.amount_minor",
            format!("is more than the {paid} paid"),
        ));
    }
    let staff_id = actor.staff_id();
    let mut jobs = Vec::new();
    let id = if refund.method == MoneyMethod::Card {
        let card = crate::db::card::card_payments_tx(&mut tx, reg.id).await?;
        let on_card: i64 = card.iter().map(|p| p.refundable()).sum();
        if refund.amount.amount_minor > on_card {
            return Err(AppError::field(
                "amount.amount_minor",
                format!("is more than the {on_card} paid by card that can still be refunded"),
            ));
        }
        let refunds = crate::registrations::card::write_refunds(
            &mut tx,
            reg.id,
            &card,
            refund.amount.amount_minor,
            &refund.reason,
            staff_id,
            now,
        )
        .await?;
        let first = match refunds.first().map(|s| &s.job) {
            Some(Job::IssueRefund { refund_id }) => *refund_id,
            _ => return Err(anyhow::anyhow!("a card refund without a ledger row").into()),
        };
        jobs.extend(refunds);
        first
    } else {
        regs::insert_refund(
            &mut tx,
            reg.id,
            refund.method,
            refund.amount.amount_minor,
            refund.amount.currency.code(),
            LedgerStatus::Succeeded,
            &refund.reason,
            staff_id,
            now,
        )
        .await?
    };
    if reg.status.is_live() {
        // Money given back on a registration that stays is no longer due.
        regs::reduce_total_tx(&mut tx, reg.id, refund.amount.amount_minor).await?;
    }
    jobs.extend(
        queue_refund_email(
            ctx,
            &mut tx,
            reg.id,
            id,
            refund.amount.amount_minor,
            &refund.reason,
        )
        .await?,
    );
    let after = serde_json::json!({"method": refund.method, "amount_minor": refund.amount.amount_minor,
        "currency": refund.amount.currency.code(), "reason": refund.reason});
    audit_registration(&mut tx, &actor, "payment.refund", &reg, None, &after, now).await?;
    ctx.commit(tx, &jobs).await?;
    Ok(paid - refund.amount.amount_minor)
}

/// Expires registration `id` if it is still `pending_payment` past its hold, then offers
/// the seats on. Safe to call at any time, any number of times.
pub async fn expire_hold(ctx: &Ctx, id: i64) -> anyhow::Result<()> {
    expire(
        ctx,
        id,
        RegistrationStatus::PendingPayment,
        TransitionReason::HoldExpired,
    )
    .await
}

/// Expires registration `id` if its waitlist offer ran out, then offers the seats on.
pub async fn expire_offer(ctx: &Ctx, id: i64) -> anyhow::Result<()> {
    expire(
        ctx,
        id,
        RegistrationStatus::Offered,
        TransitionReason::OfferExpired,
    )
    .await
}

async fn expire(
    ctx: &Ctx,
    id: i64,
    expected: RegistrationStatus,
    reason: TransitionReason,
) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    let Some((mut tx, event, reg)) = lock_by_id(ctx, id).await.map_err(into_anyhow)? else {
        return Ok(());
    };
    let deadline = match expected {
        RegistrationStatus::PendingPayment => reg.hold_expires_at,
        _ => reg.offer_expires_at,
    };
    if reg.status != expected || deadline.is_none_or(|d| d > now) {
        return Ok(()); // paid, claimed, cancelled or extended meanwhile
    }
    let mut jobs = Vec::new();
    transition(
        ctx,
        &mut tx,
        &mut jobs,
        &reg,
        RegistrationStatus::Expired,
        None,
        None,
        &Actor::System,
        &reason,
        now,
    )
    .await
    .map_err(into_anyhow)?;
    jobs.extend(
        offer_freed_seats(ctx, &mut tx, event.id, now)
            .await
            .map_err(into_anyhow)?,
    );
    ctx.commit(tx, &jobs).await?;
    Ok(())
}

/// Sends payment reminders that are due: for each unpaid hold, once, a day before it runs out
/// (holds over two days) or halfway through (shorter holds). Called by the sweep.
pub async fn remind_due_payments(ctx: &Ctx) -> anyhow::Result<usize> {
    let now = ctx.clock.now();
    let mut sent = 0;
    for (id, until, held_since) in
        regs::holds_ending_before(&ctx.db, now, now + Duration::hours(24)).await?
    {
        let hold = until - held_since;
        let lead = if hold > Duration::hours(48) {
            Duration::hours(24)
        } else {
            hold / 2
        };
        if now >= until - lead {
            remind_payment(ctx, id).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// Queues the payment reminder of registration `id` if it is still unpaid and its hold has
/// not run out. Safe to run late or twice (one reminder per hold).
pub async fn remind_payment(ctx: &Ctx, id: i64) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    let Some((mut tx, _event, reg)) = lock_by_id(ctx, id).await.map_err(into_anyhow)? else {
        return Ok(());
    };
    let Some(until) = reg.hold_expires_at else {
        return Ok(());
    };
    if reg.status != RegistrationStatus::PendingPayment || until <= now {
        return Ok(());
    }
    let key = format!("payment_due:{}:{}", reg.id, until.timestamp());
    let extra = crate::email::compose::Extra::default();
    let jobs: Vec<Scheduled> = crate::email::queue_registration_email(
        ctx,
        &mut tx,
        crate::email::EmailKind::PaymentDue,
        reg.id,
        &key,
        &extra,
    )
    .await?
    .into_iter()
    .collect();
    ctx.commit(tx, &jobs).await?;
    Ok(())
}

/// Expires every overdue hold and offer; returns how many were looked at.
pub async fn expire_overdue(ctx: &Ctx) -> anyhow::Result<usize> {
    let now = ctx.clock.now();
    let holds = regs::due_holds(&ctx.db, now).await?;
    let offers = regs::due_offers(&ctx.db, now).await?;
    for id in &holds {
        expire_hold(ctx, *id).await?;
    }
    for id in &offers {
        expire_offer(ctx, *id).await?;
    }
    Ok(holds.len() + offers.len())
}

pub(crate) use crate::core::error::into_anyhow;

/// Writes an audit entry when a staff member changed a registration.
async fn audit_staff(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    reg: &RegistrationRow,
    from: RegistrationStatus,
    to: RegistrationStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    if matches!(actor, Actor::Staff { .. }) {
        let before = serde_json::json!({"status": from.as_str()});
        let after = serde_json::json!({"status": to.as_str()});
        audit_registration(tx, actor, action, reg, Some(&before), &after, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(capacity: Option<i64>, seats_held: i64) -> EventRow {
        let t = Utc::now();
        EventRow {
            id: 1,
            slug: "e".into(),
            kind: crate::domain::EventKind::Event,
            title: "E".into(),
            description: String::new(),
            venue: String::new(),
            timezone: "UTC".into(),
            starts_at: t,
            ends_at: t,
            registration_opens_at: None,
            registration_closes_at: None,
            status: EventStatus::Published,
            capacity,
            seats_held,
            approval_required: false,
            pay_card: false,
            pay_later: true,
            hold_minutes: 60,
            offer_minutes: 60,
            partner_city_id: None,
            reminder_days: "7,1".into(),
            custom_email_text: String::new(),
            consents: String::new(),
            questions: "[]".to_owned(),
            translations: "{}".to_owned(),
            refund_full_days: 7,
            refund_later_percent: 0,
            created_at: t,
            updated_at: t,
        }
    }

    fn offering(id: i64, capacity: Option<i64>, seats_held: i64) -> OfferingRow {
        OfferingRow {
            id,
            event_id: 1,
            key: format!("o{id}"),
            name: "O".into(),
            price_minor: 0,
            currency: "EUR".into(),
            capacity,
            seats_held,
            position: id,
        }
    }

    #[test]
    fn a_group_fits_only_when_event_and_every_offering_have_room() {
        let cap = Capacity::new(
            &event(Some(10), 7),
            &[offering(1, Some(3), 2), offering(2, None, 5)],
        );
        assert!(cap.fits(&HashMap::from([(1, 1), (2, 2)])));
        assert!(
            !cap.fits(&HashMap::from([(1, 2)])),
            "offering 1 has one seat left"
        );
        assert!(
            !cap.fits(&HashMap::from([(2, 4)])),
            "event has three seats left"
        );
        assert_eq!(cap.offering_left(1), Some(1));
        assert_eq!(cap.offering_left(2), Some(3));
    }

    #[test]
    fn unlimited_events_and_offerings_always_fit() {
        let cap = Capacity::new(&event(None, 1000), &[offering(1, None, 1000)]);
        assert!(cap.fits(&HashMap::from([(1, 20)])));
        assert_eq!(cap.event_left(), None);
        assert_eq!(cap.offering_left(1), None);
    }

    #[test]
    fn taking_seats_reduces_what_is_left() {
        let mut cap = Capacity::new(&event(Some(3), 0), &[offering(1, None, 0)]);
        let two = HashMap::from([(1, 2)]);
        assert!(cap.fits(&two));
        cap.take(&two);
        assert!(!cap.fits(&two));
        assert_eq!(cap.event_left(), Some(1));
    }

    #[test]
    fn free_groups_that_fit_are_confirmed_paid_ones_held_others_waitlisted() {
        let now = Utc::now();
        let e = event(Some(2), 1);
        let cap = Capacity::new(&e, &[offering(1, None, 1)]);
        let one = HashMap::from([(1, 1)]);
        assert_eq!(
            placement(&e, &cap, &one, 0, now),
            (RegistrationStatus::Confirmed, None)
        );
        assert_eq!(
            placement(&e, &cap, &one, 500, now),
            (
                RegistrationStatus::PendingPayment,
                Some(now + Duration::minutes(60))
            )
        );
        assert_eq!(
            placement(&e, &cap, &HashMap::from([(1, 2)]), 0, now),
            (RegistrationStatus::Waitlisted, None)
        );
    }
}
