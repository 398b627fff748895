//! Host households for exchanges (issue 6, DESIGN section 5): the application anyone can make
//! at `/host` or `POST /api/v1/hosts`, the household's own updates through its private link,
//! staff review (approve, suspend) and the screening of each adult member.
//!
//! Adults are members at or above the programme's age threshold (`TWINNING_ADULT_AGE`,
//! default 18). A household may host a minor only while every adult has a clear screening on
//! record: a new adult who joins pauses placements of minors until screened, without anyone
//! having to remember to do it.

use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::core::actor::Actor;
use crate::core::error::{AppError, FieldCollector, Result};
use crate::db::hosts::{self as store, DraftMember, HouseholdRow, MemberRow, ScreeningRow};
use crate::domain::{EmailAddress, Language, ParseError, PersonName, token};
use crate::state::Ctx;

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
    pub code: String,
    /// 1 basic, 2 conversational, 3 fluent or native.
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

fn one_of(input: &str, allowed: &[&'static str]) -> std::result::Result<&'static str, ParseError> {
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
    if body.pets.len() > MAX_LIST {
        f.add("pets", format!("must list at most {MAX_LIST}"));
    }
    let mut pets = Vec::new();
    for (i, p) in body.pets.iter().take(MAX_LIST).enumerate() {
        if let Some(species) = f.take(format!("pets[{i}].species"), tag(&p.species)) {
            pets.push(serde_json::json!({"species": species, "indoors": p.indoors}));
        }
    }
    if body.languages.len() > MAX_LIST {
        f.add("languages", format!("must list at most {MAX_LIST}"));
    }
    let mut languages = Vec::new();
    for (i, l) in body.languages.iter().take(MAX_LIST).enumerate() {
        let code = l.code.trim().to_ascii_lowercase();
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_lowercase()) {
            f.add(
                format!("languages[{i}].code"),
                "must be a two-letter language code such as es",
            );
        } else if !(1..=3).contains(&l.level) {
            f.add(
                format!("languages[{i}].level"),
                "must be 1 (basic), 2 (conversational) or 3 (fluent)",
            );
        } else if languages.iter().any(|(c, _): &(String, u8)| *c == code) {
            f.add(format!("languages[{i}].code"), "is listed twice");
        } else {
            languages.push((code, l.level));
        }
    }
    let mut diets: Vec<&str> = Vec::new();
    for (i, d) in body.diets.iter().take(MAX_LIST).enumerate() {
        if let Some(d) = f.take(format!("diets[{i}]"), one_of(d, DIETS))
            && !diets.contains(&d)
        {
            diets.push(d);
        }
    }
    let mut interests: Vec<String> = Vec::new();
    if body.interests.len() > MAX_LIST {
        f.add("interests", format!("must list at most {MAX_LIST}"));
    }
    for (i, t) in body.interests.iter().take(MAX_LIST).enumerate() {
        if let Some(t) = f.take(format!("interests[{i}]"), tag(t))
            && !interests.contains(&t)
        {
            interests.push(t);
        }
    }
    if body.available.len() > MAX_LIST {
        f.add(
            "available",
            format!("must list at most {MAX_LIST} date ranges"),
        );
    }
    let mut available = Vec::new();
    for (i, r) in body.available.iter().take(MAX_LIST).enumerate() {
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
    let guest_gender = f.take(
        "limits.guest_gender",
        one_of(&body.limits.guest_gender, &["any", "female", "male"]),
    );
    let max_nights = match body.limits.max_nights {
        Some(n) => f.take("limits.max_nights", in_range(n, 1, 366)).map(Some),
        None => Some(None),
    };
    f.finish()?;
    let json = |v: serde_json::Value| v.to_string();
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
        pets: json(serde_json::Value::Array(pets)),
        smoking: smoking.expect("checked"),
        languages: json(serde_json::json!(
            languages
                .iter()
                .map(|(c, l)| serde_json::json!({"code": c, "level": l}))
                .collect::<Vec<_>>()
        )),
        diets: json(serde_json::json!(diets)),
        interests: json(serde_json::json!(interests)),
        available: json(serde_json::Value::Array(available)),
        accepts_minors: body.limits.accepts_minors,
        guest_gender: guest_gender.expect("checked"),
        accepts_couples: body.limits.accepts_couples,
        accepts_smokers: body.limits.accepts_smokers,
        max_nights: max_nights.expect("checked"),
    })
}

