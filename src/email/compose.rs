//! Building emails from the database and writing them to the outbox, inside the caller's
//! transaction.

use chrono::{DateTime, Utc};

use super::EmailKind;
use super::ics::{CalendarEntry, calendar_file};
use super::render::{CheckinCode, MailContext, paragraphs, render};
use crate::context::Ctx;
use crate::core::job::{Scheduled, SendEmail};
use crate::db::events::{self, EventRow};
use crate::db::outbox::{self, NewOutboxRow};
use crate::db::registrations::{self as regs, RegistrationRow};
use crate::db::{Tx, staff};
use crate::domain::{OutboxStatus, TimeZone, token};

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

/// Formats an event's time span in its zone for staff, e.g.
/// `Sunday 1 June 2031, 18:00–23:00 (Europe/Madrid)`.
pub fn event_when(event: &EventRow) -> String {
    event_when_in("en", event)
}

/// Formats an event's time span in its zone in `lang`.
pub fn event_when_in(lang: &str, event: &EventRow) -> String {
    crate::i18n::format::span(lang, event.starts_at, event.ends_at, zone_of(event))
}

fn zone_of(event: &EventRow) -> TimeZone {
    TimeZone::parse(&event.timezone).unwrap_or(TimeZone(chrono_tz::UTC))
}

/// Formats a moment in the event's zone for staff, e.g.
/// `Monday 1 March 2027, 19:00 (America/New_York)`.
pub fn local_time(t: DateTime<Utc>, event: &EventRow) -> String {
    local_time_in("en", t, event)
}

/// Formats a moment in the event's zone in `lang`.
pub fn local_time_in(lang: &str, t: DateTime<Utc>, event: &EventRow) -> String {
    crate::i18n::format::moment(lang, t, zone_of(event))
}

/// The calendar file of a registration: one entry whose UID is fixed per registration, so a
/// second download or email updates the entry instead of adding another.
/// The entry's title is the event's in the registration's language.
pub fn registration_calendar(
    ctx: &Ctx,
    event: &EventRow,
    reg: &RegistrationRow,
    url: &str,
) -> String {
    let registration_id = reg.id;
    let title = crate::db::events::text_in(event, contact_language(reg)).title;
    let uid = format!(
        "registration-{}@{}",
        registration_id,
        ctx.settings
            .base_url()
            .trim_start_matches("https://")
            .trim_start_matches("http://")
    );
    calendar_file(&CalendarEntry {
        uid: &uid,
        title: &title,
        description: url,
        venue: &event.venue,
        url,
        starts_at: event.starts_at,
        ends_at: event.ends_at,
        timezone: TimeZone::parse(&event.timezone).map_or(chrono_tz::UTC, |z| z.0),
    })
}

/// Formats an amount in minor units for staff and the API, e.g. `25.00 EUR`.
pub fn money(amount_minor: i64, currency: &str) -> String {
    crate::i18n::format::money("en", amount_minor, currency)
}

/// A new Message-ID, fixed for the life of the outbox row.
fn message_id(ctx: &Ctx) -> String {
    let domain = ctx
        .settings
        .mail_from
        .rsplit_once('@')
        .map_or("localhost", |(_, d)| d.trim_end_matches('>').trim());
    format!("<{}@{}>", token::generate(), domain)
}

