//! A host household as it applies or updates itself (issue 6, DESIGN section 5): the body it
//! sends, the checks on it (every bad field reported at once) and the draft they give, plus
//! the lists and the age rule every part of an exchange shares.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::event::text_enum;
use super::{EmailAddress, Language, ParseError, PersonName};
use crate::core::error::{FieldCollector, Result};

/// Most members a household lists.
pub const MAX_MEMBERS: usize = 12;
/// Most entries in each list (languages, pets, diets, interests, date ranges).
pub const MAX_LIST: usize = 12;
/// Diets a household can say it caters for.
pub const DIETS: &[&str] = &[
    "vegetarian",
    "vegan",
    "halal",
    "kosher",
    "gluten_free",
    "nut_free",
    "lactose_free",
];
/// Kinds of screening staff record.
pub const SCREENING_KINDS: &[&str] = &[
    "criminal_record",
    "enhanced_barred_list",
    "youth_protection_training",
    "reference",
    "home_visit",
    "interview",
];
/// Kinds that count as the safeguarding check a minor's placement needs.
pub const SAFEGUARDING_KINDS: &[&str] = &["criminal_record", "enhanced_barred_list"];

text_enum! {
    /// The result of one screening.
    ScreeningOutcome {
        /// Nothing that stops this adult hosting minors.
        Clear = "clear",
        /// Something does.
        NotClear = "not_clear",
        /// Asked for, no result yet (blocks like not clear).
        Pending = "pending",
    }
}

/// Contact of a household.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HostContact {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// Language for emails and pages (`en`, `es`, `de`).
    #[serde(default)]
    pub language: Option<String>,
}

/// A person living in the household.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberBody {
    /// The member's id, for someone already on record (from `GET /api/v1/households/{token}`):
    /// renaming or correcting a date of birth keeps their screenings. Leave out for someone new.
    #[serde(default)]
    pub id: Option<i64>,
    /// Full name.
    pub name: String,
    /// The name shown to a visitor before a placement is confirmed (e.g. the given name);
    /// default the full name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    pub born_on: String,
}

/// A pet.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PetBody {
    /// `cat`, `dog`, `bird`, `rabbit` ...
    pub species: String,
    /// Whether it lives indoors.
    #[serde(default = "yes")]
    pub indoors: bool,
}

fn yes() -> bool {
    true
}

/// A language spoken at home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageLevel {
    /// ISO 639-1 code, e.g. `es`.
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub code: String,
    /// 1 basic, 2 conversational, 3 fluent or native.
    #[schema(minimum = 1, maximum = 3)]
    pub level: u8,
}

/// Dates the household can host: first night and last morning.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DateRange {
    /// `YYYY-MM-DD`.
    pub from: String,
    /// `YYYY-MM-DD`.
    pub to: String,
}

/// The household's own limits on whom it hosts.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HostLimits {
    /// Whether it hosts visitors under 18.
    pub accepts_minors: bool,
    /// `any`, `female` or `male`.
    #[serde(default = "any")]
    pub guest_gender: String,
    #[serde(default = "yes")]
    pub accepts_couples: bool,
    #[serde(default)]
    pub accepts_smokers: bool,
    /// Longest stay in nights; `null` for no limit.
    #[serde(default)]
    pub max_nights: Option<i64>,
}

fn any() -> String {
    "any".to_owned()
}

/// A host application or update (`POST /api/v1/hosts`, `PUT /api/v1/households/{token}`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HostBody {
    pub contact: HostContact,
    /// Street address (shown only to staff, and to a visitor once a match is confirmed).
    pub address: String,
    /// Neighbourhood or town, shown to visitors before a match is confirmed.
    #[serde(default)]
    pub area: Option<String>,
    /// Everyone who lives there, the applicant included.
    pub members: Vec<MemberBody>,
    /// Ids of members who no longer live there (an update must list everyone on record or
    /// remove them here; their screenings stay on record).
    #[serde(default)]
    pub remove_members: Vec<i64>,
    /// Real beds for guests (no sofas or air beds).
    pub beds: i64,
    /// Bedrooms for guests.
    pub bedrooms: i64,
    /// `private` or `shared` (a room shared with a child of the household).
    pub room: String,
    /// `private` or `shared`.
    pub bathroom: String,
    /// Visitor parties at once (default 1).
    #[serde(default)]
    pub max_parties: Option<i64>,
    /// The guest bedroom and a bathroom can be reached without stairs.
    pub step_free: bool,
    /// Floor of the guest bedroom (0 = ground floor).
    #[serde(default)]
    pub bedroom_floor: Option<i64>,
    #[serde(default)]
    pub pets: Vec<PetBody>,
    /// `none`, `outside` or `inside`.
    pub smoking: String,
    #[serde(default)]
    pub languages: Vec<LanguageLevel>,
    /// Diets the household can cater for (see `DIETS`).
    #[serde(default)]
    pub diets: Vec<String>,
    #[serde(default)]
    pub interests: Vec<String>,
    /// When the household can host.
    #[serde(default)]
    pub available: Vec<DateRange>,
    pub limits: HostLimits,
}

