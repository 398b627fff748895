//! What an exchange asks of each visitor (issue 6): the profile the matcher and the host need.
//! Health, allergy and diet details are shown only to staff and the matched host.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ParseError;
use super::event::text_enum;
use crate::core::error::FieldCollector;

/// The consent to be placed with a household of one adult.
pub const SINGLE_ADULT_HOUSEHOLD: &str = "single_adult_household";

/// Consents a minor's placement may need, given by the guardian.
pub const PLACEMENT_CONSENTS: &[&str] = &[
    SINGLE_ADULT_HOUSEHOLD,
    "double_placement",
    "same_sex_parents",
];

/// An allergy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllergyBody {
    /// `cat`, `dog`, `peanut` ...
    pub agent: String,
    /// `mild` or `severe` (a severe allergy to a household's pet rules the household out).
    pub severity: String,
}

text_enum! {
    /// How bad an allergy is.
    Severity { Mild = "mild", Severe = "severe" }
}

impl AllergyBody {
    /// Whether the allergy is severe (rules out a household with the agent).
    pub fn is_severe(&self) -> bool {
        Severity::parse(&self.severity) == Ok(Severity::Severe)
    }
}

/// A minor's parent or guardian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuardianBody {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// A visitor's profile, as sent (`participants[].profile`) and as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitorProfile {
    /// The name the host family sees before the placement is confirmed (e.g. the given name);
    /// without it they see the full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub born_on: String,
    /// `female`, `male` or `other`.
    pub gender: String,
    #[serde(default)]
    pub languages: Vec<super::household::LanguageLevel>,
    #[serde(default)]
    pub interests: Vec<String>,
    /// Diets the host must cater for (see the host form's list).
    #[serde(default)]
    pub diets_required: Vec<String>,
    /// Diets preferred but not required.
    #[serde(default)]
    pub diets_preferred: Vec<String>,
    #[serde(default)]
    pub allergies: Vec<AllergyBody>,
    #[serde(default)]
    pub smoker: bool,
    /// Can use stairs.
    #[serde(default = "yes")]
    pub stairs_ok: bool,
    /// Required for visitors under 18 on the first day.
    #[serde(default)]
    pub guardian: Option<GuardianBody>,
    /// Placement consents (see `PLACEMENT_CONSENTS`). For a minor only the guardian's own
    /// answer through their link counts; these are kept as the registrant's indication.
    #[serde(default)]
    pub consents: Vec<String>,
}

fn yes() -> bool {
    true
}

fn word(input: &str) -> Result<String, ParseError> {
    let s = input.trim().to_lowercase();
    if s.is_empty()
        || s.chars().count() > 40
        || !s.chars().all(|c| c.is_alphanumeric() || " -_".contains(c))
    {
        return Err(ParseError::new(
            "must be a word or two (letters, digits, spaces, hyphens), at most 40 characters",
        ));
    }
    Ok(s)
}

/// Checks a profile under field prefix `at` (e.g. `participants[0].profile`), recording every
/// problem in `f`; returns the normalised profile and whether the visitor is a minor on
/// `first_day` (by `adult_age`).
pub fn check(
    f: &mut FieldCollector,
    at: &str,
    p: &VisitorProfile,
    first_day: NaiveDate,
    adult_age: i32,
) -> Option<(VisitorProfile, bool)> {
    let before = f.is_empty();
    let display_name = match p.display_name.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => f
            .take(format!("{at}.display_name"), super::PersonName::parse(d))
            .map(|d| Some(d.as_str().to_owned())),
        _ => Some(None),
    };
    let born = f.take(
        format!("{at}.born_on"),
        super::household::parse_date(&p.born_on).and_then(|d| {
            if d >= first_day || super::household::age_on(d, first_day) > 120 {
                Err(ParseError::new(
                    "must be a date of birth before the exchange",
                ))
            } else {
                Ok(d)
            }
        }),
    );
    let gender = f.take(
        format!("{at}.gender"),
        match p.gender.trim() {
            g @ ("female" | "male" | "other") => Ok(g.to_owned()),
            _ => Err(ParseError::new("must be one of: female, male, other")),
        },
    );
    let languages = languages(f, at, &p.languages);
    let mut interests = Vec::new();
    for (i, t) in p.interests.iter().take(12).enumerate() {
        if let Some(t) = f.take(format!("{at}.interests[{i}]"), word(t))
            && !interests.contains(&t)
        {
            interests.push(t);
        }
    }
    let diets = |f: &mut FieldCollector, name: &str, list: &[String]| -> Vec<String> {
        let mut out = Vec::new();
        for (i, d) in list.iter().take(12).enumerate() {
            match super::household::DIETS.iter().find(|x| **x == d.trim()) {
                Some(d) if !out.iter().any(|x: &String| x == d) => out.push((*d).to_owned()),
                Some(_) => {}
                None => f.add(
                    format!("{at}.{name}[{i}]"),
                    format!("must be one of: {}", super::household::DIETS.join(", ")),
                ),
            }
        }
        out
    };
    let diets_required = diets(f, "diets_required", &p.diets_required);
    let diets_preferred = diets(f, "diets_preferred", &p.diets_preferred);
    let allergies = allergies(f, at, &p.allergies);
    let minor = born.is_some_and(|b| super::household::age_on(b, first_day) < adult_age);
    let guardian = guardian(f, at, p.guardian.as_ref(), minor);
    let consents = consents(f, at, &p.consents);
    if !before || !f.is_empty() {
        return None;
    }
    Some((
        VisitorProfile {
            display_name: display_name?,
            born_on: born?.to_string(),
            gender: gender?,
            languages,
            interests,
            diets_required,
            diets_preferred,
            allergies,
            smoker: p.smoker,
            stairs_ok: p.stairs_ok,
            guardian,
            consents,
        },
        minor,
    ))
}

