//! Card payments against a fake Stripe speaking Stripe's wire format, with webhooks signed by
//! Stripe's scheme: checkout, duplicate and forged webhooks, late payments, delayed payments,
//! refunds (policy, staff, Stripe's dashboard), disputes, reconciliation and outages.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use stripe_webhook::Webhook;
use twinning::core::config::Secret;

use crate::fake_stripe::{FakeStripe, Mode, SECRET_KEY, WEBHOOK_SECRET};
use crate::helpers::{TestApp, assert_error, spawn_app_with};

/// The app configured for Stripe at a fresh fake.
async fn card_app() -> (TestApp, FakeStripe) {
    card_app_with(|_| {}).await
}

/// [`card_app`] with more settings adjusted.
async fn card_app_with(
    adjust: impl FnOnce(&mut twinning::core::config::Settings),
) -> (TestApp, FakeStripe) {
    let fake = FakeStripe::start().await;
    let url = fake.url.clone();
    let app = spawn_app_with(
        move |s| {
            s.stripe_secret_key = Some(Secret(SECRET_KEY.to_owned()));
            s.stripe_webhook_secret = Some(Secret(WEBHOOK_SECRET.to_owned()));
            s.stripe_api_base = url;
            s.stripe_timeout_secs = 1;
            adjust(s);
        },
        false,
    )
    .await;
    (app, fake)
}

/// A card-only event (adult 25.00 EUR) with `overrides`.
async fn card_event(app: &TestApp, overrides: Value) -> String {
    let mut body = json!({"payment_options": ["card"], "hold_minutes": 60});
    crate::helpers::merge(&mut body, overrides);
    app.create_event(body).await
}

/// Registers `names` as adults paying by card; returns the answer (status 201 asserted).
async fn register_card(app: &TestApp, slug: &str, names: &[&str]) -> Value {
    let response = register_card_response(app, slug, names).await;
    let status = response.status();
    let json: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json
}

async fn register_card_response(app: &TestApp, slug: &str, names: &[&str]) -> reqwest::Response {
    let participants: Vec<Value> = names
        .iter()
        .map(|n| json!({"name": n, "offering": "adult"}))
        .collect();
    let body = json!({
        "contact": {"name": names[0], "email": "payer@example.org", "language": "en"},
        "participants": participants, "payment": "card", "accept_consents": true
    });
    app.post(&format!("/api/v1/events/{slug}/registrations"), &body)
        .await
}

/// `POST /api/v1/registrations/{token}/checkout`, answered as JSON.
async fn checkout(app: &TestApp, token: &str) -> Value {
    app.post(
        &format!("/api/v1/registrations/{token}/checkout"),
        &json!({}),
    )
    .await
    .json()
    .await
    .unwrap()
}

fn token(created: &Value) -> String {
    created["token"].as_str().unwrap().to_owned()
}

/// A signed webhook delivery of event `id` of type `kind` about `object`, signed at `at`.
async fn webhook_at(
    app: &TestApp,
    id: &str,
    kind: &str,
    object: Value,
    at: i64,
) -> reqwest::Response {
    let payload = json!({
        "id": id, "object": "event", "api_version": "2025-09-30.clover", "created": at,
        "livemode": false, "pending_webhooks": 1, "request": {"id": null, "idempotency_key": null},
        "type": kind, "data": {"object": object}
    })
    .to_string();
    let signature = Webhook::generate_test_header(&payload, WEBHOOK_SECRET, Some(at));
    app.client
        .post(format!("{}/webhooks/stripe", app.address))
        .header("stripe-signature", signature)
        .header("content-type", "application/json")
        .body(payload)
        .send()
        .await
        .unwrap()
}

static EVENTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Delivers a fresh signed event now, asserts Stripe would see 200, and runs the jobs.
async fn deliver(app: &TestApp, kind: &str, object: Value) -> Value {
    let id = format!(
        "evt_{}",
        EVENTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let response = webhook_at(app, &id, kind, object, app.ctx.clock.now().timestamp()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    app.run_pending_jobs().await;
    body
}

/// What Stripe's webhook says about a session: only the id is used.
/// Stripe's event `kind` about Checkout session `id`, delivered to the webhook.
async fn session_event(app: &TestApp, kind: &str, id: &str) -> Value {
    deliver(app, kind, session_object(id)).await
}

fn session_object(id: &str) -> Value {
    json!({"id": id, "object": "checkout.session", "payment_status": "paid", "status": "complete"})
}

/// The ledger of registration `token`.
async fn ledger(app: &TestApp, token: &str) -> Vec<twinning::db::registrations::PaymentRow> {
    let reg = twinning::registrations::find(&app.ctx, token)
        .await
        .unwrap();
    twinning::db::registrations::payments(&app.ctx.db, reg.id)
        .await
        .unwrap()
}

/// Emails queued of `kind`.
async fn outbox(app: &TestApp, kind: &str) -> Vec<Value> {
    app.list_all(&format!("/api/v1/outbox?kind={kind}")).await
}

async fn seats_left(app: &TestApp, slug: &str) -> Value {
    app.event(slug).await["seats_left"].clone()
}

/// Registers one adult by card and pays through the webhook; returns the token and the
/// PaymentIntent.
async fn paid_by_card(app: &TestApp, fake: &FakeStripe, slug: &str) -> (String, String) {
    let created = register_card(app, slug, &["Ana"]).await;
    let session = fake.session_id(created["payment_url"].as_str().unwrap());
    let pi = fake.pay(&session);
    deliver(app, "checkout.session.completed", session_object(&session)).await;
    let token = token(&created);
    assert_eq!(app.status_of(&token).await, "confirmed");
    (token, pi)
}

#[tokio::test]
async fn paying_by_card_holds_the_seats_creates_a_checkout_session_and_confirms_on_the_webhook() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({"capacity": 10})).await;
    let before = app.ctx.clock.now();
    let created = register_card(&app, &slug, &["Ana García", "Luis García"]).await;
    let token = token(&created);
    assert_eq!(created["status"], "pending_payment");
    let payment_url = created["payment_url"].as_str().expect("a payment url");
    assert!(
        payment_url.starts_with("https://checkout.stripe.test/"),
        "{payment_url}"
    );
    assert_eq!(seats_left(&app, &slug).await, 8);

    // What Stripe was asked for.
    let sent = fake.requests("POST", "/v1/checkout/sessions");
    assert_eq!(sent.len(), 1);
    let f = &sent[0].form;
    let reg = twinning::registrations::find(&app.ctx, &token)
        .await
        .unwrap();
    assert_eq!(f["mode"], "payment");
    assert_eq!(f["client_reference_id"], reg.id.to_string());
    assert_eq!(f["customer_email"], "payer@example.org");
    assert_eq!(f["line_items[0][price_data][currency]"], "eur");
    assert_eq!(f["line_items[0][price_data][unit_amount]"], "2500");
    assert_eq!(f["line_items[1][price_data][unit_amount]"], "2500");
    assert!(f["line_items[0][price_data][product_data][name]"].contains("Ana García"));
    assert!(f["line_items[1][price_data][product_data][name]"].contains("Luis García"));
    assert_eq!(
        f["success_url"],
        format!("{}/r/{token}?payment=done", app.address)
    );
    assert_eq!(f["cancel_url"], format!("{}/r/{token}", app.address));
    let expires: i64 = f["expires_at"].parse().unwrap();
    let hold = reg.hold_expires_at.unwrap().timestamp();
    assert_eq!(
        expires, hold,
        "the session lives as long as the hold (60 minutes)"
    );
    assert!(expires >= before.timestamp() + 30 * 60);
    assert!(
        sent[0]
            .idempotency_key
            .as_deref()
            .unwrap()
            .contains(&reg.id.to_string())
    );
    // The private page and the API offer the same session while it is open.
    assert_eq!(app.registration(&token).await["payment_url"], payment_url);
    let again = checkout(&app, &token).await;
    assert_eq!(again["payment_url"], payment_url);
    assert_eq!(fake.requests("POST", "/v1/checkout/sessions").len(), 1);
    assert_eq!(
        outbox(&app, "received").await.len(),
        1,
        "the payer has the private link"
    );

    let session = fake.session_id(payment_url);
    let pi = fake.pay(&session);
    let answer = session_event(&app, "checkout.session.completed", &session).await;
    assert_eq!(answer["duplicate"], false);
    let reg = app.registration(&token).await;
    assert_eq!(reg["status"], "confirmed");
    assert_eq!(reg["amount_paid"]["amount_minor"], 5000);
    assert_eq!(reg["amount_due"]["amount_minor"], 0);
    assert!(reg.get("payment_url").is_none());
    let rows = ledger(&app, &token).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].method.as_str(), rows[0].amount_minor),
        ("card", 5000)
    );
    assert_eq!(rows[0].kind, twinning::domain::LedgerKind::Payment);
    let stored = twinning::db::card::card_payment_by_intent(&app.ctx.db, &pi)
        .await
        .unwrap();
    assert!(stored.is_some(), "the PaymentIntent is in the ledger");
    assert_eq!(outbox(&app, "confirmed").await.len(), 1);
    // The handler asked Stripe rather than trusting the payload.
    assert_eq!(
        fake.requests("GET", &format!("/v1/checkout/sessions/{session}"))
            .len(),
        1
    );
    app.assert_seat_counters_match(&slug).await;
}

