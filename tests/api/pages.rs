//! The public pages, driven like a browser without JavaScript: forms, redirects, cookies.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{field_value, spawn_app};

#[tokio::test]
async fn the_home_page_lists_published_events_with_price_and_seats() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"title": "Paella night", "capacity": 40,
            "partner_city": {"name": "Toledo", "country": "Spain", "since_year": 1931}}))
        .await;
    app.create_event(json!({"title": "Secret draft", "status": "draft"}))
        .await;
    let mut b = app.browser();
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.content_type.starts_with("text/html"));
    assert!(home.body.contains("Paella night"));
    assert!(home.body.contains(&format!("/events/{slug}")));
    assert!(home.body.contains("Free – 25.00 EUR"), "price range shown");
    assert!(home.body.contains("40 seats left"));
    assert!(!home.body.contains("Secret draft"), "drafts are not public");
    // The times are shown in the event's zone.
    assert!(home.body.contains("18:00–23:00 (Europe/Madrid)"));

    let partner = b.get("/partners/toledo").await;
    assert_eq!(partner.status, StatusCode::OK);
    assert!(partner.body.contains("Sister city since 1931"));
    assert!(partner.body.contains("Paella night"));
    let filtered = b.get("/?partner=toledo").await;
    assert!(filtered.body.contains("Paella night"));
    assert_eq!(
        b.get("/?partner=atlantis").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_event_page_offers_register_or_the_waitlist_or_says_when_it_opens() {
    let app = spawn_app().await;
    let open = app.create_event(json!({"capacity": 1})).await;
    let mut b = app.browser();
    let page = b.get(&format!("/events/{open}")).await;
    assert!(page.body.contains(">Register</a>"));
    app.register(&open, "adult", &["Ana"]).await;
    let page = b.get(&format!("/events/{open}")).await;
    assert!(
        page.body.contains("Join the waitlist"),
        "full event offers the waitlist"
    );

    let later = app
        .create_event(json!({"registration_opens_at": "2031-01-10T09:00"}))
        .await;
    let page = b.get(&format!("/events/{later}")).await;
    assert!(
        page.body
            .contains("Registration opens on Friday 10 January 2031, 09:00")
    );
    assert!(!page.body.contains(">Register</a>"));

    let draft = app.create_event(json!({"status": "draft"})).await;
    assert_eq!(
        b.get(&format!("/events/{draft}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_group_registers_through_the_form_and_lands_on_its_private_page() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"consents": ["I agree to the photo policy."]}))
        .await;
    let mut b = app.browser();
    let form = b.get(&format!("/events/{slug}/register")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("I agree to the photo policy."));
    let path = format!("/events/{slug}/register");
    // Without JavaScript, "Add another participant" is a submit button: a second row appears
    // and what was typed stays.
    let two = b
        .submit(
            &path,
            &[
                ("contact.name", "Ana García"),
                ("contact.email", "ana@example.org"),
                ("contact.language", "es"),
                ("participants[0].name", "Ana García"),
                ("participants[0].offering", "adult"),
                ("participants[0].notes", ""),
                ("action", "add"),
            ],
        )
        .await;
    assert_eq!(two.status, StatusCode::OK);
    assert!(two.body.contains("participants[1].name"));
    assert_eq!(
        field_value(&two.body, "contact.name").as_deref(),
        Some("Ana García")
    );
    let done = b
        .submit(
            &path,
            &[
                ("contact.name", "Ana García"),
                ("contact.email", "ana@example.org"),
                ("contact.language", "es"),
                ("participants[0].name", "Ana García"),
                ("participants[0].offering", "adult"),
                ("participants[0].notes", "vegetarian"),
                ("participants[1].name", "Luis García"),
                ("participants[1].offering", "free"),
                ("participants[1].notes", ""),
                ("consent", "0"),
                ("action", "register"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let location = done.location.expect("redirect");
    assert!(location.starts_with("/r/"));
    let token = location.trim_start_matches("/r/").to_owned();
    let registration = app.registration(&token).await;
    assert_eq!(registration["status"], "pending_payment");
    assert_eq!(registration["contact"]["language"], "es");
    assert_eq!(registration["participants"][0]["notes"], "vegetarian");
    assert_eq!(registration["participants"].as_array().unwrap().len(), 2);

    let private = b.get(&location).await;
    assert_eq!(private.status, StatusCode::OK);
    // Ana chose Spanish for her emails: the private page behind their link speaks it too.
    assert!(
        private.body.contains("Pendiente de pago"),
        "{}",
        private.body
    );
    assert!(private.body.contains("Luis García"));
    assert!(private.body.contains("25,00 EUR"));
    assert!(
        !private.body.contains("calendar.ics"),
        "no calendar before confirmation"
    );
    // Not confirmed yet: no calendar file.
    assert_eq!(
        b.get(&format!("{location}/calendar.ics")).await.status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn a_form_with_errors_comes_back_with_every_value_and_each_message_by_its_field() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"consents": ["I agree to the photo policy."]}))
        .await;
    let mut b = app.browser();
    b.get(&format!("/events/{slug}/register")).await;
    let page = b
        .submit(
            &format!("/events/{slug}/register"),
            &[
                ("contact.name", "Ana"),
                ("contact.email", "not-an-email"),
                ("contact.phone", "call me"),
                ("contact.language", "en"),
                ("participants[0].name", ""),
                ("participants[0].offering", "adult"),
                ("participants[0].notes", "no nuts"),
                ("action", "register"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_value(&page.body, "contact.email").as_deref(),
        Some("not-an-email")
    );
    assert!(page.body.contains(">no nuts</textarea>"));
    // A summary at the top links to each field, and each field carries its message.
    assert!(page.body.contains("href=\"#contact-email\""));
    assert!(page.body.contains("href=\"#participants-0-name\""));
    assert!(page.body.contains("href=\"#accept-consents\""));
    assert!(page.body.contains("id=\"contact-email-error\""));
    assert!(page.body.contains("id=\"contact-phone-error\""));
    assert_eq!(
        field_value(&page.body, "contact.phone").as_deref(),
        Some("call me")
    );
    assert!(
        page.body
            .contains("aria-invalid=\"true\" aria-describedby=\"participants-0-name-error\"")
    );
    assert!(
        twinning::db::registrations::list_for_event(&app.ctx.db, app.event_id(&slug).await, None)
            .await
            .unwrap()
            .is_empty(),
        "nothing was registered"
    );
}

#[tokio::test]
async fn a_form_posted_without_the_browsers_token_is_refused() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let mut b = app.browser();
    b.get(&format!("/events/{slug}/register")).await;
    let fields = [
        ("contact.name", "Ana"),
        ("contact.email", "ana@example.org"),
        ("participants[0].name", "Ana"),
        ("participants[0].offering", "free"),
    ];
    let page = b
        .post_form(&format!("/events/{slug}/register"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("This form has expired"));
    // A token from another browser does not help either.
    let mut other = app.browser();
    other.get(&format!("/events/{slug}/register")).await;
    let mut forged = vec![("csrf", other.csrf.as_str())];
    forged.extend_from_slice(&fields);
    let page = b
        .post_form(&format!("/events/{slug}/register"), &forged)
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_confirmed_registration_shows_qr_codes_a_calendar_file_and_can_be_cancelled() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"title": "Concert"})).await;
    let created = app.register(&slug, "free", &["Mei", "Jonas"]).await;
    let token = created["token"].as_str().unwrap();
    let mut b = app.browser();
    let page = b.get(&format!("/r/{token}")).await;
    assert!(page.body.contains("Confirmed"));
    assert_eq!(
        page.body.matches("<svg").count(),
        2,
        "one QR code per participant"
    );
    assert!(!page.body.contains(token) || page.body.matches(token).count() >= 1);
    let ics = b.get(&format!("/r/{token}/calendar.ics")).await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(ics.content_type.starts_with("text/calendar"));
    assert!(ics.body.contains("SUMMARY:Concert"));
    assert!(ics.body.contains("TZID=Europe/Madrid"));

    let confirm = b.get(&format!("/r/{token}/cancel")).await;
    assert!(
        confirm
            .body
            .contains("Nothing has been paid, so no refund is due.")
    );
    let done = b.submit(&format!("/r/{token}/cancel"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(app.status_of(token).await, "cancelled");
    assert!(
        b.get(&format!("/r/{token}"))
            .await
            .body
            .contains("Cancelled")
    );
}

#[tokio::test]
async fn the_cancel_page_states_what_was_paid() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let created = app.register(&slug, "adult", &["Ana"]).await;
    let token = created["token"].as_str().unwrap();
    let response = app
        .staff_post(
            &format!("/api/v1/registrations/{token}/payments"),
            &json!({"method": "cash", "amount": {"amount_minor": 2500, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let mut b = app.browser();
    let page = b.get(&format!("/r/{token}/cancel")).await;
    assert!(page.body.contains("You have paid 25.00 EUR"));
}

#[tokio::test]
async fn a_waitlisted_visitor_claims_an_offered_seat_on_the_offer_page() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"capacity": 1})).await;
    let first = app.register(&slug, "free", &["Ana"]).await;
    let second = app.register(&slug, "free", &["Ben"]).await;
    let token = second["token"].as_str().unwrap();
    let mut b = app.browser();
    assert!(
        b.get(&format!("/r/{token}"))
            .await
            .body
            .contains("On the waitlist")
    );
    assert!(
        b.get(&format!("/offers/{token}"))
            .await
            .body
            .contains("no longer open")
    );

    let first_token = first["token"].as_str().unwrap();
    app.cancel(first_token).await;
    let offer = b.get(&format!("/offers/{token}")).await;
    assert!(offer.body.contains("A seat is free for you"));
    let claimed = b.submit(&format!("/offers/{token}"), &[]).await;
    assert_eq!(claimed.status, StatusCode::SEE_OTHER);
    assert_eq!(app.status_of(token).await, "confirmed");
    app.assert_seat_counters_match(&slug).await;
}

#[tokio::test]
async fn the_calendar_feed_lists_upcoming_published_events() {
    let app = spawn_app().await;
    app.create_event(json!({"title": "Flamenco evening"})).await;
    app.create_event(json!({"title": "Hidden draft", "status": "draft"}))
        .await;
    let mut b = app.browser();
    let feed = b.get("/events.ics").await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.content_type.starts_with("text/calendar"));
    assert!(feed.body.contains("SUMMARY:Flamenco evening"));
    assert!(!feed.body.contains("Hidden draft"));
}

#[tokio::test]
async fn unknown_pages_and_tokens_get_a_styled_page_not_a_stack_trace() {
    let app = spawn_app().await;
    let mut b = app.browser();
    for path in [
        "/nowhere",
        "/r/not-a-token",
        "/offers/xyz",
        "/events/none",
        "/partners/none",
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.content_type.starts_with("text/html"), "{path}");
        assert!(page.body.contains("Page not found"), "{path}");
        assert!(page.body.contains("/static/app.css"), "{path} is styled");
    }
    // A malformed form body is a 400 page, not a 500.
    let page = b.post_form("/events/none/register", &[("csrf", "x")]).await;
    assert!(page.status.is_client_error());
    // The JSON API keeps answering JSON.
    let api = app.get("/api/v1/nothing").await;
    assert!(
        api.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
}

#[tokio::test]
async fn private_pages_are_not_cached_and_never_leak_their_address_to_other_sites() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let created = app.register(&slug, "free", &["Ana"]).await;
    let token = created["token"].as_str().unwrap();
    let response = app.get(&format!("/r/{token}")).await;
    let h = response.headers();
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    let public = app.get(&format!("/events/{slug}")).await;
    assert!(public.headers().get("cache-control").is_none());
    assert_eq!(public.headers()["referrer-policy"], "same-origin");
}

#[tokio::test]
async fn the_form_asks_the_events_questions_and_staff_write_them_one_per_line() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"status": "draft"})).await;
    let mut staff = app.staff_browser("staff@example.org", "staff").await;
    let page = staff.get(&format!("/staff/events/{slug}/edit")).await;
    assert_eq!(page.status, StatusCode::OK);
    // Every field of the edit form as it is, with the questions added.
    let mut fields: Vec<(String, String)> = Vec::new();
    let form = &page.body;
    fields.push(("kind".into(), "event".into()));
    for name in [
        "title",
        "description",
        "venue",
        "timezone",
        "starts_at",
        "ends_at",
        "registration_opens_at",
        "registration_closes_at",
        "capacity",
        "hold_minutes",
        "offer_minutes",
        "reminders",
        "offerings[0].key",
        "offerings[0].name",
        "offerings[0].price",
        "offerings[0].currency",
        "offerings[1].key",
        "offerings[1].name",
        "offerings[1].price",
        "offerings[1].currency",
    ] {
        if let Some(v) = input_value(form, name) {
            fields.push((name.to_owned(), v));
        }
    }
    fields.push(("payment_options".into(), "later".into()));
    let with = |questions: &str| {
        let mut f = fields.clone();
        f.push(("questions".into(), questions.into()));
        f.push(("action".into(), "save".into()));
        f
    };
    let bad = with("T-shirt size: S /");
    let refs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let page = staff
        .submit(&format!("/staff/events/{slug}/edit"), &refs)
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"questions-error\""));
    let good = with("T-shirt size: S / M / L *\nDietary needs");
    let refs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let page = staff
        .submit(&format!("/staff/events/{slug}/edit"), &refs)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = staff.get(&format!("/staff/events/{slug}/edit")).await;
    assert!(
        page.body
            .contains("T-shirt size: S / M / L *\nDietary needs</textarea>")
    );
    let response = app
        .staff_patch(
            &format!("/api/v1/events/{slug}"),
            &json!({"status": "published"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let mut b = app.browser();
    let page = b.get(&format!("/events/{slug}/register")).await;
    assert!(
        page.body
            .contains("name=\"participants[0].answers.t-shirt-size\"")
    );
    assert!(page.body.contains("<option value=\"M\">M</option>"));
    let submit = |size: &'static str| {
        vec![
            ("contact.name", "Ana"),
            ("contact.email", "ana@example.org"),
            ("contact.language", "en"),
            ("participants[0].name", "Ana"),
            ("participants[0].offering", "free"),
            ("participants[0].notes", ""),
            ("participants[0].answers.t-shirt-size", size),
            ("participants[0].answers.dietary-needs", "no nuts"),
            ("action", "register"),
        ]
    };
    let page = b
        .submit(&format!("/events/{slug}/register"), &submit(""))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("id=\"participants-0-answers-t-shirt-size-error\"")
    );
    assert!(
        page.body
            .contains("Participant 1 – T-shirt size: is required"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("value=\"no nuts\""),
        "the other answer is kept"
    );
    let page = b
        .submit(&format!("/events/{slug}/register"), &submit("L"))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = b.get(page.location.as_deref().unwrap()).await;
    assert!(page.body.contains("T-shirt size: L") && page.body.contains("Dietary needs: no nuts"));
}

/// The `value` of the input named `name`, wherever the attribute is in the tag.
fn input_value(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("name=\"{name}\""))?;
    let tag = &html[start..start + html[start..].find('>')?];
    let value = tag.find("value=\"")? + "value=\"".len();
    let end = tag[value..].find('"')? + value;
    Some(tag[value..end].replace("&#58;", ":").replace("&#43;", "+"))
}

