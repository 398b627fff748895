//! Exchanges: the parties to place (each live registration of an exchange, with its visitors'
//! profiles) and the host households, loaded into the matching engine's types, and the
//! suggestion staff see (issue 6, DESIGN section 5).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::context::Ctx;
use crate::core::error::{AppError, Result};
use crate::db::events::EventRow;
use crate::db::guardians::GuardianRow;
use crate::db::hosts::{self as hosts_db, HouseholdRow};
use crate::db::registrations::{self as regs, ParticipantRow, RegistrationRow};
use crate::domain::household::{self as hosts, DateRange, LanguageLevel, PetBody};
use crate::domain::visitor::GuardianStatus;
use crate::domain::visitor::VisitorProfile;
use crate::matching::{
    self, Allergy, Gender, GenderLimit, GuardianAnswer, Household, Member, Party, Pet, Smoking,
    Visitor,
    assign::{Decisions, Suggestion},
    score::Weights,
};

pub use crate::db::events::stay;

fn languages(list: &[LanguageLevel]) -> Vec<(String, u8)> {
    list.iter().map(|l| (l.code.clone(), l.level)).collect()
}

/// A registration as a party: its visitors with their profiles and, for minors, where their
/// guardian's own answer stands (`guardians`: the registration's requests).
pub fn party(
    reg: &RegistrationRow,
    participants: &[ParticipantRow],
    guardians: &[GuardianRow],
    (arrives, departs): (NaiveDate, NaiveDate),
    adult_age: i32,
) -> Party {
    let visitors = participants
        .iter()
        .map(|p| {
            let profile: Option<VisitorProfile> = serde_json::from_str(&p.profile).ok();
            let shown_name = crate::domain::visitor::shown_name(&p.name, profile.as_ref());
            let minor = crate::domain::visitor::is_minor(profile.as_ref(), arrives, adult_age);
            // A minor's consents are the guardian's own answer, never the form's boxes.
            let (guardian, guardian_consents) = if minor {
                answer_of(guardians, p.id)
            } else {
                (GuardianAnswer::Given, Vec::new())
            };
            let profile = profile.unwrap_or_else(|| VisitorProfile {
                display_name: None,
                born_on: String::new(),
                gender: "other".into(),
                languages: Vec::new(),
                interests: Vec::new(),
                diets_required: Vec::new(),
                diets_preferred: Vec::new(),
                allergies: Vec::new(),
                smoker: false,
                stairs_ok: true,
                guardian: None,
                consents: Vec::new(),
            });
            Visitor {
                shown_name,
                minor,
                gender: match profile.gender.as_str() {
                    "female" => Gender::Female,
                    "male" => Gender::Male,
                    _ => Gender::Other,
                },
                smoker: profile.smoker,
                stairs_ok: profile.stairs_ok,
                allergies: profile
                    .allergies
                    .iter()
                    .map(|a| Allergy {
                        agent: a.agent.clone(),
                        severe: a.is_severe(),
                    })
                    .collect(),
                diets_required: profile.diets_required.clone(),
                languages: languages(&profile.languages),
                interests: profile.interests.clone(),
                single_adult_consent: guardian_consents
                    .iter()
                    .any(|c| c == crate::domain::visitor::SINGLE_ADULT_HOUSEHOLD),
                guardian,
            }
        })
        .collect();
    Party {
        id: reg.id,
        visitors,
        arrives,
        departs,
        couple: false,
    }
}

