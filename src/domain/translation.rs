//! An event's title, description and email text in other languages than the installation's
//! default. A missing text falls back to the event's own (default-language) field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::question::Question;
use super::{ParseError, Title, parse_long_text};

/// One language's texts of an event; an empty or missing one means "use the default
/// language's".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventText {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The text added to confirmations and reminders.
    #[serde(default)]
    pub email_text: String,
    /// Offering names by offering key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub offerings: BTreeMap<String, String>,
    /// Question wording by question key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub questions: BTreeMap<String, QuestionText>,
    /// The consent statements, in the event's order (all of them, or none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consents: Vec<String>,
}

/// A question's label and the wording of its choices in another language. The answers keep
/// the event's own option as their value, so exports and staff pages read the same whatever
/// language the form was filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionText {
    #[serde(default)]
    pub label: String,
    /// One per option of the question, in its order (or none: the options as they are).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

impl EventText {
    /// An event's texts in `lang`, from its stored `translations`: title, description and
    /// email text each fall back to the event's own (default-language) field when it has no
    /// translation; offering names, questions and consents fall back one by one through the
    /// methods below.
    pub fn resolve(
        translations: &str,
        lang: &str,
        title: &str,
        description: &str,
        email_text: &str,
    ) -> Self {
        let own = from_stored(translations).remove(lang).unwrap_or_default();
        let or = |t: String, default: &str| if t.is_empty() { default.to_owned() } else { t };
        Self {
            title: or(own.title, title),
            description: or(own.description, description),
            email_text: or(own.email_text, email_text),
            ..own
        }
    }

    /// Whether every field is empty.
    pub fn is_empty(&self) -> bool {
        self.title.is_empty()
            && self.description.is_empty()
            && self.email_text.is_empty()
            && self.offerings.is_empty()
            && self.questions.is_empty()
            && self.consents.is_empty()
    }

    /// The name of offering `key` in this language, else `default`.
    pub fn offering_name<'a>(&'a self, key: &str, default: &'a str) -> &'a str {
        self.offerings.get(key).map_or(default, String::as_str)
    }

    /// Question `q` in this language: its label and (answer value, wording) per option.
    pub fn question(&self, q: &Question) -> (String, Vec<(String, String)>) {
        let own = self.questions.get(&q.key);
        let label = own
            .filter(|t| !t.label.is_empty())
            .map_or_else(|| q.label.clone(), |t| t.label.clone());
        let options = q
            .options
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let shown = own
                    .and_then(|t| t.options.get(i))
                    .filter(|o| !o.is_empty())
                    .unwrap_or(value);
                (value.clone(), shown.clone())
            })
            .collect();
        (label, options)
    }

    /// The consent statements in this language, else `default`.
    pub fn consents_or(&self, default: Vec<String>) -> Vec<String> {
        if self.consents.len() == default.len() {
            self.consents.clone()
        } else {
            default
        }
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

/// What a translation is checked against: the event's offering keys, questions and number of
/// consent statements.
pub struct Shape<'a> {
    pub offerings: &'a [&'a str],
    pub questions: &'a [Question],
    pub consents: usize,
}

/// A short text (a title, a name, a label) in the language; blank stays blank.
fn short(errors: &mut Vec<(String, ParseError)>, field: String, value: &str) -> String {
    if value.trim().is_empty() {
        return String::new();
    }
    match Title::parse(value) {
        Ok(t) => t.as_str().to_owned(),
        Err(e) => {
            errors.push((field, e));
            String::new()
        }
    }
}