/// The outcome of an application.
#[derive(Debug, Clone)]
pub struct Applied {
    pub id: i64,
    /// The household's private token.
    pub token: String,
}

fn today(ctx: &Ctx) -> NaiveDate {
    ctx.clock.now().with_timezone(&Utc).date_naive()
}

/// Stores a new application (status `applicant`) and tells staff.
pub async fn apply(ctx: &Ctx, body: &HostBody) -> Result<Applied> {
    let draft = parse(body, today(ctx), ctx.settings.adult_age)?;
    let (members, removed) = resolve_members(&[], &draft)?;
    let now = ctx.clock.now();
    let token = token::generate();
    let selector = token::selector(&token).expect("generated tokens are well formed");
    let mut tx = ctx.db.begin().await?;
    let id = store::insert(&mut tx, &token, selector, &draft, now).await?;
    store::save_members(&mut tx, id, &members, &removed, now).await?;
    crate::db::audit::audit(
        &mut tx,
        "host",
        "household.apply",
        &format!("household:{id}"),
        None,
        Some(&serde_json::json!({"contact": draft.contact_name, "members": members.len()})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Applied { id, token })
}

/// Finds a household by its private token (constant-time comparison).
pub async fn find(ctx: &Ctx, token_str: &str) -> Result<HouseholdRow> {
    let selector = token::selector(token_str).ok_or(AppError::NotFound)?;
    let row = store::find_by_selector(&ctx.db, selector)
        .await?
        .ok_or(AppError::NotFound)?;
    if token::matches(token_str, &row.token) {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

/// Matches the members a household lists against those on record: an id names someone on
/// record; without one, the same name and date of birth does (for clients that send no ids);
/// anyone else is new. Everyone on record must be listed or removed explicitly. Returns the
/// members with their ids and the ids to remove.
fn resolve_members(
    existing: &[MemberRow],
    draft: &HouseholdDraft,
) -> Result<(Vec<DraftMember>, Vec<i64>)> {
    let mut f = FieldCollector::default();
    let mut claimed: Vec<i64> = Vec::new();
    let mut out = Vec::with_capacity(draft.members.len());
    for (i, m) in draft.members.iter().enumerate() {
        let id = match m.id {
            Some(id) if !existing.iter().any(|e| e.id == id) => {
                f.add(
                    format!("members[{i}].id"),
                    "is not a member of this household",
                );
                None
            }
            Some(id) if claimed.contains(&id) || draft.remove_members.contains(&id) => {
                f.add(
                    format!("members[{i}].id"),
                    "is listed twice or also removed",
                );
                None
            }
            Some(id) => Some(id),
            None => existing
                .iter()
                .find(|e| {
                    e.name == m.name
                        && e.born_on == m.born_on
                        && !claimed.contains(&e.id)
                        && !draft.remove_members.contains(&e.id)
                        && !draft.members.iter().any(|d| d.id == Some(e.id))
                })
                .map(|e| e.id),
        };
        if let Some(id) = id {
            claimed.push(id);
        }
        out.push(DraftMember { id, ..m.clone() });
    }
    for (j, id) in draft.remove_members.iter().enumerate() {
        if !existing.iter().any(|e| e.id == *id) {
            f.add(
                format!("remove_members[{j}]"),
                "is not a member of this household",
            );
        }
    }
    let missing: Vec<&str> = existing
        .iter()
        .filter(|e| !claimed.contains(&e.id) && !draft.remove_members.contains(&e.id))
        .map(|e| e.name.as_str())
        .collect();
    if !missing.is_empty() {
        f.add(
            "members",
            format!(
                "must still list {} (with their id), or remove them explicitly",
                missing.join(", ")
            ),
        );
    }
    f.finish()?;
    Ok((out, draft.remove_members.clone()))
}

/// The details whose change sends an approved household back to review: where it is, who
/// lives there, smoking, pets, the home and its limits (not contact details, dates,
/// languages, diets or interests).
fn reviewed(
    [address, area]: [&str; 2],
    members: &[(String, NaiveDate)],
    pets: &str,
    smoking: &str,
    home: [i64; 5],
    rooms: [&str; 2],
    limits: &HostLimits,
) -> std::collections::BTreeMap<&'static str, serde_json::Value> {
    let json = |text: &str| serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
    let members: Vec<String> = members.iter().map(|(n, b)| format!("{n} ({b})")).collect();
    [
        ("address", serde_json::json!(address)),
        ("area", serde_json::json!(area)),
        ("members", serde_json::json!(members)),
        ("pets", json(pets)),
        ("smoking", serde_json::json!(smoking)),
        ("beds", serde_json::json!(home[0])),
        ("bedrooms", serde_json::json!(home[1])),
        ("max_parties", serde_json::json!(home[2])),
        ("step_free", serde_json::json!(home[3] != 0)),
        ("bedroom_floor", serde_json::json!(home[4])),
        ("room", serde_json::json!(rooms[0])),
        ("bathroom", serde_json::json!(rooms[1])),
        ("limits", serde_json::to_value(limits).unwrap_or_default()),
    ]
    .into_iter()
    .collect()
}

fn reviewed_of_row(
    row: &HouseholdRow,
    members: &[MemberRow],
) -> std::collections::BTreeMap<&'static str, serde_json::Value> {
    let members: Vec<(String, NaiveDate)> = members
        .iter()
        .map(|m| (m.name.clone(), m.born_on))
        .collect();
    reviewed(
        [&row.address, &row.area],
        &members,
        &row.pets,
        &row.smoking,
        [
            row.beds,
            row.bedrooms,
            row.max_parties,
            i64::from(row.step_free),
            row.bedroom_floor,
        ],
        [&row.room, &row.bathroom],
        &HostLimits {
            accepts_minors: row.accepts_minors,
            guest_gender: row.guest_gender.clone(),
            accepts_couples: row.accepts_couples,
            accepts_smokers: row.accepts_smokers,
            max_nights: row.max_nights,
        },
    )
}

fn reviewed_of_draft(
    d: &HouseholdDraft,
) -> std::collections::BTreeMap<&'static str, serde_json::Value> {
    let members: Vec<(String, NaiveDate)> = d
        .members
        .iter()
        .map(|m| (m.name.clone(), m.born_on))
        .collect();
    reviewed(
        [&d.address, &d.area],
        &members,
        &d.pets,
        d.smoking,
        [
            d.beds,
            d.bedrooms,
            d.max_parties,
            i64::from(d.step_free),
            d.bedroom_floor,
        ],
        [d.room, d.bathroom],
        &HostLimits {
            accepts_minors: d.accepts_minors,
            guest_gender: d.guest_gender.to_owned(),
            accepts_couples: d.accepts_couples,
            accepts_smokers: d.accepts_smokers,
            max_nights: d.max_nights,
        },
    )
}

