//! Matches of exchange parties with host households, and their history.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Db, Tx};
use crate::domain::placement::MatchState;
use crate::{on_pool, on_tx};

/// A `matches` row.
#[derive(Debug, Clone, FromRow)]
pub struct MatchRow {
    pub id: i64,
    pub event_id: i64,
    pub registration_id: i64,
    pub household_id: i64,
    #[sqlx(try_from = "String")]
    pub state: MatchState,
    pub host_token: String,
    pub visitor_token: String,
    pub score: i64,
    pub breakdown: String,
    pub override_reason: String,
    pub decline_reason: String,
    pub deadline: DateTime<Utc>,
    pub reminders_sent: i64,
    /// Pre-arrival reminders sent (0, 1 = 14 days before, 2 = 2 days before).
    pub arrival_reminders: i64,
    pub proposed_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// JSON list of the rule codes staff overrode when proposing: the override covers only
    /// these.
    pub overridden_rules: String,
    /// Why the match was withdrawn (the hard rule it came to break), staff only.
    pub withdrawn_reason: String,
}

impl MatchRow {
    /// The rule codes staff overrode.
    pub fn overridden(&self) -> Vec<String> {
        serde_json::from_str(&self.overridden_rules).unwrap_or_default()
    }
}

macro_rules! select_matches {
    () => {
        "SELECT id, event_id, registration_id, household_id, state, host_token, visitor_token, score, breakdown, \
         override_reason, decline_reason, deadline, reminders_sent, arrival_reminders, proposed_by, created_at, updated_at, \
         overridden_rules, withdrawn_reason FROM matches"
    };
}

/// States in which a match holds the party (and a place in the household).
pub const ACTIVE: &[&str] = &["proposed", "host_accepted", "confirmed"];

/// Values of a new match.
#[derive(Debug, Clone)]
pub struct NewMatch<'a> {
    pub event_id: i64,
    pub registration_id: i64,
    pub household_id: i64,
    pub host_token: &'a str,
    pub host_selector: &'a str,
    pub visitor_token: &'a str,
    pub visitor_selector: &'a str,
    pub score: i64,
    pub breakdown: &'a str,
    pub override_reason: &'a str,
    /// JSON list of the rule codes overridden.
    pub overridden_rules: &'a str,
    pub deadline: DateTime<Utc>,
    pub proposed_by: &'a str,
}

/// Stores a proposed match; returns its id.
pub async fn insert(tx: &mut Tx, m: &NewMatch<'_>, now: DateTime<Utc>) -> anyhow::Result<i64> {
    const SQL: &str = "INSERT INTO matches (event_id, registration_id, household_id, state, host_token, host_selector, \
        visitor_token, visitor_selector, score, breakdown, override_reason, deadline, proposed_by, created_at, updated_at, \
        overridden_rules) VALUES ($1, $2, $3, 'proposed', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING id";
    on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(m.event_id)
        .bind(m.registration_id)
        .bind(m.household_id)
        .bind(m.host_token)
        .bind(m.host_selector)
        .bind(m.visitor_token)
        .bind(m.visitor_selector)
        .bind(m.score)
        .bind(m.breakdown)
        .bind(m.override_reason)
        .bind(m.deadline)
        .bind(m.proposed_by)
        .bind(now)
        .bind(m.overridden_rules)
        .fetch_one(c)
        .await)
    .context("storing match")
}

/// Moves a match to `state` with a new deadline (and the decline reason, if any).
pub async fn set_state(
    tx: &mut Tx,
    id: i64,
    state: MatchState,
    deadline: DateTime<Utc>,
    decline_reason: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE matches SET state = $2, deadline = $3, reminders_sent = 0, \
        decline_reason = CASE WHEN $4 = '' THEN decline_reason ELSE $4 END, updated_at = $5 WHERE id = $1";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(state.as_str())
        .bind(deadline)
        .bind(decline_reason)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
    .context("updating match")
}

/// Counts a reminder sent.
pub async fn count_reminder(tx: &mut Tx, id: i64) -> anyhow::Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE matches SET reminders_sent = reminders_sent + 1 WHERE id = $1"
    )
    .bind(id)
    .execute(c)
    .await
    .map(|_| ()))
    .context("counting reminder")
}

