//! An event's questions (diet, t-shirt size, arrival time ...) and participants' answers.
//!
//! A question is free text or a choice among options, required or not. Staff write them one
//! per line in the event form: `T-shirt size: S / M / L / XL *` is a required choice, `Dietary
//! needs` optional free text. Answers are stored per participant by question key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ParseError;
use super::text::bounded_text;

/// Most questions an event may ask.
pub const MAX_QUESTIONS: usize = 20;
/// Most options of a choice.
pub const MAX_OPTIONS: usize = 30;
/// Longest free-text answer, in characters.
pub const MAX_ANSWER: usize = 500;

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Question {
    /// Stable identifier of the answers, e.g. `t-shirt-size`.
    pub key: String,
    /// What the form asks.
    pub label: String,
    /// The allowed answers of a choice; empty for free text.
    #[serde(default)]
    pub options: Vec<String>,
    /// Whether every participant must answer.
    #[serde(default)]
    pub required: bool,
}

/// Answers of one participant, by question key.
pub type Answers = BTreeMap<String, String>;

/// A key made from a label: lowercase letters and digits joined by hyphens.
pub fn key_of(label: &str) -> String {
    let mut key = String::new();
    for word in label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push('-');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    let key: String = key.chars().take(40).collect();
    if key.is_empty() {
        "question".to_owned()
    } else {
        key
    }
}

impl Question {
    /// Checks one question as sent by the API; `key` defaults to one made from the label.
    pub fn new(
        key: Option<&str>,
        label: &str,
        options: &[String],
        required: bool,
    ) -> Result<Self, ParseError> {
        let label = bounded_text(label, 200, false)?;
        let key = match key.map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => {
                let ok = k.len() <= 40
                    && k.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                    });
                if !ok {
                    return Err(ParseError::new(
                        "key must be at most 40 lowercase letters, digits, - or _",
                    ));
                }
                k.to_owned()
            }
            None => key_of(&label),
        };
        if options.len() > MAX_OPTIONS {
            return Err(ParseError::new(format!(
                "must have at most {MAX_OPTIONS} options"
            )));
        }
        let mut clean: Vec<String> = Vec::new();
        for o in options {
            let o = bounded_text(o, 100, false)
                .map_err(|e| ParseError::new(format!("option {o:?} {e}")))?;
            if !clean.contains(&o) {
                clean.push(o);
            }
        }
        if clean.len() == 1 {
            return Err(ParseError::new("a choice needs at least two options"));
        }
        Ok(Self {
            key,
            label,
            options: clean,
            required,
        })
    }

    /// Checks one participant's answer: a choice must be one of the options, free text at
    /// most [`MAX_ANSWER`] characters; required questions must be answered.
    pub fn check(&self, answer: Option<&str>) -> Result<Option<String>, ParseError> {
        let answer = answer.map(str::trim).filter(|a| !a.is_empty());
        let Some(answer) = answer else {
            return if self.required {
                Err(ParseError::new("is required"))
            } else {
                Ok(None)
            };
        };
        if self.options.is_empty() {
            bounded_text(answer, MAX_ANSWER, true).map(Some)
        } else {
            self.options
                .iter()
                .find(|o| o.as_str() == answer)
                .map(|o| Some(o.clone()))
                .ok_or_else(|| {
                    ParseError::new(format!("must be one of: {}", self.options.join(", ")))
                })
        }
    }
}

/// Checks a list of questions: at most [`MAX_QUESTIONS`], unique keys.
pub fn check_list(questions: Vec<Question>) -> Result<Vec<Question>, ParseError> {
    if questions.len() > MAX_QUESTIONS {
        return Err(ParseError::new(format!(
            "must list at most {MAX_QUESTIONS} questions"
        )));
    }
    for (i, q) in questions.iter().enumerate() {
        if questions[..i].iter().any(|p| p.key == q.key) {
            return Err(ParseError::new(format!(
                "two questions have the key {:?}",
                q.key
            )));
        }
    }
    Ok(questions)
}

