//! Exchanges ask each visitor for a profile: date of birth, gender, languages, interests,
//! diets, allergies, smoking, stairs, and for minors a guardian and placement consents.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app};

/// A published exchange from 1 to 11 June 2031 with one free offering for students.
pub async fn exchange(app: &TestApp) -> String {
    app.create_event(json!({
        "kind": "exchange", "title": "Youth exchange with Toledo",
        "starts_at": "2031-06-01T09:00", "ends_at": "2031-06-11T18:00",
        "offerings": [{"key": "student", "name": "Student", "price": {"amount_minor": 0, "currency": "EUR"}}]
    }))
    .await
}

/// A complete profile of an adult visitor.
pub fn profile(overrides: Value) -> Value {
    let mut p = json!({
        "born_on": "1990-02-03", "gender": "female",
        "languages": [{"code": "en", "level": 3}, {"code": "es", "level": 1}],
        "interests": ["Music"], "diets_required": ["vegetarian"],
        "allergies": [{"agent": "Cats", "severity": "severe"}],
        "smoker": false, "stairs_ok": true
    });
    crate::helpers::merge(&mut p, overrides);
    p
}

/// Registers one visitor with `profile` on `slug`; the raw answer.
pub async fn register_visitor(
    app: &TestApp,
    slug: &str,
    name: &str,
    profile: Value,
) -> reqwest::Response {
    // As the form prefills it: the first word of the name, unless the profile says otherwise.
    let mut profile = profile;
    if profile.get("display_name").is_none() {
        profile["display_name"] = json!(name.split_whitespace().next().unwrap_or(name));
    }
    let body = json!({
        "contact": {"name": name, "email": "visitor@example.org", "language": "en"},
        "participants": [{"name": name, "offering": "student", "profile": profile}],
        "accept_consents": true
    });
    app.post(&format!("/api/v1/events/{slug}/registrations"), &body)
        .await
}

