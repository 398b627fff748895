//! Bad input gets a clear JSON answer naming the problem; never a 500.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_error, spawn_app};

fn registration(email: &str, participants: serde_json::Value) -> serde_json::Value {
    json!({"contact": {"name": "Ana", "email": email, "language": "es"}, "participants": participants, "payment": "later"})
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let response = app
        .client
        .post(format!(
            "{}/api/v1/events/{slug}/registrations",
            app.address
        ))
        .header("content-type", "application/json")
        .body("{\"contact\": {\"name\": \"Ana\",")
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::BAD_REQUEST, "malformed_request", None).await;
}

#[tokio::test]
async fn missing_or_invalid_fields_are_named() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let path = format!("/api/v1/events/{slug}/registrations");
    let no_email =
        json!({"contact": {"name": "Ana"}, "participants": [{"name": "Ana", "offering": "free"}]});
    assert_error(
        app.post(&path, &no_email).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("contact.email"),
    )
    .await;
    let bad_email = registration(
        "ana-at-example.org",
        json!([{"name": "Ana", "offering": "free"}]),
    );
    assert_error(
        app.post(&path, &bad_email).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("contact.email"),
    )
    .await;
    let wrong_type = json!({"contact": {"name": 5, "email": "a@example.org"}, "participants": []});
    assert_error(
        app.post(&path, &wrong_type).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("contact.name"),
    )
    .await;
    let unknown_field = json!({"contact": {"name": "A", "email": "a@example.org"}, "participants": [], "coupon": "X"});
    assert_error(
        app.post(&path, &unknown_field).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        None,
    )
    .await;
    let bad_language = json!({"contact": {"name": "A", "email": "a@example.org", "language": "klingon"},
        "participants": [{"name": "A", "offering": "free"}]});
    assert_error(
        app.post(&path, &bad_language).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("contact.language"),
    )
    .await;
    let blank_name = registration("a@example.org", json!([{"name": "  ", "offering": "free"}]));
    assert_error(
        app.post(&path, &blank_name).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("participants[0].name"),
    )
    .await;
}

#[tokio::test]
async fn zero_or_too_many_participants_are_refused() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let path = format!("/api/v1/events/{slug}/registrations");
    assert_error(
        app.post(&path, &registration("a@example.org", json!([])))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("participants"),
    )
    .await;
    let crowd: Vec<_> = (0..21)
        .map(|i| json!({"name": format!("P{i}"), "offering": "free"}))
        .collect();
    assert_error(
        app.post(&path, &registration("a@example.org", json!(crowd)))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("participants"),
    )
    .await;
}

#[tokio::test]
async fn an_unknown_offering_is_named_with_the_choices() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let body = registration(
        "a@example.org",
        json!([{"name": "A", "offering": "free"}, {"name": "B", "offering": "vip"}]),
    );
    let answer = assert_error(
        app.post(&format!("/api/v1/events/{slug}/registrations"), &body)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("participants[1].offering"),
    )
    .await;
    assert!(
        answer["error"]["fields"]["participants[1].offering"]
            .as_str()
            .unwrap()
            .contains("adult")
    );
}

#[tokio::test]
async fn registration_before_opening_after_closing_or_on_a_cancelled_event_is_a_conflict() {
    let app = spawn_app().await;
    let body = registration("a@example.org", json!([{"name": "A", "offering": "free"}]));
    let not_yet = app
        .create_event(json!({"registration_opens_at": "2030-01-01T00:00"}))
        .await;
    assert_error(
        app.post(&format!("/api/v1/events/{not_yet}/registrations"), &body)
            .await,
        StatusCode::CONFLICT,
        "registration_not_open",
        None,
    )
    .await;

    let closing = app.create_event(json!({"registration_closes_at": "2029-01-01T00:00", "starts_at": "2029-06-01T10:00", "ends_at": "2029-06-01T12:00"})).await;
    assert_eq!(
        app.post(&format!("/api/v1/events/{closing}/registrations"), &body)
            .await
            .status(),
        StatusCode::CREATED
    );
    app.advance(Duration::days(3 * 366 + 31));
    assert_error(
        app.post(&format!("/api/v1/events/{closing}/registrations"), &body)
            .await,
        StatusCode::CONFLICT,
        "registration_closed",
        None,
    )
    .await;

    let cancelled = app.create_event(json!({})).await;
    app.staff_patch(
        &format!("/api/v1/events/{cancelled}"),
        &json!({"status": "cancelled"}),
    )
    .await;
    assert_error(
        app.post(&format!("/api/v1/events/{cancelled}/registrations"), &body)
            .await,
        StatusCode::CONFLICT,
        "event_cancelled",
        None,
    )
    .await;
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let huge = "x".repeat(100 * 1024);
    let body = registration("a@example.org", json!([{"name": huge, "offering": "free"}]));
    assert_error(
        app.post(&format!("/api/v1/events/{slug}/registrations"), &body)
            .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        None,
    )
    .await;
}

