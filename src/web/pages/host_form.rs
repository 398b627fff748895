//! Reading the host form (`/host` and `/h/{token}`) into the same body the API takes.

use super::forms::FormData;
use crate::exchanges::households::{
    self, DateRange, HostBody, HostContact, HostLimits, LanguageLevel, MemberBody, PetBody,
};

/// Most member rows the form offers (blank rows are ignored); it shows those filled in plus
/// two, and at least four.
pub(super) const MEMBER_ROWS: usize = households::MAX_MEMBERS;

/// Language rows the form offers.
pub(super) const LANGUAGE_ROWS: usize = 4;

/// Date ranges the form offers.
pub(super) const DATE_ROWS: usize = 3;

/// A whole number typed in a form; anything else becomes a value the checks refuse.
pub(super) fn number(input: &str) -> i64 {
    input.trim().parse().unwrap_or(i64::MIN)
}

/// The application the form describes, in the API's shape.
pub(super) fn body_of(form: &FormData) -> HostBody {
    let yes = |name: &str| form.checked(name);
    let (members, remove_members) = members_of(form);
    let pets = pets_of(form);
    let languages = (0..LANGUAGE_ROWS)
        .filter_map(|i| {
            let code = form.get(&format!("languages[{i}].code")).trim();
            (!code.is_empty()).then(|| LanguageLevel {
                code: code.to_owned(),
                level: form
                    .get(&format!("languages[{i}].level"))
                    .parse()
                    .unwrap_or(0),
            })
        })
        .collect();
    let available = (0..DATE_ROWS)
        .filter_map(|i| {
            let from = form.get(&format!("available[{i}].from")).trim();
            let to = form.get(&format!("available[{i}].to")).trim();
            (!from.is_empty() || !to.is_empty()).then(|| DateRange {
                from: from.to_owned(),
                to: to.to_owned(),
            })
        })
        .collect();
    HostBody {
        contact: HostContact {
            name: form.get("contact.name").to_owned(),
            email: form.get("contact.email").to_owned(),
            phone: Some(form.get("contact.phone").to_owned()),
            language: Some(form.get("contact.language").to_owned()),
        },
        address: form.get("address").to_owned(),
        area: Some(form.get("area").to_owned()),
        members,
        remove_members,
        beds: number(form.get("beds")),
        bedrooms: number(form.get("bedrooms")),
        room: form.get("room").to_owned(),
        bathroom: form.get("bathroom").to_owned(),
        max_parties: Some(number(form.get("max_parties"))),
        step_free: yes("step_free"),
        bedroom_floor: Some(number(form.get("bedroom_floor"))),
        pets,
        smoking: form.get("smoking").to_owned(),
        languages,
        diets: form.all("diets").into_iter().map(str::to_owned).collect(),
        interests: form
            .get("interests")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        available,
        limits: HostLimits {
            accepts_minors: yes("limits.accepts_minors"),
            guest_gender: form.get("limits.guest_gender").to_owned(),
            accepts_couples: yes("limits.accepts_couples"),
            accepts_smokers: yes("limits.accepts_smokers"),
            max_nights: match form.get("limits.max_nights").trim() {
                "" => None,
                n => Some(number(n)),
            },
        },
    }
}

/// The members typed into the form, and the ids of those ticked for removal.
fn members_of(form: &FormData) -> (Vec<MemberBody>, Vec<i64>) {
    let yes = |name: &str| form.checked(name);
    let mut remove_members = Vec::new();
    let mut members = Vec::new();
    for i in 0..MEMBER_ROWS {
        let id = form
            .get(&format!("members[{i}].id"))
            .trim()
            .parse::<i64>()
            .ok();
        let name = form.get(&format!("members[{i}].name")).trim();
        let shown = form.get(&format!("members[{i}].display_name")).trim();
        let born = form.get(&format!("members[{i}].born_on")).trim();
        match id {
            Some(id) if yes(&format!("members[{i}].remove")) => remove_members.push(id),
            _ if id.is_none() && name.is_empty() && born.is_empty() => {}
            _ => members.push(MemberBody {
                id,
                name: name.to_owned(),
                display_name: (!shown.is_empty()).then(|| shown.to_owned()),
                born_on: born.to_owned(),
            }),
        }
    }
    (members, remove_members)
}

/// The pets ticked or typed (comma-separated) into the form.
fn pets_of(form: &FormData) -> Vec<PetBody> {
    let yes = |name: &str| form.checked(name);
    let indoors = yes("pets_indoors");
    let mut pets: Vec<PetBody> = form
        .all("pets")
        .into_iter()
        .map(|s| PetBody {
            species: s.to_owned(),
            indoors,
        })
        .collect();
    pets.extend(
        form.get("pets_other")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| PetBody {
                species: s.to_owned(),
                indoors,
            }),
    );
    pets
}