/// A checked application, ready to store.
#[derive(Debug, Clone)]
pub struct HouseholdDraft {
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub language: String,
    pub address: String,
    pub area: String,
    pub members: Vec<DraftMember>,
    /// Members on record to remove.
    pub remove_members: Vec<i64>,
    pub beds: i64,
    pub bedrooms: i64,
    pub room: &'static str,
    pub bathroom: &'static str,
    pub max_parties: i64,
    pub step_free: bool,
    pub bedroom_floor: i64,
    /// JSON texts of the lists.
    pub pets: String,
    pub smoking: &'static str,
    pub languages: String,
    pub diets: String,
    pub interests: String,
    pub available: String,
    pub accepts_minors: bool,
    pub guest_gender: &'static str,
    pub accepts_couples: bool,
    pub accepts_smokers: bool,
    pub max_nights: Option<i64>,
}

/// `input` if it is one of `allowed`.
pub fn one_of(
    input: &str,
    allowed: &[&'static str],
) -> std::result::Result<&'static str, ParseError> {
    allowed
        .iter()
        .find(|a| **a == input.trim())
        .copied()
        .ok_or_else(|| ParseError::new(format!("must be one of: {}", allowed.join(", "))))
}

fn in_range(n: i64, lo: i64, hi: i64) -> std::result::Result<i64, ParseError> {
    if (lo..=hi).contains(&n) {
        Ok(n)
    } else {
        Err(ParseError::new(format!("must be between {lo} and {hi}")))
    }
}

/// A calendar date `YYYY-MM-DD`.
pub fn parse_date(input: &str) -> std::result::Result<NaiveDate, ParseError> {
    NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d")
        .map_err(|_| ParseError::new("must be a date like 2031-06-01"))
}

/// A short lowercase word for lists (species, interests): letters, digits, spaces, hyphens.
fn tag(input: &str) -> std::result::Result<String, ParseError> {
    let s = input.trim().to_lowercase();
    if s.is_empty() || s.chars().count() > 40 {
        return Err(ParseError::new("must be 1 to 40 characters"));
    }
    if !s
        .chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_')
    {
        return Err(ParseError::new(
            "may contain only letters, digits, spaces and hyphens",
        ));
    }
    Ok(s)
}

/// Age in whole years on `on`.
pub fn age_on(born: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age
}

