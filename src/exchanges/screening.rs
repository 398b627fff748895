//! Whether a household's adults are screened to host minors (issue 15): per member and kind
//! the most recent result decides. Rules over the rows as read, shared by the households'
//! pages, the matching and the re-checks of placements.

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::hosts::{HouseholdRow, MemberRow, ScreeningRow};
use crate::domain::household::{SAFEGUARDING_KINDS, ScreeningOutcome, age_on};

/// Whether a household may host minors now, and if not, who still needs a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MinorsStanding {
    /// `ok`, `paused` (an adult lacks a valid check), `in_review` (changed since approval:
    /// staff approve again first) or `not_accepted` (the household's own choice).
    pub status: &'static str,
    /// Adults without a clear safeguarding check valid today.
    pub unscreened_adults: Vec<String>,
    /// The earliest expiry among the adults' checks: minors may stay until then.
    pub valid_until: Option<NaiveDate>,
    /// Each adult who keeps minors out, with why.
    pub blocking: Vec<BlockingAdult>,
}

/// Where one member's safeguarding checks stand: per kind the most recent result decides (by
/// completion date, then by when it was recorded; a pending check counts from the day it was
/// recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screened {
    /// No safeguarding check on record.
    Never,
    /// The latest check of every kind on record is clear; the latest expiry among them.
    Clear(Option<NaiveDate>),
    /// The latest check of `kind` is `not_clear` or `pending`: minors may not stay.
    Blocked {
        kind: String,
        outcome: ScreeningOutcome,
    },
}

/// Where `member_id`'s safeguarding checks stand (see [`Screened`]).
pub fn screening_of(member_id: i64, screenings: &[ScreeningRow]) -> Screened {
    let mut until = None;
    let mut any = false;
    for kind in SAFEGUARDING_KINDS {
        let latest = screenings
            .iter()
            .filter(|s| s.member_id == member_id && s.kind == *kind)
            .max_by_key(|s| {
                (
                    s.completed_on.unwrap_or_else(|| s.created_at.date_naive()),
                    s.created_at,
                    s.id,
                )
            });
        let Some(latest) = latest else { continue };
        any = true;
        if latest.outcome != ScreeningOutcome::Clear {
            return Screened::Blocked {
                kind: (*kind).to_owned(),
                outcome: latest.outcome,
            };
        }
        until = until.max(latest.expires_on);
    }
    if any {
        Screened::Clear(until)
    } else {
        Screened::Never
    }
}

/// Until when `member`'s safeguarding checks are clear; `None` without a clear check, or when
/// the latest result of a kind is not clear.
pub fn screened_until(member_id: i64, screenings: &[ScreeningRow]) -> Option<NaiveDate> {
    match screening_of(member_id, screenings) {
        Screened::Clear(until) => until,
        _ => None,
    }
}

/// Why `member_id` blocks minors from a result, in words; `None` unless a latest result is
/// not clear.
pub fn screening_block(member_id: i64, screenings: &[ScreeningRow]) -> Option<String> {
    match screening_of(member_id, screenings) {
        Screened::Blocked { kind, outcome } => Some(format!(
            "the latest {} check is {}",
            kind.replace('_', " "),
            outcome.as_str().replace('_', " ")
        )),
        _ => None,
    }
}

/// One adult who keeps minors out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BlockingAdult {
    pub member_id: i64,
    pub name: String,
    pub reason: String,
}

/// Works out whether household `row` may host minors on `today`.
pub fn minors_standing(
    row: &HouseholdRow,
    members: &[MemberRow],
    screenings: &[ScreeningRow],
    today: NaiveDate,
    adult_age: i32,
) -> MinorsStanding {
    let adults: Vec<&MemberRow> = members
        .iter()
        .filter(|m| age_on(m.born_on, today) >= adult_age)
        .collect();
    let until: Vec<(String, Option<NaiveDate>)> = adults
        .iter()
        .map(|m| (m.name.clone(), screened_until(m.id, screenings)))
        .collect();
    let unscreened: Vec<String> = until
        .iter()
        .filter(|(_, u)| u.is_none_or(|u| u <= today))
        .map(|(n, _)| n.clone())
        .collect();
    let valid_until = until
        .iter()
        .map(|(_, u)| *u)
        .collect::<Option<Vec<_>>>()
        .and_then(|v| v.into_iter().min());
    let blocking = adults
        .iter()
        .filter_map(|m| {
            let reason = match screening_of(m.id, screenings) {
                Screened::Never => "no safeguarding check on record".to_owned(),
                Screened::Blocked { .. } => screening_block(m.id, screenings)?,
                Screened::Clear(u) if u.is_none_or(|u| u <= today) => {
                    "the safeguarding check has expired".to_owned()
                }
                Screened::Clear(_) => return None,
            };
            Some(BlockingAdult {
                member_id: m.id,
                name: m.name.clone(),
                reason,
            })
        })
        .collect();
    MinorsStanding {
        blocking,
        status: if !row.accepts_minors {
            "not_accepted"
        } else if row.status == crate::domain::household::HouseholdStatus::Review {
            "in_review"
        } else if unscreened.is_empty() {
            "ok"
        } else {
            "paused"
        },
        unscreened_adults: unscreened,
        valid_until: valid_until.filter(|_| !adults.is_empty()),
    }
}
