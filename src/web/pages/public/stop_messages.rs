//! Stopping staff messages (bulk mail) for a registration: the `List-Unsubscribe` address of
//! each message. A mail program posts to it at one click (RFC 8058: no cookie, no form token;
//! the private token in the address is the authority), a person lands on it from the link
//! and confirms with a button (mail scanners follow links, so a GET changes nothing).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};

use super::private::in_registration_language;
use crate::broadcasts;
use crate::context::Ctx;
use crate::i18n::{self};
use crate::web::pages::forms::{CsrfToken, FormData};
use crate::web::pages::view::EventView;
use crate::web::pages::{Layout, PageResult, render};

#[derive(Template)]
#[template(path = "stop_messages.html")]
struct StopMessagesPage {
    l: Layout,
    csrf: String,
    token: String,
    event: EventView,
    stopped: bool,
}

/// The page: the button that stops the messages, or, once stopped, the one that resumes them.
async fn page(
    ctx: &Ctx,
    headers: &axum::http::HeaderMap,
    token: String,
    csrf: CsrfToken,
) -> PageResult {
    in_registration_language(ctx, headers, &token.clone(), async |d| {
        let title = d.event.title.clone();
        Ok(render(&StopMessagesPage {
            l: Layout::public(
                ctx,
                i18n::t(i18n::current(), "stop-messages-button") + " · " + &title,
            ),
            csrf: csrf.0,
            token,
            stopped: d.reg.messages_stopped_at.is_some(),
            event: d.event,
        }))
    })
    .await
}

/// `GET /r/{token}/stop-messages`.
pub async fn stop_form(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
) -> PageResult {
    page(&ctx, &headers, token, csrf).await
}

/// `POST /r/{token}/stop-messages`: stops them (whatever the body says; a mail program sends
/// `List-Unsubscribe=One-Click`) and shows the page that says so.
pub async fn stop_submit(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
) -> PageResult {
    broadcasts::stop_messages(&ctx, &token, true).await?;
    page(&ctx, &headers, token, csrf).await
}

/// `POST /r/{token}/resume-messages` (from the page, with its form token): messages again.
pub async fn resume_submit(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    csrf: CsrfToken,
    form: FormData,
) -> PageResult {
    csrf.verify(&form)?;
    broadcasts::stop_messages(&ctx, &token, false).await?;
    Ok(Redirect::to(&format!("/r/{token}/stop-messages")).into_response())
}