/// What changed since approval: `pending` (field -> `{before, after}`, from an earlier edit
/// still in review) merged with this edit's `before` and `after`. A field changed back to its
/// approved value drops out.
pub fn merge_changes(
    pending: &str,
    before: &std::collections::BTreeMap<&'static str, serde_json::Value>,
    after: &std::collections::BTreeMap<&'static str, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut changes: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(pending).unwrap_or_default();
    for (field, new) in after {
        let old = before.get(field).cloned().unwrap_or_default();
        if old == *new {
            continue;
        }
        let approved = changes
            .get(*field)
            .and_then(|c| c.get("before"))
            .cloned()
            .unwrap_or(old);
        if approved == *new {
            changes.remove(*field);
        } else {
            changes.insert(
                (*field).to_owned(),
                serde_json::json!({"before": approved, "after": new}),
            );
        }
    }
    changes
}

/// What an update did.
#[derive(Debug, Clone, Default)]
pub struct Updated {
    /// Adults new to the household (unscreened: minors are paused until they are).
    pub new_adults: Vec<String>,
    /// The household went back to review (a change staff must approve).
    pub review: bool,
}

/// The household updates its details through its private link. Members keep their ids (and
/// screenings) when renamed; someone new starts unscreened; removing someone is explicit. A
/// change to what was approved (see [`reviewed`]) sends an approved household back to
/// `review`, with what changed, until staff approve again; active matches are re-checked.
pub async fn update(ctx: &Ctx, token_str: &str, body: &HostBody) -> Result<Updated> {
    let row = find(ctx, token_str).await?;
    let today = today(ctx);
    let draft = parse(body, today, ctx.settings.adult_age)?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    // Read again (and locked) inside the transaction: the status and members decide what this
    // edit does.
    let row = store::lock(&mut tx, row.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = store::members_tx(&mut tx, row.id).await?;
    let (members, removed) = resolve_members(&before, &draft)?;
    let new_adults: Vec<String> = members
        .iter()
        .filter(|m| m.id.is_none() && age_on(m.born_on, today) >= ctx.settings.adult_age)
        .map(|m| m.name.clone())
        .collect();
    let changes = merge_changes(
        &row.review_changes,
        &reviewed_of_row(&row, &before),
        &reviewed_of_draft(&draft),
    );
    store::update(&mut tx, row.id, &draft, now).await?;
    store::save_members(&mut tx, row.id, &members, &removed, now).await?;
    let status = match row.status.as_str() {
        "approved" | "review" if !changes.is_empty() => "review",
        "review" => "approved",
        other => other,
    };
    if matches!(row.status.as_str(), "approved" | "review") {
        let text = serde_json::Value::Object(changes.clone()).to_string();
        store::set_review(&mut tx, row.id, status, &text, now).await?;
    }
    crate::db::audit::audit(
        &mut tx,
        "host",
        "household.update",
        &format!("household:{}", row.id),
        Some(&serde_json::json!({"status": row.status})),
        Some(
            &serde_json::json!({"status": status, "members": members.len(), "removed": removed,
            "new_adults": new_adults, "changes": changes}),
        ),
        now,
    )
    .await?;
    if status == "review" && row.status != "review" {
        crate::db::audit::audit(
            &mut tx,
            "system",
            "household.review",
            &format!("household:{}", row.id),
            Some(&serde_json::json!({"status": row.status})),
            Some(&serde_json::json!({"status": "review", "changes": changes})),
            now,
        )
        .await?;
    }
    let jobs =
        crate::placements::recheck(ctx, &mut tx, crate::placements::Scope::Household(row.id))
            .await?;
    tx.commit().await?;
    ctx.queue.push_all(&jobs).await;
    Ok(Updated {
        new_adults,
        review: status == "review",
    })
}

/// Staff approve or suspend a household (with a reason when suspending).
pub async fn set_status(
    ctx: &Ctx,
    id: i64,
    status: &str,
    reason: &str,
    actor: &Actor,
) -> Result<()> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let row = store::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if row.status == status {
        return Err(AppError::conflict(
            "no_change",
            format!("This household is already {status}."),
        ));
    }
    store::set_status(&mut tx, id, status, reason, now).await?;
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        &format!(
            "household.{}",
            if status == "approved" {
                "approve"
            } else {
                "suspend"
            }
        ),
        &format!("household:{id}"),
        Some(&serde_json::json!({"status": row.status})),
        Some(&serde_json::json!({"status": status, "reason": reason})),
        now,
    )
    .await?;
    let jobs =
        crate::placements::recheck(ctx, &mut tx, crate::placements::Scope::Household(id)).await?;
    tx.commit().await?;
    ctx.queue.push_all(&jobs).await;
    Ok(())
}

