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

pub mod format;

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

pub use crate::domain::language::{LANGUAGES, supported};

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
    let id = &IDS[supported(lang).unwrap_or("en")];
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

/// Message `key` in `lang` with named values and one number, `$name`, that plural rules and
/// exact-number variants can select on.
pub fn t_with_number(
    lang: &str,
    key: &str,
    args: &[(&'static str, &str)],
    (name, number): (&'static str, i64),
) -> String {
    let mut all: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(*v)))
        .collect();
    all.insert(Cow::Borrowed(name), FluentValue::from(number));
    lookup(lang, key, Some(&all))
}

/// Message `key` in `lang` for a number `count` (plural rules of the language choose the form).
pub fn t_count(lang: &str, key: &str, count: i64) -> String {
    let args = HashMap::from([(Cow::Borrowed("count"), FluentValue::from(count))]);
    lookup(lang, key, Some(&args))
}

/// Message `key` in `lang`, or `None` when the catalogues have no such message.
pub fn try_t(lang: &str, key: &str) -> Option<String> {
    let id = &IDS[supported(lang).unwrap_or("en")];
    LOCALES.try_lookup(id, key)
}

/// The messages that field checks produce (in English, as the API reports them) and the
/// catalogue message for each; `{}` marks the one varying part, passed as `$max` or `$options`.
const FIELD_MESSAGES: &[(&str, &str, &str)] = &[
    ("is required", "error-required", ""),
    ("must not be empty", "error-empty", ""),
    ("must be at most {} characters", "error-too-long", "max"),
    ("must not contain control characters", "error-control", ""),
    ("is not a valid email address", "error-email", ""),
    (
        "must be a telephone number such as +1 419 555 0100",
        "error-phone",
        "",
    ),
    (
        "must be a language code such as en, es or pt-BR",
        "error-language",
        "",
    ),
    (
        "must list at least one participant",
        "error-participants-min",
        "",
    ),
    (
        "must list at most {} participants",
        "error-participants-max",
        "max",
    ),
    ("must be accepted to register", "error-consent", ""),
    ("must be one of: {}", "error-choice", "options"),
    (
        "is not an offering of this event (choose one of: {})",
        "error-offering",
        "options",
    ),
    ("is not a question of this event", "error-not-question", ""),
    (
        "this event does not accept payment later",
        "error-no-pay-later",
        "",
    ),
];

/// A field message (as produced in English by the checks) in `lang`; a message without a
/// translation is shown as it is.
pub fn field_message(lang: &str, message: &str) -> String {
    for (pattern, key, arg) in FIELD_MESSAGES {
        let value = match pattern.split_once("{}") {
            None if message == *pattern => Some(""),
            Some((head, tail)) if message.len() > head.len() + tail.len() => message
                .strip_prefix(head)
                .and_then(|rest| rest.strip_suffix(tail)),
            _ => None,
        };
        if let Some(value) = value {
            return if arg.is_empty() {
                t(lang, key)
            } else {
                t_with(lang, key, &[(arg, value)])
            };
        }
    }
    message.to_owned()
}

/// What a person reads when an action conflicts with the current state (error `code`), in
/// `lang`; codes without a catalogue message keep the English `message`.
pub fn conflict_message(lang: &str, code: &str, message: &str) -> String {
    try_t(lang, &format!("conflict-{code}")).unwrap_or_else(|| message.to_owned())
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

    /// The words a template shows as it is: what is left after removing template code,
    /// comments, tags and entities.
    fn literal_words(template: &str) -> Vec<String> {
        let mut text = template.to_owned();
        for (open, close) in [("{#", "#}"), ("{{", "}}"), ("{%", "%}"), ("<", ">")] {
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(start) = rest.find(open) {
                out.push_str(&rest[..start]);
                out.push(' ');
                rest = rest[start..]
                    .find(close)
                    .map_or("", |end| &rest[start + end + close.len()..]);
            }
            out.push_str(rest);
            text = out;
        }
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .map(|w| w.to_owned())
            .collect()
    }

    #[test]
    fn public_templates_and_emails_take_every_word_from_the_catalogues() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["templates", "email-templates"] {
            let mut stack = vec![root.join(dir)];
            while let Some(d) = stack.pop() {
                for entry in std::fs::read_dir(&d).expect("template folder") {
                    let path = entry.expect("entry").path();
                    // Staff pages may stay in English (issue 8).
                    if path.is_dir() && !path.ends_with("templates/staff") {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "html" || e == "txt") {
                        files.push(path);
                    }
                }
            }
        }
        assert!(files.len() > 40, "templates are found: {}", files.len());
        let mut english = Vec::new();
        for path in files {
            let words = literal_words(&std::fs::read_to_string(&path).expect("readable"));
            if !words.is_empty() {
                english.push(format!("{}: {}", path.display(), words.join(" ")));
            }
        }
        assert!(
            english.is_empty(),
            "text outside the catalogues:\n{}",
            english.join("\n")
        );
        assert_eq!(
            literal_words("<p class=\"x\">{{ l.t(\"a\") }} Hello</p>{% if x %}"),
            vec!["Hello"]
        );
    }

    /// Messages of a catalogue: id → value (continuation lines joined).
    fn messages(code: &str) -> std::collections::BTreeMap<String, String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/i18n/locales")
            .join(code);
        let mut out = std::collections::BTreeMap::new();
        for entry in std::fs::read_dir(dir).expect("catalogue folder") {
            let path = entry.expect("entry").path();
            let mut current: Option<String> = None;
            for line in std::fs::read_to_string(&path).expect("readable").lines() {
                if line.starts_with('#') || line.trim().is_empty() {
                    continue;
                }
                if line.starts_with([' ', '\t'])
                    && let Some(id) = &current
                {
                    let value: &mut String = out.entry(id.clone()).or_default();
                    value.push('\n');
                    value.push_str(line.trim());
                } else if let Some((id, value)) = line.split_once('=') {
                    current = Some(id.trim().to_owned());
                    out.insert(id.trim().to_owned(), value.trim().to_owned());
                }
            }
        }
        out
    }

    #[test]
    fn no_catalogue_keeps_an_english_sentence_untranslated() {
        let english = messages("en");
        for (code, _) in LANGUAGES.iter().filter(|(c, _)| *c != "en") {
            let other = messages(code);
            let same: Vec<&String> = english
                .iter()
                .filter(|(id, value)| {
                    // Only sentences: patterns, codes and one-word labels may well be the same.
                    let words = value
                        .split_whitespace()
                        .filter(|w| !w.starts_with(['{', '$', '}']))
                        .count();
                    words >= 3 && other.get(*id) == Some(value)
                })
                .map(|(id, _)| id)
                .collect();
            assert!(same.is_empty(), "{code} repeats the English of {same:?}");
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
    fn field_messages_are_translated_with_their_values() {
        for (pattern, key, _) in FIELD_MESSAGES {
            let message = pattern.replace("{}", "12");
            assert_eq!(field_message("en", &message), message, "{key} in English");
            for lang in ["es", "de"] {
                let translated = field_message(lang, &message);
                assert_ne!(translated, message, "{key} is translated into {lang}");
                if pattern.contains("{}") {
                    assert!(translated.contains("12"), "{key} keeps its value in {lang}");
                }
            }
        }
        assert_eq!(
            field_message("es", "must be at most 200 characters"),
            "debe tener como máximo 200 caracteres"
        );
        assert_eq!(field_message("de", "something new"), "something new");
        assert_eq!(
            conflict_message("de", "registration_closed", "closed"),
            "Die Anmeldung für diese Veranstaltung ist geschlossen."
        );
        assert_eq!(conflict_message("de", "no_such_code", "As is."), "As is.");
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
