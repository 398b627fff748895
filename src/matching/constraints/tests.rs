//! The hard constraints, one case per reason, and the builders other tests share.

use super::*;
use crate::matching::{Allergy, Member, Pet, Visitor};

#[test]
fn allergies_name_animals_however_the_visitor_wrote_them() {
    for (agent, species) in [
        ("cat", "cat"),
        ("Cats", "cat"),
        ("dog hair", "dog"),
        ("DOGS", "Dog"),
        ("horses", "horse"),
    ] {
        assert!(same_animal(agent, species), "{agent} / {species}");
    }
    for (agent, species) in [
        ("peanut", "cat"),
        ("catfish", "cat"),
        ("", "cat"),
        ("cat", ""),
    ] {
        assert!(!same_animal(agent, species), "{agent} / {species}");
    }
}

pub(crate) fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 7, d).expect("a July day")
}

pub(crate) fn household(id: i64) -> Household {
    Household {
        id,
        approved: true,
        in_review: false,
        members: vec![Member {
            shown_name: "Ruth".into(),
            adult: true,
            screened_until: Some(day(31)),
            blocked: None,
        }],
        available: vec![(day(1), day(30))],
        beds: 2,
        max_parties: 1,
        step_free: true,
        pets: vec![],
        smoking: Smoking::None,
        languages: vec![("en".into(), 3)],
        diets: vec!["vegetarian".into()],
        interests: vec!["music".into()],
        accepts_minors: true,
        accepts_gender: GenderLimit::Any,
        accepts_couples: true,
        accepts_smokers: false,
        max_nights: Some(14),
        times_hosted: 0,
    }
}

pub(crate) fn visitor(name: &str) -> Visitor {
    Visitor {
        shown_name: name.into(),
        minor: false,
        gender: Gender::Female,
        smoker: false,
        stairs_ok: true,
        allergies: vec![],
        diets_required: vec![],
        languages: vec![("es".into(), 3), ("en".into(), 2)],
        interests: vec!["music".into()],
        // Each case below breaks one rule; this one has its own case.
        single_adult_consent: true,
        guardian: crate::matching::GuardianAnswer::Given,
    }
}

/// A party of one with a mild dog allergy.
pub(crate) fn mild_dog_allergy(id: i64) -> Party {
    party(
        id,
        vec![Visitor {
            allergies: vec![Allergy {
                agent: "dog".into(),
                severe: false,
            }],
            ..visitor("Lucía")
        }],
    )
}

/// `h` with a dog in the house.
pub(crate) fn with_dog(h: Household) -> Household {
    Household {
        pets: vec![Pet {
            species: "dog".into(),
            indoors: true,
        }],
        ..h
    }
}

pub(crate) fn party(id: i64, visitors: Vec<Visitor>) -> Party {
    Party {
        id,
        visitors,
        arrives: day(10),
        departs: day(17),
        couple: false,
    }
}

#[test]
fn a_fitting_pair_breaks_nothing() {
    assert_eq!(
        check(&party(1, vec![visitor("Lucía")]), &household(1), false),
        vec![]
    );
}

/// A case: a household, a party, and the one reason they may not be matched.
type Case = (Household, Party, Reason);

/// What the home rules out: approval, dates, beds, pets, smoking, access.
fn home_cases() -> Vec<Case> {
    let p = party(1, vec![visitor("Lucía")]);
    vec![
        (
            Household {
                approved: false,
                ..household(1)
            },
            p.clone(),
            Reason::NotApproved,
        ),
        (
            Household {
                available: vec![(day(12), day(30))],
                ..household(1)
            },
            p.clone(),
            Reason::DatesNotCovered,
        ),
        (
            Household {
                beds: 1,
                ..household(1)
            },
            party(1, vec![visitor("A"), visitor("B")]),
            Reason::NotEnoughBeds { needed: 2, beds: 1 },
        ),
        (
            Household {
                pets: vec![Pet {
                    species: "Cat".into(),
                    indoors: true,
                }],
                ..household(1)
            },
            party(
                1,
                vec![Visitor {
                    allergies: vec![Allergy {
                        agent: "cat".into(),
                        severe: true,
                    }],
                    ..visitor("Lucía")
                }],
            ),
            Reason::SevereAllergy {
                visitor: "Lucía".into(),
                agent: "cat".into(),
            },
        ),
        (
            Household {
                smoking: Smoking::Inside,
                ..household(1)
            },
            p.clone(),
            Reason::SmokingInside {
                visitor: "Lucía".into(),
            },
        ),
        (
            household(1),
            party(
                1,
                vec![Visitor {
                    smoker: true,
                    ..visitor("Lucía")
                }],
            ),
            Reason::SmokersNotAccepted {
                visitor: "Lucía".into(),
            },
        ),
        (
            Household {
                step_free: false,
                ..household(1)
            },
            party(
                1,
                vec![Visitor {
                    stairs_ok: false,
                    ..visitor("Lucía")
                }],
            ),
            Reason::Stairs {
                visitor: "Lucía".into(),
            },
        ),
    ]
}

