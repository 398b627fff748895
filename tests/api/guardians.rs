//! Guardians consent themselves: a minor's guardian gets their own link, answers each
//! placement consent there, is copied on the minor's emails and answers the minor's side of a
//! match; until the guardian has confirmed, the minor is not placed.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::exchanges::{
    approved_household, exchange, guardian_confirms, guardian_links, pending_visitor_id, profile,
    visitor_id,
};
use crate::helpers::{TestApp, spawn_app};
use crate::placements::{emails, link_in, link_to};

/// Tom Carter, 16, registered by himself (visitor@example.org); his mother Sarah is his guardian.
fn tom() -> Value {
    profile(
        json!({"born_on": "2015-03-01", "display_name": "Tommy", "allergies": [],
        "diets_required": [],
        "guardian": {"name": "Sarah Carter", "email": "sarah@example.org"}}),
    )
}

/// A household of two screened adults (so no single-adult consent is needed).
async fn two_adults(app: &TestApp) -> i64 {
    approved_household(
        app,
        "Carmen Gil",
        json!({"members": [
            {"name": "Carmen Gil", "display_name": "Mamen", "born_on": "1975-01-01"},
            {"name": "Luis Gil", "born_on": "1973-02-02"}]}),
    )
    .await
}

async fn board(app: &TestApp, slug: &str) -> Value {
    app.staff_get(&format!("/api/v1/events/{slug}/matching"))
        .await
        .json()
        .await
        .unwrap()
}

/// Why household `household` cannot take the one unplaced party, in words.
fn reasons_against(board: &Value, household: i64) -> String {
    board["unplaced"][0]["ruled_out"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["household"]["id"] == household)
        .map(|r| r["reasons"].to_string())
        .unwrap_or_default()
}

