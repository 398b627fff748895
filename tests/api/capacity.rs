//! Capacity holds under a concurrent rush.

use std::collections::HashMap;

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

/// Registration `i` of a rush: `size` participants, paying later, their offerings taken in
/// turn from `offerings`.
fn group(i: usize, size: usize, offerings: &[&str]) -> Value {
    let participants: Vec<Value> = (0..size)
        .map(|p| {
            let offering = offerings[(i + p) % offerings.len()];
            json!({"name": format!("Person {i}-{p}"), "offering": offering})
        })
        .collect();
    json!({"contact": {"name": format!("Contact {i}"), "email": format!("c{i}@example.org")},
        "participants": participants, "payment": "later"})
}

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
        let body = group(i, [1, 1, 2, 1, 3][i % 5], &offerings);
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
        .list_all(&format!("/api/v1/events/{slug}/registrations"))
        .await;
    assert_eq!(listed.len(), 300, "nothing was lost");
    app.assert_seat_counters_match(&slug).await;
}

/// Seats are taken by a conditional update and freed by cancellations that offer them on,
/// all at once: the counters end equal to the registrations, never above capacity, and no
/// group is left waiting that the seats left would hold (every freed seat went to the line
/// or to a newcomer, and a newcomer turned to the line really did not fit).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn claims_and_cancels_at_once_keep_seats_exact_and_the_line_served() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({
            "capacity": 20,
            "offerings": [
                {"key": "adult", "name": "Adult", "price": {"amount_minor": 2500, "currency": "EUR"}},
                {"key": "child", "name": "Child", "price": {"amount_minor": 0, "currency": "EUR"}, "capacity": 8}
            ]
        }))
        .await;
    // Eight of the twenty seats taken before the rush, three of them given back during it.
    // (Seats sold twice could be hidden by seats given back later; the conditional update
    // itself is held by the next test.)
    let mut holders = Vec::new();
    for i in 0..8 {
        let offering = if i % 4 == 0 { "child" } else { "adult" };
        let r = app
            .register(&slug, offering, &[&format!("Early {i}")])
            .await;
        holders.push(r["token"].as_str().unwrap().to_owned());
    }
    let url = format!("{}/api/v1/events/{slug}/registrations", app.address);
    let claims = (0..60).map(|i| {
        let body = group(i, [1, 2, 1, 3][i % 4], &["adult", "child"]);
        let (client, url) = (app.client.clone(), url.clone());
        async move {
            let response = client.post(url).json(&body).send().await.expect("sent");
            assert_eq!(response.status(), StatusCode::CREATED);
        }
    });
    let cancels = holders.iter().step_by(3).map(|token| {
        let app = &app;
        async move {
            assert_eq!(app.cancel(token).await.status(), StatusCode::OK);
        }
    });
    futures::join!(join_all(claims), join_all(cancels));

    app.assert_seat_counters_match(&slug).await;
    let event_id = app.event_id(&slug).await;
    let held = twinning::db::events::recount_held(&app.ctx.db, event_id)
        .await
        .unwrap();
    assert!(held.total <= 20, "oversold: {held:?}");
    for o in twinning::db::events::offerings(&app.ctx.db, event_id)
        .await
        .unwrap()
    {
        let n = held.by_offering.get(&o.id).copied().unwrap_or(0);
        assert!(o.capacity.is_none_or(|c| n <= c), "{} oversold: {n}", o.key);
    }
    let event = app.event(&slug).await;
    let seats_left = event["seats_left"].as_i64().expect("a limited event");
    assert!(seats_left >= 0);
    let listed: Vec<Value> = app
        .list_all(&format!("/api/v1/events/{slug}/registrations"))
        .await;
    assert_eq!(listed.len(), 68, "nothing was lost");
    let child_left = event["offerings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["key"] == "child")
        .and_then(|o| o["seats_left"].as_i64())
        .unwrap_or(seats_left);
    for r in listed.iter().filter(|r| r["status"] == "waitlisted") {
        let participants = r["participants"].as_array().unwrap();
        let children = participants
            .iter()
            .filter(|p| p["offering"] == "child")
            .count() as i64;
        assert!(
            participants.len() as i64 > seats_left || children > child_left,
            "a waitlisted group of {} ({children} children) would fit in {seats_left} seats \
             ({child_left} for children): {r}",
            participants.len()
        );
    }
}