#[tokio::test]
async fn a_redelivered_webhook_is_acknowledged_and_changes_nothing() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({})).await;
    let created = register_card(&app, &slug, &["Ana"]).await;
    let session = fake.session_id(created["payment_url"].as_str().unwrap());
    fake.pay(&session);
    let at = app.ctx.clock.now().timestamp();
    let first = webhook_at(
        &app,
        "evt_twice",
        "checkout.session.completed",
        session_object(&session),
        at,
    )
    .await;
    assert_eq!(first.status(), StatusCode::OK);
    let second = webhook_at(
        &app,
        "evt_twice",
        "checkout.session.completed",
        session_object(&session),
        at,
    )
    .await;
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(second.json::<Value>().await.unwrap()["duplicate"], true);
    app.run_pending_jobs().await;
    // A different event about the same payment (Stripe sends several) is harmless too.
    session_event(&app, "checkout.session.async_payment_succeeded", &session).await;
    assert_eq!(ledger(&app, &token(&created)).await.len(), 1);
    assert_eq!(outbox(&app, "confirmed").await.len(), 1);
    assert_eq!(app.status_of(&token(&created)).await, "confirmed");
}

#[tokio::test]
async fn forged_and_stale_webhooks_are_refused_with_400_and_not_stored() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({})).await;
    let created = register_card(&app, &slug, &["Ana"]).await;
    let session = fake.session_id(created["payment_url"].as_str().unwrap());
    fake.pay(&session);
    let payload = json!({"id": "evt_forged", "object": "event", "type": "checkout.session.completed",
        "created": 1, "livemode": false, "pending_webhooks": 1, "data": {"object": session_object(&session)}})
    .to_string();
    let now = app.ctx.clock.now().timestamp();
    let wrong_key = Webhook::generate_test_header(&payload, "whsec_someone_else", Some(now));
    for signature in [wrong_key.as_str(), "", "t=abc,v1=00"] {
        let response = app
            .client
            .post(format!("{}/webhooks/stripe", app.address))
            .header("stripe-signature", signature)
            .body(payload.clone())
            .send()
            .await
            .unwrap();
        assert_error(response, StatusCode::BAD_REQUEST, "bad_signature", None).await;
    }
    let stale = webhook_at(
        &app,
        "evt_stale",
        "checkout.session.completed",
        session_object(&session),
        now - 600,
    )
    .await;
    assert_error(stale, StatusCode::BAD_REQUEST, "stale_signature", None).await;
    assert!(
        twinning::db::card::event(&app.ctx.db, "evt_forged")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        twinning::db::card::event(&app.ctx.db, "evt_stale")
            .await
            .unwrap()
            .is_none()
    );
    app.run_pending_jobs().await;
    assert_eq!(app.status_of(&token(&created)).await, "pending_payment");
    assert!(
        fake.requests("GET", &format!("/v1/checkout/sessions/{session}"))
            .is_empty()
    );
}

#[tokio::test]
async fn a_webhook_about_a_session_we_never_made_is_acknowledged_and_ignored() {
    let (app, _fake) = card_app().await;
    let at = app.ctx.clock.now().timestamp();
    let response = webhook_at(
        &app,
        "evt_not_ours",
        "checkout.session.completed",
        session_object("cs_test_not_ours"),
        at,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["received"], true);
    app.run_pending_jobs().await;
    let stored = twinning::db::card::event(&app.ctx.db, "evt_not_ours")
        .await
        .unwrap()
        .expect("stored");
    assert!(stored.processed_at.is_some());
    assert_eq!(stored.outcome, "unknown session");
    // Types Twinning does not act on are acknowledged without being stored.
    let other = deliver(&app, "customer.created", json!({"id": "cus_1"})).await;
    assert_eq!(other["handled"], false);
}

#[tokio::test]
async fn a_payment_after_the_hold_expired_confirms_when_the_seats_are_still_free() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({"capacity": 1})).await;
    let created = register_card(&app, &slug, &["Ana"]).await;
    let token = token(&created);
    let session = fake.session_id(created["payment_url"].as_str().unwrap());
    app.advance(Duration::minutes(61));
    app.run_pending_jobs().await;
    assert_eq!(app.status_of(&token).await, "expired");
    assert_eq!(seats_left(&app, &slug).await, 1);
    fake.pay(&session);
    session_event(&app, "checkout.session.completed", &session).await;
    assert_eq!(app.status_of(&token).await, "confirmed");
    assert_eq!(seats_left(&app, &slug).await, 0);
    assert!(fake.refunds().is_empty());
    app.assert_seat_counters_match(&slug).await;
}

