//! The staff console: sign-in, roles, and the main workflows through its forms.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn staff_pages_need_a_sign_in_and_a_wrong_password_is_refused() {
    let app = spawn_app().await;
    let mut b = app.browser();
    for path in ["/staff/", "/staff/events", "/staff/users", "/staff/outbox"] {
        let page = b.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location.as_deref(), Some("/staff/login"), "{path}");
    }
    b.get("/staff/login").await;
    let page = b
        .submit(
            "/staff/login",
            &[
                ("email", "admin@example.org"),
                ("password", "wrong password!"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("not right"));
    let page = b
        .submit(
            "/staff/login",
            &[
                ("email", "admin@example.org"),
                ("password", "a long test password"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/staff/").await.status, StatusCode::OK);
    // Signing out ends the session on the server, not only in this browser.
    let page = b.get("/staff/").await;
    assert!(page.body.contains("Sign out"));
    let out = b.submit("/staff/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/staff/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = client
        .get(format!("{}/staff/login", app.address))
        .send()
        .await
        .unwrap();
    let csrf_cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Lax"));
    let cookie_value = csrf_cookie.split(';').next().unwrap().to_owned();
    let token = cookie_value.split_once('=').unwrap().1.to_owned();
    let response = client
        .post(format!("{}/staff/login", app.address))
        .header("cookie", &cookie_value)
        .form(&[
            ("csrf", token.as_str()),
            ("email", "admin@example.org"),
            ("password", "a long test password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let session = response.headers()["set-cookie"].to_str().unwrap();
    assert!(session.starts_with("twinning_session="));
    assert!(session.contains("HttpOnly"));
    assert!(session.contains("SameSite=Lax"));
    assert!(session.contains("Path=/staff"));
    assert!(!session.contains("Secure"), "plain http in tests");
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited() {
    let app = spawn_app().await;
    let mut b = app.browser();
    b.get("/staff/login").await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let page = b
            .submit(
                "/staff/login",
                &[
                    ("email", "admin@example.org"),
                    ("password", "guess guess guess"),
                ],
            )
            .await;
        statuses.push(page.status);
    }
    assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS));
    // Even the right password is refused while limited.
    let page = b
        .submit(
            "/staff/login",
            &[
                ("email", "admin@example.org"),
                ("password", "a long test password"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn roles_are_enforced_on_every_page() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let mut door = app.staff_browser("door@example.org", "checkin").await;
    assert_eq!(door.get("/staff/").await.status, StatusCode::OK);
    for path in [
        "/staff/events".to_owned(),
        format!("/staff/events/{slug}"),
        format!("/staff/events/{slug}/registrations"),
        "/staff/outbox".to_owned(),
        "/staff/users".to_owned(),
    ] {
        let page = door.get(&path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.body.contains("Not allowed"));
    }
    let mut staff = app.staff_browser("staff@example.org", "staff").await;
    assert_eq!(staff.get("/staff/events").await.status, StatusCode::OK);
    assert_eq!(
        staff.get("/staff/users").await.status,
        StatusCode::FORBIDDEN
    );
    let page = staff
        .submit(
            "/staff/users",
            &[
                ("email", "new@example.org"),
                ("role", "admin"),
                ("name", "x"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_find_a_registration_by_search_and_record_a_payment_that_confirms_it() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let created = app.register(&slug, "adult", &["Ana García"]).await;
    app.register(&slug, "free", &["Bob Smith"]).await;
    let token = created["token"].as_str().unwrap();
    let mut b = app.staff_browser("staff@example.org", "staff").await;
    let list = b
        .get(&format!("/staff/events/{slug}/registrations?q=garc"))
        .await;
    assert!(list.body.contains("Ana García"));
    assert!(!list.body.contains("Bob Smith"), "search filters");
    let list = b
        .get(&format!(
            "/staff/events/{slug}/registrations?status=confirmed"
        ))
        .await;
    assert!(list.body.contains("Bob Smith") && !list.body.contains("Ana García"));
    let list = b
        .get(&format!(
            "/staff/events/{slug}/registrations?offering=adult"
        ))
        .await;
    assert!(list.body.contains("Ana García") && !list.body.contains("Bob Smith"));
    // The payment reference on a bank statement (in any case, spaced) finds the registration.
    let reference = app.registration(token).await["payment_reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let typed = reference.to_lowercase().replace('-', " - ");
    let list = b
        .get(&format!(
            "/staff/events/{slug}/registrations?q={}",
            typed.replace(' ', "+")
        ))
        .await;
    assert!(
        list.body.contains("Ana García") && !list.body.contains("Bob Smith"),
        "{}",
        list.body
    );

    let reg = twinning::registrations::find(&app.ctx, token)
        .await
        .unwrap();
    let detail_path = format!("/staff/registrations/{}", reg.id);
    let detail = b.get(&detail_path).await;
    assert!(
        detail.body.contains(&format!("<code>{reference}</code>")),
        "{}",
        detail.body
    );
    assert!(detail.body.contains("pending_payment"));
    assert!(detail.body.contains("Record payment"));
    // A wrong amount re-renders the page with the reason; nothing is recorded.
    let bad = b
        .submit(
            &format!("{detail_path}/payment"),
            &[("amount", "twelve"), ("method", "cash"), ("reference", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Payment not recorded"));
    let paid = b
        .submit(
            &format!("{detail_path}/payment"),
            &[
                ("amount", "25.00"),
                ("method", "transfer"),
                ("reference", "BANK-42"),
            ],
        )
        .await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER);
    assert_eq!(app.status_of(token).await, "confirmed");
    let detail = b.get(&detail_path).await;
    assert!(detail.body.contains("BANK-42"));
    assert!(
        detail.body.contains("staff:staff@example.org"),
        "history names the staff member"
    );
    // The participant's page shows it.
    let mut visitor = app.browser();
    assert!(
        visitor
            .get(&format!("/r/{token}"))
            .await
            .body
            .contains("Confirmed")
    );
}

#[tokio::test]
async fn staff_approve_and_reject_applications_and_cancel_registrations() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"approval_required": true})).await;
    let a = app.register(&slug, "free", &["Ana"]).await;
    let c = app.register(&slug, "free", &["Carl"]).await;
    let mut b = app.staff_browser("staff@example.org", "staff").await;
    let id = |t: &str| {
        let ctx = app.ctx.clone();
        let t = t.to_owned();
        async move { twinning::registrations::find(&ctx, &t).await.unwrap().id }
    };
    let a_id = id(a["token"].as_str().unwrap()).await;
    let c_id = id(c["token"].as_str().unwrap()).await;
    b.get(&format!("/staff/registrations/{a_id}")).await;
    let page = b
        .submit(&format!("/staff/registrations/{a_id}/approve"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.status_of(a["token"].as_str().unwrap()).await,
        "confirmed"
    );
    let page = b
        .submit(
            &format!("/staff/registrations/{c_id}/reject"),
            &[("reason", "The group is complete.")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.status_of(c["token"].as_str().unwrap()).await,
        "rejected"
    );
    // Cancelling needs the confirmation box.
    let page = b
        .submit(
            &format!("/staff/registrations/{a_id}/cancel"),
            &[("reason", "ill")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("Tick the box"));
    let page = b
        .submit(
            &format!("/staff/registrations/{a_id}/cancel"),
            &[("reason", "ill"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.status_of(a["token"].as_str().unwrap()).await,
        "cancelled"
    );
    // A staff form without the session's token is refused.
    let page = b
        .post_form(&format!("/staff/registrations/{c_id}/approve"), &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_create_an_event_through_the_form_and_publish_it() {
    let app = spawn_app().await;
    let mut b = app.staff_browser("staff@example.org", "staff").await;
    b.get("/staff/events/new").await;
    let mut fields = vec![
        ("title", "Spring festival"),
        ("slug", "spring-festival"),
        ("kind", "event"),
        ("description", "Music and food."),
        ("venue", "Town hall"),
        ("timezone", "Europe/Madrid"),
        ("starts_at", "2031-04-01T18:00"),
        ("ends_at", "2031-04-01T17:00"),
        ("registration_opens_at", ""),
        ("registration_closes_at", ""),
        ("capacity", "100"),
        ("payment_options", "later"),
        ("hold_minutes", "1440"),
        ("offer_minutes", "2880"),
        ("offerings[0].key", "adult"),
        ("offerings[0].name", "Adult"),
        ("offerings[0].price", "12,50"),
        ("offerings[0].currency", "EUR"),
        ("offerings[0].capacity", ""),
        ("partner_city.name", ""),
        ("partner_city.country", ""),
        ("partner_city.languages", ""),
        ("partner_city.since_year", ""),
        ("reminders", "7, 1"),
        ("custom_email_text", ""),
        ("consents", ""),
        ("action", "save"),
    ];
    // Ending before it starts: the form comes back with the message and the values.
    let page = b.submit("/staff/events/new", &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"ends-at-error\""), "{}", page.body);
    assert!(page.body.contains("value=\"Spring festival\""));
    fields.retain(|(k, _)| *k != "ends_at");
    fields.push(("ends_at", "2031-04-01T23:00"));
    let page = b.submit("/staff/events/new", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let event = app.event("spring-festival").await;
    assert_eq!(event["status"], "draft");
    assert_eq!(event["offerings"][0]["price"]["amount_minor"], 1250);
    assert_eq!(
        app.get("/events/spring-festival").await.status(),
        StatusCode::NOT_FOUND
    );

    b.get("/staff/events/spring-festival").await;
    let page = b
        .submit(
            "/staff/events/spring-festival/status",
            &[("status", "published")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(app.event("spring-festival").await["status"], "published");
    assert_eq!(
        app.get("/events/spring-festival").await.status(),
        StatusCode::OK
    );

    // Editing keeps what was not changed and applies what was.
    let edit = b.get("/staff/events/spring-festival/edit").await;
    assert!(edit.body.contains("value=\"12.50\""));
    let mut fields: Vec<(&str, &str)> = fields
        .into_iter()
        .filter(|(k, _)| *k != "slug" && *k != "capacity")
        .collect();
    fields.push(("capacity", "150"));
    let page = b
        .submit("/staff/events/spring-festival/edit", &fields)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let event = app.event("spring-festival").await;
    assert_eq!(event["capacity"], 150);
    assert_eq!(event["status"], "published");
    let dashboard = b.get("/staff/events/spring-festival").await;
    assert!(dashboard.body.contains("0 / 150"));
}

#[tokio::test]
async fn the_dashboard_counts_failed_emails_and_the_outbox_shows_each_email() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    app.register(&slug, "free", &["Ana"]).await;
    let mut b = app.staff_browser("staff@example.org", "staff").await;
    // No SMTP in tests: emails are held, readable in the outbox.
    let dash = b.get("/staff/").await;
    assert!(dash.body.contains("kept in the outbox"));
    let outbox = b.get("/staff/outbox?status=held").await;
    assert!(outbox.body.contains("contact@example.org"));
    let rows = twinning::db::outbox::list(&app.ctx.db, &Default::default(), 10)
        .await
        .unwrap();
    let id = rows[0].id;
    let email = b.get(&format!("/staff/outbox/{id}")).await;
    assert!(email.body.contains("srcdoc="));
    assert!(email.body.contains(&rows[0].subject));
    // Cancelling a held email from its page.
    let page = b.submit(&format!("/staff/outbox/{id}/cancel"), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let row = twinning::db::outbox::get(&app.ctx.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, twinning::domain::OutboxStatus::Cancelled);
    // A failed email is flagged on the dashboard.
    let now = app.ctx.clock.now();
    twinning::db::outbox::finish(
        &app.ctx.db,
        id,
        twinning::domain::OutboxStatus::Failed,
        now,
        Some("550 no such user"),
        None,
        now,
    )
    .await
    .unwrap();
    let dash = b.get("/staff/").await;
    assert!(
        dash.body.contains("1 email could not be delivered"),
        "{}",
        dash.body
    );
    let failed = b.get("/staff/outbox?status=failed").await;
    assert!(failed.body.contains("550 no such user"));
}

#[tokio::test]
async fn admins_create_staff_users_change_roles_and_deactivate_them() {
    let app = spawn_app().await;
    let mut admin = app.staff_browser("boss@example.org", "admin").await;
    admin.get("/staff/users").await;
    let page = admin
        .submit(
            "/staff/users",
            &[
                ("email", "vol@example.org"),
                ("name", "Volunteer"),
                ("role", "checkin"),
                ("password", "volunteer password 1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CREATED);
    let page = admin
        .submit(
            "/staff/users",
            &[
                ("email", "vol@example.org"),
                ("role", "checkin"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "duplicate email"
    );
    let user = twinning::db::staff::find_by_email(&app.ctx.db, "vol@example.org")
        .await
        .unwrap()
        .unwrap();
    let mut vol = app.browser();
    vol.get("/staff/login").await;
    let signed_in = vol
        .submit(
            "/staff/login",
            &[
                ("email", "vol@example.org"),
                ("password", "volunteer password 1"),
            ],
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(vol.get("/staff/events").await.status, StatusCode::FORBIDDEN);
    let page = admin
        .submit(
            &format!("/staff/users/{}", user.id),
            &[("role", "staff"), ("active", "yes")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(vol.get("/staff/events").await.status, StatusCode::OK);
    // Deactivating ends their session at once.
    admin
        .submit(
            &format!("/staff/users/{}", user.id),
            &[("role", "staff"), ("active", "no")],
        )
        .await;
    assert_eq!(vol.get("/staff/events").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn cookies_are_secure_when_the_site_is_served_over_https() {
    let app = crate::helpers::spawn_app_with(
        |s| s.base_url = Some("https://twinning.example.org".into()),
        false,
    )
    .await;
    let response = app.get("/staff/login").await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn cancelling_an_event_needs_the_confirmation_box_and_emails_every_registrant() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    app.register(&slug, "free", &["Ana"]).await;
    app.register(&slug, "adult", &["Ben"]).await;
    let mut b = app.staff_browser("staff@example.org", "staff").await;
    b.get(&format!("/staff/events/{slug}")).await;
    let page = b
        .submit(
            &format!("/staff/events/{slug}/status"),
            &[("status", "cancelled")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(app.event(&slug).await["status"], "published");
    let page = b
        .submit(
            &format!("/staff/events/{slug}/status"),
            &[("status", "cancelled"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(app.event(&slug).await["status"], "cancelled");
    let emails = twinning::db::outbox::list(
        &app.ctx.db,
        &twinning::db::outbox::OutboxFilter {
            kind: Some(twinning::domain::EmailKind::EventCancelled),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(emails.len(), 2, "both registrants are told");
    // The public page says so, and the form no longer takes registrations.
    let mut visitor = app.browser();
    let page = visitor.get(&format!("/events/{slug}")).await;
    assert!(page.body.contains("This event has been cancelled."));
    assert!(!page.body.contains(">Register</a>"));
}

#[tokio::test]
async fn the_audit_log_shows_staff_actions_filtered_by_event_person_and_kind() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let other = app.create_event(json!({})).await;
    let created = app.register(&slug, "adult", &["Ana"]).await;
    app.register(&other, "adult", &["Ben"]).await;
    let token = created["token"].as_str().unwrap();
    let mut staff = app.staff_browser("staff@example.org", "staff").await;
    let reg = twinning::registrations::find(&app.ctx, token)
        .await
        .unwrap();
    staff.get(&format!("/staff/registrations/{}", reg.id)).await;
    staff
        .submit(
            &format!("/staff/registrations/{}/payment", reg.id),
            &[("amount", "25"), ("method", "cash"), ("reference", "")],
        )
        .await;
    assert_eq!(
        staff.get("/staff/audit").await.status,
        StatusCode::FORBIDDEN
    );

    let mut admin = app.staff_browser("boss@example.org", "admin").await;
    let all = admin.get("/staff/audit").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("payment.record"));
    assert!(all.body.contains("event.create"));
    let by_event = admin
        .get(&format!("/staff/audit?event={slug}&action=payment."))
        .await;
    assert!(by_event.body.contains("staff:staff@example.org"));
    assert!(by_event.body.contains(&format!("registration:{}", reg.id)));
    assert!(!by_event.body.contains("event.create"), "filtered by kind");
    let other_event = admin.get(&format!("/staff/audit?event={other}")).await;
    assert!(
        !other_event.body.contains("payment.record"),
        "filtered by event"
    );
    let by_person = admin
        .get("/staff/audit?actor=staff%3Aboss%40example.org")
        .await;
    assert!(
        !by_person.body.contains("payment.record"),
        "filtered by person"
    );
}
