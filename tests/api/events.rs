use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_error, spawn_app};

#[tokio::test]
async fn staff_create_an_event_and_the_public_sees_it_with_seats_left() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({
            "capacity": 40,
            "partner_city": {"name": "Toledo", "country": "Spain", "languages": ["es"]},
            "offerings": [
                {"key": "adult", "name": "Adult", "price": {"amount_minor": 2500, "currency": "EUR"}, "capacity": 30},
                {"key": "student", "name": "Student", "price": {"amount_minor": 1000, "currency": "EUR"}}
            ]
        }))
        .await;

    let list: Vec<Value> = app.get("/api/v1/events").await.json().await.unwrap();
    assert_eq!(list.len(), 1);
    let event = &list[0];
    assert_eq!(event["slug"], slug);
    assert_eq!(event["seats_left"], 40);
    assert_eq!(event["offerings"][0]["seats_left"], 30);
    assert_eq!(event["offerings"][1]["seats_left"], 40);
    assert_eq!(event["partner_city"]["slug"], "toledo");
    assert_eq!(event["partner_city"]["languages"], json!(["es"]));

    app.register(&slug, "adult", &["Ana", "Luis"]).await;
    let event: Value = app
        .get(&format!("/api/v1/events/{slug}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(event["seats_left"], 38);
    assert_eq!(event["offerings"][0]["seats_left"], 28);
}

#[tokio::test]
async fn event_times_are_entered_and_shown_in_the_event_time_zone() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"timezone": "America/New_York", "starts_at": "2031-03-01T19:00", "ends_at": "2031-03-01T22:30"}))
        .await;
    let event = app.event(&slug).await;
    assert_eq!(event["starts_at"], "2031-03-01T19:00:00-05:00");
    assert_eq!(event["ends_at"], "2031-03-01T22:30:00-05:00");
    assert_eq!(event["timezone"], "America/New_York");
}

