//! Group commit on SQLite: work arriving while a transaction commits is done in the next
//! transaction together, with one flush of the disk for the whole group.
//!
//! With `synchronous=FULL` every commit waits for the disk, and every write goes through one
//! connection: one transaction per request makes the disk's flush rate the ceiling. A
//! [`GroupWriter`] task holds the writer connection instead and lends its open transaction to
//! one member at a time ([`Turn`]), each inside its own savepoint: a member whose work fails
//! is rolled back to its savepoint and the others stand. When nobody else is waiting, the
//! writer commits and tells every member whose work stood; a member answers its client only
//! then, so an answered request is on disk. If the commit fails, every member of the group is
//! told so (nothing of the group was written). Members see what earlier members of their group
//! wrote, exactly as if each had committed in turn: capacity is decided in arrival order.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{mpsc, oneshot};

use anyhow::Context;
use sqlx::SqlitePool;

use super::Tx;

/// Most members in one transaction.
const MAX_GROUP: usize = 64;

/// A member's place in the line: where its turn (the shared transaction) will be sent.
type Request = oneshot::Sender<Turn>;

/// The commit of a member's group, as the writer reports it.
type Committed = Result<(), String>;

/// The task that writes groups; cheap to clone. Started once per SQLite database.
#[derive(Debug, Clone)]
pub struct GroupWriter {
    line: mpsc::Sender<Request>,
    counts: Arc<Counts>,
}

/// What the writer has committed so far.
#[derive(Debug, Default)]
struct Counts {
    lined_up: AtomicU64,
    groups: AtomicU64,
    members: AtomicU64,
}

/// A member's turn at the shared transaction. [`Turn::tx`] is the transaction, inside the
/// member's own savepoint; [`Turn::keep`] hands it back and waits for the group's commit. A
/// turn dropped without `keep` (an error, a panic, a cancelled request) undoes the member's work
/// and the group goes on without it.
pub struct Turn {
    tx: Option<Tx>,
    back: Option<oneshot::Sender<(Tx, Option<oneshot::Sender<Committed>>)>>,
}

impl Turn {
    /// The shared transaction, inside this member's savepoint.
    pub fn tx(&mut self) -> &mut Tx {
        self.tx
            .as_mut()
            .expect("a turn holds the transaction until it ends")
    }

    /// Keeps this member's work and waits until its group is committed.
    pub async fn keep(mut self) -> anyhow::Result<()> {
        let (tx, back) = (self.tx.take(), self.back.take());
        let (Some(tx), Some(back)) = (tx, back) else {
            anyhow::bail!("a turn ended twice");
        };
        let (told, committed) = oneshot::channel();
        if back.send((tx, Some(told))).is_err() {
            anyhow::bail!("the group writer stopped");
        }
        match committed.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(anyhow::anyhow!("committing the group: {e}")),
            Err(_) => anyhow::bail!("the group writer stopped before committing"),
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let (Some(tx), Some(back)) = (self.tx.take(), self.back.take()) {
            // Undone by the writer; if it is gone, so is the transaction.
            let _ = back.send((tx, None));
        }
    }
}

impl GroupWriter {
    /// Starts the writer task on SQLite's writer pool; it ends when every handle is dropped.
    pub fn start(write: SqlitePool) -> Self {
        let (line, waiting) = mpsc::channel(1024);
        let counts = Arc::new(Counts::default());
        tokio::spawn(write_groups(write, waiting, counts.clone()));
        Self { line, counts }
    }

    /// Members that have joined the line so far, in the order of their turns.
    pub fn lined_up(&self) -> u64 {
        self.counts.lined_up.load(Ordering::Relaxed)
    }

    /// Groups committed so far, and the members whose work they held.
    pub fn committed(&self) -> (u64, u64) {
        (
            self.counts.groups.load(Ordering::Relaxed),
            self.counts.members.load(Ordering::Relaxed),
        )
    }

