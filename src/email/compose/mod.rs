//! Building emails from the database and writing them to the outbox, inside the caller's
//! transaction.
//!
//! - `registration`: the email of each kind about one registration.
//! - `message`: staff's messages to attendees.
//! - `outbox`: rendering and writing one email.
//! - `format`: times, amounts and calendar files as emails and staff pages show them.

use chrono::{DateTime, Utc};

use super::EmailKind;
use crate::context::Ctx;
use crate::core::job::Scheduled;
use crate::db::events::{self, EventRow};
use crate::db::registrations::{self as regs, RegistrationRow};
use crate::db::{Tx, staff};
use crate::domain::{RegistrationStatus, TimeZone};

mod format;
mod message;
mod outbox;
mod registration;

use format::zone_of;
pub use format::{
    event_when, event_when_in, local_time, local_time_in, money, registration_calendar,
};
pub use message::{StaffMessage, message_preview, queue_message};
pub use outbox::Envelope;
pub(crate) use outbox::{insert, insert_bulk};
use registration::registration_email;

/// Details that only some emails show.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// Why (cancellations, rejections).
    pub reason: String,
    /// For reminders: how many days before the start (0 = today).
    pub reminder_days: Option<i64>,
    /// For event changes: the old start, end and zone.
    pub previous_span: Option<(DateTime<Utc>, DateTime<Utc>, TimeZone)>,
    /// For event changes: the old place.
    pub previous_venue: String,
    /// For cancellations: the participant cancelled, so the event's policy says what is
    /// refunded.
    pub apply_policy: bool,
    /// For refunds: the amount given back, in minor units.
    pub refund_minor: Option<i64>,
}

impl Extra {
    /// `in 7 days`, `tomorrow`, in `lang` (reminders).
    fn reminder_when(&self, lang: &str) -> String {
        self.reminder_days
            .map(|days| crate::i18n::t_count(lang, "email-reminder-when", days))
            .unwrap_or_default()
    }

    /// The old time span, in `lang` (event changes).
    fn previous_when(&self, lang: &str) -> String {
        self.previous_span
            .map(|(s, e, zone)| crate::i18n::format::span(lang, s, e, zone))
            .unwrap_or_default()
    }
}

/// What an email about one registration is made from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub event: EventRow,
    pub registration: RegistrationRow,
    /// (participant name, offering key, offering name as registered).
    pub participants: Vec<(String, String, String)>,
    /// Check-in codes, in the order of `participants`.
    pub codes: Vec<Option<String>>,
    /// Amount paid so far, in minor units.
    pub paid: i64,
    /// Minors' guardians copied on the registration's emails: (request id, name, email,
    /// visitor's name).
    pub guardians: Vec<(i64, String, String, String)>,
}

impl Loaded {
    /// Reads everything about registration `id` inside the transaction.
    pub async fn read(tx: &mut Tx, registration_id: i64) -> anyhow::Result<Self> {
        let registration = regs::get_tx(tx, registration_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("registration {registration_id} vanished"))?;
        let event = events::lock(tx, registration.event_id).await?;
        let rows = regs::participants_tx(tx, registration_id).await?;
        let codes = rows.iter().map(|p| p.checkin_code.clone()).collect();
        let participants = rows
            .into_iter()
            .map(|p| (p.name, p.offering_key, p.offering_name))
            .collect();
        let paid = regs::paid_minor_tx(tx, registration_id).await?;
        let guardians = if event.is_exchange() {
            crate::db::guardians::copies_tx(tx, registration_id).await?
        } else {
            Vec::new()
        };
        Ok(Self {
            event,
            registration,
            participants,
            codes,
            paid,
            guardians,
        })
    }
}

/// The language of emails to the contact of `reg`: theirs, when a catalogue speaks it.
pub fn contact_language(reg: &RegistrationRow) -> &'static str {
    crate::i18n::supported(&reg.language).unwrap_or("en")
}

/// Queues an email of `kind` to the contact of registration `registration_id`, unless one
/// with `dedupe_key` exists. Confirmations carry the calendar file.
pub async fn queue_registration_email(
    ctx: &Ctx,
    tx: &mut Tx,
    kind: EmailKind,
    registration_id: i64,
    dedupe_key: &str,
    extra: &Extra,
) -> anyhow::Result<Vec<Scheduled>> {
    let data = Loaded::read(tx, registration_id).await?;
    queue_loaded(ctx, tx, kind, &data, dedupe_key, extra).await
}

