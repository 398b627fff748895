//! The Stripe API, as far as Twinning uses it: Checkout Sessions, refunds and charges.
//!
//! Everything async-stripe returns is turned into the small types below right here, so the rest
//! of the code never depends on the shape of Stripe's objects.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    ProductData, RetrieveCheckoutSession,
};
use stripe_checkout::{CheckoutSessionMode, CheckoutSessionPaymentStatus, CheckoutSessionStatus};
use stripe_core::charge::RetrieveCharge;
use stripe_core::refund::{CreateRefund, ListRefund};

/// Stripe's own API address.
pub use crate::core::config::DEFAULT_STRIPE_API_BASE as DEFAULT_API_BASE;

/// A configured Stripe account.
#[derive(Clone)]
pub struct Gateway {
    client: Client,
    webhook_secret: Option<String>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Neither key is ever printed.
        f.debug_struct("Gateway").finish_non_exhaustive()
    }
}

/// Why a call to Stripe did not give an answer Twinning can use.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Stripe could not be reached, timed out or failed on its side: trying later may work.
    #[error("Stripe is unavailable: {0}")]
    Unavailable(String),
    /// Stripe refused the request (4xx) or answered something that could not be read.
    #[error("Stripe refused the request: {0}")]
    Refused(String),
}

impl From<stripe::StripeError> for GatewayError {
    fn from(e: stripe::StripeError) -> Self {
        use stripe::StripeError as E;
        match e {
            E::Stripe(err, status) if status < 500 && status != 429 => {
                GatewayError::Refused(format!("{status}: {}", err.message.unwrap_or_default()))
            }
            E::Stripe(_, status) => GatewayError::Unavailable(format!("status {status}")),
            E::JSONDeserialize(msg) => GatewayError::Refused(format!("unreadable answer: {msg}")),
            E::ClientError(msg) => GatewayError::Unavailable(msg),
            E::ConfigError(msg) => GatewayError::Refused(msg),
            E::Timeout => GatewayError::Unavailable("timed out".to_owned()),
        }
    }
}

/// One line of a checkout: a participant's offering.
#[derive(Debug, Clone)]
pub struct LineItem {
    /// What the payer sees, e.g. "Festival pass – Ana García".
    pub name: String,
    /// Price in minor units.
    pub amount_minor: i64,
}

/// What a new Checkout Session needs.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Our registration id (`client_reference_id`).
    pub registration_id: i64,
    /// Lower-case ISO currency code.
    pub currency: String,
    /// One line per participant.
    pub lines: Vec<LineItem>,
    /// Prefilled on Stripe's page.
    pub customer_email: String,
    /// Where Stripe sends the payer after paying.
    pub success_url: String,
    /// Where Stripe sends the payer who gives up.
    pub cancel_url: String,
    /// When the session stops accepting payment.
    pub expires_at: DateTime<Utc>,
    /// Stripe Checkout's page language (`en`, `es`, `de` ...).
    pub locale: String,
    /// Makes a retried request return the first session instead of a second one.
    pub idempotency_key: String,
}

/// A Checkout Session as Stripe reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `cs_...`.
    pub id: String,
    /// Stripe's payment page.
    pub url: Option<String>,
    /// Our registration id, as sent.
    pub client_reference_id: Option<String>,
    /// Where the session is.
    pub state: SessionState,
    /// The PaymentIntent (`pi_...`) once the payer has started paying.
    pub payment_intent: Option<String>,
    /// What was charged.
    pub amount_total: Option<i64>,
    /// Upper-case currency code.
    pub currency: Option<String>,
    /// When the session stops accepting payment.
    pub expires_at: DateTime<Utc>,
}

/// The states of a Checkout Session that matter here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// The payer may still pay.
    Open,
    /// Completed and paid: the money is ours.
    Paid,
    /// Completed, with a payment still settling (bank debits): wait for the async events.
    Processing,
    /// Expired without payment.
    Expired,
}

