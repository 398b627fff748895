//! Languages: the language a registrant chooses carries through the pages, the emails (over
//! real SMTP) and the way dates and money are written; staff give an event's texts per
//! language, with the default language as fallback.

use reqwest::StatusCode;
use serde_json::json;
use twinning::core::config::Secret;

use crate::helpers::{TestApp, assert_error, spawn_app, spawn_app_with};
use crate::smtp::SmtpServer;

/// An event on 1 March 2027, 19:00–22:30 in New York, with Spanish and German texts.
async fn festival(app: &TestApp) -> String {
    app.create_event(json!({
        "title": "Toledo Festival", "description": "Music and tapas.",
        "timezone": "America/New_York",
        "starts_at": "2027-03-01T19:00", "ends_at": "2027-03-01T22:30",
        "custom_email_text": "Bring a coat.",
        "questions": [{"key": "size", "label": "T-shirt size", "options": ["Small", "Large"], "required": true}],
        "consents": ["Photos may show me."],
        "translations": {
            "es": {"title": "Festival de Toledo", "description": "Música y tapas.", "email_text": "Trae un abrigo.",
                   "offerings": {"adult": "Adulto", "free": "Niño"},
                   "questions": {"size": {"label": "Talla de camiseta", "options": ["Pequeña", "Grande"]}},
                   "consents": ["Acepto que las fotos me muestren."]},
            "de": {"title": "Toledo-Fest"}
        }
    }))
    .await
}

