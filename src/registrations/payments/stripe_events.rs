//! Stripe's webhook events, processed once each, and the periodic reconciliation.

use chrono::Duration;

use super::super::lifecycle as registrations;
use super::checkout::gateway_of;
use super::refunds::{issue_refund, sync_refunds};
use super::settle::settle_session;
use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::db::card as store;

/// Sessions are asked about again at most this often by the reconciliation.
const RECHECK_EVERY: Duration = Duration::minutes(10);

/// Flags the registration paid by charge `charge_id` as disputed, if Stripe says it is.
async fn flag_dispute(ctx: &Ctx, charge_id: &str) -> anyhow::Result<&'static str> {
    let gw = gateway_of(ctx).map_err(crate::core::error::into_anyhow)?;
    let charge = gw.charge(charge_id).await?;
    if !charge.disputed {
        return Ok("charge not disputed");
    }
    let Some(pi) = charge.payment_intent else {
        return Ok("charge without a payment");
    };
    let Some(payment) = store::card_payment_by_intent(&ctx.db, &pi).await? else {
        return Ok("unknown payment");
    };
    let now = ctx.clock.now();
    let Some((mut tx, _event, reg)) = registrations::lock_by_id(ctx, payment.registration_id)
        .await
        .map_err(crate::core::error::into_anyhow)?
    else {
        return Ok("unknown registration");
    };
    if store::mark_disputed(&mut tx, reg.id, now).await? {
        let after = serde_json::json!({"charge": charge.id, "payment_intent": pi});
        registrations::audit_registration(
            &mut tx,
            &Actor::System,
            "payment.dispute",
            &reg,
            None,
            &after,
            now,
        )
        .await
        .map_err(crate::core::error::into_anyhow)?;
    }
    tx.commit().await?;
    Ok("dispute flagged for staff")
}

/// Stores a verified event from Stripe's webhook once (a redelivery is not stored again) and
/// queues its processing; whether it was new. A failed push is left to the sweep, which
/// processes stored events whose job was lost.
pub async fn accept(ctx: &Ctx, envelope: &super::webhook::Envelope) -> anyhow::Result<bool> {
    let now = ctx.clock.now();
    let new = store::insert_event(
        &ctx.db,
        &envelope.id,
        &envelope.kind,
        &envelope.object_id,
        now,
    )
    .await?;
    if new {
        let job: crate::core::job::Job = crate::core::job::StripeEvent {
            event_id: envelope.id.clone(),
        }
        .into();
        if let Err(e) = ctx.queue.push(&job, now).await {
            tracing::warn!(
                error = format!("{e:#}"),
                "queueing a Stripe event failed; the sweep processes it"
            );
        }
    }
    Ok(new)
}

/// Processes stored webhook event `id` (once).
pub async fn process_event(ctx: &Ctx, id: &str) -> anyhow::Result<()> {
    let Some(event) = store::event(&ctx.db, id).await? else {
        return Ok(());
    };
    if event.processed_at.is_some() {
        return Ok(());
    }
    let object = event.object_id.as_str();
    let outcome = match event.kind.as_str() {
        _ if object.is_empty() => "not handled",
        k if k.starts_with("checkout.session.") => settle_session(ctx, object, Some(k)).await?,
        "charge.refunded" => {
            let charge = gateway_of(ctx)
                .map_err(crate::core::error::into_anyhow)?
                .charge(object)
                .await?;
            match charge.payment_intent {
                Some(pi) => sync_refunds(ctx, &pi).await?,
                None => "charge without a payment",
            }
        }
        "charge.refund.updated" | "refund.updated" | "refund.failed" => {
            sync_refunds(ctx, object).await?
        }
        "charge.dispute.created" => flag_dispute(ctx, object).await?,
        _ => "not handled",
    };
    tracing::info!(
        event = id,
        kind = event.kind,
        outcome,
        "Stripe event processed"
    );
    store::mark_processed(&ctx.db, id, outcome, ctx.clock.now()).await
}

/// The periodic reconciliation: asks Stripe about sessions that are still open or settling,
/// processes stored events whose job was lost, and issues refunds whose job was lost.
/// Returns how many items it handled.
pub async fn reconcile(ctx: &Ctx) -> anyhow::Result<usize> {
    if ctx.card.is_none() {
        return Ok(0);
    }
    let now = ctx.clock.now();
    let grace = now - Duration::minutes(1);
    let mut handled = 0;
    for id in store::unprocessed_events(&ctx.db, grace).await? {
        match process_event(ctx, &id).await {
            Ok(()) => handled += 1,
            Err(e) => tracing::warn!(
                event = id,
                error = format!("{e:#}"),
                "Stripe event not processed yet"
            ),
        }
    }
    for id in store::refunds_to_issue(&ctx.db, grace).await? {
        match issue_refund(ctx, id).await {
            Ok(()) => handled += 1,
            Err(e) => tracing::warn!(
                refund = id,
                error = format!("{e:#}"),
                "refund not issued yet"
            ),
        }
    }
    for id in store::sessions_to_reconcile(
        &ctx.db,
        now - Duration::minutes(2),
        now - RECHECK_EVERY,
        200,
    )
    .await?
    {
        match settle_session(ctx, &id, None).await {
            Ok(_) => handled += 1,
            Err(e) => tracing::warn!(
                session = id,
                error = format!("{e:#}"),
                "session not reconciled"
            ),
        }
    }
    Ok(handled)
}