/// Languages with levels, each once.
fn languages(
    f: &mut FieldCollector,
    at: &str,
    list: &[super::household::LanguageLevel],
) -> Vec<super::household::LanguageLevel> {
    let mut languages: Vec<super::household::LanguageLevel> = Vec::new();
    for (i, l) in list.iter().take(12).enumerate() {
        if let Some(l) = super::household::checked_language(f, &format!("{at}.languages[{i}]"), l)
            && !languages.iter().any(|x| x.code == l.code)
        {
            languages.push(l);
        }
    }
    languages
}

/// Allergies, each with its severity.
fn allergies(f: &mut FieldCollector, at: &str, list: &[AllergyBody]) -> Vec<AllergyBody> {
    let mut allergies = Vec::new();
    for (i, a) in list.iter().take(12).enumerate() {
        let agent = f.take(format!("{at}.allergies[{i}].agent"), word(&a.agent));
        let severity = f.take(
            format!("{at}.allergies[{i}].severity"),
            Severity::parse(&a.severity)
                .map(|s| s.as_str().to_owned())
                .map_err(|_| ParseError::new("must be mild or severe")),
        );
        if let (Some(agent), Some(severity)) = (agent, severity) {
            allergies.push(AllergyBody { agent, severity });
        }
    }
    allergies
}

/// The guardian: required for a minor, with an email (the guardian confirms consents through
/// a link); for an adult, optional, with an email or a phone.
fn guardian(
    f: &mut FieldCollector,
    at: &str,
    given: Option<&GuardianBody>,
    minor: bool,
) -> Option<GuardianBody> {
    match (given, minor) {
        (Some(g), _) => {
            let name = f.take(
                format!("{at}.guardian.name"),
                super::PersonName::parse(&g.name),
            );
            let email = g.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
            let phone = g.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
            let email = match email {
                Some(e) => f
                    .take(
                        format!("{at}.guardian.email"),
                        super::EmailAddress::parse(e),
                    )
                    .map(|e| Some(e.as_str().to_owned())),
                None => Some(None),
            };
            let phone = match phone {
                Some(p) => f
                    .take(format!("{at}.guardian.phone"), super::parse_phone(p))
                    .map(Some),
                None => Some(None),
            };
            if minor && matches!(email, Some(None)) {
                f.add(
                    format!("{at}.guardian.email"),
                    "is required for a visitor under 18: the guardian confirms the consents through a link sent there",
                );
            } else if matches!((&email, &phone), (Some(None), Some(None))) {
                f.add(
                    format!("{at}.guardian.email"),
                    "give an email or a phone number of the guardian",
                );
            }
            match (name, email, phone) {
                (Some(name), Some(email), Some(phone)) => Some(GuardianBody {
                    name: name.as_str().to_owned(),
                    email,
                    phone,
                }),
                _ => None,
            }
        }
        (None, true) => {
            f.add(format!("{at}.guardian"), "is required for a visitor under 18: the name and email of a parent or guardian, who confirms the consents through a link sent there");
            None
        }
        (None, false) => None,
    }
}

/// Placement consents (from `PLACEMENT_CONSENTS`), each once.
fn consents(f: &mut FieldCollector, at: &str, list: &[String]) -> Vec<String> {
    let mut consents = Vec::new();
    for (i, c) in list.iter().enumerate() {
        match PLACEMENT_CONSENTS.iter().find(|x| **x == c.trim()) {
            Some(c) if !consents.iter().any(|x: &String| x == c) => consents.push((*c).to_owned()),
            Some(_) => {}
            None => f.add(
                format!("{at}.consents[{i}]"),
                format!("must be one of: {}", PLACEMENT_CONSENTS.join(", ")),
            ),
        }
    }
    consents
}

/// Whether the visitor of `profile` is under `adult_age` on `first_day` (no date of birth on
/// record counts as a minor, the safer side).
pub fn is_minor(profile: Option<&VisitorProfile>, first_day: NaiveDate, adult_age: i32) -> bool {
    profile
        .and_then(|v| super::household::parse_date(&v.born_on).ok())
        .is_none_or(|b| super::household::age_on(b, first_day) < adult_age)
}

/// The name a participant is shown by before a placement is confirmed.
pub fn shown_name(name: &str, profile: Option<&VisitorProfile>) -> String {
    profile
        .and_then(|v| v.display_name.clone())
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| name.to_owned())
}

text_enum! {
    /// Where a minor's guardian's own answer stands.
    GuardianStatus {
        Pending = "pending",
        Confirmed = "confirmed",
        Refused = "refused",
    }
}
