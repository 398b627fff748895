//! Attendee exports: CSV through the API and the staff pages, filters, columns, formula
//! injection, roles and the audit log.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

async fn csv(app: &TestApp, token: &str, path: &str) -> (StatusCode, String, String) {
    let (status, kind, body) = bytes(app, token, path).await;
    (status, kind, String::from_utf8(body).expect("UTF-8"))
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
    let due = rows[0]
        .iter()
        .position(|h| h == "Due (registration)")
        .unwrap();
    assert_eq!(sam[due], "25.00 EUR", "due");
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

    let entries = twinning::db::audit::list(&app.ctx.db, None, Some("export."), None, None, 10)
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

async fn bytes(app: &TestApp, token: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
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
    (status, kind, response.bytes().await.unwrap().to_vec())
}

/// One part of an XLSX file (a zip archive), as text.
fn part(xlsx: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("a zip archive");
    let mut text = String::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_string(&mut text)
        .expect("UTF-8");
    text
}

/// The cells of the first sheet of an XLSX file, and that sheet's XML.
fn sheet(xlsx: &[u8]) -> (calamine::Range<calamine::Data>, String) {
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).expect("a workbook");
    assert_eq!(workbook.sheet_names(), vec!["Attendees"]);
    let range = workbook.worksheet_range("Attendees").expect("the sheet");
    (range, part(xlsx, "xl/worksheets/sheet1.xml"))
}

