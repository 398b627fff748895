//! Host households for exchanges (issue 6, DESIGN section 5): the application anyone can make
//! at `/host` or `POST /api/v1/hosts`, the household's own updates through its private link,
//! staff review (approve, suspend) and the screening of each adult member.
//!
//! Adults are members at or above the programme's age threshold (`TWINNING_ADULT_AGE`,
//! default 18). A household may host a minor only while every adult has a clear screening on
//! record: a new adult who joins pauses placements of minors until screened, without anyone
//! having to remember to do it.

use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, FieldCollector, Result};
use crate::db::hosts::{self as store, HouseholdRow, MemberRow};
pub use crate::domain::household::{
    DIETS, DateRange, DraftMember, HostBody, HostContact, HostLimits, HouseholdDraft,
    HouseholdStatus, LanguageLevel, MAX_LIST, MAX_MEMBERS, MemberBody, PetBody, SAFEGUARDING_KINDS,
    SCREENING_KINDS, age_on, parse, parse_date,
};
use crate::domain::household::{ScreeningOutcome, one_of};
use crate::domain::token;
pub use crate::exchanges::screening::{
    BlockingAdult, MinorsStanding, Screened, minors_standing, screened_until, screening_block,
    screening_of,
};

/// The outcome of an application.
#[derive(Debug, Clone)]
pub struct Applied {
    pub id: i64,
    /// The household's private token.
    pub token: String,
}

fn today(ctx: &Ctx) -> NaiveDate {
    ctx.clock.now().with_timezone(&Utc).date_naive()
}

