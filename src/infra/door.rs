//! The check-in group writer: scans arriving together are written in one transaction on
//! SQLite (group commit), each in its own on PostgreSQL.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use crate::core::actor::Actor;
use crate::core::clock::Clock;
use crate::core::error::{AppError, Result};
use crate::db::checkin::{self as door, DoorRow};
use crate::db::registrations as regs;
use crate::db::{Backend, Db};
use crate::domain::RegistrationStatus;

/// What a scan did.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The participant, as the door sees them (after the scan).
    pub participant: DoorRow,
    /// `true` when they had been checked in before this scan.
    pub already: bool,
    /// When they were checked in.
    pub checked_in_at: DateTime<Utc>,
}

/// Why a code cannot be admitted, in words for the door.
pub(crate) fn refusal(p: &DoorRow) -> AppError {
    let status = p.status;
    let (code, message) = match status {
        RegistrationStatus::PendingPayment => (
            "not_paid",
            format!(
                "{} has not paid yet ({} due): send them to the desk.",
                p.contact_name,
                crate::i18n::format::money("en", p.total_minor, &p.currency)
            ),
        ),
        RegistrationStatus::Cancelled => (
            "registration_cancelled",
            "This registration was cancelled.".to_owned(),
        ),
        RegistrationStatus::Expired => (
            "registration_expired",
            "This registration expired unpaid.".to_owned(),
        ),
        RegistrationStatus::Rejected => (
            "registration_rejected",
            "This application was not accepted.".to_owned(),
        ),
        RegistrationStatus::Waitlisted | RegistrationStatus::Offered => (
            "waitlisted",
            "This registration is on the waitlist, without a seat.".to_owned(),
        ),
        RegistrationStatus::AwaitingApproval => (
            "awaiting_approval",
            "This application has not been approved yet.".to_owned(),
        ),
        RegistrationStatus::Confirmed | RegistrationStatus::Attended => (
            "not_admissible",
            "This code cannot be checked in.".to_owned(),
        ),
    };
    AppError::conflict(code, message)
}

/// The writer of check-ins. On SQLite, where every write goes through one connection anyway,
/// scans arriving while a transaction commits are written together in the next one (group
/// commit): with `synchronous=FULL` every commit waits for the disk, and twenty scanners at a
/// busy door would otherwise queue behind one disk flush each. Every scan is answered only
/// after the transaction holding it committed, so an answered check-in is on disk; a database
/// error fails the whole group, and the scanners may simply scan again. On PostgreSQL, which
/// commits many transactions in parallel, each scan is its own transaction (measured: a single
/// writer there halves the throughput, see BENCHMARKS.md).
#[derive(Debug, Clone)]
pub struct Door {
    /// The group writer's queue (SQLite).
    sender: Option<mpsc::Sender<Pending>>,
    db: Db,
    clock: Clock,
}

/// A scan to write: the participant and who scanned (actor label).
struct ScanRequest {
    participant: DoorRow,
    actor: String,
}

/// A scan waiting in the group writer's queue.
struct Pending {
    scan: ScanRequest,
    reply: oneshot::Sender<Result<Scan>>,
}

/// Most scans written in one transaction.
const MAX_GROUP: usize = 64;

impl Door {
    /// Starts the group writer task on SQLite; it ends when every handle is dropped.
    pub fn start(db: Db, clock: Clock) -> Self {
        let sender = (db.backend() == Backend::Sqlite).then(|| {
            let (sender, receiver) = mpsc::channel(1024);
            tokio::spawn(write_groups(db.clone(), clock.clone(), receiver));
            sender
        });
        Self { sender, db, clock }
    }