/// A refund as Stripe reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// `re_...`.
    pub id: String,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// Upper-case currency code.
    pub currency: String,
    /// `pending`, `succeeded` or `failed` (`requires_action` and `canceled` are mapped to
    /// `pending` and `failed`).
    pub status: &'static str,
    /// The PaymentIntent refunded.
    pub payment_intent: Option<String>,
    /// The ledger row it was made for, when Twinning made it.
    pub ledger_id: Option<i64>,
}

/// A charge as Stripe reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// `ch_...`.
    pub id: String,
    /// The PaymentIntent it belongs to.
    pub payment_intent: Option<String>,
    /// Whether the payer disputed it.
    pub disputed: bool,
}

fn key(k: &str) -> anyhow::Result<RequestStrategy> {
    Ok(RequestStrategy::Idempotent(
        IdempotencyKey::new(k).map_err(|e| anyhow!("idempotency key: {e:?}"))?,
    ))
}

fn currency(code: &str) -> Result<stripe_types::Currency, GatewayError> {
    stripe_types::Currency::from_str(&code.to_ascii_lowercase())
        .map_err(|_| GatewayError::Refused(format!("currency {code} is not one Stripe knows")))
}

fn timestamp(t: stripe_types::Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn refund_status(status: Option<&str>) -> &'static str {
    match status {
        Some("succeeded") => "succeeded",
        Some("failed") | Some("canceled") => "failed",
        _ => "pending",
    }
}

impl Gateway {
    /// A gateway talking to `api_base` with `secret_key`; requests give up after `timeout`.
    pub fn new(
        secret_key: &str,
        webhook_secret: Option<String>,
        api_base: &str,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let client = ClientBuilder::new(secret_key)
            .url(api_base)
            .timeout(timeout)
            .app_info("Twinning", Some(env!("CARGO_PKG_VERSION").to_owned()), None)
            .build()
            .context("configuring the Stripe client")?;
        Ok(Self {
            client,
            webhook_secret,
        })
    }

    /// The webhook signing secret, if set.
    pub fn webhook_secret(&self) -> Option<&str> {
        self.webhook_secret.as_deref()
    }