#[tokio::test]
async fn pages_speak_the_browsers_language_or_the_one_chosen_with_the_switch() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"capacity": 12})).await;
    let event_page = app
        .page_with(
            &format!("/events/{slug}"),
            ("accept-language", "es-MX,es;q=0.9,en;q=0.5"),
        )
        .await;
    for spanish in [
        "Cuándo",
        "Inscribirme",
        "Gratis",
        "Quedan 12 plazas",
        "Entradas",
    ] {
        assert!(event_page.contains(spanish), "{spanish}: {event_page}");
    }
    let get = |lang: Option<&'static str>, cookie: Option<&'static str>| {
        let mut request = app.client.get(format!("{}/", app.address));
        if let Some(l) = lang {
            request = request.header("accept-language", l);
        }
        if let Some(c) = cookie {
            request = request.header("cookie", c);
        }
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    let german = get(Some("de-AT,de;q=0.9"), None).await;
    assert!(german.contains("<html lang=\"de\">"), "{german}");
    assert!(german.contains("Kommende Veranstaltungen und Austausche"));
    let english = get(Some("ja, fr;q=0.8"), None).await;
    assert!(english.contains("<html lang=\"en\">") && english.contains("Upcoming events"));

    // The switch keeps the choice in a cookie and returns to the page; the choice beats the
    // browser's header.
    let mut b = app.browser();
    let page = b.get("/language/es?back=%2F%3Fpartner%3Dx").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location.as_deref(), Some("/?partner=x"));
    let home = b.get("/").await;
    assert!(
        home.body.contains("<html lang=\"es\">"),
        "the browser kept the cookie"
    );
    let spanish = get(Some("de"), Some("twinning_lang=es")).await;
    assert!(spanish.contains("<html lang=\"es\">") && spanish.contains("Próximos eventos"));
    // Every page links each language, marking the current one, back to itself.
    assert!(
        spanish.contains("href=\"/language/de?back=%2F\" lang=\"de\" hreflang=\"de\">Deutsch</a>"),
        "{spanish}"
    );
    assert!(spanish.contains("aria-current=\"true\">Español</a>"));

    // Only paths on this site are followed back; unknown languages are not found.
    let page = b.get("/language/de?back=//evil.example/").await;
    assert_eq!(page.location.as_deref(), Some("/"));
    let page = b.get("/language/xx?back=/").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_paid_event_that_takes_cards_only_says_card_payments_are_not_set_up() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"payment_options": ["card"]})).await;
    let event = app
        .get(&format!("/events/{slug}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        event.contains("card payments are not set up yet"),
        "{event}"
    );
    assert!(!event.contains(&format!("href=\"/events/{slug}/register\"")));
    let form = app
        .get(&format!("/events/{slug}/register"))
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains("card payments are not set up yet"));
    assert!(!form.contains("<form method=\"post\""), "{form}");
    let spanish = app
        .page_with(&format!("/events/{slug}"), ("accept-language", "es"))
        .await;
    assert!(spanish.contains("el pago con tarjeta aún no está disponible"));

    // A free event needs no payment at all.
    let free = app
        .create_event(json!({"payment_options": ["card"], "offerings": [
            {"key": "free", "name": "Child", "price": {"amount_minor": 0, "currency": "EUR"}}]}))
        .await;
    let page = app
        .get(&format!("/events/{free}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("href=\"/events/{free}/register\"")),
        "{page}"
    );
}

