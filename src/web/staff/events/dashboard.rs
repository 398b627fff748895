//! The per-event dashboard: seats, registrations, messages.

use askama::Template;
use axum::extract::{Path, State};

use super::list::event_by_slug;
use crate::context::Ctx;
use crate::db::events as db_events;
use crate::domain::RegistrationStatus;
use crate::email::compose::{event_when, money};
use crate::web::extract::Role;
use crate::web::pages::{Layout, PageResult, render};
use crate::web::staff::StaffSession;

/// Who a message went to, in words.
fn audience(m: &crate::db::messages::MessageRow) -> String {
    let mut parts = vec![
        m.filter_status
            .clone()
            .unwrap_or_else(|| "every live registration".to_owned()),
    ];
    if let Some(o) = &m.filter_offering {
        parts.push(format!("offering {o}"));
    }
    match m.filter_checked_in {
        Some(true) => parts.push("checked in".to_owned()),
        Some(false) => parts.push("not checked in".to_owned()),
        None => {}
    }
    parts.join(", ")
}

/// Seats and people per offering on the dashboard.
struct OfferingStats {
    name: String,
    price: String,
    held: i64,
    capacity: String,
}

#[derive(Template)]
#[template(path = "staff/event_dashboard.html")]
struct DashboardPage {
    l: Layout,
    csrf: String,
    slug: String,
    title: String,
    when: String,
    venue: String,
    status: String,
    held: i64,
    capacity: String,
    by_status: Vec<(String, i64, i64)>,
    offerings: Vec<OfferingStats>,
    expected: String,
    received: String,
    due: String,
    public_url: String,
    /// Whether the event is an exchange (it has a matching board).
    is_exchange: bool,
    offering_keys: Vec<(String, String)>,
    /// (key, element id, header, chosen) per export column.
    columns: Vec<(String, String, String, bool)>,
    statuses: Vec<&'static str>,
    presets: Vec<String>,
    preset: String,
    messages: Vec<MessageLine>,
    sent: bool,
}

/// A sent message on the event page.
struct MessageLine {
    subject: String,
    audience: String,
    recipients: i64,
    deliveries: String,
    sent_by: String,
    when: String,
}

/// Query of the event page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DashboardQuery {
    /// A saved column choice to pre-select in the export form.
    #[serde(default)]
    preset: String,
    /// Set after a message was sent.
    #[serde(default)]
    sent: String,
}

/// `GET /staff/events/{slug}`: seats, registrations by state and offering, money.
pub async fn event_dashboard(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    axum::extract::Query(query): axum::extract::Query<DashboardQuery>,
) -> PageResult {
    session.require(Role::Staff)?;
    let row = event_by_slug(&ctx, &slug).await?;
    let presets = crate::exports::presets(&ctx, row.id).await?;
    let questions = crate::domain::question::from_stored(&row.questions);
    let all = crate::exports::all_columns(&questions);
    let chosen = presets
        .iter()
        .find(|p| p.name == query.preset)
        .map(|p| crate::exports::preset_columns(&p.columns, &questions))
        .unwrap_or_else(|| all.clone());
    let messages = message_lines(&ctx, &row).await?;
    let offerings = crate::events::read::offerings(&ctx, row.id).await?;
    let (by_status, (expected, received, due)) = tally(&ctx, row.id).await?;
    let currency = offerings
        .first()
        .map_or("USD".to_owned(), |o| o.currency.clone());
    Ok(render(&DashboardPage {
        l: session.layout(&ctx, row.title.clone()),
        csrf: session.csrf.clone(),
        when: event_when(&row),
        venue: row.venue.clone(),
        status: row.status.to_string(),
        held: row.seats_held,
        capacity: row
            .capacity
            .map_or("unlimited".to_owned(), |c| c.to_string()),
        by_status: by_status
            .into_iter()
            .map(|(s, n, seats)| (s.to_string(), n, seats))
            .collect(),
        offerings: offerings
            .iter()
            .map(|o| OfferingStats {
                name: o.name.clone(),
                price: crate::web::pages::view::price(o.price_minor, &o.currency),
                held: o.seats_held,
                capacity: o.capacity.map_or("–".to_owned(), |c| c.to_string()),
            })
            .collect(),
        expected: money(expected, &currency),
        received: money(received, &currency),
        due: money(due, &currency),
        public_url: format!("/events/{}", row.slug),
        is_exchange: row.is_exchange(),
        offering_keys: offerings
            .iter()
            .map(|o| (o.key.clone(), o.name.clone()))
            .collect(),
        columns: all
            .iter()
            .map(|c| {
                (
                    c.key(),
                    crate::web::pages::forms::field_id(&format!("col-{}", c.key())),
                    c.header().to_owned(),
                    chosen.contains(c),
                )
            })
            .collect(),
        statuses: RegistrationStatus::ALL.iter().map(|s| s.as_str()).collect(),
        presets: presets.into_iter().map(|p| p.name).collect(),
        preset: query.preset,
        messages,
        sent: !query.sent.is_empty(),
        slug: row.slug,
        title: row.title,
    }))
}

/// The messages sent about event `row`, newest first, with their deliveries.
async fn message_lines(ctx: &Ctx, row: &db_events::EventRow) -> PageResult<Vec<MessageLine>> {
    Ok(crate::broadcasts::list(ctx, row.id)
        .await?
        .into_iter()
        .map(|s| MessageLine {
            audience: audience(&s.message),
            recipients: s.message.recipients,
            deliveries: s
                .deliveries
                .iter()
                .map(|(status, n)| format!("{n} {status}"))
                .collect::<Vec<_>>()
                .join(", "),
            sent_by: s.message.created_by.clone(),
            when: crate::email::compose::local_time(s.message.created_at, row),
            subject: s.message.subject,
        })
        .collect())
}

/// Per state, the registrations and their seats; and the money expected, received and due
/// on registrations holding seats.
async fn tally(
    ctx: &Ctx,
    event_id: i64,
) -> PageResult<(Vec<(RegistrationStatus, i64, i64)>, (i64, i64, i64))> {
    // The tally needs no participants: two queries, not the event's whole participant list.
    let regs = crate::registrations::read::registrations(ctx, event_id, None).await?;
    let paid = crate::registrations::read::paid_by_registration(ctx, event_id).await?;
    let mut by_status: Vec<(RegistrationStatus, i64, i64)> =
        RegistrationStatus::ALL.iter().map(|s| (*s, 0, 0)).collect();
    let (mut expected, mut received, mut due) = (0_i64, 0_i64, 0_i64);
    for r in &regs {
        if let Some(entry) = by_status.iter_mut().find(|(s, ..)| *s == r.status) {
            entry.1 += 1;
            entry.2 += r.seats;
        }
        let p = paid.get(&r.id).copied().unwrap_or(0);
        received += p;
        let holds = r.status.holds_seats();
        if holds {
            expected += r.total_minor;
            due += (r.total_minor - p).max(0);
        }
    }
    Ok((by_status, (expected, received, due)))
}
