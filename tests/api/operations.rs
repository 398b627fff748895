//! Running it for real: a registration request repeated with its key is made once, `/metrics`,
//! and the sweep's housekeeping (request keys, the text of old emails, Message-IDs).

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use twinning::core::config::Secret;

use crate::helpers::{TestApp, assert_error, field_value, spawn_app, spawn_app_with};
use crate::smtp::SmtpServer;

/// `POST /api/v1/events/{slug}/registrations` with `Idempotency-Key: key`.
async fn register_with_key(
    app: &TestApp,
    slug: &str,
    key: &str,
    body: &Value,
) -> reqwest::Response {
    app.client
        .post(format!(
            "{}/api/v1/events/{slug}/registrations",
            app.address
        ))
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .expect("request sent")
}

fn family(name: &str) -> Value {
    json!({"contact": {"name": name, "email": "family@example.org", "language": "en"},
        "participants": [{"name": name, "offering": "adult"}, {"name": "Child", "offering": "free"}],
        "payment": "later", "accept_consents": true})
}

/// The registrations of event `slug`, as staff list them.
async fn registrations_of(app: &TestApp, slug: &str) -> Vec<Value> {
    app.list_all(&format!("/api/v1/events/{slug}/registrations"))
        .await
}

/// The outbox rows to `recipient`, newest first.
async fn emails_to(app: &TestApp, recipient: &str) -> Vec<Value> {
    app.list_all(&format!("/api/v1/outbox?recipient={recipient}"))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_registration_repeated_with_its_idempotency_key_is_made_once() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"capacity": 40})).await;
    let key = "7c0b6a52-2f8e-4c1d-9b3a-5e4f6d7c8b9a";

    let first = register_with_key(&app, &slug, key, &family("Ana García")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    // A retry (the answer was lost to a timeout): the same registration, said to be a replay.
    for _ in 0..2 {
        let again = register_with_key(&app, &slug, key, &family("Ana García")).await;
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        let again: Value = again.json().await.unwrap();
        assert_eq!(again["token"], first["token"]);
        assert_eq!(again["status"], "pending_payment");
        assert_eq!(again["amount_due"], first["amount_due"]);
    }
    // The same body serialised another way is the same request.
    let reordered = r#"{"payment":"later","accept_consents":true,"participants":[{"offering":"adult","name":"Ana García"},{"name":"Child","offering":"free"}],
        "contact":{"language":"en","email":"family@example.org","name":"Ana García"}}"#;
    let again = app
        .client
        .post(format!(
            "{}/api/v1/events/{slug}/registrations",
            app.address
        ))
        .header("idempotency-key", key)
        .header("content-type", "application/json")
        .body(reordered)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(
        again.json::<Value>().await.unwrap()["token"],
        first["token"]
    );

    assert_eq!(registrations_of(&app, &slug).await.len(), 1);
    assert_eq!(
        app.event(&slug).await["seats_left"],
        38,
        "two seats held once"
    );
    let emails = emails_to(&app, "family@example.org").await;
    assert_eq!(emails.len(), 1, "one received email: {emails:?}");

    // The key with another body, or for another event, is refused; a bad key names the header.
    let other = register_with_key(&app, &slug, key, &family("Ana Martínez")).await;
    assert_error(
        other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("Idempotency-Key"),
    )
    .await;
    let second_event = app.create_event(json!({})).await;
    let elsewhere = register_with_key(&app, &second_event, key, &family("Ana García")).await;
    assert_error(
        elsewhere,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("Idempotency-Key"),
    )
    .await;
    for bad in ["short", &"k".repeat(256), "has spaces in the middle"] {
        let response = register_with_key(&app, &slug, bad, &family("Ana García")).await;
        assert_error(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            Some("Idempotency-Key"),
        )
        .await;
    }
    // Without a key, the same body is a second registration (the key is what makes it one).
    let without = app
        .post(
            &format!("/api/v1/events/{slug}/registrations"),
            &family("Ana García"),
        )
        .await;
    assert_eq!(without.status(), StatusCode::CREATED);
    assert_eq!(registrations_of(&app, &slug).await.len(), 2);
    app.assert_seat_counters_match(&slug).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_retries_arriving_together_make_one_registration() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"capacity": 100})).await;
    let key = "0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a";
    let answers = futures::future::join_all((0..20).map(|_| {
        let app = &app;
        let slug = slug.clone();
        async move {
            let response = register_with_key(app, &slug, key, &family("Lena Schulz")).await;
            let status = response.status();
            let replayed = response.headers().contains_key("idempotent-replayed");
            let body: Value = response.json().await.unwrap();
            (status, replayed, body)
        }
    }))
    .await;
    let tokens: std::collections::HashSet<String> = answers
        .iter()
        .map(|(status, _, body)| {
            assert_eq!(*status, StatusCode::CREATED, "{body}");
            body["token"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(tokens.len(), 1, "every answer names the same registration");
    assert_eq!(
        answers.iter().filter(|(_, replayed, _)| !replayed).count(),
        1,
        "one request made it, the others were told they repeat it"
    );
    assert_eq!(registrations_of(&app, &slug).await.len(), 1);
    assert_eq!(app.event(&slug).await["seats_left"], 98);
    assert_eq!(emails_to(&app, "family@example.org").await.len(), 1);
    app.assert_seat_counters_match(&slug).await;
}

#[tokio::test]
async fn the_form_sent_twice_makes_one_registration_and_changed_fields_a_new_one() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let form = app.browser().get(&format!("/events/{slug}/register")).await;
    let submission = field_value(&form.body, "submission").expect("the form names its submission");
    let fields = |name: &'static str| {
        vec![
            ("submission", submission.clone()),
            ("contact.name", name.to_owned()),
            ("contact.email", "family@example.org".to_owned()),
            ("contact.language", "en".to_owned()),
            ("participants[0].name", name.to_owned()),
            ("participants[0].offering", "adult".to_owned()),
            ("payment", "later".to_owned()),
            ("action", "register".to_owned()),
        ]
    };
    let send = |fields| send_form(&app, &slug, fields);
    // A double click: the same filled-in form twice.
    let first = send(fields("Ana García")).await;
    let second = send(fields("Ana García")).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert_eq!(
        first.location, second.location,
        "both go to the one registration"
    );
    assert_eq!(registrations_of(&app, &slug).await.len(), 1);
    // Back, a name corrected, sent again: that is another registration.
    let changed = send(fields("Ana García López")).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_ne!(changed.location, first.location);
    assert_eq!(registrations_of(&app, &slug).await.len(), 2);
    // A form re-rendered with errors keeps its submission key.
    let mut wrong = fields("Ana García");
    wrong[2].1 = "not-an-email".to_owned();
    let page = send(wrong).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_value(&page.body, "submission"),
        Some(submission.clone())
    );
}

