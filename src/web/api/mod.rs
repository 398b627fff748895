//! The JSON API under `/api/v1`.

pub mod checkins;
pub mod events;
pub mod exports;
pub mod hosts;
pub mod matching;
pub mod messages;
pub mod outbox;
pub mod page;
pub mod registrations;

use axum::Router;
use axum::routing::{get, post};

use crate::context::Ctx;

/// Routes of the JSON API.
pub fn router() -> Router<Ctx> {
    Router::new()
        .route("/hosts", post(hosts::apply).get(hosts::list))
        .route("/hosts/{id}", get(hosts::get_one))
        .route("/events/{slug}/matching", get(matching::suggestion))
        .route(
            "/events/{slug}/matching/weights",
            axum::routing::put(matching::put_weights),
        )
        .route(
            "/events/{slug}/matches",
            post(matching::propose).get(matching::list_matches),
        )
        .route("/events/{slug}/matches/all", post(matching::propose_all))
        .route("/events/{slug}/exclusions", post(matching::exclude))
        .route(
            "/events/{slug}/placements.csv",
            get(matching::placements_csv),
        )
        .route("/matches/{id}/cancel", post(matching::cancel))
        .route("/hosts/{id}/approve", post(hosts::approve))
        .route("/hosts/{id}/suspend", post(hosts::suspend))
        .route("/hosts/{id}/screenings", post(hosts::add_screening))
        .route(
            "/households/{token}",
            get(hosts::get_own).put(hosts::update_own),
        )
        .route(
            "/events",
            get(events::list_events).post(events::create_event),
        )
        .route(
            "/events/{slug}",
            get(events::get_event).patch(events::update_event),
        )
        .route(
            "/events/{slug}/registrations",
            post(registrations::create_registration).get(registrations::list_registrations),
        )
        .route(
            "/registrations/{token}",
            get(registrations::get_registration),
        )
        .route(
            "/registrations/{token}/cancel",
            post(registrations::cancel_registration),
        )
        .route(
            "/registrations/{token}/claim",
            post(registrations::claim_offer),
        )
        .route(
            "/registrations/{token}/checkout",
            post(registrations::start_checkout),
        )
        .route(
            "/registrations/{token}/approve",
            post(registrations::approve_registration),
        )
        .route(
            "/registrations/{token}/reject",
            post(registrations::reject_registration),
        )
        .route(
            "/registrations/{token}/payments",
            post(registrations::record_payment),
        )
        .route(
            "/registrations/{token}/refunds",
            post(registrations::record_refund),
        )
        .route(
            "/events/{slug}/attendees.csv",
            get(exports::attendees_csv_api),
        )
        .route(
            "/events/{slug}/attendees.xlsx",
            get(exports::attendees_xlsx_api),
        )
        .route(
            "/events/{slug}/messages",
            post(messages::create_message).get(messages::list_messages),
        )
        .route("/checkins", post(checkins::create_checkin))
        .route(
            "/checkins/{code}",
            axum::routing::delete(checkins::delete_checkin),
        )
        .route("/outbox", get(outbox::list_outbox))
        .route("/outbox/stats", get(outbox::outbox_stats))
        .route("/outbox/{id}", get(outbox::get_outbox))
        .route("/outbox/{id}/resend", post(outbox::resend_outbox))
        .route("/outbox/{id}/cancel", post(outbox::cancel_outbox))
}

pub use crate::domain::event::input::{MoneyJson, double_option};