/// The conditional update itself, two transactions at once: the one that waits re-checks the
/// room against what the first committed (taken: refused; given back: granted).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_seat_claim_waiting_on_another_sees_what_it_committed() {
    use twinning::db::events::{add_held, take_seats};
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"capacity": 3, "offerings": [
            {"key": "adult", "name": "Adult", "price": {"amount_minor": 2500, "currency": "EUR"}}
        ]}))
        .await;
    app.register(&slug, "adult", &["One", "Two"]).await;
    let event_id = app.event_id(&slug).await;
    let offering = twinning::db::events::offerings(&app.ctx.db, event_id)
        .await
        .unwrap()[0]
        .id;
    let one = HashMap::from([(offering, 1)]);
    let two = HashMap::from([(offering, 2)]);

    // A claim takes the last seat; a second claim waits for it, then finds no room.
    let mut first = app.ctx.db.begin().await.unwrap();
    assert!(take_seats(&mut first, event_id, &one).await.unwrap());
    let second = spawn_claim(&app, event_id, one.clone());
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        !second.is_finished(),
        "the second claim waits for the first"
    );
    first.commit().await.unwrap();
    assert!(!second.await.unwrap(), "the last seat is not sold twice");

    // Two seats given back: a claim for two gets them and one more finds none. (A claim made
    // while the seats are being given back may be refused on PostgreSQL, which judges the
    // condition on the row as last committed: `submit` then tries again holding the event.)
    let mut giving_back = app.ctx.db.begin().await.unwrap();
    add_held(&mut giving_back, event_id, &two, -1)
        .await
        .unwrap();
    giving_back.commit().await.unwrap();
    assert!(spawn_claim(&app, event_id, two.clone()).await.unwrap());
    assert!(!spawn_claim(&app, event_id, one.clone()).await.unwrap());
    assert_eq!(app.event(&slug).await["seats_left"], 0);
}

/// Staff cancelling the event hold it (`events::lock`); a seat claim arriving meanwhile waits,
/// then sees the cancellation and takes nothing, although it read the event as published.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_seat_claim_waiting_on_a_cancellation_takes_nothing() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"capacity": 10})).await;
    let event_id = app.event_id(&slug).await;
    let offering = twinning::db::events::offerings(&app.ctx.db, event_id)
        .await
        .unwrap()[0]
        .id;
    let mut cancelling = app.ctx.db.begin().await.unwrap();
    let event = twinning::db::events::lock(&mut cancelling, event_id)
        .await
        .unwrap();
    assert_eq!(event.seats_held, 0);
    twinning::on_tx!(&mut cancelling, |c| sqlx::query(
        "UPDATE events SET status = 'cancelled' WHERE id = $1"
    )
    .bind(event_id)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    let claim = spawn_claim(&app, event_id, HashMap::from([(offering, 1)]));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!claim.is_finished(), "the claim waits for the cancellation");
    cancelling.commit().await.unwrap();
    assert!(!claim.await.unwrap(), "a cancelled event sells no seat");
    let held = twinning::db::events::recount_held(&app.ctx.db, event_id)
        .await
        .unwrap();
    assert_eq!(held.total, 0);
    app.assert_seat_counters_match(&slug).await;
}

/// Claims `seats` of event `event_id` in a transaction of its own, committed.
fn spawn_claim(
    app: &crate::helpers::TestApp,
    event_id: i64,
    seats: HashMap<i64, i64>,
) -> tokio::task::JoinHandle<bool> {
    let db = app.ctx.db.clone();
    tokio::spawn(async move {
        let mut tx = db.begin().await.unwrap();
        let took = twinning::db::events::take_seats(&mut tx, event_id, &seats)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        took
    })
}

