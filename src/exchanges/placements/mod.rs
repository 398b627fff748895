//! The match workflow of exchanges (issue 6, DESIGN section 5):
//! `proposed → host_accepted → confirmed`, or `declined`, `expired`, `cancelled`.
//!
//! Staff propose a pair (the system only suggests). The host answers through a private link
//! before a deadline (reminders after 48 hours and 24 hours before it); when the host accepts,
//! the visitor (a minor's guardian) confirms the same way. Until both have accepted, neither
//! side sees the other's surname, address, phone or email: each gets a minimal profile. Once
//! confirmed, both get an introduction with the contact details. A declined pair is never
//! suggested again; a declined or expired match puts the party back in the pool and staff are
//! told.

use chrono::Duration;
use serde::Serialize;

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::db::events::EventRow;
use crate::db::hosts as hosts_db;
use crate::db::matches::{self as store, MatchRow};
use crate::domain::placement::MatchState;
use crate::domain::token;
use crate::email::EmailKind;
use crate::matching::assign::Decisions;

mod emails;
pub mod export;
mod recheck;
mod timers;

use emails::*;
pub use emails::{ANSWER_DAYS, Side, household_lines, link, party_lines, turn};
use recheck::*;
pub use recheck::{Scope, recheck, recheck_match};
pub use timers::run_timers;

/// Locks the suggestion to active matches and excludes pairs declined before or ruled out by
/// staff.
pub fn decisions(matches: &[MatchRow], exclusions: &[(i64, i64)]) -> Decisions {
    Decisions {
        locked: matches
            .iter()
            .filter(|m| m.state.is_active())
            .map(|m| (m.registration_id, m.household_id))
            .collect(),
        excluded: matches
            .iter()
            .filter(|m| m.state == MatchState::Declined)
            .map(|m| (m.registration_id, m.household_id))
            .chain(exclusions.iter().copied())
            .collect(),
    }
}

/// The decisions of exchange `event_id` as stored.
pub async fn load_decisions(ctx: &Ctx, event_id: i64) -> Result<Decisions> {
    let matches = store::of_event(&ctx.db, event_id).await?;
    let exclusions = store::exclusions(&ctx.db, event_id).await?;
    Ok(decisions(&matches, &exclusions))
}

