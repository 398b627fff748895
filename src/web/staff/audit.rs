//! `/staff/audit` (admins): who changed what, when, with before and after.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::StaffSession;
use crate::context::Ctx;
use crate::db::audit::AuditRow;
use crate::web::extract::Role;
use crate::web::pages::{Layout, PageResult, render};

/// Kinds of actions, by prefix.
const ACTIONS: &[(&str, &str)] = &[
    ("event.", "Event changes"),
    ("registration.", "Registrations: approve, reject, cancel"),
    ("payment.", "Payments recorded"),
    ("checkin.", "Check-ins"),
    ("email.", "Emails resent or cancelled"),
    ("staff.", "Staff users"),
];

/// Filters of the audit log.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    /// Event slug.
    #[serde(default)]
    pub event: String,
    /// Entries older than this one (the page before ended there).
    #[serde(default)]
    pub before: Option<i64>,
}

#[derive(Template)]
#[template(path = "staff/audit.html")]
struct AuditPage {
    l: Layout,
    filter: AuditQuery,
    actors: Vec<String>,
    actions: &'static [(&'static str, &'static str)],
    events: Vec<(String, String)>,
    rows: Vec<AuditRow>,
    /// The next, older entries.
    older: Option<String>,
}

/// `GET /staff/audit?actor=&action=&event=&before=`: the matching entries, newest first, 200
/// at a time.
pub async fn audit_log(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Query(filter): Query<AuditQuery>,
) -> PageResult {
    session.require(Role::Admin)?;
    let events = crate::events::read::all(&ctx).await?;
    let event_id = events.iter().find(|e| e.slug == filter.event).map(|e| e.id);
    let action = ACTIONS
        .iter()
        .find(|(prefix, _)| *prefix == filter.action)
        .map(|(prefix, _)| *prefix);
    let actor = Some(filter.actor.as_str()).filter(|a| !a.is_empty());
    let limit = super::ROWS_PER_PAGE as i64 + 1;
    let (mut rows, actors) =
        crate::staff_accounts::audit_log(&ctx, actor, action, event_id, filter.before, limit)
            .await?;
    let older = super::older_page(
        &mut rows,
        |r| r.id,
        "/staff/audit",
        &[
            ("actor", &filter.actor),
            ("action", &filter.action),
            ("event", &filter.event),
        ],
    );
    Ok(render(&AuditPage {
        l: session.layout(&ctx, "Audit log"),
        actors,
        actions: ACTIONS,
        events: events.into_iter().map(|e| (e.slug, e.title)).collect(),
        rows,
        older,
        filter,
    }))
}