/// Stores a new application (status `applicant`) and tells staff.
pub async fn apply(ctx: &Ctx, body: &HostBody) -> Result<Applied> {
    let draft = parse(body, today(ctx), ctx.settings.adult_age)?;
    let (members, removed) = resolve_members(&[], &draft)?;
    let now = ctx.clock.now();
    let token = token::generate();
    let selector = token::selector(&token).expect("generated tokens are well formed");
    let mut tx = ctx.db.begin().await?;
    let id = store::insert(&mut tx, &token, selector, &draft, now).await?;
    store::save_members(&mut tx, id, &members, &removed, now).await?;
    crate::db::audit::audit(
        &mut tx,
        "host",
        "household.apply",
        &format!("household:{id}"),
        None,
        Some(&serde_json::json!({"contact": draft.contact_name, "members": members.len()})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Applied { id, token })
}

/// Finds a household by its private token (constant-time comparison).
pub async fn find(ctx: &Ctx, token_str: &str) -> Result<HouseholdRow> {
    let selector = token::selector(token_str).ok_or(AppError::NotFound)?;
    let row = store::find_by_selector(&ctx.db, selector)
        .await?
        .ok_or(AppError::NotFound)?;
    if token::matches(token_str, &row.token) {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

/// Matches the members a household lists against those on record: an id names someone on
/// record; without one, the same name and date of birth does (for clients that send no ids);
/// anyone else is new. Everyone on record must be listed or removed explicitly. Returns the
/// members with their ids and the ids to remove.
fn resolve_members(
    existing: &[MemberRow],
    draft: &HouseholdDraft,
) -> Result<(Vec<DraftMember>, Vec<i64>)> {
    let mut f = FieldCollector::default();
    let mut claimed: Vec<i64> = Vec::new();
    let mut out = Vec::with_capacity(draft.members.len());
    for (i, m) in draft.members.iter().enumerate() {
        let id = match m.id {
            Some(id) if !existing.iter().any(|e| e.id == id) => {
                f.add(
                    format!("members[{i}].id"),
                    "is not a member of this household",
                );
                None
            }
            Some(id) if claimed.contains(&id) || draft.remove_members.contains(&id) => {
                f.add(
                    format!("members[{i}].id"),
                    "is listed twice or also removed",
                );
                None
            }
            Some(id) => Some(id),
            None => existing
                .iter()
                .find(|e| {
                    e.name == m.name
                        && e.born_on == m.born_on
                        && !claimed.contains(&e.id)
                        && !draft.remove_members.contains(&e.id)
                        && !draft.members.iter().any(|d| d.id == Some(e.id))
                })
                .map(|e| e.id),
        };
        if let Some(id) = id {
            claimed.push(id);
        }
        out.push(DraftMember { id, ..m.clone() });
    }
    for (j, id) in draft.remove_members.iter().enumerate() {
        if !existing.iter().any(|e| e.id == *id) {
            f.add(
                format!("remove_members[{j}]"),
                "is not a member of this household",
            );
        }
    }
    let missing: Vec<&str> = existing
        .iter()
        .filter(|e| !claimed.contains(&e.id) && !draft.remove_members.contains(&e.id))
        .map(|e| e.name.as_str())
        .collect();
    if !missing.is_empty() {
        f.add(
            "members",
            format!(
                "must still list {} (with their id), or remove them explicitly",
                missing.join(", ")
            ),
        );
    }
    f.finish()?;
    Ok((out, draft.remove_members.clone()))
}

/// The details whose change sends an approved household back to review: where it is, who
/// lives there, smoking, pets, the home and its limits (not contact details, dates,
/// languages, diets or interests).
fn reviewed(
    [address, area]: [&str; 2],
    members: &[(String, NaiveDate)],
    pets: &str,
    smoking: &str,
    home: [i64; 5],
    rooms: [&str; 2],
    limits: &HostLimits,
) -> std::collections::BTreeMap<&'static str, serde_json::Value> {
    let json = |text: &str| serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
    let members: Vec<String> = members.iter().map(|(n, b)| format!("{n} ({b})")).collect();
    [
        ("address", serde_json::json!(address)),
        ("area", serde_json::json!(area)),
        ("members", serde_json::json!(members)),
        ("pets", json(pets)),
        ("smoking", serde_json::json!(smoking)),
        ("beds", serde_json::json!(home[0])),
        ("bedrooms", serde_json::json!(home[1])),
        ("max_parties", serde_json::json!(home[2])),
        ("step_free", serde_json::json!(home[3] != 0)),
        ("bedroom_floor", serde_json::json!(home[4])),
        ("room", serde_json::json!(rooms[0])),
        ("bathroom", serde_json::json!(rooms[1])),
        ("limits", serde_json::to_value(limits).unwrap_or_default()),
    ]
    .into_iter()
    .collect()
}

fn reviewed_of_row(
    row: &HouseholdRow,
    members: &[MemberRow],
) -> std::collections::BTreeMap<&'static str, serde_json::Value> {
    let members: Vec<(String, NaiveDate)> = members
        .iter()
        .map(|m| (m.name.clone(), m.born_on))
        .collect();
    reviewed(
        [&row.address, &row.area],
        &members,
        &row.pets,
        &row.smoking,
        [
            row.beds,
            row.bedrooms,
            row.max_parties,
            i64::from(row.step_free),
            row.bedroom_floor,
        ],
        [&row.room, &row.bathroom],
        &HostLimits {
            accepts_minors: row.accepts_minors,
            guest_gender: row.guest_gender.clone(),
            accepts_couples: row.accepts_couples,
            accepts_smokers: row.accepts_smokers,
            max_nights: row.max_nights,
        },
    )
}

fn reviewed_of_draft(
    d: &HouseholdDraft,
) -> std::collections::BTreeMap<&'static str, serde_json::Value> {
    let members: Vec<(String, NaiveDate)> = d
        .members
        .iter()
        .map(|m| (m.name.clone(), m.born_on))
        .collect();
    reviewed(
        [&d.address, &d.area],
        &members,
        &d.pets,
        d.smoking,
        [
            d.beds,
            d.bedrooms,
            d.max_parties,
            i64::from(d.step_free),
            d.bedroom_floor,
        ],
        [d.room, d.bathroom],
        &HostLimits {
            accepts_minors: d.accepts_minors,
            guest_gender: d.guest_gender.to_owned(),
            accepts_couples: d.accepts_couples,
            accepts_smokers: d.accepts_smokers,
            max_nights: d.max_nights,
        },
    )
}

/// What changed since approval: `pending` (field -> `{before, after}`, from an earlier edit
/// still in review) merged with this edit's `before` and `after`. A field changed back to its
/// approved value drops out.
pub fn merge_changes(
    pending: &str,
    before: &std::collections::BTreeMap<&'static str, serde_json::Value>,
    after: &std::collections::BTreeMap<&'static str, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut changes: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(pending).unwrap_or_default();
    for (field, new) in after {
        let old = before.get(field).cloned().unwrap_or_default();
        if old == *new {
            continue;
        }
        let approved = changes
            .get(*field)
            .and_then(|c| c.get("before"))
            .cloned()
            .unwrap_or(old);
        if approved == *new {
            changes.remove(*field);
        } else {
            changes.insert(
                (*field).to_owned(),
                serde_json::json!({"before": approved, "after": new}),
            );
        }
    }
    changes
}