/// A household row as the matcher sees it on the first day of the stay.
pub fn household(
    row: &HouseholdRow,
    members: &[hosts_db::MemberRow],
    screenings: &[hosts_db::ScreeningRow],
    first_day: NaiveDate,
    adult_age: i32,
) -> Household {
    let available: Vec<DateRange> = serde_json::from_str(&row.available).unwrap_or_default();
    let pets: Vec<PetBody> = serde_json::from_str(&row.pets).unwrap_or_default();
    let langs: Vec<LanguageLevel> = serde_json::from_str(&row.languages).unwrap_or_default();
    Household {
        id: row.id,
        // A household in review still hosts adults; minors wait for staff (see `in_review`).
        approved: row.status.hosts(),
        in_review: row.status == crate::domain::household::HouseholdStatus::Review,
        members: members
            .iter()
            .map(|m| Member {
                shown_name: m.shown_name().to_owned(),
                adult: hosts::age_on(m.born_on, first_day) >= adult_age,
                screened_until: crate::exchanges::screening::screened_until(m.id, screenings),
                blocked: crate::exchanges::screening::screening_block(m.id, screenings),
            })
            .collect(),
        available: available
            .iter()
            .filter_map(|r| {
                Some((
                    hosts::parse_date(&r.from).ok()?,
                    hosts::parse_date(&r.to).ok()?,
                ))
            })
            .collect(),
        beds: u32::try_from(row.beds).unwrap_or(0),
        max_parties: u32::try_from(row.max_parties).unwrap_or(1),
        step_free: row.step_free,
        pets: pets
            .into_iter()
            .map(|p| Pet {
                species: p.species,
                indoors: p.indoors,
            })
            .collect(),
        smoking: match row.smoking.as_str() {
            "inside" => Smoking::Inside,
            "outside" => Smoking::Outside,
            _ => Smoking::None,
        },
        languages: languages(&langs),
        diets: serde_json::from_str(&row.diets).unwrap_or_default(),
        interests: serde_json::from_str(&row.interests).unwrap_or_default(),
        accepts_minors: row.accepts_minors,
        accepts_gender: match row.guest_gender.as_str() {
            "female" => GenderLimit::Female,
            "male" => GenderLimit::Male,
            _ => GenderLimit::Any,
        },
        accepts_couples: row.accepts_couples,
        accepts_smokers: row.accepts_smokers,
        max_nights: row.max_nights.and_then(|n| u32::try_from(n).ok()),
        times_hosted: 0,
    }
}

/// Everything the matcher needs about one exchange.
pub struct Pool {
    pub event: EventRow,
    pub registrations: Vec<RegistrationRow>,
    pub parties: Vec<Party>,
    pub households: Vec<HouseholdRow>,
    pub engine_households: Vec<Household>,
    /// How much each preference counts in this exchange.
    pub weights: Weights,
}

/// Loads the parties of exchange `slug` and every household.
pub async fn pool(ctx: &Ctx, slug: &str) -> Result<Pool> {
    let event = crate::db::events::find_by_slug(&ctx.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if !event.is_exchange() {
        return Err(AppError::conflict(
            "not_an_exchange",
            "Matching is for exchanges; this event has no host placements.",
        ));
    }
    let dates = stay(&event);
    let adult_age = ctx.settings.adult_age;
    let mut participants: HashMap<i64, Vec<ParticipantRow>> =
        regs::participants_of_event(&ctx.db, event.id).await?;
    let registrations: Vec<RegistrationRow> = regs::list_for_event(&ctx.db, event.id, None)
        .await?
        .into_iter()
        .filter(|r| r.status.is_placed())
        .collect();
    let guardians = crate::db::guardians::of_event(&ctx.db, event.id).await?;
    let parties = registrations
        .iter()
        .map(|r| {
            party(
                r,
                &participants.remove(&r.id).unwrap_or_default(),
                guardians.get(&r.id).map_or(&[][..], Vec::as_slice),
                dates,
                adult_age,
            )
        })
        .collect();
    let households = hosts_db::list(&ctx.db, None).await?;
    let hosted = crate::db::matches::hosted_elsewhere(&ctx.db, event.id).await?;
    // Two queries for every household's members and screenings, not two per household.
    let mut members = hosts_db::all_members(&ctx.db).await?;
    let screenings = hosts_db::all_screenings(&ctx.db).await?;
    let mut engine_households = Vec::with_capacity(households.len());
    for h in &households {
        let members = members.remove(&h.id).unwrap_or_default();
        let screenings = screenings.get(&h.id).map_or(&[][..], Vec::as_slice);
        let mut engine = household(h, &members, screenings, dates.0, adult_age);
        // Spreading the load: stays hosted in earlier exchanges count against a household.
        engine.times_hosted = u32::try_from(hosted.get(&h.id).copied().unwrap_or(0)).unwrap_or(0);
        engine_households.push(engine);
    }
    let weights = crate::db::matches::weights(&ctx.db, event.id)
        .await?
        .unwrap_or_default();
    Ok(Pool {
        weights,
        event,
        registrations,
        parties,
        households,
        engine_households,
    })
}

/// The suggestion for a pool.
pub fn suggest(pool: &Pool, decisions: &Decisions) -> Suggestion {
    matching::assign::suggest(
        &pool.parties,
        &pool.engine_households,
        &pool.weights,
        decisions,
    )
}

/// A party as staff see it in the matching.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartyJson {
    /// The registration id.
    pub registration: i64,
    pub contact: String,
    /// Visitors' names to show.
    pub visitors: Vec<String>,
    pub minors: usize,
}

