//! The sample site loaded into an empty embedded database, so a newcomer can click through a
//! festival, a concert with a waitlist and an exchange at once.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::context::Ctx;
use crate::db::events as db_events;
use crate::domain::event::input::{EventBody, build_draft};
use crate::domain::{EmailAddress, Language, PaymentChoice, PersonName};
use crate::registrations::{self, Actor, NewParticipant, NewRegistration};

/// Loads the sample site when the database has no events; returns whether it did.
pub async fn load_if_empty(ctx: &Ctx) -> anyhow::Result<bool> {
    if !db_events::list_all(&ctx.db).await?.is_empty() {
        return Ok(false);
    }
    let day = |n: i64| {
        (Utc::now() + Duration::days(n))
            .format("%Y-%m-%d")
            .to_string()
    };
    let events = [
        json!({
            "slug": "toledo-spain-festival", "kind": "event", "status": "published",
            "title": "Festival of Toledo, Spain",
            "description": "Music, tapas and flamenco with our sister city Toledo, Spain. Bring the whole family.",
            "venue": "Promenade Park, Toledo, Ohio", "timezone": "America/New_York",
            "starts_at": format!("{}T12:00", day(30)), "ends_at": format!("{}T22:00", day(30)),
            "capacity": 400, "payment_options": ["later"],
            "consents": ["I agree that photos taken at the festival may show me and be used in the association's newsletter."],
            "questions": [
                {"label": "Festival T-shirt size", "options": ["Child", "S", "M", "L", "XL"]},
                {"label": "Will you join the paella workshop?", "options": ["Yes", "No", "Maybe"]}
            ],
            "partner_city": {"slug": "toledo-spain", "name": "Toledo", "country": "Spain", "languages": ["es"], "since_year": 1931},
            "custom_email_text": "Free parking at the Promenade Park garage. The paella workshop starts at 15:00 by the river stage.",
            "translations": {
                "es": {
                    "title": "Festival de Toledo, España",
                    "description": "Música, tapas y flamenco con nuestra ciudad hermana Toledo, España. Ven con toda la familia.",
                    "email_text": "Aparcamiento gratuito en el garaje de Promenade Park. El taller de paella empieza a las 15:00 junto al escenario del río.",
                    "offerings": {"general": "Entrada general", "gala-dinner": "Cena de gala"},
                    "questions": {
                        "festival-t-shirt-size": {"label": "Talla de la camiseta del festival", "options": ["Infantil", "S", "M", "L", "XL"]},
                        "will-you-join-the-paella-workshop": {"label": "¿Participarás en el taller de paella?", "options": ["Sí", "No", "Quizás"]}
                    },
                    "consents": ["Acepto que las fotos tomadas en el festival puedan mostrarme y usarse en el boletín de la asociación."]
                },
                "de": {
                    "title": "Fest von Toledo, Spanien",
                    "description": "Musik, Tapas und Flamenco mit unserer Partnerstadt Toledo in Spanien. Bringen Sie die ganze Familie mit.",
                    "email_text": "Kostenlos parken im Parkhaus am Promenade Park. Der Paella-Workshop beginnt um 15:00 an der Flussbühne.",
                    "offerings": {"general": "Eintritt", "gala-dinner": "Galadinner"},
                    "questions": {
                        "festival-t-shirt-size": {"label": "Größe des Festival-T-Shirts", "options": ["Kind", "S", "M", "L", "XL"]},
                        "will-you-join-the-paella-workshop": {"label": "Machen Sie beim Paella-Workshop mit?", "options": ["Ja", "Nein", "Vielleicht"]}
                    },
                    "consents": ["Ich bin einverstanden, dass auf dem Fest aufgenommene Fotos mich zeigen und im Newsletter des Vereins erscheinen dürfen."]
                }
            },
            "offerings": [
                {"key": "general", "name": "General admission", "price": {"amount_minor": 0, "currency": "USD"}},
                {"key": "gala-dinner", "name": "Gala dinner", "price": {"amount_minor": 4500, "currency": "USD"}, "capacity": 80}
            ]
        }),
        json!({
            "slug": "delmenhorst-youth-orchestra", "kind": "event", "status": "published",
            "title": "Delmenhorst Youth Orchestra in concert",
            "description": "The youth orchestra of our partner city Delmenhorst plays Beethoven and Gershwin.",
            "venue": "Peristyle, Toledo Museum of Art", "timezone": "America/New_York",
            "starts_at": format!("{}T19:30", day(14)), "ends_at": format!("{}T21:30", day(14)),
            "capacity": 3, "payment_options": ["later"],
            "partner_city": {"slug": "delmenhorst", "name": "Delmenhorst", "country": "Germany", "languages": ["de"], "since_year": 1987},
            "translations": {
                "es": {"title": "Concierto de la Orquesta Juvenil de Delmenhorst", "description": "La orquesta juvenil de nuestra ciudad hermana Delmenhorst toca Beethoven y Gershwin.",
                       "offerings": {"adult": "Adulto", "student": "Estudiante"}},
                "de": {"title": "Jugendorchester Delmenhorst im Konzert", "description": "Das Jugendorchester unserer Partnerstadt Delmenhorst spielt Beethoven und Gershwin.",
                       "offerings": {"adult": "Erwachsene", "student": "Schüler und Studierende"}}
            },
            "offerings": [
                {"key": "adult", "name": "Adult", "price": {"amount_minor": 2500, "currency": "USD"}},
                {"key": "student", "name": "Student", "price": {"amount_minor": 1000, "currency": "USD"}}
            ]
        }),
        json!({
            "slug": "delmenhorst-delegation", "kind": "exchange", "status": "published",
            "title": "Hosting the Delmenhorst youth delegation",
            "description": "Students from our partner city Delmenhorst spend a week in Toledo and stay with local host families. Families can apply to host from the home page.",
            "venue": "Toledo, Ohio", "timezone": "America/New_York",
            "starts_at": format!("{}T15:00", day(60)), "ends_at": format!("{}T11:00", day(67)),
            "capacity": 20, "payment_options": ["later"],
            "partner_city": {"slug": "delmenhorst", "name": "Delmenhorst", "country": "Germany", "languages": ["de"], "since_year": 1987},
            "offerings": [
                {"key": "delegate", "name": "Delegate", "price": {"amount_minor": 0, "currency": "USD"}}
            ]
        }),
        json!({
            "slug": "toyohashi-youth-exchange", "kind": "exchange", "status": "published",
            "title": "Youth exchange with Toyohashi",
            "description": "Ten days in Toyohashi, Japan, staying with host families. Applications are reviewed by the exchange committee.",
            "venue": "Toyohashi, Aichi, Japan", "timezone": "Asia/Tokyo",
            "starts_at": format!("{}T09:00", day(120)), "ends_at": format!("{}T18:00", day(130)),
            "capacity": 12, "approval_required": true, "payment_options": ["later"],
            "consents": ["I have read the exchange's safeguarding and code-of-conduct policy.", "A parent or guardian agrees to this application for a participant under 18."],
            "questions": [
                {"label": "Emergency contact (name and phone)", "required": true},
                {"label": "School or college"}
            ],
            "partner_city": {"slug": "toyohashi", "name": "Toyohashi", "country": "Japan", "languages": ["ja"], "since_year": 2000},
            "offerings": [
                {"key": "student", "name": "Student delegate (15–18)", "price": {"amount_minor": 35000, "currency": "USD"}},
                {"key": "chaperone", "name": "Adult chaperone", "price": {"amount_minor": 50000, "currency": "USD"}, "capacity": 2}
            ]
        }),
    ];
    for event in events {
        let body: EventBody = serde_json::from_value(event)?;
        let draft = build_draft(body, None)
            .map_err(|e| anyhow::anyhow!("sample event is invalid: {e:?}"))?;
        crate::events::create(ctx, &draft, &Actor::System)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    // Fill the concert and put someone on its waitlist.
    for (name, email, offering) in [
        ("Ana García", "ana@example.org", "adult"),
        ("Jonas Becker", "jonas@example.org", "student"),
        ("Mei Tanaka", "mei@example.org", "adult"),
        ("Sam Okafor", "sam@example.org", "adult"),
    ] {
        let new = NewRegistration {
            contact_name: PersonName::parse(name)?,
            contact_email: EmailAddress::parse(email)?,
            contact_phone: String::new(),
            language: Language::parse("en")?,
            participants: vec![NewParticipant::new(PersonName::parse(name)?, offering)],
            accept_consents: true,
            payment: Some(PaymentChoice::Later),
        };
        registrations::submit(ctx, "delmenhorst-youth-orchestra", new, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    sample_exchange(ctx, &day).await?;
    // A staff account to explore the console with. The password is random and printed once
    // on the terminal (never into the log), like the first-run password of other servers.
    if crate::db::staff::find_by_email(&ctx.db, SAMPLE_ADMIN)
        .await?
        .is_none()
    {
        let password = crate::staff_accounts::create_staff(
            ctx,
            crate::staff_accounts::NewStaff {
                email: SAMPLE_ADMIN.to_owned(),
                name: String::new(),
                role: crate::domain::Role::Admin,
                password: None,
            },
            None,
        )
        .await?;
        eprintln!(
            "\nSample site loaded. Staff console: {}/staff/  sign in as {SAMPLE_ADMIN} with password {password}\n",
            ctx.settings.base_url()
        );
    }
    Ok(true)
}

/// Host households and two visiting delegates for the sample exchange, so the matching board
/// has something to suggest: one household approved and screened, one approved but with an
/// adult still to screen, one application waiting for review.
async fn sample_exchange(ctx: &Ctx, day: &dyn Fn(i64) -> String) -> anyhow::Result<()> {
    use crate::domain::visitor::{AllergyBody, GuardianBody, VisitorProfile};
    let household = |name: &str,
                     email: &str,
                     pets: serde_json::Value,
                     members: serde_json::Value| {
        json!({
            "contact": {"name": name, "email": email, "language": "en"},
            "address": "2 Sample Street, Toledo, OH 43604", "area": "Old West End",
            "members": members, "beds": 2, "bedrooms": 1, "room": "private", "bathroom": "shared",
            "step_free": false, "pets": pets, "smoking": "none",
            "languages": [{"code": "en", "level": 3}, {"code": "de", "level": 1}],
            "diets": ["vegetarian"], "interests": ["music", "baseball"],
            "available": [{"from": day(55), "to": day(75)}],
            "limits": {"accepts_minors": true, "guest_gender": "any", "accepts_couples": true, "accepts_smokers": false}
        })
    };
    let applications = [
        household(
            "Linda Baker",
            "linda@example.org",
            json!([]),
            json!([{"name": "Linda Baker", "display_name": "Linda", "born_on": "1976-04-12"}, {"name": "Mark Baker", "display_name": "Mark", "born_on": "1974-09-30"}]),
        ),
        household(
            "Rosa Díaz",
            "rosa@example.org",
            json!([{"species": "cat", "indoors": true}]),
            json!([{"name": "Rosa Díaz", "display_name": "Rosa", "born_on": "1982-02-17"}, {"name": "Ana Díaz", "display_name": "Ana", "born_on": "2012-06-01"}]),
        ),
        household(
            "Kevin Moore",
            "kevin@example.org",
            json!([]),
            json!([{"name": "Kevin Moore", "display_name": "Kevin", "born_on": "1969-11-03"}]),
        ),
    ];
    let staff = Actor::System;
    for (i, body) in applications.iter().enumerate() {
        let body: crate::exchanges::households::HostBody = serde_json::from_value(body.clone())?;
        let applied = crate::exchanges::households::apply(ctx, &body)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if i < 2 {
            crate::exchanges::households::set_status(
                ctx,
                applied.id,
                crate::exchanges::households::HouseholdStatus::Approved,
                "",
                &staff,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        if i == 0 {
            let today = ctx.clock.now().date_naive();
            for m in crate::db::hosts::members(&ctx.db, applied.id).await? {
                let screening = crate::exchanges::households::ScreeningBody {
                    member_id: m.id,
                    kind: "criminal_record".into(),
                    outcome: "clear".into(),
                    completed_on: Some(today.to_string()),
                    expires_on: Some((today + Duration::days(730)).to_string()),
                    reference: Some("SAMPLE-1".into()),
                };
                crate::exchanges::households::record_screening(ctx, applied.id, &screening, &staff)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
        }
    }
    let delegate = |shown: &str,
                    born: &str,
                    gender: &str,
                    allergies: Vec<AllergyBody>,
                    guardian: Option<GuardianBody>| VisitorProfile {
        display_name: Some(shown.to_owned()),
        born_on: born.to_owned(),
        gender: gender.to_owned(),
        languages: vec![
            crate::exchanges::households::LanguageLevel {
                code: "de".into(),
                level: 3,
            },
            crate::exchanges::households::LanguageLevel {
                code: "en".into(),
                level: 2,
            },
        ],
        interests: vec!["music".into()],
        diets_required: Vec::new(),
        diets_preferred: Vec::new(),
        allergies,
        smoker: false,
        stairs_ok: true,
        guardian,
        consents: Vec::new(),
    };
    let visitors = [
        (
            "Lena Schulz",
            "lena@example.org",
            delegate(
                "Lena",
                "2010-03-14",
                "female",
                vec![AllergyBody {
                    agent: "cats".into(),
                    severity: "severe".into(),
                }],
                Some(GuardianBody {
                    name: "Petra Schulz".into(),
                    email: Some("petra@example.org".into()),
                    phone: None,
                }),
            ),
        ),
        (
            "Jonas Weber",
            "jonas.weber@example.org",
            delegate("Jonas", "1990-07-22", "male", Vec::new(), None),
        ),
    ];
    for (name, email, profile) in visitors {
        let mut participant = NewParticipant::new(PersonName::parse(name)?, "delegate");
        participant.profile = Some(profile);
        let new = NewRegistration {
            contact_name: PersonName::parse(name)?,
            contact_email: EmailAddress::parse(email)?,
            contact_phone: String::new(),
            language: Language::parse("de")?,
            participants: vec![participant],
            accept_consents: true,
            payment: None,
        };
        let done = registrations::submit(ctx, "delmenhorst-delegation", new, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        // Lena's mother has answered through her own link, so the board has a minor to place.
        let reg = crate::registrations::find(ctx, &done.token)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for g in crate::db::guardians::of_registration(&ctx.db, reg.id).await? {
            let answer = crate::exchanges::guardians::AnswerBody {
                decision: "confirm".into(),
                consents: crate::domain::visitor::PLACEMENT_CONSENTS
                    .iter()
                    .map(|c| ((*c).to_owned(), "give".to_owned()))
                    .collect(),
                medical: String::new(),
                emergency_name: "Petra Schulz".into(),
                emergency_phone: "+49 4221 555 0100".into(),
            };
            crate::exchanges::guardians::answer(ctx, &g.token, &answer)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    Ok(())
}

/// The staff account created with the sample site.
pub const SAMPLE_ADMIN: &str = "admin@example.org";
