//! Staff money actions and cancellations carried out once per request key: a payment or refund
//! form pressed twice, or an API call retried with its `Idempotency-Key`, records once; the
//! repeat answers with the registration as it now is.

use chrono::{DateTime, Utc};

use crate::core::error::{AppError, Result};
use crate::db::Tx;
use crate::db::request_keys;
use crate::domain::registration::request_key::RequestKey;

/// Claims `key` for an action on registration `registration_id` inside the action's
/// transaction, after the registration is locked: `true` when this is the first request with
/// it (or there is no key), `false` when an earlier one did the action already. The key used
/// for another action or body is refused.
pub(crate) async fn first_time(
    tx: &mut Tx,
    key: Option<&RequestKey>,
    registration_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(key) = key else {
        return Ok(true);
    };
    if request_keys::claim(tx, key.key(), key.fingerprint(), now).await? {
        request_keys::settle(tx, key.key(), registration_id).await?;
        return Ok(true);
    }
    match request_keys::previous(tx, key.key()).await? {
        Some((fingerprint, Some(id)))
            if fingerprint == key.fingerprint() && id == registration_id =>
        {
            Ok(false)
        }
        _ => Err(AppError::field(
            "Idempotency-Key",
            "was used for another request: a new request needs a new key",
        )),
    }
}