#[tokio::test]
async fn a_payment_after_the_seats_went_to_someone_else_is_refunded_in_full_and_the_payer_told_why()
{
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({"capacity": 1})).await;
    let late = register_card(&app, &slug, &["Ana"]).await;
    let late_token = token(&late);
    let session = fake.session_id(late["payment_url"].as_str().unwrap());
    app.advance(Duration::minutes(61));
    app.run_pending_jobs().await;
    let other = register_card(&app, &slug, &["Berta"]).await;
    let other_session = fake.session_id(other["payment_url"].as_str().unwrap());
    fake.pay(&other_session);
    session_event(&app, "checkout.session.completed", &other_session).await;
    assert_eq!(app.status_of(&token(&other)).await, "confirmed");

    let pi = fake.pay(&session);
    session_event(&app, "checkout.session.completed", &session).await;
    assert_eq!(
        app.status_of(&late_token).await,
        "expired",
        "never oversold"
    );
    let refunds = fake.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["payment_intent"], pi.as_str());
    assert_eq!(refunds[0]["amount"], 2500);
    let refund_request = &fake.requests("POST", "/v1/refunds")[0];
    assert!(refund_request.idempotency_key.is_some());
    let rows = ledger(&app, &late_token).await;
    assert_eq!(rows.len(), 2, "the payment and its refund: {rows:?}");
    assert_eq!(rows[1].kind, twinning::domain::LedgerKind::Refund);
    assert_eq!(
        rows[1].status,
        twinning::domain::LedgerStatus::Succeeded,
        "Stripe's answer is recorded"
    );
    assert_eq!(twinning::db::registrations::PaymentRow::net(&rows), 0);
    let text = app.email_text("refunded").await;
    assert!(
        text.contains("the seats had been given to others"),
        "{text}"
    );
    assert_eq!(seats_left(&app, &slug).await, 0);
    app.assert_seat_counters_match(&slug).await;
}

#[tokio::test]
async fn a_failed_delayed_payment_releases_the_seats_and_a_settled_one_confirms() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({"capacity": 2})).await;
    let failing = register_card(&app, &slug, &["Ana"]).await;
    let session = fake.session_id(failing["payment_url"].as_str().unwrap());
    fake.complete_unpaid(&session);
    session_event(&app, "checkout.session.completed", &session).await;
    assert_eq!(
        app.status_of(&token(&failing)).await,
        "pending_payment",
        "still settling"
    );
    session_event(&app, "checkout.session.async_payment_failed", &session).await;
    assert_eq!(app.status_of(&token(&failing)).await, "expired");
    assert_eq!(seats_left(&app, &slug).await, 2, "the seats are free again");
    assert!(ledger(&app, &token(&failing)).await.is_empty());

    let settling = register_card(&app, &slug, &["Berta"]).await;
    let session = fake.session_id(settling["payment_url"].as_str().unwrap());
    fake.complete_unpaid(&session);
    session_event(&app, "checkout.session.completed", &session).await;
    fake.settle(&session);
    session_event(&app, "checkout.session.async_payment_succeeded", &session).await;
    assert_eq!(app.status_of(&token(&settling)).await, "confirmed");
    app.assert_seat_counters_match(&slug).await;
}

/// A card event starting in `days` days with `policy`.
async fn card_event_in(app: &TestApp, days: i64, policy: Value) -> String {
    let day = app.ctx.clock.now() + Duration::days(days);
    card_event(
        app,
        json!({"starts_at": day.format("%Y-%m-%dT18:00").to_string(),
            "ends_at": day.format("%Y-%m-%dT23:00").to_string(), "cancellation_policy": policy}),
    )
    .await
}

async fn cancel(app: &TestApp, token: &str) {
    let response = app.cancel(token).await;
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
    app.run_pending_jobs().await;
}

#[tokio::test]
async fn cancelling_inside_the_refund_window_refunds_the_card_in_full() {
    let (app, fake) = card_app().await;
    let slug = card_event_in(
        &app,
        30,
        json!({"full_refund_days": 7, "later_refund_percent": 0}),
    )
    .await;
    let (token, pi) = paid_by_card(&app, &fake, &slug).await;
    cancel(&app, &token).await;
    let refunds = fake.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(
        (
            refunds[0]["payment_intent"].as_str(),
            refunds[0]["amount"].as_i64()
        ),
        (Some(pi.as_str()), Some(2500))
    );
    let rows = ledger(&app, &token).await;
    assert_eq!(twinning::db::registrations::PaymentRow::net(&rows), 0);
    assert!(app.email_text("cancelled").await.contains("refund"));
}

