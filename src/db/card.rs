//! Card payments: Checkout Sessions, Stripe's webhook events, and the card rows of the ledger.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Db, Tx};
use crate::domain::{LedgerStatus, SessionStatus};
use crate::{on_pool, on_tx, on_write_pool};

/// A `checkout_sessions` row.
#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub registration_id: i64,
    /// Stripe's `cs_...`.
    pub stripe_id: String,
    /// Stripe's payment page.
    pub url: String,
    pub amount_minor: i64,
    pub currency: String,
    /// `open`, `processing`, `paid`, `expired` or `failed`.
    #[sqlx(try_from = "String")]
    pub status: SessionStatus,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// `SELECT <every SessionRow column> FROM checkout_sessions`.
macro_rules! select_sessions {
    () => {
        "SELECT id, registration_id, stripe_id, url, amount_minor, currency, status, expires_at, created_at \
         FROM checkout_sessions"
    };
}

/// Values of a new session row.
#[derive(Debug, Clone)]
pub struct NewSessionRow<'a> {
    pub registration_id: i64,
    pub stripe_id: &'a str,
    pub url: &'a str,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Stores a session; storing the same Stripe session again (a retried request that Stripe
/// answered with the first session) changes nothing.
pub async fn insert_session(
    db: &Db,
    s: &NewSessionRow<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "INSERT INTO checkout_sessions (registration_id, stripe_id, url, amount_minor, currency, expires_at, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (stripe_id) DO NOTHING";
    on_write_pool!(db, |pool| sqlx::query(SQL)
        .bind(s.registration_id)
        .bind(s.stripe_id)
        .bind(s.url)
        .bind(s.amount_minor)
        .bind(s.currency)
        .bind(s.expires_at)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))
    .context("storing checkout session")
}

/// How many sessions registration `registration_id` has had.
pub async fn session_count(db: &Db, registration_id: i64) -> anyhow::Result<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM checkout_sessions WHERE registration_id = $1";
    on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(registration_id)
        .fetch_one(pool)
        .await)
    .context("counting checkout sessions")
}

/// The newest session of a registration.
pub async fn latest_session(db: &Db, registration_id: i64) -> anyhow::Result<Option<SessionRow>> {
    const SQL: &str = concat!(
        select_sessions!(),
        " WHERE registration_id = $1 ORDER BY id DESC LIMIT 1"
    );
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(registration_id)
        .fetch_optional(pool)
        .await)
    .context("reading checkout session")
}

/// The session with Stripe id `stripe_id`.
pub async fn session_by_stripe_id(db: &Db, stripe_id: &str) -> anyhow::Result<Option<SessionRow>> {
    const SQL: &str = concat!(select_sessions!(), " WHERE stripe_id = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(stripe_id)
        .fetch_optional(pool)
        .await)
    .context("reading checkout session")
}

/// Records what Stripe last said about a session, and when it was asked.
pub async fn set_session_status(
    db: &Db,
    id: i64,
    status: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE checkout_sessions SET status = $2, checked_at = $3 WHERE id = $1";
    on_write_pool!(db, |pool| sqlx::query(SQL)
        .bind(id)
        .bind(status)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))
    .context("updating checkout session")
}

/// Sessions Stripe has not settled yet that were created before `created_before` and not
/// checked since `checked_before`: the reconciliation asks Stripe about these.
pub async fn sessions_to_reconcile(
    db: &Db,
    created_before: DateTime<Utc>,
    checked_before: DateTime<Utc>,
    limit: i64,
) -> anyhow::Result<Vec<String>> {
    const SQL: &str = "SELECT stripe_id FROM checkout_sessions WHERE status IN ('open', 'processing') \
        AND created_at < $1 AND (checked_at IS NULL OR checked_at < $2) ORDER BY id LIMIT $3";
    on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(created_before)
        .bind(checked_before)
        .bind(limit)
        .fetch_all(pool)
        .await)
    .context("listing sessions to reconcile")
}

/// Stores a webhook event; `false` if it was stored before (a redelivery).
pub async fn insert_event(
    db: &Db,
    id: &str,
    kind: &str,
    object_id: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    const SQL: &str = "INSERT INTO stripe_events (id, kind, object_id, received_at) VALUES ($1, $2, $3, $4) \
        ON CONFLICT (id) DO NOTHING";
    on_write_pool!(db, |pool| sqlx::query(SQL)
        .bind(id)
        .bind(kind)
        .bind(object_id)
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1))
    .context("storing webhook event")
}

/// A stored webhook event.
#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub id: String,
    pub kind: String,
    pub object_id: String,
    pub processed_at: Option<DateTime<Utc>>,
    pub outcome: String,
}

/// The stored event `id`.
pub async fn event(db: &Db, id: &str) -> anyhow::Result<Option<EventRow>> {
    const SQL: &str =
        "SELECT id, kind, object_id, processed_at, outcome FROM stripe_events WHERE id = $1";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .context("reading webhook event")
}