/// A screening staff record for one member.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreeningBody {
    /// The household member screened.
    pub member_id: i64,
    /// See `SCREENING_KINDS`, e.g. `criminal_record`.
    pub kind: String,
    /// `clear`, `not_clear` or `pending`.
    pub outcome: String,
    /// `YYYY-MM-DD`; required unless pending.
    #[serde(default)]
    pub completed_on: Option<String>,
    /// `YYYY-MM-DD`; default one year after completion.
    #[serde(default)]
    pub expires_on: Option<String>,
    /// The certificate or reference number (never the report itself).
    #[serde(default)]
    pub reference: Option<String>,
}

/// Records a screening of a member of household `household_id`.
pub async fn record_screening(
    ctx: &Ctx,
    household_id: i64,
    body: &ScreeningBody,
    actor: &Actor,
) -> Result<()> {
    let mut f = FieldCollector::default();
    let kind = f.take("kind", one_of(&body.kind, SCREENING_KINDS));
    let outcome = f.take(
        "outcome",
        one_of(&body.outcome, &["clear", "not_clear", "pending"]),
    );
    let parse_opt = |v: &Option<String>| match v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    {
        Some(s) => parse_date(s).map(Some),
        None => Ok(None),
    };
    let completed = f
        .take("completed_on", parse_opt(&body.completed_on))
        .flatten();
    let expires = f.take("expires_on", parse_opt(&body.expires_on)).flatten();
    let reference = f.take(
        "reference",
        crate::domain::parse_long_text(body.reference.as_deref().unwrap_or(""), 100),
    );
    if outcome.is_some_and(|o| o != "pending")
        && completed.is_none()
        && body.completed_on.as_deref().unwrap_or("").trim().is_empty()
    {
        f.add("completed_on", "is required once the check is done");
    }
    if completed.is_some_and(|c| c > today(ctx)) {
        f.add("completed_on", "must not be in the future");
    }
    let expires =
        expires.or_else(|| completed.and_then(|c| c.checked_add_months(chrono::Months::new(12))));
    if let (Some(c), Some(e)) = (completed, expires)
        && e <= c
    {
        f.add("expires_on", "must be after completed_on");
    }
    f.finish()?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if store::lock(&mut tx, household_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let members = store::members_tx(&mut tx, household_id).await?;
    if !members.iter().any(|m| m.id == body.member_id) {
        return Err(AppError::field(
            "member_id",
            "is not a member of this household",
        ));
    }
    let row = store::NewScreening {
        member_id: body.member_id,
        kind: kind.expect("checked"),
        outcome: outcome.expect("checked"),
        completed_on: completed,
        expires_on: expires,
        reference: reference.expect("checked"),
    };
    store::insert_screening(&mut tx, &row, actor.staff_id(), now).await?;
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        "household.screening",
        &format!("household:{household_id}"),
        None,
        Some(&serde_json::json!({"member_id": row.member_id, "kind": row.kind, "outcome": row.outcome,
            "completed_on": row.completed_on, "expires_on": row.expires_on})),
        now,
    )
    .await?;
    let jobs = crate::placements::recheck(
        ctx,
        &mut tx,
        crate::placements::Scope::Household(household_id),
    )
    .await?;
    tx.commit().await?;
    ctx.queue.push_all(&jobs).await;
    Ok(())
}

