//! HTML pages: the shared layout, error pages, forms and CSRF, and the public site.

mod cached;
pub use cached::cached;
pub mod forms;
pub mod guardians;
mod host_form;
pub mod hosts;
pub mod matches;
pub mod public;
pub mod view;

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::context::Ctx;
use crate::core::error::AppError;

/// What the shared layout (`templates/base.html`) shows around every page.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page's own title (the organisation's name is added).
    pub title: String,
    /// The association's name.
    pub org_name: String,
    /// Language of the page (`lang` attribute).
    pub lang: String,
    /// The signed-in staff member, on staff pages.
    pub staff: Option<StaffNav>,
}

/// The staff navigation: who is signed in and what their role may open.
#[derive(Debug, Clone)]
pub struct StaffNav {
    /// Email of the signed-in staff member.
    pub email: String,
    /// The session's anti-forgery token, for the sign-out form.
    pub csrf: String,
    /// Staff or admin: events, registrations, outbox.
    pub can_manage: bool,
    /// Admin: staff users.
    pub is_admin: bool,
}

impl Layout {
    /// Message `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        crate::i18n::t(&self.lang, key)
    }

    /// Message `key` in the page's language for a number (plural forms).
    pub fn t_count(&self, key: &str, count: &i64) -> String {
        crate::i18n::t_count(&self.lang, key, *count)
    }

    /// Message `key` in the page's language for the size of a list (plural forms).
    pub fn t_len(&self, key: &str, len: usize) -> String {
        crate::i18n::t_count(&self.lang, key, i64::try_from(len).unwrap_or(i64::MAX))
    }

    /// Message `key` in the page's language, with named values.
    pub fn t_with(&self, key: &str, args: &[(&'static str, &str)]) -> String {
        crate::i18n::t_with(&self.lang, key, args)
    }

    /// The language switch: (code, name, link, whether it is this page's language). Each link
    /// keeps the choice and returns to this page.
    pub fn languages(&self) -> Vec<(&'static str, &'static str, String, bool)> {
        let back = current_path();
        let back: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
        crate::i18n::LANGUAGES
            .iter()
            .map(|(code, name)| {
                (
                    *code,
                    *name,
                    format!("/language/{code}?back={back}"),
                    *code == self.lang,
                )
            })
            .collect()
    }

    /// The layout of a public page.
    pub fn public(ctx: &Ctx, title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            org_name: ctx.settings.org_name.clone(),
            lang: crate::i18n::current().to_owned(),
            staff: None,
        }
    }
}

/// The path and query of the page being answered (`/` outside a request).
fn current_path() -> String {
    PATH.try_with(Clone::clone)
        .unwrap_or_else(|_| "/".to_owned())
}

tokio::task_local! {
    /// The path and query of the page being answered (for the language switch's way back).
    static PATH: String;
}

/// Chooses the language of the request (see [`crate::i18n`]) and answers within it; the
/// answer varies with the cookie and `Accept-Language`.
pub async fn language(
    axum::extract::State(ctx): axum::extract::State<Ctx>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let headers = request.headers();
    let lang = crate::i18n::negotiate(
        forms::cookie(headers, crate::i18n::COOKIE),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
        &ctx.settings.default_language,
    );
    let path = request
        .uri()
        .path_and_query()
        .map_or("/".to_owned(), |p| p.as_str().to_owned());
    let mut response = PATH
        .scope(path, crate::i18n::with_language(lang, next.run(request)))
        .await;
    response.headers_mut().append(
        header::VARY,
        header::HeaderValue::from_static("Accept-Language, Cookie"),
    );
    response
}

/// Renders a page with status 200.
pub fn render<T: Template>(page: &T) -> Response {
    render_with(StatusCode::OK, page)
}

/// Renders a page with `status`; a template error becomes the plain error page.
pub fn render_with<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(err) => PageError(AppError::Internal(
            anyhow::Error::new(err).context("rendering a page"),
        ))
        .into_response(),
    }
}

/// A failed page request. The styled error page itself is rendered by [`html_errors`], which
/// knows the organisation's name; this only carries the status and the message.
#[derive(Debug)]
pub struct PageError(pub AppError);

/// Result of a page handler.
pub type PageResult<T = Response> = Result<T, PageError>;

impl From<AppError> for PageError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

impl From<anyhow::Error> for PageError {
    fn from(err: anyhow::Error) -> Self {
        Self(AppError::Internal(err))
    }
}

/// The message a failed handler leaves for the error page.
#[derive(Debug, Clone)]
struct ErrorNote(String);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let lang = crate::i18n::current();
        let message = match self.0 {
            AppError::Unauthorized => return Redirect::to("/staff/login").into_response(),
            AppError::Internal(ref err) => {
                tracing::error!(error = format!("{err:#}"), "page failed");
                default_message(StatusCode::INTERNAL_SERVER_ERROR)
            }
            AppError::Conflict { code, ref message } => {
                crate::i18n::conflict_message(lang, code, message)
            }
            AppError::Csrf => crate::i18n::conflict_message(
                lang,
                AppError::Csrf.code(),
                crate::core::error::CSRF_MESSAGE,
            ),
            AppError::Validation(ref fields) => fields
                .iter()
                .map(|(field, message)| {
                    format!("{field} {}", crate::i18n::field_message(lang, message))
                })
                .collect::<Vec<_>>()
                .join("; "),
            ref other => default_message(other.status()),
        };
        let mut response = self.0.status().into_response();
        if let Some(seconds) = self.0.retry_after() {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response.extensions_mut().insert(ErrorNote(message));
        response
    }
}

/// The error page's message for `status`, in the page's language.
fn default_message(status: StatusCode) -> String {
    let key = match status.as_u16() {
        code @ (403 | 404 | 405 | 408 | 413 | 429 | 503) => format!("error-message-{code}"),
        _ if status.is_client_error() => "error-message-4xx".to_owned(),
        _ => "error-message-500".to_owned(),
    };
    crate::i18n::t(crate::i18n::current(), &key)
}

/// The styled error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    status: u16,
    heading: String,
    message: String,
}

/// Middleware for the pages: any error response that is not already an HTML page (a handler's
/// [`PageError`], an extractor's rejection, a caught panic) becomes the styled error page. No
/// internal message ever reaches the browser.
pub async fn html_errors(State(ctx): State<Ctx>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_html {
        return response;
    }
    let message = response
        .extensions()
        .get::<ErrorNote>()
        .map_or_else(|| default_message(status), |n| n.0.clone());
    let heading = crate::i18n::t(
        crate::i18n::current(),
        match status.as_u16() {
            404 => "error-heading-404",
            403 => "error-heading-403",
            409 => "error-heading-409",
            _ if status.is_server_error() => "error-heading-500",
            _ => "error-heading-other",
        },
    );
    let page = ErrorPage {
        l: Layout::public(&ctx, heading.clone()),
        status: status.as_u16(),
        heading,
        message,
    };
    let mut out = render_with(status, &page);
    if let Some(v) = response.headers().get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    out
}

/// Middleware for the pages: headers every HTML response carries. Private links carry their
/// token in the path, so no page sends a Referer to other sites, and private and staff pages
/// are never stored by caches.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let private = ["/r/", "/offers/", "/staff", "/h/", "/m/", "/g/"]
        .iter()
        .any(|p| request.uri().path().starts_with(p));
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
             script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    if private {
        h.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    response
}

/// The small script of progressive enhancements (focus the error summary ...).
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../../templates/app.js"),
    )
        .into_response()
}

/// The one stylesheet, served with a long cache lifetime.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../../templates/app.css"),
    )
        .into_response()
}
