//! The home page, an event's page, partner cities, the calendar feed and the language choice.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::context::Ctx;
use crate::core::error::AppError;
use crate::db::events::{EventRow, PartnerCityRow};
use crate::domain::EventStatus;
use crate::email::ics::{CalendarEntry, calendar_feed};
use crate::i18n::{self, LANGUAGES};
use crate::web::pages::forms::set_cookie;
use crate::web::pages::view::{EventView, PartnerView, Window};
use crate::web::pages::{Layout, PageResult, cached, render};

/// Filters of the home page.
#[derive(Debug, Deserialize)]
pub struct HomeQuery {
    /// Only events with this partner city.
    #[serde(default)]
    pub partner: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    events: Vec<EventView>,
    partners: Vec<PartnerView>,
    partner: Option<PartnerView>,
}

async fn upcoming(ctx: &Ctx, partner_id: Option<i64>) -> anyhow::Result<Vec<EventView>> {
    let now = ctx.clock.now();
    let rows = crate::events::read::upcoming(ctx).await?;
    let offerings = crate::events::read::offerings_of_published(ctx).await?;
    let partners: HashMap<i64, PartnerCityRow> = crate::events::read::partners(ctx)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(rows
        .iter()
        .filter(|e| partner_id.is_none() || e.partner_city_id == partner_id)
        .map(|e| {
            let partner = e.partner_city_id.and_then(|id| partners.get(&id));
            let offers = offerings.get(&e.id).map_or(&[][..], Vec::as_slice);
            EventView::new(e, offers, partner, now)
        })
        .collect())
}

/// `GET /`: upcoming events and exchanges, optionally of one partner city.
pub async fn home(State(ctx): State<Ctx>, Query(q): Query<HomeQuery>) -> PageResult {
    cached(&ctx, render_home(&ctx, q)).await
}