#[tokio::test]
async fn cancelling_outside_the_window_refunds_the_policy_share_or_nothing() {
    let (app, fake) = card_app().await;
    let half = card_event_in(
        &app,
        3,
        json!({"full_refund_days": 7, "later_refund_percent": 50}),
    )
    .await;
    let (token, _) = paid_by_card(&app, &fake, &half).await;
    cancel(&app, &token).await;
    let refunds = fake.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["amount"], 1250);
    assert_eq!(
        twinning::db::registrations::PaymentRow::net(&ledger(&app, &token).await),
        1250
    );

    let none = card_event_in(
        &app,
        3,
        json!({"full_refund_days": 7, "later_refund_percent": 0}),
    )
    .await;
    let (token, _) = paid_by_card(&app, &fake, &none).await;
    cancel(&app, &token).await;
    assert_eq!(fake.refunds().len(), 1, "no new refund");
    assert_eq!(
        twinning::db::registrations::PaymentRow::net(&ledger(&app, &token).await),
        2500
    );
}

#[tokio::test]
async fn staff_refund_part_of_a_card_payment_and_its_state_follows_stripe() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({})).await;
    let (token, pi) = paid_by_card(&app, &fake, &slug).await;
    fake.refunds_start_pending();
    let refund = json!({"method": "card", "amount": {"amount_minor": 1000, "currency": "EUR"}, "reason": "Lunch not taken"});
    let path = format!("/api/v1/registrations/{token}/refunds");
    let response = app.staff_post(&path, &refund).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    app.run_pending_jobs().await;
    let stripe_refund = fake.refunds()[0].clone();
    assert_eq!(stripe_refund["amount"], 1000);
    assert_eq!(stripe_refund["payment_intent"], pi.as_str());
    let rows = ledger(&app, &token).await;
    assert_eq!(rows[1].status, twinning::domain::LedgerStatus::Pending);
    assert_eq!(
        app.status_of(&token).await,
        "confirmed",
        "a partial refund keeps the registration"
    );

    // Stripe settles it: the charge.refunded webhook brings the state in.
    fake.set_refund_status(stripe_refund["id"].as_str().unwrap(), "succeeded");
    deliver(
        &app,
        "charge.refunded",
        json!({"id": fake.charge_of(&pi), "object": "charge"}),
    )
    .await;
    assert_eq!(
        ledger(&app, &token).await[1].status,
        twinning::domain::LedgerStatus::Succeeded
    );
    let reg = app.registration(&token).await;
    assert_eq!(reg["amount_paid"]["amount_minor"], 1500);

    // More than is left on the card is refused, naming the field.
    let too_much = json!({"method": "card", "amount": {"amount_minor": 1600, "currency": "EUR"}, "reason": "All"});
    assert_error(
        app.staff_post(&path, &too_much).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("amount.amount_minor"),
    )
    .await;

    // A refund Stripe reports failed stops counting.
    let second = json!({"method": "card", "amount": {"amount_minor": 500, "currency": "EUR"}, "reason": "Parking"});
    assert_eq!(
        app.staff_post(&path, &second).await.status(),
        StatusCode::CREATED
    );
    app.run_pending_jobs().await;
    let failed = fake.refunds()[1]["id"].as_str().unwrap().to_owned();
    fake.set_refund_status(&failed, "failed");
    deliver(
        &app,
        "charge.refund.updated",
        json!({"id": failed, "object": "refund", "payment_intent": pi}),
    )
    .await;
    let rows = ledger(&app, &token).await;
    assert_eq!(rows[2].status, twinning::domain::LedgerStatus::Failed);
    assert_eq!(twinning::db::registrations::PaymentRow::net(&rows), 1500);
}

#[tokio::test]
async fn a_refund_made_in_stripes_dashboard_joins_the_ledger_once() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({})).await;
    let (token, pi) = paid_by_card(&app, &fake, &slug).await;
    fake.dashboard_refund(&pi, 700);
    let charge = json!({"id": fake.charge_of(&pi), "object": "charge"});
    deliver(&app, "charge.refunded", charge.clone()).await;
    deliver(&app, "charge.refunded", charge).await;
    let rows = ledger(&app, &token).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1].amount_minor, -700);
    assert_eq!(outbox(&app, "refunded").await.len(), 1);
}