    /// Creates a Checkout Session (or, with the same idempotency key, returns the one created
    /// before).
    pub async fn create_session(&self, new: &NewSession) -> Result<Session, GatewayError> {
        let currency = currency(&new.currency)?;
        let lines: Vec<CreateCheckoutSessionLineItems> = new
            .lines
            .iter()
            .map(|l| {
                let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency.clone());
                price.unit_amount = Some(l.amount_minor);
                price.product_data = Some(ProductData::new(l.name.clone()));
                let mut item = CreateCheckoutSessionLineItems::new();
                item.price_data = Some(price);
                item.quantity = Some(1);
                item
            })
            .collect();
        let mut metadata = HashMap::new();
        metadata.insert(
            "registration_id".to_owned(),
            new.registration_id.to_string(),
        );
        let mut request = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Payment)
            .line_items(lines)
            .client_reference_id(new.registration_id.to_string())
            .customer_email(new.customer_email.clone())
            .success_url(new.success_url.clone())
            .cancel_url(new.cancel_url.clone())
            .expires_at(new.expires_at.timestamp())
            .metadata(metadata);
        let locale = stripe_checkout::CheckoutSessionLocale::from_str(&new.locale);
        if let Ok(locale) = locale
            && !matches!(locale, stripe_checkout::CheckoutSessionLocale::Unknown(_))
        {
            request = request.locale(locale);
        }
        let strategy =
            key(&new.idempotency_key).map_err(|e| GatewayError::Refused(e.to_string()))?;
        let session = request
            .customize()
            .request_strategy(strategy)
            .send(&self.client)
            .await?;
        Ok(session_of(session))
    }

    /// Reads a Checkout Session.
    pub async fn session(&self, id: &str) -> Result<Session, GatewayError> {
        let session = RetrieveCheckoutSession::new(id.to_owned())
            .send(&self.client)
            .await?;
        Ok(session_of(session))
    }

    /// Refunds `amount_minor` of PaymentIntent `payment_intent` for ledger row `ledger_id`; a
    /// retry for the same row returns the first refund (the row id is the idempotency key).
    pub async fn refund(
        &self,
        payment_intent: &str,
        amount_minor: i64,
        ledger_id: i64,
        registration_id: i64,
    ) -> Result<Refund, GatewayError> {
        let mut metadata = HashMap::new();
        metadata.insert("registration_id".to_owned(), registration_id.to_string());
        metadata.insert("ledger_id".to_owned(), ledger_id.to_string());
        let strategy = key(&format!("twinning-refund-{ledger_id}"))
            .map_err(|e| GatewayError::Refused(e.to_string()))?;
        let refund = CreateRefund::new()
            .payment_intent(payment_intent.to_owned())
            .amount(amount_minor)
            .metadata(metadata)
            .customize()
            .request_strategy(strategy)
            .send(&self.client)
            .await?;
        Ok(refund_of(refund))
    }

    /// Every refund of PaymentIntent `payment_intent` (the first hundred: far more than a
    /// registration ever has).
    pub async fn refunds_of(&self, payment_intent: &str) -> Result<Vec<Refund>, GatewayError> {
        let list = ListRefund::new()
            .payment_intent(payment_intent.to_owned())
            .limit(100)
            .send(&self.client)
            .await?;
        Ok(list.data.into_iter().map(refund_of).collect())
    }

    /// Reads a charge.
    pub async fn charge(&self, id: &str) -> Result<Charge, GatewayError> {
        let charge = RetrieveCharge::new(id.to_owned())
            .send(&self.client)
            .await?;
        Ok(Charge {
            id: charge.id.as_str().to_owned(),
            payment_intent: charge.payment_intent.map(|p| p.id().as_str().to_owned()),
            disputed: charge.disputed,
        })
    }
}

fn session_of(s: stripe_checkout::CheckoutSession) -> Session {
    let state = match (&s.status, &s.payment_status) {
        (_, CheckoutSessionPaymentStatus::Paid) => SessionState::Paid,
        (Some(CheckoutSessionStatus::Complete), _) => SessionState::Processing,
        (Some(CheckoutSessionStatus::Expired), _) => SessionState::Expired,
        _ => SessionState::Open,
    };
    Session {
        id: s.id.as_str().to_owned(),
        url: s.url,
        client_reference_id: s.client_reference_id,
        state,
        payment_intent: s.payment_intent.map(|p| p.id().as_str().to_owned()),
        amount_total: s.amount_total,
        currency: s.currency.map(|c| c.to_string().to_ascii_uppercase()),
        expires_at: timestamp(s.expires_at),
    }
}

fn refund_of(r: stripe_core::Refund) -> Refund {
    Refund {
        id: r.id.as_str().to_owned(),
        amount_minor: r.amount,
        currency: r.currency.to_string().to_ascii_uppercase(),
        status: refund_status(r.status.as_deref()),
        payment_intent: r.payment_intent.map(|p| p.id().as_str().to_owned()),
        ledger_id: r
            .metadata
            .as_ref()
            .and_then(|m| m.get("ledger_id"))
            .and_then(|v| v.parse().ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refund_states_map_to_the_ledger_states() {
        assert_eq!(refund_status(Some("succeeded")), "succeeded");
        assert_eq!(refund_status(Some("pending")), "pending");
        assert_eq!(refund_status(Some("requires_action")), "pending");
        assert_eq!(refund_status(Some("failed")), "failed");
        assert_eq!(refund_status(Some("canceled")), "failed");
        assert_eq!(refund_status(None), "pending");
    }
}