#[tokio::test]
async fn xlsx_has_typed_cells_a_frozen_filtered_header_and_formulas_as_text() {
    use calamine::Data;
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"timezone": "America/New_York"}))
        .await;
    let body = json!({
        "contact": {"name": "=HYPERLINK(\"http://x\",\"y\")", "email": "evil@example.org", "phone": "+1 419 555 0100"},
        "participants": [{"name": "@SUM(A1:A9)", "offering": "adult", "notes": "-2+3"},
            {"name": "Ana García", "offering": "free"}],
        "payment": "later"
    });
    let response = app
        .post(&format!("/api/v1/events/{slug}/registrations"), &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let (status, kind, file) = bytes(
        &app,
        &app.admin_token.clone(),
        &format!("/api/v1/events/{slug}/attendees.xlsx"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        kind,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let (range, xml) = sheet(&file);
    assert_eq!(range.height(), 3, "header and two participants");
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<&[Data]> = range.rows().skip(1).collect();
    let evil = rows
        .iter()
        .find(|r| r[col("Participant")] == Data::String("@SUM(A1:A9)".into()))
        .expect("the formula-like name is a plain string cell, as typed");
    assert_eq!(
        evil[col("Contact")],
        Data::String("=HYPERLINK(\"http://x\",\"y\")".into())
    );
    assert_eq!(
        evil[col("Diet and accessibility")],
        Data::String("-2+3".into())
    );
    assert_eq!(evil[col("Phone")], Data::String("+1 419 555 0100".into()));
    assert!(
        matches!(evil[col("Reference")], Data::Float(_) | Data::Int(_)),
        "reference is a number"
    );
    assert_eq!(evil[col("Price")], Data::Float(25.0), "amounts are numbers");
    assert_eq!(evil[col("Due (registration)")], Data::Float(25.0));
    assert_eq!(evil[col("Paid (registration)")], Data::Float(0.0));
    match &evil[col("Registered")] {
        Data::DateTime(t) => assert!(t.as_f64() > 40_000.0, "an Excel date: {t:?}"),
        other => panic!("registered is a date, not {other:?}"),
    }
    assert_eq!(evil[col("Checked in")], Data::Empty);
    // No cell is a formula; the dangerous ones carry Excel's quote prefix; the header row is
    // frozen and has filters over every row and column.
    assert!(!xml.contains("<f>"), "no formula anywhere: {xml}");
    let styles = part(&file, "xl/styles.xml");
    assert!(styles.contains("quotePrefix=\"1\""), "{styles}");
    assert!(
        xml.contains("state=\"frozen\"") && xml.contains("ySplit=\"1\""),
        "{xml}"
    );
    let last_column = (b'A' + header.len() as u8 - 1) as char;
    assert!(
        xml.contains(&format!("<autoFilter ref=\"A1:{last_column}3\"")),
        "{xml}"
    );
    assert!(
        xml.contains("#,##0.00 &quot;EUR&quot;") || styles.contains("#,##0.00 &quot;EUR&quot;")
    );

    // Filters and columns work as for CSV; the export is audited as xlsx.
    let (_, _, file) = bytes(
        &app,
        &app.admin_token.clone(),
        &format!("/api/v1/events/{slug}/attendees.xlsx?offering=free&columns=participant,price"),
    )
    .await;
    let (range, _) = sheet(&file);
    assert_eq!(range.height(), 2);
    assert_eq!(range.get((1, 0)), Some(&Data::String("Ana García".into())));
    assert_eq!(range.get((1, 1)), Some(&Data::Float(0.0)));
    let entries = twinning::db::audit::list(&app.ctx.db, None, Some("export.xlsx"), None, None, 10)
        .await
        .unwrap();
    assert_eq!(entries.len(), 2);
    let door = app.token_for("door@example.org", "checkin").await;
    let (status, _, _) = bytes(
        &app,
        &door,
        &format!("/api/v1/events/{slug}/attendees.xlsx"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn column_presets_are_saved_per_event_and_used_by_the_form_and_the_api() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let other = app.create_event(json!({})).await;
    app.register(&slug, "free", &["Mei Tanaka"]).await;
    let mut staff = app.staff_browser("staff@example.org", "staff").await;
    staff.get(&format!("/staff/events/{slug}")).await;
    let page = staff
        .submit(
            &format!("/staff/events/{slug}/export"),
            &[
                ("columns", "participant"),
                ("columns", "phone"),
                ("preset_name", "Door list"),
                ("action", "save_preset"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = staff
        .get(&format!("/staff/events/{slug}?preset=Door%20list"))
        .await;
    assert!(
        page.body
            .contains("id=\"col-participant\" name=\"columns\" value=\"participant\" checked")
    );
    assert!(
        page.body
            .contains("id=\"col-phone\" name=\"columns\" value=\"phone\" checked")
    );
    assert!(
        !page
            .body
            .contains("id=\"col-email\" name=\"columns\" value=\"email\" checked"),
        "only the preset's columns"
    );

    let (status, _, body) = csv(
        &app,
        &app.admin_token.clone(),
        &format!("/api/v1/events/{slug}/attendees.csv?preset=Door%20list"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        records(&body),
        vec![vec!["Participant", "Phone"], vec!["Mei Tanaka", ""]]
    );
    let (status, _, _) = csv(
        &app,
        &app.admin_token.clone(),
        &format!("/api/v1/events/{other}/attendees.csv?preset=Door%20list"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "presets belong to their event"
    );

    // The export form downloads with the chosen columns (CSRF-protected POST).
    let page = staff
        .submit(
            &format!("/staff/events/{slug}/export"),
            &[
                ("columns", "participant"),
                ("status", "confirmed"),
                ("action", "csv"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        records(&page.body),
        vec![vec!["Participant"], vec!["Mei Tanaka"]]
    );
    let page = staff
        .post_form(
            &format!("/staff/events/{slug}/export"),
            &[("action", "csv")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "no anti-forgery token");
    staff.get(&format!("/staff/events/{slug}")).await;
    let page = staff
        .submit(
            &format!("/staff/events/{slug}/export"),
            &[("action", "xlsx")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type.contains("spreadsheetml"));

    staff.get(&format!("/staff/events/{slug}")).await;
    let page = staff
        .submit(
            &format!("/staff/events/{slug}/export"),
            &[("action", "delete_preset:Door list")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let (status, _, _) = csv(
        &app,
        &app.admin_token.clone(),
        &format!("/api/v1/events/{slug}/attendees.csv?preset=Door%20list"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let audit = twinning::db::audit::list(&app.ctx.db, None, Some("export.preset"), None, None, 10)
        .await
        .unwrap();
    assert_eq!(audit.len(), 2, "saved and deleted");
}

#[tokio::test]
async fn answers_to_the_events_questions_are_columns_of_their_own() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"questions": [
            {"label": "T-shirt size", "options": ["S", "M"]}, {"label": "Arrival"}]}))
        .await;
    let body = json!({
        "contact": {"name": "Ana", "email": "ana@example.org"},
        "participants": [
            {"name": "Ana", "offering": "free", "answers": {"t-shirt-size": "M", "arrival": "=cmd|' /C calc'!A0"}},
            {"name": "Luis", "offering": "free"}]
    });
    let response = app
        .post(&format!("/api/v1/events/{slug}/registrations"), &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let token = app.admin_token.clone();
    let (_, _, text) = csv(
        &app,
        &token,
        &format!("/api/v1/events/{slug}/attendees.csv"),
    )
    .await;
    let rows = records(&text);
    let notes = rows[0]
        .iter()
        .position(|h| h == "Diet and accessibility")
        .unwrap();
    assert_eq!(rows[0][notes + 1], "T-shirt size");
    assert_eq!(rows[0][notes + 2], "Arrival");
    let ana = rows.iter().find(|r| r[2] == "Ana").unwrap();
    assert_eq!(ana[notes + 1], "M");
    assert_eq!(
        ana[notes + 2],
        "'=cmd|' /C calc'!A0",
        "answers are neutralised too"
    );
    let luis = rows.iter().find(|r| r[2] == "Luis").unwrap();
    assert_eq!(luis[notes + 1], "", "no answer, empty cell");

    let (status, _, text) = csv(
        &app,
        &token,
        &format!("/api/v1/events/{slug}/attendees.csv?columns=participant,q:t-shirt-size"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        records(&text),
        vec![
            vec!["Participant", "T-shirt size"],
            vec!["Ana", "M"],
            vec!["Luis", ""]
        ]
    );
    let (_, _, file) = bytes(
        &app,
        &token,
        &format!("/api/v1/events/{slug}/attendees.xlsx?columns=participant,q:arrival"),
    )
    .await;
    let (range, _) = sheet(&file);
    assert_eq!(
        range.get((0, 1)),
        Some(&calamine::Data::String("Arrival".into()))
    );
    assert_eq!(
        range.get((1, 1)),
        Some(&calamine::Data::String("=cmd|' /C calc'!A0".into()))
    );
    let mut staff = app.staff_browser("staff@example.org", "staff").await;
    let page = staff.get(&format!("/staff/events/{slug}")).await;
    assert!(
        page.body.contains("value=\"q:t-shirt-size\" checked"),
        "the dashboard offers answer columns"
    );
    let page = staff.get(&format!("/staff/registrations/{}", ana[0])).await;
    assert!(page.body.contains("T-shirt size: M"), "{}", page.body);
}

#[tokio::test]
async fn bad_export_form_input_gets_a_clear_answer_not_a_server_error() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({})).await;
    let mut staff = app.staff_browser("staff@example.org", "staff").await;
    let url = format!("/staff/events/{slug}/export");
    for fields in [
        vec![
            ("columns", "participant"),
            ("preset_name", " "),
            ("action", "save_preset"),
        ],
        vec![
            ("columns", "password"),
            ("preset_name", "Door"),
            ("action", "save_preset"),
        ],
        vec![("action", "save_preset"), ("preset_name", "Nothing chosen")],
        vec![("columns", "password"), ("action", "csv")],
        vec![("checked_in", "maybe"), ("action", "xlsx")],
        vec![("action", "print")],
    ] {
        staff.get(&format!("/staff/events/{slug}")).await;
        let page = staff.submit(&url, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}: {}",
            page.body
        );
        assert!(page.content_type.starts_with("text/html"), "{fields:?}");
    }
    staff.get(&format!("/staff/events/{slug}")).await;
    let page = staff
        .submit(&url, &[("action", "delete_preset:Never saved")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}
