//! An event's title, description and email text in other languages than the installation's
//! default. A missing text falls back to the event's own (default-language) field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ParseError, Title, parse_long_text};

/// One language's texts of an event; an empty field means "use the default language's".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventText {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub email_text: String,
}

impl EventText {
    /// Whether every field is empty.
    pub fn is_empty(&self) -> bool {
        self.title.is_empty() && self.description.is_empty() && self.email_text.is_empty()
    }
}

/// Texts by language code (`es`, `de`).
pub type Translations = BTreeMap<String, EventText>;

/// Reads the stored JSON; anything unreadable counts as no translations.
pub fn from_stored(stored: &str) -> Translations {
    serde_json::from_str(stored).unwrap_or_default()
}

/// The JSON stored in `events.translations`.
pub fn to_stored(translations: &Translations) -> String {
    serde_json::to_string(translations).unwrap_or_else(|_| "{}".to_owned())
}

/// Checks one language's texts as staff entered them: the language must be one with a
/// catalogue, and each text as long as the event's own field may be. Returns `None` when every
/// field is blank (nothing to keep), or the error with the field it is on (`title`,
/// `description`, `email_text`, or `` for the language itself).
pub fn parse(
    lang: &str,
    text: &EventText,
) -> Result<Option<EventText>, (&'static str, ParseError)> {
    if crate::i18n::supported(lang) != Some(lang) {
        let codes: Vec<&str> = crate::i18n::LANGUAGES.iter().map(|(c, _)| *c).collect();
        return Err((
            "",
            ParseError::new(format!("must be one of: {}", codes.join(", "))),
        ));
    }
    let title = if text.title.trim().is_empty() {
        String::new()
    } else {
        Title::parse(&text.title)
            .map_err(|e| ("title", e))?
            .as_str()
            .to_owned()
    };
    let out = EventText {
        title,
        description: parse_long_text(&text.description, 20_000).map_err(|e| ("description", e))?,
        email_text: parse_long_text(&text.email_text, 5_000).map_err(|e| ("email_text", e))?,
    };
    Ok((!out.is_empty()).then_some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_translations_are_dropped_and_unknown_languages_refused() {
        let es = EventText {
            title: "  Festival de Toledo ".into(),
            ..EventText::default()
        };
        assert_eq!(
            parse("es", &es).unwrap().unwrap().title,
            "Festival de Toledo"
        );
        assert_eq!(parse("de", &EventText::default()).unwrap(), None);
        assert!(parse("fr", &es).is_err(), "no French catalogue");
        assert!(parse("ES", &es).is_err(), "codes are lowercase");
        let stored = to_stored(&Translations::from([("es".into(), es.clone())]));
        assert_eq!(from_stored(&stored)["es"].title, es.title);
        assert!(from_stored("not json").is_empty());
    }
}
