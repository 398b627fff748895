//! Verifying Stripe's webhook signatures and reading what an event is about.
//!
//! The signature scheme is Stripe's (`Stripe-Signature: t=...,v1=...`, HMAC-SHA256 of
//! `t.body`, five minutes' tolerance), checked by async-stripe. Only the event's id, type and
//! the id of the object to re-read are taken from the body: handlers ask Stripe for the
//! object's current state instead of trusting the payload.

use serde_json::Value;
use stripe_webhook::{Webhook, WebhookError};

/// What an event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `evt_...`.
    pub id: String,
    /// The event type, e.g. `checkout.session.completed`.
    pub kind: String,
    /// The object to re-read: the session for `checkout.session.*`, the charge for
    /// `charge.refunded` and `charge.dispute.*`, the PaymentIntent for refund events; empty for
    /// events Twinning does not handle.
    pub object_id: String,
    /// When Stripe made the event (seconds since the epoch; 0 if it did not say).
    pub created: i64,
}

/// Why a webhook was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No or a malformed `Stripe-Signature` header, or no signature made with our secret.
    Signature,
    /// Signed more than five minutes away from now (a replay, or a clock far off).
    Stale,
    /// Signed correctly but not a Stripe event.
    Malformed,
}

impl Refused {
    /// The message answered to the sender.
    pub fn message(self) -> &'static str {
        match self {
            Refused::Signature => {
                "the Stripe-Signature header does not match this endpoint's signing secret"
            }
            Refused::Stale => "the signature's timestamp is more than five minutes from now",
            Refused::Malformed => "the body is not a Stripe event",
        }
    }
}

/// The event types Twinning acts on.
pub const HANDLED: &[&str] = &[
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "charge.refunded",
    "charge.refund.updated",
    "refund.updated",
    "refund.failed",
    "charge.dispute.created",
];

/// Checks `signature` over `payload` with `secret` at unix time `now`, and reads the event.
pub fn verify(payload: &str, signature: &str, secret: &str, now: i64) -> Result<Envelope, Refused> {
    match Webhook::construct_event_with_timestamp(payload, signature, secret, now) {
        // A body async-stripe cannot type (a newer API version, an event type it does not
        // know) was still signed correctly: the signature is checked before the body is read.
        Ok(_) | Err(WebhookError::BadParse(_)) => envelope(payload).ok_or(Refused::Malformed),
        Err(WebhookError::BadTimestamp(_)) => Err(Refused::Stale),
        Err(WebhookError::BadKey | WebhookError::BadHeader(_) | WebhookError::BadSignature) => {
            Err(Refused::Signature)
        }
    }
}

fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// Reads the envelope of a (verified) event body.
pub fn envelope(payload: &str) -> Option<Envelope> {
    let v: Value = serde_json::from_str(payload).ok()?;
    let id = v.get("id")?.as_str()?.to_owned();
    let kind = v.get("type")?.as_str()?.to_owned();
    let object = v.get("data")?.get("object")?;
    let field = |name: &str| object.get(name).and_then(id_of).unwrap_or_default();
    let object_id = if kind.starts_with("checkout.session.") || kind == "charge.refunded" {
        field("id")
    } else if kind.starts_with("charge.dispute.") {
        field("charge")
    } else if kind == "charge.refund.updated" || kind.starts_with("refund.") {
        field("payment_intent")
    } else {
        String::new()
    };
    Some(Envelope {
        id,
        kind,
        object_id,
        created: v.get("created").and_then(Value::as_i64).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";

    fn body(kind: &str, object: &str) -> String {
        format!(
            r#"{{"id":"evt_1","object":"event","api_version":"2025-01-01","created":1,"livemode":false,"pending_webhooks":1,"type":"{kind}","data":{{"object":{object}}}}}"#
        )
    }

    #[test]
    fn a_correct_signature_yields_the_object_to_re_read() {
        let now = 1_900_000_000;
        let payload = body("charge.dispute.created", r#"{"id":"dp_1","charge":"ch_9"}"#);
        let sig = Webhook::generate_test_header(&payload, SECRET, Some(now));
        let env = verify(&payload, &sig, SECRET, now).unwrap();
        assert_eq!(env.id, "evt_1");
        assert_eq!(env.kind, "charge.dispute.created");
        assert_eq!(env.object_id, "ch_9");
    }

    #[test]
    fn wrong_secret_tampered_body_missing_header_and_old_timestamps_are_refused() {
        let now = 1_900_000_000;
        let payload = body("checkout.session.completed", r#"{"id":"cs_1"}"#);
        let sig = Webhook::generate_test_header(&payload, SECRET, Some(now));
        assert_eq!(
            verify(&payload, &sig, "whsec_other", now),
            Err(Refused::Signature)
        );
        let tampered = payload.replace("cs_1", "cs_2");
        assert_eq!(
            verify(&tampered, &sig, SECRET, now),
            Err(Refused::Signature)
        );
        assert_eq!(verify(&payload, "", SECRET, now), Err(Refused::Signature));
        assert_eq!(
            verify(&payload, &sig, SECRET, now + 301),
            Err(Refused::Stale)
        );
        assert!(verify(&payload, &sig, SECRET, now + 299).is_ok());
    }

    #[test]
    fn refund_events_point_at_the_payment_intent_and_unknown_types_at_nothing() {
        let e = envelope(&body(
            "charge.refund.updated",
            r#"{"id":"re_1","payment_intent":"pi_3"}"#,
        ))
        .unwrap();
        assert_eq!(e.object_id, "pi_3");
        let e = envelope(&body("customer.created", r#"{"id":"cus_1"}"#)).unwrap();
        assert_eq!(e.object_id, "");
        assert!(envelope("not json").is_none());
    }
}
