//! The event form's texts in other languages.

use crate::core::error::FieldErrors;
use crate::db::events as db_events;
use crate::domain::question::Question;
use crate::domain::translation::{EventText, QuestionText, Translations};
use crate::web::pages::forms::field_id;

/// One language's texts as typed in the event form: title, description and email text, and
/// the offering names, questions and consent statements one per line in the order of the
/// event's own.
#[derive(Debug, Clone, Default)]
pub(super) struct TranslationInput {
    pub(super) lang: &'static str,
    /// The language's name, in that language.
    pub(super) name: &'static str,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) email_text: String,
    pub(super) offerings: String,
    /// `Label` or `Label: option / option` per line.
    pub(super) questions: String,
    pub(super) consents: String,
}

impl TranslationInput {
    /// The form (and error) name of this language's `field`.
    pub(super) fn field(&self, field: &str) -> String {
        format!("translations.{}.{field}", self.lang)
    }

    /// The element id of this language's `field`.
    pub(super) fn id(&self, field: &str) -> String {
        field_id(&self.field(field))
    }

    /// The form's fields: (field, label, hint, rows (0 = one line), value).
    pub(super) fn rows(&self) -> Vec<(&'static str, &'static str, &'static str, usize, &str)> {
        vec![
            ("title", "Title", "", 0, &self.title),
            ("description", "Description", "", 4, &self.description),
            (
                "email_text",
                "Text for confirmations and reminders",
                "",
                3,
                &self.email_text,
            ),
            (
                "offerings",
                "Ticket names",
                "One per line, in the order of the tickets above.",
                2,
                &self.offerings,
            ),
            (
                "questions",
                "Questions",
                "One per line, in the order of the questions above; for a choice, its options after a colon in the same order: Talla: S / M / L.",
                2,
                &self.questions,
            ),
            (
                "consents",
                "Statements to accept",
                "One per line, in the order above (all of them, or none).",
                2,
                &self.consents,
            ),
        ]
    }

    /// One (empty) entry per language other than `default`.
    pub(super) fn all(default: &str) -> Vec<Self> {
        crate::i18n::LANGUAGES
            .iter()
            .filter(|(code, _)| *code != default)
            .map(|(lang, name)| Self {
                lang,
                name,
                ..Self::default()
            })
            .collect()
    }

    /// This language's stored texts, as lines in the order of the event's offerings,
    /// questions and consents.
    pub(super) fn fill(
        mut self,
        stored: &Translations,
        offerings: &[db_events::OfferingRow],
        questions: &[Question],
    ) -> Self {
        let Some(t) = stored.get(self.lang) else {
            return self;
        };
        self.title = t.title.clone();
        self.description = t.description.clone();
        self.email_text = t.email_text.clone();
        self.offerings = offerings
            .iter()
            .map(|o| t.offerings.get(&o.key).cloned().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .to_owned();
        self.questions = questions
            .iter()
            .map(|q| match t.questions.get(&q.key) {
                Some(qt) if qt.options.is_empty() => qt.label.clone(),
                Some(qt) => format!("{}: {}", qt.label, qt.options.join(" / ")),
                None => String::new(),
            })
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .to_owned();
        self.consents = t.consents.join("\n");
        self
    }

    /// The API's form of these texts; `offering_keys` and `questions` are the event's as
    /// entered in the same form, matched line by line.
    pub(super) fn text(
        &self,
        offering_keys: &[String],
        questions: &[Question],
        errors: &mut FieldErrors,
    ) -> EventText {
        let lines = |text: &str| -> Vec<String> {
            text.replace("\r\n", "\n")
                .lines()
                .map(|l| l.trim().to_owned())
                .collect::<Vec<_>>()
        };
        let mut too_many = |field: &str, what: &str, have: usize, lines: usize| {
            if lines > have {
                errors.insert(
                    self.field(field),
                    format!("has {lines} lines but the event has {have} {what}"),
                );
            }
        };
        let offering_lines = lines(&self.offerings);
        too_many(
            "offerings",
            "tickets",
            offering_keys.len(),
            offering_lines.len(),
        );
        let question_lines = lines(&self.questions);
        too_many(
            "questions",
            "questions",
            questions.len(),
            question_lines.len(),
        );
        let consents: Vec<String> = lines(&self.consents)
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect();
        EventText {
            title: self.title.clone(),
            description: self.description.clone(),
            email_text: self.email_text.clone(),
            offerings: offering_keys
                .iter()
                .zip(offering_lines)
                .filter(|(_, name)| !name.is_empty())
                .map(|(key, name)| (key.clone(), name))
                .collect(),
            questions: questions
                .iter()
                .zip(question_lines)
                .filter(|(_, line)| !line.is_empty())
                .map(|(q, line)| {
                    let (label, options) = match line.split_once(':') {
                        Some((label, options)) if !q.options.is_empty() => (
                            label.trim().to_owned(),
                            options.split('/').map(|o| o.trim().to_owned()).collect(),
                        ),
                        _ => (line.clone(), Vec::new()),
                    };
                    (q.key.clone(), QuestionText { label, options })
                })
                .collect(),
            consents,
        }
    }
}