/// Staff rule a pair out of an exchange's suggestions, with a reason (audited).
pub async fn exclude(
    ctx: &Ctx,
    slug: &str,
    registration_id: i64,
    household_id: i64,
    reason: &str,
    actor: &Actor,
) -> Result<()> {
    let pool = crate::exchanges::candidates::pool(ctx, slug).await?;
    let mut f = crate::core::error::FieldCollector::default();
    if !pool.parties.iter().any(|p| p.id == registration_id) {
        f.add("registration", "is not a party of this exchange");
    }
    if !pool.households.iter().any(|h| h.id == household_id) {
        f.add("household", "is not a household on record");
    }
    let reason = f.take(
        "reason",
        crate::domain::text::bounded_text(reason, 500, true),
    );
    f.finish()?;
    let reason = reason.expect("checked");
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    store::exclude(
        &mut tx,
        pool.event.id,
        registration_id,
        household_id,
        &reason,
        &actor.label(),
        now,
    )
    .await?;
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        "match.exclude",
        &format!("event:{}", pool.event.id),
        None,
        Some(&serde_json::json!({"registration": registration_id, "household": household_id, "reason": reason})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A proposal from staff.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub registration_id: i64,
    pub household_id: i64,
    /// Required when the pair breaks a hard constraint; audited.
    pub override_reason: String,
}

/// Proposes a pair: checks the hard constraints (overridden only with a written reason), the
/// household's room and that the party has no active match, then writes the match and emails
/// the host.
pub async fn propose(ctx: &Ctx, slug: &str, p: &Proposal, actor: &Actor) -> Result<i64> {
    let pool = crate::exchanges::candidates::pool(ctx, slug).await?;
    propose_in(ctx, &pool, p, actor).await
}

/// [`propose`] with the exchange already loaded (the matches are re-read under the lock).
async fn propose_in(
    ctx: &Ctx,
    pool: &crate::exchanges::candidates::Pool,
    p: &Proposal,
    actor: &Actor,
) -> Result<i64> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    // The household first, then the event: the order every change a placement rests on takes.
    hosts_db::lock(&mut tx, p.household_id).await?;
    crate::db::events::lock(&mut tx, pool.event.id).await?;
    let matches = store::of_event_tx(&mut tx, pool.event.id).await?;
    let party = pool
        .parties
        .iter()
        .find(|x| x.id == p.registration_id)
        .ok_or_else(|| {
            AppError::field(
                "registration",
                "is not a party of this exchange (it must be pending payment, confirmed or attended)",
            )
        })?;
    let (household_row, household) = pool
        .households
        .iter()
        .zip(&pool.engine_households)
        .find(|(h, _)| h.id == p.household_id)
        .ok_or_else(|| AppError::field("household", "is not a household on record"))?;
    has_room(&matches, p, household)?;
    let excluded = matches.iter().any(|m| {
        m.state == MatchState::Declined
            && m.registration_id == p.registration_id
            && m.household_id == p.household_id
    }) || store::exclusions(&ctx.db, pool.event.id)
        .await?
        .contains(&(p.registration_id, p.household_id));
    let reasons = crate::matching::constraints::check(party, household, excluded);
    let override_reason = p.override_reason.trim();
    let broken: Vec<String> = reasons.iter().map(ToString::to_string).collect();
    if !broken.is_empty() && override_reason.is_empty() {
        return Err(breaks_rules(&broken));
    }
    let score = crate::matching::score::score(party, household, &pool.weights);
    let breakdown: std::collections::BTreeMap<&str, i64> =
        score.breakdown.iter().copied().collect();
    let host_token = token::generate();
    let visitor_token = token::generate();
    let id = store::insert(
        &mut tx,
        &store::NewMatch {
            event_id: pool.event.id,
            registration_id: p.registration_id,
            household_id: p.household_id,
            host_token: &host_token,
            host_selector: token::selector(&host_token).expect("well formed"),
            visitor_token: &visitor_token,
            visitor_selector: token::selector(&visitor_token).expect("well formed"),
            score: score.total,
            breakdown: &serde_json::to_string(&breakdown).map_err(anyhow::Error::from)?,
            override_reason: if broken.is_empty() {
                ""
            } else {
                override_reason
            },
            overridden_rules: &serde_json::to_string(&broken).map_err(anyhow::Error::from)?,
            deadline: now + Duration::days(ANSWER_DAYS),
            proposed_by: &actor.label(),
        },
        now,
    )
    .await?;
    record_proposal(&mut tx, id, p, &broken, actor, now).await?;
    let m = store::get_tx(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The suggestion was read before the locks: the rules are checked again on what the
    // transaction sees now, so a household suspended or a guardian's refusal a moment ago
    // is not proposed against.
    let (now_broken, _, reg, _) = broken_rules(ctx, &mut tx, &m).await?;
    if !now_broken.is_empty() {
        return Err(breaks_rules(&now_broken));
    }
    let jobs = email_side(
        Side::Host,
        ctx,
        &mut tx,
        &Pair {
            event: &pool.event,
            m: &m,
            reg: &reg,
            h: household_row,
        },
        EmailKind::MatchProposed,
        "proposed",
    )
    .await?;
    ctx.commit(tx, &jobs).await?;
    Ok(id)
}

/// Refuses a proposal for a party that has a match already, or to a household that has as
/// many parties as it takes at once.
fn has_room(
    matches: &[MatchRow],
    p: &Proposal,
    household: &crate::matching::Household,
) -> Result<()> {
    if matches
        .iter()
        .any(|m| m.registration_id == p.registration_id && m.state.is_active())
    {
        return Err(AppError::conflict(
            "already_matched",
            "This party already has a match; cancel it before proposing another.",
        ));
    }
    let taken = matches
        .iter()
        .filter(|m| m.household_id == p.household_id && m.state.is_active())
        .count();
    if taken >= usize::try_from(household.max_parties).unwrap_or(1) {
        return Err(AppError::conflict(
            "household_full",
            "This household already has as many parties as it takes at once.",
        ));
    }
    Ok(())
}

/// The answer to a proposal that breaks hard rules `broken`.
fn breaks_rules(broken: &[String]) -> AppError {
    AppError::conflict(
        "constraint_failed",
        format!(
            "This pair breaks a hard rule: {}. Propose it anyway only with a written reason (override_reason).",
            broken.join("; ")
        ),
    )
}

/// The history row and the audit row of a new proposal (`match.override` when it breaks
/// rules `broken`, with the reason given).
async fn record_proposal(
    tx: &mut crate::db::Tx,
    id: i64,
    p: &Proposal,
    broken: &[String],
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    store::record(tx, id, None, MatchState::Proposed, &actor.label(), "", now).await?;
    crate::db::audit::audit(
        tx,
        &actor.label(),
        if broken.is_empty() {
            "match.propose"
        } else {
            "match.override"
        },
        &format!("match:{id}"),
        None,
        Some(
            &serde_json::json!({"registration": p.registration_id, "household": p.household_id,
            "broken_rules": broken, "override_reason": p.override_reason.trim()}),
        ),
        now,
    )
    .await?;
    Ok(())
}

/// Proposes every suggested placement that is not a match yet; returns the new match ids.
pub async fn propose_all(ctx: &Ctx, slug: &str, actor: &Actor) -> Result<Vec<i64>> {
    // Loaded once for every proposal: each re-reads the matches under the event lock.
    let pool = crate::exchanges::candidates::pool(ctx, slug).await?;
    let s =
        crate::exchanges::candidates::suggest(&pool, &load_decisions(ctx, pool.event.id).await?);
    let mut ids = Vec::new();
    for placement in s.placements.iter().filter(|p| !p.locked) {
        let proposal = Proposal {
            registration_id: placement.party,
            household_id: placement.household,
            override_reason: String::new(),
        };
        ids.push(propose_in(ctx, &pool, &proposal, actor).await?);
    }
    Ok(ids)
}

/// Finds a match by either side's private link (constant-time comparison).
pub async fn find(ctx: &Ctx, token_str: &str) -> Result<(MatchRow, Side)> {
    let selector = token::selector(token_str).ok_or(AppError::NotFound)?;
    let m = store::find_by_selector(&ctx.db, selector)
        .await?
        .ok_or(AppError::NotFound)?;
    if token::matches(token_str, &m.host_token) {
        Ok((m, Side::Host))
    } else if token::matches(token_str, &m.visitor_token) {
        Ok((m, Side::Visitor))
    } else {
        Err(AppError::NotFound)
    }
}

/// One side answers. The host accepts or declines a proposal; the visitor then confirms or
/// declines. Returns the new state.
pub async fn respond(ctx: &Ctx, token_str: &str, accept: bool, reason: &str) -> Result<MatchState> {
    let (found, side) = find(ctx, token_str).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let event = crate::db::events::lock(&mut tx, found.event_id).await?;
    let m = store::get_tx(&mut tx, found.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if turn(&m) != Some(side) {
        return Err(AppError::conflict(
            "not_your_turn",
            "This placement is not waiting for your answer.",
        ));
    }
    if now >= m.deadline {
        return Err(AppError::conflict(
            "match_expired",
            "The time to answer has run out.",
        ));
    }
    let reason =
        crate::domain::parse_long_text(reason, 1000).map_err(|e| AppError::field("reason", e.0))?;
    if accept && let Some(jobs) = recheck_match(ctx, &mut tx, &m).await? {
        ctx.commit(tx, &jobs).await?;
        return Ok(MatchState::Withdrawn);
    }
    let (reg, household) = sides_tx(&mut tx, &m).await?;
    let actor = match side {
        Side::Host => "host",
        Side::Visitor => "visitor",
    };
    let (to, deadline) = match (side, accept) {
        (Side::Host, true) => (MatchState::HostAccepted, now + Duration::days(ANSWER_DAYS)),
        (Side::Visitor, true) => (MatchState::Confirmed, m.deadline),
        (_, false) => (MatchState::Declined, m.deadline),
    };
    store::set_state(
        &mut tx,
        m.id,
        to,
        deadline,
        if accept { "" } else { &reason },
        now,
    )
    .await?;
    // A decline reason is private: the history says who declined, not why.
    store::record(&mut tx, m.id, Some(m.state), to, actor, "", now).await?;
    let m = store::get_tx(&mut tx, m.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let pair = Pair {
        event: &event,
        m: &m,
        reg: &reg,
        h: &household,
    };
    let jobs = answer_emails(ctx, &mut tx, &pair, side, to).await?;
    ctx.commit(tx, &jobs).await?;
    Ok(to)
}

/// Staff cancel an active match (the party goes back to the pool).
pub async fn cancel(ctx: &Ctx, id: i64, reason: &str, actor: &Actor) -> Result<()> {
    let now = ctx.clock.now();
    let m = store::get(&ctx.db, id).await?.ok_or(AppError::NotFound)?;
    let mut tx = ctx.db.begin().await?;
    crate::db::events::lock(&mut tx, m.event_id).await?;
    let m = store::get_tx(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !m.state.is_active() {
        return Err(AppError::conflict(
            "not_active",
            format!("This match is already {}.", m.state),
        ));
    }
    let reason =
        crate::domain::parse_long_text(reason, 500).map_err(|e| AppError::field("reason", e.0))?;
    store::set_state(&mut tx, id, MatchState::Cancelled, m.deadline, "", now).await?;
    store::record(
        &mut tx,
        id,
        Some(m.state),
        MatchState::Cancelled,
        &actor.label(),
        &reason,
        now,
    )
    .await?;
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        "match.cancel",
        &format!("match:{id}"),
        Some(&serde_json::json!({"state": m.state})),
        Some(&serde_json::json!({"state": MatchState::Cancelled, "reason": reason})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The emails an answer sends: the visitor is offered the place the host accepted, both sides
/// hear of a confirmation, and staff of a decline.
async fn answer_emails(
    ctx: &Ctx,
    tx: &mut crate::db::Tx,
    pair: &Pair<'_>,
    side: Side,
    to: MatchState,
) -> Result<Vec<crate::core::job::Scheduled>> {
    let mut jobs = Vec::new();
    let state = to.as_str();
    match to {
        MatchState::HostAccepted => {
            let kind = EmailKind::MatchOffered;
            jobs.extend(email_side(Side::Visitor, ctx, tx, pair, kind, state).await?);
        }
        MatchState::Confirmed => {
            let kind = EmailKind::MatchConfirmed;
            jobs.extend(email_side(Side::Host, ctx, tx, pair, kind, state).await?);
            jobs.extend(email_side(Side::Visitor, ctx, tx, pair, kind, state).await?);
        }
        _ => {
            let who = if side == Side::Host {
                "The host"
            } else {
                "The visitor"
            };
            jobs.extend(email_staff(ctx, tx, pair, &format!("{who} declined")).await?);
        }
    }
    Ok(jobs)
}

/// A match as staff see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatchJson {
    pub id: i64,
    pub registration: i64,
    pub household: i64,
    /// `proposed`, `host_accepted`, `confirmed`, `declined`, `expired` or `cancelled`.
    pub state: String,
    pub score: i64,
    pub breakdown: std::collections::BTreeMap<String, i64>,
    /// Why staff overrode a hard rule, when they did.
    pub override_reason: String,
    /// Why the side that declined did (staff only).
    pub decline_reason: String,
    pub deadline: String,
    pub proposed_by: String,
    pub history: Vec<MatchEventJson>,
}

/// One change of a match.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatchEventJson {
    pub from: Option<String>,
    pub to: String,
    pub actor: String,
    pub reason: String,
    pub at: String,
}

/// Every match of an exchange with its history.
pub async fn list(ctx: &Ctx, event: &EventRow) -> Result<Vec<MatchJson>> {
    let history = store::history_of_event(&ctx.db, event.id).await?;
    Ok(store::of_event(&ctx.db, event.id)
        .await?
        .into_iter()
        .map(|m| MatchJson {
            id: m.id,
            registration: m.registration_id,
            household: m.household_id,
            state: m.state.as_str().to_owned(),
            score: m.score,
            breakdown: serde_json::from_str(&m.breakdown).unwrap_or_default(),
            override_reason: m.override_reason.clone(),
            decline_reason: m.decline_reason.clone(),
            deadline: m.deadline.to_rfc3339(),
            proposed_by: m.proposed_by.clone(),
            history: history
                .iter()
                .filter(|h| h.match_id == m.id)
                .map(|h| MatchEventJson {
                    from: h.from_state.clone(),
                    to: h.to_state.clone(),
                    actor: h.actor.clone(),
                    reason: h.reason.clone(),
                    at: h.created_at.to_rfc3339(),
                })
                .collect(),
        })
        .collect())
}
