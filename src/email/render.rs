//! Rendering emails from data: a pure function from a [`MailContext`] and a kind to a
//! subject, a plain-text part and an HTML part (templates in `email-templates/`).

use askama::Template;

use super::EmailKind;

/// Everything any email template may show. Built from the database by the caller; rendering
/// itself touches nothing but this value.
#[derive(Debug, Clone, Default)]
pub struct MailContext {
    pub org_name: String,
    pub language: String,
    pub recipient_name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub status: String,
    pub event_title: String,
    /// e.g. `Sunday 1 June 2031, 18:00–23:00 (Europe/Madrid)`.
    pub event_when: String,
    pub event_venue: String,
    /// (participant name, offering name).
    pub participants: Vec<(String, String)>,
    pub amount_total: String,
    pub amount_paid: String,
    pub amount_due: String,
    /// Whether anything was paid.
    pub paid: bool,
    pub hold_until: String,
    pub offer_until: String,
    pub manage_url: String,
    pub offer_url: String,
    pub staff_url: String,
    /// Staff's per-event text, one string per paragraph.
    pub custom_paragraphs: Vec<String>,
    pub reason: String,
    /// For cancellations: what happens to the money paid.
    pub refund_text: String,
    /// For reminders: `in 7 days`, `tomorrow`.
    pub reminder_when: String,
    /// For event changes: what it was before.
    pub previous_when: String,
    pub previous_venue: String,
    /// Check-in codes with their QR codes (confirmations only).
    pub checkin: Vec<CheckinCode>,
    /// For messages from staff: the subject they wrote.
    pub message_subject: String,
    /// For messages from staff: their text, one string per paragraph.
    pub message_paragraphs: Vec<String>,
    /// For placements: the lines about the other side (a minimal profile before confirmation,
    /// the contact details after).
    pub lines: Vec<String>,
    /// For placements: where to answer.
    pub action_url: String,
    /// For placements: the time to answer by.
    pub deadline: String,
    /// Said first in a copy (to a minor's guardian, or to the minor when the guardian answers).
    pub copy_note: String,
    /// For a guardian's request: the visitor it is about.
    pub visitor_name: String,
}

impl MailContext {
    /// Message `key` in the email's language.
    pub fn t(&self, key: &str) -> String {
        crate::i18n::t(&self.language, key)
    }

    /// Message `key` in the email's language, with named values.
    pub fn t_with(&self, key: &str, args: &[(&'static str, &str)]) -> String {
        crate::i18n::t_with(&self.language, key, args)
    }

    /// Message `key` in the email's language for a number (plural forms).
    pub fn t_count(&self, key: &str, count: usize) -> String {
        crate::i18n::t_count(
            &self.language,
            key,
            i64::try_from(count).unwrap_or(i64::MAX),
        )
    }
}

/// A participant's check-in code and its QR code as rows of dark/light runs, so the HTML part
/// can draw it with a table: email clients block SVG, data URIs and often remote images. The
/// confirmation draws at most six; larger groups find theirs on the private page.
#[derive(Debug, Clone, Default)]
pub struct CheckinCode {
    pub name: String,
    pub code: String,
    /// Per row: (dark, run length) pairs.
    pub rows: Vec<Vec<(bool, usize)>>,
}

impl CheckinCode {
    /// The code of `name`, with its QR code.
    pub fn new(name: &str, code: &str) -> Self {
        let mut rows = Vec::new();
        if let Ok(qr) = qrcode::QrCode::new(code.as_bytes()) {
            let width = qr.width();
            let colors = qr.to_colors();
            let quiet = 2;
            let blank = vec![(false, width + 2 * quiet)];
            rows.extend(std::iter::repeat_n(blank.clone(), quiet));
            for line in colors.chunks(width) {
                let mut runs: Vec<(bool, usize)> = vec![(false, quiet)];
                for c in line {
                    let dark = *c == qrcode::Color::Dark;
                    match runs.last_mut() {
                        Some((d, n)) if *d == dark => *n += 1,
                        _ => runs.push((dark, 1)),
                    }
                }
                match runs.last_mut() {
                    Some((false, n)) => *n += quiet,
                    _ => runs.push((false, quiet)),
                }
                rows.push(runs);
            }
            rows.extend(std::iter::repeat_n(blank, quiet));
        }
        Self {
            name: name.to_owned(),
            code: code.to_owned(),
            rows,
        }
    }
}

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Declares the subject, text and html templates of each email folder.
macro_rules! templates {
    ($($kind:ident: $subject:ident $text:ident $html:ident = $subject_path:literal $text_path:literal $html_path:literal;)*) => {
        $(
            #[derive(Template)]
            #[template(path = $subject_path)]
            struct $subject<'a> { m: &'a MailContext }
            #[derive(Template)]
            #[template(path = $text_path)]
            struct $text<'a> { m: &'a MailContext }
            #[derive(Template)]
            #[template(path = $html_path)]
            struct $html<'a> { m: &'a MailContext }
        )*

