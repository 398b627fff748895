//! Waitlist offers (`/offers/{token}`): seeing and claiming the seats held for a registration.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};

use super::private::{Loaded, in_registration_language, load};
use super::register::offering_name;
use crate::context::Ctx;
use crate::domain::RegistrationStatus;
use crate::email::compose::local_time_in;
use crate::i18n::{self};
use crate::registrations;
use crate::web::pages::forms::{CsrfToken, FormData};
use crate::web::pages::view::{EventView, price};
use crate::web::pages::{Layout, PageResult, render};

#[derive(Template)]
#[template(path = "offer.html")]
struct OfferPage {
    l: Layout,
    csrf: String,
    token: String,
    event: EventView,
    open: bool,
    deadline: String,
    participants: Vec<(String, String)>,
    total: String,
    priced: bool,
}

/// `GET /offers/{token}`: a waitlist offer with its deadline and a claim button.
pub async fn offer_page(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
) -> PageResult {
    in_registration_language(&ctx, &headers, &token.clone(), async |d| {
        offer_view(&ctx, token, csrf, d)
    })
    .await
}

fn offer_view(ctx: &Ctx, token: String, csrf: CsrfToken, d: Loaded) -> PageResult {
    let open = d.status == RegistrationStatus::Offered;
    let lang = i18n::current();
    Ok(render(&OfferPage {
        l: Layout::public(
            ctx,
            i18n::t_with(lang, "offer-page-title", &[("title", &d.event.title)]),
        ),
        csrf: csrf.0,
        token,
        open,
        deadline: d
            .reg
            .offer_expires_at
            .map(|t| local_time_in(lang, t, &d.event_row))
            .unwrap_or_default(),
        participants: d
            .participants
            .iter()
            .map(|p| {
                let offering = offering_name(&d.event, &p.offering_key, &p.offering_name);
                (p.name.clone(), offering)
            })
            .collect(),
        total: price(d.reg.total_minor, &d.reg.currency),
        priced: d.reg.total_minor > 0,
        event: d.event,
    }))
}

/// `POST /offers/{token}`: claims the offered seats.
pub async fn claim_submit(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    csrf: CsrfToken,
    form: FormData,
) -> PageResult {
    csrf.verify(&form)?;
    let d = load(&ctx, &token).await?;
    use crate::domain::PaymentChoice;
    // Card where the event takes only cards (or the registrant chose card); the private page
    // offers the Pay button either way.
    let by_card = d.event.card
        && (!d.event.pay_later || d.reg.payment_method == crate::domain::PaymentMethod::Card);
    let payment = (d.reg.total_minor > 0).then_some(if by_card {
        PaymentChoice::Card
    } else {
        PaymentChoice::Later
    });
    let status = registrations::claim_offer(&ctx, &token, payment).await?;
    if by_card && status == RegistrationStatus::PendingPayment {
        let reg = registrations::find(&ctx, &token).await?;
        return Ok(
            match crate::registrations::payments::checkout_url(&ctx, &reg).await {
                Ok(url) => Redirect::to(&url).into_response(),
                Err(_) => Redirect::to(&format!("/r/{token}?payment=failed")).into_response(),
            },
        );
    }
    Ok(Redirect::to(&format!("/r/{token}")).into_response())
}
