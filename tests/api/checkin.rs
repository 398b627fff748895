//! Check-in at the door: the API a scanner app uses, and the door page.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn codes_of(app: &TestApp, token: &str) -> Vec<String> {
    let reg = twinning::registrations::find(&app.ctx, token)
        .await
        .unwrap();
    twinning::db::registrations::participants(&app.ctx.db, reg.id)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.checkin_code.expect("every participant has a code"))
        .collect()
}

#[tokio::test]
async fn a_scan_checks_in_once_and_a_second_scan_says_when() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let created = app
        .register(&slug, "free", &["Mei Tanaka", "Jonas Becker"])
        .await;
    let token = created["token"].as_str().unwrap();
    let codes = codes_of(&app, token).await;
    assert_eq!(codes.len(), 2);
    assert_ne!(codes[0], codes[1]);
    assert_eq!(codes[0].len(), 16);
    assert!(
        !token.contains(&codes[0]),
        "the code is not part of the private token"
    );

    let door = app.token_for("door@example.org", "checkin").await;
    // Lower case with a space: what a volunteer types.
    let typed = format!("{} {}", &codes[0][..8].to_lowercase(), &codes[0][8..]);
    let response = app
        .post_as(
            &door,
            "/api/v1/checkins",
            &json!({"code": typed, "event": slug}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let first: Value = response.json().await.unwrap();
    assert_eq!(first["result"], "checked_in");
    assert_eq!(first["participant"], "Mei Tanaka");
    assert_eq!(first["offering"], "Child");
    assert_eq!(app.status_of(token).await, "attended");

    let response = app
        .post_as(&door, "/api/v1/checkins", &json!({"code": codes[0]}))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a second scan does not block the door"
    );
    let second: Value = response.json().await.unwrap();
    assert_eq!(second["result"], "already_checked_in");
    let at = first["checked_in_at"].as_str().unwrap();
    assert_eq!(second["checked_in_at"], at);
    assert!(
        second["message"]
            .as_str()
            .unwrap()
            .contains(&format!("already checked in at {at}"))
    );

    // Undo the first, and the registration is back to confirmed.
    let response = app
        .client
        .delete(format!("{}/api/v1/checkins/{}", app.address, codes[0]))
        .bearer_auth(&door)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.status_of(token).await, "confirmed");
    let history = app
        .staff_get(&format!("/api/v1/registrations/{token}"))
        .await;
    let history: Value = history.json().await.unwrap();
    let reasons: Vec<&str> = history["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"checked in") && reasons.contains(&"check-in undone"));
    // No email for checking in or undoing it.
    let emails = twinning::db::outbox::list(&app.ctx.db, &Default::default(), 50)
        .await
        .unwrap();
    assert_eq!(
        emails
            .iter()
            .filter(|e| e.kind == twinning::domain::EmailKind::Confirmed)
            .count(),
        1
    );
}

#[tokio::test]
async fn codes_of_unpaid_cancelled_or_other_events_are_refused_clearly() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let other = app.create_event(json!({})).await;
    let unpaid = app.register(&slug, "adult", &["Ana"]).await;
    let cancelled = app.register(&slug, "free", &["Ben"]).await;
    let cancelled_token = cancelled["token"].as_str().unwrap();
    app.cancel(cancelled_token).await;
    let door = app.token_for("door@example.org", "checkin").await;
    let scan = |code: String, event: String| {
        let app = &app;
        let door = door.clone();
        async move {
            let r = app
                .post_as(
                    &door,
                    "/api/v1/checkins",
                    &json!({"code": code, "event": event}),
                )
                .await;
            let status = r.status();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    let code = codes_of(&app, unpaid["token"].as_str().unwrap())
        .await
        .remove(0);
    let (status, body) = scan(code.clone(), slug.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "not_paid");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("25.00 EUR due")
    );
    let code2 = codes_of(&app, cancelled_token).await.remove(0);
    let (status, body) = scan(code2, slug.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "registration_cancelled");
    let (status, body) = scan(code, other.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["error"]["code"], "unknown_code",
        "a ticket for another event"
    );
    let (status, body) = scan("NOPE".into(), slug.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "unknown_code");
    // Without a staff token: 401.
    let r = app.post("/api/v1/checkins", &json!({"code": "X"})).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn twenty_scanners_on_one_code_check_it_in_once() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let created = app.register(&slug, "free", &["Ana"]).await;
    let code = codes_of(&app, created["token"].as_str().unwrap())
        .await
        .remove(0);
    let door = app.token_for("door@example.org", "checkin").await;
    let body = json!({"code": code});
    let answers =
        futures::future::join_all((0..20).map(|_| app.post_as(&door, "/api/v1/checkins", &body)))
            .await;
    let created = answers
        .iter()
        .filter(|r| r.status() == StatusCode::CREATED)
        .count();
    let already = answers
        .iter()
        .filter(|r| r.status() == StatusCode::OK)
        .count();
    assert_eq!((created, already), (1, 19));
}

