//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::api::{checkins, events, exports, hosts, matching, messages, outbox, registrations};

#[derive(OpenApi)]
#[openapi(
    info(title = "Twinning API", description = "Registrations, waitlists and payments for sister-city associations."),
    paths(
        events::list_events, events::get_event, events::create_event, events::update_event,
        registrations::create_registration, registrations::get_registration, registrations::cancel_registration,
        registrations::claim_offer, registrations::start_checkout, registrations::list_registrations, registrations::approve_registration,
        registrations::reject_registration, registrations::record_payment, registrations::record_refund,
        outbox::list_outbox, outbox::outbox_stats, outbox::get_outbox, outbox::resend_outbox, outbox::cancel_outbox,
        checkins::create_checkin, checkins::delete_checkin, exports::attendees_csv_api, exports::attendees_xlsx_api,
        messages::create_message, messages::list_messages,
        hosts::apply, hosts::list, hosts::get_one, hosts::approve, hosts::suspend, hosts::add_screening,
        hosts::get_own, hosts::update_own, matching::suggestion, matching::propose, matching::propose_all,
        matching::list_matches, matching::cancel, matching::placements_csv, matching::put_weights, matching::exclude,
    ),
    components(schemas(crate::core::error::ErrorBody, crate::core::error::ErrorDetail,
        crate::domain::OutboxStatus, crate::domain::EmailKind, crate::domain::household::HouseholdStatus)),
    modifiers(&BearerAuth),
    tags((name = "events"), (name = "registrations"), (name = "outbox"), (name = "checkins"), (name = "exports"), (name = "messages"), (name = "hosts"))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document served at `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