/// How many stored events wait to be processed, and when the oldest of them arrived.
pub async fn unprocessed(db: &Db) -> anyhow::Result<(i64, Option<DateTime<Utc>>)> {
    const SQL: &str = "SELECT CAST(COUNT(*) AS BIGINT), MIN(received_at) FROM stripe_events WHERE processed_at IS NULL";
    on_pool!(db, |pool| sqlx::query_as(SQL).fetch_one(pool).await)
        .context("counting unprocessed webhook events")
}

/// Marks event `id` processed, with what came of it.
pub async fn mark_processed(
    db: &Db,
    id: &str,
    outcome: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE stripe_events SET processed_at = $2, outcome = $3 WHERE id = $1";
    on_write_pool!(db, |pool| sqlx::query(SQL)
        .bind(id)
        .bind(now)
        .bind(outcome)
        .execute(pool)
        .await
        .map(|_| ()))
    .context("marking webhook event processed")
}

/// Events received before `before` and not processed yet (their job was lost or failed).
pub async fn unprocessed_events(db: &Db, before: DateTime<Utc>) -> anyhow::Result<Vec<String>> {
    const SQL: &str = "SELECT id FROM stripe_events WHERE processed_at IS NULL AND received_at < $1 \
        ORDER BY received_at LIMIT 500";
    on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(before)
        .fetch_all(pool)
        .await)
    .context("listing unprocessed webhook events")
}

/// A card payment of a registration, with what has been refunded from it so far (refunds not
/// `failed`, as a positive amount).
#[derive(Debug, Clone, FromRow)]
pub struct CardPayment {
    pub id: i64,
    pub registration_id: i64,
    /// The PaymentIntent (`pi_...`).
    pub stripe_id: String,
    pub amount_minor: i64,
    pub currency: String,
    pub refunded_minor: i64,
}

impl CardPayment {
    /// What can still be refunded from this payment.
    pub fn refundable(&self) -> i64 {
        (self.amount_minor - self.refunded_minor).max(0)
    }
}

macro_rules! select_card_payments {
    () => {
        "SELECT p.id, p.registration_id, p.stripe_id, p.amount_minor, p.currency, \
    CAST(COALESCE((SELECT -SUM(r.amount_minor) FROM payments r WHERE r.refund_of = p.id AND r.status <> 'failed'), 0) AS BIGINT) AS refunded_minor \
    FROM payments p WHERE p.kind = 'payment' AND p.method = 'card' AND p.stripe_id IS NOT NULL"
    };
}

/// The card payments of a registration, oldest first.
pub async fn card_payments_tx(
    tx: &mut Tx,
    registration_id: i64,
) -> anyhow::Result<Vec<CardPayment>> {
    const SQL: &str = concat!(
        select_card_payments!(),
        " AND p.registration_id = $1 ORDER BY p.id"
    );
    on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(registration_id)
        .fetch_all(c)
        .await)
    .context("reading card payments")
}

/// The card payments of every registration of event `event_id`.
pub async fn card_payments_of_event_tx(
    tx: &mut Tx,
    event_id: i64,
) -> anyhow::Result<Vec<CardPayment>> {
    const SQL: &str = concat!(
        select_card_payments!(),
        " AND p.registration_id IN (SELECT id FROM registrations WHERE event_id = $1) ORDER BY p.id"
    );
    on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(c)
        .await)
    .context("reading the event's card payments")
}

/// Records that registration `id` paid by card.
pub async fn set_payment_method_card(tx: &mut Tx, id: i64) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE registrations SET payment_method = 'card' WHERE id = $1";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))
    .context("recording the payment method")
}

/// The card payment with PaymentIntent `payment_intent`.
pub async fn card_payment_by_intent(
    db: &Db,
    payment_intent: &str,
) -> anyhow::Result<Option<CardPayment>> {
    const SQL: &str = concat!(select_card_payments!(), " AND p.stripe_id = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(payment_intent)
        .fetch_optional(pool)
        .await)
    .context("reading card payment")
}

/// Whether PaymentIntent `payment_intent` is in the ledger already.
pub async fn has_payment_tx(tx: &mut Tx, payment_intent: &str) -> anyhow::Result<bool> {
    const SQL: &str = "SELECT COUNT(*) FROM payments WHERE stripe_id = $1";
    let n: i64 = on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(payment_intent)
        .fetch_one(c)
        .await)
    .context("looking up card payment")?;
    Ok(n > 0)
}

