//! Host households for staff: the list to review, and each household with its members, their
//! screenings and whether minors may stay there; approve, suspend, record a screening.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::StaffSession;
use crate::context::Ctx;
use crate::core::error::AppError;
use crate::exchanges::households::{self, ScreeningBody};
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
        .as_deref()
        .and_then(|s| crate::domain::household::HouseholdStatus::parse(s).ok());
    let mut list = Vec::new();
    for row in crate::exchanges::households::list(&ctx, status).await? {
        list.push(load_json(&ctx, &row, true).await?);
    }
    Ok(render(&ListPage {
        l: session.layout(&ctx, "Host households"),
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
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
    /// While in review: (field, approved value, new value).
    changes: Vec<(String, String, String)>,
    /// The household's history: (when, who, what, details).
    history: Vec<(String, String, String, String)>,
}

/// A value of the review diff in words (lists joined, text as is).
fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join("; "),
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", shown(v)))
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Null => "none".to_owned(),
        other => other.to_string(),
    }
}

async fn detail(
    ctx: &Ctx,
    session: &StaffSession,
    id: i64,
    problem: Option<String>,
) -> PageResult<DetailPage> {
    let row = crate::exchanges::households::get(ctx, id).await?;
    let h = load_json(ctx, &row, true).await?;
    let changes = h
        .review_changes
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(field, c)| {
                    (
                        field.replace('_', " "),
                        shown(&c["before"]),
                        shown(&c["after"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let history = crate::exchanges::households::history(ctx, id, 50)
        .await?
        .into_iter()
        .map(|a| {
            let after: serde_json::Value = a
                .after_json
                .as_deref()
                .and_then(|j| serde_json::from_str(j).ok())
                .unwrap_or_default();
            (
                a.created_at.format("%Y-%m-%d %H:%M").to_string(),
                a.actor,
                a.action,
                shown(&after),
            )
        })
        .collect();
    Ok(DetailPage {
        l: session.layout(ctx, format!("Household {id}")),
        csrf: session.csrf.clone(),
        changes,
        history,
        h,
        problem,
        kinds: households::SCREENING_KINDS,
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
        "approve" => {
            households::set_status(&ctx, id, households::HouseholdStatus::Approved, "", &actor)
                .await
        }
        "suspend" => match crate::domain::parse_long_text(form.get("reason"), 500) {
            Ok(reason) => {
                households::set_status(
                    &ctx,
                    id,
                    households::HouseholdStatus::Suspended,
                    &reason,
                    &actor,
                )
                .await
            }
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
            households::record_screening(&ctx, id, &body, &actor).await
        }
        _ => Err(AppError::NotFound),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/staff/hosts/{id}")).into_response()),
        Err(e) => {
            let (status, problem) = refusal(e, "Not saved")?;
            Ok(render_with(
                status,
                &detail(&ctx, &session, id, Some(problem)).await?,
            ))
        }
    }
}

#[derive(Template)]
#[template(path = "staff/matching.html")]
struct BoardPage {
    l: Layout,
    csrf: String,
    slug: String,
    title: String,
    m: crate::exchanges::candidates::MatchingJson,
    /// Every match with the names to show: (match, party, household).
    matches: Vec<(crate::exchanges::placements::MatchJson, String, String)>,
    /// (registration id, contact) of every party, for the override form.
    parties: Vec<(i64, String)>,
    /// (household id, name) of every household.
    households: Vec<(i64, String)>,
    problem: Option<String>,
}

async fn board(
    ctx: &Ctx,
    session: &StaffSession,
    slug: &str,
    problem: Option<String>,
) -> PageResult<BoardPage> {
    let pool = crate::exchanges::candidates::pool(ctx, slug).await?;
    let s = crate::exchanges::candidates::suggest(
        &pool,
        &crate::exchanges::placements::load_decisions(ctx, pool.event.id).await?,
    );
    let name_of_party = |id: i64| {
        pool.registrations
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| format!("registration {id}"), |r| r.contact_name.clone())
    };
    let name_of_household = |id: i64| {
        pool.households
            .iter()
            .find(|h| h.id == id)
            .map_or_else(|| format!("household {id}"), |h| h.contact_name.clone())
    };
    let matches = crate::exchanges::placements::list(ctx, &pool.event)
        .await?
        .into_iter()
        .rev()
        .map(|m| {
            let (p, h) = (
                name_of_party(m.registration),
                name_of_household(m.household),
            );
            (m, p, h)
        })
        .collect();
    Ok(BoardPage {
        l: session.layout(ctx, format!("Host matching: {}", pool.event.title)),
        csrf: session.csrf.clone(),
        slug: slug.to_owned(),
        title: pool.event.title.clone(),
        m: crate::exchanges::candidates::describe(&pool, &s),
        matches,
        parties: pool
            .registrations
            .iter()
            .map(|r| (r.id, r.contact_name.clone()))
            .collect(),
        households: pool
            .households
            .iter()
            .map(|h| (h.id, h.contact_name.clone()))
            .collect(),
        problem,
    })
}

/// `GET /staff/events/{slug}/matching`: the matching board of an exchange: suggested
/// placements with their scores, why the others could not be placed, and every match.
pub async fn matching_board(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
) -> PageResult {
    session.require(Role::Staff)?;
    Ok(render(&board(&ctx, &session, &slug, None).await?))
}

/// `POST /staff/events/{slug}/matching/{action}`: `propose` one pair (with an override reason
/// when it breaks a hard rule), `propose-all` suggestions, or `cancel` a match.
pub async fn matching_action(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path((slug, action)): Path<(String, String)>,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    let actor = session.actor();
    let result = match action.as_str() {
        "propose" => {
            let proposal = crate::exchanges::placements::Proposal {
                registration_id: form.get("registration").parse().unwrap_or(-1),
                household_id: form.get("household").parse().unwrap_or(-1),
                override_reason: form.get("override_reason").to_owned(),
            };
            crate::exchanges::placements::propose(&ctx, &slug, &proposal, &actor)
                .await
                .map(|_| ())
        }
        "exclude" => {
            crate::exchanges::placements::exclude(
                &ctx,
                &slug,
                form.get("registration").parse().unwrap_or(-1),
                form.get("household").parse().unwrap_or(-1),
                form.get("reason"),
                &actor,
            )
            .await
        }
        "propose-all" => crate::exchanges::placements::propose_all(&ctx, &slug, &actor)
            .await
            .map(|_| ()),
        "weights" => {
            let n = |name: &str| form.get(name).trim().parse::<i64>().unwrap_or(-1);
            let w = crate::matching::score::Weights {
                language: n("language"),
                interests: n("interests"),
                household_fit: n("household_fit"),
                load: n("load"),
            };
            crate::exchanges::weights::save(&ctx, &slug, &w, &actor).await
        }
        "cancel" => {
            crate::exchanges::placements::cancel(
                &ctx,
                form.get("match").parse().unwrap_or(-1),
                form.get("reason"),
                &actor,
            )
            .await
        }
        _ => Err(AppError::NotFound),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/staff/events/{slug}/matching")).into_response()),
        Err(e) => {
            let (status, problem) = refusal(e, "Not done")?;
            Ok(render_with(
                status,
                &board(&ctx, &session, &slug, Some(problem)).await?,
            ))
        }
    }
}

/// A refused staff action as the status and the sentence shown above the page again
/// (`lead` and the field messages, or the conflict's message); other errors pass through.
fn refusal(err: AppError, lead: &str) -> Result<(StatusCode, String), AppError> {
    match err {
        AppError::Validation(fields) => {
            let words: Vec<String> = fields.iter().map(|(f, m)| format!("{f}: {m}")).collect();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{lead}. {}.", words.join("; ")),
            ))
        }
        AppError::Conflict { message, .. } => Ok((StatusCode::CONFLICT, message)),
        other => Err(other),
    }
}
