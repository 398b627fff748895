//! Held seats: the counters of events and offerings (rows of their own: `event_seats`,
//! `offering_seats`), taken conditionally, moved with a
//! registration's state, and recounted from the registrations.

use std::collections::HashMap;

use anyhow::Context;

use super::{EventRow, OfferingRow};
use crate::db::{Db, Tx};
use crate::{holding_states, on_pool, on_tx};

/// Seats currently held on one event, in total and per offering.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeldSeats {
    /// Seats held on the whole event.
    pub total: i64,
    /// Seats held per offering id.
    pub by_offering: HashMap<i64, i64>,
}

/// Takes `seats` (offering id → seats) on event `event_id`: locks the event's seat counter
/// row, reads the event as it is once that lock is held (a cancellation or a capacity change
/// committed meanwhile is seen: they take the same lock first), and raises the event's counter
/// and each offering's with conditional updates, only while the event is published and each
/// counter stays within its capacity; returns whether every update took. On `false` the
/// caller rolls the transaction back (the event's counter may already be raised in it).
///
/// On PostgreSQL the counter row is locked from here to the commit only, not for the whole
/// registration; the event and offering rows themselves are never locked or updated, so the
/// key-share locks of the rows every registration inserts never meet a counter update there.
pub async fn take_seats(
    tx: &mut Tx,
    event_id: i64,
    seats: &HashMap<i64, i64>,
) -> anyhow::Result<bool> {
    const LOCK: &str = "SELECT held FROM event_seats WHERE event_id = $1 FOR UPDATE";
    const EVENT: &str = "UPDATE event_seats SET held = held + $2 WHERE event_id = $1 AND EXISTS \
        (SELECT 1 FROM events e WHERE e.id = $1 AND e.status = 'published' \
         AND (e.capacity IS NULL OR event_seats.held + $2 <= e.capacity))";
    const OFFERING: &str = "UPDATE offering_seats SET held = held + $2 WHERE offering_id = $1 AND EXISTS \
        (SELECT 1 FROM offerings o WHERE o.id = $1 AND o.event_id = $3 \
         AND (o.capacity IS NULL OR offering_seats.held + $2 <= o.capacity))";
    let total: i64 = seats.values().sum();
    let mut by_offering: Vec<(&i64, &i64)> = seats.iter().collect();
    by_offering.sort_unstable();
    if let Tx::Postgres(t) = tx {
        // In its own statement: the next ones then read the event with a snapshot taken after
        // the lock was granted.
        sqlx::query(LOCK)
            .bind(event_id)
            .execute(&mut **t)
            .await
            .context("locking event seats")?;
    }
    on_tx!(tx, |c| async {
        let event = sqlx::query(EVENT)
            .bind(event_id)
            .bind(total)
            .execute(&mut *c)
            .await?;
        if event.rows_affected() != 1 {
            return Ok(false);
        }
        for (offering, n) in by_offering {
            let done = sqlx::query(OFFERING)
                .bind(offering)
                .bind(n)
                .bind(event_id)
                .execute(&mut *c)
                .await?;
            if done.rows_affected() != 1 {
                return Ok(false);
            }
        }
        Ok::<_, sqlx::Error>(true)
    }
    .await)
    .context("taking seats")
}

impl HeldSeats {
    /// Reads the held-seat counters of an event and its offerings.
    pub fn of(event: &EventRow, offerings: &[OfferingRow]) -> Self {
        Self {
            total: event.seats_held,
            by_offering: offerings.iter().map(|o| (o.id, o.seats_held)).collect(),
        }
    }
}

/// Adds `sign` × `seats` (offering id → seats) to the held-seat counters of an event and
/// its offerings. Called in the same transaction as every change into or out of a
/// seat-holding state.
pub async fn add_held(
    tx: &mut Tx,
    event_id: i64,
    seats: &HashMap<i64, i64>,
    sign: i64,
) -> anyhow::Result<()> {
    const EVENT: &str = "UPDATE event_seats SET held = held + $2 WHERE event_id = $1";
    const OFFERING: &str = "UPDATE offering_seats SET held = held + $2 WHERE offering_id = $1 \
        AND offering_id IN (SELECT id FROM offerings WHERE event_id = $3)";
    let total: i64 = seats.values().sum();
    on_tx!(tx, |c| {
        sqlx::query(EVENT)
            .bind(event_id)
            .bind(sign * total)
            .execute(&mut *c)
            .await?;
        for (offering, n) in seats {
            sqlx::query(OFFERING)
                .bind(offering)
                .bind(sign * n)
                .bind(event_id)
                .execute(&mut *c)
                .await?;
        }
        Ok::<_, sqlx::Error>(())
    })
    .context("updating held seat counters")
}

/// Counts held seats from the registrations themselves (slow; tests compare it with the counters).
pub async fn recount_held(db: &Db, event_id: i64) -> anyhow::Result<HeldSeats> {
    const TOTAL: &str = concat!(
        "SELECT CAST(COALESCE(SUM(seats), 0) AS BIGINT) FROM registrations WHERE event_id = $1 AND status IN ",
        holding_states!()
    );
    const BY_OFFERING: &str = concat!(
        "SELECT o.id, (SELECT COUNT(*) FROM participants p JOIN registrations r ON r.id = p.registration_id \
         WHERE p.offering_id = o.id AND r.status IN ",
        holding_states!(),
        ") FROM offerings o WHERE o.event_id = $1"
    );
    on_pool!(db, |pool| {
        let total: i64 = sqlx::query_scalar(TOTAL)
            .bind(event_id)
            .fetch_one(pool)
            .await?;
        let rows: Vec<(i64, i64)> = sqlx::query_as(BY_OFFERING)
            .bind(event_id)
            .fetch_all(pool)
            .await?;
        Ok::<_, sqlx::Error>(HeldSeats {
            total,
            by_offering: rows.into_iter().collect(),
        })
    })
    .context("recounting held seats")
}
