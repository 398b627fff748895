//! What staff do to one email: send it again, or stop it.

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::core::job::{Scheduled, SendEmail};
use crate::db::outbox;
use crate::domain::OutboxStatus;
use crate::domain::outbox::OutboxAction;

/// The emails matching `filter`, newest first, at most `limit`.
pub async fn list(
    ctx: &Ctx,
    filter: &outbox::OutboxFilter,
    limit: i64,
) -> Result<Vec<outbox::OutboxRow>> {
    Ok(outbox::list(&ctx.db, filter, limit).await?)
}

/// Email `id`, both parts; not found otherwise.
pub async fn get(ctx: &Ctx, id: i64) -> Result<outbox::OutboxRow> {
    outbox::get(&ctx.db, id).await?.ok_or(AppError::NotFound)
}

/// Resends or cancels an email for a staff member, audited; shared by the API and the staff
/// pages. A resent email is delivered by a `SendEmail` job pushed after the commit.
pub async fn act_on(ctx: &Ctx, actor: &Actor, id: i64, action: OutboxAction) -> Result<()> {
    let before = outbox::get(&ctx.db, id).await?.ok_or(AppError::NotFound)?;
    if action == OutboxAction::Resend && ctx.mailer.is_none() {
        return Err(AppError::conflict(
            "no_smtp",
            "No SMTP server is configured (SMTP_URL); held emails cannot be sent.",
        ));
    }
    if action == OutboxAction::Resend && before.body_trimmed_at.is_some() {
        return Err(AppError::conflict(
            "body_removed",
            "The text of this email was removed from the outbox (TWINNING_OUTBOX_BODY_DAYS); it cannot be sent again.",
        ));
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if !outbox::set_status_by_staff(&mut tx, id, action, now).await? {
        let verb = match action {
            OutboxAction::Resend => "resent now",
            OutboxAction::Cancel => "cancelled",
        };
        return Err(AppError::conflict(
            "not_possible",
            format!("An email that is {} cannot be {verb}.", before.status),
        ));
    }
    let after = match action {
        OutboxAction::Resend => OutboxStatus::Queued,
        OutboxAction::Cancel => OutboxStatus::Cancelled,
    };
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        &format!("email.{action}"),
        &format!("outbox:{id}"),
        Some(&serde_json::json!({"status": before.status})),
        Some(&serde_json::json!({"status": after})),
        now,
    )
    .await?;
    let jobs: Vec<Scheduled> = match action {
        OutboxAction::Resend => vec![Scheduled {
            job: SendEmail { outbox_id: id }.into(),
            run_at: now,
        }],
        OutboxAction::Cancel => Vec::new(),
    };
    ctx.commit(tx, &jobs).await?;
    Ok(())
}

/// How many emails are in each state.
pub async fn counts(ctx: &Ctx) -> Result<Vec<(OutboxStatus, i64)>> {
    Ok(outbox::count_by_status(&ctx.db).await?)
}
