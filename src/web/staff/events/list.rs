//! The list of events, and finding one by its slug.

use askama::Template;
use axum::extract::State;

use crate::context::Ctx;
use crate::db::events::EventRow;
use crate::email::compose::event_when;
use crate::web::extract::Role;
use crate::web::pages::{Layout, PageResult, render};
use crate::web::staff::StaffSession;

/// One row of the events list.
pub(super) struct EventLine {
    pub(super) slug: String,
    pub(super) title: String,
    pub(super) kind: String,
    pub(super) when: String,
    pub(super) status: String,
    pub(super) held: i64,
    pub(super) capacity: String,
}

#[derive(Template)]
#[template(path = "staff/events.html")]
pub(super) struct EventsPage {
    pub(super) l: Layout,
    pub(super) events: Vec<EventLine>,
}

/// `GET /staff/events`: every event, drafts and past ones included.
pub async fn list_events(State(ctx): State<Ctx>, session: StaffSession) -> PageResult {
    session.require(Role::Staff)?;
    let mut rows = crate::events::read::all(&ctx).await?;
    rows.sort_by_key(|e| std::cmp::Reverse(e.starts_at));
    Ok(render(&EventsPage {
        l: session.layout(&ctx, "Events"),
        events: rows
            .into_iter()
            .map(|e| EventLine {
                when: event_when(&e),
                capacity: e.capacity.map_or("unlimited".to_owned(), |c| c.to_string()),
                held: e.seats_held,
                kind: e.kind.to_string(),
                slug: e.slug,
                title: e.title,
                status: e.status.to_string(),
            })
            .collect(),
    }))
}

pub(super) async fn event_by_slug(ctx: &Ctx, slug: &str) -> PageResult<EventRow> {
    Ok(crate::events::read::find(ctx, slug).await?)
}
