//! The suggestion: as many parties placed as possible, then the highest total score, with
//! each household taking at most `max_parties` parties (an exact assignment over the feasible
//! pairs only, [`augmenting`]). Staff-locked pairs are kept, excluded pairs never
//! suggested, and every unplaced party comes with the reasons each household was ruled out.

use std::collections::{HashMap, HashSet};

use super::augmenting;
use super::constraints::{Reason, check};
use super::score::{Score, Weights, score};
use super::{Household, Party};

/// Pairs staff fixed (kept as they are) or ruled out (never suggested), by (party, household).
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    pub locked: Vec<(i64, i64)>,
    pub excluded: HashSet<(i64, i64)>,
}

/// One suggested placement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Placement {
    pub party: i64,
    pub household: i64,
    pub score: Score,
    /// Staff locked this pair.
    pub locked: bool,
}

/// A party left without a host, with why each household could not take it (a household
/// that fits but was given to other parties has no reasons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unplaced {
    pub party: i64,
    pub ruled_out: Vec<(i64, Vec<Reason>)>,
}

/// The whole suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub placements: Vec<Placement>,
    pub unplaced: Vec<Unplaced>,
}

/// The placements staff locked, and how many places each household gives to them.
fn locked_placements(
    parties: &[Party],
    households: &[Household],
    weights: &Weights,
    decisions: &Decisions,
) -> (Vec<Placement>, HashMap<i64, u32>) {
    let mut placements = Vec::new();
    let mut used: HashMap<i64, u32> = HashMap::new();
    for (p, h) in &decisions.locked {
        if let (Some(party), Some(household)) = (
            parties.iter().find(|x| x.id == *p),
            households.iter().find(|x| x.id == *h),
        ) {
            *used.entry(*h).or_default() += 1;
            placements.push(Placement {
                party: *p,
                household: *h,
                score: score(party, household, weights),
                locked: true,
            });
        }
    }
    (placements, used)
}

