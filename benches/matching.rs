//! Matching benchmark (issue 6): suggestions for 200 parties and 300 households, generated
//! with a fixed seed so every run solves the same instance.
//!
//! `cargo bench --bench matching [-- --parties 200 --households 300 --runs 5]`

use std::time::Instant;

use chrono::NaiveDate;
use twinning::matching::assign::{Decisions, suggest};
use twinning::matching::score::Weights;
use twinning::matching::{
    Allergy, Gender, GenderLimit, Household, Member, Party, Pet, Smoking, Visitor,
};

/// A small deterministic generator (xorshift), so the instance is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const LANGUAGES: [&str; 4] = ["en", "es", "de", "ja"];
const INTERESTS: [&str; 6] = ["music", "food", "sport", "art", "history", "nature"];

fn day(d: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 7, 1).expect("date") + chrono::Days::new(d)
}

fn languages(rng: &mut Rng) -> Vec<(String, u8)> {
    (0..1 + rng.below(2))
        .map(|_| {
            (
                LANGUAGES[rng.below(4) as usize].to_owned(),
                1 + rng.below(3) as u8,
            )
        })
        .collect()
}

fn interests(rng: &mut Rng) -> Vec<String> {
    (0..rng.below(4))
        .map(|_| INTERESTS[rng.below(6) as usize].to_owned())
        .collect()
}

fn party(id: i64, rng: &mut Rng) -> Party {
    let size = 1 + rng.below(3) as usize;
    let start = rng.below(10);
    Party {
        id,
        visitors: (0..size)
            .map(|_| Visitor {
                shown_name: "V".into(),
                minor: rng.chance(40),
                gender: [Gender::Female, Gender::Male, Gender::Other][rng.below(3) as usize],
                smoker: rng.chance(10),
                stairs_ok: !rng.chance(5),
                allergies: if rng.chance(10) {
                    vec![Allergy {
                        agent: "cat".into(),
                        severe: rng.chance(50),
                    }]
                } else {
                    vec![]
                },
                diets_required: if rng.chance(15) {
                    vec!["vegetarian".into()]
                } else {
                    vec![]
                },
                languages: languages(rng),
                interests: interests(rng),
                single_adult_consent: rng.chance(50),
                guardian: twinning::matching::GuardianAnswer::Given,
            })
            .collect(),
        arrives: day(start),
        departs: day(start + 7 + rng.below(7)),
        couple: size == 2 && rng.chance(30),
    }
}

fn household(id: i64, rng: &mut Rng) -> Household {
    Household {
        id,
        approved: rng.chance(90),
        in_review: false,
        members: (0..1 + rng.below(3))
            .map(|_| Member {
                shown_name: "H".into(),
                adult: true,
                screened_until: rng.chance(85).then(|| day(60)),
                blocked: None,
            })
            .collect(),
        available: vec![(day(0), day(30))],
        beds: 1 + rng.below(4) as u32,
        max_parties: 1 + u32::from(rng.chance(20)),
        step_free: rng.chance(60),
        pets: if rng.chance(30) {
            vec![Pet {
                species: "cat".into(),
                indoors: true,
            }]
        } else {
            vec![]
        },
        smoking: [Smoking::None, Smoking::Outside, Smoking::Inside][rng.below(3) as usize],
        languages: languages(rng),
        diets: if rng.chance(50) {
            vec!["vegetarian".into()]
        } else {
            vec![]
        },
        interests: interests(rng),
        accepts_minors: rng.chance(70),
        accepts_gender: [GenderLimit::Any, GenderLimit::Female, GenderLimit::Male]
            [rng.below(3) as usize],
        accepts_couples: rng.chance(70),
        accepts_smokers: rng.chance(30),
        max_nights: Some(10 + rng.below(10) as u32),
        times_hosted: rng.below(4) as u32,
    }
}

fn main() {
    let mut parties_n = 200;
    let mut households_n = 300;
    let mut runs = 5;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .and_then(|v| v.parse::<usize>().ok())
                .expect("a number")
        };
        match flag.as_str() {
            "--parties" => parties_n = value(),
            "--households" => households_n = value(),
            "--runs" => runs = value(),
            _ => {} // `cargo bench` passes --bench
        }
    }
    let mut rng = Rng(0x2027_0701);
    let parties: Vec<Party> = (0..parties_n as i64).map(|i| party(i, &mut rng)).collect();
    let households: Vec<Household> = (0..households_n as i64)
        .map(|i| household(1000 + i, &mut rng))
        .collect();
    let weights = Weights::default();
    let decisions = Decisions::default();
    let mut times = Vec::new();
    let mut placed = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let s = suggest(&parties, &households, &weights, &decisions);
        times.push(start.elapsed());
        placed = s.placements.len();
    }
    times.sort();
    println!(
        "matching: {parties_n} parties x {households_n} households, {placed} placed; \
         {runs} runs: min {:.1} ms, median {:.1} ms, max {:.1} ms",
        times[0].as_secs_f64() * 1000.0,
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0,
    );
}
