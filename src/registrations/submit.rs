//! Submitting a registration: checking the request against the event, taking seats or a
//! place in line, and the first email.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::lifecycle::{Capacity, notify};
use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::core::job::Scheduled;
use crate::db::Tx;
use crate::db::events::{self, EventRow, OfferingRow};
use crate::db::registrations::{self as regs, NewRegistrationRow, RegistrationRow};
use crate::domain::question::{self, Answers};
use crate::domain::registration::{CONSENT_REQUIRED, NewParticipant, NewRegistration};
use crate::domain::{
    EventStatus, Money, PaymentChoice, PaymentMethod, RegistrationStatus, TransitionReason, token,
};

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

/// A request checked against its event: per participant, the offering chosen, the answers as
/// stored and the visitor profile as stored (empty off exchanges).
struct Checked<'o> {
    chosen: Vec<&'o OfferingRow>,
    answers: Vec<Answers>,
    profiles: Vec<String>,
}

impl Checked<'_> {
    /// Seats asked per offering.
    fn request(&self) -> HashMap<i64, i64> {
        let mut request: HashMap<i64, i64> = HashMap::new();
        for o in &self.chosen {
            *request.entry(o.id).or_default() += 1;
        }
        request
    }
}

/// Checks consents, answers, profiles and offerings of `new`, naming every field that is wrong.
fn check_request<'o>(
    ctx: &Ctx,
    event: &EventRow,
    offerings: &'o [OfferingRow],
    new: &NewRegistration,
) -> Result<Checked<'o>> {
    let mut errors = crate::core::error::FieldCollector::default();
    if !event.consents.trim().is_empty() && !new.accept_consents {
        errors.add("accept_consents", CONSENT_REQUIRED);
    }
    let questions = question::from_stored(&event.questions);
    let mut checked = Checked {
        chosen: Vec::with_capacity(new.participants.len()),
        answers: Vec::with_capacity(new.participants.len()),
        profiles: Vec::with_capacity(new.participants.len()),
    };
    for (i, p) in new.participants.iter().enumerate() {
        checked
            .answers
            .push(check_answers(&mut errors, &questions, i, p));
        checked
            .profiles
            .push(check_profile(ctx, &mut errors, event, i, p)?);
        match offerings.iter().find(|o| o.key == p.offering) {
            Some(o) => checked.chosen.push(o),
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
    Ok(checked)
}

/// The answers of participant `i` to the event's questions; unknown keys are errors.
fn check_answers(
    errors: &mut crate::core::error::FieldCollector,
    questions: &[question::Question],
    i: usize,
    p: &NewParticipant,
) -> Answers {
    let mut checked = Answers::new();
    for q in questions {
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
    checked
}

/// The visitor profile of participant `i` as stored: required on exchanges, refused elsewhere.
fn check_profile(
    ctx: &Ctx,
    errors: &mut crate::core::error::FieldCollector,
    event: &EventRow,
    i: usize,
    p: &NewParticipant,
) -> Result<String> {
    let at = format!("participants[{i}].profile");
    Ok(match (&p.profile, event.is_exchange()) {
        (Some(given), true) => crate::domain::visitor::check(
            errors,
            &at,
            given,
            events::stay(event).0,
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
    })
}

/// Submits a registration for the event `slug`.
///
/// First without holding the event: the registration is checked, written and its emails
/// queued against the seat counters as they were read, and the seats are taken last with
/// one conditional update ([`events::take_seats`]), so on PostgreSQL the event row is locked
/// only from that update to the commit. When the counters said there is no room, or the
/// update found none (another registration took the last seats meanwhile), the attempt is
/// rolled back and made again with the event locked from the start: the waitlist, approval
/// and exchanges are decided there, in the order the lock is granted. On SQLite every write
/// transaction holds the one writer from its start, so the first attempt always stands.
pub async fn submit(ctx: &Ctx, slug: &str, new: NewRegistration) -> Result<Submitted> {
    if let Some(done) = attempt(ctx, slug, &new, false).await? {
        return Ok(done);
    }
    Ok(attempt(ctx, slug, &new, true)
        .await?
        .expect("an attempt holding the event lock always decides"))
}

/// One attempt at [`submit`]; `locked` holds the event row from the start. An unlocked
/// attempt answers `None` (having written nothing) when it cannot take seats.
async fn attempt(
    ctx: &Ctx,
    slug: &str,
    new: &NewRegistration,
    locked: bool,
) -> Result<Option<Submitted>> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let event = events::by_slug_tx(&mut tx, slug, locked)
        .await?
        .ok_or(AppError::NotFound)?;
    check_open(&event, now)?;
    let offerings = events::offerings_tx(&mut tx, event.id).await?;
    let checked = check_request(ctx, &event, &offerings, new)?;
    let total_minor: i64 = checked.chosen.iter().map(|o| o.price_minor).sum();
    let currency = checked
        .chosen
        .first()
        .map(|o| o.currency.clone())
        .unwrap_or_else(|| "EUR".to_owned());
    let payment_method = payment_method(ctx, &event, total_minor, new.payment)?;
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
        tx.rollback().await?;
        return Ok(None);
    }

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
    };
    let id = regs::insert(&mut tx, &row, now).await?;
    let codes = insert_participants(&mut tx, id, new, &checked).await?;
    if locked && status.holds_seats() {
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
    let mut loaded = first_email(&event, &row, id, new, &checked, codes, now);
    let mut jobs = Scheduled::hold_expiry(id, hold_expires_at);
    jobs.extend(ask_guardians(ctx, &mut tx, &event, &mut loaded).await?);
    // A card payment's first email waits until Stripe has a session for it
    // (`payments::start`).
    let pays_by_card =
        payment_method == PaymentMethod::Card && status == RegistrationStatus::PendingPayment;
    if !pays_by_card {
        let why = (&Actor::Participant, &TransitionReason::Submitted);
        let (to, from) = (status, None);
        notify(
            ctx,
            &mut tx,
            &mut jobs,
            id,
            transition_id,
            from,
            to,
            why,
            Some(&loaded),
        )
        .await?;
    }
    if !locked && !events::take_seats(&mut tx, event.id, &request).await? {
        tx.rollback().await?;
        return Ok(None);
    }
    ctx.commit(tx, &jobs).await?;
    let payment_url = match pays_by_card {
        true => Some(super::payments::start(ctx, id, transition_id).await?),
        false => None,
    };
    let total = Money {
        amount_minor: total_minor,
        currency: crate::domain::Currency::parse(&currency)
            .map_err(|e| anyhow::anyhow!("stored currency: {e}"))?,
    };
    Ok(Some(Submitted {
        token,
        status,
        total,
        payment_url,
    }))
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

/// Decides the stored payment method for a registration costing `total_minor`. Without a
/// choice, paying later is assumed where allowed, else card.
pub(super) fn payment_method(
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
