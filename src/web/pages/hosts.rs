//! `/host` (the application to host visitors) and `/h/{token}` (the household's private page,
//! where it updates its details and availability). The form posts the same fields as the API
//! (`members[0].name`, `limits.max_nights` ...) and is checked by the same code.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::forms::{CsrfToken, FormData, field_id};
use super::host_form::{DATE_ROWS, LANGUAGE_ROWS, MEMBER_ROWS, body_of};
use super::{Layout, PageError, PageResult, render, render_with};
use crate::context::Ctx;
use crate::core::error::{AppError, FieldErrors};
use crate::db::hosts::{HouseholdRow, MemberRow};
use crate::exchanges::households::{self, DateRange, LanguageLevel, PetBody};
use crate::i18n::{self, LANGUAGES};

/// Pets the form lists with a box each (others go in a text field).
const PETS: &[&str] = &["cat", "dog", "bird", "rabbit"];
/// Languages a household can say it speaks, by their own names.
pub const SPOKEN: &[(&str, &str)] = &[
    ("en", "English"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("pl", "Polski"),
    ("nl", "Nederlands"),
    ("uk", "Українська"),
    ("ja", "日本語"),
    ("zh", "中文"),
    ("ar", "العربية"),
];

const CONTACT_FIELDS: &[(&str, &str, &str, &str)] = &[
    ("contact.name", "register-contact-name", "text", "name"),
    ("contact.email", "register-email", "email", "email"),
    ("contact.phone", "register-phone", "tel", "tel"),
];
const NUMBER_FIELDS: &[(&str, &str)] = &[
    ("beds", "host-beds"),
    ("bedrooms", "host-bedrooms"),
    ("max_parties", "host-max-parties"),
    ("bedroom_floor", "host-bedroom-floor"),
];

/// Choices of a select or group of boxes: (value, words shown).
pub type Options = Vec<(&'static str, String)>;

#[derive(Template)]
#[template(path = "host.html")]
struct HostPage {
    l: Layout,
    csrf: String,
    action: String,
    /// Set on the household's own page.
    token: Option<String>,
    notice: Option<String>,
    /// (status in words, minors standing in words), on the household's own page.
    standing: Option<(String, String)>,
    /// The form's values by field name (multi-valued fields joined by newlines).
    values: HashMap<String, String>,
    errors: FieldErrors,
    languages: &'static [(&'static str, &'static str)],
    spoken: &'static [(&'static str, &'static str)],
    contact_fields: &'static [(&'static str, &'static str, &'static str, &'static str)],
    number_fields: &'static [(&'static str, &'static str)],
    member_rows: Vec<MemberFields>,
    language_rows: Vec<(String, String, String)>,
    date_rows: Vec<Vec<(String, &'static str)>>,
    choices: Vec<(&'static str, &'static str, Options)>,
    pets: Options,
    diets: Options,
    levels: Options,
    genders: Options,
}

impl HostPage {
    fn err(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }

    fn v(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    fn on(&self, name: &str) -> bool {
        super::forms::is_yes(self.v(name))
    }

    fn has(&self, name: &str, value: &str) -> bool {
        self.v(name).lines().any(|v| v == value)
    }

    fn id(&self, name: &str) -> String {
        field_id(name)
    }

    /// Every message with the id of its field, in the order of the form.
    fn summary(&self) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = self
            .errors
            .iter()
            .map(|(name, message)| (field_id(name), message.clone()))
            .collect();
        all.sort();
        all
    }
}

/// The choices `values`, each shown by the message `prefix` + value (`_` as `-`).
pub fn options(lang: &str, prefix: &str, values: &[&'static str]) -> Options {
    values
        .iter()
        .map(|v| {
            (
                *v,
                i18n::t(lang, &format!("{prefix}{}", v.replace('_', "-"))),
            )
        })
        .collect()
}

/// How many member rows to show for `values`.
fn member_rows(values: &HashMap<String, String>) -> usize {
    let filled = (0..MEMBER_ROWS)
        .rev()
        .find(|i| {
            values
                .get(&format!("members[{i}].name"))
                .is_some_and(|v| !v.trim().is_empty())
        })
        .map_or(0, |i| i + 1);
    (filled + 2).clamp(4, MEMBER_ROWS)
}

/// The fields of one member row.
struct MemberFields {
    /// 1, 2, 3 ...
    n: String,
    /// Hidden: the member's id, for someone on record.
    id: String,
    name: String,
    display_name: String,
    born: String,
    /// The box that removes someone on record.
    remove: String,
}

/// The member rows shown.
fn member_row_list(values: &HashMap<String, String>) -> Vec<MemberFields> {
    (0..member_rows(values))
        .map(|i| MemberFields {
            n: (i + 1).to_string(),
            id: format!("members[{i}].id"),
            name: format!("members[{i}].name"),
            display_name: format!("members[{i}].display_name"),
            born: format!("members[{i}].born_on"),
            remove: format!("members[{i}].remove"),
        })
        .collect()
}

fn page(ctx: &Ctx, csrf: String, values: HashMap<String, String>) -> HostPage {
    let lang = i18n::current();
    let member_rows = member_row_list(&values);
    HostPage {
        l: Layout::public(ctx, i18n::t(lang, "host-page-title")),
        csrf,
        action: "/host".to_owned(),
        token: None,
        notice: None,
        standing: None,
        values,
        errors: FieldErrors::new(),
        languages: LANGUAGES,
        spoken: SPOKEN,
        contact_fields: CONTACT_FIELDS,
        number_fields: NUMBER_FIELDS,
        member_rows,
        language_rows: (0..LANGUAGE_ROWS)
            .map(|i| {
                (
                    (i + 1).to_string(),
                    format!("languages[{i}].code"),
                    format!("languages[{i}].level"),
                )
            })
            .collect(),
        date_rows: (0..DATE_ROWS)
            .map(|i| {
                vec![
                    (format!("available[{i}].from"), "host-available-from"),
                    (format!("available[{i}].to"), "host-available-to"),
                ]
            })
            .collect(),
        choices: vec![
            (
                "room",
                "host-room",
                options(lang, "host-room-", &["private", "shared"]),
            ),
            (
                "bathroom",
                "host-bathroom",
                options(lang, "host-bathroom-", &["private", "shared"]),
            ),
            (
                "smoking",
                "host-smoking",
                options(lang, "host-smoking-", &["none", "outside", "inside"]),
            ),
        ],
        pets: options(lang, "pet-", PETS),
        diets: options(lang, "diet-", households::DIETS),
        levels: options(lang, "level-", &["1", "2", "3"]),
        genders: options(lang, "guest-gender-", &["any", "female", "male"]),
    }
}

/// What a fresh form holds: one bed in a private room, no smoking, minors and couples welcome.
fn defaults() -> HashMap<String, String> {
    [
        ("contact.language", i18n::current()),
        ("beds", "1"),
        ("bedrooms", "1"),
        ("max_parties", "1"),
        ("bedroom_floor", "0"),
        ("room", "private"),
        ("bathroom", "shared"),
        ("smoking", "none"),
        ("pets_indoors", "yes"),
        ("limits.accepts_minors", "yes"),
        ("limits.accepts_couples", "yes"),
        ("limits.guest_gender", "any"),
        ("languages[0].level", "3"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// The form's values, kept for re-rendering (multi-valued fields joined by newlines).
fn values_of(form: &FormData) -> HashMap<String, String> {
    let mut values: HashMap<String, String> = HashMap::new();
    for (k, v) in &form.0 {
        values
            .entry(k.clone())
            .and_modify(|e| {
                e.push('\n');
                e.push_str(v);
            })
            .or_insert_with(|| v.clone());
    }
    values
}

/// The form's values for a stored household.
fn values_of_row(row: &HouseholdRow, members: &[MemberRow]) -> HashMap<String, String> {
    let mut v: HashMap<String, String> = HashMap::new();
    let mut put = |k: String, val: String| {
        v.insert(k, val);
    };
    put("contact.name".into(), row.contact_name.clone());
    put("contact.email".into(), row.contact_email.clone());
    put("contact.phone".into(), row.contact_phone.clone());
    put("contact.language".into(), row.language.clone());
    put("address".into(), row.address.clone());
    put("area".into(), row.area.clone());
    for (i, m) in members.iter().enumerate() {
        put(format!("members[{i}].id"), m.id.to_string());
        put(format!("members[{i}].name"), m.name.clone());
        put(
            format!("members[{i}].display_name"),
            m.shown_name().to_owned(),
        );
        put(format!("members[{i}].born_on"), m.born_on.to_string());
    }
    for (k, n) in [
        ("beds", row.beds),
        ("bedrooms", row.bedrooms),
        ("max_parties", row.max_parties),
        ("bedroom_floor", row.bedroom_floor),
    ] {
        put(k.into(), n.to_string());
    }
    put("room".into(), row.room.clone());
    put("bathroom".into(), row.bathroom.clone());
    put("smoking".into(), row.smoking.clone());
    let yes = |b: bool| if b { "yes" } else { "" }.to_owned();
    put("step_free".into(), yes(row.step_free));
    let pets: Vec<PetBody> = serde_json::from_str(&row.pets).unwrap_or_default();
    put(
        "pets_indoors".into(),
        yes(pets.is_empty() || pets.iter().any(|p| p.indoors)),
    );
    put(
        "pets".into(),
        pets.iter()
            .filter(|p| PETS.contains(&p.species.as_str()))
            .map(|p| p.species.clone())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    put(
        "pets_other".into(),
        pets.iter()
            .filter(|p| !PETS.contains(&p.species.as_str()))
            .map(|p| p.species.clone())
            .collect::<Vec<_>>()
            .join(", "),
    );
    let diets: Vec<String> = serde_json::from_str(&row.diets).unwrap_or_default();
    put("diets".into(), diets.join("\n"));
    let languages: Vec<LanguageLevel> = serde_json::from_str(&row.languages).unwrap_or_default();
    for (i, l) in languages.iter().enumerate() {
        put(format!("languages[{i}].code"), l.code.clone());
        put(format!("languages[{i}].level"), l.level.to_string());
    }
    let interests: Vec<String> = serde_json::from_str(&row.interests).unwrap_or_default();
    put("interests".into(), interests.join(", "));
    let available: Vec<DateRange> = serde_json::from_str(&row.available).unwrap_or_default();
    for (i, r) in available.iter().enumerate() {
        put(format!("available[{i}].from"), r.from.clone());
        put(format!("available[{i}].to"), r.to.clone());
    }
    put("limits.accepts_minors".into(), yes(row.accepts_minors));
    put("limits.accepts_couples".into(), yes(row.accepts_couples));
    put("limits.accepts_smokers".into(), yes(row.accepts_smokers));
    put("limits.guest_gender".into(), row.guest_gender.clone());
    put(
        "limits.max_nights".into(),
        row.max_nights.map(|n| n.to_string()).unwrap_or_default(),
    );
    v
}

/// Field messages in the page's language.
fn translated(errors: FieldErrors) -> FieldErrors {
    let lang = i18n::current();
    errors
        .into_iter()
        .map(|(field, m)| (field, i18n::field_message(lang, &m)))
        .collect()
}

/// `GET /host`: the application form.
pub async fn host_form(State(ctx): State<Ctx>, csrf: CsrfToken) -> PageResult {
    Ok(render(&page(&ctx, csrf.0, defaults())))
}

/// `POST /host`: applies, then on to the household's own page; errors re-render the form.
pub async fn host_submit(State(ctx): State<Ctx>, csrf: CsrfToken, form: FormData) -> PageResult {
    csrf.verify(&form)?;
    match households::apply(&ctx, &body_of(&form)).await {
        Ok(done) => Ok(Redirect::to(&format!("/h/{}?applied=1", done.token)).into_response()),
        Err(AppError::Validation(errors)) => {
            let mut p = page(&ctx, csrf.0, values_of(&form));
            p.errors = translated(errors);
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(e) => Err(PageError(e)),
    }
}

/// `?applied=1` or `?saved=1` after a submission.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    pub applied: Option<String>,
    #[serde(default)]
    pub saved: Option<String>,
}

async fn own_page(
    ctx: &Ctx,
    token: &str,
    csrf: String,
    row: &HouseholdRow,
) -> PageResult<HostPage> {
    let lang = i18n::current();
    let (members, screenings) =
        crate::exchanges::households::members_and_screenings(ctx, row.id).await?;
    let today = ctx.clock.now().date_naive();
    let standing =
        households::minors_standing(row, &members, &screenings, today, ctx.settings.adult_age);
    let minors = match standing.status {
        "ok" => i18n::t(lang, "host-minors-ok"),
        "not_accepted" => i18n::t(lang, "host-minors-not-accepted"),
        "in_review" => i18n::t(lang, "host-minors-review"),
        _ => i18n::t_with(
            lang,
            "host-minors-paused",
            &[("names", &standing.unscreened_adults.join(", "))],
        ),
    };
    let mut p = page(ctx, csrf, values_of_row(row, &members));
    p.l.title = i18n::t(lang, "host-edit-heading");
    p.action = format!("/h/{token}");
    p.token = Some(token.to_owned());
    p.standing = Some((
        i18n::t(lang, &format!("host-status-{}", row.status)),
        minors,
    ));
    Ok(p)
}

/// Runs `f` in the household's language unless the visitor chose one with the switch.
async fn in_household_language<F>(
    headers: &axum::http::HeaderMap,
    row: &HouseholdRow,
    f: F,
) -> PageResult
where
    F: AsyncFnOnce() -> PageResult,
{
    i18n::with_language(
        super::forms::private_page_language(headers, &row.language),
        f(),
    )
    .await
}

/// `GET /h/{token}`: the household's own page, with its details in the form.
pub async fn own_form(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    Query(q): Query<DoneQuery>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
) -> PageResult {
    let row = households::find(&ctx, &token).await?;
    in_household_language(&headers, &row, async || {
        let lang = i18n::current();
        let mut p = own_page(&ctx, &token, csrf.0, &row).await?;
        p.notice = if q.applied.is_some() {
            Some(i18n::t(lang, "host-applied"))
        } else if q.saved.is_some() {
            Some(i18n::t(lang, "host-saved"))
        } else {
            None
        };
        Ok(render(&p))
    })
    .await
}

/// `POST /h/{token}`: saves the household's changes.
pub async fn own_submit(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
    form: FormData,
) -> PageResult {
    csrf.verify(&form)?;
    let row = households::find(&ctx, &token).await?;
    match households::update(&ctx, &token, &body_of(&form)).await {
        Ok(_) => Ok(Redirect::to(&format!("/h/{token}?saved=1")).into_response()),
        Err(AppError::Validation(errors)) => {
            in_household_language(&headers, &row, async || {
                let mut p = own_page(&ctx, &token, csrf.0.clone(), &row).await?;
                p.values = values_of(&form);
                p.member_rows = member_row_list(&p.values);
                p.errors = translated(errors);
                Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
            })
            .await
        }
        Err(e) => Err(PageError(e)),
    }
}
