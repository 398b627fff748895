//! Short validated strings: slugs, titles, person names.

use super::ParseError;

/// A URL slug: 1–64 characters of lowercase ASCII letters, digits and inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// Parses a slug.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        if s.is_empty() || s.len() > 64 {
            return Err(ParseError::new("must be 1 to 64 characters"));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            || s.starts_with('-')
            || s.ends_with('-')
        {
            return Err(ParseError::new(
                "may contain only lowercase letters, digits and hyphens, and must not start or end with a hyphen",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Trims `input` and checks its length in characters and that it has no control characters.
pub(crate) fn bounded_text(
    input: &str,
    max_chars: usize,
    allow_newlines: bool,
) -> Result<String, ParseError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(ParseError::new("must not be empty"));
    }
    if s.chars().count() > max_chars {
        return Err(ParseError::new(format!(
            "must be at most {max_chars} characters"
        )));
    }
    if s.chars()
        .any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')))
    {
        return Err(ParseError::new("must not contain control characters"));
    }
    Ok(s.to_owned())
}

/// A title shown to the public (events, offerings): 1–200 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    /// Parses a title.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        bounded_text(input, 200, false).map(Self)
    }

    /// The title as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name as they write it: 1–200 characters, no control characters. No other
/// rules: names around the world do not follow any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    /// Parses a name.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        bounded_text(input, 200, false).map(Self)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses an optional telephone number: empty, or 6–20 digits with the usual separators
/// (`+`, spaces, `-`, `.`, `/`, parentheses). Kept as written; numbers are not rewritten.
pub fn parse_phone(input: &str) -> Result<String, ParseError> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s
        .chars()
        .all(|c| c.is_ascii_digit() || " +-./()".contains(c));
    if !allowed || !(6..=20).contains(&digits) || s.len() > 32 || s[1..].contains('+') {
        return Err(ParseError::new(
            "must be a telephone number such as +1 419 555 0100",
        ));
    }
    Ok(s.to_owned())
}

/// Parses a free multi-line text (descriptions) of at most `max_chars` characters; empty is allowed.
pub fn parse_long_text(input: &str, max_chars: usize) -> Result<String, ParseError> {
    if input.trim().is_empty() {
        return Ok(String::new());
    }
    bounded_text(input, max_chars, true)
}

/// Neutralises a cell a spreadsheet would run as a formula (OWASP's rule against formula
/// injection): text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading apostrophe.
pub fn safe_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// `path` if it is safe to send a browser back to: a path on this site (`/...`), never
/// another site (`//host`, `/\\host`), and no control characters (a browser drops a tab or
/// newline inside `/\t/evil.example`, which then names another site; a newline cannot go in
/// a header at all). Anything else is `None`.
pub fn same_site_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/')?;
    let safe = !rest.starts_with(['/', '\\'])
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path.len() <= 2048;
    safe.then_some(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_paths_on_this_site_are_safe_to_go_back_to() {
        use super::same_site_path;
        assert_eq!(same_site_path("/events/x?a=1"), Some("/events/x?a=1"));
        assert_eq!(same_site_path("/"), Some("/"));
        for bad in [
            "",
            "events",
            "//evil.example/x",
            "/\\evil.example",
            "/\t/evil.example/x",
            "/\n/x",
            "/a\u{7f}",
            "https://evil.example",
        ] {
            assert_eq!(same_site_path(bad), None, "{bad:?}");
        }
    }

    use super::*;

    #[test]
    fn phones_are_digits_with_separators_or_nothing() {
        assert_eq!(
            parse_phone(" +34 925 (22) 10-00 ").unwrap(),
            "+34 925 (22) 10-00"
        );
        assert_eq!(parse_phone("").unwrap(), "");
        for bad in [
            "12345",
            "call me",
            "+1 419 555 0100 ext 3",
            "1+2345678",
            &"1".repeat(21),
        ] {
            assert!(parse_phone(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn slugs_accept_lowercase_words_joined_by_hyphens() {
        assert_eq!(
            Slug::parse("toledo-festival-2027").unwrap().as_str(),
            "toledo-festival-2027"
        );
    }

    #[test]
    fn slugs_reject_uppercase_spaces_and_edge_hyphens() {
        for bad in ["", "Toledo", "a b", "-a", "a-", "ä", &"a".repeat(65)] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn names_are_trimmed_and_keep_any_script() {
        assert_eq!(
            PersonName::parse("  José Müller-Łukasz 山田 ")
                .unwrap()
                .as_str(),
            "José Müller-Łukasz 山田"
        );
    }

    #[test]
    fn names_reject_empty_control_and_overlong() {
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse("a\u{0}b").is_err());
        assert!(PersonName::parse(&"x".repeat(201)).is_err());
    }
}
