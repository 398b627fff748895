//! `/g/{token}`: a minor's guardian reviews the visitor's profile and answers the placement
//! consents themselves (issue 15). The page is in the registration's language unless the
//! guardian picks another; a wrong answer re-renders the form with field messages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::forms::{CsrfToken, FormData, field_id};
use super::{Layout, PageError, PageResult, render, render_with};
use crate::context::Ctx;
use crate::core::error::{AppError, FieldErrors};
use crate::db::guardians::GuardianRow;
use crate::domain::visitor::{PLACEMENT_CONSENTS, VisitorProfile};
use crate::exchanges::guardians::{self, AnswerBody};
use crate::i18n;

/// One consent as the page asks it: (key, words, the answer chosen: `give`, `refuse` or "").
type ConsentRow = (&'static str, String, String);

#[derive(Template)]
#[template(path = "guardian.html")]
struct GuardianPage {
    l: Layout,
    csrf: String,
    token: String,
    event_title: String,
    event_when: String,
    guardian: String,
    visitor: String,
    /// The visitor's profile, line by line.
    profile: Vec<String>,
    consents: Vec<ConsentRow>,
    medical: String,
    emergency_name: String,
    emergency_phone: String,
    /// Where the answer stands, in words.
    status: String,
    notice: Option<String>,
    errors: FieldErrors,
}

impl GuardianPage {
    fn err(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }

    fn id(&self, name: &str) -> String {
        field_id(name)
    }

    /// Every message with the id of its field, in the order of the form.
    fn summary(&self) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|(name, message)| (field_id(name), message.clone()))
            .collect()
    }
}

/// `?saved=` after an answer.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    pub saved: Option<String>,
}

/// The visitor's profile as the guardian reviews it.
fn profile_lines(lang: &str, profile: &VisitorProfile) -> Vec<String> {
    let t = |key: &str| i18n::t(lang, key);
    let mut lines = vec![
        format!("{}: {}", t("host-member-born"), profile.born_on),
        format!(
            "{}: {}",
            t("visitor-gender"),
            t(&format!("visitor-gender-{}", profile.gender))
        ),
    ];
    if let Some(shown) = &profile.display_name {
        lines.push(format!("{}: {shown}", t("visitor-display-name")));
    }
    if !profile.languages.is_empty() {
        let list: Vec<String> = profile
            .languages
            .iter()
            .map(|l| format!("{} ({})", l.code, t(&format!("level-{}", l.level))))
            .collect();
        lines.push(i18n::t_with(
            lang,
            "match-line-languages",
            &[("list", &list.join(", "))],
        ));
    }
    let mut needs: Vec<String> = profile
        .allergies
        .iter()
        .map(|a| format!("{} ({})", a.agent, t(&format!("allergy-{}", a.severity))))
        .collect();
    needs.extend(
        profile
            .diets_required
            .iter()
            .map(|d| t(&format!("diet-{}", d.replace('_', "-")))),
    );
    if profile.smoker {
        needs.push(t("visitor-smoker"));
    }
    if !profile.stairs_ok {
        needs.push(t("visitor-no-stairs"));
    }
    if !needs.is_empty() {
        lines.push(i18n::t_with(
            lang,
            "match-line-needs",
            &[("list", &needs.join(", "))],
        ));
    }
    lines
}

/// Everything the page shows, read once.
async fn load(ctx: &Ctx, token: &str) -> PageResult<(GuardianRow, String, VisitorProfile)> {
    let row = guardians::find(ctx, token).await?;
    let participant = crate::registrations::read::participants(ctx, row.registration_id)
        .await?
        .into_iter()
        .find(|p| p.id == row.participant_id)
        .ok_or(AppError::NotFound)?;
    let profile: VisitorProfile =
        serde_json::from_str(&participant.profile).map_err(|_| AppError::NotFound)?;
    Ok((row, participant.name, profile))
}