/// Suggests placements for `parties` with `households`.
pub fn suggest(
    parties: &[Party],
    households: &[Household],
    weights: &Weights,
    decisions: &Decisions,
) -> Suggestion {
    let (mut placements, used) = locked_placements(parties, households, weights, decisions);
    let locked_parties: HashSet<i64> = decisions.locked.iter().map(|(p, _)| *p).collect();
    let open: Vec<&Party> = parties
        .iter()
        .filter(|p| !locked_parties.contains(&p.id))
        .collect();
    // Every pair that breaks no hard constraint, with its score.
    let feasible: Vec<Vec<(usize, Score)>> = open
        .iter()
        .map(|p| {
            households
                .iter()
                .enumerate()
                .filter(|(_, h)| check(p, h, decisions.excluded.contains(&(p.id, h.id))).is_empty())
                .map(|(j, h)| (j, score(p, h, weights)))
                .collect()
        })
        .collect();
    // Placing one more party must beat any gain in score: above the sum of all best scores.
    let big = 1 + open
        .iter()
        .map(|p| weights.max_score(p))
        .sum::<i64>()
        .max(1);
    let edges: Vec<Vec<(usize, i64)>> = feasible
        .iter()
        .map(|row| row.iter().map(|(j, s)| (*j, big + s.total)).collect())
        .collect();
    let places: Vec<u32> = households
        .iter()
        .map(|h| {
            h.max_parties
                .saturating_sub(used.get(&h.id).copied().unwrap_or(0))
        })
        .collect();
    let mut unplaced = Vec::new();
    for (i, at) in augmenting::assign(&edges, &places).into_iter().enumerate() {
        let party = open[i];
        match at.and_then(|j| feasible[i].iter().find(|(k, _)| *k == j)) {
            Some((j, s)) => placements.push(Placement {
                party: party.id,
                household: households[*j].id,
                score: s.clone(),
                locked: false,
            }),
            None => unplaced.push(Unplaced {
                party: party.id,
                ruled_out: households
                    .iter()
                    .map(|h| {
                        let excluded = decisions.excluded.contains(&(party.id, h.id));
                        (h.id, check(party, h, excluded))
                    })
                    .filter(|(_, r)| !r.is_empty())
                    .collect(),
            }),
        }
    }
    placements.sort_by_key(|p| p.party);
    Suggestion {
        placements,
        unplaced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::constraints::tests::{day, household, party, visitor};
    use crate::matching::{Gender, GenderLimit, Member, Smoking, Visitor};
    use proptest::prelude::*;

    #[test]
    fn places_as_many_as_possible_before_chasing_score() {
        // Party 1 fits both households and prefers A; party 2 fits only A. Both get placed:
        // 1 goes to B although A would score more.
        let a = household(1);
        let b = Household {
            languages: vec![],
            interests: vec![],
            ..household(2)
        };
        let p1 = party(1, vec![visitor("Lucía")]);
        let p2 = party(
            2,
            // Pablo shares nothing with A: placed there he scores 0, less than Lucía would.
            vec![Visitor {
                diets_required: vec!["vegetarian".into()],
                languages: vec![("es".into(), 3)],
                interests: vec![],
                ..visitor("Pablo")
            }],
        );
        let b = Household { diets: vec![], ..b };
        let s = suggest(
            &[p1, p2],
            &[a, b],
            &Weights::default(),
            &Decisions::default(),
        );
        let pairs: Vec<(i64, i64)> = s
            .placements
            .iter()
            .map(|p| (p.party, p.household))
            .collect();
        assert_eq!(pairs, vec![(1, 2), (2, 1)]);
        assert!(s.unplaced.is_empty());
    }

    #[test]
    fn households_take_up_to_their_limit_and_unplaced_parties_say_why() {
        let two = Household {
            max_parties: 2,
            beds: 4,
            ..household(1)
        };
        let closed = Household {
            approved: false,
            ..household(2)
        };
        let parties: Vec<Party> = (1..=3).map(|i| party(i, vec![visitor("V")])).collect();
        let s = suggest(
            &parties,
            &[two, closed],
            &Weights::default(),
            &Decisions::default(),
        );
        assert_eq!(s.placements.len(), 2);
        assert!(s.placements.iter().all(|p| p.household == 1));
        assert_eq!(s.unplaced.len(), 1);
        assert_eq!(
            s.unplaced[0].ruled_out,
            vec![(2, vec![Reason::NotApproved])]
        );
    }

    #[test]
    fn locked_pairs_stay_and_excluded_pairs_are_never_suggested() {
        let parties = vec![party(1, vec![visitor("A")]), party(2, vec![visitor("B")])];
        let households = vec![household(10), household(20)];
        let decisions = Decisions {
            locked: vec![(1, 20)],
            excluded: HashSet::from([(2, 10)]),
        };
        let s = suggest(&parties, &households, &Weights::default(), &decisions);
        assert_eq!(s.placements.len(), 1);
        assert_eq!((s.placements[0].party, s.placements[0].household), (1, 20));
        assert!(s.placements[0].locked);
        assert_eq!(s.unplaced[0].party, 2);
        assert_eq!(s.unplaced[0].ruled_out, vec![(10, vec![Reason::Excluded])]);
    }

    /// Some of English, Spanish and German, each at a level.
    fn arb_languages() -> impl Strategy<Value = Vec<(String, u8)>> {
        prop::collection::vec((0..3usize, 1..4u8), 0..3).prop_map(|v| {
            v.into_iter()
                .map(|(l, level)| (["en", "es", "de"][l].to_owned(), level))
                .collect()
        })
    }

    fn arb_interests() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(0..4usize, 0..3).prop_map(|v| {
            v.into_iter()
                .map(|i| ["music", "food", "sport", "art"][i].to_owned())
                .collect()
        })
    }

    fn arb_visitor() -> impl Strategy<Value = Visitor> {
        (
            (
                any::<bool>(),
                0..3u8,
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
            ),
            (arb_languages(), arb_interests()),
        )
            .prop_map(
                |((minor, g, smoker, stairs_ok, cat, halal), (languages, interests))| Visitor {
                    shown_name: "V".into(),
                    minor,
                    gender: [Gender::Female, Gender::Male, Gender::Other][g as usize],
                    smoker,
                    stairs_ok,
                    allergies: if cat {
                        vec![crate::matching::Allergy {
                            agent: "cat".into(),
                            severe: true,
                        }]
                    } else {
                        vec![]
                    },
                    diets_required: if halal { vec!["halal".into()] } else { vec![] },
                    languages,
                    interests,
                    single_adult_consent: cat,
                    guardian: crate::matching::GuardianAnswer::Given,
                },
            )
    }

    fn arb_party(id: i64) -> impl Strategy<Value = Party> {
        (
            prop::collection::vec(arb_visitor(), 1..4),
            1..20u32,
            1..10u32,
            any::<bool>(),
        )
            .prop_map(move |(visitors, start, nights, couple)| Party {
                id,
                visitors,
                arrives: day(start),
                departs: day((start + nights).min(30)),
                couple,
            })
    }

    fn arb_household(id: i64) -> impl Strategy<Value = Household> {
        (
            (
                any::<bool>(),
                0..3u8,
                1..5u32,
                1..3u32,
                any::<bool>(),
                any::<bool>(),
            ),
            (
                0..3u8,
                any::<bool>(),
                any::<bool>(),
                0..3u8,
                any::<bool>(),
                1..25u32,
            ),
            (any::<bool>(), any::<bool>(), 0..5u32),
            (arb_languages(), arb_interests()),
        )
            .prop_map(
                move |(
                    (approved, screening, beds, max_parties, step_free, cat),
                    (smoking, halal, minors, gender, couples, max_nights),
                    (smokers, partial_dates, times_hosted),
                    (languages, interests),
                )| Household {
                    id,
                    approved,
                    // Some approved households wait for staff to review a change.
                    in_review: smokers && screening == 2,
                    members: vec![Member {
                        shown_name: "H".into(),
                        adult: true,
                        screened_until: [None, Some(day(5)), Some(day(31))][screening as usize],
                        blocked: None,
                    }],
                    available: if partial_dates {
                        vec![(day(1), day(12))]
                    } else {
                        vec![(day(1), day(30))]
                    },
                    beds,
                    max_parties,
                    step_free,
                    pets: if cat {
                        vec![crate::matching::Pet {
                            species: "cat".into(),
                            indoors: true,
                        }]
                    } else {
                        vec![]
                    },
                    smoking: [Smoking::None, Smoking::Outside, Smoking::Inside][smoking as usize],
                    languages,
                    diets: if halal { vec!["halal".into()] } else { vec![] },
                    interests,
                    accepts_minors: minors,
                    accepts_gender: [GenderLimit::Any, GenderLimit::Female, GenderLimit::Male]
                        [gender as usize],
                    accepts_couples: couples,
                    accepts_smokers: smokers,
                    max_nights: Some(max_nights),
                    times_hosted,
                },
            )
    }

    /// Up to `parties` parties and `households` households, with up to `pairs` pairs of them
    /// (by index) for decisions.
    fn instance_of(
        parties: usize,
        households: usize,
        pairs: usize,
    ) -> impl Strategy<Value = (Vec<Party>, Vec<Household>, Vec<(usize, usize)>)> {
        (1..parties, 1..households).prop_flat_map(move |(np, nh)| {
            let parties: Vec<_> = (0..np).map(|i| arb_party(i as i64 + 1)).collect();
            let households: Vec<_> = (0..nh).map(|j| arb_household(100 + j as i64)).collect();
            (
                parties,
                households,
                prop::collection::vec((0..np, 0..nh), 0..pairs),
            )
        })
    }

    /// The most parties any assignment can place (brute force; instances are tiny).
    fn best_count(
        parties: &[Party],
        households: &[Household],
        excluded: &HashSet<(i64, i64)>,
    ) -> usize {
        fn go(
            i: usize,
            parties: &[Party],
            households: &[Household],
            left: &mut Vec<u32>,
            excluded: &HashSet<(i64, i64)>,
        ) -> usize {
            if i == parties.len() {
                return 0;
            }
            let mut best = go(i + 1, parties, households, left, excluded);
            for (j, h) in households.iter().enumerate() {
                let ok = left[j] > 0
                    && check(&parties[i], h, excluded.contains(&(parties[i].id, h.id))).is_empty();
                if ok {
                    left[j] -= 1;
                    best = best.max(1 + go(i + 1, parties, households, left, excluded));
                    left[j] += 1;
                }
            }
            best
        }
        let mut left: Vec<u32> = households.iter().map(|h| h.max_parties).collect();
        go(0, parties, households, &mut left, excluded)
    }

    /// Placements count and total score of the engine this one replaced: the Hungarian method
    /// on the dense matrix of every household place and one "unplaced" column per party.
    fn dense_hungarian(
        parties: &[Party],
        households: &[Household],
        weights: &Weights,
        decisions: &Decisions,
    ) -> (usize, i64) {
        use pathfinding::kuhn_munkres::kuhn_munkres;
        use pathfinding::matrix::Matrix;
        const NEVER: i64 = -1_000_000_000;
        let (_, used) = locked_placements(parties, households, weights, decisions);
        let locked: HashSet<i64> = decisions.locked.iter().map(|(p, _)| *p).collect();
        let open: Vec<&Party> = parties.iter().filter(|p| !locked.contains(&p.id)).collect();
        if open.is_empty() {
            return (0, 0);
        }
        let slots: Vec<&Household> = households
            .iter()
            .flat_map(|h| {
                let free = h
                    .max_parties
                    .saturating_sub(used.get(&h.id).copied().unwrap_or(0));
                std::iter::repeat_n(h, free as usize)
            })
            .collect();
        let pair = |p: &Party, h: &Household| {
            check(p, h, decisions.excluded.contains(&(p.id, h.id)))
                .is_empty()
                .then(|| score(p, h, weights).total)
        };
        let big = 1 + open
            .iter()
            .map(|p| weights.max_score(p))
            .sum::<i64>()
            .max(1);
        let matrix = Matrix::from_fn(open.len(), slots.len() + open.len(), |(i, c)| {
            match slots.get(c) {
                Some(h) => pair(open[i], h).map_or(NEVER, |s| big + s),
                None => 0,
            }
        });
        let (_, assigned) = kuhn_munkres(&matrix);
        let scores: Vec<i64> = assigned
            .into_iter()
            .enumerate()
            .filter_map(|(i, c)| slots.get(c).and_then(|h| pair(open[i], h)))
            .collect();
        (scores.len(), scores.iter().sum())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn places_as_many_and_scores_as_high_as_the_dense_hungarian(
            (parties, households, pairs) in instance_of(40, 25, 4)
        ) {
            // The first pair is locked, the rest excluded.
            let pairs: Vec<(i64, i64)> = pairs
                .into_iter()
                .map(|(p, h)| (parties[p].id, households[h].id))
                .collect();
            let decisions = Decisions {
                locked: pairs.first().copied().into_iter().collect(),
                excluded: pairs.iter().skip(1).copied().collect(),
            };
            let s = suggest(&parties, &households, &Weights::default(), &decisions);
            let suggested: Vec<&Placement> = s.placements.iter().filter(|p| !p.locked).collect();
            let total: i64 = suggested.iter().map(|p| p.score.total).sum();
            prop_assert_eq!(
                (suggested.len(), total),
                dense_hungarian(&parties, &households, &Weights::default(), &decisions)
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn no_suggested_pair_breaks_a_hard_constraint_and_no_party_that_could_be_placed_is_left(
            (parties, households, excluded) in instance_of(7, 6, 3)
        ) {
            let excluded: HashSet<(i64, i64)> = excluded
                .into_iter()
                .map(|(p, h)| (parties[p].id, households[h].id))
                .collect();
            let decisions = Decisions { locked: vec![], excluded: excluded.clone() };
            let s = suggest(&parties, &households, &Weights::default(), &decisions);
            let mut per_household: HashMap<i64, u32> = HashMap::new();
            for p in &s.placements {
                let party = parties.iter().find(|x| x.id == p.party).unwrap();
                let household = households.iter().find(|x| x.id == p.household).unwrap();
                prop_assert!(check(party, household, excluded.contains(&(p.party, p.household))).is_empty());
                *per_household.entry(p.household).or_default() += 1;
            }
            for h in &households {
                prop_assert!(per_household.get(&h.id).copied().unwrap_or(0) <= h.max_parties);
            }
            let placed: HashSet<i64> = s.placements.iter().map(|p| p.party).collect();
            prop_assert_eq!(placed.len(), s.placements.len(), "a party is placed once");
            prop_assert_eq!(placed.len() + s.unplaced.len(), parties.len());
            prop_assert_eq!(placed.len(), best_count(&parties, &households, &excluded));
        }
    }
}