/// Sends the registration form of `slug` with `fields` from a browser that loaded it.
async fn send_form(
    app: &TestApp,
    slug: &str,
    fields: Vec<(&'static str, String)>,
) -> crate::helpers::Page {
    let mut b = app.browser();
    b.get(&format!("/events/{slug}/register")).await;
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.submit(&format!("/events/{slug}/register"), &fields).await
}

/// The value of the sample `name{labels}` in a Prometheus text page, if present.
fn sample(page: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    page.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| {
            l.starts_with(&format!("{name}{{"))
                && labels
                    .iter()
                    .all(|(k, v)| l.contains(&format!("{k}=\"{v}\"")))
                || labels.is_empty() && l.starts_with(&format!("{name} "))
        })
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn metrics_count_requests_registrations_emails_and_jobs_for_this_machine_only() {
    let app = spawn_app_with(
        |s| s.metrics_token = Some("a-long-metrics-token-for-prometheus".to_owned()),
        false,
    )
    .await;
    let slug = app.create_event(json!({})).await;
    let before = app.get("/metrics").await.text().await.unwrap();
    let registered = |page: &str| {
        sample(
            page,
            "twinning_registrations_total",
            &[("outcome", "pending_payment")],
        )
        .unwrap_or(0.0)
    };
    app.register(&slug, "adult", &["Ana García"]).await;
    app.get("/no/such-page").await;

    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let page = response.text().await.unwrap();
    // Counters are per process (the tests share one): this test's own requests are in them.
    assert!(registered(&page) >= registered(&before) + 1.0, "{page}");
    let route = [
        ("route", "/api/v1/events/{slug}/registrations"),
        ("method", "POST"),
        ("status", "201"),
    ];
    assert!(
        sample(&page, "http_requests_total", &route).is_some_and(|n| n >= 1.0),
        "{page}"
    );
    assert!(
        sample(&page, "http_request_duration_seconds_count", &route[..2]).is_some_and(|n| n >= 1.0),
        "a latency histogram per route: {page}"
    );
    assert!(
        page.contains("http_request_duration_seconds_bucket{"),
        "{page}"
    );
    assert!(
        sample(
            &page,
            "http_requests_total",
            &[("route", "unmatched"), ("status", "404")]
        )
        .is_some(),
        "an unknown path is counted without its path: {page}"
    );
    assert!(
        !page.contains("no/such-page"),
        "raw paths never become labels"
    );
    // Read from the database at the scrape: this app's email waits in the outbox (held: no
    // SMTP server), and the job queue and Stripe's events are reported.
    assert!(
        sample(&page, "twinning_outbox_emails", &[("state", "held")]).is_some_and(|n| n >= 1.0),
        "{page}"
    );
    assert!(page.contains("twinning_jobs{state="), "{page}");
    assert_eq!(
        sample(&page, "twinning_stripe_events_unprocessed", &[]),
        Some(0.0),
        "{page}"
    );

    // Relayed by a proxy, or from elsewhere, it is not found, unless the token is shown.
    let relayed = |token: Option<&'static str>| {
        let mut request = app
            .client
            .get(format!("{}/metrics", app.address))
            .header("x-forwarded-for", "203.0.113.9");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(relayed(None).await, StatusCode::NOT_FOUND);
    assert_eq!(
        relayed(Some("a-long-metrics-token-for-prometheuz")).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        relayed(Some("a-long-metrics-token-for-prometheus")).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_sweep_forgets_request_keys_after_a_day_and_the_text_of_sent_emails_after_its_days() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(
        |s| {
            s.smtp_url = Some(Secret(smtp.url()));
            s.outbox_body_days = 30;
            s.base_url = Some("https://events.example.org".to_owned());
        },
        false,
    )
    .await;
    let slug = app.create_event(json!({})).await;
    let key = "5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c";
    let created: Value = register_with_key(&app, &slug, key, &family("Ana García"))
        .await
        .json()
        .await
        .unwrap();
    app.run_pending_jobs().await;
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    // MAIL_FROM is at localhost here: the Message-ID is on the site's own domain instead.
    let message_id = received[0].parsed().message_id().unwrap().to_owned();
    assert!(message_id.ends_with("@events.example.org"), "{message_id}");

    // A day later the key is forgotten: the same request is a new registration.
    app.advance(Duration::hours(25));
    twinning::worker::sweep(&app.ctx).await.unwrap();
    let later: Value = register_with_key(&app, &slug, key, &family("Ana García"))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(later["token"], created["token"]);
    app.run_pending_jobs().await;

    // 30 days after sending, the text goes; who got what, when, stays.
    let first_email = emails_to(&app, "family@example.org")
        .await
        .last()
        .cloned()
        .unwrap();
    let id = first_email["id"].as_i64().unwrap();
    app.advance(Duration::days(28));
    twinning::worker::sweep(&app.ctx).await.unwrap();
    app.run_pending_jobs().await;
    let email: Value = app
        .staff_get(&format!("/api/v1/outbox/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !email["body_text"].as_str().unwrap().is_empty(),
        "29 days: still there"
    );
    app.advance(Duration::days(1));
    twinning::worker::sweep(&app.ctx).await.unwrap();
    app.run_pending_jobs().await;
    let email: Value = app
        .staff_get(&format!("/api/v1/outbox/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(email["body_text"], "", "{email}");
    assert_eq!(email["body_html"], "");
    assert!(email["body_trimmed_at"].is_string());
    assert_eq!(email["status"], "sent");
    assert_eq!(email["recipient"], "family@example.org");
    assert_eq!(
        email["message_id"]
            .as_str()
            .map(|m| m.trim_matches(['<', '>'])),
        Some(message_id.as_str())
    );
    // It cannot be sent again empty; the staff page says why the text is gone.
    let resend = app
        .staff_post(&format!("/api/v1/outbox/{id}/resend"), &json!({}))
        .await;
    assert_error(resend, StatusCode::CONFLICT, "body_removed", None).await;
    let mut staff = app.staff_browser("staff@example.org", "staff").await;
    let page = staff.get(&format!("/staff/outbox/{id}")).await;
    assert!(
        page.body.contains("was removed from the outbox"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Send again now"));
    // The second registration's email, sent a day later (29 days ago), still has its text.
    let newest = emails_to(&app, "family@example.org").await[0].clone();
    let newest: Value = app
        .staff_get(&format!("/api/v1/outbox/{}", newest["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert!(!newest["body_text"].as_str().unwrap().is_empty());
}

/// Sends a staff message to everyone registered for `slug`; answers how many it went to.
async fn message_everyone(app: &TestApp, slug: &str, subject: &str) -> i64 {
    let response = app
        .staff_post(
            &format!("/api/v1/events/{slug}/messages"),
            &json!({"subject": subject, "body": "Doors open at 18:00.", "idempotency_key": subject}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let message: Value = response.json().await.unwrap();
    // Messages are spread out over the minute.
    app.advance(Duration::minutes(2));
    app.run_pending_jobs().await;
    message["recipients"].as_i64().unwrap()
}

#[tokio::test]
async fn staff_messages_carry_one_click_unsubscribe_and_stopping_them_keeps_the_registrations_own_emails()
 {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(|s| s.smtp_url = Some(Secret(smtp.url())), false).await;
    let slug = app.create_event(json!({"title": "Toledo Festival"})).await;
    let mut stopper = family("Ana García");
    stopper["contact"]["email"] = json!("ana@example.org");
    stopper["participants"] = json!([{"name": "Ana García", "offering": "free"}]);
    let ana: Value = app
        .post(&format!("/api/v1/events/{slug}/registrations"), &stopper)
        .await
        .json()
        .await
        .unwrap();
    let mut other = stopper.clone();
    other["contact"]["email"] = json!("sam@example.org");
    app.post(&format!("/api/v1/events/{slug}/registrations"), &other)
        .await;
    app.run_pending_jobs().await;
    let confirmations = smtp.received();
    assert_eq!(confirmations.len(), 2);
    for email in &confirmations {
        assert!(
            email.parsed().header("List-Unsubscribe").is_none(),
            "a registration's own email has nothing to unsubscribe from"
        );
    }

    assert_eq!(message_everyone(&app, &slug, "Parking has moved").await, 2);
    let received = smtp.received();
    let to_ana = received
        .iter()
        .skip(2)
        .find(|m| m.to == vec!["ana@example.org"])
        .expect("the message reached Ana")
        .parsed();
    let stop_url = format!("{}/stop-messages", ana["manage_url"].as_str().unwrap());
    let header = to_ana
        .header_raw("List-Unsubscribe")
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(header, format!("<{stop_url}>"));
    assert_eq!(
        to_ana.header_raw("List-Unsubscribe-Post").map(str::trim),
        Some("List-Unsubscribe=One-Click")
    );

    // Ana's mail program posts to it, as RFC 8058 says: no cookie, no form token.
    let one_click = reqwest::Client::new()
        .post(&stop_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(one_click.status(), StatusCode::OK);
    assert!(
        one_click
            .text()
            .await
            .unwrap()
            .contains("You will get no more messages from staff about Toledo Festival")
    );
    assert_eq!(
        message_everyone(&app, &slug, "Bring a coat").await,
        1,
        "Sam only"
    );
    let coat: Vec<_> = smtp.received().into_iter().skip(4).collect();
    assert_eq!(coat.len(), 1);
    assert_eq!(coat[0].to, vec!["sam@example.org"]);
    // Her registration's own emails still come.
    let token = ana["token"].as_str().unwrap();
    assert_eq!(app.cancel(token).await.status(), StatusCode::OK);
    app.run_pending_jobs().await;
    assert!(
        smtp.received()
            .iter()
            .skip(5)
            .any(|m| m.to == vec!["ana@example.org"])
    );

    // A person following the link sees a button, not a change (mail scanners follow links);
    // the page can bring the messages back.
    let mut b = app.browser();
    let page = b.get(&format!("/r/{token}/stop-messages")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Get the messages again"),
        "{}",
        page.body
    );
    let resumed = b.submit(&format!("/r/{token}/resume-messages"), &[]).await;
    assert_eq!(resumed.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/r/{token}/stop-messages")).await;
    assert!(page.body.contains("Stop these messages"), "{}", page.body);
    // Without the form's token, resuming is refused.
    let forged = app
        .browser()
        .post_form(&format!("/r/{token}/resume-messages"), &[])
        .await;
    assert_ne!(forged.status, StatusCode::SEE_OTHER);
    // A made-up token finds nothing.
    let unknown = reqwest::Client::new()
        .post(format!(
            "{}/r/{}/stop-messages",
            app.address,
            "x".repeat(43)
        ))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn staff_lists_come_a_page_at_a_time_with_a_cursor_to_the_next() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let mut tokens = Vec::new();
    for i in 0..5 {
        let created = app.register(&slug, "free", &[&format!("Guest {i}")]).await;
        tokens.push(created["token"].as_str().unwrap().to_owned());
    }
    let path = format!("/api/v1/events/{slug}/registrations");
    let mut seen = Vec::new();
    let mut url = format!("{path}?limit=2");
    let mut pages = 0;
    loop {
        let page: Value = app.staff_get(&url).await.json().await.unwrap();
        pages += 1;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(
            items
                .iter()
                .map(|r| r["token"].as_str().unwrap().to_owned()),
        );
        match page["next"].as_str() {
            Some(next) => url = format!("{path}?limit=2&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, tokens, "every registration once, oldest first");
    // The outbox, newest first, pages the other way.
    let first: Value = app
        .staff_get("/api/v1/outbox?limit=3")
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] > w[1]));
    let next = first["next"].as_str().unwrap();
    let second: Value = app
        .staff_get(&format!("/api/v1/outbox?limit=3&cursor={next}"))
        .await
        .json()
        .await
        .unwrap();
    let rest: Vec<i64> = second["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(rest.len(), 2);
    assert!(rest.iter().all(|id| id < ids.last().unwrap()));
    assert!(second["next"].is_null());
    // A limit one past the bounds, or a cursor no list gave, names the field.
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("cursor=abc", "cursor"),
        ("cursor=-4", "cursor"),
    ] {
        for list in [path.as_str(), "/api/v1/outbox", "/api/v1/hosts"] {
            let response = app.staff_get(&format!("{list}?{query}")).await;
            assert_error(
                response,
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
                Some(field),
            )
            .await;
        }
    }
    assert_eq!(app.list_all("/api/v1/outbox?limit=500").await.len(), 5);
}

#[tokio::test]
async fn staff_money_and_cancellations_sent_twice_are_recorded_once() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let created = app.register(&slug, "adult", &["Ana García"]).await;
    let token = created["token"].as_str().unwrap();
    let post = |path: String, key: &'static str, body: Value| {
        let app = &app;
        async move { app.staff_post_with_key(&path, key, &body).await }
    };
    // A payment retried after a timeout: one ledger row.
    let payment = json!({"method": "cash", "amount": {"amount_minor": 1000, "currency": "EUR"}});
    for _ in 0..2 {
        let response = post(
            format!("/api/v1/registrations/{token}/payments"),
            "pay-7c0b6a52-2f8e-4c1d",
            payment.clone(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let reg = app.registration(token).await;
    assert_eq!(reg["amount_paid"]["amount_minor"], 1000, "{reg}");
    // A refund the same way: one refund, one email.
    let refund = json!({"method": "cash", "amount": {"amount_minor": 400, "currency": "EUR"}, "reason": "Lunch not taken"});
    for _ in 0..2 {
        let response = post(
            format!("/api/v1/registrations/{token}/refunds"),
            "refund-9d8c7b6a-5f4e-3d2c",
            refund.clone(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let reg = app.registration(token).await;
    assert_eq!(reg["amount_paid"]["amount_minor"], 600, "{reg}");
    assert_eq!(app.list_all("/api/v1/outbox?kind=refunded").await.len(), 1);
    // A cancellation retried answers the cancelled registration, not a conflict.
    for _ in 0..2 {
        let response = post(
            format!("/api/v1/registrations/{token}/cancel"),
            "cancel-1a2b3c4d-5e6f-7a8b",
            json!({"reason": "Plans changed"}),
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(app.status_of(token).await, "cancelled");
    assert_eq!(app.list_all("/api/v1/outbox?kind=cancelled").await.len(), 1);

    // The staff page: the payment form pressed twice records once; the page shown again
    // (a new showing) records a second payment.
    let second = app.register(&slug, "adult", &["Luis García"]).await;
    let id = twinning::registrations::find(&app.ctx, second["token"].as_str().unwrap())
        .await
        .unwrap()
        .id;
    let mut staff = app.staff_browser("desk@example.org", "staff").await;
    let page = staff.get(&format!("/staff/registrations/{id}")).await;
    let submission =
        field_value(&page.body, "submission").expect("the forms name their submission");
    let fields = [
        ("submission", submission.as_str()),
        ("amount", "5.00"),
        ("method", "cash"),
        ("reference", "receipt 12"),
    ];
    for _ in 0..2 {
        let done = staff
            .submit(&format!("/staff/registrations/{id}/payment"), &fields)
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    }
    let reg = app.registration(second["token"].as_str().unwrap()).await;
    assert_eq!(reg["amount_paid"]["amount_minor"], 500, "{reg}");
    let page = staff.get(&format!("/staff/registrations/{id}")).await;
    let again = field_value(&page.body, "submission").unwrap();
    assert_ne!(again, submission);
    let fields = [
        ("submission", again.as_str()),
        ("amount", "5.00"),
        ("method", "cash"),
        ("reference", "receipt 13"),
    ];
    staff
        .submit(&format!("/staff/registrations/{id}/payment"), &fields)
        .await;
    let reg = app.registration(second["token"].as_str().unwrap()).await;
    assert_eq!(reg["amount_paid"]["amount_minor"], 1000, "{reg}");
}