#[tokio::test]
async fn a_dispute_flags_the_registration_for_staff() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({})).await;
    let (token, pi) = paid_by_card(&app, &fake, &slug).await;
    let charge = fake.charge_of(&pi);
    // Not disputed at Stripe: a forged or early event changes nothing.
    deliver(
        &app,
        "charge.dispute.created",
        json!({"id": "dp_1", "object": "dispute", "charge": charge}),
    )
    .await;
    let staff = app.staff_view(&token).await;
    assert!(staff.get("disputed_at").is_none());
    fake.dispute(&charge);
    deliver(
        &app,
        "charge.dispute.created",
        json!({"id": "dp_2", "object": "dispute", "charge": charge}),
    )
    .await;
    let staff = app.staff_view(&token).await;
    assert!(staff["disputed_at"].is_string(), "{staff}");
    let reg = twinning::registrations::find(&app.ctx, &token)
        .await
        .unwrap();
    let mut b = app.staff_browser("desk@example.org", "staff").await;
    let page = b.get(&format!("/staff/registrations/{}", reg.id)).await;
    assert!(
        page.body.contains("disputed a card payment"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn reconciliation_confirms_a_payment_whose_webhook_never_came() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({})).await;
    let created = register_card(&app, &slug, &["Ana"]).await;
    let session = fake.session_id(created["payment_url"].as_str().unwrap());
    fake.pay(&session);
    twinning::worker::sweep(&app.ctx).await.unwrap();
    assert_eq!(
        app.status_of(&token(&created)).await,
        "pending_payment",
        "too fresh to ask about"
    );
    app.advance(Duration::minutes(3));
    twinning::worker::sweep(&app.ctx).await.unwrap();
    assert_eq!(app.status_of(&token(&created)).await, "confirmed");
    assert_eq!(ledger(&app, &token(&created)).await.len(), 1);
    assert_eq!(outbox(&app, "confirmed").await.len(), 1);
}

#[tokio::test]
async fn the_sweep_processes_a_stored_event_whose_job_was_lost() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({})).await;
    let created = register_card(&app, &slug, &["Ana"]).await;
    let session = fake.session_id(created["payment_url"].as_str().unwrap());
    fake.pay(&session);
    // Stored as the webhook does, but no job ever ran.
    let now = app.ctx.clock.now();
    twinning::db::card::insert_event(
        &app.ctx.db,
        "evt_lost",
        "checkout.session.completed",
        &session,
        now,
    )
    .await
    .unwrap();
    app.advance(Duration::minutes(2));
    twinning::worker::sweep(&app.ctx).await.unwrap();
    assert_eq!(app.status_of(&token(&created)).await, "confirmed");
    let stored = twinning::db::card::event(&app.ctx.db, "evt_lost")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.outcome, "confirmed");
}

#[tokio::test]
async fn stripe_failing_or_timing_out_at_checkout_gives_a_clear_answer_and_keeps_no_seats() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({"capacity": 3})).await;
    for mode in [Mode::Fail, Mode::Hang] {
        fake.set_mode(mode);
        let response = register_card_response(&app, &slug, &["Ana"]).await;
        let body = assert_error(
            response,
            StatusCode::SERVICE_UNAVAILABLE,
            "payment_unavailable",
            None,
        )
        .await;
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("No seats are held"), "{message}");
        assert_eq!(
            seats_left(&app, &slug).await,
            3,
            "{mode:?}: no seats leaked"
        );
    }
    app.assert_seat_counters_match(&slug).await;
    app.run_pending_jobs().await;
    assert!(
        outbox(&app, "hold_expired").await.is_empty(),
        "told on the spot, not by email"
    );
    assert!(outbox(&app, "received").await.is_empty());
    // Stripe back: registering works again.
    fake.set_mode(Mode::Normal);
    let created = register_card(&app, &slug, &["Ana"]).await;
    assert_eq!(created["status"], "pending_payment");
    assert_eq!(seats_left(&app, &slug).await, 2);
}

