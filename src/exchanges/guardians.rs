//! Guardians consent themselves (issue 15): for each visitor under the programme's adult age,
//! the registration emails the guardian a private link (`/g/{token}`) in the registration's
//! language. There the guardian reviews the visitor's profile, gives or refuses each placement
//! consent and leaves medical notes and an emergency contact, or refuses the placement. Until
//! the guardian has confirmed, the party is not placeable (a hard rule of the matching), and
//! every answer re-checks the registration's active match in the same transaction.

use serde::Serialize;

use crate::context::Ctx;
use crate::core::error::{AppError, FieldCollector, Result};
use crate::core::job::Scheduled;
use crate::db::Tx;
use crate::db::events::EventRow;
use crate::db::guardians::{self as store, Answer, GuardianRow, NewGuardian};
use crate::db::registrations::{self as regs, RegistrationRow};
pub use crate::domain::visitor::{GuardianStatus, is_minor, shown_name};
use crate::domain::visitor::{PLACEMENT_CONSENTS, VisitorProfile};
use crate::domain::{PersonName, token};
use crate::email::compose::Envelope;
use crate::email::render::{Common, Email, GuardianRequest};

/// The guardian's private page.
pub fn url(ctx: &Ctx, token: &str) -> String {
    format!("{}/g/{token}", ctx.settings.base_url())
}

/// Asks the guardian of every minor of registration `reg` not asked yet, inside the caller's
/// transaction; returns how many were asked and the jobs to push after the commit.
pub async fn request(
    ctx: &Ctx,
    tx: &mut Tx,
    event: &EventRow,
    reg: &RegistrationRow,
) -> anyhow::Result<(usize, Vec<Scheduled>)> {
    if !event.is_exchange() {
        return Ok((0, Vec::new()));
    }
    let first_day = crate::exchanges::candidates::stay(event).0;
    let existing = store::of_registration_tx(tx, reg.id).await?;
    let now = ctx.clock.now();
    let lang = crate::email::compose::contact_language(reg);
    let mut jobs = Vec::new();
    let mut asked = 0;
    for p in regs::participants_tx(tx, reg.id).await? {
        let profile: Option<VisitorProfile> = serde_json::from_str(&p.profile).ok();
        if !is_minor(profile.as_ref(), first_day, ctx.settings.adult_age)
            || existing.iter().any(|g| g.participant_id == p.id)
        {
            continue;
        }
        let Some(guardian) = profile.as_ref().and_then(|v| v.guardian.clone()) else {
            continue;
        };
        let Some(email) = guardian.email.filter(|e| !e.is_empty()) else {
            continue;
        };
        let secret = token::generate();
        let id = store::insert(
            tx,
            &NewGuardian {
                registration_id: reg.id,
                participant_id: p.id,
                token: &secret,
                selector: token::selector(&secret).expect("generated tokens are well formed"),
                guardian_name: &guardian.name,
                guardian_email: &email,
                language: lang,
            },
            now,
        )
        .await?;
        jobs.extend(
            request_email(
                ctx,
                tx,
                (event, reg),
                (&guardian.name, &email, &p.name),
                &secret,
                &format!("guardian:{id}:request"),
            )
            .await?,
        );
        crate::db::audit::audit(
            tx,
            "system",
            "guardian.request",
            &format!("registration:{}", reg.id),
            None,
            Some(&serde_json::json!({"participant_id": p.id, "guardian": guardian.name})),
            now,
        )
        .await?;
        asked += 1;
    }
    Ok((asked, jobs))
}

/// Writes the email that asks a guardian, in the registration's language, with their link.
async fn request_email(
    ctx: &Ctx,
    tx: &mut Tx,
    (event, reg): (&EventRow, &RegistrationRow),
    (name, email, visitor): (&str, &str, &str),
    secret: &str,
    dedupe_key: &str,
) -> anyhow::Result<Option<Scheduled>> {
    let lang = crate::email::compose::contact_language(reg);
    let email_to_send = Email::GuardianRequest(GuardianRequest {
        common: Common {
            org_name: ctx.settings.org_name.clone(),
            language: lang.to_owned(),
            recipient_name: name.to_owned(),
            event_title: event.text_in(lang).title,
            event_when: crate::email::compose::event_when_in(lang, event),
            ..Common::default()
        },
        visitor_name: visitor.to_owned(),
        contact_name: reg.contact_name.clone(),
        action_url: url(ctx, secret),
    });
    let to = Envelope {
        dedupe_key,
        recipient: email,
        registration_id: Some(reg.id),
        event_id: Some(event.id),
        ..Envelope::default()
    };
    crate::email::compose::insert(ctx, tx, &email_to_send, &to).await
}

/// Whether staff can ask again for registration `record`: a guardian has not answered, or
/// a minor has no guardian asked yet.
pub fn can_ask_again(record: &crate::registrations::Record, adult_age: i32) -> bool {
    let first_day = crate::exchanges::candidates::stay(&record.event).0;
    record.event.is_exchange()
        && (record
            .guardians
            .iter()
            .any(|g| g.status == GuardianStatus::Pending)
            || record.participants.iter().any(|p| {
                let profile: Option<crate::domain::visitor::VisitorProfile> =
                    serde_json::from_str(&p.profile).ok();
                crate::domain::visitor::is_minor(profile.as_ref(), first_day, adult_age)
                    && !record.guardians.iter().any(|g| g.participant_id == p.id)
            }))
}

