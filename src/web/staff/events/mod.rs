//! Staff pages for events: list, create, edit, publish or cancel, and the per-event dashboard.

mod dashboard;
mod edit;
mod exports;
mod form;
mod list;
mod translations;

use axum::Router;
use axum::routing::{get, post};

use crate::context::Ctx;

/// The event pages' routes.
pub fn router() -> Router<Ctx> {
    Router::new()
        .route("/staff/events", get(list::list_events))
        .route(
            "/staff/events/new",
            get(edit::new_event_form).post(edit::create_event),
        )
        .route("/staff/events/{slug}", get(dashboard::event_dashboard))
        .route(
            "/staff/events/{slug}/edit",
            get(edit::edit_event_form).post(edit::update_event),
        )
        .route("/staff/events/{slug}/status", post(edit::change_status))
        .route(
            "/staff/events/{slug}/attendees.csv",
            get(exports::export_attendees),
        )
        .route(
            "/staff/events/{slug}/attendees.xlsx",
            get(exports::export_attendees_xlsx),
        )
        .route("/staff/events/{slug}/export", post(exports::export_form))
}