#[tokio::test]
async fn without_stripe_settings_card_is_refused_and_card_only_events_say_so() {
    let app = crate::helpers::spawn_app().await;
    let slug = card_event(&app, json!({})).await;
    let response = register_card_response(&app, &slug, &["Ana"]).await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("payment"),
    )
    .await;
    let page = app
        .get(&format!("/events/{slug}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("card payments are not set up yet"), "{page}");
    let hook = app
        .client
        .post(format!("{}/webhooks/stripe", app.address))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(hook.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn on_the_pages_a_card_registration_goes_to_stripe_and_the_private_page_has_a_pay_button() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({"payment_options": ["card", "later"]})).await;
    let mut b = app.browser();
    let form = b.get(&format!("/events/{slug}/register")).await;
    assert!(form.body.contains("value=\"card\""), "{}", form.body);
    let done = b
        .submit(
            &format!("/events/{slug}/register"),
            &[
                ("contact.name", "Ana García"),
                ("contact.email", "ana@example.org"),
                ("contact.phone", ""),
                ("contact.language", "es"),
                ("participants[0].name", "Ana García"),
                ("participants[0].offering", "adult"),
                ("participants[0].notes", ""),
                ("payment", "card"),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let location = done.location.unwrap();
    assert!(
        location.starts_with("https://checkout.stripe.test/"),
        "{location}"
    );
    let session = fake.sessions()[0].clone();
    assert_eq!(
        session["locale"], "es",
        "Stripe's page speaks the registrant's language"
    );
    let reg_id: i64 = session["client_reference_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let reg = twinning::db::registrations::get(&app.ctx.db, reg_id)
        .await
        .unwrap()
        .unwrap();

    // Back from Stripe before the webhook: the page says the payment is being confirmed.
    let page = b.get(&format!("/r/{}?payment=done", reg.token)).await;
    assert!(page.body.contains("Gracias"), "{}", page.body);
    assert!(
        page.body
            .contains(&format!("action=\"/r/{}/pay\"", reg.token)),
        "{}",
        page.body
    );
    let pay = b.submit(&format!("/r/{}/pay", reg.token), &[]).await;
    assert_eq!(pay.status, StatusCode::SEE_OTHER);
    assert_eq!(
        pay.location.as_deref(),
        session["url"].as_str(),
        "the open session again"
    );
    // Without the anti-forgery field, nothing happens.
    let forged = b.post_form(&format!("/r/{}/pay", reg.token), &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // Stripe down: back to the page with a clear word; the seats stay held.
    fake.expire(session["id"].as_str().unwrap());
    deliver(
        &app,
        "checkout.session.expired",
        session_object(session["id"].as_str().unwrap()),
    )
    .await;
    fake.set_mode(Mode::Fail);
    let pay = b.submit(&format!("/r/{}/pay", reg.token), &[]).await;
    assert_eq!(
        pay.location.as_deref(),
        Some(format!("/r/{}?payment=failed", reg.token).as_str())
    );
    let page = b.get(pay.location.as_deref().unwrap()).await;
    assert!(
        page.body.contains("No se ha podido iniciar el pago"),
        "{}",
        page.body
    );
    assert_eq!(app.status_of(&reg.token).await, "pending_payment");
}

#[tokio::test]
async fn cancelling_the_event_refunds_every_card_payment_and_refunds_money_that_comes_later() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({"payment_options": ["card", "later"]})).await;
    let (paid, pi) = paid_by_card(&app, &fake, &slug).await;
    let waiting = register_card(&app, &slug, &["Berta"]).await;
    let session = fake.session_id(waiting["payment_url"].as_str().unwrap());
    let response = app
        .staff_patch(
            &format!("/api/v1/events/{slug}"),
            &json!({"status": "cancelled"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    app.run_pending_jobs().await;
    let refunds = fake.refunds();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0]["payment_intent"], pi.as_str());
    assert_eq!(refunds[0]["amount"], 2500);
    assert_eq!(
        twinning::db::registrations::PaymentRow::net(&ledger(&app, &paid).await),
        0
    );

    // The other payer finishes paying on Stripe's page after the event was cancelled.
    let late_pi = fake.pay(&session);
    session_event(&app, "checkout.session.completed", &session).await;
    assert_ne!(app.status_of(&token(&waiting)).await, "confirmed");
    let refunds = fake.refunds();
    assert_eq!(refunds.len(), 2);
    assert_eq!(refunds[1]["payment_intent"], late_pi.as_str());
    assert!(
        app.email_text("refunded")
            .await
            .contains("The event has been cancelled.")
    );
}

#[tokio::test]
async fn a_registrant_who_chose_later_and_pays_by_card_is_recorded_as_paying_by_card() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({"payment_options": ["card", "later"]})).await;
    let created = app.register(&slug, "adult", &["Ana"]).await;
    let token = token(&created);
    assert!(created.get("payment_url").is_none());
    assert_eq!(app.registration(&token).await["payment_method"], "later");
    let answer = checkout(&app, &token).await;
    let session = fake.session_id(answer["payment_url"].as_str().unwrap());
    fake.pay(&session);
    session_event(&app, "checkout.session.completed", &session).await;
    let reg = app.registration(&token).await;
    assert_eq!(
        (reg["status"].as_str(), reg["payment_method"].as_str()),
        (Some("confirmed"), Some("card"))
    );
}

#[tokio::test]
async fn events_arriving_out_of_order_change_nothing_twice() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({})).await;
    let created = register_card(&app, &slug, &["Ana"]).await;
    let session = fake.session_id(created["payment_url"].as_str().unwrap());
    fake.pay(&session);
    // The success event arrives first, then a stale "expired" and a late "completed".
    session_event(&app, "checkout.session.async_payment_succeeded", &session).await;
    session_event(&app, "checkout.session.expired", &session).await;
    session_event(&app, "checkout.session.completed", &session).await;
    assert_eq!(app.status_of(&token(&created)).await, "confirmed");
    assert_eq!(ledger(&app, &token(&created)).await.len(), 1);
    assert_eq!(outbox(&app, "confirmed").await.len(), 1);
    // Correctly signed but not an event: a clear 400, not a 500.
    let body = "not json";
    let sig =
        Webhook::generate_test_header(body, WEBHOOK_SECRET, Some(app.ctx.clock.now().timestamp()));
    let response = app
        .client
        .post(format!("{}/webhooks/stripe", app.address))
        .header("stripe-signature", sig)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::BAD_REQUEST, "malformed_event", None).await;
}