#[tokio::test]
async fn a_registrant_choosing_spanish_gets_spanish_pages_emails_and_dates() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(|s| s.smtp_url = Some(Secret(smtp.url())), false).await;
    let slug = festival(&app).await;
    let when = "lunes, 1 de marzo de 2027, 19:00–22:30 (hora de New York)";

    // The visitor picks Spanish with the switch; the form follows and preselects it for emails.
    let mut b = app.browser();
    b.get("/language/es?back=/").await;
    let path = format!("/events/{slug}/register");
    let form = b.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    for spanish in [
        "<html lang=\"es\">",
        "Festival de Toledo",
        when,
        "Tus datos (persona de contacto)",
        "Idioma de los correos",
        "25,00 EUR",
        "Gratis",
        "Añadir otro participante",
        "<option value=\"es\" selected>",
        "Adulto (25,00 EUR)",
        "Niño (Gratis)",
        "Talla de camiseta",
        "<option value=\"Large\">Grande</option>",
        "Acepto que las fotos me muestren.",
    ] {
        assert!(form.body.contains(spanish), "{spanish}: {}", form.body);
    }
    for english in [
        "Toledo Festival",
        "T-shirt size",
        "Photos may show me",
        ">Adult (",
    ] {
        assert!(!form.body.contains(english), "{english}: {}", form.body);
    }

    // Mistakes come back in Spanish, in the summary and by each field.
    let bad = b
        .submit(
            &path,
            &[
                ("contact.name", ""),
                ("contact.email", "lucia-at-example"),
                ("contact.language", "es"),
                ("participants[0].name", "Lucía Fernández"),
                ("participants[0].offering", "adult"),
                ("action", "register"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for spanish in [
        "Corrige estos 4 datos",
        "Tu nombre: no puede estar vacío",
        "Participante 1 – Talla de camiseta: es obligatorio",
        "Consentimiento: debes aceptarlo para inscribirte",
        "Tu correo electrónico: no es una dirección de correo válida",
        "<p class=\"field-error\" id=\"contact-email-error\">no es una dirección de correo válida</p>",
    ] {
        assert!(bad.body.contains(spanish), "{spanish}: {}", bad.body);
    }

    // The event's own question, in Spanish, with its Spanish message.
    let bad = b
        .submit(
            &path,
            &[
                ("contact.name", "Lucía Fernández"),
                ("contact.email", "lucia@example.org"),
                ("contact.language", "es"),
                ("participants[0].name", "Lucía Fernández"),
                ("participants[0].offering", "adult"),
                ("participants[0].answers.size", ""),
                ("consent", "0"),
                ("action", "register"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body
            .contains("Participante 1 – Talla de camiseta: es obligatorio"),
        "{}",
        bad.body
    );
    let done = b
        .submit(
            &path,
            &[
                ("contact.name", "Lucía Fernández"),
                ("contact.email", "lucia@example.org"),
                ("contact.language", "es"),
                ("participants[0].name", "Lucía Fernández"),
                ("participants[0].offering", "adult"),
                ("participants[0].answers.size", "Large"),
                ("consent", "0"),
                ("action", "register"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let location = done.location.expect("redirect");
    let token = location.trim_start_matches("/r/").to_owned();
    let registration = app.registration(&token).await;
    assert_eq!(registration["contact"]["language"], "es");
    assert_eq!(
        registration["participants"][0]["answers"]["size"], "Large",
        "answers keep the event's own option, whatever language the form was in"
    );

    let private = b.get(&location).await;
    for spanish in [
        "Tu inscripción",
        "Pendiente de pago",
        "Plazas reservadas hasta el ",
        "(hora de New York)",
        "Pendiente</dt><dd>25,00 EUR",
        "¿No puedes venir?",
        "Lucía Fernández</strong> · Adulto",
        "Talla de camiseta: Grande",
    ] {
        assert!(
            private.body.contains(spanish),
            "{spanish}: {}",
            private.body
        );
    }
    // The private link opened in a browser that prefers English still shows the registration's
    // language; an explicit choice of language wins.
    let fresh = app
        .page_with(&location, ("accept-language", "en-US,en;q=0.9"))
        .await;
    assert!(fresh.contains("Pendiente de pago"), "{fresh}");
    let chosen = app
        .page_with(&location, ("cookie", "twinning_lang=de"))
        .await;
    assert!(chosen.contains("Zahlung ausstehend"), "{chosen}");

    // Staff record the payment: the confirmation is in Spanish, with Spanish dates and money
    // and the Spanish version of the event's own email text.
    let pay = json!({"method": "transfer", "amount": {"amount_minor": 2500, "currency": "EUR"}});
    let paid = app
        .staff_post(&format!("/api/v1/registrations/{token}/payments"), &pay)
        .await;
    assert!(paid.status().is_success(), "{}", paid.text().await.unwrap());
    assert_eq!(app.run_pending_jobs().await, 2);
    let received = smtp.received();
    let subjects: Vec<_> = received
        .iter()
        .map(|m| m.parsed().subject().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        subjects,
        [
            "Inscripción recibida: Festival de Toledo",
            "Confirmada: Festival de Toledo"
        ]
    );
    let received_text = received[0].parsed().body_text(0).unwrap().into_owned();
    assert!(
        received_text.contains("Hola, Lucía Fernández:"),
        "{received_text}"
    );
    assert!(received_text.contains("Importe pendiente: 25,00 EUR."));
    let confirmed = received[1].parsed();
    let text = confirmed.body_text(0).unwrap();
    let html = confirmed.body_html(0).unwrap();
    for spanish in [
        "Tu inscripción está confirmada.",
        when,
        "Pagado: 25,00 EUR.",
        "Trae un abrigo.",
        "Códigos de acceso",
        "- Lucía Fernández (Adulto)",
    ] {
        assert!(text.contains(spanish), "{spanish}: {text}");
    }
    assert!(!text.contains("Bring a coat") && !text.contains("Toledo Festival"));
    assert!(
        html.contains("<html lang=\"es\">") && html.contains("Muestra este código en la entrada")
    );

    // Confirmed, the private page shows the check-in code and the payment in Spanish.
    let private = b.get(&location).await;
    for spanish in [
        "Confirmada",
        "Código de acceso:",
        "Transferencia bancaria",
        "Pagos y reembolsos",
    ] {
        assert!(
            private.body.contains(spanish),
            "{spanish}: {}",
            private.body
        );
    }
    let cancel = b.get(&format!("{location}/cancel")).await;
    assert!(cancel.body.contains("¿Cancelar tu inscripción?"));
    assert!(
        cancel.body.contains("Has pagado 25,00 EUR."),
        "{}",
        cancel.body
    );
}

#[tokio::test]
async fn german_registrations_get_german_emails_and_the_default_text_where_none_is_translated() {
    let app = spawn_app().await;
    let slug = festival(&app).await;
    let body = json!({"contact": {"name": "Jonas Becker", "email": "jonas@example.org", "language": "de-AT"},
        "participants": [{"name": "Jonas Becker", "offering": "free", "answers": {"size": "Small"}}],
        "accept_consents": true});
    let response = app
        .post(&format!("/api/v1/events/{slug}/registrations"), &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let held: Vec<serde_json::Value> = app.list_all("/api/v1/outbox?status=held").await;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["subject"], "Bestätigt: Toledo-Fest");
    let one: serde_json::Value = app
        .staff_get(&format!("/api/v1/outbox/{}", held[0]["id"]))
        .await
        .json()
        .await
        .unwrap();
    let text = one["body_text"].as_str().unwrap();
    assert!(text.contains("Hallo Jonas Becker,"), "{text}");
    assert!(
        text.contains("Montag, 1. März 2027, 19:00–22:30 Uhr (Ortszeit New York)"),
        "{text}"
    );
    assert!(
        text.contains("Bring a coat."),
        "no German email text: the default language's: {text}"
    );

    // The German event page: translated title, the default description.
    let page = app
        .page_with(
            &format!("/events/{slug}"),
            ("accept-language", "de-AT,de;q=0.9"),
        )
        .await;
    assert!(page.contains("<h1>Toledo-Fest</h1>"), "{page}");
    assert!(page.contains("Music and tapas."));
}

#[tokio::test]
async fn translations_are_checked_kept_and_replaced_through_the_api() {
    let app = spawn_app().await;
    let slug = festival(&app).await;
    let event = app.event(&slug).await;
    assert_eq!(event["translations"]["es"]["title"], "Festival de Toledo");
    assert_eq!(event["translations"]["de"]["description"], "");

    let body = assert_error(
        app.staff_patch(
            &format!("/api/v1/events/{slug}"),
            &json!({"translations": {"fr": {"title": "Fête"}, "es": {"title": "x".repeat(201)}}}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("translations.fr"),
    )
    .await;
    assert_eq!(
        body["error"]["fields"]["translations.es.title"],
        "must be at most 200 characters"
    );
    assert_eq!(
        app.event(&slug).await["translations"]["es"]["title"],
        "Festival de Toledo",
        "nothing changed"
    );

    let response = app
        .staff_patch(
            &format!("/api/v1/events/{slug}"),
            &json!({"translations": {"es": {"title": "Fiesta de Toledo"}, "de": {"title": " "}}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let event = app.event(&slug).await;
    assert_eq!(event["translations"]["es"]["title"], "Fiesta de Toledo");
    assert!(
        event["translations"].get("de").is_none(),
        "a blank translation is dropped: {}",
        event["translations"]
    );
}

#[tokio::test]
async fn staff_enter_an_events_texts_per_language_in_the_event_form() {
    let app = spawn_app().await;
    let slug = festival(&app).await;
    let mut b = app.staff_browser("staff@example.org", "staff").await;
    let edit = b.get(&format!("/staff/events/{slug}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    // One set of fields per language other than the default (English), filled from the event.
    assert!(edit.body.contains("In Español") && edit.body.contains("In Deutsch"));
    assert!(!edit.body.contains("In English"));
    assert!(
        edit.body
            .contains("name=\"translations.es.title\" type=\"text\" value=\"Festival de Toledo\""),
        "{}",
        edit.body
    );
    assert!(edit.body.contains(">Trae un abrigo.</textarea>"));
    assert!(
        edit.body.contains(">Adulto\nNiño</textarea>"),
        "{}",
        edit.body
    );
    assert!(
        edit.body
            .contains(">Talla de camiseta: Pequeña / Grande</textarea>")
    );

    let long_title = "x".repeat(201);
    let mut fields = vec![
        ("title", "Toledo Festival"),
        ("kind", "event"),
        ("description", "Music and tapas."),
        ("venue", ""),
        ("timezone", "America/New_York"),
        ("starts_at", "2027-03-01T19:00"),
        ("ends_at", "2027-03-01T22:30"),
        ("payment_options", "later"),
        ("hold_minutes", "1440"),
        ("offer_minutes", "2880"),
        ("offerings[0].key", "adult"),
        ("offerings[0].name", "Adult"),
        ("offerings[0].price", "25.00"),
        ("offerings[0].currency", "EUR"),
        ("offerings[1].key", "free"),
        ("offerings[1].name", "Child"),
        ("offerings[1].price", "0"),
        ("offerings[1].currency", "EUR"),
        ("reminders", "7, 1"),
        ("custom_email_text", "Bring a coat."),
        ("questions", "T-shirt size: Small / Large *"),
        ("consents", "Photos may show me."),
        ("translations.es.offerings", "Adulto\n\nExtra"),
        ("translations.es.questions", "Talla: P / G"),
        ("translations.es.consents", "Acepto las fotos."),
        ("translations.es.title", long_title.as_str()),
        ("translations.es.description", "Música, tapas y flamenco."),
        ("translations.es.email_text", ""),
        ("translations.de.title", "Toledo-Fest"),
        ("translations.de.description", ""),
        ("translations.de.email_text", "Bringen Sie eine Jacke mit."),
        ("action", "save"),
    ];
    let page = b
        .submit(&format!("/staff/events/{slug}/edit"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("id=\"translations-es-title-error\""),
        "{}",
        page.body
    );
    assert!(page.body.contains(">Música, tapas y flamenco.</textarea>"));
    assert!(
        page.body
            .contains("has 3 lines but the event has 2 tickets"),
        "{}",
        page.body
    );

    fields.retain(|(k, _)| *k != "translations.es.title" && *k != "translations.es.offerings");
    fields.push(("translations.es.title", "Festival de Toledo 2027"));
    fields.push(("translations.es.offerings", "\nPeque"));
    let page = b
        .submit(&format!("/staff/events/{slug}/edit"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let event = app.event(&slug).await;
    assert_eq!(
        event["translations"],
        json!({
            "es": {"title": "Festival de Toledo 2027", "description": "Música, tapas y flamenco.", "email_text": "",
                   "offerings": {"free": "Peque"},
                   "questions": {"t-shirt-size": {"label": "Talla", "options": ["P", "G"]}},
                   "consents": ["Acepto las fotos."]},
            "de": {"title": "Toledo-Fest", "description": "", "email_text": "Bringen Sie eine Jacke mit."}
        })
    );
    let spanish = app
        .page_with(&format!("/events/{slug}"), ("cookie", "twinning_lang=es"))
        .await;
    assert!(
        spanish.contains("<h1>Festival de Toledo 2027</h1>")
            && spanish.contains("Música, tapas y flamenco.")
    );
}
