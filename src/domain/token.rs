//! Secret link and API tokens.
//!
//! A token is 32 random bytes (256 bits) in URL-safe base64: 43 characters. Registrations look
//! a token up by its first [`SELECTOR_LEN`] characters (indexed) and then compare the whole
//! token in constant time, so response timing reveals nothing about the secret part. API
//! tokens are stored only as a SHA-256 hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Characters of a token used as its database lookup key.
pub const SELECTOR_LEN: usize = 12;

/// Length of every generated token.
pub const TOKEN_LEN: usize = 43;

/// Generates a new random token.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new check-in code: 16 characters from an alphabet without look-alikes (80 bits),
/// short enough to type at the door, long enough not to be guessed.
pub fn checkin_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
        .collect()
}

/// The lookup part of a token, or `None` when the input cannot be a token we issued.
pub fn selector(token: &str) -> Option<&str> {
    let well_formed = token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    well_formed.then(|| &token[..SELECTOR_LEN])
}

/// Compares two tokens in constant time (for equal lengths).
pub fn matches(given: &str, stored: &str) -> bool {
    given.as_bytes().ct_eq(stored.as_bytes()).into()
}

/// Hex SHA-256 of a token, as stored for API tokens.
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_unique_and_url_safe() {
        let a = generate();
        let b = generate();
        assert_eq!(a.len(), TOKEN_LEN);
        assert_ne!(a, b);
        assert!(selector(&a).is_some());
    }

    #[test]
    fn malformed_tokens_have_no_selector() {
        assert!(selector("short").is_none());
        assert!(selector(&"a/".repeat(22)[..43]).is_none());
    }

    #[test]
    fn matching_needs_the_whole_token() {
        let t = generate();
        let mut other = t.clone();
        other.replace_range(42..43, if t.ends_with('A') { "B" } else { "A" });
        assert!(matches(&t, &t));
        assert!(!matches(&other, &t));
    }
}
