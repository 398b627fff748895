use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_error, spawn_app};

#[tokio::test]
async fn a_free_registration_is_confirmed_at_once() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let created = app.register(&slug, "free", &["Lucía"]).await;
    assert_eq!(created["status"], "confirmed");
    assert_eq!(
        created["amount_due"],
        json!({"amount_minor": 0, "currency": "EUR"})
    );
    let token = created["token"].as_str().unwrap();
    assert!(token.len() >= 43, "tokens carry at least 256 bits");
    assert_eq!(created["manage_url"], format!("{}/r/{token}", app.address));
    let reg = app.registration(token).await;
    assert_eq!(reg["participants"][0]["name"], "Lucía");
    assert_eq!(reg["contact"]["email"], "contact@example.org");
    assert!(
        reg.get("token").is_none(),
        "the public view does not repeat the token"
    );
}

#[tokio::test]
async fn a_priced_pay_later_registration_holds_its_seats_until_staff_record_the_payment() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"capacity": 5})).await;
    let created = app.register(&slug, "adult", &["Ana", "Luis"]).await;
    assert_eq!(created["status"], "pending_payment");
    assert_eq!(
        created["amount_due"],
        json!({"amount_minor": 5000, "currency": "EUR"})
    );
    assert_eq!(app.event(&slug).await["seats_left"], 3);
    let token = created["token"].as_str().unwrap();

    let part = json!({"method": "transfer", "amount": {"amount_minor": 2000, "currency": "EUR"}, "reference": "SEPA 123"});
    let response = app
        .staff_post(&format!("/api/v1/registrations/{token}/payments"), &part)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let reg: Value = response.json().await.unwrap();
    assert_eq!(
        reg["status"], "pending_payment",
        "partly paid stays pending"
    );
    assert_eq!(reg["amount_due"]["amount_minor"], 3000);

    let too_much = json!({"method": "cash", "amount": {"amount_minor": 3001, "currency": "EUR"}});
    let response = app
        .staff_post(
            &format!("/api/v1/registrations/{token}/payments"),
            &too_much,
        )
        .await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("amount.amount_minor"),
    )
    .await;

    let rest = json!({"method": "cash", "amount": {"amount_minor": 3000, "currency": "EUR"}});
    let reg: Value = app
        .staff_post(&format!("/api/v1/registrations/{token}/payments"), &rest)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reg["status"], "confirmed");
    assert_eq!(reg["amount_paid"]["amount_minor"], 5000);
    assert_eq!(reg["amount_due"]["amount_minor"], 0);
    let history: Vec<&str> = reg["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["to"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["pending_payment", "confirmed"]);
    assert_eq!(reg["history"][1]["actor"], "staff:admin@example.org");
}

#[tokio::test]
async fn a_full_event_puts_new_registrations_on_the_waitlist() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"capacity": 2})).await;
    assert_eq!(
        app.register(&slug, "free", &["A", "B"]).await["status"],
        "confirmed"
    );
    let waiting = app.register(&slug, "free", &["C"]).await;
    assert_eq!(waiting["status"], "waitlisted");
    assert_eq!(app.event(&slug).await["seats_left"], 0);
}

#[tokio::test]
async fn offering_capacity_limits_its_own_seats_while_others_remain() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"offerings": [
            {"key": "dinner", "name": "Gala dinner", "price": {"amount_minor": 4000, "currency": "EUR"}, "capacity": 1},
            {"key": "free", "name": "Concert", "price": {"amount_minor": 0, "currency": "EUR"}}]}))
        .await;
    assert_eq!(
        app.register(&slug, "dinner", &["A"]).await["status"],
        "pending_payment"
    );
    assert_eq!(
        app.register(&slug, "dinner", &["B"]).await["status"],
        "waitlisted"
    );
    assert_eq!(
        app.register(&slug, "free", &["C"]).await["status"],
        "confirmed"
    );
}