async fn propose(app: &TestApp, slug: &str, registration: i64, household: i64) -> Value {
    let response = app
        .staff_post(
            &format!("/api/v1/events/{slug}/matches"),
            &json!({"registration": registration, "household": household}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_minor_is_placed_only_once_the_guardian_has_answered_through_their_own_link() {
    let app = spawn_app().await;
    let slug = exchange(&app).await;
    let household = two_adults(&app).await;
    let registration = pending_visitor_id(&app, &slug, "Tom Carter", tom()).await;

    // Sarah is asked through her own link; Tom's box-ticking counts for nothing.
    let asked = emails(&app, "guardian_request").await;
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["recipient"], "sarah@example.org");
    let text = asked[0]["body_text"].as_str().unwrap();
    assert!(
        text.contains("Tom Carter") && text.contains("/g/"),
        "{text}"
    );
    // Sarah is copied on Tom's own registration emails.
    let outbox: Vec<Value> = app.list_all("/api/v1/outbox").await;
    let copy = outbox
        .iter()
        .find(|e| e["kind"] != "guardian_request" && e["recipient"] == "sarah@example.org")
        .unwrap_or_else(|| panic!("a copy to the guardian: {outbox:?}"));
    assert!(
        copy["body_text"]
            .as_str()
            .unwrap()
            .contains("copy of this email as Tom Carter's parent or guardian"),
        "{copy}"
    );

    // Until Sarah answers, Tom is not placeable, and the board says why.
    let b = board(&app, &slug).await;
    assert!(b["placements"].as_array().unwrap().is_empty(), "{b}");
    assert!(
        reasons_against(&b, household).contains("guardian has not confirmed"),
        "{b}"
    );
    let refused = app
        .staff_post(
            &format!("/api/v1/events/{slug}/matches"),
            &json!({"registration": registration, "household": household}),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);

    // The page shows Tom's profile; a confirmation without an emergency contact comes back
    // with field messages.
    let link = guardian_links(&app, registration).await.remove(0);
    let mut sarah = app.browser();
    let page = sarah.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Consent for Tom Carter"),
        "{}",
        page.body
    );
    assert!(page.body.contains("2015-03-01"), "{}", page.body);
    let wrong = sarah
        .submit(
            &link,
            &[
                ("decision", "confirm"),
                ("consents.single_adult_household", "give"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "consents-double-placement",
        "emergency-name",
        "emergency-phone",
    ] {
        assert!(
            wrong.body.contains(&format!("href=\"#{field}\"")),
            "{field}: {}",
            wrong.body
        );
    }
    // A forged post (no anti-forgery field) changes nothing.
    let forged = sarah.post_form(&link, &[("decision", "refuse")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    guardian_confirms(&app, &link, &["double_placement"]).await;
    let page = sarah.get(&link).await;
    assert!(page.body.contains("Confirmed: thank you"), "{}", page.body);

    // Now Tom is placed; the host sees the name to show, never a cut of the full name.
    let b = board(&app, &slug).await;
    assert_eq!(
        b["placements"][0]["party"]["visitors"],
        json!(["Tommy"]),
        "{b}"
    );
    let m = propose(&app, &slug, registration, household).await;
    let proposed = emails(&app, "match_proposed").await;
    let text = proposed[0]["body_text"].as_str().unwrap();
    assert!(text.contains("Tommy") && !text.contains("Carter"), "{text}");
    let mut host = app.browser();
    let host_link = link_in(&proposed[0]);
    host.get(&host_link).await;
    let done = host.submit(&host_link, &[("action", "accept")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);

    // Sarah answers Tom's side; Tom gets a copy without the link. Each shows the household
    // by the names its members chose.
    let offered = emails(&app, "match_offered").await;
    let to_sarah = offered
        .iter()
        .find(|e| e["recipient"] == "sarah@example.org")
        .unwrap();
    let to_tom = offered
        .iter()
        .find(|e| e["recipient"] == "visitor@example.org")
        .unwrap();
    assert!(to_sarah["body_text"].as_str().unwrap().contains("/m/"));
    assert!(!to_tom["body_text"].as_str().unwrap().contains("/m/"));
    assert!(
        to_sarah["body_text"]
            .as_str()
            .unwrap()
            .contains("Hosts: Mamen, Luis"),
        "{to_sarah}"
    );

    // Sarah changes her mind: the placement is withdrawn at once, in the same step.
    let mut again = app.browser();
    again.get(&link).await;
    let refused = again.submit(&link, &[("decision", "refuse")]).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER, "{}", refused.body);
    let after = Value::from(
        app.list_all(&format!("/api/v1/events/{slug}/matches"))
            .await,
    );
    assert_eq!(after[0]["id"], m["id"]);
    assert_eq!(after[0]["state"], "withdrawn", "{after}");
    let actions: Vec<String> =
        twinning::db::audit::list(&app.ctx.db, None, Some("guardian."), None, None, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect();
    assert!(
        actions.contains(&"guardian.request".to_owned())
            && actions.iter().filter(|a| *a == "guardian.answer").count() == 2,
        "{actions:?}"
    );
    assert!(
        reasons_against(&board(&app, &slug).await, household).contains("guardian refused"),
        "a refusal keeps Tom out"
    );
}

#[tokio::test]
async fn an_adult_visitor_needs_no_guardian() {
    let app = spawn_app().await;
    let slug = exchange(&app).await;
    let household = two_adults(&app).await;
    let adult = profile(json!({"allergies": [], "diets_required": []}));
    let registration = visitor_id(&app, &slug, "Emily Stone", adult).await;
    assert!(emails(&app, "guardian_request").await.is_empty());
    assert!(guardian_links(&app, registration).await.is_empty());
    let b = board(&app, &slug).await;
    assert_eq!(b["placements"][0]["household"]["id"], household, "{b}");
}

#[tokio::test]
async fn the_guardian_flow_works_end_to_end_in_spanish() {
    let app = spawn_app().await;
    let slug = exchange(&app).await;
    let household = two_adults(&app).await;

    // Lucía, 15, registers herself through the Spanish form.
    let mut lucia = app.browser();
    lucia.get("/language/es").await;
    lucia.get(&format!("/events/{slug}/register")).await;
    let fields = [
        ("contact.name", "Lucía Romero"),
        ("contact.email", "lucia@example.org"),
        ("contact.phone", ""),
        ("contact.language", "es"),
        ("participants[0].name", "Lucía Romero Díaz"),
        ("participants[0].offering", "student"),
        ("participants[0].notes", ""),
        ("participants[0].profile.display_name", "Lucía"),
        ("participants[0].profile.born_on", "2016-01-10"),
        ("participants[0].profile.gender", "female"),
        ("participants[0].profile.languages[0].code", "es"),
        ("participants[0].profile.languages[0].level", "3"),
        ("participants[0].profile.guardian.name", "Ana Díaz"),
        ("participants[0].profile.guardian.email", "ana@example.org"),
        ("action", "register"),
    ];
    let done = lucia
        .submit(&format!("/events/{slug}/register"), &fields)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    // Ana's email and page are in Spanish.
    let asked = emails(&app, "guardian_request").await;
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["recipient"], "ana@example.org");
    assert_eq!(asked[0]["language"], "es");
    assert!(
        asked[0]["subject"]
            .as_str()
            .unwrap()
            .contains("Se necesita su consentimiento"),
        "{}",
        asked[0]["subject"]
    );
    let link = link_to(&asked[0], "/g/");
    let mut ana = app.browser();
    let page = ana.get(&link).await;
    assert!(
        page.body.contains("Consentimiento para Lucía Romero Díaz"),
        "{}",
        page.body
    );
    let wrong = ana.submit(&link, &[("decision", "confirm")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("es obligatorio"), "{}", wrong.body);
    let answers = [
        ("decision", "confirm"),
        ("consents.single_adult_household", "refuse"),
        ("consents.double_placement", "give"),
        ("consents.same_sex_parents", "give"),
        ("medical", "Asma leve: lleva inhalador."),
        ("emergency_name", "Ana Díaz"),
        ("emergency_phone", "+34 600 111 222"),
    ];
    let saved = ana.submit(&link, &answers).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = ana.get(saved.location.as_deref().unwrap()).await;
    assert!(page.body.contains("Gracias"), "{}", page.body);

    // Staff place Lucía; the host accepts; Ana answers in Spanish and the placement is
    // confirmed.
    let registration = {
        let b = board(&app, &slug).await;
        assert_eq!(b["placements"][0]["household"]["id"], household, "{b}");
        b["placements"][0]["party"]["registration"]
            .as_i64()
            .unwrap()
    };
    propose(&app, &slug, registration, household).await;
    let mut host = app.browser();
    let host_link = link_in(&emails(&app, "match_proposed").await[0]);
    host.get(&host_link).await;
    host.submit(&host_link, &[("action", "accept")]).await;
    let offered = emails(&app, "match_offered").await;
    let to_ana = offered
        .iter()
        .find(|e| e["recipient"] == "ana@example.org")
        .unwrap();
    assert_eq!(to_ana["language"], "es");
    let answer = link_in(to_ana);
    let page = ana.get(&answer).await;
    assert_eq!(page.status, StatusCode::OK);
    let done = ana.submit(&answer, &[("action", "accept")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let confirmed = emails(&app, "match_confirmed").await;
    let mut to: Vec<&str> = confirmed
        .iter()
        .map(|e| e["recipient"].as_str().unwrap())
        .collect();
    to.sort_unstable();
    assert_eq!(
        to,
        vec!["ana@example.org", "host@example.org", "lucia@example.org"]
    );
    let to_lucia = confirmed
        .iter()
        .find(|e| e["recipient"] == "lucia@example.org")
        .unwrap();
    assert!(
        to_lucia["body_text"]
            .as_str()
            .unwrap()
            .contains("Una copia para ti: Ana Díaz"),
        "{to_lucia}"
    );
}

#[tokio::test]
async fn staff_and_the_registrant_see_where_the_guardians_answer_stands() {
    let app = spawn_app().await;
    let slug = exchange(&app).await;
    let registration = pending_visitor_id(&app, &slug, "Tom Carter", tom()).await;
    let reg = twinning::db::registrations::get(&app.ctx.db, registration)
        .await
        .unwrap()
        .unwrap();
    // The registrant's page says who was asked and what waits on it.
    let page = app
        .get(&format!("/r/{}", reg.token))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Sarah Carter has been emailed a link to give the consents for Tom Carter"),
        "{page}"
    );

    // Staff see the answer still missing and send the link again.
    let mut b = app.staff_browser("coordinator@example.org", "staff").await;
    let detail = b.get(&format!("/staff/registrations/{registration}")).await;
    assert!(detail.body.contains("sarah@example.org"), "{}", detail.body);
    assert!(detail.body.contains("link again"), "{}", detail.body);
    let again = b
        .submit(
            &format!("/staff/registrations/{registration}/guardians"),
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let asked = emails(&app, "guardian_request").await;
    assert_eq!(asked.len(), 2, "asked twice");
    assert_eq!(
        link_to(&asked[0], "/g/"),
        link_to(&asked[1], "/g/"),
        "the same link"
    );

    // Once Sarah has answered, staff see her answers and the emergency contact.
    let link = guardian_links(&app, registration).await.remove(0);
    guardian_confirms(&app, &link, &["double_placement"]).await;
    let detail = b.get(&format!("/staff/registrations/{registration}")).await;
    assert!(detail.body.contains("confirmed"), "{}", detail.body);
    assert!(detail.body.contains("double placement"), "{}", detail.body);
    assert!(detail.body.contains("+1 419 555 0199"), "{}", detail.body);
    assert!(!detail.body.contains("link again"), "nothing left to ask");
    let page = app
        .get(&format!("/r/{}", reg.token))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Sarah Carter has confirmed the consents for Tom Carter"),
        "{page}"
    );
}

#[tokio::test]
async fn a_forged_or_overlong_answer_on_the_guardians_page_gets_a_clear_answer() {
    let app = spawn_app().await;
    let slug = exchange(&app).await;
    let registration = pending_visitor_id(&app, &slug, "Tom Carter", tom()).await;
    let link = guardian_links(&app, registration).await.remove(0);
    // The same selector with another secret: nothing is found, in constant time.
    let last = link.chars().last().unwrap();
    let forged = format!(
        "{}{}",
        &link[..link.len() - 1],
        if last == 'A' { 'B' } else { 'A' }
    );
    let mut b = app.browser();
    assert_eq!(b.get(&forged).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get("/g/short").await.status, StatusCode::NOT_FOUND);
    // Medical notes one past the limit come back as a field message, not a 500.
    b.get(&link).await;
    let long = "x".repeat(2001);
    let page = b
        .submit(
            &link,
            &[
                ("decision", "confirm"),
                ("consents.single_adult_household", "give"),
                ("consents.double_placement", "give"),
                ("consents.same_sex_parents", "give"),
                ("medical", long.as_str()),
                ("emergency_name", "Sarah Carter"),
                ("emergency_phone", "+1 419 555 0199"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("href=\"#medical\""), "{}", page.body);
    let rows = twinning::db::guardians::of_registration(&app.ctx.db, registration)
        .await
        .unwrap();
    assert_eq!(rows[0].status.as_str(), "pending", "nothing was saved");
}
