//! The emails about a match: what each side is told of the other, who receives them (a
//! minor's guardian answers for the minor), and the links to answer.

use crate::context::Ctx;
use crate::core::error::Result;
use crate::core::job::Scheduled;
use crate::db::Tx;
use crate::db::events::EventRow;
use crate::db::hosts::{self as hosts_db, HouseholdRow};
use crate::db::matches::MatchRow;
use crate::db::registrations::{self as regs, RegistrationRow};
use crate::domain::placement::MatchState;
use crate::domain::visitor::VisitorProfile;
use crate::email::EmailKind;
use crate::email::compose::Envelope;
use crate::email::render::{Common, Email, MatchArrival, MatchNotice};

/// Days each side has to answer.
pub const ANSWER_DAYS: i64 = 5;

/// Which side of a match a link belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Host,
    Visitor,
}

/// Whose turn it is to answer.
pub fn turn(m: &MatchRow) -> Option<Side> {
    match m.state {
        MatchState::Proposed => Some(Side::Host),
        MatchState::HostAccepted => Some(Side::Visitor),
        _ => None,
    }
}

/// Days from `now` to the exchange's first day, in its own time zone.
pub(super) fn days_to_arrival(event: &EventRow, now: chrono::DateTime<chrono::Utc>) -> i64 {
    let zone = crate::domain::TimeZone::parse(&event.timezone).map_or(chrono_tz::UTC, |z| z.0);
    (crate::exchanges::candidates::stay(event).0 - now.with_timezone(&zone).date_naive()).num_days()
}

pub(super) fn age_band(age: i32) -> &'static str {
    match age {
        ..12 => "0–11",
        12..15 => "12–14",
        15..18 => "15–17",
        18..30 => "18–29",
        30..50 => "30–49",
        50..65 => "50–64",
        _ => "65+",
    }
}