#[tokio::test]
async fn unknown_slugs_tokens_and_routes_are_404s() {
    let app = spawn_app().await;
    let body = registration("a@example.org", json!([{"name": "A", "offering": "free"}]));
    assert_error(
        app.post("/api/v1/events/nope/registrations", &body).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
    assert_error(
        app.get("/api/v1/events/nope").await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
    let forged = "A".repeat(43);
    assert_error(
        app.get(&format!("/api/v1/registrations/{forged}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
    assert_error(
        app.get("/api/v1/registrations/short").await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
    assert_error(
        app.cancel(&forged).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
    assert_error(
        app.get("/api/v1/nothing-here").await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
}

#[tokio::test]
async fn a_token_with_the_right_selector_but_wrong_secret_is_not_found() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let token = app.register(&slug, "free", &["A"]).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut forged = token[..12].to_owned();
    forged.push_str(&"B".repeat(31));
    assert_ne!(forged, token);
    assert_error(
        app.get(&format!("/api/v1/registrations/{forged}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
}

#[tokio::test]
async fn paying_by_card_is_refused_clearly_until_card_payments_exist() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"payment_options": ["later", "card"]}))
        .await;
    let mut body = registration("a@example.org", json!([{"name": "A", "offering": "adult"}]));
    body["payment"] = json!("card");
    assert_error(
        app.post(&format!("/api/v1/events/{slug}/registrations"), &body)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("payment"),
    )
    .await;
    body["payment"] = json!("bitcoin");
    assert_error(
        app.post(&format!("/api/v1/events/{slug}/registrations"), &body)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("payment"),
    )
    .await;
}

#[tokio::test]
async fn too_many_registrations_from_one_client_are_rate_limited() {
    let app = crate::helpers::spawn_app_with(|s| s.registrations_per_minute = 3, false).await;
    let slug = app.create_event(json!({})).await;
    let body = registration("a@example.org", json!([{"name": "A", "offering": "free"}]));
    for _ in 0..3 {
        assert_eq!(
            app.post(&format!("/api/v1/events/{slug}/registrations"), &body)
                .await
                .status(),
            StatusCode::CREATED
        );
    }
    assert_error(
        app.post(&format!("/api/v1/events/{slug}/registrations"), &body)
            .await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        None,
    )
    .await;
}

#[tokio::test]
async fn axum_rejections_and_wrong_methods_still_answer_in_json() {
    let app = spawn_app().await;
    assert_error(
        app.get("/api/v1/registrations/%FF%FE").await,
        StatusCode::BAD_REQUEST,
        "malformed_request",
        None,
    )
    .await;
    let wrong_method = app
        .client
        .delete(format!("{}/api/v1/events", app.address))
        .send()
        .await
        .unwrap();
    assert_error(
        wrong_method,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        None,
    )
    .await;
    let slug = app.create_event(json!({})).await;
    let not_json = app
        .client
        .post(format!(
            "{}/api/v1/events/{slug}/registrations",
            app.address
        ))
        .header("content-type", "text/plain")
        .body("name=Ana")
        .send()
        .await
        .unwrap();
    // Another site could post a text/plain body through a visitor's browser: refused as 415.
    assert_error(
        not_json,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        Some("Content-Type"),
    )
    .await;
    let broken_json = app
        .client
        .post(format!(
            "{}/api/v1/events/{slug}/registrations",
            app.address
        ))
        .header("content-type", "application/json")
        .body("name=Ana")
        .send()
        .await
        .unwrap();
    assert_error(
        broken_json,
        StatusCode::BAD_REQUEST,
        "malformed_request",
        None,
    )
    .await;
}