#[tokio::test]
async fn the_door_page_finds_people_by_name_checks_them_in_with_one_tap_and_counts() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    app.register(&slug, "free", &["Mei Tanaka", "Jonas Becker"])
        .await;
    let unpaid = app.register(&slug, "adult", &["Sam Okafor"]).await;
    let mut b = app.staff_browser("door@example.org", "checkin").await;
    let page = b.get(&format!("/staff/events/{slug}/checkin")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(">0</span> / <span id=\"expected-count\">2</span>")
    );
    let page = b
        .get(&format!("/staff/events/{slug}/checkin?q=becker"))
        .await;
    assert!(page.body.contains("<strong>Jonas Becker</strong>"));
    assert!(!page.body.contains("<strong>Mei Tanaka</strong>"));
    // Searching the contact's name finds everyone they booked for.
    let page = b
        .get(&format!("/staff/events/{slug}/checkin?q=tanaka"))
        .await;
    assert!(page.body.contains("<strong>Jonas Becker</strong>"));
    assert!(page.body.contains("<strong>Mei Tanaka</strong>"));
    assert!(
        !page.body.contains("Sam Okafor"),
        "unpaid and not searched for"
    );
    let reg = twinning::db::checkin::search(&app.ctx.db, app.event_id(&slug).await, "mei", 5)
        .await
        .unwrap();
    let id = reg
        .iter()
        .find(|p| p.name == "Mei Tanaka")
        .expect("found")
        .participant_id;
    let page = b
        .submit(
            &format!("/staff/events/{slug}/checkin/{id}/in"),
            &[("q", "tanaka")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Mei Tanaka checked in"));
    assert!(
        page.body
            .contains(">1</span> / <span id=\"expected-count\">2</span>")
    );
    assert!(page.body.contains("In at "));
    // The code form, with an unpaid participant's code.
    let code = codes_of(&app, unpaid["token"].as_str().unwrap())
        .await
        .remove(0);
    let page = b
        .submit(
            &format!("/staff/events/{slug}/checkin"),
            &[("code", &code), ("q", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("has not paid yet"));
    // Undo.
    let page = b
        .submit(
            &format!("/staff/events/{slug}/checkin/{id}/undo"),
            &[("q", "tanaka")],
        )
        .await;
    assert!(page.body.contains("undone"));
    assert!(
        page.body
            .contains(">0</span> / <span id=\"expected-count\">2</span>")
    );
    let counts = b.get(&format!("/staff/events/{slug}/checkin/counts")).await;
    assert_eq!(counts.body, r#"{"checked_in":0,"expected":2}"#);
}

#[tokio::test]
async fn the_confirmation_email_carries_each_check_in_code_and_its_qr_code() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let created = app.register(&slug, "free", &["Mei", "Jonas"]).await;
    let codes = codes_of(&app, created["token"].as_str().unwrap()).await;
    let emails = twinning::db::outbox::list(
        &app.ctx.db,
        &twinning::db::outbox::OutboxFilter {
            kind: Some(twinning::domain::EmailKind::Confirmed),
            ..Default::default()
        },
        5,
    )
    .await
    .unwrap();
    let email = &emails[0];
    for code in &codes {
        assert!(email.body_text.contains(code), "text part has {code}");
        assert!(email.body_html.contains(code), "html part has {code}");
    }
    // Two QR codes as images the message carries (drawn when it is sent), so the stored email
    // stays small.
    for code in &codes {
        assert!(
            email
                .body_html
                .contains(&format!("src=\"cid:qr-{code}@checkin.twinning\"")),
            "{}",
            email.body_html
        );
    }
    assert!(
        email.body_html.len() < 8_000,
        "{} bytes of HTML",
        email.body_html.len()
    );

    // Staff reading it in the outbox see the images drawn.
    let mut b = app.staff_browser("door@example.org", "staff").await;
    let page = b.get(&format!("/staff/outbox/{}", email.id)).await;
    assert_eq!(page.body.matches("data:image/png;base64,").count(), 2);
}

/// Scans arriving together are written in groups: each participant is checked in exactly once,
/// a repeated code in the same rush answers "already", an unpaid code in the same group is
/// refused without spoiling the others, and everything answered is in the database.
#[tokio::test]
async fn a_rush_of_scans_is_written_in_groups_each_answered_correctly() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let mut codes = Vec::new();
    for i in 0..12 {
        let created = app
            .register(
                &slug,
                "free",
                &[&format!("Guest {i}a"), &format!("Guest {i}b")],
            )
            .await;
        codes.extend(codes_of(&app, created["token"].as_str().unwrap()).await);
    }
    let unpaid = app.register(&slug, "adult", &["Sam"]).await;
    let unpaid_code = codes_of(&app, unpaid["token"].as_str().unwrap())
        .await
        .remove(0);
    let door = app.token_for("door@example.org", "checkin").await;
    // Every code twice, and the unpaid one, all at once.
    let mut bodies: Vec<Value> = codes
        .iter()
        .chain(codes.iter())
        .map(|c| json!({"code": c}))
        .collect();
    bodies.push(json!({"code": unpaid_code}));
    let answers = futures::future::join_all(
        bodies
            .iter()
            .map(|b| app.post_as(&door, "/api/v1/checkins", b)),
    )
    .await;
    let count = |s: StatusCode| answers.iter().filter(|r| r.status() == s).count();
    assert_eq!(
        count(StatusCode::CREATED),
        24,
        "each of 24 participants once"
    );
    assert_eq!(count(StatusCode::OK), 24, "each repeat says already");
    assert_eq!(count(StatusCode::CONFLICT), 1, "the unpaid code is refused");
    let (checked_in, expected) =
        twinning::db::checkin::counts(&app.ctx.db, app.event_id(&slug).await)
            .await
            .unwrap();
    assert_eq!((checked_in, expected), (24, 24));
    let audit =
        twinning::db::audit::list(&app.ctx.db, None, Some("checkin.create"), None, None, 100)
            .await
            .unwrap();
    assert_eq!(audit.len(), 24, "one audit entry per check-in");
    assert_eq!(
        app.status_of(unpaid["token"].as_str().unwrap()).await,
        "pending_payment"
    );
}