        /// Renders one email.
        pub fn render(kind: EmailKind, m: &MailContext) -> Result<Rendered, askama::Error> {
            match kind {
                $(EmailKind::$kind => Ok(Rendered {
                    subject: one_line(&$subject { m }.render()?),
                    text: $text { m }.render()?,
                    html: $html { m }.render()?,
                }),)*
            }
        }
    };
}

templates! {
    Received: ReceivedSubject ReceivedText ReceivedHtml = "received/subject.txt" "received/email.txt" "received/email.html";
    Confirmed: ConfirmedSubject ConfirmedText ConfirmedHtml = "confirmed/subject.txt" "confirmed/email.txt" "confirmed/email.html";
    Waitlisted: WaitlistedSubject WaitlistedText WaitlistedHtml = "waitlisted/subject.txt" "waitlisted/email.txt" "waitlisted/email.html";
    Offer: OfferSubject OfferText OfferHtml = "offer/subject.txt" "offer/email.txt" "offer/email.html";
    OfferExpired: OfferExpiredSubject OfferExpiredText OfferExpiredHtml = "offer_expired/subject.txt" "offer_expired/email.txt" "offer_expired/email.html";
    PaymentDue: PaymentDueSubject PaymentDueText PaymentDueHtml = "payment_due/subject.txt" "payment_due/email.txt" "payment_due/email.html";
    HoldExpired: HoldExpiredSubject HoldExpiredText HoldExpiredHtml = "hold_expired/subject.txt" "hold_expired/email.txt" "hold_expired/email.html";
    Reminder: ReminderSubject ReminderText ReminderHtml = "reminder/subject.txt" "reminder/email.txt" "reminder/email.html";
    Cancelled: CancelledSubject CancelledText CancelledHtml = "cancelled/subject.txt" "cancelled/email.txt" "cancelled/email.html";
    Rejected: RejectedSubject RejectedText RejectedHtml = "rejected/subject.txt" "rejected/email.txt" "rejected/email.html";
    EventChanged: EventChangedSubject EventChangedText EventChangedHtml = "event_changed/subject.txt" "event_changed/email.txt" "event_changed/email.html";
    EventCancelled: EventCancelledSubject EventCancelledText EventCancelledHtml = "event_cancelled/subject.txt" "event_cancelled/email.txt" "event_cancelled/email.html";
    ApprovalNeeded: ApprovalNeededSubject ApprovalNeededText ApprovalNeededHtml = "approval_needed/subject.txt" "approval_needed/email.txt" "approval_needed/email.html";
    Message: MessageSubject MessageText MessageHtml = "message/subject.txt" "message/email.txt" "message/email.html";
    Refunded: RefundedSubject RefundedText RefundedHtml = "refunded/subject.txt" "refunded/email.txt" "refunded/email.html";
    MatchProposed: MatchProposedSubject MatchProposedText MatchProposedHtml = "match_proposed/subject.txt" "match_proposed/email.txt" "match_proposed/email.html";
    MatchOffered: MatchOfferedSubject MatchOfferedText MatchOfferedHtml = "match_offered/subject.txt" "match_offered/email.txt" "match_offered/email.html";
    MatchConfirmed: MatchConfirmedSubject MatchConfirmedText MatchConfirmedHtml = "match_confirmed/subject.txt" "match_confirmed/email.txt" "match_confirmed/email.html";
    MatchReminder: MatchReminderSubject MatchReminderText MatchReminderHtml = "match_reminder/subject.txt" "match_reminder/email.txt" "match_reminder/email.html";
    MatchArrival: MatchArrivalSubject MatchArrivalText MatchArrivalHtml = "match_arrival/subject.txt" "match_arrival/email.txt" "match_arrival/email.html";
    MatchWithdrawn: MatchWithdrawnSubject MatchWithdrawnText MatchWithdrawnHtml = "match_withdrawn/subject.txt" "match_withdrawn/email.txt" "match_withdrawn/email.html";
    GuardianRequest: GuardianRequestSubject GuardianRequestText GuardianRequestHtml = "guardian_request/subject.txt" "guardian_request/email.txt" "guardian_request/email.html";
    MatchClosed: MatchClosedSubject MatchClosedText MatchClosedHtml = "match_closed/subject.txt" "match_closed/email.txt" "match_closed/email.html";
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

    fn sample() -> MailContext {
        MailContext {
            org_name: "Toledo Sister Cities".into(),
            language: "en".into(),
            recipient_name: "Ana <García>".into(),
            event_title: "Festival & Gala".into(),
            event_when: "Sunday 1 June 2031, 18:00–23:00 (Europe/Madrid)".into(),
            participants: vec![("Ana".into(), "Adult".into())],
            manage_url: "https://example.org/r/TOKEN".into(),
            offer_url: "https://example.org/offers/TOKEN".into(),
            custom_paragraphs: paragraphs("Bring a coat.\n\nParking is at the\nback."),
            ..MailContext::default()
        }
    }

    #[test]
    fn every_email_renders_with_subject_text_and_html() {
        for kind in EmailKind::ALL {
            let r = render(*kind, &sample()).unwrap();
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
        let r = render(EmailKind::Offer, &sample()).unwrap();
        assert!(r.text.contains("https://example.org/offers/TOKEN"));
        assert!(r.html.contains("href=\"https://example.org/offers/TOKEN\""));
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
