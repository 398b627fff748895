//! `/m/{token}`: one side of a placement answers. Accept and Decline are buttons that submit by
//! POST, so a mail scanner opening the link changes nothing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::forms::{CsrfToken, FormData};
use super::{Layout, PageError, PageResult, render, render_with};
use crate::context::Ctx;
use crate::core::error::AppError;
use crate::db::matches::MatchRow;
use crate::exchanges::placements::{self, Side};
use crate::i18n;

#[derive(Template)]
#[template(path = "match.html")]
struct MatchPage {
    l: Layout,
    csrf: String,
    token: String,
    event_title: String,
    event_when: String,
    intro: String,
    lines: Vec<String>,
    state: String,
    my_turn: bool,
    deadline: String,
    notice: Option<String>,
    problem: Option<String>,
}

/// `?answered=` after a POST.
#[derive(Debug, Deserialize)]
pub struct AnsweredQuery {
    #[serde(default)]
    pub answered: Option<String>,
}

/// Everything a placement page shows, read once.
struct Loaded {
    m: MatchRow,
    side: Side,
    event: crate::db::events::EventRow,
    reg: crate::db::registrations::RegistrationRow,
    household: crate::db::hosts::HouseholdRow,
}

impl Loaded {
    async fn read(ctx: &Ctx, token: &str) -> PageResult<Self> {
        let (m, side) = placements::find(ctx, token).await?;
        let event = crate::events::read::find_by_id(ctx, m.event_id).await?;
        let reg = crate::registrations::read::get(ctx, m.registration_id).await?;
        let household = crate::exchanges::households::get(ctx, m.household_id).await?;
        Ok(Self {
            m,
            side,
            event,
            reg,
            household,
        })
    }

    /// The page's language: the visitor's choice, else that of the side's own data (the
    /// household's, or the registration's).
    fn language(&self, headers: &axum::http::HeaderMap) -> &'static str {
        let own = match self.side {
            Side::Host => &self.household.language,
            Side::Visitor => &self.reg.language,
        };
        super::forms::private_page_language(headers, own)
    }
}

async fn page(ctx: &Ctx, token: &str, csrf: String, d: &Loaded) -> PageResult<MatchPage> {
    let lang = i18n::current();
    let (m, event) = (&d.m, &d.event);
    let confirmed = m.state == crate::domain::placement::MatchState::Confirmed;
    let (intro, lines) = match d.side {
        Side::Host => (
            "match-intro-host",
            placements::party_lines(ctx, lang, event, &d.reg, confirmed).await?,
        ),
        Side::Visitor => (
            "match-intro-visitor",
            placements::household_lines(ctx, lang, event, &d.household, confirmed).await?,
        ),
    };
    Ok(MatchPage {
        l: Layout::public(ctx, i18n::t(lang, "match-page-title")),
        csrf,
        token: token.to_owned(),
        event_title: event.text_in(lang).title,
        event_when: crate::email::compose::event_when_in(lang, event),
        intro: i18n::t(lang, intro),
        lines,
        state: i18n::t(
            lang,
            &format!("match-state-{}", m.state.as_str().replace('_', "-")),
        ),
        my_turn: placements::turn(m) == Some(d.side) && ctx.clock.now() < m.deadline,
        deadline: crate::email::compose::local_time_in(lang, m.deadline, event),
        notice: None,
        problem: None,
    })
}

/// `GET /m/{token}`.
pub async fn match_page(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    Query(q): Query<AnsweredQuery>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
) -> PageResult {
    let d = Loaded::read(&ctx, &token).await?;
    let lang = d.language(&headers);
    i18n::with_language(lang, async {
        let mut p = page(&ctx, &token, csrf.0, &d).await?;
        p.notice = match q.answered.as_deref() {
            Some("accept") => Some(i18n::t(lang, "match-thanks-accepted")),
            Some("decline") => Some(i18n::t(lang, "match-thanks-declined")),
            // Never why: the other side's details are not this side's to know.
            Some("withdrawn") => Some(i18n::t(lang, "match-thanks-withdrawn")),
            _ => None,
        };
        Ok(render(&p))
    })
    .await
}

/// `POST /m/{token}`: `action=accept` or `action=decline` (with an optional private reason).
pub async fn match_answer(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
    csrf: CsrfToken,
    form: FormData,
) -> PageResult {
    csrf.verify(&form)?;
    let action = form.get("action");
    let accept = match action {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::field("action", "must be accept or decline").into()),
    };
    match placements::respond(&ctx, &token, accept, form.get("reason")).await {
        Ok(crate::domain::placement::MatchState::Withdrawn) => {
            Ok(Redirect::to(&format!("/m/{token}?answered=withdrawn")).into_response())
        }
        Ok(_) => Ok(Redirect::to(&format!("/m/{token}?answered={action}")).into_response()),
        Err(AppError::Conflict { code, message }) => {
            let d = Loaded::read(&ctx, &token).await?;
            let lang = d.language(&headers);
            i18n::with_language(lang, async {
                let mut p = page(&ctx, &token, csrf.0.clone(), &d).await?;
                p.problem = Some(i18n::conflict_message(lang, code, &message));
                Ok(render_with(StatusCode::CONFLICT, &p))
            })
            .await
        }
        Err(e) => Err(PageError(e)),
    }
}
