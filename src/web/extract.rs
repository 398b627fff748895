//! Request extractors that answer bad input with the API's JSON errors.

use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, FieldErrors};
use crate::db::staff::StaffRow;

/// A JSON body. Malformed JSON is a 400; a well-formed body with a missing or mistyped field
/// is a 422 naming the field (by its path, e.g. `participants[1].name`); too large is a 413.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ApiBody(bytes) = ApiBody::from_request(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A request body as sent, for a handler that needs its bytes as well as its JSON; too large
/// is a 413.
#[derive(Debug)]
pub struct ApiBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBody {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::body::Bytes::from_request(req, state)
            .await
            .map(ApiBody)
            .map_err(|e: BytesRejection| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge
                } else {
                    AppError::BadRequest(e.body_text())
                }
            })
    }
}

/// Replaces every number written with a zero fraction (`3.0`, `-2e3`) that fits an `i64` by
/// that integer, throughout `value`; `3.5` stays a fraction.
fn integral_floats_to_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            // serde_json's fast float parsing may land one unit in the last place off a large
            // whole number (`1993159109339941.0` read as `…940.75`): within a few units of a
            // whole number counts as it.
            if let Some(f) = n.as_f64()
                && f.abs() < 9.0e15
                && (f - f.round()).abs() <= f.abs() * f64::EPSILON * 4.0
            {
                *value = Value::from(f.round() as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_to_integers),
        _ => {}
    }
}

/// Parses a JSON document into `T`, with the error rules of [`ApiJson`].
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    // A syntax error anywhere is a 400, even if the typed parse would fail earlier.
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(AppError::BadRequest(e.to_string()));
    }
    // JSON counts `3.0` as the integer 3 (as JSON Schema does); serde would refuse it for an
    // integer field, so whole numbers written with a fraction are made integers first.
    let mut value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| AppError::BadRequest(e.to_string()))?;
    integral_floats_to_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        let (field, message) = match message.strip_prefix("missing field `") {
            Some(rest) => {
                let name = rest.trim_end_matches('`');
                let field = if path == "." {
                    name.to_owned()
                } else {
                    format!("{path}.{name}")
                };
                (field, "is required".to_owned())
            }
            None => (if path == "." { "body".to_owned() } else { path }, message),
        };
        let mut fields = FieldErrors::new();
        fields.insert(field, message);
        AppError::Validation(fields)
    })
}

pub use crate::domain::Role;

/// A staff member authenticated by `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct StaffAuth {
    /// The staff user.
    pub user: StaffRow,
    /// Their role.
    pub role: Role,
}

impl StaffAuth {
    /// Fails with 403 unless the role is at least `min`.
    pub fn require(&self, min: Role) -> Result<(), AppError> {
        if self.role >= min {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// This staff member as the actor of a change.
    pub fn actor(&self) -> Actor {
        Actor::Staff {
            id: self.user.id,
            email: self.user.email.clone(),
        }
    }
}

impl FromRequestParts<Ctx> for StaffAuth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or(AppError::Unauthorized)?;
        let value = header.to_str().map_err(|_| AppError::Unauthorized)?;
        let (scheme, presented) = value.split_once(' ').ok_or(AppError::Unauthorized)?;
        if !scheme.eq_ignore_ascii_case("bearer") || presented.trim().is_empty() {
            return Err(AppError::Unauthorized);
        }
        let user = crate::staff_accounts::by_api_token(ctx, presented.trim())
            .await?
            .ok_or(AppError::Unauthorized)?;
        let role = user.role;
        Ok(Self { user, role })
    }
}

impl axum::extract::OptionalFromRequestParts<Ctx> for StaffAuth {
    type Rejection = AppError;

    /// No `Authorization` header: anonymous. A header with a bad token is still a 401.
    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &Ctx,
    ) -> Result<Option<Self>, Self::Rejection> {
        if parts
            .headers
            .contains_key(axum::http::header::AUTHORIZATION)
        {
            <Self as FromRequestParts<Ctx>>::from_request_parts(parts, ctx)
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    }
}

/// The request's `Idempotency-Key`, if it sent one, for the action `scope` (e.g. `payment`
/// and the registration's token) with body `bytes`; a malformed key names the header.
pub fn request_key(
    headers: &axum::http::HeaderMap,
    scope: &str,
    bytes: &[u8],
) -> Result<Option<crate::domain::registration::request_key::RequestKey>, AppError> {
    headers
        .get("idempotency-key")
        .map(|value| {
            crate::domain::registration::request_key::RequestKey::from_header(
                value.as_bytes(),
                scope,
                &canonical_json(bytes),
            )
            .map_err(|e| AppError::field("Idempotency-Key", e.0))
        })
        .transpose()
}

/// A JSON body with its objects' keys sorted and without spacing, so that a client that
/// serialises the same request differently when it retries still sends the same request.
fn canonical_json(bytes: &[u8]) -> Vec<u8> {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .and_then(|v| serde_json::to_vec(&v))
        .unwrap_or_else(|_| bytes.to_vec())
}

#[cfg(test)]
mod number_tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Ids {
        id: i64,
        #[serde(default)]
        ratio: f64,
    }

    #[test]
    fn whole_numbers_written_with_a_fraction_are_integers_and_fractions_stay_refused() {
        assert_eq!(parse_json::<Ids>(br#"{"id": 3.0}"#).unwrap().id, 3);
        assert_eq!(parse_json::<Ids>(br#"{"id": -2e3}"#).unwrap().id, -2000);
        assert_eq!(
            parse_json::<Ids>(br#"{"id": 1993159109339941.0}"#)
                .unwrap()
                .id,
            1_993_159_109_339_941
        );
        assert!(parse_json::<Ids>(br#"{"id": 3.5}"#).is_err());
        assert!(parse_json::<Ids>(br#"{"id": 1e300}"#).is_err());
        assert_eq!(
            parse_json::<Ids>(br#"{"id": 1, "ratio": 2.0}"#)
                .unwrap()
                .ratio,
            2.0
        );
    }
}