/// Parses the event form's text: one question per line, `Label`, `Label *` (required),
/// `Label: option / option` (a choice). Keys come from labels, made unique with a number.
pub fn parse_lines(text: &str) -> Result<Vec<Question>, ParseError> {
    let mut out: Vec<Question> = Vec::new();
    for (n, line) in text.lines().map(str::trim).enumerate() {
        if line.is_empty() {
            continue;
        }
        let (line, required) = match line.strip_suffix('*') {
            Some(rest) => (rest.trim_end(), true),
            None => (line, false),
        };
        let (label, options) = match line.split_once(':') {
            Some((label, options)) if options.contains('/') => (
                label.trim(),
                options
                    .split('/')
                    .map(|o| o.trim().to_owned())
                    .filter(|o| !o.is_empty())
                    .collect::<Vec<_>>(),
            ),
            _ => (line, Vec::new()),
        };
        let mut q = Question::new(None, label, &options, required)
            .map_err(|e| ParseError::new(format!("line {}: {e}", n + 1)))?;
        let base = q.key.clone();
        let mut i = 2;
        while out.iter().any(|p| p.key == q.key) {
            q.key = format!("{base}-{i}");
            i += 1;
        }
        out.push(q);
    }
    check_list(out)
}

/// The event form's text for `questions` (the inverse of [`parse_lines`]).
pub fn to_lines(questions: &[Question]) -> String {
    questions
        .iter()
        .map(|q| {
            let mut line = q.label.clone();
            if !q.options.is_empty() {
                line.push_str(": ");
                line.push_str(&q.options.join(" / "));
            }
            if q.required {
                line.push_str(" *");
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A participant's answers as (question, answer) pairs in the event's order, for display.
pub fn labelled(questions: &[Question], stored_answers: &str) -> Vec<(String, String)> {
    let answers = answers_from_stored(stored_answers);
    questions
        .iter()
        .filter_map(|q| answers.get(&q.key).map(|a| (q.label.clone(), a.clone())))
        .collect()
}

/// Reads stored questions (JSON); nothing stored means none.
pub fn from_stored(stored: &str) -> Vec<Question> {
    serde_json::from_str(stored).unwrap_or_default()
}

/// Reads stored answers (JSON); nothing stored means none.
pub fn answers_from_stored(stored: &str) -> Answers {
    serde_json::from_str(stored).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_questions_and_back() {
        let text = "T-shirt size: S / M / L *\nDietary needs\nArrival: Friday / Saturday";
        let qs = parse_lines(text).unwrap();
        assert_eq!(qs.len(), 3);
        assert_eq!(qs[0].key, "t-shirt-size");
        assert_eq!(qs[0].options, vec!["S", "M", "L"]);
        assert!(qs[0].required);
        assert!(qs[1].options.is_empty() && !qs[1].required);
        assert_eq!(
            to_lines(&qs),
            "T-shirt size: S / M / L *\nDietary needs\nArrival: Friday / Saturday"
        );
        assert_eq!(parse_lines(&to_lines(&qs)).unwrap(), qs);
    }

    #[test]
    fn labels_with_colons_but_no_options_stay_text_and_keys_are_unique() {
        let qs = parse_lines("Note: anything else?\nNote: anything else?").unwrap();
        assert!(qs[0].options.is_empty());
        assert_eq!(qs[0].key, "note-anything-else");
        assert_eq!(qs[1].key, "note-anything-else-2");
        assert_eq!(key_of("Größe (EU)"), "größe-eu");
    }

    #[test]
    fn bad_lists_are_refused() {
        assert!(
            parse_lines("Size: S /").is_err(),
            "one option is not a choice"
        );
        assert!(parse_lines(&"Q\n".repeat(MAX_QUESTIONS + 1)).is_err());
        let q = Question::new(Some("Bad Key"), "Label", &[], false);
        assert!(q.is_err());
    }

    #[test]
    fn answers_are_checked_against_the_question() {
        let size = Question::new(None, "Size", &["S".into(), "M".into()], true).unwrap();
        assert_eq!(size.check(Some(" M ")).unwrap(), Some("M".into()));
        assert!(size.check(Some("XXL")).is_err());
        assert!(size.check(None).is_err(), "required");
        assert!(size.check(Some("  ")).is_err(), "blank is no answer");
        let diet = Question::new(None, "Diet", &[], false).unwrap();
        assert_eq!(diet.check(None).unwrap(), None);
        assert_eq!(diet.check(Some("no nuts")).unwrap(), Some("no nuts".into()));
        assert!(diet.check(Some(&"x".repeat(MAX_ANSWER + 1))).is_err());
    }
}