/// What the household accepts: minors, genders, couples, nights, diets.
fn guest_cases() -> Vec<Case> {
    let p = party(1, vec![visitor("Lucía")]);
    vec![
        (
            Household {
                accepts_minors: false,
                ..household(1)
            },
            party(
                1,
                vec![Visitor {
                    minor: true,
                    ..visitor("Lucía")
                }],
            ),
            Reason::MinorsNotAccepted,
        ),
        (
            Household {
                accepts_gender: GenderLimit::Male,
                ..household(1)
            },
            p.clone(),
            Reason::GenderNotAccepted {
                visitor: "Lucía".into(),
            },
        ),
        (
            Household {
                accepts_couples: false,
                ..household(1)
            },
            Party {
                couple: true,
                ..party(1, vec![visitor("A"), visitor("B")])
            },
            Reason::CouplesNotAccepted,
        ),
        (
            Household {
                max_nights: Some(5),
                ..household(1)
            },
            p.clone(),
            Reason::TooManyNights { nights: 7, max: 5 },
        ),
        (
            household(1),
            party(
                1,
                vec![Visitor {
                    diets_required: vec!["halal".into()],
                    ..visitor("Lucía")
                }],
            ),
            Reason::DietNotSupported {
                visitor: "Lucía".into(),
                diet: "halal".into(),
            },
        ),
    ]
}

/// What minors need: consent for a single adult, a household out of review, a guardian's yes.
fn minor_cases() -> Vec<Case> {
    vec![
        (
            // Ruth is the household's only adult.
            household(1),
            party(
                1,
                vec![Visitor {
                    minor: true,
                    single_adult_consent: false,
                    guardian: crate::matching::GuardianAnswer::Given,
                    ..visitor("Lucía")
                }],
            ),
            Reason::SingleAdultWithoutConsent {
                visitor: "Lucía".into(),
            },
        ),
        (
            Household {
                in_review: true,
                ..household(1)
            },
            party(
                1,
                vec![Visitor {
                    minor: true,
                    ..visitor("Lucía")
                }],
            ),
            Reason::InReview,
        ),
        (
            household(1),
            party(
                1,
                vec![Visitor {
                    minor: true,
                    guardian: GuardianAnswer::Waiting,
                    ..visitor("Lucía")
                }],
            ),
            Reason::GuardianNotConfirmed {
                visitor: "Lucía".into(),
            },
        ),
        (
            household(1),
            party(
                1,
                vec![Visitor {
                    minor: true,
                    guardian: GuardianAnswer::Refused,
                    ..visitor("Lucía")
                }],
            ),
            Reason::GuardianRefused {
                visitor: "Lucía".into(),
            },
        ),
    ]
}

#[test]
fn every_hard_constraint_names_its_reason() {
    let p = party(1, vec![visitor("Lucía")]);
    let cases = [home_cases(), guest_cases(), minor_cases()].concat();
    // A household in review still hosts adults.
    assert!(
        check(
            &p,
            &Household {
                in_review: true,
                ..household(1)
            },
            false
        )
        .is_empty()
    );
    for (h, p, reason) in cases {
        assert_eq!(check(&p, &h, false), vec![reason.clone()], "{reason}");
        assert!(!reason.to_string().is_empty());
    }
    assert_eq!(check(&p, &household(1), true), vec![Reason::Excluded]);
}

#[test]
fn minors_need_every_adult_screened_past_the_stay() {
    let minor = party(
        1,
        vec![Visitor {
            minor: true,
            ..visitor("Pablo")
        }],
    );
    let mut h = household(1);
    h.members.push(Member {
        shown_name: "Tom".into(),
        adult: true,
        screened_until: None,
        blocked: None,
    });
    h.members.push(Member {
        shown_name: "Ana".into(),
        adult: true,
        screened_until: Some(day(17)),
        blocked: None,
    });
    h.members.push(Member {
        shown_name: "Kid".into(),
        adult: false,
        screened_until: None,
        blocked: None,
    });
    assert_eq!(
        check(&minor, &h, false),
        vec![
            Reason::NotScreened {
                member: "Tom".into()
            },
            Reason::ScreeningExpires {
                member: "Ana".into(),
                on: day(17)
            },
        ]
    );
    // Adults need no screening to host adults.
    assert!(check(&party(2, vec![visitor("Lucía")]), &h, false).is_empty());
    // A mild allergy is a preference, not a rule.
    let mild = mild_dog_allergy(3);
    let dogs = with_dog(household(2));
    assert!(check(&mild, &dogs, false).is_empty());
}