    /// Waits for this member's turn at the shared transaction.
    pub async fn turn(&self) -> anyhow::Result<Turn> {
        let (request, turn) = oneshot::channel();
        self.line
            .send(request)
            .await
            .map_err(|_| anyhow::anyhow!("the group writer stopped"))?;
        self.counts.lined_up.fetch_add(1, Ordering::Relaxed);
        turn.await
            .map_err(|_| anyhow::anyhow!("the group's transaction could not begin"))
    }
}

async fn write_groups(
    write: SqlitePool,
    mut waiting: mpsc::Receiver<Request>,
    counts: Arc<Counts>,
) {
    while let Some(first) = waiting.recv().await {
        let begun = write
            .begin_with("BEGIN IMMEDIATE")
            .await
            .context("beginning a group's transaction");
        let tx = match begun {
            Ok(tx) => Tx::Sqlite(tx),
            Err(e) => {
                // Dropping the request tells the member; the next one tries again.
                tracing::error!(error = format!("{e:#}"), "beginning a group failed");
                drop(first);
                continue;
            }
        };
        let (tx, members) = serve_group(tx, first, &mut waiting).await;
        let result = match tx {
            Some(tx) => tx.commit().await.map_err(|e| format!("{e:#}")),
            None => Err("the group's transaction was lost".to_owned()),
        };
        match &result {
            Ok(()) => {
                counts.groups.fetch_add(1, Ordering::Relaxed);
                counts
                    .members
                    .fetch_add(members.len() as u64, Ordering::Relaxed);
            }
            Err(e) => tracing::error!(error = %e, members = members.len(), "group commit failed"),
        }
        for member in members {
            let _ = member.send(result.clone());
        }
    }
}

/// Gives `first` and then everyone waiting (up to [`MAX_GROUP`]) a turn at `tx`. Returns the
/// transaction (`None` if a failure lost it) and the members whose work is kept.
async fn serve_group(
    mut tx: Tx,
    first: Request,
    waiting: &mut mpsc::Receiver<Request>,
) -> (Option<Tx>, Vec<oneshot::Sender<Committed>>) {
    let mut members = Vec::new();
    let mut next = Some(first);
    let mut served = 0;
    while let Some(request) = next.take() {
        served += 1;
        match one_turn(tx, request).await {
            Ok((back, kept)) => {
                tx = back;
                members.extend(kept);
            }
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "a turn in a group failed");
                return (None, members);
            }
        }
        if served < MAX_GROUP {
            next = waiting.try_recv().ok();
        }
    }
    (Some(tx), members)
}

/// One member's turn: a savepoint, the member's work, then the savepoint released (kept) or
/// rolled back. Returns the transaction and, if the work is kept, where to report the commit.
async fn one_turn(
    mut tx: Tx,
    request: Request,
) -> anyhow::Result<(Tx, Option<oneshot::Sender<Committed>>)> {
    savepoint(&mut tx, "SAVEPOINT member").await?;
    let (back, returned) = oneshot::channel();
    let turn = Turn {
        tx: Some(tx),
        back: Some(back),
    };
    if let Err(mut turn) = request.send(turn) {
        // The member stopped waiting: take the transaction back and go on.
        let tx = turn
            .tx
            .take()
            .expect("an unsent turn holds the transaction");
        turn.back.take();
        return undo(tx).await.map(|tx| (tx, None));
    }
    let (mut tx, kept) = returned
        .await
        .map_err(|_| anyhow::anyhow!("a member dropped the transaction"))?;
    match kept {
        Some(told) => {
            savepoint(&mut tx, "RELEASE member").await?;
            Ok((tx, Some(told)))
        }
        None => undo(tx).await.map(|tx| (tx, None)),
    }
}

/// Undoes the current member's work.
async fn undo(mut tx: Tx) -> anyhow::Result<Tx> {
    savepoint(&mut tx, "ROLLBACK TO member").await?;
    savepoint(&mut tx, "RELEASE member").await?;
    Ok(tx)
}

async fn savepoint(tx: &mut Tx, sql: &'static str) -> anyhow::Result<()> {
    crate::on_tx!(tx, |conn| sqlx::query(sql).execute(conn).await.map(|_| ()))
        .with_context(|| format!("{sql} in a group"))?;
    Ok(())
}
