//! Hard constraints: a pair of party and household is never suggested while one of these
//! fails (staff may override one with a written reason). Each returns why, in words staff can
//! act on.

use std::fmt;

use chrono::NaiveDate;

use super::{Gender, GenderLimit, GuardianAnswer, Household, Party, Smoking};

/// Why a party cannot stay with a household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The household is not approved (or is suspended).
    NotApproved,
    /// A minor would stay with an adult who has no screening on record.
    NotScreened { member: String },
    /// A minor would stay with an adult whose latest safeguarding result is not clear.
    ScreeningNotClear { member: String, why: String },
    /// A minor would stay with an adult whose screening ends before the stay does.
    ScreeningExpires { member: String, on: NaiveDate },
    /// The household is not available for every night of the stay.
    DatesNotCovered,
    /// Fewer beds than people.
    NotEnoughBeds { needed: u32, beds: u32 },
    /// A severe allergy to a pet of the household.
    SevereAllergy { visitor: String, agent: String },
    /// Smoking inside the house, and the visitor does not smoke.
    SmokingInside { visitor: String },
    /// A smoker, and the household does not take smokers.
    SmokersNotAccepted { visitor: String },
    /// The visitor cannot use stairs and the guest room needs them.
    Stairs { visitor: String },
    /// The household does not take minors.
    MinorsNotAccepted,
    /// The household takes guests of one gender only.
    GenderNotAccepted { visitor: String },
    /// The household does not take couples.
    CouplesNotAccepted,
    /// The stay is longer than the household takes.
    TooManyNights { nights: u32, max: u32 },
    /// A diet the household cannot cater for.
    DietNotSupported { visitor: String, diet: String },
    /// A minor would stay in a household with a single adult without the guardian's consent.
    SingleAdultWithoutConsent { visitor: String },
    /// This pair was declined or excluded before.
    Excluded,
    /// The household changed since approval and staff have not approved it again.
    InReview,
    /// A minor's guardian has not confirmed the placement consents through their own link.
    GuardianNotConfirmed { visitor: String },
    /// A minor's guardian refused the placement.
    GuardianRefused { visitor: String },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NotApproved => write!(f, "household not approved"),
            Reason::NotScreened { member } => write!(f, "{member} has no screening on record"),
            Reason::ScreeningNotClear { member, why } => write!(f, "{member}: {why}"),
            Reason::ScreeningExpires { member, on } => {
                write!(f, "{member}'s screening expires {on}, before the stay ends")
            }
            Reason::DatesNotCovered => write!(f, "not available for every night of the stay"),
            Reason::NotEnoughBeds { needed, beds } => {
                write!(f, "{needed} people but {beds} beds")
            }
            Reason::SevereAllergy { visitor, agent } => {
                write!(f, "{visitor} has a severe {agent} allergy")
            }
            Reason::SmokingInside { visitor } => {
                write!(f, "smoking inside the house; {visitor} does not smoke")
            }
            Reason::SmokersNotAccepted { visitor } => {
                write!(f, "{visitor} smokes; the household takes no smokers")
            }
            Reason::Stairs { visitor } => write!(f, "{visitor} cannot use stairs"),
            Reason::MinorsNotAccepted => write!(f, "the household takes no minors"),
            Reason::GenderNotAccepted { visitor } => {
                write!(f, "the household does not take {visitor}'s gender")
            }
            Reason::CouplesNotAccepted => write!(f, "the household takes no couples"),
            Reason::TooManyNights { nights, max } => {
                write!(f, "{nights} nights; the household takes at most {max}")
            }
            Reason::DietNotSupported { visitor, diet } => {
                write!(
                    f,
                    "{visitor} needs a {diet} diet the household cannot cater for"
                )
            }
            Reason::SingleAdultWithoutConsent { visitor } => write!(
                f,
                "a single-adult household, and {visitor}'s guardian has not agreed to one"
            ),
            Reason::Excluded => write!(f, "declined or excluded before"),
            Reason::InReview => write!(
                f,
                "the household changed its details and waits for staff to approve them"
            ),
            Reason::GuardianNotConfirmed { visitor } => {
                write!(f, "{visitor}'s guardian has not confirmed the consents yet")
            }
            Reason::GuardianRefused { visitor } => {
                write!(f, "{visitor}'s guardian refused the placement")
            }
        }
    }
}

/// Whether an allergy agent as a visitor wrote it ("Cats", "dog hair") names the species a
/// household gave ("cat", "dog"): case, plurals and extra words do not hide it.
pub fn same_animal(agent: &str, species: &str) -> bool {
    fn singular(w: &str) -> &str {
        w.strip_suffix("es")
            .filter(|s| {
                s.ends_with("ss") || s.ends_with('x') || s.ends_with("sh") || s.ends_with("ch")
            })
            .or_else(|| {
                w.strip_suffix('s')
                    .filter(|s| s.len() >= 2 && !s.ends_with('s'))
            })
            .unwrap_or(w)
    }
    let agent = agent.trim().to_lowercase();
    let species = species.trim().to_lowercase();
    let species = singular(&species);
    !species.is_empty()
        && (singular(&agent) == species
            || agent
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| singular(w) == species))
}

