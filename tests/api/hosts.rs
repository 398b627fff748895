//! Host households: applying, staff review and screening, the household's private link, and
//! the rule that a new adult pauses placements of minors until screened.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, merge, spawn_app};

/// A complete application: two adults and a child, a dog, Spanish and English.
pub fn application(overrides: Value) -> Value {
    let mut body = json!({
        "contact": {"name": "María López", "email": "maria@example.org", "phone": "+34 600 000 000", "language": "es"},
        "address": "Calle Mayor 1, 45001 Toledo",
        "area": "Casco histórico",
        "members": [
            {"name": "María López", "born_on": "1980-04-02"},
            {"name": "Juan Pérez", "born_on": "1978-11-20"},
            {"name": "Lucía Pérez", "born_on": "2015-01-15"}
        ],
        "beds": 2, "bedrooms": 1, "room": "private", "bathroom": "shared", "max_parties": 1,
        "step_free": false, "bedroom_floor": 1,
        "pets": [{"species": "dog", "indoors": true}],
        "smoking": "none",
        "languages": [{"code": "es", "level": 3}, {"code": "en", "level": 2}],
        "diets": ["vegetarian"],
        "interests": ["music", "football"],
        "available": [{"from": "2031-06-01", "to": "2031-06-15"}],
        "limits": {"accepts_minors": true, "guest_gender": "any", "accepts_couples": true, "accepts_smokers": false, "max_nights": 14}
    });
    merge(&mut body, overrides);
    body
}

/// Applies and returns (id, token).
pub async fn apply(app: &TestApp, overrides: Value) -> (i64, String) {
    let mut body = application(overrides);
    // As the form prefills it: each member is shown by the first word of the name.
    for m in body["members"].as_array_mut().unwrap() {
        if m.get("display_name").is_none() {
            let name = m["name"].as_str().unwrap().to_owned();
            m["display_name"] = json!(name.split_whitespace().next().unwrap_or(&name));
        }
    }
    let response = app.post("/api/v1/hosts", &body).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (
        body["id"].as_i64().unwrap(),
        body["token"].as_str().unwrap().to_owned(),
    )
}