/// Checks an application, reporting every bad field at once. `today` bounds dates of birth;
/// `adult_age` is the programme's threshold (a household needs at least one adult).
pub fn parse(body: &HostBody, today: NaiveDate, adult_age: i32) -> Result<HouseholdDraft> {
    let mut f = FieldCollector::default();
    let contact_name = f.take("contact.name", PersonName::parse(&body.contact.name));
    let contact_email = f.take("contact.email", EmailAddress::parse(&body.contact.email));
    let contact_phone = f.take(
        "contact.phone",
        crate::domain::parse_phone(body.contact.phone.as_deref().unwrap_or("")),
    );
    let language = f.take(
        "contact.language",
        Language::parse(body.contact.language.as_deref().unwrap_or("en")),
    );
    let address = f.take(
        "address",
        crate::domain::text::bounded_text(&body.address, 300, true),
    );
    let area = match body
        .area
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        Some(a) => f.take("area", crate::domain::text::bounded_text(a, 100, false)),
        None => Some(String::new()),
    };
    let members = members(&mut f, body, today, adult_age);
    let beds = f.take("beds", in_range(body.beds, 1, 20));
    let bedrooms = f.take("bedrooms", in_range(body.bedrooms, 1, 20));
    if let (Some(b), Some(r)) = (beds, bedrooms)
        && r > b
    {
        f.add("bedrooms", "must not be more than the beds");
    }
    let room = f.take("room", one_of(&body.room, &["private", "shared"]));
    let bathroom = f.take("bathroom", one_of(&body.bathroom, &["private", "shared"]));
    let max_parties = f.take(
        "max_parties",
        in_range(body.max_parties.unwrap_or(1), 1, 10),
    );
    let bedroom_floor = f.take(
        "bedroom_floor",
        in_range(body.bedroom_floor.unwrap_or(0), -2, 60),
    );
    let smoking = f.take(
        "smoking",
        one_of(&body.smoking, &["none", "outside", "inside"]),
    );
    let pets = pets(&mut f, &body.pets);
    let languages = languages(&mut f, &body.languages);
    let diets = diets(&mut f, &body.diets);
    let interests = interests(&mut f, &body.interests);
    let available = available(&mut f, &body.available);
    let guest_gender = f.take(
        "limits.guest_gender",
        one_of(&body.limits.guest_gender, &["any", "female", "male"]),
    );
    let max_nights = match body.limits.max_nights {
        Some(n) => f.take("limits.max_nights", in_range(n, 1, 366)).map(Some),
        None => Some(None),
    };
    f.finish()?;
    Ok(HouseholdDraft {
        contact_name: contact_name.expect("checked").as_str().to_owned(),
        contact_email: contact_email.expect("checked").as_str().to_owned(),
        contact_phone: contact_phone.expect("checked"),
        language: language.expect("checked").as_str().to_owned(),
        address: address.expect("checked"),
        area: area.expect("checked"),
        members,
        remove_members: body.remove_members.clone(),
        beds: beds.expect("checked"),
        bedrooms: bedrooms.expect("checked"),
        room: room.expect("checked"),
        bathroom: bathroom.expect("checked"),
        max_parties: max_parties.expect("checked"),
        step_free: body.step_free,
        bedroom_floor: bedroom_floor.expect("checked"),
        pets,
        smoking: smoking.expect("checked"),
        languages,
        diets,
        interests,
        available,
        accepts_minors: body.limits.accepts_minors,
        guest_gender: guest_gender.expect("checked"),
        accepts_couples: body.limits.accepts_couples,
        accepts_smokers: body.limits.accepts_smokers,
        max_nights: max_nights.expect("checked"),
    })
}

/// Everyone who lives in the household; at least one adult.
fn members(
    f: &mut FieldCollector,
    body: &HostBody,
    today: NaiveDate,
    adult_age: i32,
) -> Vec<DraftMember> {
    if body.members.is_empty() {
        f.add("members", "must list everyone who lives in the household");
    } else if body.members.len() > MAX_MEMBERS {
        f.add("members", format!("must list at most {MAX_MEMBERS} people"));
    }
    let mut members = Vec::new();
    for (i, m) in body.members.iter().take(MAX_MEMBERS).enumerate() {
        let name = f.take(format!("members[{i}].name"), PersonName::parse(&m.name));
        let display_name = match m.display_name.as_deref().map(str::trim) {
            Some(d) if !d.is_empty() => f
                .take(format!("members[{i}].display_name"), PersonName::parse(d))
                .map(|d| d.as_str().to_owned()),
            _ => name.as_ref().map(|n| n.as_str().to_owned()),
        };
        let born = f.take(
            format!("members[{i}].born_on"),
            parse_date(&m.born_on).and_then(|d| {
                if d > today || age_on(d, today) > 120 {
                    Err(ParseError::new("must be a date of birth in the past"))
                } else {
                    Ok(d)
                }
            }),
        );
        if let (Some(name), Some(display_name), Some(born)) = (name, display_name, born) {
            members.push(DraftMember {
                id: m.id,
                name: name.as_str().to_owned(),
                display_name,
                born_on: born,
            });
        }
    }
    if members.len() == body.members.len()
        && !members.is_empty()
        && !members
            .iter()
            .any(|m| age_on(m.born_on, today) >= adult_age)
    {
        f.add(
            "members",
            format!("must include at least one adult ({adult_age} or older)"),
        );
    }
    members
}

/// Pets, as the JSON text stored.
fn pets(f: &mut FieldCollector, input: &[PetBody]) -> String {
    if input.len() > MAX_LIST {
        f.add("pets", format!("must list at most {MAX_LIST}"));
    }
    let mut pets = Vec::new();
    for (i, p) in input.iter().take(MAX_LIST).enumerate() {
        if let Some(species) = f.take(format!("pets[{i}].species"), tag(&p.species)) {
            pets.push(serde_json::json!({"species": species, "indoors": p.indoors}));
        }
    }
    serde_json::Value::Array(pets).to_string()
}

