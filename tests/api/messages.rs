//! Messages to attendees: filters, preview, one email per registration, repeated sends,
//! the gentle delivery rate, delivery counts, real SMTP delivery, roles and the staff pages.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use twinning::core::config::Secret;

use crate::helpers::{TestApp, assert_error, field_value, spawn_app, spawn_app_with};
use crate::smtp::SmtpServer;

/// Registers a contact with `names` on `offering`; returns the registration's token.
async fn register(
    app: &TestApp,
    slug: &str,
    email: &str,
    offering: &str,
    names: &[&str],
) -> String {
    let body = json!({
        "contact": {"name": names[0], "email": email},
        "participants": names.iter().map(|n| json!({"name": n, "offering": offering})).collect::<Vec<_>>(),
        "payment": "later", "accept_consents": true
    });
    let response = app
        .post(&format!("/api/v1/events/{slug}/registrations"), &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let json: Value = response.json().await.unwrap();
    json["manage_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

/// An event with a family of two confirmed (free), one adult pending payment, and one
/// cancelled registration.
async fn event_with_attendees(app: &TestApp) -> String {
    let slug = app.create_event(json!({"title": "Toledo Festival"})).await;
    register(
        app,
        &slug,
        "garcia@example.org",
        "free",
        &["Ana García", "Luis García"],
    )
    .await;
    register(app, &slug, "okafor@example.org", "adult", &["Sam Okafor"]).await;
    let gone = register(app, &slug, "gone@example.org", "free", &["Mei Tanaka"]).await;
    let response = app.cancel(&gone).await;
    assert_eq!(response.status(), StatusCode::OK);
    slug
}

async fn message_emails(app: &TestApp) -> Vec<twinning::db::outbox::OutboxRow> {
    let rows = twinning::db::outbox::list(&app.ctx.db, &Default::default(), 500)
        .await
        .unwrap();
    rows.into_iter()
        .filter(|r| r.kind == twinning::domain::EmailKind::Message)
        .collect()
}

#[tokio::test]
async fn a_preview_shows_the_email_and_the_audience_and_sends_nothing() {
    let app = spawn_app().await;
    let slug = event_with_attendees(&app).await;
    let response = app
        .staff_post(
            &format!("/api/v1/events/{slug}/messages"),
            &json!({"subject": "Parking has moved", "body": "Park behind the hall.\n\nDoors open at 18:00.",
                "status": "confirmed", "preview": true}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let preview: Value = response.json().await.unwrap();
    assert_eq!(
        preview["recipients"], 1,
        "only the García family is confirmed"
    );
    let sample = &preview["sample"];
    assert_eq!(sample["to"], "garcia@example.org");
    assert_eq!(sample["subject"], "Toledo Festival: Parking has moved");
    let text = sample["text"].as_str().unwrap();
    assert!(text.contains("Hello Ana García,"), "{text}");
    assert!(text.contains("Park behind the hall.") && text.contains("Doors open at 18:00."));
    assert!(text.contains("/r/"), "the private link: {text}");
    let html = sample["html"].as_str().unwrap();
    assert!(html.contains("<p>Park behind the hall.</p>"), "{html}");
    assert!(
        message_emails(&app).await.is_empty(),
        "a preview queues nothing"
    );
}

#[tokio::test]
async fn a_message_goes_once_to_each_matching_registration_and_a_repeat_sends_nothing() {
    let app = spawn_app().await;
    let slug = event_with_attendees(&app).await;
    let body = json!({"subject": "See you Saturday", "body": "Bring your ticket.", "idempotency_key": "form-1"});
    let response = app
        .staff_post(&format!("/api/v1/events/{slug}/messages"), &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let sent: Value = response.json().await.unwrap();
    assert_eq!(
        sent["recipients"], 2,
        "every live registration: not the cancelled one"
    );
    assert_eq!(sent["repeated"], false);
    let emails = message_emails(&app).await;
    let mut to: Vec<&str> = emails.iter().map(|e| e.recipient.as_str()).collect();
    to.sort();
    assert_eq!(
        to,
        vec!["garcia@example.org", "okafor@example.org"],
        "one email for the family of two, none to the cancelled registration"
    );
    assert!(
        emails
            .iter()
            .all(|e| e.status == twinning::domain::OutboxStatus::Held),
        "no SMTP server: kept in the outbox"
    );

    let again = app
        .staff_post(&format!("/api/v1/events/{slug}/messages"), &body)
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["repeated"], true);
    assert_eq!(again["id"], sent["id"]);
    assert_eq!(
        message_emails(&app).await.len(),
        2,
        "the repeat queued nothing"
    );

    let list: Value = app
        .staff_get(&format!("/api/v1/events/{slug}/messages"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["deliveries"]["held"], 2);
    assert_eq!(list[0]["sent_by"], "staff:admin@example.org");

    let audit = twinning::db::audit::list(&app.ctx.db, None, Some("message."), None, None, 10)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1, "the repeat is not a second send");
    assert!(
        audit[0]
            .after_json
            .as_deref()
            .unwrap()
            .contains("\"recipients\":2")
    );
}

#[tokio::test]
async fn filters_choose_by_offering_and_check_in() {
    let app = spawn_app().await;
    let slug = event_with_attendees(&app).await;
    let send = |filter: Value| {
        let app = &app;
        let slug = slug.clone();
        async move {
            let mut body = json!({"subject": "Hello", "body": "Text.", "preview": true});
            crate::helpers::merge(&mut body, filter);
            let response = app
                .staff_post(&format!("/api/v1/events/{slug}/messages"), &body)
                .await;
            assert_eq!(response.status(), StatusCode::OK);
            let json: Value = response.json().await.unwrap();
            (
                json["recipients"].as_u64().unwrap(),
                json["sample"]["to"].clone(),
            )
        }
    };
    assert_eq!(
        send(json!({"offering": "adult"})).await,
        (1, json!("okafor@example.org"))
    );
    assert_eq!(send(json!({"checked_in": "yes"})).await.0, 0);
    assert_eq!(
        send(json!({"status": "cancelled"})).await,
        (1, json!("gone@example.org"))
    );

    // Check Luis in: the García registration is now "checked in".
    let registrations = Value::from(
        app.list_all(&format!("/api/v1/events/{slug}/registrations"))
            .await,
    );
    let code = registrations
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["participants"].as_array().unwrap().clone())
        .find(|p| p["name"] == "Luis García")
        .unwrap()["checkin_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = app
        .staff_post("/api/v1/checkins", &json!({"code": code}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        send(json!({"checked_in": "yes"})).await,
        (1, json!("garcia@example.org"))
    );
    assert_eq!(
        send(json!({"checked_in": "no"})).await.0,
        2,
        "Ana is not checked in yet; nor is Sam"
    );
}

#[tokio::test]
async fn bad_messages_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let slug = event_with_attendees(&app).await;
    let url = format!("/api/v1/events/{slug}/messages");
    let response = app
        .staff_post(&url, &json!({"subject": " ", "body": "", "offering": "vip", "checked_in": "maybe", "status": "gone"}))
        .await;
    let body = assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("subject"),
    )
    .await;
    for field in ["body", "offering", "checked_in", "status"] {
        assert!(
            body["error"]["fields"][field].is_string(),
            "{field}: {body}"
        );
    }
    let response = app
        .staff_post(
            &url,
            &json!({"subject": "Hi", "body": "Text.", "status": "waitlisted"}),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::CONFLICT,
        "nobody on the waitlist"
    );
    let door = app.token_for("door@example.org", "checkin").await;
    let response = app
        .post_as(&door, &url, &json!({"subject": "Hi", "body": "Text."}))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "volunteers at the door do not mail attendees"
    );
    assert!(message_emails(&app).await.is_empty());
}

#[tokio::test]
async fn messages_are_spread_out_and_delivered_over_smtp_with_counts_on_the_event_page() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(
        |s| {
            s.smtp_url = Some(Secret(smtp.url()));
            s.message_rate = 2; // one every 30 seconds
        },
        false,
    )
    .await;
    let slug = app.create_event(json!({"title": "Toledo Festival"})).await;
    for i in 0..3 {
        register(
            &app,
            &slug,
            &format!("guest{i}@example.org"),
            "free",
            &[&format!("Guest {i}")],
        )
        .await;
    }
    app.run_pending_jobs().await;
    let confirmations = smtp.received().len();
    assert_eq!(confirmations, 3);
    let response = app
        .staff_post(
            &format!("/api/v1/events/{slug}/messages"),
            &json!({"subject": "Rain plan", "body": "We move indoors.", "status": "confirmed"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let mut due: Vec<_> = message_emails(&app)
        .await
        .iter()
        .map(|e| e.next_attempt_at)
        .collect();
    due.sort();
    assert_eq!(due[1] - due[0], Duration::seconds(30));
    assert_eq!(due[2] - due[1], Duration::seconds(30));

    app.run_pending_jobs().await;
    assert_eq!(
        smtp.received().len(),
        confirmations + 1,
        "only the first is due yet"
    );
    app.advance(Duration::seconds(61));
    twinning::worker::sweep(&app.ctx).await.unwrap();
    let received = smtp.received();
    assert_eq!(received.len(), confirmations + 3);
    let message = received.last().unwrap().parsed();
    assert_eq!(message.subject(), Some("Toledo Festival: Rain plan"));
    assert!(message.body_text(0).unwrap().contains("We move indoors."));

    let mut staff = app.staff_browser("staff@example.org", "staff").await;
    let page = staff.get(&format!("/staff/events/{slug}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Rain plan"), "{}", page.body);
    assert!(
        page.body.contains("3 sent"),
        "delivery counts: {}",
        page.body
    );
    // The delivery jobs of what the sweep sent find their emails sent and send nothing again.
    app.run_pending_jobs().await;
    assert_eq!(smtp.received().len(), confirmations + 3);
}

#[tokio::test]
async fn staff_write_preview_and_send_a_message_from_the_console_once() {
    let app = spawn_app().await;
    let slug = event_with_attendees(&app).await;
    let mut staff = app.staff_browser("staff@example.org", "staff").await;
    let page = staff
        .get(&format!("/staff/events/{slug}/messages/new"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let form_key = field_value(&page.body, "form_key").unwrap();
    assert!(form_key.len() >= 32, "a random form key");

    let fields = |action: &'static str| {
        vec![
            ("form_key", form_key.clone()),
            ("status", "".to_owned()),
            ("offering", "".to_owned()),
            ("checked_in", "".to_owned()),
            ("subject", "Programme".to_owned()),
            (
                "body",
                "The programme is attached to the event page.".to_owned(),
            ),
            ("action", action.to_owned()),
        ]
    };
    let preview_fields = fields("preview");
    let refs: Vec<(&str, &str)> = preview_fields
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let page = staff
        .submit(&format!("/staff/events/{slug}/messages"), &refs)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("2 registrations will get this message"),
        "{}",
        page.body
    );
    assert!(page.body.contains("garcia@example.org"));
    assert!(page.body.contains("Send to 2 registrations"));
    assert!(message_emails(&app).await.is_empty());

    let send_fields = fields("send");
    let refs: Vec<(&str, &str)> = send_fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = staff
        .submit(&format!("/staff/events/{slug}/messages"), &refs)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // A second click on the same form (the page was still open) sends nothing more.
    let page = staff
        .submit(&format!("/staff/events/{slug}/messages"), &refs)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(message_emails(&app).await.len(), 2);

    let page = staff.get(&format!("/staff/events/{slug}?sent=1")).await;
    assert!(
        page.body.contains("Programme") && page.body.contains("2 held"),
        "{}",
        page.body
    );

    // An empty subject re-renders the form with the field named; a forged post is refused.
    let mut bad = fields("send");
    bad[4].1 = String::new();
    let refs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = staff
        .submit(&format!("/staff/events/{slug}/messages"), &refs)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("m-subject-error"));
    let page = staff
        .post_form(&format!("/staff/events/{slug}/messages"), &refs[1..])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let mut door = app.staff_browser("door@example.org", "checkin").await;
    let page = door
        .get(&format!("/staff/events/{slug}/messages/new"))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}