/// Like [`queue_registration_email`], from data the caller already has in hand. A minor's
/// guardian gets a copy (once per address, unless the guardian is the contact).
pub async fn queue_loaded(
    ctx: &Ctx,
    tx: &mut Tx,
    kind: EmailKind,
    data: &Loaded,
    dedupe_key: &str,
    extra: &Extra,
) -> anyhow::Result<Vec<Scheduled>> {
    let (event, reg) = (&data.event, &data.registration);
    let lang = contact_language(reg);
    let mut email = registration_email(ctx, kind, data, extra, lang)?;
    let ics = (kind == EmailKind::Confirmed)
        .then(|| registration_calendar(ctx, event, reg, &email.common().manage_url));
    let to = Envelope {
        dedupe_key,
        recipient: &reg.contact_email,
        registration_id: Some(reg.id),
        event_id: Some(event.id),
        ics,
        send_at: None,
    };
    let mut jobs: Vec<Scheduled> = insert(ctx, tx, &email, &to).await?.into_iter().collect();
    let mut copied: Vec<&str> = vec![&reg.contact_email];
    // The link that confirms the contact's address is the contact's to follow, not a copy's.
    if let super::render::Email::Received(received) = &mut email {
        received.confirm_url.clear();
    }
    for (id, name, address, visitor) in &data.guardians {
        if copied.iter().any(|c| c.eq_ignore_ascii_case(address)) {
            continue;
        }
        copied.push(address);
        let common = email.common_mut();
        common.recipient_name.clone_from(name);
        common.copy_note =
            crate::i18n::t_with(lang, "email-copy-guardian", &[("visitor", visitor)]);
        let key = format!("{dedupe_key}:guardian:{id}");
        let copy = Envelope {
            dedupe_key: &key,
            recipient: address,
            ..to.clone()
        };
        jobs.extend(insert(ctx, tx, &email, &copy).await?);
    }
    Ok(jobs)
}

/// Tells every reviewing staff member that registration `registration_id` awaits approval.
pub async fn queue_staff_approval_emails(
    ctx: &Ctx,
    tx: &mut Tx,
    registration_id: i64,
    dedupe_prefix: &str,
) -> anyhow::Result<Vec<Scheduled>> {
    let data = Loaded::read(tx, registration_id).await?;
    let (event, reg) = (&data.event, &data.registration);
    // Staff read English (issue 8 leaves the console untranslated).
    let mut email = registration_email(
        ctx,
        EmailKind::ApprovalNeeded,
        &data,
        &Extra::default(),
        "en",
    )?;
    email.common_mut().manage_url = String::new();
    let mut jobs = Vec::new();
    for (staff_id, address) in staff::reviewers_tx(tx).await? {
        email.common_mut().recipient_name.clone_from(&address);
        let key = format!("{dedupe_prefix}:staff:{staff_id}");
        let to = Envelope {
            dedupe_key: &key,
            recipient: &address,
            registration_id: Some(reg.id),
            event_id: Some(event.id),
            ..Envelope::default()
        };
        jobs.extend(insert(ctx, tx, &email, &to).await?);
    }
    Ok(jobs)
}

/// Queues an email of `kind` (event changed or cancelled) to every registration of the event
/// that is still live; `dedupe_prefix` identifies this change.
pub async fn queue_event_email(
    ctx: &Ctx,
    tx: &mut Tx,
    kind: EmailKind,
    event_id: i64,
    dedupe_prefix: &str,
    extra: &Extra,
) -> anyhow::Result<Vec<Scheduled>> {
    let live = [
        RegistrationStatus::AwaitingApproval,
        RegistrationStatus::PendingPayment,
        RegistrationStatus::Waitlisted,
        RegistrationStatus::Offered,
        RegistrationStatus::Confirmed,
    ];
    let mut jobs = Vec::new();
    for id in regs::ids_in_states_tx(tx, event_id, &live).await? {
        let key = format!("{dedupe_prefix}:{id}");
        jobs.extend(queue_registration_email(ctx, tx, kind, id, &key, extra).await?);
    }
    Ok(jobs)
}

/// The time and place of an event before a change (for `event_changed`).
pub fn previous(event: &EventRow) -> Extra {
    Extra {
        previous_span: Some((event.starts_at, event.ends_at, zone_of(event))),
        previous_venue: event.venue.clone(),
        ..Extra::default()
    }
}