/// Languages with levels, as the JSON text stored.
fn languages(f: &mut FieldCollector, input: &[LanguageLevel]) -> String {
    if input.len() > MAX_LIST {
        f.add("languages", format!("must list at most {MAX_LIST}"));
    }
    let mut languages: Vec<LanguageLevel> = Vec::new();
    for (i, l) in input.iter().take(MAX_LIST).enumerate() {
        let at = format!("languages[{i}]");
        if let Some(l) = checked_language(f, &at, l) {
            if languages.iter().any(|x| x.code == l.code) {
                f.add(format!("{at}.code"), "is listed twice");
            } else {
                languages.push(l);
            }
        }
    }
    serde_json::json!(
        languages
            .iter()
            .map(|l| serde_json::json!({"code": l.code, "level": l.level}))
            .collect::<Vec<_>>()
    )
    .to_string()
}

/// A language with its level under field `at` (e.g. `languages[0]`): a two-letter code and a
/// level from 1 to 3; `None`, with the problem in `f`, otherwise.
pub fn checked_language(
    f: &mut FieldCollector,
    at: &str,
    l: &LanguageLevel,
) -> Option<LanguageLevel> {
    let code = l.code.trim().to_ascii_lowercase();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_lowercase()) {
        f.add(
            format!("{at}.code"),
            "must be a two-letter language code such as es",
        );
        None
    } else if !(1..=3).contains(&l.level) {
        f.add(
            format!("{at}.level"),
            "must be 1 (basic), 2 (conversational) or 3 (fluent)",
        );
        None
    } else {
        Some(LanguageLevel {
            code,
            level: l.level,
        })
    }
}

/// Diets the household caters for (from `DIETS`), as the JSON text stored.
fn diets(f: &mut FieldCollector, input: &[String]) -> String {
    let mut diets: Vec<&str> = Vec::new();
    for (i, d) in input.iter().take(MAX_LIST).enumerate() {
        if let Some(d) = f.take(format!("diets[{i}]"), one_of(d, DIETS))
            && !diets.contains(&d)
        {
            diets.push(d);
        }
    }
    serde_json::json!(diets).to_string()
}

/// Interests, as the JSON text stored.
fn interests(f: &mut FieldCollector, input: &[String]) -> String {
    let mut interests: Vec<String> = Vec::new();
    if input.len() > MAX_LIST {
        f.add("interests", format!("must list at most {MAX_LIST}"));
    }
    for (i, t) in input.iter().take(MAX_LIST).enumerate() {
        if let Some(t) = f.take(format!("interests[{i}]"), tag(t))
            && !interests.contains(&t)
        {
            interests.push(t);
        }
    }
    serde_json::json!(interests).to_string()
}

/// When the household can host, as the JSON text stored.
fn available(f: &mut FieldCollector, input: &[DateRange]) -> String {
    if input.len() > MAX_LIST {
        f.add(
            "available",
            format!("must list at most {MAX_LIST} date ranges"),
        );
    }
    let mut available = Vec::new();
    for (i, r) in input.iter().take(MAX_LIST).enumerate() {
        let from = f.take(format!("available[{i}].from"), parse_date(&r.from));
        let to = f.take(format!("available[{i}].to"), parse_date(&r.to));
        if let (Some(from), Some(to)) = (from, to) {
            if to <= from {
                f.add(
                    format!("available[{i}].to"),
                    "must be after the first night",
                );
            } else {
                available.push(serde_json::json!({"from": from, "to": to}));
            }
        }
    }
    serde_json::Value::Array(available).to_string()
}

/// A member as the household lists them; `id` is set for someone already on record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftMember {
    pub id: Option<i64>,
    pub name: String,
    pub display_name: String,
    pub born_on: NaiveDate,
}

text_enum! {
    /// Where a household stands with staff: applied, approved, changed since approval (minors
    /// paused until staff approve again), or suspended.
    HouseholdStatus {
        Applicant = "applicant",
        Approved = "approved",
        Review = "review",
        Suspended = "suspended",
    }
}

impl HouseholdStatus {
    /// Approved, or changed since approval: adults may be placed there.
    pub fn hosts(self) -> bool {
        matches!(self, HouseholdStatus::Approved | HouseholdStatus::Review)
    }
}
