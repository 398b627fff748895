//! Email addresses.

use super::ParseError;

/// An email address in the practical subset of RFC 5321 that mail servers accept:
/// `local@domain`, at most 254 characters, a local part of at most 64, a domain of dot-separated
/// labels with at least one dot. The domain is lowercased; the local part is kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses an email address.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        let invalid = || ParseError::new("is not a valid email address");
        if s.is_empty() {
            return Err(ParseError::new("must not be empty"));
        }
        if s.len() > 254 {
            return Err(ParseError::new("must be at most 254 characters"));
        }
        let (local, domain) = s.rsplit_once('@').ok_or_else(invalid)?;
        if local.is_empty() || local.len() > 64 || domain.is_empty() {
            return Err(invalid());
        }
        let local_ok = local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_addresses_parse_and_domains_are_lowercased() {
        assert_eq!(
            EmailAddress::parse(" Ana.Garcia+toledo@Example.ORG ")
                .unwrap()
                .as_str(),
            "Ana.Garcia+toledo@example.org"
        );
        assert!(EmailAddress::parse("jürgen@münchen.de").is_ok());
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for bad in [
            "",
            "plain",
            "@example.org",
            "a@",
            "a@b",
            "a b@example.org",
            "a@@example.org",
            "a@exa mple.org",
            ".a@example.org",
            "a..b@example.org",
            "a@-x.org",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }
}
