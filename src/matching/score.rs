//! Soft preferences: an integer score of a feasible pair with its breakdown, so staff see why
//! one household is suggested over another. Weights are set per exchange.

use super::{Household, Party};

/// How much each preference counts (per exchange).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Per shared language, times the lower of the two levels (1–3).
    #[schema(minimum = 0, maximum = 100)]
    pub language: i64,
    /// Per interest shared with the household.
    #[schema(minimum = 0, maximum = 100)]
    pub interests: i64,
    /// When a mild allergy meets a pet, or smoking happens outside only: taken off.
    #[schema(minimum = 0, maximum = 100)]
    pub household_fit: i64,
    /// Per party the household hosted before: taken off, to spread the load.
    #[schema(minimum = 0, maximum = 100)]
    pub load: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            language: 10,
            interests: 5,
            household_fit: 8,
            load: 3,
        }
    }
}

impl Weights {
    /// The most any pair can score (the assignment needs a bound).
    pub fn max_score(&self, party: &Party) -> i64 {
        let people = i64::try_from(party.visitors.len()).unwrap_or(i64::MAX / 1024);
        let per_person: i64 = party
            .visitors
            .iter()
            .map(|v| {
                self.language * 3 * v.languages.len() as i64
                    + self.interests * v.interests.len() as i64
            })
            .max()
            .unwrap_or(0);
        people * per_person
    }
}

/// A pair's score and what it is made of.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Score {
    pub total: i64,
    /// (preference, points), in a fixed order.
    pub breakdown: Vec<(&'static str, i64)>,
}

/// Scores a pair that meets every hard constraint. Never negative: penalties only take away
/// what the pair earned, so a feasible pair always beats leaving a party unplaced.
pub fn score(party: &Party, household: &Household, w: &Weights) -> Score {
    let mut language = 0;
    let mut interests = 0;
    let mut fit = 0;
    for v in &party.visitors {
        language += v
            .languages
            .iter()
            .filter_map(|(code, level)| {
                household
                    .languages
                    .iter()
                    .find(|(c, _)| c.eq_ignore_ascii_case(code))
                    .map(|(_, l)| i64::from((*level).min(*l)))
            })
            .sum::<i64>()
            * w.language;
        interests += v
            .interests
            .iter()
            .filter(|i| {
                household
                    .interests
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case(i))
            })
            .count() as i64
            * w.interests;
        let mild_allergy = v.allergies.iter().any(|a| {
            !a.severe
                && household
                    .pets
                    .iter()
                    .any(|p| p.species.eq_ignore_ascii_case(&a.agent))
        });
        if mild_allergy {
            fit -= w.household_fit;
        }
        if !v.smoker && household.smoking == super::Smoking::Outside {
            fit -= w.household_fit / 2;
        }
    }
    let load = -(i64::from(household.times_hosted) * w.load);
    let earned = language + interests;
    let total = (earned + fit + load).max(0);
    Score {
        total,
        breakdown: vec![
            ("language", language),
            ("interests", interests),
            ("household_fit", fit),
            ("load", load),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::Household;
    use crate::matching::constraints::tests::{
        household, mild_dog_allergy, party, visitor, with_dog,
    };

    #[test]
    fn shared_languages_and_interests_score_and_penalties_take_away() {
        let w = Weights::default();
        let p = party(1, vec![visitor("Lucía")]);
        // English: min(2, 3) = 2 levels × 10; music: 5.
        let s = score(&p, &household(1), &w);
        assert_eq!(s.total, 25);
        assert_eq!(s.breakdown[0], ("language", 20));
        let busy = Household {
            times_hosted: 2,
            ..household(1)
        };
        assert_eq!(score(&p, &busy, &w).total, 19);
        let mild = mild_dog_allergy(2);
        let dogs = with_dog(household(1));
        assert_eq!(score(&mild, &dogs, &w).total, 17);
        assert!(score(&p, &household(1), &w).total <= w.max_score(&p));
        let nothing = Household {
            languages: vec![],
            interests: vec![],
            times_hosted: 9,
            ..household(1)
        };
        assert_eq!(score(&p, &nothing, &w).total, 0, "never negative");
    }
}
