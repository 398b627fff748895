//! Submitted forms, cookies and protection against cross-site request forgery.
//!
//! Public forms use a double-submit token: a random value in an HttpOnly, SameSite=Lax cookie
//! that every form repeats in a hidden `csrf` field. Staff forms repeat their session's own
//! token instead (see `web::staff`). Either way a page on another site can neither read the
//! value nor make the browser send a matching pair.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use super::PageError;
use crate::context::Ctx;
use crate::core::error::AppError;
use crate::domain::token;

/// Cookie holding the browser's anti-forgery token.
pub const CSRF_COOKIE: &str = "twinning_csrf";

/// A submitted `application/x-www-form-urlencoded` form: its fields in order.
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of `name`, or `""`.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The first value of `name`, trimmed, or `None` when blank.
    pub fn opt(&self, name: &str) -> Option<&str> {
        Some(self.get(name).trim()).filter(|v| !v.is_empty())
    }

    /// The fields as sent, without the form's own ones (its anti-forgery token, its
    /// submission key and the button pressed): what a repeated submission is compared by.
    pub fn said(&self) -> Vec<u8> {
        let mut said = Vec::new();
        for (name, value) in &self.0 {
            if !matches!(name.as_str(), "csrf" | "submission" | "action") {
                for part in [name.as_bytes(), b"=", value.as_bytes(), b"\n"] {
                    said.extend_from_slice(part);
                }
            }
        }
        said
    }

    /// Whether a checkbox (or any field) named `name` was sent.
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// Whether a yes/no field (a checkbox sending `yes`) is `yes`.
    pub fn checked(&self, name: &str) -> bool {
        is_yes(self.get(name))
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Whether a submitted yes/no value (a checkbox's `yes`) says yes.
pub fn is_yes(value: &str) -> bool {
    value == "yes"
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(PageError(AppError::BadRequest(
                "expected a form submission".to_owned(),
            )));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|e| {
            PageError(if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::BadRequest("the form could not be read".to_owned())
            })
        })?;
        Ok(Self(
            form_urlencoded::parse(&bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }
}

/// The language of a private page (a registration's, a household's, one side of a placement):
/// the visitor's choice from the language switch, else `own`, the language of the record the
/// page is about, else the page's negotiated language.
pub fn private_page_language(headers: &HeaderMap, own: &str) -> &'static str {
    cookie(headers, crate::i18n::COOKIE)
        .and_then(crate::i18n::supported)
        .or_else(|| crate::i18n::supported(own))
        .unwrap_or_else(crate::i18n::current)
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, `Secure` when the site is served over https.
pub fn set_cookie(
    ctx: &Ctx,
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<i64>,
) -> HeaderValue {
    let secure = if ctx.settings.base_url().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let age = max_age.map_or(String::new(), |s| format!("; Max-Age={s}"));
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; HttpOnly; SameSite=Lax{secure}{age}"
    ))
    .expect("cookie values are URL-safe base64")
}

/// This browser's anti-forgery token (from its cookie, or new with this response).
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

impl CsrfToken {
    /// Checks the `csrf` field of a public form against this browser's cookie.
    pub fn verify(&self, form: &FormData) -> Result<(), AppError> {
        let sent = form.get("csrf");
        if sent.len() == self.0.len() && token::matches(sent, &self.0) {
            Ok(())
        } else {
            Err(AppError::Csrf)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .ok_or_else(|| PageError(AppError::Internal(anyhow::anyhow!("csrf layer missing"))))
    }
}

/// Middleware for HTML routes: makes sure the browser has an anti-forgery cookie, handing the
/// token to handlers through [`CsrfToken`].
pub async fn csrf_cookie(State(ctx): State<Ctx>, mut request: Request, next: Next) -> Response {
    let existing = cookie(request.headers(), CSRF_COOKIE)
        .filter(|v| token::selector(v).is_some())
        .map(str::to_owned);
    let (value, is_new) = match existing {
        Some(v) => (v, false),
        None => (token::generate(), true),
    };
    request.extensions_mut().insert(CsrfToken(value.clone()));
    let mut response = next.run(request).await;
    if is_new {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&ctx, CSRF_COOKIE, &value, "/", None),
        );
    }
    response
}

/// The HTML `id` of a field named like the API's field paths: `participants[0].name` →
/// `participants-0-name`.
pub fn field_id(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_ids_are_derived_from_api_field_paths() {
        assert_eq!(field_id("participants[0].name"), "participants-0-name");
        assert_eq!(field_id("contact.email"), "contact-email");
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; twinning_csrf=xyz; b=2"),
        );
        assert_eq!(cookie(&headers, CSRF_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "c"), None);
    }
}
