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

use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::core::job::Scheduled;
use crate::db::Tx;
use crate::db::events::EventRow;
use crate::db::hosts::{self as hosts_db, HouseholdRow};
use crate::db::matches::{self as store, MatchRow};
use crate::db::registrations::{self as regs, RegistrationRow};
use crate::domain::placement::MatchState;
use crate::domain::token;
use crate::domain::visitor::VisitorProfile;
use crate::email::EmailKind;
use crate::email::render::MailContext;
use crate::matching::assign::Decisions;
use crate::state::Ctx;

/// Days each side has to answer.
pub const ANSWER_DAYS: i64 = 5;

/// Which side of a match a link belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Host,
    Visitor,
}

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
    let pool = crate::exchange::pool(ctx, slug).await?;
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
    let pool = crate::exchange::pool(ctx, slug).await?;
    propose_in(ctx, &pool, p, actor).await
}

/// [`propose`] with the exchange already loaded (the matches are re-read under the lock).
async fn propose_in(
    ctx: &Ctx,
    pool: &crate::exchange::Pool,
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
    let excluded = matches.iter().any(|m| {
        m.state == MatchState::Declined
            && m.registration_id == p.registration_id
            && m.household_id == p.household_id
    }) || store::exclusions(&ctx.db, pool.event.id)
        .await?
        .contains(&(p.registration_id, p.household_id));
    let reasons = crate::matching::constraints::check(party, household, excluded);
    let override_reason = p.override_reason.trim();
    if !reasons.is_empty() && override_reason.is_empty() {
        let words: Vec<String> = reasons.iter().map(ToString::to_string).collect();
        return Err(AppError::conflict(
            "constraint_failed",
            format!(
                "This pair breaks a hard rule: {}. Propose it anyway only with a written reason (override_reason).",
                words.join("; ")
            ),
        ));
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
            override_reason: if reasons.is_empty() {
                ""
            } else {
                override_reason
            },
            overridden_rules: &serde_json::to_string(
                &reasons.iter().map(ToString::to_string).collect::<Vec<_>>(),
            )
            .map_err(anyhow::Error::from)?,
            deadline: now + Duration::days(ANSWER_DAYS),
            proposed_by: &actor.label(),
        },
        now,
    )
    .await?;
    store::record(
        &mut tx,
        id,
        None,
        MatchState::Proposed,
        &actor.label(),
        "",
        now,
    )
    .await?;
    let broken: Vec<String> = reasons.iter().map(ToString::to_string).collect();
    crate::db::audit::audit(
        &mut tx,
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
            "broken_rules": broken, "override_reason": override_reason}),
        ),
        now,
    )
    .await?;
    let m = store::get_tx(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The suggestion was read before the locks: the rules are checked again on what the
    // transaction sees now, so a household suspended or a guardian's refusal a moment ago
    // is not proposed against.
    let (now_broken, _, reg, _) = broken_rules(ctx, &mut tx, &m).await?;
    if !now_broken.is_empty() {
        return Err(AppError::conflict(
            "constraint_failed",
            format!(
                "This pair breaks a hard rule: {}. Propose it anyway only with a written reason (override_reason).",
                now_broken.join("; ")
            ),
        ));
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

/// Proposes every suggested placement that is not a match yet; returns the new match ids.
pub async fn propose_all(ctx: &Ctx, slug: &str, actor: &Actor) -> Result<Vec<i64>> {
    // Loaded once for every proposal: each re-reads the matches under the event lock.
    let pool = crate::exchange::pool(ctx, slug).await?;
    let s = crate::exchange::suggest(&pool, &load_decisions(ctx, pool.event.id).await?);
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

/// Whose turn it is to answer.
pub fn turn(m: &MatchRow) -> Option<Side> {
    match m.state {
        MatchState::Proposed => Some(Side::Host),
        MatchState::HostAccepted => Some(Side::Visitor),
        _ => None,
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
    let mut jobs = Vec::new();
    match to {
        MatchState::HostAccepted => {
            jobs.extend(
                email_side(
                    Side::Visitor,
                    ctx,
                    &mut tx,
                    &pair,
                    EmailKind::MatchOffered,
                    to.as_str(),
                )
                .await?,
            );
        }
        MatchState::Confirmed => {
            jobs.extend(
                email_side(
                    Side::Host,
                    ctx,
                    &mut tx,
                    &pair,
                    EmailKind::MatchConfirmed,
                    to.as_str(),
                )
                .await?,
            );
            jobs.extend(
                email_side(
                    Side::Visitor,
                    ctx,
                    &mut tx,
                    &pair,
                    EmailKind::MatchConfirmed,
                    to.as_str(),
                )
                .await?,
            );
        }
        _ => {
            let who = if side == Side::Host {
                "The host"
            } else {
                "The visitor"
            };
            jobs.extend(email_staff(ctx, &mut tx, &pair, &format!("{who} declined")).await?);
        }
    }
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

/// Sends the reminders that are due (48 hours after a proposal or acceptance, and 24 hours
/// before the deadline) and expires matches whose deadline passed, telling staff. Safe to run
/// at any time, any number of times. Returns how many matches it acted on.
pub async fn run_timers(ctx: &Ctx) -> anyhow::Result<usize> {
    let now = ctx.clock.now();
    let mut acted = 0;
    for waiting in store::waiting(&ctx.db).await? {
        let since = waiting.deadline - Duration::days(ANSWER_DAYS);
        let due = if now >= waiting.deadline {
            Some(0)
        } else if waiting.reminders_sent == 0 && now >= since + Duration::hours(48) {
            Some(1)
        } else if waiting.reminders_sent <= 1 && now >= waiting.deadline - Duration::hours(24) {
            Some(2)
        } else {
            None
        };
        let Some(step) = due else { continue };
        let mut tx = ctx.db.begin().await?;
        let event = crate::db::events::lock(&mut tx, waiting.event_id).await?;
        let Some(m) = store::get_tx(&mut tx, waiting.id).await? else {
            continue;
        };
        if m.state != waiting.state || m.reminders_sent != waiting.reminders_sent {
            continue; // answered or handled meanwhile
        }
        if let Some(jobs) = recheck_match(ctx, &mut tx, &m)
            .await
            .map_err(crate::core::error::into_anyhow)?
        {
            ctx.commit(tx, &jobs).await?;
            acted += 1;
            continue;
        }
        let (reg, household) = sides_tx(&mut tx, &m).await?;
        let pair = Pair {
            event: &event,
            m: &m,
            reg: &reg,
            h: &household,
        };
        let mut jobs = Vec::new();
        if step == 0 {
            store::set_state(&mut tx, m.id, MatchState::Expired, m.deadline, "", now).await?;
            store::record(
                &mut tx,
                m.id,
                Some(m.state),
                MatchState::Expired,
                "system",
                "no answer before the deadline",
                now,
            )
            .await?;
            let who = if m.state == MatchState::Proposed {
                "the host"
            } else {
                "the visitor"
            };
            jobs.extend(
                email_staff(
                    ctx,
                    &mut tx,
                    &pair,
                    &format!("Expired: {who} did not answer in time"),
                )
                .await
                .map_err(crate::core::error::into_anyhow)?,
            );
        } else {
            store::count_reminder(&mut tx, m.id).await?;
            let tag = format!("{}:reminder:{step}", m.state);
            jobs.extend(
                email_side(
                    turn(&m).unwrap_or(Side::Host),
                    ctx,
                    &mut tx,
                    &pair,
                    EmailKind::MatchReminder,
                    &tag,
                )
                .await
                .map_err(crate::core::error::into_anyhow)?,
            );
        }
        ctx.commit(tx, &jobs).await?;
        acted += 1;
    }
    acted += arrival_reminders(ctx).await?;
    Ok(acted)
}

/// Reminds both sides of a confirmed placement 14 and 2 days before arrival (once each; a
/// placement confirmed late gets only the reminders still ahead).
async fn arrival_reminders(ctx: &Ctx) -> anyhow::Result<usize> {
    let now = ctx.clock.now();
    let mut sent = 0;
    let mut events: std::collections::HashMap<i64, Option<EventRow>> = Default::default();
    for m in store::confirmed(&ctx.db).await? {
        let event = match events.entry(m.event_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(crate::db::events::find_by_id(&ctx.db, m.event_id).await?)
            }
        };
        let Some(event) = event.as_ref() else {
            continue;
        };
        let days = days_to_arrival(event, now);
        let step = match days {
            ..0 => continue,
            0..=2 => 2,
            3..=14 => 1,
            _ => continue,
        };
        if m.arrival_reminders >= step {
            continue;
        }
        let mut tx = ctx.db.begin().await?;
        if let Some(jobs) = recheck_match(ctx, &mut tx, &m)
            .await
            .map_err(crate::core::error::into_anyhow)?
        {
            ctx.commit(tx, &jobs).await?;
            continue;
        }
        if !store::mark_arrival_reminder(&mut tx, m.id, step).await? {
            continue;
        }
        let (reg, household) = sides_tx(&mut tx, &m).await?;
        let tag = format!("arrival:{step}");
        let pair = Pair {
            event,
            m: &m,
            reg: &reg,
            h: &household,
        };
        let mut jobs = Vec::new();
        for side in [Side::Host, Side::Visitor] {
            jobs.extend(
                email_side(side, ctx, &mut tx, &pair, EmailKind::MatchArrival, &tag)
                    .await
                    .map_err(crate::core::error::into_anyhow)?,
            );
        }
        ctx.commit(tx, &jobs).await?;
        sent += 1;
    }
    Ok(sent)
}

/// The hard rules match `m` breaks now, read afresh inside the caller's transaction, less
/// those staff overrode when proposing it (an override covers only the rules it named).
async fn broken_rules(
    ctx: &Ctx,
    tx: &mut Tx,
    m: &MatchRow,
) -> Result<(Vec<String>, EventRow, RegistrationRow, HouseholdRow)> {
    // Read (and locked) inside the transaction: a change of dates is seen before its commit.
    let event = crate::db::events::lock(tx, m.event_id).await?;
    let (reg, h) = sides_tx(tx, m).await?;
    let dates = crate::exchange::stay(&event);
    let adult_age = ctx.settings.adult_age;
    let participants = regs::participants_tx(tx, reg.id).await?;
    let members = hosts_db::members_tx(tx, h.id).await?;
    let screenings = hosts_db::screenings_tx(tx, h.id).await?;
    let guardians = crate::db::guardians::of_registration_tx(tx, reg.id).await?;
    let party = crate::exchange::party(&reg, &participants, &guardians, dates, adult_age);
    let household = crate::exchange::household(&h, &members, &screenings, dates.0, adult_age);
    let mut broken: Vec<String> = crate::matching::constraints::check(&party, &household, false)
        .iter()
        .map(ToString::to_string)
        .collect();
    if event.status == crate::domain::EventStatus::Cancelled {
        broken.push("the exchange was cancelled".to_owned());
    }
    if !reg.status.is_placed() {
        broken.push(format!(
            "the registration is {}",
            reg.status.as_str().replace('_', " ")
        ));
    }
    let overridden = m.overridden();
    broken.retain(|r| !overridden.contains(r));
    Ok((broken, event, reg, h))
}

/// Re-checks active match `m` inside the caller's transaction (which holds what changed).
/// When the pair now breaks a hard rule the match ends `withdrawn` with the rule as its
/// reason (history and audit), its unsent emails are cancelled and staff are told; returns the
/// jobs to push after the commit, or `None` when the match still stands.
pub async fn recheck_match(ctx: &Ctx, tx: &mut Tx, m: &MatchRow) -> Result<Option<Vec<Scheduled>>> {
    if !m.state.is_active() {
        return Ok(None);
    }
    let (broken, event, reg, h) = broken_rules(ctx, tx, m).await?;
    // Read again now that the event is locked: an answer may have moved it meanwhile.
    let m = &store::get_tx(tx, m.id).await?.ok_or(AppError::NotFound)?;
    if broken.is_empty() || !m.state.is_active() {
        return Ok(None);
    }
    let now = ctx.clock.now();
    let reason = broken.join("; ");
    store::cancel_unsent_emails(tx, m.id, now).await?;
    store::withdraw(tx, m.id, &reason, now).await?;
    store::record(
        tx,
        m.id,
        Some(m.state),
        MatchState::Withdrawn,
        "system",
        &reason,
        now,
    )
    .await?;
    crate::db::audit::audit(
        tx,
        "system",
        "match.withdraw",
        &format!("match:{}", m.id),
        Some(&serde_json::json!({"state": m.state})),
        Some(&serde_json::json!({"state": MatchState::Withdrawn, "broken_rules": broken})),
        now,
    )
    .await?;
    let heard_by_visitor = m.state != MatchState::Proposed;
    let m = store::get_tx(tx, m.id).await?.ok_or(AppError::NotFound)?;
    let pair = Pair {
        event: &event,
        m: &m,
        reg: &reg,
        h: &h,
    };
    let mut jobs = email_staff(ctx, tx, &pair, &format!("Withdrawn: {reason}")).await?;
    // Each side that heard of the placement only learns that it cannot go ahead, never why;
    // the visitor's side hears of it once the host has accepted.
    let sides: &[Side] = if heard_by_visitor {
        &[Side::Host, Side::Visitor]
    } else {
        &[Side::Host]
    };
    for side in sides.iter().copied() {
        jobs.extend(
            email_side(side, ctx, tx, &pair, EmailKind::MatchWithdrawn, "withdrawn").await?,
        );
    }
    Ok(Some(jobs))
}

/// Which active matches a change touches.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// Every match of a household (suspended, edited, screened).
    Household(i64),
    /// The match of a registration (left its place).
    Registration(i64),
    /// Every match of an exchange (cancelled, dates moved).
    Event(i64),
}

/// Re-checks every active match in `scope` inside the caller's transaction (see
/// [`recheck_match`]); returns the jobs to push after the commit.
pub async fn recheck(ctx: &Ctx, tx: &mut Tx, scope: Scope) -> Result<Vec<Scheduled>> {
    let (column, id) = match scope {
        Scope::Household(id) => (store::Column::Household, id),
        Scope::Registration(id) => (store::Column::Registration, id),
        Scope::Event(id) => (store::Column::Event, id),
    };
    let mut jobs = Vec::new();
    for m in store::active_tx(tx, column, id).await? {
        jobs.extend(recheck_match(ctx, tx, &m).await?.unwrap_or_default());
    }
    Ok(jobs)
}

/// Both sides of match `m`, read inside its transaction.
async fn sides_tx(tx: &mut Tx, m: &MatchRow) -> anyhow::Result<(RegistrationRow, HouseholdRow)> {
    let reg = regs::get_tx(tx, m.registration_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("registration of match {}", m.id))?;
    let household = hosts_db::get_tx(tx, m.household_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("household of match {}", m.id))?;
    Ok((reg, household))
}

/// Days from `now` to the exchange's first day, in its own time zone.
fn days_to_arrival(event: &EventRow, now: chrono::DateTime<chrono::Utc>) -> i64 {
    let zone = crate::domain::TimeZone::parse(&event.timezone).map_or(chrono_tz::UTC, |z| z.0);
    (crate::exchange::stay(event).0 - now.with_timezone(&zone).date_naive()).num_days()
}

fn age_band(age: i32) -> &'static str {
    match age {
        ..12 => "0–11",
        12..15 => "12–14",
        15..18 => "15–17",
        18..30 => "18–29",
        30..50 => "30–49",
        50..65 => "50–64",
        _ => "65+",
    }
}

/// What the host is told about the party before confirmation: first names, age band, gender,
/// country, languages, dates, and the needs that matter in a home (the host is the one
/// household that sees them).
pub async fn party_lines(
    ctx: &Ctx,
    lang: &str,
    event: &EventRow,
    reg: &RegistrationRow,
    full: bool,
) -> Result<Vec<String>> {
    let t = |key: &str, args: &[(&'static str, &str)]| crate::i18n::t_with(lang, key, args);
    let (arrives, departs) = crate::exchange::stay(event);
    let country = match event.partner_city_id {
        Some(id) => crate::db::events::partner_by_id(&ctx.db, id)
            .await?
            .map(|p| p.country)
            .unwrap_or_default(),
        None => String::new(),
    };
    let mut lines = Vec::new();
    for p in regs::participants(&ctx.db, reg.id).await? {
        let profile: Option<VisitorProfile> = serde_json::from_str(&p.profile).ok();
        let name = if full {
            p.name.clone()
        } else {
            crate::domain::visitor::shown_name(&p.name, profile.as_ref())
        };
        let Some(v) = profile else {
            lines.push(name);
            continue;
        };
        let age = crate::domain::household::parse_date(&v.born_on)
            .map(|b| crate::domain::household::age_on(b, arrives))
            .unwrap_or(0);
        let gender = crate::i18n::t(lang, &format!("visitor-gender-{}", v.gender));
        lines.push(t(
            "match-line-visitor",
            &[("name", &name), ("age", age_band(age)), ("gender", &gender)],
        ));
        if !v.languages.is_empty() {
            let list: Vec<String> = v
                .languages
                .iter()
                .map(|l| {
                    format!(
                        "{} ({})",
                        l.code,
                        crate::i18n::t(lang, &format!("level-{}", l.level))
                    )
                })
                .collect();
            lines.push(t("match-line-languages", &[("list", &list.join(", "))]));
        }
        let mut needs: Vec<String> = v
            .allergies
            .iter()
            .map(|a| {
                format!(
                    "{} ({})",
                    a.agent,
                    crate::i18n::t(lang, &format!("allergy-{}", a.severity))
                )
            })
            .collect();
        needs.extend(
            v.diets_required
                .iter()
                .map(|d| crate::i18n::t(lang, &format!("diet-{}", d.replace('_', "-")))),
        );
        if v.smoker {
            needs.push(crate::i18n::t(lang, "visitor-smoker"));
        }
        if !v.stairs_ok {
            needs.push(crate::i18n::t(lang, "visitor-no-stairs"));
        }
        if !needs.is_empty() {
            lines.push(t("match-line-needs", &[("list", &needs.join(", "))]));
        }
        if full && let Some(g) = &v.guardian {
            let contact = [
                g.email.clone().unwrap_or_default(),
                g.phone.clone().unwrap_or_default(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
            lines.push(t(
                "match-line-guardian",
                &[("name", &g.name), ("contact", &contact)],
            ));
        }
    }
    if !country.is_empty() {
        lines.push(t("match-line-country", &[("country", &country)]));
    }
    lines.push(t(
        "match-line-dates",
        &[("from", &arrives.to_string()), ("to", &departs.to_string())],
    ));
    if full {
        lines.push(t(
            "match-line-contact",
            &[
                ("name", &reg.contact_name),
                ("email", &reg.contact_email),
                ("phone", &reg.contact_phone),
            ],
        ));
    }
    Ok(lines)
}

/// What the visitor is told about the household: before confirmation first names, area,
/// make-up, pets, smoking, languages and interests; after, the contact details too.
pub async fn household_lines(
    ctx: &Ctx,
    lang: &str,
    event: &EventRow,
    h: &HouseholdRow,
    full: bool,
) -> Result<Vec<String>> {
    let t = |key: &str, args: &[(&'static str, &str)]| crate::i18n::t_with(lang, key, args);
    let (arrives, _) = crate::exchange::stay(event);
    let members = hosts_db::members(&ctx.db, h.id).await?;
    let names: Vec<String> = members
        .iter()
        .map(|m| {
            if full {
                m.name.clone()
            } else {
                m.shown_name().to_owned()
            }
        })
        .collect();
    let adults = members
        .iter()
        .filter(|m| crate::domain::household::age_on(m.born_on, arrives) >= ctx.settings.adult_age)
        .count();
    let mut lines = vec![
        t("match-line-hosts", &[("names", &names.join(", "))]),
        t(
            "match-line-household",
            &[
                (
                    "adults_text",
                    &crate::i18n::t_with_number(
                        lang,
                        "match-adults",
                        &[],
                        ("adults", adults as i64),
                    ),
                ),
                (
                    "children_text",
                    &crate::i18n::t_with_number(
                        lang,
                        "match-children",
                        &[],
                        ("children", (members.len() - adults) as i64),
                    ),
                ),
            ],
        ),
    ];
    if !h.area.is_empty() {
        lines.push(t("match-line-area", &[("area", &h.area)]));
    }
    let pets: Vec<crate::domain::household::PetBody> =
        serde_json::from_str(&h.pets).unwrap_or_default();
    if !pets.is_empty() {
        let list: Vec<&str> = pets.iter().map(|p| p.species.as_str()).collect();
        lines.push(t("match-line-pets", &[("list", &list.join(", "))]));
    }
    lines.push(t(
        "match-line-smoking",
        &[(
            "value",
            &crate::i18n::t(lang, &format!("host-smoking-{}", h.smoking)),
        )],
    ));
    let langs: Vec<crate::domain::household::LanguageLevel> =
        serde_json::from_str(&h.languages).unwrap_or_default();
    if !langs.is_empty() {
        let list: Vec<String> = langs
            .iter()
            .map(|l| {
                format!(
                    "{} ({})",
                    l.code,
                    crate::i18n::t(lang, &format!("level-{}", l.level))
                )
            })
            .collect();
        lines.push(t(
            "match-line-home-languages",
            &[("list", &list.join(", "))],
        ));
    }
    let interests: Vec<String> = serde_json::from_str(&h.interests).unwrap_or_default();
    if !interests.is_empty() {
        lines.push(t(
            "match-line-interests",
            &[("list", &interests.join(", "))],
        ));
    }
    if full {
        lines.push(t("match-line-address", &[("address", &h.address)]));
        lines.push(t(
            "match-line-contact",
            &[
                ("name", &h.contact_name),
                ("email", &h.contact_email),
                ("phone", &h.contact_phone),
            ],
        ));
    }
    Ok(lines)
}

fn mail(ctx: &Ctx, lang: &str, event: &EventRow, recipient: &str) -> MailContext {
    MailContext {
        org_name: ctx.settings.org_name.clone(),
        language: lang.to_owned(),
        recipient_name: recipient.to_owned(),
        event_title: crate::db::events::text_in(event, lang).title,
        event_when: crate::email::compose::event_when_in(lang, event),
        ..Default::default()
    }
}

/// The link of `side`.
pub fn link(ctx: &Ctx, m: &MatchRow, side: Side) -> String {
    let token = match side {
        Side::Host => &m.host_token,
        Side::Visitor => &m.visitor_token,
    };
    format!("{}/m/{token}", ctx.settings.base_url())
}

/// The two sides of a match, with its exchange, for the emails about it.
struct Pair<'a> {
    event: &'a EventRow,
    m: &'a MatchRow,
    reg: &'a RegistrationRow,
    h: &'a HouseholdRow,
}

/// Emails one side of a match: the other side's minimal profile (or, once confirmed, its
/// contact details), with the link to answer while it is that side's turn. A minor's side is
/// answered by the guardian: the guardian gets the link, the registration's contact a copy
/// without it.
async fn email_side(
    side: Side,
    ctx: &Ctx,
    tx: &mut Tx,
    pair: &Pair<'_>,
    kind: EmailKind,
    tag: &str,
) -> Result<Vec<Scheduled>> {
    let Pair { event, m, reg, h } = *pair;
    let confirmed = m.state == MatchState::Confirmed;
    let (lang, recipients, registration_id, lines) = match side {
        Side::Host => {
            let lang = crate::i18n::supported(&h.language).unwrap_or("en");
            let lines = party_lines(ctx, lang, event, reg, confirmed).await?;
            let to = Recipient {
                key: "host".to_owned(),
                name: h.contact_name.clone(),
                email: h.contact_email.clone(),
                answers: true,
                copy_note: String::new(),
            };
            (lang, vec![to], None, lines)
        }
        Side::Visitor => {
            let lang = crate::i18n::supported(&reg.language).unwrap_or("en");
            let lines = household_lines(ctx, lang, event, h, confirmed).await?;
            let recipients = visitor_recipients(tx, reg, lang).await?;
            (lang, recipients, Some(reg.id), lines)
        }
    };
    let mut jobs = Vec::new();
    for to in recipients {
        let mut mc = mail(ctx, lang, event, &to.name);
        mc.lines.clone_from(&lines);
        mc.copy_note = to.copy_note;
        if kind == EmailKind::MatchArrival {
            let days = days_to_arrival(event, ctx.clock.now());
            mc.reminder_when = crate::i18n::t_count(lang, "email-reminder-when", days);
        }
        if !confirmed && to.answers {
            mc.action_url = link(ctx, m, side);
            mc.deadline = crate::email::compose::local_time_in(lang, m.deadline, event);
        }
        let key = format!("match:{}:{tag}:{}", m.id, to.key);
        jobs.extend(
            crate::email::compose::insert(
                ctx,
                tx,
                kind,
                &key,
                &to.email,
                lang,
                registration_id,
                Some(event.id),
                &mc,
                None,
                None,
            )
            .await?,
        );
    }
    Ok(jobs)
}

/// One person an email about a match goes to.
struct Recipient {
    /// Ends the email's dedupe key.
    key: String,
    name: String,
    email: String,
    /// Gets the link to answer (the side's contact, or a minor's guardian).
    answers: bool,
    /// Said first in a copy.
    copy_note: String,
}

/// Who hears about the visitor's side: the guardians of the party's minors (each once, with
/// the link to answer), and the registration's contact with a copy when it is someone else;
/// without guardians, the contact answers.
async fn visitor_recipients(
    tx: &mut Tx,
    reg: &RegistrationRow,
    lang: &str,
) -> anyhow::Result<Vec<Recipient>> {
    let guardians = crate::db::guardians::of_registration_tx(tx, reg.id).await?;
    let mut out: Vec<Recipient> = Vec::new();
    for g in &guardians {
        if out
            .iter()
            .any(|r| r.email.eq_ignore_ascii_case(&g.guardian_email))
        {
            continue;
        }
        out.push(Recipient {
            key: if out.is_empty() {
                "visitor".to_owned()
            } else {
                format!("visitor:guardian:{}", g.id)
            },
            name: g.guardian_name.clone(),
            email: g.guardian_email.clone(),
            answers: true,
            copy_note: String::new(),
        });
    }
    if out.is_empty() {
        out.push(Recipient {
            key: "visitor".to_owned(),
            name: reg.contact_name.clone(),
            email: reg.contact_email.clone(),
            answers: true,
            copy_note: String::new(),
        });
    } else if !out
        .iter()
        .any(|r| r.email.eq_ignore_ascii_case(&reg.contact_email))
    {
        let names: Vec<&str> = out.iter().map(|r| r.name.as_str()).collect();
        out.push(Recipient {
            key: "visitor:copy".to_owned(),
            name: reg.contact_name.clone(),
            email: reg.contact_email.clone(),
            answers: false,
            copy_note: crate::i18n::t_with(
                lang,
                "email-copy-minor",
                &[("guardian", &names.join(", "))],
            ),
        });
    }
    Ok(out)
}

async fn email_staff(
    ctx: &Ctx,
    tx: &mut Tx,
    pair: &Pair<'_>,
    what: &str,
) -> Result<Vec<Scheduled>> {
    let Pair { event, m, reg, h } = *pair;
    let mut jobs = Vec::new();
    for (staff_id, email) in crate::db::staff::reviewers_tx(tx).await? {
        let mut mc = mail(ctx, "en", event, &email);
        mc.lines = vec![
            what.to_owned(),
            format!("Party: {} (registration {})", reg.contact_name, reg.id),
            format!("Household: {} (household {})", h.contact_name, h.id),
            format!(
                "{}/staff/events/{}/matching",
                ctx.settings.base_url(),
                event.slug
            ),
        ];
        let key = format!("match:{}:{}:staff:{staff_id}", m.id, m.state);
        jobs.extend(
            crate::email::compose::insert(
                ctx,
                tx,
                EmailKind::MatchClosed,
                &key,
                &email,
                "en",
                None,
                Some(event.id),
                &mc,
                None,
                None,
            )
            .await?,
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_shown_as_bands() {
        assert_eq!(age_band(16), "15–17");
        assert_eq!(age_band(17), "15–17");
        assert_eq!(age_band(18), "18–29");
        assert_eq!(age_band(70), "65+");
    }
}