#[tokio::test]
async fn cancelling_frees_seats_and_offers_them_to_the_next_waitlisted_group_that_fits() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"capacity": 2})).await;
    let first = app.register(&slug, "free", &["A"]).await;
    app.register(&slug, "free", &["B"]).await;
    let group = app.register(&slug, "free", &["C", "D", "E"]).await;
    let single = app.register(&slug, "free", &["F"]).await;
    assert_eq!(group["status"], "waitlisted");
    assert_eq!(single["status"], "waitlisted");

    let response = app.cancel(first["token"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cancelled: Value = response.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");

    assert_eq!(
        app.status_of(group["token"].as_str().unwrap()).await,
        "waitlisted",
        "a group of 3 does not fit 1 seat"
    );
    let offered = app.registration(single["token"].as_str().unwrap()).await;
    assert_eq!(offered["status"], "offered");
    assert!(offered["offer_expires_at"].is_string());

    let claim = app
        .post(
            &format!(
                "/api/v1/registrations/{}/claim",
                single["token"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await;
    assert_eq!(claim.status(), StatusCode::OK);
    assert_eq!(
        app.status_of(single["token"].as_str().unwrap()).await,
        "confirmed"
    );
    assert_eq!(app.event(&slug).await["seats_left"], 0);
    app.assert_seat_counters_match(&slug).await;
}

#[tokio::test]
async fn cancelling_twice_is_a_conflict() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let token = app.register(&slug, "free", &["A"]).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.cancel(&token).await.status(), StatusCode::OK);
    let again = app.cancel(&token).await;
    assert_error(again, StatusCode::CONFLICT, "not_cancellable", None).await;
}

#[tokio::test]
async fn approval_required_registrations_wait_for_staff_then_take_seats_or_are_rejected() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"approval_required": true, "capacity": 1}))
        .await;
    let first = app.register(&slug, "adult", &["A"]).await;
    let second = app.register(&slug, "adult", &["B"]).await;
    let third = app.register(&slug, "adult", &["C"]).await;
    assert_eq!(first["status"], "awaiting_approval");
    assert_eq!(
        app.event(&slug).await["seats_left"],
        1,
        "waiting for approval holds no seat"
    );

    let t1 = first["token"].as_str().unwrap();
    let approved: Value = app
        .staff_post(&format!("/api/v1/registrations/{t1}/approve"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(approved["status"], "pending_payment");
    let t2 = second["token"].as_str().unwrap();
    let approved: Value = app
        .staff_post(&format!("/api/v1/registrations/{t2}/approve"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(approved["status"], "waitlisted", "approved but full");

    let t3 = third["token"].as_str().unwrap();
    let rejected = app
        .staff_post(
            &format!("/api/v1/registrations/{t3}/reject"),
            &json!({"reason": "age limit"}),
        )
        .await;
    assert_eq!(rejected.status(), StatusCode::OK);
    let rejected: Value = rejected.json().await.unwrap();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["history"][1]["reason"], "age limit");

    let again = app
        .staff_post(&format!("/api/v1/registrations/{t3}/approve"), &json!({}))
        .await;
    assert_error(again, StatusCode::CONFLICT, "not_awaiting_approval", None).await;
    let by_public = app
        .post(&format!("/api/v1/registrations/{t2}/approve"), &json!({}))
        .await;
    assert_error(by_public, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
    app.assert_seat_counters_match(&slug).await;
}

#[tokio::test]
async fn staff_list_registrations_filtered_by_status() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"capacity": 1})).await;
    app.register(&slug, "free", &["A"]).await;
    app.register(&slug, "free", &["B"]).await;
    let all: Vec<Value> = app
        .list_all(&format!("/api/v1/events/{slug}/registrations"))
        .await;
    assert_eq!(all.len(), 2);
    assert!(
        all[0]["token"].is_string(),
        "staff see tokens to act on registrations"
    );
    let waiting: Vec<Value> = app
        .list_all(&format!(
            "/api/v1/events/{slug}/registrations?status=waitlisted"
        ))
        .await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["participants"][0]["name"], "B");
    let bad = app
        .staff_get(&format!("/api/v1/events/{slug}/registrations?status=happy"))
        .await;
    assert_error(
        bad,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("status"),
    )
    .await;
    assert_error(
        app.get(&format!("/api/v1/events/{slug}/registrations"))
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        None,
    )
    .await;
}

