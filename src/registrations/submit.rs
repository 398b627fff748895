//! Submitting a registration: checking the request against the event, taking seats or a
//! place in line, and the first email.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::checks::{Checked, check_limits, check_open, check_request, payment_method};
use super::lifecycle::{Capacity, notify};
use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::core::job::Scheduled;
use crate::db::Tx;
use crate::db::events::{self, EventRow};
use crate::db::registrations::{self as regs, NewRegistrationRow, RegistrationRow};
use crate::db::request_keys;
use crate::domain::registration::NewRegistration;
use crate::domain::registration::request_key::RequestKey;
use crate::domain::{Money, PaymentMethod, RegistrationStatus, TransitionReason, token};

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
    /// Made by an earlier request with the same key ([`RequestKey`]), not by this one.
    pub replayed: bool,
}

/// Where a registration goes when it may take seats: the seat-holding state if the group
/// fits, else the waitlist; with the hold deadline for `pending_payment`.
pub(super) fn placement(
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

/// Submits a registration for the event `slug`.
///
/// On SQLite the registration is decided and written in its turn at a group commit
/// ([`crate::db::group`]): registrations arriving while one transaction commits share the
/// next, each in its own savepoint, and each is answered once its group is on disk.
///
/// On PostgreSQL, first without holding the event: the registration is checked, written and
/// its emails queued against the seat counters as they were read, and the seats are taken
/// last with one conditional update ([`events::take_seats`]), so the event row is locked only
/// from that update to the commit. When the counters said there is no room, or the update
/// found none (another registration took the last seats meanwhile), the attempt is rolled
/// back and made again with the event locked from the start: the waitlist, approval and
/// exchanges are decided there, in the order the lock is granted.
///
/// With a request `key`, a request repeated with it answers with the registration the first
/// one made (`replayed`), however often and however close together it arrives.
pub async fn submit(
    ctx: &Ctx,
    slug: &str,
    new: NewRegistration,
    key: Option<RequestKey>,
) -> Result<Submitted> {
    let result = submit_once(ctx, Request { slug, new, key }).await;
    let outcome = match &result {
        Ok(done) if done.replayed => "replayed",
        Ok(done) => done.status.as_str(),
        Err(AppError::Validation(_)) => "invalid",
        Err(AppError::Conflict { .. } | AppError::NotFound) => "refused",
        Err(AppError::Unavailable { .. }) => "unavailable",
        Err(_) => "error",
    };
    metrics::counter!("twinning_registrations_total", "outcome" => outcome).increment(1);
    result
}

/// [`submit`], not yet counted.
async fn submit_once(ctx: &Ctx, request: Request<'_>) -> Result<Submitted> {
    let slug = request.slug;
    if ctx.db.backend() == crate::db::Backend::Sqlite {
        // In a task of its own: a client that goes away mid-turn cannot leave the group's
        // transaction half used.
        let (ctx, slug) = (ctx.clone(), slug.to_owned());
        let (new, key) = (request.new, request.key);
        return tokio::spawn(async move {
            let request = Request {
                slug: &slug,
                new,
                key,
            };
            grouped(&ctx, &request).await
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("registration task: {e}")))?;
    }
    if let Some(done) = attempt(ctx, &request, false).await? {
        return Ok(done);
    }
    // Holding the lock, an attempt fails to decide only when a request with the same key
    // committed first; the next attempt answers with what that one made.
    for _ in 0..2 {
        if let Some(done) = attempt(ctx, &request, true).await? {
            return Ok(done);
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "a registration request was not decided in three attempts"
    )))
}

/// What [`submit`] was asked.
struct Request<'a> {
    slug: &'a str,
    new: NewRegistration,
    key: Option<RequestKey>,
}

/// [`submit`] on SQLite: decided in a turn at the writer's shared transaction, which holds
/// the database's one write lock, so every registration is decided as with the event locked.
async fn grouped(ctx: &Ctx, request: &Request<'_>) -> Result<Submitted> {
    let mut turn = ctx
        .db
        .group_turn()
        .await?
        .ok_or_else(|| anyhow::anyhow!("group commit asked on PostgreSQL"))?;
    let decided = decide(ctx, turn.tx(), request, true)
        .await?
        .ok_or_else(|| anyhow::anyhow!("a registration holding the write lock was not decided"))?;
    turn.keep().await?;
    ctx.after_commit(&decided.jobs).await;
    finish(ctx, decided).await
}

/// One attempt at [`submit`] in a transaction of its own; `locked` holds the event row from
/// the start. An unlocked attempt answers `None` (having written nothing) when it cannot take
/// seats.
async fn attempt(ctx: &Ctx, request: &Request<'_>, locked: bool) -> Result<Option<Submitted>> {
    let mut tx = ctx.db.begin().await?;
    let Some(decided) = decide(ctx, &mut tx, request, locked).await? else {
        tx.rollback().await?;
        return Ok(None);
    };
    ctx.commit(tx, &decided.jobs).await?;
    finish(ctx, decided).await.map(Some)
}