    /// Checks in `participant` (in the next group, on SQLite) once it is committed.
    pub async fn check_in(&self, participant: DoorRow, actor: &Actor) -> Result<Scan> {
        let scan = ScanRequest {
            participant,
            actor: actor.label(),
        };
        let Some(sender) = &self.sender else {
            let mut tx = self.db.begin().await?;
            let result = write_scan(&mut tx, &scan, self.clock.now(), &HashMap::new()).await?;
            tx.commit().await?;
            return result;
        };
        let stopped = || AppError::Internal(anyhow::anyhow!("the check-in writer stopped"));
        let (reply, answer) = oneshot::channel();
        sender
            .send(Pending { scan, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn write_groups(db: Db, clock: Clock, mut receiver: mpsc::Receiver<Pending>) {
    while let Some(first) = receiver.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match receiver.try_recv() {
                Ok(next) => group.push(next),
                Err(_) => break,
            }
        }
        match write_group(&db, clock.now(), &group).await {
            Ok(results) => {
                for (pending, result) in group.into_iter().zip(results) {
                    let _ = pending.reply.send(result);
                }
            }
            Err(e) => {
                let message = format!("{e:#}");
                tracing::error!(error = %message, scans = group.len(), "check-in group failed");
                for pending in group {
                    let _ = pending
                        .reply
                        .send(Err(AppError::Internal(anyhow::anyhow!("{message}"))));
                }
            }
        }
    }
}

/// Writes a group of scans in one transaction; per scan, its answer (a refusal writes nothing).
async fn write_group(
    db: &Db,
    now: DateTime<Utc>,
    group: &[Pending],
) -> anyhow::Result<Vec<Result<Scan>>> {
    let mut tx = db.begin().await?;
    // Participants checked in by this group, for a code scanned twice within it.
    let mut marked: HashMap<i64, DateTime<Utc>> = HashMap::new();
    let mut results = Vec::with_capacity(group.len());
    for pending in group {
        let result = write_scan(&mut tx, &pending.scan, now, &marked).await?;
        if let Ok(scan) = &result
            && !scan.already
        {
            marked.insert(scan.participant.participant_id, now);
        }
        results.push(result);
    }
    tx.commit().await?;
    Ok(results)
}

/// Writes one scan inside `tx`; `marked` holds participants checked in earlier in the same
/// transaction. The outer error is a database failure, the inner one a refusal.
async fn write_scan(
    tx: &mut crate::db::Tx,
    scan: &ScanRequest,
    now: DateTime<Utc>,
    marked: &HashMap<i64, DateTime<Utc>>,
) -> anyhow::Result<Result<Scan>> {
    let p = &scan.participant;
    if door::lock_admissible(tx, p.registration_id)
        .await?
        .is_none()
    {
        return Ok(Err(refusal(p)));
    }
    if !door::mark(tx, p.participant_id, &scan.actor, now).await? {
        // Scanned a moment ago, in this transaction or an earlier one.
        let at = match marked.get(&p.participant_id) {
            Some(at) => *at,
            None => door::checked_in_at_tx(tx, p.participant_id)
                .await?
                .unwrap_or(now),
        };
        let mut participant = p.clone();
        participant.checked_in_at = Some(at);
        return Ok(Ok(Scan {
            participant,
            already: true,
            checked_in_at: at,
        }));
    }
    move_registration(
        tx,
        p.registration_id,
        ("confirmed", "attended"),
        &scan.actor,
        "checked in",
        now,
    )
    .await?;
    crate::db::audit::audit(
        tx,
        &scan.actor,
        "checkin.create",
        &format!("participant:{}", p.participant_id),
        None,
        Some(&serde_json::json!({"registration": p.registration_id, "event": p.event_id})),
        now,
    )
    .await?;
    let mut participant = p.clone();
    participant.checked_in_at = Some(now);
    participant.status = RegistrationStatus::Attended;
    Ok(Ok(Scan {
        participant,
        already: false,
        checked_in_at: now,
    }))
}

/// Moves a registration between `confirmed` and `attended` (`(from, to)`) if it is in `from`,
/// recording the change in its history. Both states hold the same seats and neither sends an
/// email, so this bypasses the state machine's seat counting and notifications.
pub(crate) async fn move_registration(
    tx: &mut crate::db::Tx,
    registration_id: i64,
    (from, to): (&str, &str),
    actor: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if door::set_status_if(tx, registration_id, from, to, now).await? {
        regs::record_transition(tx, registration_id, Some(from), to, actor, reason, now).await?;
    }
    Ok(())
}
