//! The email of each kind about one registration, from what is on record.

use super::super::render::{self as r, Booking, CheckinCode, Common, Email, paragraphs};
use super::{Extra, Loaded, event_when_in, local_time_in};
use crate::context::Ctx;
use crate::domain::{EmailKind, RegistrationStatus};

/// What every email about the registration in `data` shows, in `lang`; staff's per-event text
/// when `custom`.
pub(super) fn booking(ctx: &Ctx, data: &Loaded, lang: &str, custom: bool) -> Booking {
    let (event, reg) = (&data.event, &data.registration);
    let text = event.text_in(lang);
    Booking {
        common: Common {
            org_name: ctx.settings.org_name.clone(),
            language: lang.to_owned(),
            recipient_name: reg.contact_name.clone(),
            copy_note: String::new(),
            custom_paragraphs: if custom {
                paragraphs(&text.email_text)
            } else {
                Vec::new()
            },
            manage_url: ctx.manage_url(&reg.token),
            event_title: text.title.clone(),
            event_when: event_when_in(lang, event),
        },
        event_venue: event.venue.clone(),
        participants: data
            .participants
            .iter()
            .map(|(name, key, offering)| {
                (name.clone(), text.offering_name(key, offering).to_owned())
            })
            .collect(),
    }
}

/// The email of `kind` about the registration in `data`, in `lang`.
pub(super) fn registration_email(
    ctx: &Ctx,
    kind: EmailKind,
    data: &Loaded,
    extra: &Extra,
    lang: &str,
) -> anyhow::Result<Email> {
    let (event, reg, paid) = (&data.event, &data.registration, data.paid);
    let money = |minor: i64| crate::i18n::format::money(lang, minor, &reg.currency);
    let custom = matches!(kind, EmailKind::Confirmed | EmailKind::Reminder);
    let booking = booking(ctx, data, lang, custom);
    let base = ctx.settings.base_url();
    let hold_until = || {
        reg.hold_expires_at
            .map(|t| local_time_in(lang, t, event))
            .unwrap_or_default()
    };
    let amount_due = || money((reg.total_minor - paid).max(0));
    let refund_text = || refund_text(ctx, kind, data, extra, lang);
    let pay = || how_to_pay(ctx, reg);
    Ok(match kind {
        EmailKind::Received => Email::Received(r::Received {
            awaiting_approval: reg.status == RegistrationStatus::AwaitingApproval,
            hold_until: hold_until(),
            amount_due: amount_due(),
            pay: pay(),
            ..address_confirmation(&base, data, lang, booking)
        }),
        EmailKind::Confirmed => Email::Confirmed(r::Confirmed {
            booking,
            paid: paid > 0,
            amount_paid: money(paid),
            checkin: data
                .participants
                .iter()
                .zip(&data.codes)
                .filter_map(|((name, _, _), code)| code.as_ref().map(|c| CheckinCode::new(name, c)))
                .collect(),
        }),
        EmailKind::Waitlisted => Email::Waitlisted(booking),
        EmailKind::Offer => Email::Offer(r::Offer {
            booking,
            offer_until: reg
                .offer_expires_at
                .map(|t| local_time_in(lang, t, event))
                .unwrap_or_default(),
            offer_url: format!("{base}/offers/{}", reg.token),
        }),
        EmailKind::OfferExpired => Email::OfferExpired(booking),
        EmailKind::PaymentDue => Email::PaymentDue(r::PaymentDue {
            booking,
            amount_due: amount_due(),
            hold_until: hold_until(),
            pay: pay(),
        }),
        EmailKind::HoldExpired => Email::HoldExpired(r::HoldExpired {
            booking,
            hold_until: hold_until(),
        }),
        EmailKind::Reminder => Email::Reminder(r::Reminder {
            booking,
            reminder_when: extra.reminder_when(lang),
        }),
        EmailKind::Cancelled => Email::Cancelled(r::Cancelled {
            booking,
            reason: extra.reason.clone(),
            paid: paid > 0,
            refund_text: refund_text(),
        }),
        EmailKind::Rejected => Email::Rejected(r::Rejected {
            booking,
            reason: extra.reason.clone(),
        }),
        EmailKind::EventChanged => Email::EventChanged(r::EventChanged {
            booking,
            previous_when: extra.previous_when(lang),
            previous_venue: extra.previous_venue.clone(),
        }),
        EmailKind::EventCancelled => Email::EventCancelled(r::EventCancelled {
            booking,
            paid: paid > 0,
            refund_text: refund_text(),
        }),
        EmailKind::ApprovalNeeded => Email::ApprovalNeeded(r::ApprovalNeeded {
            booking,
            contact_name: reg.contact_name.clone(),
            contact_email: reg.contact_email.clone(),
            staff_url: format!("{base}/staff/registrations/{}", reg.id),
        }),
        EmailKind::Refunded => Email::Refunded(r::Refunded {
            booking,
            reason: extra.reason.clone(),
            refund_text: refund_text(),
        }),
        // Messages, matches and guardians' requests carry more than a registration.
        _ => anyhow::bail!("a {kind} email is not written from a registration's state"),
    })
}

/// How registration `reg` pays what is due: by card on its page, or later with its payment
/// reference and the association's instructions.
fn how_to_pay(ctx: &Ctx, reg: &crate::db::registrations::RegistrationRow) -> r::HowToPay {
    if reg.payment_method == crate::domain::PaymentMethod::Card {
        return r::HowToPay {
            by_card: true,
            ..r::HowToPay::default()
        };
    }
    r::HowToPay {
        by_card: false,
        reference: crate::domain::reference::payment_reference(reg.id),
        instructions: ctx.settings.payment_instructions(),
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

/// The `received` email's link that confirms the contact's address and the time the seats are
/// kept until once it is followed (no link for a confirmed address).
fn address_confirmation(base: &str, data: &Loaded, lang: &str, booking: Booking) -> r::Received {
    let (event, reg) = (&data.event, &data.registration);
    r::Received {
        booking,
        confirm_url: reg
            .email_confirm_code
            .as_ref()
            .filter(|_| reg.status == RegistrationStatus::PendingPayment)
            .map(|code| format!("{base}/r/{}/confirm-email?code={code}", reg.token))
            .unwrap_or_default(),
        keep_until: local_time_in(
            lang,
            reg.created_at + chrono::Duration::minutes(event.hold_minutes),
            event,
        ),
        ..r::Received::default()
    }
}