/// Whether a household may host minors now, and if not, who still needs a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MinorsStanding {
    /// `ok`, `paused` (an adult lacks a valid check), `in_review` (changed since approval:
    /// staff approve again first) or `not_accepted` (the household's own choice).
    pub status: &'static str,
    /// Adults without a clear safeguarding check valid today.
    pub unscreened_adults: Vec<String>,
    /// The earliest expiry among the adults' checks: minors may stay until then.
    pub valid_until: Option<NaiveDate>,
    /// Each adult who keeps minors out, with why.
    pub blocking: Vec<BlockingAdult>,
}

/// Where one member's safeguarding checks stand: per kind the most recent result decides (by
/// completion date, then by when it was recorded; a pending check counts from the day it was
/// recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screened {
    /// No safeguarding check on record.
    Never,
    /// The latest check of every kind on record is clear; the latest expiry among them.
    Clear(Option<NaiveDate>),
    /// The latest check of `kind` is `not_clear` or `pending`: minors may not stay.
    Blocked { kind: String, outcome: String },
}

/// Where `member_id`'s safeguarding checks stand (see [`Screened`]).
pub fn screening_of(member_id: i64, screenings: &[ScreeningRow]) -> Screened {
    let mut until = None;
    let mut any = false;
    for kind in SAFEGUARDING_KINDS {
        let latest = screenings
            .iter()
            .filter(|s| s.member_id == member_id && s.kind == *kind)
            .max_by_key(|s| {
                (
                    s.completed_on.unwrap_or_else(|| s.created_at.date_naive()),
                    s.created_at,
                    s.id,
                )
            });
        let Some(latest) = latest else { continue };
        any = true;
        if latest.outcome != "clear" {
            return Screened::Blocked {
                kind: (*kind).to_owned(),
                outcome: latest.outcome.clone(),
            };
        }
        until = until.max(latest.expires_on);
    }
    if any {
        Screened::Clear(until)
    } else {
        Screened::Never
    }
}