/// Every hard constraint the pair breaks (empty: the pair may be suggested). `excluded` says
/// whether staff excluded the pair or the household declined this party before.
pub fn check(party: &Party, household: &Household, excluded: bool) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if excluded {
        reasons.push(Reason::Excluded);
    }
    if !household.approved {
        reasons.push(Reason::NotApproved);
    }
    if party.has_minor() {
        reasons.extend(minor_rules(party, household));
    }
    if !covers(household, party.arrives, party.departs) {
        reasons.push(Reason::DatesNotCovered);
    }
    let needed = u32::try_from(party.visitors.len()).unwrap_or(u32::MAX);
    if needed > household.beds {
        reasons.push(Reason::NotEnoughBeds {
            needed,
            beds: household.beds,
        });
    }
    if party.couple && !household.accepts_couples {
        reasons.push(Reason::CouplesNotAccepted);
    }
    if let Some(max) = household.max_nights
        && party.nights() > max
    {
        reasons.push(Reason::TooManyNights {
            nights: party.nights(),
            max,
        });
    }
    for v in &party.visitors {
        reasons.extend(visitor_rules(v, household));
    }
    reasons
}

/// What a party with minors needs of a household: it takes minors, is out of review, every
/// adult is screened, each guardian said yes, and a single adult host has consent.
fn minor_rules(party: &Party, household: &Household) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if !household.accepts_minors {
        reasons.push(Reason::MinorsNotAccepted);
    }
    if household.in_review {
        reasons.push(Reason::InReview);
    }
    for v in party.visitors.iter().filter(|v| v.minor) {
        match v.guardian {
            GuardianAnswer::Given => {}
            GuardianAnswer::Waiting => reasons.push(Reason::GuardianNotConfirmed {
                visitor: v.shown_name.clone(),
            }),
            GuardianAnswer::Refused => reasons.push(Reason::GuardianRefused {
                visitor: v.shown_name.clone(),
            }),
        }
    }
    reasons.extend(screening(party, household));
    if household.members.iter().filter(|m| m.adult).count() == 1 {
        for v in party
            .visitors
            .iter()
            .filter(|v| v.minor && !v.single_adult_consent)
        {
            reasons.push(Reason::SingleAdultWithoutConsent {
                visitor: v.shown_name.clone(),
            });
        }
    }
    reasons
}

/// What one visitor needs of a household: no animal they are severely allergic to, smoking,
/// stairs, gender and diets.
fn visitor_rules(v: &crate::matching::Visitor, household: &Household) -> Vec<Reason> {
    let mut reasons = Vec::new();
    let visitor = || v.shown_name.clone();
    for a in v.allergies.iter().filter(|a| a.severe) {
        if household
            .pets
            .iter()
            .any(|p| same_animal(&a.agent, &p.species))
        {
            reasons.push(Reason::SevereAllergy {
                visitor: visitor(),
                agent: a.agent.clone(),
            });
        }
    }
    if household.smoking == Smoking::Inside && !v.smoker {
        reasons.push(Reason::SmokingInside { visitor: visitor() });
    }
    if v.smoker && !household.accepts_smokers {
        reasons.push(Reason::SmokersNotAccepted { visitor: visitor() });
    }
    if !v.stairs_ok && !household.step_free {
        reasons.push(Reason::Stairs { visitor: visitor() });
    }
    let gender_ok = match household.accepts_gender {
        GenderLimit::Any => true,
        GenderLimit::Female => v.gender == Gender::Female,
        GenderLimit::Male => v.gender == Gender::Male,
    };
    if !gender_ok {
        reasons.push(Reason::GenderNotAccepted { visitor: visitor() });
    }
    for diet in &v.diets_required {
        if !household.diets.iter().any(|d| d.eq_ignore_ascii_case(diet)) {
            reasons.push(Reason::DietNotSupported {
                visitor: visitor(),
                diet: diet.clone(),
            });
        }
    }
    reasons
}

/// For a party with a minor: every adult of the household needs a screening valid past the
/// last day of the stay.
fn screening(party: &Party, household: &Household) -> Vec<Reason> {
    household
        .members
        .iter()
        .filter(|m| m.adult)
        .filter_map(|m| match m.screened_until {
            _ if m.blocked.is_some() => Some(Reason::ScreeningNotClear {
                member: m.shown_name.clone(),
                why: m.blocked.clone().unwrap_or_default(),
            }),
            None => Some(Reason::NotScreened {
                member: m.shown_name.clone(),
            }),
            Some(until) if until <= party.departs => Some(Reason::ScreeningExpires {
                member: m.shown_name.clone(),
                on: until,
            }),
            Some(_) => None,
        })
        .collect()
}

/// Whether one of the household's ranges holds the whole stay.
fn covers(household: &Household, arrives: NaiveDate, departs: NaiveDate) -> bool {
    household
        .available
        .iter()
        .any(|(from, to)| *from <= arrives && departs <= *to)
}

#[cfg(test)]
pub(crate) mod tests;
