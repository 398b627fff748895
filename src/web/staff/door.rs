//! The door: `/staff/events/{slug}/checkin`, for check-in volunteers on a phone. Scan a QR code
//! (camera, where the browser can) or type a code, or search by name; one tap checks in, one
//! undoes; counts update live.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::StaffSession;
use crate::checkin;
use crate::context::Ctx;
use crate::core::error::AppError;
use crate::db::events::EventRow;
use crate::domain::TimeZone;
use crate::web::api::checkins::scan_json;
use crate::web::extract::Role;
use crate::web::pages::forms::FormData;
use crate::web::pages::{Layout, PageError, PageResult, render_with};

/// The search box.
#[derive(Debug, Default, Deserialize)]
pub struct DoorQuery {
    #[serde(default)]
    pub q: String,
}

/// One person in the search results.
struct Person {
    id: i64,
    name: String,
    offering: String,
    contact: String,
    status: String,
    checked_in: Option<String>,
}

/// The outcome of the last action, shown at the top.
struct Outcome {
    ok: bool,
    message: String,
}

#[derive(Template)]
#[template(path = "staff/checkin.html")]
struct DoorPage {
    l: Layout,
    csrf: String,
    slug: String,
    title: String,
    q: String,
    checked_in: i64,
    expected: i64,
    people: Vec<Person>,
    outcome: Option<Outcome>,
}

async fn event(ctx: &Ctx, slug: &str) -> PageResult<EventRow> {
    Ok(crate::events::read::find(ctx, slug).await?)
}

async fn page(
    ctx: &Ctx,
    session: &StaffSession,
    event: &EventRow,
    q: String,
    outcome: Option<Outcome>,
) -> PageResult<DoorPage> {
    let (checked_in, expected) = crate::checkin::counts(ctx, event.id).await?;
    let zone = TimeZone::parse(&event.timezone).unwrap_or(TimeZone(chrono_tz::UTC));
    let people = if q.trim().is_empty() {
        Vec::new()
    } else {
        crate::checkin::search(ctx, event.id, q.trim(), 50)
            .await?
            .into_iter()
            .map(|p| Person {
                id: p.participant_id,
                name: p.name,
                offering: p.offering_name,
                contact: p.contact_name,
                status: p.status.to_string(),
                checked_in: p
                    .checked_in_at
                    .map(|t| zone.to_local(t).format("%H:%M").to_string()),
            })
            .collect()
    };
    Ok(DoorPage {
        l: session.layout(ctx, format!("Check-in: {}", event.title)),
        csrf: session.csrf.clone(),
        slug: event.slug.clone(),
        title: event.title.clone(),
        q,
        checked_in,
        expected,
        people,
        outcome,
    })
}

/// `GET /staff/events/{slug}/checkin?q=`.
pub async fn door_page(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    Query(query): Query<DoorQuery>,
) -> PageResult {
    session.require(Role::Checkin)?;
    let event = event(&ctx, &slug).await?;
    let p = page(&ctx, &session, &event, query.q, None).await?;
    Ok(render_with(StatusCode::OK, &p))
}

/// Shows the page again with the outcome of a check-in attempt.
async fn answer(
    ctx: &Ctx,
    session: &StaffSession,
    event: &EventRow,
    q: String,
    result: Result<crate::checkin::Scan, AppError>,
) -> PageResult {
    let (status, outcome) = match result {
        Ok(scan) => {
            let json = scan_json(&scan);
            (
                StatusCode::OK,
                Outcome {
                    ok: !scan.already,
                    message: json.message,
                },
            )
        }
        Err(AppError::Conflict { message, .. }) => {
            (StatusCode::CONFLICT, Outcome { ok: false, message })
        }
        Err(e) => return Err(PageError(e)),
    };
    let p = page(ctx, session, event, q, Some(outcome)).await?;
    Ok(render_with(status, &p))
}

/// `POST /staff/events/{slug}/checkin` with a typed or scanned `code`.
pub async fn door_code(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    form: FormData,
) -> PageResult {
    session.require(Role::Checkin)?;
    session.verify(&form)?;
    let event = event(&ctx, &slug).await?;
    let result = checkin::check_in(&ctx, form.get("code"), Some(event.id), &session.actor()).await;
    answer(&ctx, &session, &event, form.get("q").to_owned(), result).await
}

/// `POST /staff/events/{slug}/checkin/{participant}` (one tap in the search results) and
/// `.../{participant}/undo`.
pub async fn door_tap(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path((slug, participant, action)): Path<(String, i64, String)>,
    form: FormData,
) -> PageResult {
    session.require(Role::Checkin)?;
    session.verify(&form)?;
    let event = event(&ctx, &slug).await?;
    let p = crate::checkin::participant(&ctx, event.id, participant).await?;
    let q = form.get("q").to_owned();
    match action.as_str() {
        "in" => {
            let result = checkin::check_in_participant(&ctx, p, &session.actor()).await;
            answer(&ctx, &session, &event, q, result).await
        }
        "undo" => {
            let name = p.name.clone();
            checkin::undo(&ctx, participant, &session.actor()).await?;
            let outcome = Outcome {
                ok: true,
                message: format!("Check-in of {name} undone."),
            };
            let p = page(&ctx, &session, &event, q, Some(outcome)).await?;
            Ok(render_with(StatusCode::OK, &p))
        }
        _ => Err(AppError::NotFound.into()),
    }
}

/// `GET /staff/events/{slug}/checkin/counts`: `{"checked_in": n, "expected": m}` for the live
/// counter on the page.
pub async fn door_counts(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
) -> Result<Json<serde_json::Value>, PageError> {
    session.require(Role::Checkin)?;
    let event = event(&ctx, &slug).await?;
    let (checked_in, expected) = crate::checkin::counts(&ctx, event.id).await?;
    Ok(Json(
        serde_json::json!({"checked_in": checked_in, "expected": expected}),
    ))
}