/// A registration decided and written, not yet committed.
struct Decided {
    /// The answer, but for Stripe's page.
    submitted: Submitted,
    /// The jobs to push once committed.
    jobs: Vec<Scheduled>,
    /// The registration and its first transition, when it pays by card.
    card: Option<(i64, i64)>,
    /// The registration an earlier request with the same key made.
    replayed: Option<RegistrationRow>,
}

/// After the commit: a card payment's Checkout Session (the one still open, for a request
/// repeated while its card payment is due).
async fn finish(ctx: &Ctx, decided: Decided) -> Result<Submitted> {
    let mut submitted = decided.submitted;
    if let Some((id, transition_id)) = decided.card {
        submitted.payment_url = Some(super::payments::start(ctx, id, transition_id).await?);
    }
    if let Some(reg) = decided.replayed.filter(|r| {
        r.payment_method == PaymentMethod::Card && r.status == RegistrationStatus::PendingPayment
    }) {
        submitted.payment_url = Some(super::payments::checkout_url(ctx, &reg).await?);
    }
    Ok(submitted)
}

/// The registration made by the earlier request with `key`; `None` if there is none (it was
/// forgotten meanwhile: the caller tries again). The key used for another request (another
/// event or body) is refused.
async fn previous(tx: &mut Tx, key: &RequestKey) -> Result<Option<Decided>> {
    let Some((fingerprint, Some(id))) = request_keys::previous(tx, key.key()).await? else {
        return Ok(None);
    };
    if fingerprint != key.fingerprint() {
        return Err(AppError::field(
            "Idempotency-Key",
            "was used for another request: a new request needs a new key",
        ));
    }
    let reg = regs::get_tx(tx, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the registration of request key {id} is gone"))?;
    let total = Money {
        amount_minor: reg.total_minor,
        currency: crate::domain::Currency::parse(&reg.currency)
            .map_err(|e| anyhow::anyhow!("stored currency: {e}"))?,
    };
    Ok(Some(Decided {
        submitted: Submitted {
            token: reg.token.clone(),
            status: reg.status,
            total,
            payment_url: None,
            replayed: true,
        },
        jobs: Vec::new(),
        card: None,
        replayed: Some(reg),
    }))
}

/// Decides registration `new` for the event `slug` inside `tx` and writes it with its
/// history and first emails. Not `locked`, it answers `None` when it cannot take seats (the
/// caller rolls back and tries again locked).
async fn decide(
    ctx: &Ctx,
    tx: &mut Tx,
    asked: &Request<'_>,
    locked: bool,
) -> Result<Option<Decided>> {
    let (slug, new) = (asked.slug, &asked.new);
    let now = ctx.clock.now();
    // The key is claimed first, before the event is locked: a second request with it waits
    // here (PostgreSQL) until the first commits, then answers with what it made.
    if let Some(key) = &asked.key
        && !request_keys::claim(tx, key.key(), key.fingerprint(), now).await?
    {
        return previous(tx, key).await;
    }
    let event = events::by_slug_tx(tx, slug, locked)
        .await?
        .ok_or(AppError::NotFound)?;
    check_open(&event, now)?;
    let offerings = events::offerings_tx(tx, event.id).await?;
    let checked = check_request(ctx, &event, &offerings, new)?;
    let total_minor: i64 = checked.chosen.iter().map(|o| o.price_minor).sum();
    let currency = checked
        .chosen
        .first()
        .map(|o| o.currency.clone())
        .unwrap_or_else(|| "EUR".to_owned());
    let payment_method = payment_method(ctx, &event, total_minor, new.payment)?;
    check_limits(tx, &event, new).await?;
    let request = checked.request();
    let (status, hold_expires_at) = if event.approval_required {
        (RegistrationStatus::AwaitingApproval, None)
    } else {
        let capacity = Capacity::new(&event, &offerings);
        placement(&event, &capacity, &request, total_minor, now)
    };
    // Without the lock only seats are taken; everything that depends on the line, on staff or
    // on an exchange's hosts waits for it.
    if !locked && (!status.holds_seats() || event.is_exchange()) {
        return Ok(None);
    }

    // Seats held for a payment later by an address nobody has confirmed are held briefly:
    // the link in the first email confirms it and extends the hold (`confirm_email`).
    let (hold_expires_at, email_confirm_code) = super::confirm::hold_for(
        ctx,
        tx,
        new.contact_email.as_str(),
        payment_method,
        hold_expires_at,
        now,
    )
    .await?;
    let token = token::generate();
    let row = NewRegistrationRow {
        event_id: event.id,
        token: &token,
        token_selector: token::selector(&token).expect("generated tokens are well formed"),
        status,
        contact_name: new.contact_name.as_str(),
        contact_email: new.contact_email.as_str(),
        contact_phone: &new.contact_phone,
        language: new.language.as_str(),
        payment_method,
        seats: checked.chosen.len() as i64,
        total_minor,
        currency: &currency,
        hold_expires_at,
        consents: &event.consents,
        email_confirm_code: email_confirm_code.as_deref(),
    };
    let id = regs::insert(tx, &row, now).await?;
    if let Some(key) = &asked.key {
        request_keys::settle(tx, key.key(), id).await?;
    }
    let codes = insert_participants(tx, id, new, &checked).await?;
    if locked && status.holds_seats() {
        events::add_held(tx, event.id, &request, 1).await?;
    }
    let transition_id = regs::record_transition(
        tx,
        id,
        None,
        status.as_str(),
        &Actor::Participant.label(),
        TransitionReason::Submitted.recorded(),
        now,
    )
    .await?;
    // Everything the first email shows is in hand: no need to read it back.
    let loaded = first_email(&event, &row, id, new, &checked, codes, now);
    let pays_by_card =
        payment_method == PaymentMethod::Card && status == RegistrationStatus::PendingPayment;
    let jobs = first_emails(ctx, tx, loaded, transition_id, pays_by_card).await?;
    if !locked && !events::take_seats(tx, event.id, &request).await? {
        return Ok(None);
    }
    let total = Money {
        amount_minor: total_minor,
        currency: crate::domain::Currency::parse(&currency)
            .map_err(|e| anyhow::anyhow!("stored currency: {e}"))?,
    };
    Ok(Some(Decided {
        submitted: Submitted {
            token,
            status,
            total,
            payment_url: None,
            replayed: false,
        },
        jobs,
        card: pays_by_card.then_some((id, transition_id)),
        replayed: None,
    }))
}

/// The jobs and emails of a registration just written (`loaded`): its hold's expiry, its
/// minors' guardians asked, and its first email, which for a card payment waits until Stripe
/// has a session for it (`payments::start`).
async fn first_emails(
    ctx: &Ctx,
    tx: &mut Tx,
    mut loaded: crate::email::compose::Loaded,
    transition_id: i64,
    pays_by_card: bool,
) -> Result<Vec<Scheduled>> {
    let reg = &loaded.registration;
    let (id, status) = (reg.id, reg.status);
    let mut jobs = Scheduled::hold_expiry(id, reg.hold_expires_at);
    let event = loaded.event.clone();
    jobs.extend(ask_guardians(ctx, tx, &event, &mut loaded).await?);
    if !pays_by_card {
        let why = (&Actor::Participant, &TransitionReason::Submitted);
        notify(
            ctx,
            tx,
            &mut jobs,
            id,
            transition_id,
            None,
            status,
            why,
            Some(&loaded),
        )
        .await?;
    }
    Ok(jobs)
}

/// Asks each minor's guardian of an exchange through their own link; they are copied on what
/// follows, starting with the first email in `loaded`. Returns the jobs to push.
async fn ask_guardians(
    ctx: &Ctx,
    tx: &mut Tx,
    event: &EventRow,
    loaded: &mut crate::email::compose::Loaded,
) -> Result<Vec<Scheduled>> {
    if !event.is_exchange() {
        return Ok(Vec::new());
    }
    let (asked, jobs) = ctx
        .hooks
        .registration_submitted(ctx, tx, event, &loaded.registration)
        .await?;
    if asked > 0 {
        loaded.guardians = crate::db::guardians::copies_tx(tx, loaded.registration.id).await?;
    }
    Ok(jobs)
}

/// Writes the participants of registration `id`; returns their check-in codes in order.
async fn insert_participants(
    tx: &mut Tx,
    id: i64,
    new: &NewRegistration,
    checked: &Checked<'_>,
) -> Result<Vec<Option<String>>> {
    let mut codes = Vec::with_capacity(checked.chosen.len());
    for (position, (((p, offering), answers), profile)) in new
        .participants
        .iter()
        .zip(&checked.chosen)
        .zip(&checked.answers)
        .zip(&checked.profiles)
        .enumerate()
    {
        let code = regs::insert_participant(
            tx,
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
    Ok(codes)
}

/// What the first email of registration `id`, just written as `row`, is made from.
fn first_email(
    event: &EventRow,
    row: &NewRegistrationRow<'_>,
    id: i64,
    new: &NewRegistration,
    checked: &Checked<'_>,
    codes: Vec<Option<String>>,
    now: DateTime<Utc>,
) -> crate::email::compose::Loaded {
    crate::email::compose::Loaded {
        registration: RegistrationRow {
            id,
            event_id: event.id,
            token: row.token.to_owned(),
            status: row.status,
            contact_name: row.contact_name.to_owned(),
            contact_email: row.contact_email.to_owned(),
            contact_phone: row.contact_phone.to_owned(),
            language: row.language.to_owned(),
            payment_method: row.payment_method,
            seats: row.seats,
            total_minor: row.total_minor,
            currency: row.currency.to_owned(),
            hold_expires_at: row.hold_expires_at,
            offer_expires_at: None,
            created_at: now,
            updated_at: now,
            email_confirm_code: row.email_confirm_code.map(str::to_owned),
            messages_stopped_at: None,
        },
        participants: new
            .participants
            .iter()
            .zip(&checked.chosen)
            .map(|(p, o)| (p.name.as_str().to_owned(), o.key.clone(), o.name.clone()))
            .collect(),
        codes,
        paid: 0,
        guardians: Vec::new(),
        event: event.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::events::OfferingRow;
    use crate::domain::EventStatus;

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
            max_participants: None,
            max_registrations_per_email: None,
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