/// Records a state change.
pub async fn record(
    tx: &mut Tx,
    id: i64,
    from: Option<MatchState>,
    to: MatchState,
    actor: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "INSERT INTO match_history (match_id, from_state, to_state, actor, reason, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6)";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(from.map(|f| f.as_str()))
        .bind(to.as_str())
        .bind(actor)
        .bind(reason)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
    .context("recording match history")
}

/// Match `id`, inside a transaction.
pub async fn get_tx(tx: &mut Tx, id: i64) -> anyhow::Result<Option<MatchRow>> {
    const SQL: &str = concat!(select_matches!(), " WHERE id = $1");
    on_tx!(tx, |c| sqlx::query_as(SQL).bind(id).fetch_optional(c).await).context("reading match")
}

/// Match `id`.
pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<MatchRow>> {
    const SQL: &str = concat!(select_matches!(), " WHERE id = $1");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .context("reading match")
}

/// The match whose host or visitor link has selector `selector`.
pub async fn find_by_selector(db: &Db, selector: &str) -> anyhow::Result<Option<MatchRow>> {
    const SQL: &str = concat!(
        select_matches!(),
        " WHERE host_selector = $1 OR visitor_selector = $1"
    );
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(selector)
        .fetch_optional(pool)
        .await)
    .context("reading match")
}

/// Every match of an event, oldest first.
pub async fn of_event(db: &Db, event_id: i64) -> anyhow::Result<Vec<MatchRow>> {
    const SQL: &str = concat!(select_matches!(), " WHERE event_id = $1 ORDER BY id");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(pool)
        .await)
    .context("listing matches")
}

/// Every match of an event, inside a transaction.
pub async fn of_event_tx(tx: &mut Tx, event_id: i64) -> anyhow::Result<Vec<MatchRow>> {
    const SQL: &str = concat!(select_matches!(), " WHERE event_id = $1 ORDER BY id");
    on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(c)
        .await)
    .context("listing matches")
}

/// Matches waiting for an answer (their deadline and reminders run).
pub async fn waiting(db: &Db) -> anyhow::Result<Vec<MatchRow>> {
    const SQL: &str = concat!(
        select_matches!(),
        " WHERE state IN ('proposed', 'host_accepted') ORDER BY id"
    );
    on_pool!(db, |pool| sqlx::query_as(SQL).fetch_all(pool).await)
        .context("listing waiting matches")
}

/// One history entry.
#[derive(Debug, Clone, FromRow)]
pub struct HistoryRow {
    pub match_id: i64,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// The history of every match of an event, oldest first.
pub async fn history_of_event(db: &Db, event_id: i64) -> anyhow::Result<Vec<HistoryRow>> {
    const SQL: &str = "SELECT h.match_id, h.from_state, h.to_state, h.actor, h.reason, h.created_at FROM match_history h \
        JOIN matches m ON m.id = h.match_id WHERE m.event_id = $1 ORDER BY h.id";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(pool)
        .await)
    .context("reading match history")
}

/// The weights of exchange `event_id`, if staff set them.
pub async fn weights(
    db: &Db,
    event_id: i64,
) -> anyhow::Result<Option<crate::matching::score::Weights>> {
    const SQL: &str =
        "SELECT language, interests, household_fit, load FROM matching_weights WHERE event_id = $1";
    let row: Option<(i64, i64, i64, i64)> = on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_optional(pool)
        .await)
    .context("reading matching weights")?;
    Ok(row.map(
        |(language, interests, household_fit, load)| crate::matching::score::Weights {
            language,
            interests,
            household_fit,
            load,
        },
    ))
}

/// Stores the weights of exchange `event_id`.
pub async fn set_weights(
    tx: &mut Tx,
    event_id: i64,
    w: &crate::matching::score::Weights,
) -> anyhow::Result<()> {
    const SQL: &str = "INSERT INTO matching_weights (event_id, language, interests, household_fit, load) \
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO UPDATE SET language = excluded.language, \
        interests = excluded.interests, household_fit = excluded.household_fit, load = excluded.load";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(event_id)
        .bind(w.language)
        .bind(w.interests)
        .bind(w.household_fit)
        .bind(w.load)
        .execute(c)
        .await
        .map(|_| ()))
    .context("storing matching weights")
}

