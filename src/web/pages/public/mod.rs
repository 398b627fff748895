//! The public site: upcoming events, an event, the registration form, the private registration
//! page, waitlist offers, partner cities and the calendar feed.

mod home;
mod offer;
mod private;
mod register;
mod stop_messages;

use axum::Router;
use axum::routing::{get, post};

use crate::context::Ctx;

/// The public site's routes.
pub fn router() -> Router<Ctx> {
    Router::new()
        .route("/", get(home::home))
        .route("/events.ics", get(home::events_feed))
        .route("/events/{slug}", get(home::event_page))
        .route(
            "/events/{slug}/register",
            get(register::register_form).post(register::register_submit),
        )
        .route("/r/{token}", get(private::registration_page))
        .route("/r/{token}/pay", post(private::pay_submit))
        .route(
            "/r/{token}/calendar.ics",
            get(private::registration_calendar_file),
        )
        .route(
            "/r/{token}/confirm-email",
            get(private::confirm_email_form).post(private::confirm_email_submit),
        )
        .route(
            "/r/{token}/stop-messages",
            get(stop_messages::stop_form).post(stop_messages::stop_submit),
        )
        .route(
            "/r/{token}/resume-messages",
            post(stop_messages::resume_submit),
        )
        .route(
            "/r/{token}/cancel",
            get(private::cancel_form).post(private::cancel_submit),
        )
        .route(
            "/offers/{token}",
            get(offer::offer_page).post(offer::claim_submit),
        )
        .route("/partners/{slug}", get(home::partner_page))
        .route("/language/{code}", get(home::choose_language))
}
