//! Placing visiting parties with host households (issue 6, DESIGN section 5): who may stay
//! where ([`constraints`]), how good a pair is ([`score`]), and the suggestion that places as
//! many parties as possible and then maximises the score ([`assign`]). Pure functions over
//! plain values: the web layer and the database load these from their own rows.

pub mod assign;
pub mod augmenting;
pub mod constraints;
pub mod score;

use chrono::NaiveDate;

/// How strict a household is about smoking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Smoking {
    /// Nobody smokes.
    None,
    /// Only outside the house.
    Outside,
    /// Inside the house too.
    Inside,
}

/// Guests a household takes, by gender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenderLimit {
    Any,
    Female,
    Male,
}

/// A gender as visitors give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Female,
    Male,
    /// Non-binary, or not given.
    Other,
}

/// How well someone speaks a language: 1 (basic) to 3 (fluent or native).
pub type Level = u8;

/// A person living in a host household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub shown_name: String,
    /// At or above the programme's age for screening.
    pub adult: bool,
    /// The latest expiry among this member's valid screenings (criminal record check,
    /// youth-protection training ...); `None` when none is on record.
    pub screened_until: Option<NaiveDate>,
    /// Why the member's latest safeguarding result keeps minors out (not clear, pending).
    pub blocked: Option<String>,
}

/// A pet of the household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pet {
    /// `cat`, `dog` ... (compared with allergy agents).
    pub species: String,
    pub indoors: bool,
}

/// A host household as the matcher sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    pub id: i64,
    /// Approved by staff (and not suspended).
    pub approved: bool,
    /// Changed since approval and waiting for staff to approve again: minors are paused.
    pub in_review: bool,
    pub members: Vec<Member>,
    /// Date ranges (first night, last morning) the household can host.
    pub available: Vec<(NaiveDate, NaiveDate)>,
    /// Real beds (no sofas or air beds).
    pub beds: u32,
    /// How many parties at once.
    pub max_parties: u32,
    /// Whether the guest bedroom can be reached without stairs.
    pub step_free: bool,
    pub pets: Vec<Pet>,
    pub smoking: Smoking,
    pub languages: Vec<(String, Level)>,
    /// Diets the household can cater for (`vegetarian`, `halal` ...).
    pub diets: Vec<String>,
    pub interests: Vec<String>,
    pub accepts_minors: bool,
    pub accepts_gender: GenderLimit,
    pub accepts_couples: bool,
    pub accepts_smokers: bool,
    /// Longest stay the household takes, in nights.
    pub max_nights: Option<u32>,
    /// Parties hosted before (spreading the load).
    pub times_hosted: u32,
}

/// An allergy of a visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allergy {
    /// `cat`, `dog`, `peanut` ...
    pub agent: String,
    pub severe: bool,
}

/// One visitor of a party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visitor {
    pub shown_name: String,
    /// Under the programme's age of majority on the first day of the stay.
    pub minor: bool,
    pub gender: Gender,
    pub smoker: bool,
    /// Can use stairs.
    pub stairs_ok: bool,
    pub allergies: Vec<Allergy>,
    /// Diets that must be catered for.
    pub diets_required: Vec<String>,
    pub languages: Vec<(String, Level)>,
    pub interests: Vec<String>,
    /// For a minor: the guardian agreed to a household with a single adult.
    pub single_adult_consent: bool,
    /// For a minor: where the guardian's own answer stands (adults: `Given`).
    pub guardian: GuardianAnswer,
}

/// Where a minor's guardian's answer (through the guardian's own link) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardianAnswer {
    /// The guardian confirmed (or no guardian is needed).
    Given,
    /// The guardian has not answered yet.
    Waiting,
    /// The guardian refused the placement.
    Refused,
}

/// People who must stay together (one registration): never split across households.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub id: i64,
    pub visitors: Vec<Visitor>,
    /// First night and last morning of the stay.
    pub arrives: NaiveDate,
    pub departs: NaiveDate,
    /// A couple (the household's own limit on couples applies).
    pub couple: bool,
}

impl Party {
    /// Nights of the stay.
    pub fn nights(&self) -> u32 {
        u32::try_from((self.departs - self.arrives).num_days()).unwrap_or(0)
    }

    /// Whether anyone in the party is a minor.
    pub fn has_minor(&self) -> bool {
        self.visitors.iter().any(|v| v.minor)
    }
}