/// Languages with their levels in `lang`, e.g. `es (fluent), en (basic)`.
fn languages_list(lang: &str, languages: &[crate::domain::household::LanguageLevel]) -> String {
    languages
        .iter()
        .map(|l| {
            format!(
                "{} ({})",
                l.code,
                crate::i18n::t(lang, &format!("level-{}", l.level))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A visitor's needs that matter in a home, in `lang`: allergies, diets, smoking, stairs.
fn needs_of(lang: &str, v: &VisitorProfile) -> Vec<String> {
    let mut needs: Vec<String> = v
        .allergies
        .iter()
        .map(|a| {
            format!(
                "{} ({})",
                a.agent,
                crate::i18n::t(lang, &format!("allergy-{}", a.severity))
            )
        })
        .collect();
    needs.extend(
        v.diets_required
            .iter()
            .map(|d| crate::i18n::t(lang, &format!("diet-{}", d.replace('_', "-")))),
    );
    if v.smoker {
        needs.push(crate::i18n::t(lang, "visitor-smoker"));
    }
    if !v.stairs_ok {
        needs.push(crate::i18n::t(lang, "visitor-no-stairs"));
    }
    needs
}

/// What the host is told about the party before confirmation: first names, age band, gender,
/// country, languages, dates, and the needs that matter in a home (the host is the one
/// household that sees them).
pub async fn party_lines(
    ctx: &Ctx,
    lang: &str,
    event: &EventRow,
    reg: &RegistrationRow,
    full: bool,
) -> Result<Vec<String>> {
    let t = |key: &str, args: &[(&'static str, &str)]| crate::i18n::t_with(lang, key, args);
    let (arrives, departs) = crate::exchanges::candidates::stay(event);
    let country = match event.partner_city_id {
        Some(id) => crate::db::events::partner_by_id(&ctx.db, id)
            .await?
            .map(|p| p.country)
            .unwrap_or_default(),
        None => String::new(),
    };
    let mut lines = Vec::new();
    for p in regs::participants(&ctx.db, reg.id).await? {
        let profile: Option<VisitorProfile> = serde_json::from_str(&p.profile).ok();
        let name = if full {
            p.name.clone()
        } else {
            crate::domain::visitor::shown_name(&p.name, profile.as_ref())
        };
        let Some(v) = profile else {
            lines.push(name);
            continue;
        };
        let age = crate::domain::household::parse_date(&v.born_on)
            .map(|b| crate::domain::household::age_on(b, arrives))
            .unwrap_or(0);
        let gender = crate::i18n::t(lang, &format!("visitor-gender-{}", v.gender));
        lines.push(t(
            "match-line-visitor",
            &[("name", &name), ("age", age_band(age)), ("gender", &gender)],
        ));
        if !v.languages.is_empty() {
            let list = languages_list(lang, &v.languages);
            lines.push(t("match-line-languages", &[("list", &list)]));
        }
        let needs = needs_of(lang, &v);
        if !needs.is_empty() {
            lines.push(t("match-line-needs", &[("list", &needs.join(", "))]));
        }
        if full && let Some(g) = &v.guardian {
            let contact = [
                g.email.clone().unwrap_or_default(),
                g.phone.clone().unwrap_or_default(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
            lines.push(t(
                "match-line-guardian",
                &[("name", &g.name), ("contact", &contact)],
            ));
        }
    }
    if !country.is_empty() {
        lines.push(t("match-line-country", &[("country", &country)]));
    }
    lines.push(t(
        "match-line-dates",
        &[("from", &arrives.to_string()), ("to", &departs.to_string())],
    ));
    if full {
        lines.push(t(
            "match-line-contact",
            &[
                ("name", &reg.contact_name),
                ("email", &reg.contact_email),
                ("phone", &reg.contact_phone),
            ],
        ));
    }
    Ok(lines)
}

/// What the visitor is told about the household: before confirmation first names, area,
/// make-up, pets, smoking, languages and interests; after, the contact details too.
pub async fn household_lines(
    ctx: &Ctx,
    lang: &str,
    event: &EventRow,
    h: &HouseholdRow,
    full: bool,
) -> Result<Vec<String>> {
    let t = |key: &str, args: &[(&'static str, &str)]| crate::i18n::t_with(lang, key, args);
    let (arrives, _) = crate::exchanges::candidates::stay(event);
    let members = hosts_db::members(&ctx.db, h.id).await?;
    let names: Vec<String> = members
        .iter()
        .map(|m| {
            if full {
                m.name.clone()
            } else {
                m.shown_name().to_owned()
            }
        })
        .collect();
    let adults = members
        .iter()
        .filter(|m| crate::domain::household::age_on(m.born_on, arrives) >= ctx.settings.adult_age)
        .count();
    let count = |key: &str, name: &'static str, n: usize| {
        crate::i18n::t_with_number(lang, key, &[], (name, n as i64))
    };
    let mut lines = vec![
        t("match-line-hosts", &[("names", &names.join(", "))]),
        t(
            "match-line-household",
            &[
                ("adults_text", &count("match-adults", "adults", adults)),
                (
                    "children_text",
                    &count("match-children", "children", members.len() - adults),
                ),
            ],
        ),
    ];
    if !h.area.is_empty() {
        lines.push(t("match-line-area", &[("area", &h.area)]));
    }
    let pets: Vec<crate::domain::household::PetBody> =
        serde_json::from_str(&h.pets).unwrap_or_default();
    if !pets.is_empty() {
        let list: Vec<&str> = pets.iter().map(|p| p.species.as_str()).collect();
        lines.push(t("match-line-pets", &[("list", &list.join(", "))]));
    }
    lines.push(t(
        "match-line-smoking",
        &[(
            "value",
            &crate::i18n::t(lang, &format!("host-smoking-{}", h.smoking)),
        )],
    ));
    let langs: Vec<crate::domain::household::LanguageLevel> =
        serde_json::from_str(&h.languages).unwrap_or_default();
    if !langs.is_empty() {
        let list = languages_list(lang, &langs);
        lines.push(t("match-line-home-languages", &[("list", &list)]));
    }
    let interests: Vec<String> = serde_json::from_str(&h.interests).unwrap_or_default();
    if !interests.is_empty() {
        lines.push(t(
            "match-line-interests",
            &[("list", &interests.join(", "))],
        ));
    }
    if full {
        lines.push(t("match-line-address", &[("address", &h.address)]));
        lines.push(t(
            "match-line-contact",
            &[
                ("name", &h.contact_name),
                ("email", &h.contact_email),
                ("phone", &h.contact_phone),
            ],
        ));
    }
    Ok(lines)
}

/// An email about a match to `recipient`, saying `lines`, in `lang`.
fn notice(
    ctx: &Ctx,
    lang: &str,
    event: &EventRow,
    recipient: &str,
    lines: Vec<String>,
) -> MatchNotice {
    MatchNotice {
        common: Common {
            org_name: ctx.settings.org_name.clone(),
            language: lang.to_owned(),
            recipient_name: recipient.to_owned(),
            event_title: event.text_in(lang).title,
            event_when: crate::email::compose::event_when_in(lang, event),
            ..Common::default()
        },
        lines,
        ..MatchNotice::default()
    }
}

/// The link of `side`.
pub fn link(ctx: &Ctx, m: &MatchRow, side: Side) -> String {
    let token = match side {
        Side::Host => &m.host_token,
        Side::Visitor => &m.visitor_token,
    };
    format!("{}/m/{token}", ctx.settings.base_url())
}

/// The two sides of a match, with its exchange, for the emails about it.
pub(super) struct Pair<'a> {
    pub(super) event: &'a EventRow,
    pub(super) m: &'a MatchRow,
    pub(super) reg: &'a RegistrationRow,
    pub(super) h: &'a HouseholdRow,
}

/// Emails one side of a match: the other side's minimal profile (or, once confirmed, its
/// contact details), with the link to answer while it is that side's turn. A minor's side is
/// answered by the guardian: the guardian gets the link, the registration's contact a copy
/// without it.
pub(super) async fn email_side(
    side: Side,
    ctx: &Ctx,
    tx: &mut Tx,
    pair: &Pair<'_>,
    kind: EmailKind,
    tag: &str,
) -> Result<Vec<Scheduled>> {
    let Pair { event, m, reg, h } = *pair;
    let confirmed = m.state == MatchState::Confirmed;
    let (lang, recipients, registration_id, lines) = match side {
        Side::Host => {
            let lang = crate::i18n::supported(&h.language).unwrap_or("en");
            let lines = party_lines(ctx, lang, event, reg, confirmed).await?;
            let to = Recipient {
                key: "host".to_owned(),
                name: h.contact_name.clone(),
                email: h.contact_email.clone(),
                answers: true,
                copy_note: String::new(),
            };
            (lang, vec![to], None, lines)
        }
        Side::Visitor => {
            let lang = crate::i18n::supported(&reg.language).unwrap_or("en");
            let lines = household_lines(ctx, lang, event, h, confirmed).await?;
            let recipients = visitor_recipients(tx, reg, lang).await?;
            (lang, recipients, Some(reg.id), lines)
        }
    };
    let mut jobs = Vec::new();
    for to in recipients {
        let mut mc = notice(ctx, lang, event, &to.name, lines.clone());
        mc.common.copy_note = to.copy_note;
        if !confirmed && to.answers {
            mc.action_url = link(ctx, m, side);
            mc.deadline = crate::email::compose::local_time_in(lang, m.deadline, event);
        }
        let email = if kind == EmailKind::MatchArrival {
            let days = days_to_arrival(event, ctx.clock.now());
            Email::MatchArrival(MatchArrival {
                notice: mc,
                reminder_when: crate::i18n::t_count(lang, "email-reminder-when", days),
            })
        } else {
            Email::match_notice(kind, mc)
                .ok_or_else(|| anyhow::anyhow!("{kind} is not an email about a match"))?
        };
        let key = format!("match:{}:{tag}:{}", m.id, to.key);
        let envelope = Envelope {
            dedupe_key: &key,
            recipient: &to.email,
            registration_id,
            event_id: Some(event.id),
            ..Envelope::default()
        };
        jobs.extend(crate::email::compose::insert(ctx, tx, &email, &envelope).await?);
    }
    Ok(jobs)
}

/// One person an email about a match goes to.
pub(super) struct Recipient {
    /// Ends the email's dedupe key.
    key: String,
    name: String,
    email: String,
    /// Gets the link to answer (the side's contact, or a minor's guardian).
    answers: bool,
    /// Said first in a copy.
    copy_note: String,
}

/// Who hears about the visitor's side: the guardians of the party's minors (each once, with
/// the link to answer), and the registration's contact with a copy when it is someone else;
/// without guardians, the contact answers.
pub(super) async fn visitor_recipients(
    tx: &mut Tx,
    reg: &RegistrationRow,
    lang: &str,
) -> anyhow::Result<Vec<Recipient>> {
    let guardians = crate::db::guardians::of_registration_tx(tx, reg.id).await?;
    let mut out: Vec<Recipient> = Vec::new();
    for g in &guardians {
        if out
            .iter()
            .any(|r| r.email.eq_ignore_ascii_case(&g.guardian_email))
        {
            continue;
        }
        out.push(Recipient {
            key: if out.is_empty() {
                "visitor".to_owned()
            } else {
                format!("visitor:guardian:{}", g.id)
            },
            name: g.guardian_name.clone(),
            email: g.guardian_email.clone(),
            answers: true,
            copy_note: String::new(),
        });
    }
    if out.is_empty() {
        out.push(Recipient {
            key: "visitor".to_owned(),
            name: reg.contact_name.clone(),
            email: reg.contact_email.clone(),
            answers: true,
            copy_note: String::new(),
        });
    } else if !out
        .iter()
        .any(|r| r.email.eq_ignore_ascii_case(&reg.contact_email))
    {
        let names: Vec<&str> = out.iter().map(|r| r.name.as_str()).collect();
        out.push(Recipient {
            key: "visitor:copy".to_owned(),
            name: reg.contact_name.clone(),
            email: reg.contact_email.clone(),
            answers: false,
            copy_note: crate::i18n::t_with(
                lang,
                "email-copy-minor",
                &[("guardian", &names.join(", "))],
            ),
        });
    }
    Ok(out)
}

pub(super) async fn email_staff(
    ctx: &Ctx,
    tx: &mut Tx,
    pair: &Pair<'_>,
    what: &str,
) -> Result<Vec<Scheduled>> {
    let Pair { event, m, reg, h } = *pair;
    let mut jobs = Vec::new();
    for (staff_id, email) in crate::db::staff::reviewers_tx(tx).await? {
        let lines = vec![
            what.to_owned(),
            format!("Party: {} (registration {})", reg.contact_name, reg.id),
            format!("Household: {} (household {})", h.contact_name, h.id),
            format!(
                "{}/staff/events/{}/matching",
                ctx.settings.base_url(),
                event.slug
            ),
        ];
        let email_to_send = Email::MatchClosed(notice(ctx, "en", event, &email, lines));
        let key = format!("match:{}:{}:staff:{staff_id}", m.id, m.state);
        let to = Envelope {
            dedupe_key: &key,
            recipient: &email,
            event_id: Some(event.id),
            ..Envelope::default()
        };
        jobs.extend(crate::email::compose::insert(ctx, tx, &email_to_send, &to).await?);
    }
    Ok(jobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_shown_as_bands() {
        assert_eq!(age_band(16), "15–17");
        assert_eq!(age_band(17), "15–17");
        assert_eq!(age_band(18), "18–29");
        assert_eq!(age_band(70), "65+");
    }
}