/// Confirmed matches (their pre-arrival reminders run).
pub async fn confirmed(db: &Db) -> anyhow::Result<Vec<MatchRow>> {
    const SQL: &str = concat!(select_matches!(), " WHERE state = 'confirmed' ORDER BY id");
    on_pool!(db, |pool| sqlx::query_as(SQL).fetch_all(pool).await)
        .context("listing confirmed matches")
}

/// Records that pre-arrival reminder `step` went out; `false` if it was recorded before.
pub async fn mark_arrival_reminder(tx: &mut Tx, id: i64, step: i64) -> anyhow::Result<bool> {
    const SQL: &str =
        "UPDATE matches SET arrival_reminders = $2 WHERE id = $1 AND arrival_reminders < $2";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(step)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
    .context("recording pre-arrival reminder")
}

/// How many stays each household has hosted in other exchanges (confirmed placements).
pub async fn hosted_elsewhere(
    db: &Db,
    event_id: i64,
) -> anyhow::Result<std::collections::HashMap<i64, i64>> {
    const SQL: &str = "SELECT household_id, CAST(COUNT(*) AS BIGINT) FROM matches \
        WHERE state = 'confirmed' AND event_id <> $1 GROUP BY household_id";
    let rows: Vec<(i64, i64)> = on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(pool)
        .await)
    .context("counting stays hosted")?;
    Ok(rows.into_iter().collect())
}

/// Rules out a pair for an exchange (again: no change).
pub async fn exclude(
    tx: &mut Tx,
    event_id: i64,
    registration_id: i64,
    household_id: i64,
    reason: &str,
    by: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "INSERT INTO match_exclusions (event_id, registration_id, household_id, reason, created_by, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id, registration_id, household_id) DO NOTHING";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(event_id)
        .bind(registration_id)
        .bind(household_id)
        .bind(reason)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
    .context("excluding pair")
}

/// The pairs staff ruled out for an exchange.
pub async fn exclusions(db: &Db, event_id: i64) -> anyhow::Result<Vec<(i64, i64)>> {
    const SQL: &str =
        "SELECT registration_id, household_id FROM match_exclusions WHERE event_id = $1";
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(event_id)
        .fetch_all(pool)
        .await)
    .context("reading exclusions")
}

/// What [`active_tx`] selects matches by.
#[derive(Debug, Clone, Copy)]
pub enum Column {
    Household,
    Registration,
    Event,
}

/// The active matches whose household, registration or exchange is `id`, inside a
/// transaction.
pub async fn active_tx(tx: &mut Tx, by: Column, id: i64) -> anyhow::Result<Vec<MatchRow>> {
    macro_rules! active_by {
        ($column:literal) => {
            concat!(
                select_matches!(),
                " WHERE ",
                $column,
                " = $1 AND state IN ('proposed', 'host_accepted', 'confirmed') ORDER BY id"
            )
        };
    }
    let sql = match by {
        Column::Household => active_by!("household_id"),
        Column::Registration => active_by!("registration_id"),
        Column::Event => active_by!("event_id"),
    };
    on_tx!(tx, |c| sqlx::query_as(sql).bind(id).fetch_all(c).await)
        .context("listing active matches")
}

/// Ends match `id` as `withdrawn` with the rule it came to break.
pub async fn withdraw(
    tx: &mut Tx,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE matches SET state = 'withdrawn', withdrawn_reason = $2, updated_at = $3 WHERE id = $1";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(reason)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
    .context("withdrawing match")
}

/// Cancels every email of match `id` not sent yet (their dedupe keys start `match:{id}:`);
/// returns how many.
pub async fn cancel_unsent_emails(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> anyhow::Result<u64> {
    const SQL: &str = "UPDATE outbox SET status = 'cancelled', updated_at = $2 \
        WHERE dedupe_key LIKE $1 AND status IN ('queued', 'retrying', 'held')";
    let prefix = format!("match:{id}:%");
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(&prefix)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .context("cancelling a match's unsent emails")
}

/// Every email about match `id` (kind, status, dedupe key), oldest first.
pub async fn emails(db: &Db, id: i64) -> anyhow::Result<Vec<(String, String, String)>> {
    const SQL: &str =
        "SELECT kind, status, dedupe_key FROM outbox WHERE dedupe_key LIKE $1 ORDER BY id";
    let prefix = format!("match:{id}:%");
    on_pool!(db, |pool| sqlx::query_as(SQL)
        .bind(&prefix)
        .fetch_all(pool)
        .await)
    .context("reading a match's emails")
}
