//! How much each preference counts in an exchange's suggestion.

use crate::context::Ctx;
use crate::core::error::Result;

/// Checks and stores the weights of an exchange.
pub async fn save(
    ctx: &Ctx,
    slug: &str,
    w: &crate::matching::score::Weights,
    actor: &crate::core::actor::Actor,
) -> Result<()> {
    let mut f = crate::core::error::FieldCollector::default();
    for (name, v) in [
        ("language", w.language),
        ("interests", w.interests),
        ("household_fit", w.household_fit),
        ("load", w.load),
    ] {
        if !(0..=100).contains(&v) {
            f.add(name, "must be between 0 and 100");
        }
    }
    f.finish()?;
    let event = super::exchange_event(ctx, slug).await?;
    let mut tx = ctx.db.begin().await?;
    crate::db::matches::set_weights(&mut tx, event.id, w).await?;
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        "matching.weights",
        &format!("event:{}", event.id),
        None,
        Some(&serde_json::json!(w)),
        ctx.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