#[tokio::test]
async fn draft_events_are_hidden_from_the_public_but_not_from_staff() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"status": "draft"})).await;
    let list: Vec<Value> = app.get("/api/v1/events").await.json().await.unwrap();
    assert!(list.is_empty());
    assert_error(
        app.get(&format!("/api/v1/events/{slug}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
    assert_eq!(
        app.staff_get(&format!("/api/v1/events/{slug}"))
            .await
            .status(),
        StatusCode::OK
    );
    let body = json!({"contact": {"name": "A", "email": "a@example.org"}, "participants": [{"name": "A", "offering": "adult"}]});
    assert_error(
        app.post(&format!("/api/v1/events/{slug}/registrations"), &body)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
}

#[tokio::test]
async fn creating_and_changing_events_needs_a_staff_token_with_a_staff_role() {
    let app = spawn_app().await;
    let body = json!({"slug": "x", "kind": "event", "title": "X", "timezone": "UTC", "starts_at": "2031-01-01T10:00",
        "ends_at": "2031-01-01T12:00", "offerings": [{"key": "a", "name": "A", "price": {"amount_minor": 0, "currency": "EUR"}}]});
    assert_error(
        app.post("/api/v1/events", &body).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        None,
    )
    .await;
    assert_error(
        app.post_as("not-a-real-token", "/api/v1/events", &body)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        None,
    )
    .await;
    let checkin = app.token_for("door@example.org", "checkin").await;
    assert_error(
        app.post_as(&checkin, "/api/v1/events", &body).await,
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    )
    .await;
    let staff = app.token_for("staff@example.org", "staff").await;
    assert_eq!(
        app.post_as(&staff, "/api/v1/events", &body).await.status(),
        StatusCode::CREATED
    );
    let patch = app
        .client
        .patch(format!("{}/api/v1/events/x", app.address))
        .json(&json!({"title": "Y"}))
        .send()
        .await
        .unwrap();
    assert_error(patch, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
}

#[tokio::test]
async fn a_taken_slug_is_a_conflict() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let body = json!({"slug": slug, "kind": "event", "title": "Again", "timezone": "UTC", "starts_at": "2031-01-01T10:00",
        "ends_at": "2031-01-01T12:00", "offerings": [{"key": "a", "name": "A", "price": {"amount_minor": 0, "currency": "EUR"}}]});
    assert_error(
        app.staff_post("/api/v1/events", &body).await,
        StatusCode::CONFLICT,
        "slug_taken",
        None,
    )
    .await;
}

#[tokio::test]
async fn invalid_event_fields_are_all_named_in_one_answer() {
    let app = spawn_app().await;
    let body = json!({"slug": "Bad Slug", "kind": "party", "title": "", "timezone": "Mars/Base",
    "starts_at": "tomorrow", "ends_at": "2031-01-01T12:00", "hold_minutes": 5,
    "offerings": [
        {"key": "a", "name": "A", "price": {"amount_minor": -5, "currency": "EUR"}},
        {"key": "b", "name": "B", "price": {"amount_minor": 100, "currency": "EURO"}}
    ]});
    let answer = assert_error(
        app.staff_post("/api/v1/events", &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        None,
    )
    .await;
    let fields = answer["error"]["fields"].as_object().unwrap();
    for field in [
        "slug",
        "kind",
        "title",
        "timezone",
        "starts_at",
        "offerings[0].price.amount_minor",
        "offerings[1].price.currency",
    ] {
        assert!(fields.contains_key(field), "{field} missing from {answer}");
    }
    let missing = assert_error(
        app.staff_post("/api/v1/events", &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        None,
    )
    .await;
    for field in [
        "slug",
        "kind",
        "title",
        "timezone",
        "starts_at",
        "ends_at",
        "offerings",
    ] {
        assert_eq!(
            missing["error"]["fields"][field], "is required",
            "{missing}"
        );
    }
}

#[tokio::test]
async fn ends_before_start_and_mixed_currencies_are_rejected() {
    let app = spawn_app().await;
    let body = json!({"slug": "x", "kind": "event", "title": "X", "timezone": "UTC", "starts_at": "2031-01-02T10:00",
        "ends_at": "2031-01-01T12:00", "offerings": [
            {"key": "a", "name": "A", "price": {"amount_minor": 100, "currency": "EUR"}},
            {"key": "b", "name": "B", "price": {"amount_minor": 100, "currency": "USD"}}]});
    let answer = assert_error(
        app.staff_post("/api/v1/events", &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("ends_at"),
    )
    .await;
    assert!(
        answer["error"]["fields"]["offerings[1].price.currency"].is_string(),
        "{answer}"
    );
}

#[tokio::test]
async fn patching_an_event_changes_only_the_given_fields() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"capacity": 10, "venue": "Town hall"}))
        .await;
    let response = app
        .staff_patch(
            &format!("/api/v1/events/{slug}"),
            &json!({"title": "Renamed", "capacity": null}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let event = app.event(&slug).await;
    assert_eq!(event["title"], "Renamed");
    assert_eq!(event["capacity"], Value::Null);
    assert_eq!(event["seats_left"], Value::Null);
    assert_eq!(event["venue"], "Town hall");
    assert_eq!(event["offerings"].as_array().unwrap().len(), 2);
    let renamed = app
        .staff_patch(&format!("/api/v1/events/{slug}"), &json!({"slug": "other"}))
        .await;
    assert_error(
        renamed,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("slug"),
    )
    .await;
    let unknown = app
        .staff_patch("/api/v1/events/no-such-event", &json!({"title": "X"}))
        .await;
    assert_error(unknown, StatusCode::NOT_FOUND, "not_found", None).await;
}

#[tokio::test]
async fn an_offering_with_registrations_cannot_be_removed() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    app.register(&slug, "adult", &["Ana"]).await;
    let only_free = json!({"offerings": [{"key": "free", "name": "Child", "price": {"amount_minor": 0, "currency": "EUR"}}]});
    let response = app
        .staff_patch(&format!("/api/v1/events/{slug}"), &only_free)
        .await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("offerings"),
    )
    .await;
    assert_eq!(
        app.event(&slug).await["offerings"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "nothing changed"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/events",
        "/api/v1/events/{slug}/registrations",
        "/api/v1/registrations/{token}/cancel",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
}