/// What an update did.
#[derive(Debug, Clone, Default)]
pub struct Updated {
    /// Adults new to the household (unscreened: minors are paused until they are).
    pub new_adults: Vec<String>,
    /// The household went back to review (a change staff must approve).
    pub review: bool,
}

/// The household updates its details through its private link. Members keep their ids (and
/// screenings) when renamed; someone new starts unscreened; removing someone is explicit. A
/// change to what was approved (see [`reviewed`]) sends an approved household back to
/// `review`, with what changed, until staff approve again; active matches are re-checked.
pub async fn update(ctx: &Ctx, token_str: &str, body: &HostBody) -> Result<Updated> {
    let row = find(ctx, token_str).await?;
    let today = today(ctx);
    let draft = parse(body, today, ctx.settings.adult_age)?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    // Read again (and locked) inside the transaction: the status and members decide what this
    // edit does.
    let row = store::lock(&mut tx, row.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = store::members_tx(&mut tx, row.id).await?;
    let (members, removed) = resolve_members(&before, &draft)?;
    let new_adults: Vec<String> = members
        .iter()
        .filter(|m| m.id.is_none() && age_on(m.born_on, today) >= ctx.settings.adult_age)
        .map(|m| m.name.clone())
        .collect();
    let changes = merge_changes(
        &row.review_changes,
        &reviewed_of_row(&row, &before),
        &reviewed_of_draft(&draft),
    );
    store::update(&mut tx, row.id, &draft, now).await?;
    store::save_members(&mut tx, row.id, &members, &removed, now).await?;
    let status = match row.status {
        HouseholdStatus::Approved | HouseholdStatus::Review if !changes.is_empty() => {
            HouseholdStatus::Review
        }
        HouseholdStatus::Review => HouseholdStatus::Approved,
        other => other,
    };
    if row.status.hosts() {
        let text = serde_json::Value::Object(changes.clone()).to_string();
        store::set_review(&mut tx, row.id, status, &text, now).await?;
    }
    crate::db::audit::audit(
        &mut tx,
        "host",
        "household.update",
        &format!("household:{}", row.id),
        Some(&serde_json::json!({"status": row.status})),
        Some(
            &serde_json::json!({"status": status, "members": members.len(), "removed": removed,
            "new_adults": new_adults, "changes": changes}),
        ),
        now,
    )
    .await?;
    if status == HouseholdStatus::Review && row.status != HouseholdStatus::Review {
        crate::db::audit::audit(
            &mut tx,
            "system",
            "household.review",
            &format!("household:{}", row.id),
            Some(&serde_json::json!({"status": row.status})),
            Some(&serde_json::json!({"status": "review", "changes": changes})),
            now,
        )
        .await?;
    }
    let jobs = crate::exchanges::placements::recheck(
        ctx,
        &mut tx,
        crate::exchanges::placements::Scope::Household(row.id),
    )
    .await?;
    ctx.commit(tx, &jobs).await?;
    Ok(Updated {
        new_adults,
        review: status == HouseholdStatus::Review,
    })
}

/// Staff approve or suspend a household (with a reason when suspending).
pub async fn set_status(
    ctx: &Ctx,
    id: i64,
    status: HouseholdStatus,
    reason: &str,
    actor: &Actor,
) -> Result<()> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let row = store::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if row.status == status {
        return Err(AppError::conflict(
            "no_change",
            format!("This household is already {status}."),
        ));
    }
    store::set_status(&mut tx, id, status, reason, now).await?;
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        &format!(
            "household.{}",
            if status == HouseholdStatus::Approved {
                "approve"
            } else {
                "suspend"
            }
        ),
        &format!("household:{id}"),
        Some(&serde_json::json!({"status": row.status})),
        Some(&serde_json::json!({"status": status, "reason": reason})),
        now,
    )
    .await?;
    let jobs = crate::exchanges::placements::recheck(
        ctx,
        &mut tx,
        crate::exchanges::placements::Scope::Household(id),
    )
    .await?;
    ctx.commit(tx, &jobs).await?;
    Ok(())
}

/// A screening staff record for one member.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreeningBody {
    /// The household member screened.
    pub member_id: i64,
    /// See `SCREENING_KINDS`, e.g. `criminal_record`.
    #[schema(
        pattern = "^(criminal_record|enhanced_barred_list|youth_protection_training|reference|home_visit|interview)$"
    )]
    pub kind: String,
    /// `clear`, `not_clear` or `pending` (a done check, `clear` or `not_clear`, needs
    /// `completed_on`).
    #[schema(pattern = "^(clear|not_clear|pending)$")]
    pub outcome: String,
    /// `YYYY-MM-DD`; required unless pending.
    #[serde(default)]
    pub completed_on: Option<String>,
    /// `YYYY-MM-DD`; default one year after completion.
    #[serde(default)]
    pub expires_on: Option<String>,
    /// The certificate or reference number (never the report itself).
    #[serde(default)]
    pub reference: Option<String>,
}

