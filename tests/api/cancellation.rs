//! Cancellation policies: a full refund until N days before the start, then a share or
//! nothing; shown on the event page, applied to a participant's own cancellation on the
//! cancel page and in the email, never to staff cancellations or a cancelled event.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app};

/// A published event starting in `days` days (local time in Madrid) with `policy`.
async fn event_in(app: &TestApp, days: i64, policy: Value) -> String {
    let start = (Utc::now() + Duration::days(days)).format("%Y-%m-%dT18:00");
    let end = (Utc::now() + Duration::days(days)).format("%Y-%m-%dT23:00");
    app.create_event(json!({
        "starts_at": start.to_string(), "ends_at": end.to_string(),
        "cancellation_policy": policy
    }))
    .await
}

/// Registers one adult (25.00 EUR) and records the payment; returns the token.
async fn paid_registration(app: &TestApp, slug: &str) -> String {
    let token = app.register(slug, "adult", &["Ana"]).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let pay = json!({"method": "cash", "amount": {"amount_minor": 2500, "currency": "EUR"}});
    let response = app
        .staff_post(&format!("/api/v1/registrations/{token}/payments"), &pay)
        .await;
    assert!(response.status().is_success());
    token
}

/// Registers and pays at `slug`, then cancels on the private page; returns the token, the
/// confirmation page and the cancellation email's text.
async fn pay_then_cancel(app: &TestApp, slug: &str) -> (String, String, String) {
    let token = paid_registration(app, slug).await;
    let page = cancel_on_the_page(app, &token).await;
    let text = app.email_text("cancelled").await;
    (token, page, text)
}