/// Staff ask again: guardians not asked yet (a registration from before guardians answered
/// themselves) are asked, and those who have not answered get their link again.
pub async fn ask_again(ctx: &Ctx, registration_id: i64, actor: &str) -> Result<usize> {
    let mut tx = ctx.db.begin().await?;
    let reg = regs::get_tx(&mut tx, registration_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = crate::db::events::lock(&mut tx, reg.event_id).await?;
    let before = store::of_registration_tx(&mut tx, reg.id).await?;
    let (mut asked, mut jobs) = request(ctx, &mut tx, &event, &reg).await?;
    let participants = regs::participants_tx(&mut tx, reg.id).await?;
    let now = ctx.clock.now();
    for g in before
        .iter()
        .filter(|g| g.status == GuardianStatus::Pending)
    {
        let visitor = participants
            .iter()
            .find(|p| p.id == g.participant_id)
            .map_or("", |p| p.name.as_str());
        jobs.extend(
            request_email(
                ctx,
                &mut tx,
                (&event, &reg),
                (&g.guardian_name, &g.guardian_email, visitor),
                &g.token,
                &format!("guardian:{}:again:{}", g.id, now.timestamp_millis()),
            )
            .await?,
        );
        asked += 1;
    }
    if asked == 0 {
        return Err(AppError::conflict(
            "nothing_to_ask",
            "Every guardian of this registration has answered (or none is needed).",
        ));
    }
    crate::db::audit::audit(
        &mut tx,
        actor,
        "guardian.ask_again",
        &format!("registration:{}", reg.id),
        None,
        Some(&serde_json::json!({"asked": asked})),
        now,
    )
    .await?;
    ctx.commit(tx, &jobs).await?;
    Ok(asked)
}

/// Finds a guardian's request by its private token (constant-time comparison).
pub async fn find(ctx: &Ctx, token_str: &str) -> Result<GuardianRow> {
    let selector = token::selector(token_str).ok_or(AppError::NotFound)?;
    let row = store::find_by_selector(&ctx.db, selector)
        .await?
        .ok_or(AppError::NotFound)?;
    if token::matches(token_str, &row.token) {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

/// What the guardian answers on their page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AnswerBody {
    /// `confirm` (with the consents below) or `refuse` (the placement as a whole).
    pub decision: String,
    /// Per placement consent (see `PLACEMENT_CONSENTS`): `give` or `refuse`.
    pub consents: Vec<(String, String)>,
    pub medical: String,
    pub emergency_name: String,
    pub emergency_phone: String,
}

/// Checks an answer, reporting every bad field at once.
pub fn parse(body: &AnswerBody) -> Result<Answer> {
    let mut f = FieldCollector::default();
    let status = match body.decision.as_str() {
        "confirm" => GuardianStatus::Confirmed,
        "refuse" => GuardianStatus::Refused,
        _ => {
            f.add("decision", "must be one of: confirm, refuse");
            GuardianStatus::Pending
        }
    };
    let mut given = Vec::new();
    let mut refused = Vec::new();
    let medical = f
        .take(
            "medical",
            crate::domain::parse_long_text(&body.medical, 2000),
        )
        .unwrap_or_default();
    let mut emergency_name = String::new();
    let mut emergency_phone = String::new();
    if status == GuardianStatus::Confirmed {
        for c in PLACEMENT_CONSENTS {
            match body
                .consents
                .iter()
                .find(|(k, _)| k == c)
                .map(|(_, v)| v.as_str())
            {
                Some("give") => given.push((*c).to_owned()),
                Some("refuse") => refused.push((*c).to_owned()),
                _ => f.add(format!("consents.{c}"), "is required"),
            }
        }
        emergency_name = f
            .take(
                "emergency_name",
                PersonName::parse(&body.emergency_name).map(|n| n.as_str().to_owned()),
            )
            .unwrap_or_default();
        if body.emergency_phone.trim().is_empty() {
            f.add("emergency_phone", "is required");
        } else {
            emergency_phone = f
                .take(
                    "emergency_phone",
                    crate::domain::parse_phone(&body.emergency_phone),
                )
                .unwrap_or_default();
        }
    }
    f.finish()?;
    Ok(Answer {
        status,
        given,
        refused,
        medical,
        emergency_name,
        emergency_phone,
    })
}

/// Stores the guardian's answer (a later answer replaces an earlier one), audits it, and
/// re-checks the registration's active match in the same transaction: a consent taken back or
/// a refusal withdraws a placement that now breaks a rule.
pub async fn answer(ctx: &Ctx, token_str: &str, body: &AnswerBody) -> Result<()> {
    let row = find(ctx, token_str).await?;
    let answer = parse(body)?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    // The registration's event row is the lock every placement decision takes.
    let reg = regs::get_tx(&mut tx, row.registration_id)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::db::events::lock(&mut tx, reg.event_id).await?;
    store::answer(&mut tx, row.id, &answer, now).await?;
    crate::db::audit::audit(
        &mut tx,
        &format!("guardian:{}", row.id),
        "guardian.answer",
        &format!("registration:{}", row.registration_id),
        Some(&serde_json::json!({"status": row.status, "given": row.given()})),
        Some(
            &serde_json::json!({"participant_id": row.participant_id, "status": answer.status,
            "given": answer.given, "refused": answer.refused}),
        ),
        now,
    )
    .await?;
    let jobs = crate::exchanges::placements::recheck(
        ctx,
        &mut tx,
        crate::exchanges::placements::Scope::Registration(row.registration_id),
    )
    .await?;
    ctx.commit(tx, &jobs).await?;
    Ok(())
}