/// Records a screening of a member of household `household_id`.
pub async fn record_screening(
    ctx: &Ctx,
    household_id: i64,
    body: &ScreeningBody,
    actor: &Actor,
) -> Result<()> {
    let mut f = FieldCollector::default();
    let kind = f.take("kind", one_of(&body.kind, SCREENING_KINDS));
    let outcome = f.take("outcome", ScreeningOutcome::parse(&body.outcome));
    let parse_opt = |v: &Option<String>| match v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    {
        Some(s) => parse_date(s).map(Some),
        None => Ok(None),
    };
    let completed = f
        .take("completed_on", parse_opt(&body.completed_on))
        .flatten();
    let expires = f.take("expires_on", parse_opt(&body.expires_on)).flatten();
    let reference = f.take(
        "reference",
        crate::domain::parse_long_text(body.reference.as_deref().unwrap_or(""), 100),
    );
    if outcome.is_some_and(|o| o != ScreeningOutcome::Pending)
        && completed.is_none()
        && body.completed_on.as_deref().unwrap_or("").trim().is_empty()
    {
        f.add("completed_on", "is required once the check is done");
    }
    if completed.is_some_and(|c| c > today(ctx)) {
        f.add("completed_on", "must not be in the future");
    }
    let expires =
        expires.or_else(|| completed.and_then(|c| c.checked_add_months(chrono::Months::new(12))));
    if let (Some(c), Some(e)) = (completed, expires)
        && e <= c
    {
        f.add("expires_on", "must be after completed_on");
    }
    f.finish()?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if store::lock(&mut tx, household_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let members = store::members_tx(&mut tx, household_id).await?;
    if !members.iter().any(|m| m.id == body.member_id) {
        return Err(AppError::field(
            "member_id",
            "is not a member of this household",
        ));
    }
    let row = store::NewScreening {
        member_id: body.member_id,
        kind: kind.expect("checked"),
        outcome: outcome.expect("checked"),
        completed_on: completed,
        expires_on: expires,
        reference: reference.expect("checked"),
    };
    store::insert_screening(&mut tx, &row, actor.staff_id(), now).await?;
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        "household.screening",
        &format!("household:{household_id}"),
        None,
        Some(&serde_json::json!({"member_id": row.member_id, "kind": row.kind, "outcome": row.outcome,
            "completed_on": row.completed_on, "expires_on": row.expires_on})),
        now,
    )
    .await?;
    let jobs = crate::exchanges::placements::recheck(
        ctx,
        &mut tx,
        crate::exchanges::placements::Scope::Household(household_id),
    )
    .await?;
    ctx.commit(tx, &jobs).await?;
    Ok(())
}

/// Households on record, in `status` (all when `None`), for staff.
pub async fn list(ctx: &Ctx, status: Option<HouseholdStatus>) -> Result<Vec<HouseholdRow>> {
    Ok(crate::db::hosts::list(&ctx.db, status.map(|s| s.as_str())).await?)
}

/// Household `id`; not found otherwise.
pub async fn get(ctx: &Ctx, id: i64) -> Result<HouseholdRow> {
    crate::db::hosts::get(&ctx.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The members of household `id` and their screenings.
pub async fn members_and_screenings(
    ctx: &Ctx,
    id: i64,
) -> Result<(
    Vec<crate::db::hosts::MemberRow>,
    Vec<crate::db::hosts::ScreeningRow>,
)> {
    Ok((
        crate::db::hosts::members(&ctx.db, id).await?,
        crate::db::hosts::screenings(&ctx.db, id).await?,
    ))
}

/// The last `limit` audit rows about household `id`, newest first.
pub async fn history(ctx: &Ctx, id: i64, limit: i64) -> Result<Vec<crate::db::audit::AuditRow>> {
    Ok(crate::db::audit::for_subject(&ctx.db, &format!("household:{id}"), limit).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_count_whole_years_from_the_birthday() {
        let born = NaiveDate::from_ymd_opt(2013, 6, 2).unwrap();
        assert_eq!(
            age_on(born, NaiveDate::from_ymd_opt(2031, 6, 1).unwrap()),
            17
        );
        assert_eq!(
            age_on(born, NaiveDate::from_ymd_opt(2031, 6, 2).unwrap()),
            18
        );
    }
}