/// Writes one rendered message; returns the delivery job when mail is being sent.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert(
    ctx: &Ctx,
    tx: &mut Tx,
    kind: EmailKind,
    dedupe_key: &str,
    recipient: &str,
    language: &str,
    registration_id: Option<i64>,
    event_id: Option<i64>,
    m: &MailContext,
    ics: Option<String>,
    send_at: Option<DateTime<Utc>>,
) -> anyhow::Result<Option<Scheduled>> {
    let rendered = render(kind, m).map_err(|e| anyhow::anyhow!("rendering {kind} email: {e}"))?;
    let status = if ctx.mailer.is_some() {
        OutboxStatus::Queued
    } else {
        OutboxStatus::Held
    };
    let now = ctx.clock.now();
    let id = outbox::insert(
        tx,
        &NewOutboxRow {
            dedupe_key,
            kind,
            recipient,
            language,
            registration_id,
            event_id,
            subject: &rendered.subject,
            body_text: &rendered.text,
            body_html: &rendered.html,
            ics: ics.as_deref(),
            message_id: &message_id(ctx),
            status,
            send_at,
        },
        now,
    )
    .await?;
    Ok(match id {
        Some(outbox_id) if status == OutboxStatus::Queued => Some(Scheduled {
            job: SendEmail { outbox_id }.into(),
            run_at: send_at.unwrap_or(now),
        }),
        _ => None,
    })
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

fn registration_context(
    ctx: &Ctx,
    kind: EmailKind,
    data: &Loaded,
    extra: &Extra,
    lang: &str,
) -> MailContext {
    let (event, reg, paid) = (&data.event, &data.registration, data.paid);
    let money = |minor: i64| crate::i18n::format::money(lang, minor, &reg.currency);
    let custom = matches!(kind, EmailKind::Confirmed | EmailKind::Reminder);
    let base = ctx.settings.base_url();
    let text = crate::db::events::text_in(event, lang);
    MailContext {
        org_name: ctx.settings.org_name.clone(),
        language: lang.to_owned(),
        recipient_name: reg.contact_name.clone(),
        contact_name: reg.contact_name.clone(),
        contact_email: reg.contact_email.clone(),
        status: reg.status.to_string(),
        event_title: text.title.clone(),
        event_when: event_when_in(lang, event),
        event_venue: event.venue.clone(),
        participants: data
            .participants
            .iter()
            .map(|(name, key, offering)| {
                (name.clone(), text.offering_name(key, offering).to_owned())
            })
            .collect(),
        checkin: if kind == EmailKind::Confirmed {
            data.participants
                .iter()
                .zip(&data.codes)
                .filter_map(|((name, _, _), code)| code.as_ref().map(|c| CheckinCode::new(name, c)))
                .collect()
        } else {
            Vec::new()
        },
        amount_total: money(reg.total_minor),
        amount_paid: money(paid),
        amount_due: money((reg.total_minor - paid).max(0)),
        paid: paid > 0,
        hold_until: reg
            .hold_expires_at
            .map(|t| local_time_in(lang, t, event))
            .unwrap_or_default(),
        offer_until: reg
            .offer_expires_at
            .map(|t| local_time_in(lang, t, event))
            .unwrap_or_default(),
        manage_url: ctx.manage_url(&reg.token),
        offer_url: format!("{base}/offers/{}", reg.token),
        staff_url: format!("{base}/staff/registrations/{}", reg.id),
        custom_paragraphs: if custom {
            paragraphs(&text.email_text)
        } else {
            Vec::new()
        },
        reason: extra.reason.clone(),
        refund_text: refund_text(ctx, kind, data, extra, lang),
        reminder_when: extra
            .reminder_days
            .map(|days| crate::i18n::t_count(lang, "email-reminder-when", days))
            .unwrap_or_default(),
        previous_when: extra
            .previous_span
            .map(|(s, e, zone)| crate::i18n::format::span(lang, s, e, zone))
            .unwrap_or_default(),
        previous_venue: extra.previous_venue.clone(),
        message_subject: String::new(),
        message_paragraphs: Vec::new(),
        lines: Vec::new(),
        action_url: String::new(),
        deadline: String::new(),
        copy_note: String::new(),
        visitor_name: String::new(),
    }
}

/// What a cancellation email says about the money paid (shown when something was paid).
fn refund_text(ctx: &Ctx, kind: EmailKind, data: &Loaded, extra: &Extra, lang: &str) -> String {
    let currency = &data.registration.currency;
    let money = |minor: i64| crate::i18n::format::money(lang, minor, currency);
    let paid = money(data.paid);
    let refund = if let Some(minor) = extra.refund_minor {
        return crate::i18n::t_with(
            lang,
            "email-refunded",
            &[("refund", &money(minor)), ("paid", &money(data.paid))],
        );
    } else if kind == EmailKind::EventCancelled {
        data.paid
    } else if extra.apply_policy {
        data.event
            .policy()
            .refund_for(data.paid, data.event.starts_at, ctx.clock.now())
    } else {
        return crate::i18n::t_with(lang, "email-paid-refund", &[("amount", &paid)]);
    };
    let key = match refund {
        r if r >= data.paid => "email-refund-full",
        0 => "email-refund-none",
        _ => "email-refund-part",
    };
    crate::i18n::t_with(lang, key, &[("amount", &paid), ("refund", &money(refund))])
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
    let mut m = registration_context(ctx, kind, data, extra, lang);
    let ics = (kind == EmailKind::Confirmed)
        .then(|| registration_calendar(ctx, event, reg, &m.manage_url));
    let mut jobs: Vec<Scheduled> = insert(
        ctx,
        tx,
        kind,
        dedupe_key,
        &reg.contact_email,
        lang,
        Some(reg.id),
        Some(event.id),
        &m,
        ics.clone(),
        None,
    )
    .await?
    .into_iter()
    .collect();
    let mut copied: Vec<&str> = vec![&reg.contact_email];
    for (id, name, email, visitor) in &data.guardians {
        if copied.iter().any(|c| c.eq_ignore_ascii_case(email)) {
            continue;
        }
        copied.push(email);
        m.recipient_name.clone_from(name);
        m.copy_note = crate::i18n::t_with(lang, "email-copy-guardian", &[("visitor", visitor)]);
        jobs.extend(
            insert(
                ctx,
                tx,
                kind,
                &format!("{dedupe_key}:guardian:{id}"),
                email,
                lang,
                Some(reg.id),
                Some(event.id),
                &m,
                ics.clone(),
                None,
            )
            .await?,
        );
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
    let mut m = registration_context(
        ctx,
        EmailKind::ApprovalNeeded,
        &data,
        &Extra::default(),
        "en",
    );
    m.manage_url = String::new();
    let mut jobs = Vec::new();
    for (staff_id, email) in staff::reviewers_tx(tx).await? {
        m.recipient_name = email.clone();
        let key = format!("{dedupe_prefix}:staff:{staff_id}");
        jobs.extend(
            insert(
                ctx,
                tx,
                EmailKind::ApprovalNeeded,
                &key,
                &email,
                "en",
                Some(reg.id),
                Some(event.id),
                &m,
                None,
                None,
            )
            .await?,
        );
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
        "awaiting_approval",
        "pending_payment",
        "waitlisted",
        "offered",
        "confirmed",
    ];
    let mut jobs = Vec::new();
    for id in regs::ids_in_states_tx(tx, event_id, &live).await? {
        let key = format!("{dedupe_prefix}:{id}");
        jobs.extend(queue_registration_email(ctx, tx, kind, id, &key, extra).await?);
    }
    Ok(jobs)
}

/// A message from staff to attendees.
#[derive(Debug, Clone)]
pub struct StaffMessage {
    pub subject: String,
    pub body: String,
}

/// Renders message `message` as registration `registration_id`'s contact would receive it.
pub async fn message_preview(
    ctx: &Ctx,
    tx: &mut Tx,
    registration_id: i64,
    message: &StaffMessage,
) -> anyhow::Result<(String, super::render::Rendered)> {
    let data = Loaded::read(tx, registration_id).await?;
    let m = message_context(ctx, &data, message);
    let rendered = render(EmailKind::Message, &m)
        .map_err(|e| anyhow::anyhow!("rendering message email: {e}"))?;
    Ok((data.registration.contact_email.clone(), rendered))
}

fn message_context(ctx: &Ctx, data: &Loaded, message: &StaffMessage) -> MailContext {
    let mut m = registration_context(
        ctx,
        EmailKind::Message,
        data,
        &Extra::default(),
        contact_language(&data.registration),
    );
    m.message_subject = message.subject.clone();
    m.message_paragraphs = paragraphs(&message.body);
    m
}

/// Queues message `message` to the contact of registration `registration_id`, not before
/// `send_at`, once per `dedupe_key`.
pub async fn queue_message(
    ctx: &Ctx,
    tx: &mut Tx,
    registration_id: i64,
    message: &StaffMessage,
    dedupe_key: &str,
    send_at: DateTime<Utc>,
) -> anyhow::Result<Option<Scheduled>> {
    let data = Loaded::read(tx, registration_id).await?;
    let m = message_context(ctx, &data, message);
    let reg = &data.registration;
    insert(
        ctx,
        tx,
        EmailKind::Message,
        dedupe_key,
        &reg.contact_email,
        contact_language(reg),
        Some(reg.id),
        Some(data.event.id),
        &m,
        None,
        Some(send_at),
    )
    .await
}

/// The time and place of an event before a change (for `event_changed`).
pub fn previous(event: &EventRow) -> Extra {
    Extra {
        previous_span: Some((event.starts_at, event.ends_at, zone_of(event))),
        previous_venue: event.venue.clone(),
        ..Extra::default()
    }
}
