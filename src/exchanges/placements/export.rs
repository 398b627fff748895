//! The placements of an exchange as CSV, for staff: one row per match, formulas neutralised.

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::Result;
use crate::db::events::EventRow;

/// The exchange `slug` and its placements as CSV; the export is audited.
pub async fn csv(ctx: &Ctx, slug: &str, actor: &Actor) -> Result<(EventRow, Vec<u8>)> {
    let event = super::super::exchange_event(ctx, slug).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let cell = |s: &str| crate::domain::text::safe_cell(s);
    w.write_record([
        "match",
        "state",
        "registration",
        "contact",
        "visitors",
        "household",
        "host",
        "area",
        "address",
        "host_email",
        "host_phone",
        "score",
        "override_reason",
        "proposed_by",
        "deadline",
    ])
    .map_err(anyhow::Error::from)?;
    for m in super::list(ctx, &event).await? {
        let reg = crate::db::registrations::get(&ctx.db, m.registration).await?;
        let h = crate::db::hosts::get(&ctx.db, m.household).await?;
        let visitors: Vec<String> = crate::db::registrations::participants(&ctx.db, m.registration)
            .await?
            .into_iter()
            .map(|p| p.name)
            .collect();
        let (contact, host, area, address, email, phone) = match (&reg, &h) {
            (Some(r), Some(h)) => (
                r.contact_name.clone(),
                h.contact_name.clone(),
                h.area.clone(),
                h.address.clone(),
                h.contact_email.clone(),
                h.contact_phone.clone(),
            ),
            _ => Default::default(),
        };
        w.write_record([
            m.id.to_string(),
            m.state.clone(),
            m.registration.to_string(),
            cell(&contact),
            cell(&visitors.join("; ")),
            m.household.to_string(),
            cell(&host),
            cell(&area),
            cell(&address),
            cell(&email),
            cell(&phone),
            m.score.to_string(),
            cell(&m.override_reason),
            cell(&m.proposed_by),
            m.deadline.clone(),
        ])
        .map_err(anyhow::Error::from)?;
    }
    let body = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = ctx.db.begin().await?;
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        "export.placements",
        &format!("event:{}", event.id),
        None,
        None,
        ctx.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok((event, body))
}
