//! One participant row of the registration form, as typed.

use crate::web::pages::forms::FormData;

/// One participant row of the form, as entered.
#[derive(Debug, Clone, Default)]
pub struct ParticipantInput {
    pub name: String,
    pub offering: String,
    pub notes: String,
    /// Answers by question key.
    pub answers: std::collections::BTreeMap<String, String>,
    /// On exchanges: the visitor profile's fields as typed, by sub-field (`born_on`,
    /// `languages[0].code` ...; ticked boxes joined by newlines).
    pub profile: std::collections::BTreeMap<String, String>,
}

/// Rows of languages and allergies the exchange form offers per visitor.
pub(super) const PROFILE_ROWS: &[usize] = &[0, 1];

impl ParticipantInput {
    /// The answer to question `key`, as entered.
    pub(super) fn answer(&self, key: &str) -> &str {
        self.answers.get(key).map_or("", String::as_str)
    }

    /// A profile field as typed.
    pub(super) fn pv(&self, key: &str) -> &str {
        self.profile.get(key).map_or("", String::as_str)
    }

    /// Whether profile box `key` is ticked with `value`.
    pub(super) fn pticked(&self, key: &str, value: &str) -> bool {
        self.pv(key).lines().any(|v| v == value)
    }

    /// Reads participant `i`'s profile fields from the form.
    pub(super) fn profile_from(
        form: &FormData,
        i: usize,
    ) -> std::collections::BTreeMap<String, String> {
        let prefix = format!("participants[{i}].profile.");
        let mut out: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
        for (k, v) in &form.0 {
            if let Some(key) = k.strip_prefix(&prefix) {
                out.entry(key.to_owned())
                    .and_modify(|e| {
                        e.push('\n');
                        e.push_str(v);
                    })
                    .or_insert_with(|| v.clone());
            }
        }
        out
    }

    /// The profile in the API's shape.
    pub(super) fn profile_body(&self) -> crate::domain::visitor::VisitorProfile {
        use crate::domain::visitor::{AllergyBody, GuardianBody, VisitorProfile};
        let list = |key: &str| -> Vec<String> {
            self.pv(key)
                .lines()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let guardian_name = self.pv("guardian.name").trim();
        let guardian_email = self.pv("guardian.email").trim();
        let guardian_phone = self.pv("guardian.phone").trim();
        VisitorProfile {
            display_name: Some(self.pv("display_name").to_owned()),
            born_on: self.pv("born_on").to_owned(),
            gender: self.pv("gender").to_owned(),
            languages: PROFILE_ROWS
                .iter()
                .filter(|k| !self.pv(&format!("languages[{k}].code")).is_empty())
                .map(|k| crate::exchanges::households::LanguageLevel {
                    code: self.pv(&format!("languages[{k}].code")).to_owned(),
                    level: self
                        .pv(&format!("languages[{k}].level"))
                        .parse()
                        .unwrap_or(0),
                })
                .collect(),
            interests: self
                .pv("interests")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            diets_required: list("diets_required"),
            diets_preferred: Vec::new(),
            allergies: PROFILE_ROWS
                .iter()
                .filter(|k| !self.pv(&format!("allergies[{k}].agent")).trim().is_empty())
                .map(|k| AllergyBody {
                    agent: self.pv(&format!("allergies[{k}].agent")).to_owned(),
                    severity: self.pv(&format!("allergies[{k}].severity")).to_owned(),
                })
                .collect(),
            smoker: crate::web::pages::forms::is_yes(self.pv("smoker")),
            stairs_ok: !crate::web::pages::forms::is_yes(self.pv("no_stairs")),
            guardian: (!guardian_name.is_empty()
                || !guardian_email.is_empty()
                || !guardian_phone.is_empty())
            .then(|| GuardianBody {
                name: guardian_name.to_owned(),
                email: Some(guardian_email.to_owned()),
                phone: Some(guardian_phone.to_owned()),
            }),
            // A minor's guardian gives the placement consents through their own link.
            consents: Vec::new(),
        }
    }
}
