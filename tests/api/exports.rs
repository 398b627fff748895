//! Attendee exports: CSV through the API and the staff pages, filters, columns, formula
//! injection, roles and the audit log.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

async fn csv(app: &TestApp, token: &str, path: &str) -> (StatusCode, String, String) {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.text().await.unwrap())
}

fn records(body: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn staff_export_one_row_per_participant_with_filters_and_columns() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    app.register(&slug, "free", &["Mei Tanaka", "Jonas Becker"])
        .await;
    app.register(&slug, "adult", &["Sam Okafor"]).await;
    let token = app.admin_token.clone();
    let (status, kind, body) = csv(
        &app,
        &token,
        &format!("/api/v1/events/{slug}/attendees.csv"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/csv"));
    let rows = records(&body);
    assert_eq!(rows.len(), 4, "header and three participants");
    assert_eq!(rows[0][0], "Reference");
    assert_eq!(rows[0][2], "Participant");
    let sam = rows.iter().find(|r| r[2] == "Sam Okafor").unwrap();
    assert_eq!(sam[1], "pending_payment");
    assert_eq!(sam[10], "25.00 EUR", "due");
    let (_, _, body) = csv(
        &app,
        &token,
        &format!("/api/v1/events/{slug}/attendees.csv?status=confirmed&columns=participant,email"),
    )
    .await;
    let rows = records(&body);
    assert_eq!(rows[0], vec!["Participant", "Email"]);
    assert_eq!(rows.len(), 3);
    let (_, _, body) = csv(
        &app,
        &token,
        &format!("/api/v1/events/{slug}/attendees.csv?offering=adult&columns=participant"),
    )
    .await;
    assert_eq!(
        records(&body),
        vec![vec!["Participant"], vec!["Sam Okafor"]]
    );
    let (_, _, body) = csv(
        &app,
        &token,
        &format!("/api/v1/events/{slug}/attendees.csv?checked_in=yes"),
    )
    .await;
    assert_eq!(records(&body).len(), 1, "nobody checked in yet");
    let (_, _, body) = csv(
        &app,
        &token,
        &format!("/api/v1/events/{slug}/attendees.csv?bom=1&columns=participant"),
    )
    .await;
    assert!(body.starts_with('\u{feff}'), "byte-order mark for Excel");
    let (status, _, body) = csv(
        &app,
        &token,
        &format!("/api/v1/events/{slug}/attendees.csv?columns=password&checked_in=maybe"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("\"columns\"") && body.contains("\"checked_in\""));
}

#[tokio::test]
async fn formulas_in_names_and_notes_are_exported_as_text() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let body = json!({
        "contact": {"name": "=HYPERLINK(\"http://x\",\"y\")", "email": "evil@example.org"},
        "participants": [{"name": "@SUM(A1:A9)", "offering": "free", "notes": "+1 555 0100"}]
    });
    let response = app
        .post(&format!("/api/v1/events/{slug}/registrations"), &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let (_, _, body) = csv(
        &app,
        &app.admin_token.clone(),
        &format!("/api/v1/events/{slug}/attendees.csv?columns=participant,contact,notes"),
    )
    .await;
    let rows = records(&body);
    assert_eq!(rows[1][0], "'@SUM(A1:A9)");
    assert_eq!(rows[1][1], "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(rows[1][2], "'+1 555 0100");
}

#[tokio::test]
async fn the_checkin_role_cannot_export_and_every_export_is_audited() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    app.register(&slug, "free", &["Ana"]).await;
    let door = app.token_for("door@example.org", "checkin").await;
    let (status, _, _) = csv(&app, &door, &format!("/api/v1/events/{slug}/attendees.csv")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let anonymous = app
        .get(&format!("/api/v1/events/{slug}/attendees.csv"))
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let mut staff = app.staff_browser("staff@example.org", "staff").await;
    let page = staff
        .get(&format!(
            "/staff/events/{slug}/attendees.csv?status=confirmed"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type.starts_with("text/csv"));
    assert_eq!(records(&page.body).len(), 2);
    let mut door_browser = app.staff_browser("door2@example.org", "checkin").await;
    let page = door_browser
        .get(&format!("/staff/events/{slug}/attendees.csv"))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    let entries = twinning::db::audit::list(&app.ctx.db, None, Some("export."), None, 10)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor, "staff:staff@example.org");
    let after = entries[0].after_json.as_deref().unwrap();
    assert!(
        after.contains("\"rows\":1") && after.contains("\"status\":\"confirmed\""),
        "{after}"
    );
}

#[tokio::test]
async fn a_list_longer_than_one_batch_is_exported_whole() {
    let app = spawn_app_without_limit().await;
    let slug = app.create_event(json!({})).await;
    let body = |i: usize| {
        json!({"contact": {"name": format!("Guest {i}"), "email": format!("g{i}@example.org")},
            "participants": (0..5).map(|j| json!({"name": format!("Guest {i}-{j}"), "offering": "free"})).collect::<Vec<_>>()})
    };
    let url = format!("/api/v1/events/{slug}/registrations");
    for chunk in (0..230).collect::<Vec<_>>().chunks(20) {
        let answers = futures::future::join_all(chunk.iter().map(|i| {
            let b = body(*i);
            let app = &app;
            let url = url.clone();
            async move { app.post(&url, &b).await.status() }
        }))
        .await;
        assert!(answers.iter().all(|s| *s == StatusCode::CREATED));
    }
    let (_, _, text) = csv(
        &app,
        &app.admin_token.clone(),
        &format!("/api/v1/events/{slug}/attendees.csv?columns=participant"),
    )
    .await;
    let rows = records(&text);
    assert_eq!(
        rows.len(),
        1 + 230 * 5,
        "1,150 participants over two batches"
    );
    let mut names: Vec<&String> = rows[1..].iter().map(|r| &r[0]).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 1150, "no participant twice");
}

async fn spawn_app_without_limit() -> TestApp {
    crate::helpers::spawn_app_with(|s| s.registrations_per_minute = 0, false).await
}
