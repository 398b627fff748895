//! The key a client gives a registration request, so that repeating the request (after a
//! timeout, a double click, a retry) answers with the registration the first one made instead
//! of making another.

use sha2::{Digest, Sha256};

use crate::domain::ParseError;

/// A request's key and a fingerprint of what it asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestKey {
    key: String,
    fingerprint: String,
}

/// Shortest `Idempotency-Key` accepted: a random value (a UUID) is expected, not a counter
/// another client could pick too.
pub const MIN_KEY_LEN: usize = 16;
/// Longest `Idempotency-Key` accepted.
pub const MAX_KEY_LEN: usize = 255;

impl RequestKey {
    /// The `Idempotency-Key` header of an API request to register for `slug`, which `said`
    /// (the body as sent). Repeating the key with another event or body is refused.
    pub fn from_header(value: &[u8], slug: &str, said: &[u8]) -> Result<Self, ParseError> {
        let key = std::str::from_utf8(value)
            .ok()
            .filter(|k| (MIN_KEY_LEN..=MAX_KEY_LEN).contains(&k.len()))
            .filter(|k| k.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| {
                ParseError(format!(
                    "must be {MIN_KEY_LEN} to {MAX_KEY_LEN} visible ASCII characters (a random value such as a UUID)"
                ))
            })?;
        Ok(Self {
            key: format!("api:{key}"),
            fingerprint: fingerprint(slug, said),
        })
    }

    /// The registration form's submission key (made when the form was first shown, kept
    /// while it is shown again) with the fields it sent: the same fields sent twice are one
    /// registration, changed fields a new one. `None` for a key the form never made.
    pub fn from_form(submission: &str, slug: &str, said: &[u8]) -> Option<Self> {
        let made_here = submission.len() == crate::domain::token::TOKEN_LEN
            && submission
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        made_here.then(|| {
            let fingerprint = fingerprint(slug, said);
            Self {
                key: format!("form:{submission}:{fingerprint}"),
                fingerprint,
            }
        })
    }

    /// The key as stored.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// What the request asked for, as a hash.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

/// SHA-256 of the event and the request, hex.
fn fingerprint(slug: &str, said: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(slug.as_bytes());
    hash.update([0]);
    hash.update(said);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_key_is_sixteen_to_255_visible_characters() {
        let ok = |k: &str| RequestKey::from_header(k.as_bytes(), "gala", b"{}").is_ok();
        assert!(ok("0f8e2c1a-5b7d-4c3e-9a6f-2d1b8e7c4a90"));
        assert!(ok(&"k".repeat(MIN_KEY_LEN)));
        assert!(ok(&"k".repeat(MAX_KEY_LEN)));
        assert!(!ok(&"k".repeat(MIN_KEY_LEN - 1)));
        assert!(!ok(&"k".repeat(MAX_KEY_LEN + 1)));
        assert!(!ok("0f8e2c1a 5b7d 4c3e 9a6f"));
        assert!(!ok("0f8e2c1a-5b7d-4c3e-9a6f\t"));
        assert!(RequestKey::from_header(b"\xff\xfe0123456789abcdef", "gala", b"{}").is_err());
    }

    #[test]
    fn the_same_key_for_another_event_or_body_has_another_fingerprint() {
        let key = |slug: &str, body: &[u8]| {
            RequestKey::from_header(b"0123456789abcdef", slug, body).unwrap()
        };
        assert_eq!(key("gala", b"{}"), key("gala", b"{}"));
        assert_eq!(key("gala", b"{}").key(), key("dinner", b"{}").key());
        assert_ne!(
            key("gala", b"{}").fingerprint(),
            key("dinner", b"{}").fingerprint()
        );
        assert_ne!(
            key("gala", b"{}").fingerprint(),
            key("gala", b"{ }").fingerprint()
        );
        // The event and the body cannot trade bytes.
        assert_ne!(key("ab", b"c").fingerprint(), key("a", b"bc").fingerprint());
    }

    #[test]
    fn a_form_key_counts_changed_fields_as_a_new_request() {
        let submission = crate::domain::token::generate();
        let first = RequestKey::from_form(&submission, "gala", b"name=Ana").unwrap();
        let again = RequestKey::from_form(&submission, "gala", b"name=Ana").unwrap();
        let changed = RequestKey::from_form(&submission, "gala", b"name=Ana Mar\xc3\xada").unwrap();
        assert_eq!(first.key(), again.key());
        assert_ne!(first.key(), changed.key());
        assert!(RequestKey::from_form("short", "gala", b"").is_none());
        assert!(RequestKey::from_form(&"a'".repeat(22)[..43], "gala", b"").is_none());
    }
}