async fn page(
    ctx: &Ctx,
    token: &str,
    csrf: String,
    (row, visitor, profile): &(GuardianRow, String, VisitorProfile),
) -> PageResult<GuardianPage> {
    let lang = i18n::current();
    let reg = crate::registrations::read::get(ctx, row.registration_id).await?;
    let event = crate::events::read::find_by_id(ctx, reg.event_id).await?;
    let (given, refused) = (row.given(), row.refused());
    Ok(GuardianPage {
        l: Layout::public(ctx, i18n::t(lang, "guardian-page-title")),
        csrf,
        token: token.to_owned(),
        event_title: event.text_in(lang).title,
        event_when: crate::email::compose::event_when_in(lang, &event),
        guardian: row.guardian_name.clone(),
        visitor: visitor.clone(),
        profile: profile_lines(lang, profile),
        consents: PLACEMENT_CONSENTS
            .iter()
            .map(|c| {
                let chosen = if given.iter().any(|g| g == c) {
                    "give"
                } else if refused.iter().any(|r| r == c) {
                    "refuse"
                } else {
                    ""
                };
                (
                    *c,
                    i18n::t(lang, &format!("placement-consent-{}", c.replace('_', "-"))),
                    chosen.to_owned(),
                )
            })
            .collect(),
        medical: row.medical.clone(),
        emergency_name: row.emergency_name.clone(),
        emergency_phone: row.emergency_phone.clone(),
        status: i18n::t(lang, &format!("guardian-status-{}", row.status)),
        notice: None,
        errors: FieldErrors::new(),
    })
}

/// The page's language: the guardian's choice, else the registration's.
fn language(headers: &axum::http::HeaderMap, row: &GuardianRow) -> &'static str {
    super::forms::private_page_language(headers, &row.language)
}

/// `GET /g/{token}`.
pub async fn guardian_page(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    Query(q): Query<SavedQuery>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
) -> PageResult {
    let loaded = load(&ctx, &token).await?;
    let lang = language(&headers, &loaded.0);
    i18n::with_language(lang, async {
        let mut p = page(&ctx, &token, csrf.0, &loaded).await?;
        p.notice = q.saved.is_some().then(|| {
            i18n::t_with(
                lang,
                &format!("guardian-saved-{}", loaded.0.status),
                &[("visitor", &loaded.1)],
            )
        });
        Ok(render(&p))
    })
    .await
}

/// The answer the form describes.
fn body_of(form: &FormData) -> AnswerBody {
    AnswerBody {
        decision: form.get("decision").to_owned(),
        consents: PLACEMENT_CONSENTS
            .iter()
            .map(|c| {
                (
                    (*c).to_owned(),
                    form.get(&format!("consents.{c}")).to_owned(),
                )
            })
            .collect(),
        medical: form.get("medical").to_owned(),
        emergency_name: form.get("emergency_name").to_owned(),
        emergency_phone: form.get("emergency_phone").to_owned(),
    }
}

/// `POST /g/{token}`: `decision=confirm` with each consent given or refused and the emergency
/// contact, or `decision=refuse`.
pub async fn guardian_answer(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
    form: FormData,
) -> PageResult {
    csrf.verify(&form)?;
    let body = body_of(&form);
    match guardians::answer(&ctx, &token, &body).await {
        Ok(_) => Ok(Redirect::to(&format!("/g/{token}?saved=1")).into_response()),
        Err(AppError::Validation(errors)) => {
            let loaded = load(&ctx, &token).await?;
            let lang = language(&headers, &loaded.0);
            i18n::with_language(lang, async {
                let mut p = page(&ctx, &token, csrf.0.clone(), &loaded).await?;
                for (key, _, chosen) in &mut p.consents {
                    chosen.clone_from(&form.get(&format!("consents.{key}")).to_owned());
                }
                p.medical = body.medical.clone();
                p.emergency_name = body.emergency_name.clone();
                p.emergency_phone = body.emergency_phone.clone();
                p.errors = errors
                    .into_iter()
                    .map(|(field, m)| (field, i18n::field_message(lang, &m)))
                    .collect();
                Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
            })
            .await
        }
        Err(e) => Err(PageError(e)),
    }
}