/// Adds a card payment (PaymentIntent `payment_intent`) to the ledger; returns its id.
pub async fn insert_card_payment(
    tx: &mut Tx,
    registration_id: i64,
    amount_minor: i64,
    currency: &str,
    payment_intent: &str,
    session: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    const SQL: &str = "INSERT INTO payments (registration_id, method, amount_minor, currency, reference, stripe_id, created_at) \
        VALUES ($1, 'card', $2, $3, $4, $5, $6) RETURNING id";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(registration_id)
        .bind(amount_minor)
        .bind(currency)
        .bind(session)
        .bind(payment_intent)
        .bind(now)
        .fetch_one(c)
        .await)
    .context("recording card payment")
}

/// Adds a card refund of `amount_minor` (positive) from payment `refund_of` to the ledger,
/// `pending` until Stripe has it; returns its id. `stripe_id` is set for refunds made in
/// Stripe's dashboard, which arrive already made.
#[allow(clippy::too_many_arguments)]
pub async fn insert_card_refund(
    tx: &mut Tx,
    registration_id: i64,
    refund_of: i64,
    amount_minor: i64,
    currency: &str,
    status: &str,
    stripe_id: Option<&str>,
    reason: &str,
    recorded_by: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    const SQL: &str = "INSERT INTO payments (registration_id, kind, method, amount_minor, currency, status, reason, \
        stripe_id, refund_of, recorded_by, created_at) VALUES ($1, 'refund', 'card', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(registration_id)
        .bind(-amount_minor)
        .bind(currency)
        .bind(status)
        .bind(reason)
        .bind(stripe_id)
        .bind(refund_of)
        .bind(recorded_by)
        .bind(now)
        .fetch_one(c)
        .await)
    .context("recording card refund")
}

/// A card refund row with the PaymentIntent it refunds.
#[derive(Debug, Clone, FromRow)]
pub struct CardRefund {
    pub id: i64,
    pub registration_id: i64,
    /// Positive amount.
    pub amount_minor: i64,
    #[sqlx(try_from = "String")]
    pub status: LedgerStatus,
    /// `re_...`, once Stripe has the refund.
    pub stripe_id: Option<String>,
    /// The PaymentIntent refunded.
    pub payment_intent: String,
}

macro_rules! select_card_refunds {
    () => {
        "SELECT r.id, r.registration_id, -r.amount_minor AS amount_minor, r.status, r.stripe_id, \
    p.stripe_id AS payment_intent FROM payments r JOIN payments p ON p.id = r.refund_of \
    WHERE r.kind = 'refund' AND r.method = 'card'"
    };
}

/// Card refund `id`.
pub async fn card_refund(db: &Db, id: i64) -> anyhow::Result<Option<CardRefund>> {
    const SQL: &str = concat!(select_card_refunds!(), " AND r.id = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .context("reading card refund")
}

/// The card refund Stripe knows as `stripe_id`.
pub async fn card_refund_by_stripe_id(
    db: &Db,
    stripe_id: &str,
) -> anyhow::Result<Option<CardRefund>> {
    const SQL: &str = concat!(select_card_refunds!(), " AND r.stripe_id = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(stripe_id)
        .fetch_optional(pool)
        .await)
    .context("reading card refund")
}

/// Card refunds Stripe has not been asked for yet, made before `before`.
pub async fn refunds_to_issue(db: &Db, before: DateTime<Utc>) -> anyhow::Result<Vec<i64>> {
    const SQL: &str = "SELECT id FROM payments WHERE kind = 'refund' AND method = 'card' AND stripe_id IS NULL \
        AND status = 'pending' AND created_at < $1 ORDER BY id LIMIT 500";
    on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(before)
        .fetch_all(pool)
        .await)
    .context("listing card refunds to issue")
}

/// Records Stripe's id and state of card refund `id`; `false` if the state did not change.
pub async fn set_refund_state(
    db: &Db,
    id: i64,
    stripe_id: Option<&str>,
    status: &str,
) -> anyhow::Result<bool> {
    const SQL: &str = "UPDATE payments SET stripe_id = COALESCE($2, stripe_id), status = $3 \
        WHERE id = $1 AND (status <> $3 OR stripe_id IS NULL)";
    on_write_pool!(db, |pool| sqlx::query(SQL)
        .bind(id)
        .bind(stripe_id)
        .bind(status)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1))
    .context("updating card refund")
}

/// Flags registration `id` as disputed (once).
pub async fn mark_disputed(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> anyhow::Result<bool> {
    const SQL: &str =
        "UPDATE registrations SET disputed_at = $2 WHERE id = $1 AND disputed_at IS NULL";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
    .context("flagging dispute")
}

/// When a card payment of registration `id` was disputed, if it was.
pub async fn disputed_at(db: &Db, id: i64) -> anyhow::Result<Option<DateTime<Utc>>> {
    const SQL: &str = "SELECT disputed_at FROM registrations WHERE id = $1";
    let at: Option<Option<DateTime<Utc>>> = on_pool!(db, |pool| sqlx::query_scalar(SQL)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .context("reading dispute flag")?;
    Ok(at.flatten())
}
