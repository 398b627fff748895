//! The languages the service speaks: those with a complete catalogue in `src/i18n/locales/`.

/// The languages with a complete catalogue: (code, name in that language).
pub const LANGUAGES: &[(&str, &str)] = &[("en", "English"), ("es", "Español"), ("de", "Deutsch")];

/// A supported language code matching `tag` (`de-AT` → `de`), if any.
pub fn supported(tag: &str) -> Option<&'static str> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    LANGUAGES
        .iter()
        .map(|(code, _)| *code)
        .find(|code| *code == primary)
}