pub async fn staff_host(app: &TestApp, id: i64) -> Value {
    let response = app.staff_get(&format!("/api/v1/hosts/{id}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Records a clear criminal-record check for member `member_id`, done on `on`.
pub async fn screen(app: &TestApp, household: i64, member_id: i64, on: &str) -> Value {
    let response = app
        .staff_post(
            &format!("/api/v1/hosts/{household}/screenings"),
            &json!({"member_id": member_id, "kind": "criminal_record", "outcome": "clear",
                "completed_on": on, "reference": "CRB-0001"}),
        )
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

#[tokio::test]
async fn a_household_applies_and_gets_a_private_link_that_shows_its_details() {
    let app = spawn_app().await;
    let response = app.post("/api/v1/hosts", &application(json!({}))).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["status"], "applicant");
    let token = created["token"].as_str().unwrap();
    assert!(token.len() >= 40, "long random token: {token}");
    assert!(
        created["manage_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/h/{token}"))
    );
    let own: Value = app
        .get(&format!("/api/v1/households/{token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["members"].as_array().unwrap().len(), 3);
    assert_eq!(own["members"][0]["adult"], true);
    assert_eq!(
        own["members"][2]["adult"], false,
        "the child is not an adult"
    );
    assert_eq!(own["pets"], json!([{"species": "dog", "indoors": true}]));
    assert_eq!(own["languages"][0], json!({"code": "es", "level": 3}));
    assert_eq!(own["limits"]["max_nights"], 14);
    assert_eq!(own["minors"]["status"], "paused", "nobody is screened yet");
    assert_eq!(
        own["minors"]["unscreened_adults"],
        json!(["María López", "Juan Pérez"])
    );
    assert!(own.get("manage_url").is_none() && own["members"][0].get("screenings").is_none());
    // A wrong token finds nothing.
    let wrong = format!("{}x", &token[..token.len() - 1]);
    assert_eq!(
        app.get(&format!("/api/v1/households/{wrong}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_bad_application_names_every_field_that_is_wrong() {
    let app = spawn_app().await;
    let body = application(json!({
        "contact": {"name": "", "email": "not-an-email"},
        "members": [{"name": "Lucía", "born_on": "2015-13-40"}, {"name": "Pablo", "born_on": "2099-01-01"}],
        "beds": 0, "bedrooms": 3, "room": "sofa", "bathroom": "none", "smoking": "sometimes",
        "pets": [{"species": ""}],
        "languages": [{"code": "spanish", "level": 3}, {"code": "en", "level": 7}],
        "diets": ["carnivore"],
        "available": [{"from": "2031-06-10", "to": "2031-06-01"}],
        "limits": {"accepts_minors": true, "guest_gender": "robot", "max_nights": 0}
    }));
    let response = app.post("/api/v1/hosts", &body).await;
    let error = assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        None,
    )
    .await;
    let fields = error["error"]["fields"].as_object().unwrap();
    for field in [
        "contact.name",
        "contact.email",
        "members[0].born_on",
        "members[1].born_on",
        "beds",
        "room",
        "bathroom",
        "smoking",
        "pets[0].species",
        "languages[0].code",
        "languages[1].level",
        "diets[0]",
        "available[0].to",
        "limits.guest_gender",
        "limits.max_nights",
    ] {
        assert!(fields.contains_key(field), "{field} missing in {fields:?}");
    }
    // Children only: someone must be an adult.
    let kids = application(json!({"members": [{"name": "Lucía Pérez", "born_on": "2015-01-15"}]}));
    assert_error(
        app.post("/api/v1/hosts", &kids).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("members"),
    )
    .await;
    // Unknown fields and broken JSON get clear answers too.
    let extra = application(json!({"sofa_beds": 2}));
    assert_error(
        app.post("/api/v1/hosts", &extra).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        None,
    )
    .await;
    let broken = app
        .client
        .post(format!("{}/api/v1/hosts", app.address))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn staff_review_approve_suspend_and_screen_adults_with_everything_audited() {
    let app = spawn_app().await;
    let (id, _) = apply(&app, json!({})).await;
    // Only staff see and decide.
    assert_eq!(
        app.get(&format!("/api/v1/hosts/{id}")).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post(&format!("/api/v1/hosts/{id}/approve"), &json!({}))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let list: Vec<Value> = app.list_all("/api/v1/hosts?status=applicant").await;
    assert_eq!(list.len(), 1);
    let approved: Value = app
        .staff_post(&format!("/api/v1/hosts/{id}/approve"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(approved["status"], "approved");
    assert_error(
        app.staff_post(&format!("/api/v1/hosts/{id}/approve"), &json!({}))
            .await,
        StatusCode::CONFLICT,
        "no_change",
        None,
    )
    .await;

    let host = staff_host(&app, id).await;
    let (maria, juan) = (
        host["members"][0]["id"].as_i64().unwrap(),
        host["members"][1]["id"].as_i64().unwrap(),
    );
    let today = app.ctx.clock.now().date_naive();
    let screened = screen(&app, id, maria, &today.to_string()).await;
    assert_eq!(screened["minors"]["status"], "paused");
    assert_eq!(
        screened["minors"]["unscreened_adults"],
        json!(["Juan Pérez"])
    );
    let screened = screen(&app, id, juan, &today.to_string()).await;
    assert_eq!(screened["minors"]["status"], "ok");
    let a_year = today.checked_add_months(chrono::Months::new(12)).unwrap();
    assert_eq!(
        screened["minors"]["valid_until"],
        a_year.to_string(),
        "a check lasts a year by default"
    );
    assert_eq!(
        screened["members"][0]["screenings"][0]["reference"],
        "CRB-0001"
    );

    // Bad screenings are refused by field; a member of another household is refused.
    let bad = json!({"member_id": maria, "kind": "vibes", "outcome": "clear"});
    let error = assert_error(
        app.staff_post(&format!("/api/v1/hosts/{id}/screenings"), &bad)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("kind"),
    )
    .await;
    assert!(
        error["error"]["fields"]["completed_on"].is_string(),
        "{error}"
    );
    let (other, _) = apply(&app, json!({})).await;
    let foreign = json!({"member_id": maria, "kind": "criminal_record", "outcome": "pending"});
    assert_error(
        app.staff_post(&format!("/api/v1/hosts/{other}/screenings"), &foreign)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("member_id"),
    )
    .await;

    let suspended: Value = app
        .staff_post(
            &format!("/api/v1/hosts/{id}/suspend"),
            &json!({"reason": "Moving house in June"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(suspended["status"], "suspended");
    assert_eq!(suspended["status_reason"], "Moving house in June");
    let actions: Vec<String> =
        twinning::db::audit::list(&app.ctx.db, None, Some("household."), None, None, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.subject == format!("household:{id}"))
            .map(|a| a.action)
            .collect();
    for action in [
        "household.apply",
        "household.approve",
        "household.screening",
        "household.suspend",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn a_new_adult_added_through_the_private_link_pauses_minors_until_screened() {
    let app = spawn_app().await;
    let (id, token) = apply(&app, json!({})).await;
    let host = staff_host(&app, id).await;
    let today = app.ctx.clock.now().date_naive().to_string();
    for m in host["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["adult"] == true)
    {
        screen(&app, id, m["id"].as_i64().unwrap(), &today).await;
    }
    assert_eq!(staff_host(&app, id).await["minors"]["status"], "ok");

    // The household adds a lodger and changes its dates; existing members keep their checks.
    let mut update =
        application(json!({"available": [{"from": "2031-07-01", "to": "2031-07-10"}]}));
    update["members"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "Pedro Ruiz", "born_on": "1990-05-05"}));
    let response = app
        .client
        .put(format!("{}/api/v1/households/{token}", app.address))
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let own: Value = response.json().await.unwrap();
    assert_eq!(
        own["available"],
        json!([{"from": "2031-07-01", "to": "2031-07-10"}])
    );
    assert_eq!(own["minors"]["status"], "paused");
    assert_eq!(own["minors"]["unscreened_adults"], json!(["Pedro Ruiz"]));
    let host = staff_host(&app, id).await;
    assert!(
        host["members"][0]["screened_until"].is_string(),
        "María keeps her check"
    );
    let pedro = host["members"][3]["id"].as_i64().unwrap();
    screen(&app, id, pedro, &today).await;
    assert_eq!(staff_host(&app, id).await["minors"]["status"], "ok");

    // A household that does not take minors says so, whatever its checks.
    let no_minors = application(json!({"limits": {"accepts_minors": false}}));
    let (id2, _) = apply(&app, no_minors).await;
    assert_eq!(
        staff_host(&app, id2).await["minors"]["status"],
        "not_accepted"
    );
}

/// The form fields of a complete application on the `/host` page.
fn form_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("contact.name", "María López"),
        ("contact.email", "maria@example.org"),
        ("contact.phone", ""),
        ("contact.language", "es"),
        ("address", "Calle Mayor 1, Toledo"),
        ("area", "Casco histórico"),
        ("members[0].name", "María López"),
        ("members[0].born_on", "1980-04-02"),
        ("members[1].name", "Lucía Pérez"),
        ("members[1].born_on", "2015-01-15"),
        ("beds", "2"),
        ("bedrooms", "1"),
        ("max_parties", "1"),
        ("bedroom_floor", "0"),
        ("room", "private"),
        ("bathroom", "shared"),
        ("step_free", "yes"),
        ("pets", "cat"),
        ("pets_other", "tortoise"),
        ("pets_indoors", "yes"),
        ("smoking", "outside"),
        ("diets", "vegetarian"),
        ("diets", "halal"),
        ("languages[0].code", "es"),
        ("languages[0].level", "3"),
        ("languages[1].code", "en"),
        ("languages[1].level", "1"),
        ("interests", "Music, cooking"),
        ("available[0].from", "2031-06-01"),
        ("available[0].to", "2031-06-15"),
        ("limits.accepts_minors", "yes"),
        ("limits.guest_gender", "female"),
        ("limits.max_nights", ""),
    ]
}

#[tokio::test]
async fn the_host_form_applies_and_the_private_page_shows_and_saves_the_details() {
    let app = spawn_app().await;
    let mut b = app.browser();
    let form = b.get("/host").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("name=\"members[0].born_on\""),
        "{}",
        form.body
    );
    let done = b.submit("/host", &form_fields()).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let location = done.location.unwrap();
    let token = location
        .trim_start_matches("/h/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let own: Value = app
        .get(&format!("/api/v1/households/{token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        own["pets"],
        json!([{"species": "cat", "indoors": true}, {"species": "tortoise", "indoors": true}])
    );
    assert_eq!(own["diets"], json!(["vegetarian", "halal"]));
    assert_eq!(own["interests"], json!(["music", "cooking"]));
    assert_eq!(
        own["languages"],
        json!([{"code": "es", "level": 3}, {"code": "en", "level": 1}])
    );
    assert_eq!(
        (
            own["limits"]["guest_gender"].as_str(),
            own["limits"]["accepts_couples"].as_bool()
        ),
        (Some("female"), Some(false))
    );
    assert_eq!(own["smoking"], "outside");

    // The household's page speaks its language and keeps its values in the form.
    let page = b.get(&location).await;
    assert!(
        page.body.contains("Gracias por ofrecerte a acoger"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("falta: María López"),
        "minors paused: {}",
        page.body
    );
    assert!(page.body.contains("value=\"Casco histórico\""));
    // A new adult joins; the page says minors are paused for them too.
    let mut fields = form_fields();
    fields.extend([
        ("members[2].name", "Pedro Ruiz"),
        ("members[2].born_on", "1990-05-05"),
    ]);
    let saved = b.submit(&format!("/h/{token}"), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = b.get(saved.location.as_deref().unwrap()).await;
    assert!(
        page.body.contains("Se han guardado los cambios"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("María López, Pedro Ruiz"),
        "{}",
        page.body
    );
    // Without the anti-forgery field nothing is saved.
    let forged = b.post_form(&format!("/h/{token}"), &fields).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_wrong_host_form_comes_back_with_messages_and_the_values_kept() {
    let app = spawn_app().await;
    let mut b = app.browser();
    b.get("/host").await;
    let fields: Vec<(&str, &str)> = form_fields()
        .into_iter()
        .filter(|(k, _)| !k.starts_with("members[1]"))
        .map(|(k, v)| match k {
            "beds" => (k, "two"),
            "members[0].born_on" => (k, "2099-01-01"),
            "available[0].to" => (k, "2031-05-01"),
            "limits.max_nights" => (k, "0"),
            _ => (k, v),
        })
        .collect();
    let page = b.submit("/host", &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in [
        "beds",
        "members-0-born-on",
        "available-0-to",
        "limits-max-nights",
    ] {
        assert!(
            page.body.contains(&format!("href=\"#{id}\"")),
            "{id} in the summary: {}",
            page.body
        );
    }
    assert!(
        page.body.contains("value=\"two\""),
        "the value typed is kept"
    );
    assert!(
        page.body.contains("value=\"Calle Mayor 1, Toledo\"")
            || page.body.contains(">Calle Mayor 1, Toledo<")
    );
    assert!(
        twinning::db::hosts::list(&app.ctx.db, None)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn staff_review_a_household_on_the_staff_pages() {
    let app = spawn_app().await;
    let (id, _) = apply(&app, json!({})).await;
    // Door volunteers do not see households; signed-out visitors are sent to sign in.
    let mut door = app.staff_browser("door@example.org", "checkin").await;
    assert_eq!(door.get("/staff/hosts").await.status, StatusCode::FORBIDDEN);
    let anonymous = app.browser().get(&format!("/staff/hosts/{id}")).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);

    let mut b = app.staff_browser("coordinator@example.org", "staff").await;
    let list = b.get("/staff/hosts?status=applicant").await;
    assert!(
        list.body.contains(&format!("href=\"/staff/hosts/{id}\"")),
        "{}",
        list.body
    );
    assert!(
        list.body.contains("to screen: María López, Juan Pérez"),
        "{}",
        list.body
    );
    let page = b.get(&format!("/staff/hosts/{id}")).await;
    assert!(page.body.contains("Calle Mayor 1, 45001 Toledo"));
    let approved = b.submit(&format!("/staff/hosts/{id}/approve"), &[]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let host = staff_host(&app, id).await;
    assert_eq!(host["status"], "approved");
    let maria = host["members"][0]["id"].as_i64().unwrap().to_string();
    b.get(&format!("/staff/hosts/{id}")).await;
    let bad = b
        .submit(
            &format!("/staff/hosts/{id}/screening"),
            &[
                ("member_id", maria.as_str()),
                ("kind", "criminal_record"),
                ("outcome", "clear"),
                ("completed_on", "2999-01-01"),
                ("expires_on", ""),
                ("reference", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("completed_on: must not be in the future"),
        "{}",
        bad.body
    );
    let today = app.ctx.clock.now().date_naive().to_string();
    let done = b
        .submit(
            &format!("/staff/hosts/{id}/screening"),
            &[
                ("member_id", maria.as_str()),
                ("kind", "criminal_record"),
                ("outcome", "clear"),
                ("completed_on", today.as_str()),
                ("expires_on", ""),
                ("reference", "DBS-42"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = b.get(&format!("/staff/hosts/{id}")).await;
    assert!(page.body.contains("(ref. DBS-42)"), "{}", page.body);
    let suspended = b
        .submit(
            &format!("/staff/hosts/{id}/suspend"),
            &[("reason", "On holiday")],
        )
        .await;
    assert_eq!(suspended.status, StatusCode::SEE_OTHER);
    assert_eq!(staff_host(&app, id).await["status_reason"], "On holiday");
}

#[tokio::test]
async fn a_later_check_that_is_not_clear_blocks_minors_until_a_later_clear_one() {
    let app = spawn_app().await;
    let id = crate::exchanges::approved_household(
        &app,
        "Carmen Gil",
        json!({"members": [{"name": "Carmen Gil", "born_on": "1975-01-01"}]}),
    )
    .await;
    assert_eq!(staff_host(&app, id).await["minors"]["status"], "ok");
    let host = staff_host(&app, id).await;
    let adult = host["members"][0]["id"].clone();
    let today = app.ctx.clock.now().date_naive().to_string();
    let record = |outcome: &'static str, reference: &'static str| {
        let body = json!({"member_id": adult, "kind": "criminal_record", "outcome": outcome,
            "completed_on": today, "expires_on": "2032-01-01", "reference": reference});
        let app = &app;
        async move {
            let r = app
                .staff_post(&format!("/api/v1/hosts/{id}/screenings"), &body)
                .await;
            assert_eq!(r.status(), StatusCode::CREATED);
        }
    };
    record("not_clear", "new conviction").await;
    let minors = staff_host(&app, id).await["minors"].clone();
    assert_eq!(minors["status"], "paused", "{minors}");
    assert_eq!(minors["valid_until"], Value::Null);
    assert_eq!(minors["blocking"][0]["name"], "Carmen Gil");
    assert!(
        minors["blocking"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("not clear"),
        "{minors}"
    );
    // The suggestion says the same for a minor.
    let slug = crate::exchanges::exchange(&app).await;
    let minor = crate::exchanges::profile(json!({"born_on": "2015-03-01",
        "guardian": {"name": "Sarah Carter", "email": "sarah@example.org"},
        "consents": ["single_adult_household"], "allergies": []}));
    crate::exchanges::visitor_id(&app, &slug, "Tom Carter", minor).await;
    let board: Value = app
        .staff_get(&format!("/api/v1/events/{slug}/matching"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        board["placements"].as_array().unwrap().is_empty(),
        "{board}"
    );
    assert!(
        board["unplaced"][0]["ruled_out"]
            .to_string()
            .contains("latest criminal record check is not clear"),
        "{board}"
    );
    // A later clear result lifts it.
    record("clear", "rechecked").await;
    assert_eq!(staff_host(&app, id).await["minors"]["status"], "ok");
}

/// `PUT /api/v1/households/{token}` with `body`; the status and the answer.
pub async fn put_own(app: &TestApp, token: &str, body: &Value) -> (StatusCode, Value) {
    let response = app
        .client
        .put(format!("{}/api/v1/households/{token}", app.address))
        .json(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// The household's details as an update body: what it answers, with its members' ids.
pub fn update_of(own: &Value) -> Value {
    let members: Vec<Value> = own["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({"id": m["id"], "name": m["name"], "display_name": m["display_name"], "born_on": m["born_on"]}))
        .collect();
    application(
        json!({"members": members, "address": own["address"], "available": own["available"]}),
    )
}

#[tokio::test]
async fn an_approved_household_that_changes_goes_back_to_review_and_its_members_keep_their_records()
{
    let app = spawn_app().await;
    let (id, token) = apply(&app, json!({})).await;
    let today = app.ctx.clock.now().date_naive().to_string();
    let host = staff_host(&app, id).await;
    let adults: Vec<i64> = host["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["adult"] == true)
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    for m in &adults {
        screen(&app, id, *m, &today).await;
    }
    let approved = app
        .staff_post(&format!("/api/v1/hosts/{id}/approve"), &json!({}))
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    let own: Value = app
        .get(&format!("/api/v1/households/{token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["minors"]["status"], "ok");
    assert_eq!(own["members"][0]["display_name"], "María");

    // New dates are no reason for a review.
    let mut dates = update_of(&own);
    dates["available"] = json!([{"from": "2031-07-01", "to": "2031-07-20"}]);
    let (status, own) = put_own(&app, &token, &dates).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["status"], "approved");

    // A new address and a renamed adult are: minors wait for staff, adults still come.
    let mut moved = update_of(&own);
    moved["address"] = json!("Calle Nueva 7, 45002 Toledo");
    moved["members"][1]["name"] = json!("Juan Pérez García");
    moved["members"][1]["born_on"] = json!("1978-11-21");
    let (status, own) = put_own(&app, &token, &moved).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["status"], "review");
    assert_eq!(own["minors"]["status"], "in_review");
    let host = staff_host(&app, id).await;
    assert_eq!(host["members"][1]["id"], adults[1], "the same person");
    assert!(
        host["members"][1]["screened_until"].is_string(),
        "Juan keeps his check when his name is corrected: {host}"
    );
    let changes = &host["review_changes"];
    assert_eq!(changes["address"]["before"], "Calle Mayor 1, 45001 Toledo");
    assert_eq!(changes["address"]["after"], "Calle Nueva 7, 45002 Toledo");
    assert!(
        changes["members"]["after"]
            .to_string()
            .contains("Juan Pérez García (1978-11-21)"),
        "{changes}"
    );
    assert!(changes.get("available").is_none(), "{changes}");

    // Leaving someone out is not removing them; removing is explicit and keeps the records.
    let mut dropped = update_of(&own);
    let lucia = dropped["members"][2]["id"].as_i64().unwrap();
    dropped["members"].as_array_mut().unwrap().remove(2);
    assert_error(
        app.client
            .put(format!("{}/api/v1/households/{token}", app.address))
            .json(&dropped)
            .send()
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("members"),
    )
    .await;
    let mut forged = update_of(&own);
    forged["members"][0]["id"] = json!(999_999);
    assert_error(
        app.client
            .put(format!("{}/api/v1/households/{token}", app.address))
            .json(&forged)
            .send()
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("members[0].id"),
    )
    .await;
    dropped["remove_members"] = json!([lucia]);
    let (status, own) = put_own(&app, &token, &dropped).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["members"].as_array().unwrap().len(), 2);

    // Staff see what changed and the history, then approve again.
    let mut b = app.staff_browser("coordinator@example.org", "staff").await;
    let page = b.get(&format!("/staff/hosts/{id}")).await;
    assert!(
        page.body.contains("Changed since approval"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Calle Nueva 7"), "{}", page.body);
    assert!(page.body.contains("household.review"), "{}", page.body);
    let done = b.submit(&format!("/staff/hosts/{id}/approve"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let host = staff_host(&app, id).await;
    assert_eq!(host["status"], "approved");
    assert_eq!(host["review_changes"], json!({}));
    assert_eq!(host["minors"]["status"], "ok");
}