/// A household as staff see it in the matching.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdRef {
    pub id: i64,
    pub name: String,
    pub area: String,
}

/// One suggested pair.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlacementJson {
    pub party: PartyJson,
    pub household: HouseholdRef,
    pub score: i64,
    /// Points by preference (`language`, `interests`, `household_fit`, `load`).
    pub breakdown: std::collections::BTreeMap<String, i64>,
    pub locked: bool,
}

/// Why one household cannot take a party.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RuledOutJson {
    pub household: HouseholdRef,
    /// The hard constraints the pair breaks, in words.
    pub reasons: Vec<String>,
}

/// A party left without a household, and why each household was ruled out.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnplacedJson {
    pub party: PartyJson,
    /// Empty when every household that could take the party is taken by others.
    pub ruled_out: Vec<RuledOutJson>,
}

/// The suggestion for an exchange.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatchingJson {
    pub event: String,
    /// How much each preference counts (`PUT .../matching/weights` changes them).
    pub weights: Weights,
    pub parties: usize,
    pub households: usize,
    pub placements: Vec<PlacementJson>,
    pub unplaced: Vec<UnplacedJson>,
}

/// The suggestion in the shape the API and the board show.
pub fn describe(pool: &Pool, s: &Suggestion) -> MatchingJson {
    let party_json = |id: i64| {
        let reg = pool.registrations.iter().find(|r| r.id == id);
        let party = pool.parties.iter().find(|p| p.id == id);
        PartyJson {
            registration: id,
            contact: reg.map(|r| r.contact_name.clone()).unwrap_or_default(),
            visitors: party
                .map(|p| p.visitors.iter().map(|v| v.shown_name.clone()).collect())
                .unwrap_or_default(),
            minors: party.map_or(0, |p| p.visitors.iter().filter(|v| v.minor).count()),
        }
    };
    let household_ref = |id: i64| {
        let h = pool.households.iter().find(|h| h.id == id);
        HouseholdRef {
            id,
            name: h.map(|h| h.contact_name.clone()).unwrap_or_default(),
            area: h.map(|h| h.area.clone()).unwrap_or_default(),
        }
    };
    MatchingJson {
        event: pool.event.slug.clone(),
        weights: pool.weights,
        parties: pool.parties.len(),
        households: pool.households.len(),
        placements: s
            .placements
            .iter()
            .map(|p| PlacementJson {
                party: party_json(p.party),
                household: household_ref(p.household),
                score: p.score.total,
                breakdown: p
                    .score
                    .breakdown
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), *v))
                    .collect(),
                locked: p.locked,
            })
            .collect(),
        unplaced: s
            .unplaced
            .iter()
            .map(|u| UnplacedJson {
                party: party_json(u.party),
                ruled_out: u
                    .ruled_out
                    .iter()
                    .map(|(h, reasons)| RuledOutJson {
                        household: household_ref(*h),
                        reasons: reasons.iter().map(ToString::to_string).collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Where the guardian's answer for participant `participant_id` stands, with the consents
/// given (none until confirmed).
pub fn answer_of(guardians: &[GuardianRow], participant_id: i64) -> (GuardianAnswer, Vec<String>) {
    match guardians
        .iter()
        .find(|g| g.participant_id == participant_id)
    {
        Some(g) if g.status == GuardianStatus::Confirmed => (GuardianAnswer::Given, g.given()),
        Some(g) if g.status == GuardianStatus::Refused => (GuardianAnswer::Refused, Vec::new()),
        _ => (GuardianAnswer::Waiting, Vec::new()),
    }
}
