//! Translations: one Fluent catalogue per language in `src/i18n/locales/<lang>/`, compiled
//! into the binary, and the choice of a language for each request.
//!
//! Public pages use the language the visitor chose with the switch (kept in the
//! `twinning_lang` cookie), else the best match of the browser's `Accept-Language`, else the
//! installation's default. The choice is held in a task-local for the request, so every page
//! built while answering it (error pages included) speaks the same language.
//!
//! Adding a language: copy `locales/en` to `locales/<code>`, translate every message, and add
//! the code to [`LANGUAGES`]. The catalogue test fails while a key is missing or extra.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./src/i18n/locales",
        fallback_language: "en",
        // No Unicode isolation marks around values: they would show up in HTML and email.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages with a complete catalogue: (code, name in that language).
pub const LANGUAGES: &[(&str, &str)] = &[("en", "English"), ("es", "Español"), ("de", "Deutsch")];

/// Cookie keeping a visitor's explicit choice.
pub const COOKIE: &str = "twinning_lang";

static IDS: LazyLock<HashMap<&'static str, LanguageIdentifier>> = LazyLock::new(|| {
    LANGUAGES
        .iter()
        .map(|(code, _)| (*code, code.parse().expect("valid language codes")))
        .collect()
});

tokio::task_local! {
    static CURRENT: &'static str;
}

/// A supported language code matching `tag` (`de-AT` → `de`), if any.
pub fn supported(tag: &str) -> Option<&'static str> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    LANGUAGES
        .iter()
        .map(|(code, _)| *code)
        .find(|code| *code == primary)
}

/// The language of a request: the cookie's choice, else the best `Accept-Language` match
/// (by quality, then order), else `default`.
pub fn negotiate(
    cookie: Option<&str>,
    accept_language: Option<&str>,
    default: &str,
) -> &'static str {
    if let Some(code) = cookie.and_then(supported) {
        return code;
    }
    let mut offers: Vec<(f32, usize, &'static str)> = accept_language
        .unwrap_or("")
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (quality > 0.0)
                .then(|| supported(tag).map(|code| (quality, i, code)))
                .flatten()
        })
        .collect();
    offers.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    offers
        .first()
        .map(|(_, _, code)| *code)
        .or_else(|| supported(default))
        .unwrap_or("en")
}

/// Runs `f` with `lang` as the current request's language.
pub async fn with_language<F: std::future::Future>(lang: &'static str, f: F) -> F::Output {
    CURRENT.scope(lang, f).await
}

/// The current request's language (`en` outside a request).
pub fn current() -> &'static str {
    CURRENT.try_with(|l| *l).unwrap_or("en")
}

/// Message `key` in `lang` with `args`; an unknown language falls back to English.
fn lookup(
    lang: &str,
    key: &str,
    args: Option<&HashMap<Cow<'static, str>, FluentValue<'_>>>,
) -> String {
    let id = IDS.get(lang).unwrap_or_else(|| &IDS["en"]);
    LOCALES.lookup_complete(id, key, args)
}

/// Message `key` in `lang`.
pub fn t(lang: &str, key: &str) -> String {
    lookup(lang, key, None)
}

/// Message `key` in `lang` with named values.
pub fn t_with(lang: &str, key: &str, args: &[(&'static str, &str)]) -> String {
    let args = args
        .iter()
        .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(*v)))
        .collect();
    lookup(lang, key, Some(&args))
}

/// Message `key` in `lang` for a number `count` (plural rules of the language choose the form).
pub fn t_count(lang: &str, key: &str, count: i64) -> String {
    let args = HashMap::from([(Cow::Borrowed("count"), FluentValue::from(count))]);
    lookup(lang, key, Some(&args))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Message ids of a catalogue: lines `id = ...` (not comments, not continuation lines).
    fn keys(ftl: &str) -> std::collections::BTreeSet<String> {
        ftl.lines()
            .filter(|l| !l.starts_with(['#', ' ', '\t', '.']) && l.contains('='))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
            .collect()
    }

    #[test]
    fn every_catalogue_has_exactly_the_keys_english_has() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n/locales");
        let read = |code: &str| {
            let mut all = std::collections::BTreeSet::new();
            for entry in std::fs::read_dir(dir.join(code)).expect("catalogue folder") {
                let path = entry.expect("entry").path();
                if path.extension().is_some_and(|e| e == "ftl") {
                    all.extend(keys(&std::fs::read_to_string(path).expect("readable")));
                }
            }
            all
        };
        let english = read("en");
        assert!(english.len() > 10, "the English catalogue is read");
        for (code, _) in LANGUAGES.iter().filter(|(c, _)| *c != "en") {
            let other = read(code);
            let missing: Vec<_> = english.difference(&other).collect();
            let extra: Vec<_> = other.difference(&english).collect();
            assert!(missing.is_empty(), "{code} lacks {missing:?}");
            assert!(extra.is_empty(), "{code} has keys English lacks: {extra:?}");
        }
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(negotiate(None, Some("de-AT,de;q=0.9"), "en"), "de");
        assert_eq!(
            negotiate(None, Some("fr-FR,fr;q=0.9,es;q=0.8,en;q=0.5"), "en"),
            "es"
        );
        assert_eq!(negotiate(None, Some("en;q=0.3, es-MX;q=0.9"), "en"), "es");
        assert_eq!(
            negotiate(None, Some("ja"), "de"),
            "de",
            "nothing supported: the default"
        );
        assert_eq!(
            negotiate(None, Some("es;q=0"), "en"),
            "en",
            "q=0 means not wanted"
        );
        assert_eq!(
            negotiate(Some("es"), Some("de"), "en"),
            "es",
            "an explicit choice wins"
        );
        assert_eq!(negotiate(Some("xx"), None, "en"), "en");
    }

    #[test]
    fn messages_take_values_and_fall_back_to_english() {
        assert_eq!(
            t_with(
                "de",
                "home-partner-title",
                &[("partner", "Toledo"), ("country", "Spanien")]
            ),
            "Veranstaltungen mit Toledo, Spanien"
        );
        assert_eq!(t("es", "nav-events"), "Eventos");
        assert_eq!(t("xx", "nav-events"), "Events");
        assert_eq!(t_count("en", "seats-left", 1), "1 seat left");
        assert_eq!(t_count("en", "seats-left", 12), "12 seats left");
        assert_eq!(t_count("es", "seats-left", 12), "Quedan 12 plazas");
        assert_eq!(t_count("de", "seats-left", 1), "Noch 1 Platz frei");
    }
}
