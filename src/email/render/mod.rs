//! Rendering emails from data: one struct per folder of `email-templates/`, holding only what
//! that email shows, and a pure function from it to a subject, a plain-text part and an HTML
//! part. Adding an email kind: a folder, a struct in `kinds.rs`, a line in `emails!`, and the kind in
//! `domain::outbox`.

use askama::Template;

use super::EmailKind;

mod kinds;
mod parts;
mod qr;

pub use kinds::{
    ApprovalNeeded, Cancelled, Confirmed, EventCancelled, EventChanged, GuardianRequest,
    HoldExpired, HowToPay, MatchArrival, Message, Offer, PaymentDue, Received, Refunded, Rejected,
    Reminder,
};
pub use parts::{Booking, Common, MatchNotice};
pub use qr::CheckinCode;

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Declares each email: its kind, the struct it is rendered from, and the subject, text and
/// html templates of its folder in `email-templates/`.
macro_rules! emails {
    ($($kind:ident($ty:ident): $subject:ident $text:ident $html:ident = $subject_path:literal $text_path:literal $html_path:literal;)*) => {
        $(
            #[derive(Template)]
            #[template(path = $subject_path)]
            struct $subject<'a> { m: &'a $ty }
            #[derive(Template)]
            #[template(path = $text_path)]
            struct $text<'a> { m: &'a $ty }
            #[derive(Template)]
            #[template(path = $html_path)]
            struct $html<'a> { m: &'a $ty }
        )*

        /// One email, ready to render: a kind and the values its templates show.
        #[derive(Debug, Clone)]
        pub enum Email {
            $($kind($ty),)*
        }

        impl Email {
            /// Which email this is.
            pub fn kind(&self) -> EmailKind {
                match self {
                    $(Self::$kind(_) => EmailKind::$kind,)*
                }
            }

            /// What the layout shows.
            pub fn common(&self) -> &Common {
                match self {
                    $(Self::$kind(m) => m,)*
                }
            }

            /// What the layout shows, to change for another recipient.
            pub fn common_mut(&mut self) -> &mut Common {
                match self {
                    $(Self::$kind(m) => m,)*
                }
            }

            /// Subject, plain text and HTML.
            pub fn render(&self) -> Result<Rendered, askama::Error> {
                match self {
                    $(Self::$kind(m) => Ok(Rendered {
                        subject: one_line(&$subject { m }.render()?),
                        text: $text { m }.render()?,
                        html: $html { m }.render()?,
                    }),)*
                }
            }

            /// An email of `kind` with only `common` filled in.
            #[cfg(test)]
            fn blank(kind: EmailKind, common: Common) -> Self {
                let mut email = match kind {
                    $(EmailKind::$kind => Self::$kind(Default::default()),)*
                };
                *email.common_mut() = common;
                email
            }
        }
    };
}

emails! {
    Received(Received): ReceivedSubject ReceivedText ReceivedHtml = "received/subject.txt" "received/email.txt" "received/email.html";
    Confirmed(Confirmed): ConfirmedSubject ConfirmedText ConfirmedHtml = "confirmed/subject.txt" "confirmed/email.txt" "confirmed/email.html";
    Waitlisted(Booking): WaitlistedSubject WaitlistedText WaitlistedHtml = "waitlisted/subject.txt" "waitlisted/email.txt" "waitlisted/email.html";
    Offer(Offer): OfferSubject OfferText OfferHtml = "offer/subject.txt" "offer/email.txt" "offer/email.html";
    OfferExpired(Booking): OfferExpiredSubject OfferExpiredText OfferExpiredHtml = "offer_expired/subject.txt" "offer_expired/email.txt" "offer_expired/email.html";
    PaymentDue(PaymentDue): PaymentDueSubject PaymentDueText PaymentDueHtml = "payment_due/subject.txt" "payment_due/email.txt" "payment_due/email.html";
    HoldExpired(HoldExpired): HoldExpiredSubject HoldExpiredText HoldExpiredHtml = "hold_expired/subject.txt" "hold_expired/email.txt" "hold_expired/email.html";
    Reminder(Reminder): ReminderSubject ReminderText ReminderHtml = "reminder/subject.txt" "reminder/email.txt" "reminder/email.html";
    Cancelled(Cancelled): CancelledSubject CancelledText CancelledHtml = "cancelled/subject.txt" "cancelled/email.txt" "cancelled/email.html";
    Rejected(Rejected): RejectedSubject RejectedText RejectedHtml = "rejected/subject.txt" "rejected/email.txt" "rejected/email.html";
    EventChanged(EventChanged): EventChangedSubject EventChangedText EventChangedHtml = "event_changed/subject.txt" "event_changed/email.txt" "event_changed/email.html";
    EventCancelled(EventCancelled): EventCancelledSubject EventCancelledText EventCancelledHtml = "event_cancelled/subject.txt" "event_cancelled/email.txt" "event_cancelled/email.html";
    ApprovalNeeded(ApprovalNeeded): ApprovalNeededSubject ApprovalNeededText ApprovalNeededHtml = "approval_needed/subject.txt" "approval_needed/email.txt" "approval_needed/email.html";
    Message(Message): MessageSubject MessageText MessageHtml = "message/subject.txt" "message/email.txt" "message/email.html";
    Refunded(Refunded): RefundedSubject RefundedText RefundedHtml = "refunded/subject.txt" "refunded/email.txt" "refunded/email.html";
    MatchProposed(MatchNotice): MatchProposedSubject MatchProposedText MatchProposedHtml = "match_proposed/subject.txt" "match_proposed/email.txt" "match_proposed/email.html";
    MatchOffered(MatchNotice): MatchOfferedSubject MatchOfferedText MatchOfferedHtml = "match_offered/subject.txt" "match_offered/email.txt" "match_offered/email.html";
    MatchConfirmed(MatchNotice): MatchConfirmedSubject MatchConfirmedText MatchConfirmedHtml = "match_confirmed/subject.txt" "match_confirmed/email.txt" "match_confirmed/email.html";
    MatchReminder(MatchNotice): MatchReminderSubject MatchReminderText MatchReminderHtml = "match_reminder/subject.txt" "match_reminder/email.txt" "match_reminder/email.html";
    MatchArrival(MatchArrival): MatchArrivalSubject MatchArrivalText MatchArrivalHtml = "match_arrival/subject.txt" "match_arrival/email.txt" "match_arrival/email.html";
    MatchWithdrawn(MatchNotice): MatchWithdrawnSubject MatchWithdrawnText MatchWithdrawnHtml = "match_withdrawn/subject.txt" "match_withdrawn/email.txt" "match_withdrawn/email.html";
    GuardianRequest(GuardianRequest): GuardianRequestSubject GuardianRequestText GuardianRequestHtml = "guardian_request/subject.txt" "guardian_request/email.txt" "guardian_request/email.html";
    MatchClosed(MatchNotice): MatchClosedSubject MatchClosedText MatchClosedHtml = "match_closed/subject.txt" "match_closed/email.txt" "match_closed/email.html";
}