/// The questions' labels and options in the language, checked against the event's own.
fn questions(
    errors: &mut Vec<(String, ParseError)>,
    text: &EventText,
    shape: &Shape<'_>,
) -> BTreeMap<String, QuestionText> {
    let mut questions = BTreeMap::new();
    for (key, q) in &text.questions {
        let Some(own) = shape.questions.iter().find(|o| &o.key == key) else {
            errors.push((
                format!("questions.{key}"),
                ParseError::new("is not a question of this event"),
            ));
            continue;
        };
        let label = short(errors, format!("questions.{key}.label"), &q.label);
        let options: Vec<String> = q
            .options
            .iter()
            .map(|o| o.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        if !options.is_empty() && options.len() != own.options.len() {
            errors.push((
                format!("questions.{key}.options"),
                ParseError::new(format!(
                    "must list {} options, one for each of the question's",
                    own.options.len()
                )),
            ));
        } else if options
            .iter()
            .any(|o| o.is_empty() || o.chars().count() > 200)
        {
            errors.push((
                format!("questions.{key}.options"),
                ParseError::new("must be 1 to 200 characters each"),
            ));
        }
        if !label.is_empty() || !options.is_empty() {
            questions.insert(key.clone(), QuestionText { label, options });
        }
    }
    questions
}

/// Checks one language's texts as staff entered them: the language must be one with a
/// catalogue, each text as long as the event's own may be, and the offerings, questions and
/// consents must be the event's. Returns `None` when everything is blank (nothing to keep),
/// or the errors by field (`title`, `offerings.adult`, ..., or `` for the language itself).
pub fn parse(
    lang: &str,
    text: &EventText,
    shape: &Shape<'_>,
) -> Result<Option<EventText>, Vec<(String, ParseError)>> {
    if super::language::supported(lang) != Some(lang) {
        let codes: Vec<&str> = super::language::LANGUAGES.iter().map(|(c, _)| *c).collect();
        return Err(vec![(
            String::new(),
            ParseError::new(format!("must be one of: {}", codes.join(", "))),
        )]);
    }
    let mut errors = Vec::new();
    let title = short(&mut errors, "title".to_owned(), &text.title);
    let mut offerings = BTreeMap::new();
    for (key, name) in &text.offerings {
        if !shape.offerings.contains(&key.as_str()) {
            errors.push((
                format!("offerings.{key}"),
                ParseError::new("is not an offering of this event"),
            ));
            continue;
        }
        let name = short(&mut errors, format!("offerings.{key}"), name);
        if !name.is_empty() {
            offerings.insert(key.clone(), name);
        }
    }
    let questions = questions(&mut errors, text, shape);
    let consents: Vec<String> = text
        .consents
        .iter()
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    if !consents.is_empty() && consents.len() != shape.consents {
        errors.push((
            "consents".to_owned(),
            ParseError::new(format!(
                "must list {} statements, one for each of the event's",
                shape.consents
            )),
        ));
    } else if consents
        .iter()
        .any(|c| c.is_empty() || c.chars().count() > 500)
    {
        errors.push((
            "consents".to_owned(),
            ParseError::new("must be 1 to 500 characters each"),
        ));
    }
    let description = parse_long_text(&text.description, 20_000)
        .map_err(|e| errors.push(("description".to_owned(), e)))
        .unwrap_or_default();
    let email_text = parse_long_text(&text.email_text, 5_000)
        .map_err(|e| errors.push(("email_text".to_owned(), e)))
        .unwrap_or_default();
    if !errors.is_empty() {
        return Err(errors);
    }
    let out = EventText {
        title,
        description,
        email_text,
        offerings,
        questions,
        consents,
    };
    Ok((!out.is_empty()).then_some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(questions: &[Question]) -> Shape<'_> {
        Shape {
            offerings: &["adult", "child"],
            questions,
            consents: 1,
        }
    }

    #[test]
    fn blank_translations_are_dropped_and_unknown_languages_refused() {
        let es = EventText {
            title: "  Festival de Toledo ".into(),
            ..EventText::default()
        };
        let none: &[Question] = &[];
        assert_eq!(
            parse("es", &es, &shape(none)).unwrap().unwrap().title,
            "Festival de Toledo"
        );
        assert_eq!(
            parse("de", &EventText::default(), &shape(none)).unwrap(),
            None
        );
        assert!(
            parse("fr", &es, &shape(none)).is_err(),
            "no French catalogue"
        );
        assert!(
            parse("ES", &es, &shape(none)).is_err(),
            "codes are lowercase"
        );
        let stored = to_stored(&Translations::from([("es".into(), es.clone())]));
        assert_eq!(from_stored(&stored)["es"].title, es.title);
        assert!(from_stored("not json").is_empty());
    }

    #[test]
    fn offerings_questions_and_consents_must_be_the_events() {
        let size = Question::new(None, "Size", &["S".into(), "M".into()], false).unwrap();
        let questions = [size.clone()];
        let text = EventText {
            offerings: BTreeMap::from([
                ("adult".into(), "Adulto".into()),
                ("vip".into(), "VIP".into()),
            ]),
            questions: BTreeMap::from([(
                size.key.clone(),
                QuestionText {
                    label: "Talla".into(),
                    options: vec!["P".into()],
                },
            )]),
            consents: vec!["Acepto".into(), "Otra".into()],
            ..EventText::default()
        };
        let errors = parse("es", &text, &shape(&questions)).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            ["offerings.vip", "questions.size.options", "consents"]
        );

        let text = EventText {
            offerings: BTreeMap::from([("adult".into(), "Adulto".into())]),
            questions: BTreeMap::from([(
                size.key.clone(),
                QuestionText {
                    label: "Talla".into(),
                    options: vec!["Pequeña".into(), "Mediana".into()],
                },
            )]),
            consents: vec!["Acepto".into()],
            ..EventText::default()
        };
        let t = parse("es", &text, &shape(&questions)).unwrap().unwrap();
        assert_eq!(t.offering_name("adult", "Adult"), "Adulto");
        assert_eq!(t.offering_name("child", "Child"), "Child");
        assert_eq!(
            t.question(&size),
            (
                "Talla".to_owned(),
                vec![
                    ("S".to_owned(), "Pequeña".to_owned()),
                    ("M".to_owned(), "Mediana".to_owned())
                ]
            ),
            "answers keep the event's own option as their value"
        );
        assert_eq!(t.consents_or(vec!["I agree".into()]), ["Acepto"]);
        assert_eq!(
            EventText::default().consents_or(vec!["I agree".into()]),
            ["I agree"]
        );
    }
}