#[tokio::test]
async fn raising_the_capacity_offers_the_new_seats_to_the_waitlist() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"capacity": 1})).await;
    app.register(&slug, "free", &["A"]).await;
    let waiting = app.register(&slug, "free", &["B"]).await;
    let response = app
        .staff_patch(&format!("/api/v1/events/{slug}"), &json!({"capacity": 2}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.status_of(waiting["token"].as_str().unwrap()).await,
        "offered"
    );
}

#[tokio::test]
async fn every_state_change_is_recorded_with_actor_and_reason() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let token = app.register(&slug, "adult", &["A"]).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/registrations/{token}/cancel"),
        &json!({"reason": "cannot travel"}),
    )
    .await;
    let reg: Value = app
        .staff_get(&format!("/api/v1/registrations/{token}"))
        .await
        .json()
        .await
        .unwrap();
    let history = reg["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["from"], Value::Null);
    assert_eq!(history[0]["to"], "pending_payment");
    assert_eq!(history[0]["actor"], "participant");
    assert_eq!(history[1]["from"], "pending_payment");
    assert_eq!(history[1]["to"], "cancelled");
    assert_eq!(history[1]["reason"], "cannot travel");
}

#[tokio::test]
async fn a_contact_phone_is_optional_checked_and_shown_to_staff_only() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let url = format!("/api/v1/events/{slug}/registrations");
    let body = |phone: &str| {
        json!({"contact": {"name": "Ana", "email": "ana@example.org", "phone": phone},
            "participants": [{"name": "Ana", "offering": "free"}]})
    };
    let response = app.post(&url, &body("ring twice")).await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("contact.phone"),
    )
    .await;
    let response = app.post(&url, &body("+34 925 22 10 00")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert!(
        created["contact"].get("phone").is_none(),
        "the private link's holder does not need it echoed: {created}"
    );
    let listed = app.list_all(&url).await;
    assert_eq!(listed[0]["contact"]["phone"], "+34 925 22 10 00");
    let id =
        twinning::db::registrations::list_for_event(&app.ctx.db, app.event_id(&slug).await, None)
            .await
            .unwrap()[0]
            .id;
    let mut staff = app.staff_browser("staff@example.org", "staff").await;
    let page = staff.get(&format!("/staff/registrations/{id}")).await;
    assert!(
        page.body.contains("href=\"tel:+34 925 22 10 00\""),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn answers_to_the_events_questions_are_checked_stored_and_shown() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"questions": [
            {"label": "T-shirt size", "options": ["S", "M", "L"], "required": true},
            {"key": "diet", "label": "Dietary needs"}
        ]}))
        .await;
    let event = app.event(&slug).await;
    assert_eq!(event["questions"][0]["key"], "t-shirt-size");
    assert_eq!(event["questions"][1]["key"], "diet");
    let url = format!("/api/v1/events/{slug}/registrations");
    let body = |answers: Value| {
        json!({"contact": {"name": "Ana", "email": "ana@example.org"},
            "participants": [{"name": "Ana", "offering": "free", "answers": answers}]})
    };
    let response = app.post(&url, &body(json!({"diet": "vegan"}))).await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("participants[0].answers.t-shirt-size"),
    )
    .await;
    let response = app
        .post(&url, &body(json!({"t-shirt-size": "XXL", "shoe": "42"})))
        .await;
    let error = assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("participants[0].answers.t-shirt-size"),
    )
    .await;
    assert!(
        error["error"]["fields"]["participants[0].answers.shoe"].is_string(),
        "an unknown question is named: {error}"
    );
    let response = app
        .post(
            &url,
            &body(json!({"t-shirt-size": " M ", "diet": "no nuts"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    let registration = app.registration(&token).await;
    assert_eq!(
        registration["participants"][0]["answers"],
        json!({"t-shirt-size": "M", "diet": "no nuts"}),
        "answers are trimmed and kept by key"
    );
    let mut b = app.browser();
    let page = b.get(&format!("/r/{token}")).await;
    assert!(page.body.contains("T-shirt size: M"), "{}", page.body);

    // Staff change the questions with PATCH; stored answers stay.
    let response = app
        .staff_patch(
            &format!("/api/v1/events/{slug}"),
            &json!({"questions": [{"label": "Size", "options": ["S"]}]}),
        )
        .await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("questions[0]"),
    )
    .await;
}