/// Until when `member`'s safeguarding checks are clear; `None` without a clear check, or when
/// the latest result of a kind is not clear.
pub fn screened_until(member_id: i64, screenings: &[ScreeningRow]) -> Option<NaiveDate> {
    match screening_of(member_id, screenings) {
        Screened::Clear(until) => until,
        _ => None,
    }
}

/// Why `member_id` blocks minors from a result, in words; `None` unless a latest result is
/// not clear.
pub fn screening_block(member_id: i64, screenings: &[ScreeningRow]) -> Option<String> {
    match screening_of(member_id, screenings) {
        Screened::Blocked { kind, outcome } => Some(format!(
            "the latest {} check is {}",
            kind.replace('_', " "),
            outcome.replace('_', " ")
        )),
        _ => None,
    }
}

/// One adult who keeps minors out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BlockingAdult {
    pub member_id: i64,
    pub name: String,
    pub reason: String,
}

/// Works out whether household `row` may host minors on `today`.
pub fn minors_standing(
    row: &HouseholdRow,
    members: &[MemberRow],
    screenings: &[ScreeningRow],
    today: NaiveDate,
    adult_age: i32,
) -> MinorsStanding {
    let adults: Vec<&MemberRow> = members
        .iter()
        .filter(|m| age_on(m.born_on, today) >= adult_age)
        .collect();
    let until: Vec<(String, Option<NaiveDate>)> = adults
        .iter()
        .map(|m| (m.name.clone(), screened_until(m.id, screenings)))
        .collect();
    let unscreened: Vec<String> = until
        .iter()
        .filter(|(_, u)| u.is_none_or(|u| u <= today))
        .map(|(n, _)| n.clone())
        .collect();
    let valid_until = until
        .iter()
        .map(|(_, u)| *u)
        .collect::<Option<Vec<_>>>()
        .and_then(|v| v.into_iter().min());
    let blocking = adults
        .iter()
        .filter_map(|m| {
            let reason = match screening_of(m.id, screenings) {
                Screened::Never => "no safeguarding check on record".to_owned(),
                Screened::Blocked { .. } => screening_block(m.id, screenings)?,
                Screened::Clear(u) if u.is_none_or(|u| u <= today) => {
                    "the safeguarding check has expired".to_owned()
                }
                Screened::Clear(_) => return None,
            };
            Some(BlockingAdult {
                member_id: m.id,
                name: m.name.clone(),
                reason,
            })
        })
        .collect();
    MinorsStanding {
        blocking,
        status: if !row.accepts_minors {
            "not_accepted"
        } else if row.status == "review" {
            "in_review"
        } else if unscreened.is_empty() {
            "ok"
        } else {
            "paused"
        },
        unscreened_adults: unscreened,
        valid_until: valid_until.filter(|_| !adults.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_count_whole_years_from_the_birthday() {
        let born = NaiveDate::from_ymd_opt(2013, 6, 2).unwrap();
        assert_eq!(
            age_on(born, NaiveDate::from_ymd_opt(2031, 6, 1).unwrap()),
            17
        );
        assert_eq!(
            age_on(born, NaiveDate::from_ymd_opt(2031, 6, 2).unwrap()),
            18
        );
    }
}