async fn render_home(ctx: &Ctx, q: HomeQuery) -> PageResult {
    let partners = crate::events::read::partners(ctx).await?;
    let partner = match q.partner.as_deref().filter(|p| !p.is_empty()) {
        Some(slug) => Some(
            partners
                .iter()
                .find(|p| p.slug == slug)
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let events = upcoming(ctx, partner.map(|p| p.id)).await?;
    Ok(render(&HomePage {
        l: Layout::public(ctx, i18n::t(i18n::current(), "home-title")),
        events,
        partners: partners.iter().map(PartnerView::new).collect(),
        partner: partner.map(PartnerView::new),
    }))
}

/// Loads a published or cancelled event with its offerings and partner; drafts are not public.
pub(super) async fn public_event(ctx: &Ctx, slug: &str) -> PageResult<(EventRow, EventView)> {
    let event = crate::events::read::find_optional(ctx, slug)
        .await?
        .filter(|e| e.status != EventStatus::Draft)
        .ok_or(AppError::NotFound)?;
    let (offerings, partner) = crate::events::read::offerings_and_partner(ctx, &event).await?;
    let view = EventView::new(&event, &offerings, partner.as_ref(), ctx.clock.now())
        .with_card(&event, ctx.card.is_some());
    Ok((event, view))
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    l: Layout,
    event: EventView,
}

/// `GET /events/{slug}`.
pub async fn event_page(State(ctx): State<Ctx>, Path(slug): Path<String>) -> PageResult {
    cached(&ctx, async {
        let (_, event) = public_event(&ctx, &slug).await?;
        Ok(render(&EventPage {
            l: Layout::public(&ctx, event.title.clone()),
            event,
        }))
    })
    .await
}

#[derive(Template)]
#[template(path = "partner.html")]
struct PartnerPage {
    l: Layout,
    partner: PartnerView,
    partnership: String,
    languages: Vec<String>,
    events: Vec<EventView>,
}

/// `GET /partners/{slug}`: a sister city and its upcoming events and exchanges.
pub async fn partner_page(State(ctx): State<Ctx>, Path(slug): Path<String>) -> PageResult {
    cached(&ctx, render_partner(&ctx, &slug)).await
}

async fn render_partner(ctx: &Ctx, slug: &str) -> PageResult {
    let partner = crate::events::read::partner(ctx, slug).await?;
    let events = upcoming(ctx, Some(partner.id)).await?;
    let view = PartnerView::new(&partner);
    Ok(render(&PartnerPage {
        l: Layout::public(ctx, format!("{}, {}", partner.name, partner.country)),
        partnership: view.partnership(ctx.clock.now()),
        languages: partner
            .languages
            .split(',')
            .filter(|l| !l.is_empty())
            .map(|l| {
                LANGUAGES
                    .iter()
                    .find(|(code, _)| *code == l)
                    .map_or_else(|| l.to_owned(), |(_, name)| (*name).to_owned())
            })
            .collect(),
        partner: view,
        events,
    }))
}

/// `GET /events.ics`: every upcoming published event, for calendar subscriptions.
pub async fn events_feed(State(ctx): State<Ctx>) -> PageResult {
    cached(&ctx, render_feed(&ctx)).await
}

async fn render_feed(ctx: &Ctx) -> PageResult {
    let rows = crate::events::read::upcoming(ctx).await?;
    let host = ctx
        .settings
        .base_url()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .to_owned();
    let uids: Vec<String> = rows
        .iter()
        .map(|e| format!("event-{}@{host}", e.id))
        .collect();
    let urls: Vec<String> = rows
        .iter()
        .map(|e| format!("{}/events/{}", ctx.settings.base_url(), e.slug))
        .collect();
    let texts: Vec<_> = rows.iter().map(|e| e.text_in(i18n::current())).collect();
    let entries: Vec<CalendarEntry<'_>> = rows
        .iter()
        .zip(uids.iter().zip(&urls))
        .zip(&texts)
        .map(|((e, (uid, url)), text)| CalendarEntry {
            uid,
            title: &text.title,
            description: &text.description,
            venue: &e.venue,
            url,
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            timezone: crate::domain::TimeZone::parse(&e.timezone).map_or(chrono_tz::UTC, |z| z.0),
        })
        .collect();
    let body = calendar_feed(&ctx.settings.org_name, &entries);
    let mut response = calendar_response(body, "events.ics");
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        header::HeaderValue::from_static("inline; filename=\"events.ics\""),
    );
    Ok(response)
}

/// Window in words for templates.
impl Window {
    /// The sentence shown where the Register button would be.
    pub fn sentence(&self) -> String {
        match self {
            Window::Open => String::new(),
            Window::OpensOn(when) => {
                i18n::t_with(i18n::current(), "window-opens", &[("when", when)])
            }
            Window::Closed => i18n::t(i18n::current(), "window-closed"),
            Window::Cancelled => i18n::t(i18n::current(), "event-cancelled"),
        }
    }
}

/// Where the language switch returns to.
#[derive(Debug, Deserialize)]
pub struct LanguageQuery {
    /// The page the visitor was on (a path on this site).
    #[serde(default)]
    back: String,
}

/// `GET /language/{code}?back=/path`: keeps the visitor's choice of language in a cookie for a
/// year and returns to the page they were on (only paths on this site; anything else goes
/// home).
pub async fn choose_language(
    State(ctx): State<Ctx>,
    Path(code): Path<String>,
    Query(query): Query<LanguageQuery>,
) -> PageResult {
    let code = crate::i18n::supported(&code).ok_or(AppError::NotFound)?;
    let back = crate::domain::text::same_site_path(&query.back).unwrap_or("/");
    let mut response = Redirect::to(back).into_response();
    response.headers_mut().append(
        axum::http::header::SET_COOKIE,
        set_cookie(&ctx, crate::i18n::COOKIE, code, "/", Some(365 * 24 * 3600)),
    );
    Ok(response)
}

pub(super) fn calendar_response(body: String, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}