#[tokio::test]
async fn a_rush_of_card_registrations_never_oversells() {
    let (app, _fake) = card_app().await;
    let slug = card_event(&app, json!({"capacity": 5})).await;
    let rush = (0..20).map(|i| {
        let app = &app;
        let slug = slug.clone();
        async move {
            register_card_response(app, &slug, &[&format!("Person {i}")])
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(rush).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    assert_eq!(seats_left(&app, &slug).await, 0);
    let pending = twinning::db::registrations::list_for_event(
        &app.ctx.db,
        app.event_id(&slug).await,
        Some("pending_payment"),
    )
    .await
    .unwrap();
    assert_eq!(pending.len(), 5, "exactly the capacity holds seats");
    app.assert_seat_counters_match(&slug).await;
}

#[tokio::test]
async fn a_card_refund_retried_with_its_key_asks_stripe_once() {
    let (app, fake) = card_app().await;
    let slug = card_event(&app, json!({})).await;
    let (token, _) = paid_by_card(&app, &fake, &slug).await;
    let path = format!("/api/v1/registrations/{token}/refunds");
    let refund = json!({"method": "card", "amount": {"amount_minor": 1000, "currency": "EUR"}, "reason": "Lunch not taken"});
    let key = "3b9f1c2e-8d7a-4e6f-b5c4-a3d2e1f0a9b8";
    for _ in 0..3 {
        let response = app.staff_post_with_key(&path, key, &refund).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        app.run_pending_jobs().await;
    }
    assert_eq!(fake.refunds().len(), 1, "one refund at Stripe");
    assert_eq!(
        ledger(&app, &token).await.len(),
        2,
        "the payment and one refund"
    );
    assert_eq!(outbox(&app, "refunded").await.len(), 1, "one refund email");
    // The same key with another amount is another request: refused.
    let other = json!({"method": "card", "amount": {"amount_minor": 500, "currency": "EUR"}, "reason": "Lunch not taken"});
    assert_error(
        app.staff_post_with_key(&path, key, &other).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("Idempotency-Key"),
    )
    .await;
}

#[tokio::test]
async fn a_card_payer_is_sent_to_the_card_page_and_never_told_to_pay_cash() {
    let (app, _fake) = card_app_with(|s| {
        s.payment_instructions = Some("IBAN DE89 3704 0044 0532 0130 00".to_owned())
    })
    .await;
    let slug = card_event(&app, json!({})).await;
    let created = register_card(&app, &slug, &["Ana"]).await;
    let token = token(&created);
    let reg = app.registration(&token).await;
    assert!(reg.get("payment_reference").is_none(), "{reg}");
    let received = outbox(&app, "received").await;
    assert_eq!(received.len(), 1);
    let text = received[0]["body_text"].as_str().unwrap();
    assert!(
        text.contains("Pay it by card on your registration page"),
        "{text}"
    );
    assert!(text.contains(&format!("/r/{token}")), "{text}");
    for wrong in ["bank transfer", "cash", "IBAN", "payment reference"] {
        assert!(
            !text.contains(wrong),
            "{wrong:?} in a card payer's email: {text}"
        );
    }
    let page = app.get(&format!("/r/{token}")).await.text().await.unwrap();
    assert!(
        !page.contains("IBAN") && !page.contains("payment reference"),
        "{page}"
    );
}

#[tokio::test]
async fn a_waitlist_offer_on_a_card_only_event_says_it_is_paid_by_card() {
    let (app, _fake) = card_app().await;
    let slug = card_event(&app, json!({"capacity": 1})).await;
    let first = token(&register_card(&app, &slug, &["Ana"]).await);
    let second = register_card(&app, &slug, &["Luis"]).await;
    assert_eq!(second["status"], "waitlisted");
    cancel(&app, &first).await;
    app.run_pending_jobs().await;
    let second = token(&second);
    assert_eq!(app.status_of(&second).await, "offered");
    let page = app
        .get(&format!("/offers/{second}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("paid by card once you have claimed it"),
        "{page}"
    );
    assert!(
        !page.contains("bank transfer") && !page.contains("cash"),
        "{page}"
    );
}