#[tokio::test]
async fn public_pages_come_from_memory_for_a_second_and_a_change_made_here_shows_at_once() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"title": "Paella night", "capacity": 40}))
        .await;
    // A second web process on the same database.
    let other = twinning::app::startup::Application::build(
        twinning::core::config::Settings::for_database(app.database_url.clone()),
        twinning::core::clock::Clock::system(),
        false,
    )
    .await
    .unwrap();
    let other_address = format!("http://{}", other.local_addr());
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(other.run_until(async move {
        let _ = stopped.await;
    }));
    let path = format!("/events/{slug}");
    let mut b = app.browser();
    assert!(b.get(&path).await.body.contains("40 seats left"));
    // A registration committed by this process forgets the pages at once.
    app.register(&slug, "adult", &["Ana"]).await;
    assert!(b.get(&path).await.body.contains("39 seats left"));

    // It renames the event: this one answers from memory until the second is up, then shows
    // the change.
    let renamed = app
        .client
        .patch(format!("{other_address}/api/v1/events/{slug}"))
        .bearer_auth(&app.admin_token)
        .json(&json!({"title": "Tapas night"}))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    let home = b.get("/").await.body;
    let page = b.get(&path).await.body;
    assert!(
        page.contains("Paella night") && !page.contains("Tapas night"),
        "{page}"
    );
    assert!(
        home.contains("Tapas night"),
        "the home page was not kept yet"
    );
    let spanish = app
        .client
        .get(format!("{}{path}", app.address))
        .header("accept-language", "es")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        spanish.contains("Tapas night"),
        "each language is a page of its own"
    );
    app.advance(chrono::Duration::milliseconds(500));
    assert!(b.get(&path).await.body.contains("Paella night"));
    app.advance(chrono::Duration::milliseconds(500));
    assert!(b.get(&path).await.body.contains("Tapas night"));

    // Errors are not kept.
    assert_eq!(
        b.get("/events/nothing-here").await.status,
        StatusCode::NOT_FOUND
    );
    app.create_event(json!({"slug": "nothing-here", "title": "Late addition"}))
        .await;
    assert!(
        b.get("/events/nothing-here")
            .await
            .body
            .contains("Late addition")
    );
}
