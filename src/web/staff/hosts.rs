//! Host households for staff: the list to review, and each household with its members, their
//! screenings and whether minors may stay there; approve, suspend, record a screening.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::StaffSession;
use crate::error::AppError;
use crate::hosts::{self, ScreeningBody};
use crate::state::Ctx;
use crate::web::api::hosts::{HostJson, load_json};
use crate::web::extract::Role;
use crate::web::pages::forms::FormData;
use crate::web::pages::{Layout, PageResult, render, render_with};

#[derive(Template)]
#[template(path = "staff/hosts.html")]
struct ListPage {
    l: Layout,
    status: String,
    hosts: Vec<HostJson>,
}

/// `?status=` of the list.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: Option<String>,
}

/// `GET /staff/hosts`: every household, newest first, filtered by state.
pub async fn list_hosts(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Query(q): Query<ListQuery>,
) -> PageResult {
    session.require(Role::Staff)?;
    let status = q
        .status
        .filter(|s| ["applicant", "approved", "suspended"].contains(&s.as_str()));
    let mut list = Vec::new();
    for row in crate::db::hosts::list(&ctx.db, status.as_deref()).await? {
        list.push(load_json(&ctx, &row, true).await?);
    }
    Ok(render(&ListPage {
        l: session.layout(&ctx, "Host households"),
        status: status.unwrap_or_default(),
        hosts: list,
    }))
}

#[derive(Template)]
#[template(path = "staff/host.html")]
struct DetailPage {
    l: Layout,
    csrf: String,
    h: HostJson,
    problem: Option<String>,
    kinds: &'static [&'static str],
    today: String,
}

async fn detail(
    ctx: &Ctx,
    session: &StaffSession,
    id: i64,
    problem: Option<String>,
) -> PageResult<DetailPage> {
    let row = crate::db::hosts::get(&ctx.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(DetailPage {
        l: session.layout(ctx, format!("Household {id}")),
        csrf: session.csrf.clone(),
        h: load_json(ctx, &row, true).await?,
        problem,
        kinds: hosts::SCREENING_KINDS,
        today: ctx.clock.now().date_naive().to_string(),
    })
}

/// `GET /staff/hosts/{id}`.
pub async fn host_detail(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(id): Path<i64>,
) -> PageResult {
    session.require(Role::Staff)?;
    Ok(render(&detail(&ctx, &session, id, None).await?))
}

/// `POST /staff/hosts/{id}/{action}`: `approve`, `suspend` (with a reason) or `screening`.
pub async fn host_action(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path((id, action)): Path<(i64, String)>,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    let actor = session.actor();
    let result = match action.as_str() {
        "approve" => hosts::set_status(&ctx, id, "approved", "", &actor).await,
        "suspend" => match crate::domain::parse_long_text(form.get("reason"), 500) {
            Ok(reason) => hosts::set_status(&ctx, id, "suspended", &reason, &actor).await,
            Err(e) => Err(AppError::field("reason", e.0)),
        },
        "screening" => {
            let body = ScreeningBody {
                member_id: form.get("member_id").parse().unwrap_or(-1),
                kind: form.get("kind").to_owned(),
                outcome: form.get("outcome").to_owned(),
                completed_on: Some(form.get("completed_on").to_owned()),
                expires_on: Some(form.get("expires_on").to_owned()),
                reference: Some(form.get("reference").to_owned()),
            };
            hosts::record_screening(&ctx, id, &body, &actor).await
        }
        _ => Err(AppError::NotFound),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/staff/hosts/{id}")).into_response()),
        Err(AppError::Validation(fields)) => {
            let words: Vec<String> = fields.iter().map(|(f, m)| format!("{f}: {m}")).collect();
            let page = detail(
                &ctx,
                &session,
                id,
                Some(format!("Not saved. {}.", words.join("; "))),
            )
            .await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::Conflict { message, .. }) => {
            let page = detail(&ctx, &session, id, Some(message)).await?;
            Ok(render_with(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "staff/matching.html")]
struct BoardPage {
    l: Layout,
    slug: String,
    title: String,
    m: crate::exchange::MatchingJson,
}

/// `GET /staff/events/{slug}/matching`: the matching board of an exchange: suggested
/// placements with their scores, and why the others could not be placed.
pub async fn matching_board(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
) -> PageResult {
    session.require(Role::Staff)?;
    let pool = crate::exchange::pool(&ctx, &slug).await?;
    let matches = crate::db::matches::of_event(&ctx.db, pool.event.id).await?;
    let s = crate::exchange::suggest(&pool, &crate::placements::decisions(&matches));
    Ok(render(&BoardPage {
        l: session.layout(&ctx, format!("Host matching: {}", pool.event.title)),
        slug: slug.clone(),
        title: pool.event.title.clone(),
        m: crate::exchange::describe(&pool, &s),
    }))
}