/// Cancels through the private page (confirmation step, then the form).
async fn cancel_on_the_page(app: &TestApp, token: &str) -> String {
    let mut b = app.browser();
    let page = b.get(&format!("/r/{token}/cancel")).await;
    assert_eq!(page.status, StatusCode::OK);
    let done = b.submit(&format!("/r/{token}/cancel"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    page.body
}

#[tokio::test]
async fn events_have_a_policy_that_defaults_to_a_full_refund_until_seven_days_before() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    assert_eq!(
        app.event(&slug).await["cancellation_policy"],
        json!({"full_refund_days": 7, "later_refund_percent": 0})
    );
    let page = app
        .get(&format!("/events/{slug}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(
            "Full refund until Sunday 25 May 2031, 18:00 (Europe/Madrid); no refund after that."
        ),
        "{page}"
    );
    let response = app
        .staff_patch(
            &format!("/api/v1/events/{slug}"),
            &json!({"cancellation_policy": {"full_refund_days": 14, "later_refund_percent": 50}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = app
        .get(&format!("/events/{slug}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(
            "Full refund until Sunday 18 May 2031, 18:00 (Europe/Madrid); after that 50 %."
        )
    );

    assert_error(
        app.staff_patch(
            &format!("/api/v1/events/{slug}"),
            &json!({"cancellation_policy": {"full_refund_days": 7, "later_refund_percent": 120}}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("cancellation_policy.later_refund_percent"),
    )
    .await;
    assert_error(
        app.staff_patch(
            &format!("/api/v1/events/{slug}"),
            &json!({"cancellation_policy": {"full_refund_days": 7}}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        None,
    )
    .await;
    assert_eq!(
        app.event(&slug).await["cancellation_policy"]["later_refund_percent"],
        50
    );
}

#[tokio::test]
async fn cancelling_inside_the_full_refund_window_refunds_everything() {
    let app = spawn_app().await;
    let slug = event_in(
        &app,
        30,
        json!({"full_refund_days": 7, "later_refund_percent": 0}),
    )
    .await;
    let (token, page, text) = pay_then_cancel(&app, &slug).await;
    assert!(
        page.contains("You have paid 25.00 EUR. Cancelling now, it is refunded in full."),
        "{page}"
    );
    assert_eq!(app.status_of(&token).await, "cancelled");
    assert!(
        text.contains("You paid 25.00 EUR; it will be refunded in full."),
        "{text}"
    );
}

#[tokio::test]
async fn cancelling_late_refunds_the_policys_share_or_nothing() {
    let app = spawn_app().await;
    let half = event_in(
        &app,
        3,
        json!({"full_refund_days": 7, "later_refund_percent": 50}),
    )
    .await;
    let (_, page, text) = pay_then_cancel(&app, &half).await;
    assert!(
        page.contains("You have paid 25.00 EUR. Cancelling now, 12.50 EUR of it is refunded: full refunds ended on "),
        "{page}"
    );
    assert!(
        text.contains("under the event's cancellation policy 12.50 EUR of it will be refunded"),
        "{text}"
    );

    let app = spawn_app().await;
    let none = event_in(
        &app,
        3,
        json!({"full_refund_days": 7, "later_refund_percent": 0}),
    )
    .await;
    let (_, page, text) = pay_then_cancel(&app, &none).await;
    assert!(page.contains("Cancelling now refunds nothing"), "{page}");
    assert!(
        text.contains("cancellations this close to the event are not refunded"),
        "{text}"
    );
}

#[tokio::test]
async fn the_window_closes_as_time_passes_and_staff_cancellations_leave_the_refund_to_staff() {
    let app = spawn_app().await;
    let slug = event_in(
        &app,
        10,
        json!({"full_refund_days": 7, "later_refund_percent": 0}),
    )
    .await;
    let token = paid_registration(&app, &slug).await;
    let mut b = app.browser();
    let page = b.get(&format!("/r/{token}/cancel")).await;
    assert!(page.body.contains("refunded in full"), "{}", page.body);
    app.advance(Duration::days(4));
    let page = b.get(&format!("/r/{token}/cancel")).await;
    assert!(page.body.contains("refunds nothing"), "{}", page.body);

    // Staff cancel: no policy in the email, staff decide what to give back.
    let response = app
        .staff_post(
            &format!("/api/v1/registrations/{token}/cancel"),
            &json!({"reason": "moved to another date"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = app.email_text("cancelled").await;
    assert!(
        text.contains("You paid 25.00 EUR. We will be in touch about your refund."),
        "{text}"
    );
    assert!(text.contains("(moved to another date)"));
    // The hold's expiry job finds the registration cancelled and leaves it so.
    app.run_pending_jobs().await;
    assert_eq!(app.registration(&token).await["status"], "cancelled");
}

#[tokio::test]
async fn staff_set_the_policy_in_the_event_form() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let mut b = app.staff_browser("staff@example.org", "staff").await;
    let edit = b.get(&format!("/staff/events/{slug}/edit")).await;
    assert!(
        edit.body
            .contains("name=\"cancellation_policy.full_refund_days\" type=\"number\" min=\"0\" max=\"365\" value=\"7\""),
        "{}",
        edit.body
    );
    let mut fields = vec![
        ("title", "Sister city festival"),
        ("kind", "event"),
        ("timezone", "Europe/Madrid"),
        ("starts_at", "2031-06-01T18:00"),
        ("ends_at", "2031-06-01T23:00"),
        ("payment_options", "later"),
        ("hold_minutes", "1440"),
        ("offer_minutes", "2880"),
        ("offerings[0].key", "adult"),
        ("offerings[0].name", "Adult"),
        ("offerings[0].price", "25.00"),
        ("offerings[0].currency", "EUR"),
        ("reminders", "7, 1"),
        ("cancellation_policy.full_refund_days", "14"),
        ("cancellation_policy.later_refund_percent", "150"),
        ("action", "save"),
    ];
    let page = b
        .submit(&format!("/staff/events/{slug}/edit"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains(
            "id=\"cancellation-policy-later-refund-percent-error\">must be between 0 and 100<"
        ),
        "{}",
        page.body
    );
    fields.retain(|(k, _)| *k != "cancellation_policy.later_refund_percent");
    fields.push(("cancellation_policy.later_refund_percent", "25"));
    let page = b
        .submit(&format!("/staff/events/{slug}/edit"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        app.event(&slug).await["cancellation_policy"],
        json!({"full_refund_days": 14, "later_refund_percent": 25})
    );
}

#[tokio::test]
async fn staff_refund_part_of_a_payment_with_a_reason_and_the_ledger_shows_it() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let token = paid_registration(&app, &slug).await;
    let refunds = format!("/api/v1/registrations/{token}/refunds");
    let refund = |amount: i64| {
        json!({"method": "transfer", "amount": {"amount_minor": amount, "currency": "EUR"},
            "reason": "the gala dinner was replaced by a picnic"})
    };

    // More than was paid, a bad method, no reason, the wrong currency: each named.
    assert_error(
        app.staff_post(&refunds, &refund(2501)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("amount.amount_minor"),
    )
    .await;
    let body = assert_error(
        app.staff_post(
            &refunds,
            &json!({"method": "cheque", "amount": {"amount_minor": 100, "currency": "USD"}, "reason": " "}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("method"),
    )
    .await;
    assert!(body["error"]["fields"]["reason"].is_string(), "{body}");
    // Back to a card only what was paid by card (here: nothing, it was a transfer).
    assert_error(
        app.staff_post(
            &refunds,
            &json!({"method": "card", "amount": {"amount_minor": 100, "currency": "EUR"}, "reason": "Lunch"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("amount.amount_minor"),
    )
    .await;
    // Participants cannot refund themselves.
    assert_error(
        app.post(&refunds, &refund(100)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        None,
    )
    .await;
    // Nor can door volunteers.
    let door = app.token_for("door@example.org", "checkin").await;
    assert_error(
        app.post_as(&door, &refunds, &refund(100)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    )
    .await;

    let response = app.staff_post(&refunds, &refund(1000)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let json: Value = response.json().await.unwrap();
    assert_eq!(json["amount_paid"]["amount_minor"], 1500);
    assert_eq!(
        json["status"], "confirmed",
        "a refund does not change the state"
    );
    assert_eq!(
        json["amount_due"]["amount_minor"], 0,
        "what was given back is not due again: {json}"
    );
    assert_eq!(json["amount_total"]["amount_minor"], 1500);
    // The rest can go back too, but no more than that.
    assert_error(
        app.staff_post(&refunds, &refund(1501)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("amount.amount_minor"),
    )
    .await;

    let held: Vec<Value> = app.list_all("/api/v1/outbox?kind=refunded").await;
    assert_eq!(held.len(), 1);
    let one: Value = app
        .staff_get(&format!("/api/v1/outbox/{}", held[0]["id"]))
        .await
        .json()
        .await
        .unwrap();
    let text = one["body_text"].as_str().unwrap();
    assert!(
        text.contains(
            "We have refunded 10.00 EUR to you. What you have paid now comes to 15.00 EUR."
        ),
        "{text}"
    );
    assert!(text.contains("Reason: the gala dinner was replaced by a picnic"));

    let mut b = app.browser();
    let private = b.get(&format!("/r/{token}")).await;
    assert!(
        private.body.contains("Refund (Bank transfer)") && private.body.contains("-10.00 EUR"),
        "{}",
        private.body
    );
    assert!(private.body.contains("<dt>Paid</dt><dd>15.00 EUR"));
    assert!(
        !private.body.contains("payment reference"),
        "nothing is asked for again"
    );

    // Refunding everything leaves nothing to refund.
    let response = app.staff_post(&refunds, &refund(1500)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_error(
        app.staff_post(&refunds, &refund(1)).await,
        StatusCode::CONFLICT,
        "nothing_paid",
        None,
    )
    .await;
}

#[tokio::test]
async fn staff_record_a_refund_on_the_registration_page() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let token = paid_registration(&app, &slug).await;
    let id = twinning::registrations::find(&app.ctx, &token)
        .await
        .unwrap()
        .id;
    let mut b = app.staff_browser("staff@example.org", "staff").await;
    let page = b.get(&format!("/staff/registrations/{id}")).await;
    assert!(page.body.contains("Record a refund you have paid back"));
    assert!(
        page.body
            .contains("id=\"refund-amount\" name=\"amount\" value=\"25.00\"")
    );
    let bad = b
        .submit(
            &format!("/staff/registrations/{id}/refund"),
            &[("amount", "30.00"), ("method", "cash"), ("reason", "ill")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Refund not recorded"), "{}", bad.body);
    let done = b
        .submit(
            &format!("/staff/registrations/{id}/refund"),
            &[("amount", "25.00"), ("method", "cash"), ("reason", "ill")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = b.get(&format!("/staff/registrations/{id}")).await;
    assert!(
        page.body.contains("-25.00 EUR") && page.body.contains(">refund<"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Record a refund you have paid back"));
    assert_eq!(
        app.registration(&token).await["amount_paid"]["amount_minor"],
        0
    );
    let audit = b.get("/staff/audit").await;
    assert_eq!(
        audit.status,
        StatusCode::FORBIDDEN,
        "the audit log is for admins"
    );
}
