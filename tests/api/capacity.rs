//! Capacity holds under a concurrent rush.

use std::collections::HashMap;

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_hundred_concurrent_registrations_never_oversell_fifty_seats() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({
            "capacity": 50,
            "offerings": [
                {"key": "adult", "name": "Adult", "price": {"amount_minor": 2500, "currency": "EUR"}},
                {"key": "student", "name": "Student", "price": {"amount_minor": 1000, "currency": "EUR"}, "capacity": 20},
                {"key": "child", "name": "Child", "price": {"amount_minor": 0, "currency": "EUR"}}
            ]
        }))
        .await;
    let offerings = ["adult", "student", "child"];
    let requests = (0..300).map(|i| {
        let size = [1, 1, 2, 1, 3][i % 5];
        let participants: Vec<Value> = (0..size)
            .map(|p| json!({"name": format!("Person {i}-{p}"), "offering": offerings[(i + p) % 3]}))
            .collect();
        let body = json!({"contact": {"name": format!("Contact {i}"), "email": format!("c{i}@example.org")},
            "participants": participants, "payment": "later"});
        let client = app.client.clone();
        let url = format!("{}/api/v1/events/{slug}/registrations", app.address);
        async move {
            let response = client.post(url).json(&body).send().await.expect("sent");
            let status = response.status();
            let json: Value = response.json().await.expect("json");
            (status, json, body)
        }
    });
    let results = join_all(requests).await;

    let mut by_status: HashMap<String, usize> = HashMap::new();
    let mut seats_held = 0;
    let mut student_seats = 0;
    for (status, json, body) in &results {
        assert_eq!(
            *status,
            StatusCode::CREATED,
            "every request is answered 201: {json}"
        );
        let state = json["status"].as_str().unwrap().to_owned();
        if state == "confirmed" || state == "pending_payment" {
            let participants = body["participants"].as_array().unwrap();
            seats_held += participants.len();
            student_seats += participants
                .iter()
                .filter(|p| p["offering"] == "student")
                .count();
        } else {
            assert_eq!(state, "waitlisted", "{json}");
        }
        *by_status.entry(state).or_default() += 1;
    }
    assert_eq!(
        seats_held, 50,
        "exactly the capacity is held: {by_status:?}"
    );
    assert!(
        student_seats <= 20,
        "the student offering's own limit holds: {student_seats}"
    );
    assert!(by_status["waitlisted"] > 0);
    let event = app.event(&slug).await;
    assert_eq!(event["seats_left"], 0);
    let listed: Vec<Value> = app
        .staff_get(&format!("/api/v1/events/{slug}/registrations"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 300, "nothing was lost");
    app.assert_seat_counters_match(&slug).await;
}
