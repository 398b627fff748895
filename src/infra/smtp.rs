//! SMTP delivery with lettre (pooled connections; STARTTLS, implicit TLS or plain).

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::db::outbox::OutboxRow;

/// Why a send failed, and whether trying again can help.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The server refused for good (5xx, e.g. unknown recipient). Do not retry.
    #[error("permanent: {0}")]
    Permanent(String),
    /// Connection refused, timeout, 4xx: retry later.
    #[error("temporary: {0}")]
    Temporary(String),
}

/// Sends outbox messages over SMTP.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    reply_to: Option<Mailbox>,
}

impl std::fmt::Debug for Mailer {
    // The transport holds credentials: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// Builds a mailer from `SMTP_URL`: `smtp://host:587` (STARTTLS required),
    /// `smtps://host:465` (implicit TLS), `smtp://host:25?tls=opportunistic`, or
    /// `smtp://host:25?tls=none` (plain; local relays and tests). Credentials go in the URL:
    /// `smtp://user:password@host`.
    pub fn new(
        smtp_url: &str,
        from: &str,
        reply_to: Option<&str>,
        pool_size: u32,
    ) -> anyhow::Result<Self> {
        let url = normalise_url(smtp_url);
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| anyhow::anyhow!("SMTP_URL is not usable: {e}"))?
            .timeout(Some(Duration::from_secs(30)))
            .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(pool_size))
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("TWINNING_MAIL_FROM is not an address: {e}"))?;
        let reply_to =
            match reply_to {
                Some(r) => Some(r.parse().map_err(|e| {
                    anyhow::anyhow!("TWINNING_MAIL_REPLY_TO is not an address: {e}")
                })?),
                None => None,
            };
        Ok(Self {
            transport,
            from,
            reply_to,
        })
    }

    /// Sends one outbox message; returns the server's answer.
    pub async fn send(&self, row: &OutboxRow) -> Result<String, SendError> {
        let message =
            build_message(row, &self.from, self.reply_to.as_ref()).map_err(SendError::Permanent)?;
        match self.transport.send(message).await {
            Ok(response) => Ok(response.message().collect::<Vec<_>>().join(" ")),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Temporary(e.to_string())),
        }
    }
}

/// `smtp://` means STARTTLS required unless a `tls` parameter says otherwise; `tls=none`
/// means plain.
fn normalise_url(url: &str) -> String {
    if !url.starts_with("smtp://") {
        return url.to_owned();
    }
    if url.contains("tls=none") {
        let cleaned = url
            .replace("?tls=none&", "?")
            .replace("&tls=none", "")
            .replace("?tls=none", "");
        return cleaned;
    }
    if url.contains("tls=") {
        return url.to_owned();
    }
    if url.contains('?') {
        format!("{url}&tls=required")
    } else {
        format!("{url}?tls=required")
    }
}

/// Builds the MIME message: multipart/alternative (text, html; the html in multipart/related
/// with the QR images it shows), wrapped in multipart/mixed with a `text/calendar` attachment
/// when the row has one. The Message-ID is the row's.
fn build_message(
    row: &OutboxRow,
    from: &Mailbox,
    reply_to: Option<&Mailbox>,
) -> Result<Message, String> {
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|e| format!("recipient {}: {e}", row.recipient))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .date_now();
    if let Some(r) = reply_to {
        builder = builder.reply_to(r.clone());
    }
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(row.body_text.clone());
    let html = SinglePart::builder()
        .header(ContentType::TEXT_HTML)
        .body(row.body_html.clone());
    // The HTML part with the QR images it refers to by `cid:`, as mail clients expect them.
    let images = crate::infra::inline_qr::images_in(&row.body_html);
    let alternative = if images.is_empty() {
        MultiPart::alternative().singlepart(text).singlepart(html)
    } else {
        let png = ContentType::parse("image/png").map_err(|e| e.to_string())?;
        let related = images.into_iter().fold(
            MultiPart::related().singlepart(html),
            |related, (cid, bytes)| {
                related.singlepart(Attachment::new_inline(cid).body(bytes, png.clone()))
            },
        );
        MultiPart::alternative().singlepart(text).multipart(related)
    };
    let body = match &row.ics {
        Some(ics) => {
            let calendar = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                .map_err(|e| e.to_string())?;
            MultiPart::mixed()
                .multipart(alternative)
                .singlepart(Attachment::new("event.ics".to_owned()).body(ics.clone(), calendar))
        }
        None => alternative,
    };
    let mut message = builder.multipart(body).map_err(|e| e.to_string())?;
    message.headers_mut().insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str("X-Twinning-Kind"),
        row.kind.to_string(),
    ));
    if let Some(url) = &row.unsubscribe_url {
        // Bulk mail: mail programs show "Unsubscribe" and post to the address (RFC 8058).
        let headers = message.headers_mut();
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{url}>"),
        ));
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_owned(),
        ));
    }
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::normalise_url;

    #[test]
    fn smtp_urls_default_to_required_starttls() {
        assert_eq!(
            normalise_url("smtp://u:p@mail.example.org:587"),
            "smtp://u:p@mail.example.org:587?tls=required"
        );
        assert_eq!(
            normalise_url("smtp://127.0.0.1:2525?tls=none"),
            "smtp://127.0.0.1:2525"
        );
        assert_eq!(
            normalise_url("smtp://h?tls=opportunistic"),
            "smtp://h?tls=opportunistic"
        );
        assert_eq!(normalise_url("smtps://h:465"), "smtps://h:465");
    }
}