/// On SQLite, registrations that arrive while the writer is busy are decided in one
/// transaction, in arrival order, and committed together: the event fills in the middle of
/// the group, every later one is waitlisted in the order it came, a request that fails midway
/// leaves nothing behind and takes nothing from the others, and every registration's email row
/// is committed with it. (PostgreSQL commits registrations in parallel and has no groups; the
/// rushes above hold it there.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn registrations_arriving_together_commit_as_one_group_in_arrival_order() {
    let app = spawn_app().await;
    let Some(writer) = app.ctx.db.group_writer() else {
        return;
    };
    let slug = app
        .create_event(json!({
            "capacity": 10,
            "offerings": [{"key": "adult", "name": "Adult", "price": {"amount_minor": 0, "currency": "EUR"}}]
        }))
        .await;
    let (groups_before, members_before) = writer.committed();
    // Keep the writer busy, as a commit in progress would, while sixteen requests line up one
    // after another; the sixth names an offering the event does not have.
    let held = app.ctx.db.begin().await.unwrap();
    let mut answers = Vec::new();
    for i in 0..16 {
        let offering = if i == 5 { "gala" } else { "adult" };
        let body = json!({"contact": {"name": format!("Contact {i}"), "email": format!("c{i}@example.org")},
            "participants": [{"name": format!("Person {i}"), "offering": offering}]});
        let (client, url) = (
            app.client.clone(),
            format!("{}/api/v1/events/{slug}/registrations", app.address),
        );
        let lined_up = writer.lined_up();
        answers.push(tokio::spawn(async move {
            let response = client.post(url).json(&body).send().await.expect("sent");
            let status = response.status();
            (status, response.json::<Value>().await.expect("json"))
        }));
        let waited = std::time::Instant::now();
        while writer.lined_up() == lined_up {
            assert!(
                waited.elapsed() < std::time::Duration::from_secs(20),
                "request {i} never reached the writer"
            );
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    }
    held.rollback().await.unwrap();
    let mut states = Vec::new();
    for (i, answer) in join_all(answers).await.into_iter().enumerate() {
        let (status, json) = answer.unwrap();
        if i == 5 {
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
            continue;
        }
        assert_eq!(status, StatusCode::CREATED, "{json}");
        states.push(json["status"].as_str().unwrap().to_owned());
    }
    let expected: Vec<&str> = std::iter::repeat_n("confirmed", 10)
        .chain(std::iter::repeat_n("waitlisted", 5))
        .collect();
    assert_eq!(
        states, expected,
        "the first ten to arrive hold the seats, the rest wait in arrival order"
    );
    assert_eq!(
        writer.committed(),
        (groups_before + 1, members_before + 15),
        "the fifteen that stood were committed in one transaction"
    );

    let twinning::db::Db::Sqlite(pools) = &app.ctx.db else {
        unreachable!("group commit runs on SQLite")
    };
    let stored: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT r.contact_email, r.status, o.kind FROM registrations r \
         LEFT JOIN outbox o ON o.registration_id = r.id ORDER BY r.id, o.id",
    )
    .fetch_all(&pools.read)
    .await
    .unwrap();
    let expected: Vec<(String, String, Option<String>)> = (0..16)
        .filter(|i| *i != 5)
        .zip(&expected)
        .map(|(i, state)| {
            (
                format!("c{i}@example.org"),
                state.to_string(),
                Some(state.to_string()),
            )
        })
        .collect();
    assert_eq!(
        stored, expected,
        "stored in arrival order, each with its one email, nothing of the failed request"
    );
    assert_eq!(app.event(&slug).await["seats_left"], 0);
    app.assert_seat_counters_match(&slug).await;
}