/// Registers one visitor (201 asserted) and returns the registration's id. A minor's guardian
/// then answers through their own link as the profile's `consents` say (those listed given,
/// the others refused), so the party can be placed.
pub async fn visitor_id(app: &TestApp, slug: &str, name: &str, profile: Value) -> i64 {
    let consents: Vec<String> = profile["consents"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let id = pending_visitor_id(app, slug, name, profile).await;
    for link in guardian_links(app, id).await {
        let given: Vec<&str> = consents.iter().map(String::as_str).collect();
        guardian_confirms(app, &link, &given).await;
    }
    id
}

/// Registers one visitor (201 asserted) and returns the registration's id; a minor's guardian
/// has not answered.
pub async fn pending_visitor_id(app: &TestApp, slug: &str, name: &str, profile: Value) -> i64 {
    let response = register_visitor(app, slug, name, profile).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let token = response.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    twinning::registrations::find(&app.ctx, &token)
        .await
        .unwrap()
        .id
}

/// The guardians' links (`/g/...`) of registration `id`, as their emails carry them.
pub async fn guardian_links(app: &TestApp, id: i64) -> Vec<String> {
    let list: Vec<Value> = app.list_all("/api/v1/outbox?kind=guardian_request").await;
    let mut links = Vec::new();
    for e in list {
        let e: Value = app
            .staff_get(&format!("/api/v1/outbox/{}", e["id"]))
            .await
            .json()
            .await
            .unwrap();
        if e["registration_id"] == id {
            links.push(crate::placements::link_to(&e, "/g/"));
        }
    }
    links
}

/// The guardian confirms on their page: `given` consents given, the others refused.
pub async fn guardian_confirms(app: &TestApp, link: &str, given: &[&str]) {
    let mut browser = app.browser();
    let page = browser.get(link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let answers: Vec<(String, String)> = twinning::domain::visitor::PLACEMENT_CONSENTS
        .iter()
        .map(|c| {
            let answer = if given.contains(c) { "give" } else { "refuse" };
            (format!("consents.{c}"), answer.to_owned())
        })
        .collect();
    let mut fields: Vec<(&str, &str)> = answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    fields.extend([
        ("decision", "confirm"),
        ("emergency_name", "Sarah Carter"),
        ("emergency_phone", "+1 419 555 0199"),
    ]);
    let done = browser.submit(link, &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}

#[tokio::test]
async fn an_exchange_keeps_each_visitors_profile_normalised() {
    let app = spawn_app().await;
    let slug = exchange(&app).await;
    let response = register_visitor(&app, &slug, "Emily Carter", profile(json!({}))).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let token = response.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let reg = app.registration(&token).await;
    let p = &reg["participants"][0]["profile"];
    assert_eq!(p["born_on"], "1990-02-03");
    assert_eq!(p["interests"], json!(["music"]));
    assert_eq!(
        p["allergies"],
        json!([{"agent": "cats", "severity": "severe"}])
    );
    assert_eq!(p["diets_required"], json!(["vegetarian"]));
    assert!(p["guardian"].is_null(), "an adult needs no guardian");
}

#[tokio::test]
async fn a_missing_or_wrong_profile_is_refused_field_by_field() {
    let app = spawn_app().await;
    let slug = exchange(&app).await;
    let body = json!({
        "contact": {"name": "Emily", "email": "visitor@example.org"},
        "participants": [{"name": "Emily Carter", "offering": "student"}],
        "accept_consents": true
    });
    assert_error(
        app.post(&format!("/api/v1/events/{slug}/registrations"), &body)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("participants[0].profile"),
    )
    .await;
    let wrong = profile(json!({
        "born_on": "2031-07-01", "gender": "robot",
        "languages": [{"code": "english", "level": 3}],
        "diets_required": ["paleo"], "allergies": [{"agent": "dogs", "severity": "very"}],
        "consents": ["anything"]
    }));
    let error = assert_error(
        register_visitor(&app, &slug, "Emily", wrong).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        None,
    )
    .await;
    let fields = error["error"]["fields"].as_object().unwrap();
    for f in [
        "born_on",
        "gender",
        "languages[0].code",
        "diets_required[0]",
        "allergies[0].severity",
        "consents[0]",
    ] {
        assert!(
            fields.contains_key(&format!("participants[0].profile.{f}")),
            "{f} in {fields:?}"
        );
    }
    // A minor (16 on the first day) needs a parent or guardian with a way to reach them.
    let minor = profile(json!({"born_on": "2015-03-01"}));
    assert_error(
        register_visitor(&app, &slug, "Tom", minor).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("participants[0].profile.guardian"),
    )
    .await;
    let unreachable =
        profile(json!({"born_on": "2015-03-01", "guardian": {"name": "Sarah Carter"}}));
    assert_error(
        register_visitor(&app, &slug, "Tom", unreachable).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("participants[0].profile.guardian.email"),
    )
    .await;
    // A phone alone is not enough for a minor: the guardian answers through a link by email.
    let phone_only = profile(
        json!({"born_on": "2015-03-01", "guardian": {"name": "Sarah Carter", "phone": "+1 419 555 0100"}}),
    );
    assert_error(
        register_visitor(&app, &slug, "Tom", phone_only).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("participants[0].profile.guardian.email"),
    )
    .await;
    let minor = profile(
        json!({"born_on": "2015-03-01", "guardian": {"name": "Sarah Carter", "email": "sarah@example.org"}, "consents": ["double_placement"]}),
    );
    assert_eq!(
        register_visitor(&app, &slug, "Tom Carter", minor)
            .await
            .status(),
        StatusCode::CREATED
    );
    // Ordinary events do not ask for one.
    let festival = app.create_event(json!({})).await;
    let body = json!({
        "contact": {"name": "Emily", "email": "visitor@example.org"},
        "participants": [{"name": "Emily Carter", "offering": "adult", "profile": profile(json!({}))}],
        "payment": "later", "accept_consents": true
    });
    assert_error(
        app.post(&format!("/api/v1/events/{festival}/registrations"), &body)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("participants[0].profile"),
    )
    .await;
}

#[tokio::test]
async fn the_registration_form_of_an_exchange_asks_for_the_profile() {
    let app = spawn_app().await;
    let slug = exchange(&app).await;
    let mut b = app.browser();
    let form = b.get(&format!("/events/{slug}/register")).await;
    assert!(
        form.body
            .contains("name=\"participants[0].profile.born_on\""),
        "{}",
        form.body
    );
    let base = vec![
        ("contact.name", "Sarah Carter"),
        ("contact.email", "sarah@example.org"),
        ("contact.phone", ""),
        ("contact.language", "en"),
        ("participants[0].name", "Tom Carter"),
        ("participants[0].offering", "student"),
        ("participants[0].notes", ""),
        ("participants[0].profile.born_on", "2015-03-01"),
        ("participants[0].profile.gender", "male"),
        ("participants[0].profile.languages[0].code", "en"),
        ("participants[0].profile.languages[0].level", "3"),
        ("participants[0].profile.interests", "football, chess"),
        ("participants[0].profile.diets_required", "halal"),
        ("participants[0].profile.allergies[0].agent", "dog"),
        ("participants[0].profile.allergies[0].severity", "severe"),
        ("participants[0].profile.no_stairs", "yes"),
        ("action", "register"),
    ];
    let page = b.submit(&format!("/events/{slug}/register"), &base).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("href=\"#participants-0-profile-guardian\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("value=\"football, chess\""),
        "values kept"
    );
    let mut fields = base.clone();
    fields.extend([
        ("participants[0].profile.guardian.name", "Sarah Carter"),
        (
            "participants[0].profile.guardian.email",
            "sarah@example.org",
        ),
        ("participants[0].profile.display_name", "Tommy"),
    ]);
    let done = b.submit(&format!("/events/{slug}/register"), &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let token = done.location.unwrap().trim_start_matches("/r/").to_owned();
    let p = app.registration(&token).await["participants"][0]["profile"].clone();
    assert_eq!(
        p["allergies"],
        json!([{"agent": "dog", "severity": "severe"}])
    );
    assert_eq!(p["stairs_ok"], false);
    assert_eq!(p["guardian"]["email"], "sarah@example.org");
    assert_eq!(p["display_name"], "Tommy");
    // The form asks for no consents: the guardian gives them through their own link.
    assert_eq!(p["consents"], json!([]));
    assert!(!form.body.contains("profile.consents"));
    assert_eq!(p["interests"], json!(["football", "chess"]));
}

/// An approved household from 2031-05-30 to 2031-06-20 whose adults are screened until 2032,
/// with `overrides`; returns its id.
pub async fn approved_household(app: &TestApp, name: &str, overrides: Value) -> i64 {
    let mut o = json!({
        "contact": {"name": name, "email": "host@example.org", "phone": "+34 600 000 000", "language": "es"},
        "available": [{"from": "2031-05-30", "to": "2031-06-20"}],
        "pets": [], "beds": 2
    });
    crate::helpers::merge(&mut o, overrides);
    let (id, _) = crate::hosts::apply(app, o).await;
    let host: Value = app
        .staff_get(&format!("/api/v1/hosts/{id}"))
        .await
        .json()
        .await
        .unwrap();
    for m in host["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["adult"] == true)
    {
        let response = app
            .staff_post(
                &format!("/api/v1/hosts/{id}/screenings"),
                &json!({"member_id": m["id"], "kind": "criminal_record", "outcome": "clear",
                    "completed_on": app.ctx.clock.now().date_naive().to_string(), "expires_on": "2032-01-01"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let response = app
        .staff_post(&format!("/api/v1/hosts/{id}/approve"), &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    id
}

async fn matching(app: &TestApp, slug: &str) -> Value {
    let response = app
        .staff_get(&format!("/api/v1/events/{slug}/matching"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn placed_with(m: &Value, visitor: &str) -> Option<i64> {
    m["placements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["party"]["visitors"][0] == visitor)
        .map(|p| p["household"]["id"].as_i64().unwrap())
}

#[tokio::test]
async fn the_matching_places_parties_safely_and_says_why_the_rest_could_not_be_placed() {
    let app = spawn_app().await;
    let slug = exchange(&app).await;
    let with_cat = approved_household(
        &app,
        "Carmen Gil",
        json!({"pets": [{"species": "cat", "indoors": true}]}),
    )
    .await;
    let no_pets = approved_household(&app, "Diego Sanz", json!({})).await;
    let (applicant, _) = crate::hosts::apply(
        &app,
        json!({"contact": {"name": "Elena Mora", "email": "e@example.org"}}),
    )
    .await;

    let allergic = profile(json!({"allergies": [{"agent": "Cats", "severity": "severe"}]}));
    assert_eq!(
        register_visitor(&app, &slug, "Emily Carter", allergic.clone())
            .await
            .status(),
        StatusCode::CREATED
    );
    let minor = profile(
        json!({"born_on": "2015-03-01", "allergies": [], "diets_required": [],
        "guardian": {"name": "Sarah Carter", "email": "sarah@example.org"}}),
    );
    visitor_id(&app, &slug, "Tom Carter", minor).await;

    let m = matching(&app, &slug).await;
    assert_eq!(
        (m["parties"].as_i64(), m["households"].as_i64()),
        (Some(2), Some(3))
    );
    assert_eq!(
        placed_with(&m, "Emily"),
        Some(no_pets),
        "a severe cat allergy never meets a cat: {m}"
    );
    assert_eq!(placed_with(&m, "Tom"), Some(with_cat), "{m}");
    assert!(m["unplaced"].as_array().unwrap().is_empty());
    let emily = m["placements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["party"]["visitors"][0] == "Emily")
        .unwrap();
    assert!(
        emily["breakdown"]["language"].as_i64().unwrap() > 0,
        "English and Spanish shared: {emily}"
    );
    assert_eq!(
        emily["score"],
        emily["breakdown"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_i64().unwrap())
            .sum::<i64>()
    );

    // A second visitor with a severe cat allergy: only one cat-free home, so one stays unplaced,
    // with the reason each household was ruled out.
    assert_eq!(
        register_visitor(&app, &slug, "Lena Vogel", allergic)
            .await
            .status(),
        StatusCode::CREATED
    );
    let m = matching(&app, &slug).await;
    let unplaced = m["unplaced"].as_array().unwrap();
    assert_eq!(unplaced.len(), 1, "{m}");
    let why: Vec<(i64, String)> = unplaced[0]["ruled_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["household"]["id"].as_i64().unwrap(),
                r["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
        .collect();
    assert!(
        why.iter()
            .any(|(h, r)| *h == with_cat && r.contains("severe cats allergy")),
        "{why:?}"
    );
    assert!(
        why.iter()
            .any(|(h, r)| *h == applicant && r.contains("household not approved")),
        "{why:?}"
    );
    assert!(
        !why.iter().any(|(h, _)| *h == no_pets),
        "the cat-free home is only taken: {why:?}"
    );
    // Nobody is ever placed with a household that breaks a hard constraint.
    for p in m["placements"].as_array().unwrap() {
        assert_ne!(p["household"]["id"].as_i64(), Some(applicant));
    }
    // The staff board shows the same.
    let mut b = app.staff_browser("coordinator@example.org", "staff").await;
    let dashboard = b.get(&format!("/staff/events/{slug}")).await;
    assert!(
        dashboard
            .body
            .contains(&format!("/staff/events/{slug}/matching"))
    );
    let board = b.get(&format!("/staff/events/{slug}/matching")).await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(
        board.body.contains("Diego Sanz") && board.body.contains("Carmen Gil"),
        "{}",
        board.body
    );
    assert!(
        board.body.contains("has a severe cats allergy"),
        "{}",
        board.body
    );
    assert!(
        board.body.contains("household not approved"),
        "{}",
        board.body
    );
}

#[tokio::test]
async fn matching_is_for_staff_and_for_exchanges_only() {
    let app = spawn_app().await;
    let slug = exchange(&app).await;
    assert_eq!(
        app.get(&format!("/api/v1/events/{slug}/matching"))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let festival = app.create_event(json!({})).await;
    assert_error(
        app.staff_get(&format!("/api/v1/events/{festival}/matching"))
            .await,
        StatusCode::CONFLICT,
        "not_an_exchange",
        None,
    )
    .await;
    assert_eq!(
        app.staff_get("/api/v1/events/nothing-here/matching")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_sample_exchange_has_hosts_and_visitors_to_match() {
    let app = spawn_app().await;
    twinning::app::sample::load_if_empty(&app.ctx)
        .await
        .unwrap();
    let m = matching(&app, "delmenhorst-delegation").await;
    assert_eq!(
        (m["parties"].as_i64(), m["households"].as_i64()),
        (Some(2), Some(3)),
        "{m}"
    );
    let host_of = |visitor: &str| {
        m["placements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["party"]["visitors"][0] == visitor)
            .map(|p| p["household"]["name"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        host_of("Lena").as_deref(),
        Some("Linda Baker"),
        "the minor with a cat allergy goes to the screened home without pets: {m}"
    );
    assert_eq!(host_of("Jonas").as_deref(), Some("Rosa Díaz"), "{m}");
}