impl Email {
    /// The email about a match of `kind` other than `match_arrival` (which also says when
    /// the stay begins); `None` for any other kind.
    pub fn match_notice(kind: EmailKind, notice: MatchNotice) -> Option<Self> {
        Some(match kind {
            EmailKind::MatchProposed => Self::MatchProposed(notice),
            EmailKind::MatchOffered => Self::MatchOffered(notice),
            EmailKind::MatchConfirmed => Self::MatchConfirmed(notice),
            EmailKind::MatchReminder => Self::MatchReminder(notice),
            EmailKind::MatchWithdrawn => Self::MatchWithdrawn(notice),
            EmailKind::MatchClosed => Self::MatchClosed(notice),
            _ => return None,
        })
    }
}

/// Subjects are one line: newlines from templates (or data) would break the header.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits staff's custom text into paragraphs (blank lines separate them).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| {
            p.lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
                .trim()
                .to_owned()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn common() -> Common {
        Common {
            org_name: "Toledo Sister Cities".into(),
            language: "en".into(),
            recipient_name: "Ana <García>".into(),
            event_title: "Festival & Gala".into(),
            event_when: "Sunday 1 June 2031, 18:00–23:00 (Europe/Madrid)".into(),
            manage_url: "https://example.org/r/TOKEN".into(),
            custom_paragraphs: paragraphs("Bring a coat.\n\nParking is at the\nback."),
            ..Common::default()
        }
    }

    #[test]
    fn every_email_renders_with_subject_text_and_html() {
        for kind in EmailKind::ALL {
            let email = Email::blank(*kind, common());
            assert_eq!(email.kind(), *kind);
            let r = email.render().unwrap();
            assert!(
                r.subject.contains("Festival & Gala"),
                "{kind}: {}",
                r.subject
            );
            assert!(!r.subject.contains('\n'));
            assert!(
                r.text.contains("Hello Ana <García>,"),
                "{kind}: text is not escaped"
            );
            assert!(
                r.html.contains("Hello Ana &#60;García&#62;,")
                    || r.html.contains("Hello Ana &lt;García&gt;,"),
                "{kind}: html is escaped: {}",
                r.html
            );
            assert!(
                r.html.contains("Bring a coat.") && r.text.contains("Parking is at the back."),
                "{kind}: custom text"
            );
        }
    }

    #[test]
    fn the_offer_email_carries_the_claim_link() {
        let email = Email::Offer(Offer {
            booking: Booking {
                common: common(),
                participants: vec![("Ana".into(), "Adult".into())],
                ..Booking::default()
            },
            offer_url: "https://example.org/offers/TOKEN".into(),
            ..Offer::default()
        });
        let r = email.render().unwrap();
        assert!(r.text.contains("https://example.org/offers/TOKEN"));
        assert!(r.html.contains("href=\"https://example.org/offers/TOKEN\""));
        assert!(r.text.contains("- Ana (Adult)"));
    }

    #[test]
    fn a_registration_under_review_is_not_asked_to_pay() {
        let received = |awaiting_approval| {
            Email::Received(Received {
                booking: Booking {
                    common: common(),
                    ..Booking::default()
                },
                awaiting_approval,
                amount_due: "25.00 EUR".into(),
                hold_until: "Monday".into(),
                ..Received::default()
            })
            .render()
            .unwrap()
        };
        assert!(!received(true).text.contains("25.00 EUR"));
        assert!(received(false).text.contains("25.00 EUR"));
    }

    #[test]
    fn custom_text_keeps_paragraphs() {
        assert_eq!(
            paragraphs("One\nline.\n\n\nTwo."),
            vec!["One line.", "Two."]
        );
        assert!(paragraphs("  \n ").is_empty());
    }
}
