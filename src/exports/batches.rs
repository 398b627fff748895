//! Reading an export's participants a batch at a time, so memory stays flat.

use crate::context::Ctx;
use crate::db::export::{AttendeeFilter, AttendeeRow, ExportReader};

/// Participants read per database round trip.
const BATCH: i64 = 1_000;

/// An event's participants selected by a filter, read [`BATCH`] at a time on one connection
/// held for the whole export (and, on SQLite, one worker thread), in key order.
pub(super) struct Batches {
    reader: ExportReader,
    event_id: i64,
    filter: AttendeeFilter,
    /// The last (registration, participant) read.
    after: (i64, i64),
    done: bool,
}

impl Batches {
    pub(super) async fn start(
        ctx: &Ctx,
        event_id: i64,
        filter: AttendeeFilter,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            reader: ExportReader::acquire(&ctx.db).await?,
            event_id,
            filter,
            after: (0, 0),
            done: false,
        })
    }

    /// The next batch; `None` once the list is finished (or after an error).
    pub(super) async fn next(&mut self) -> anyhow::Result<Option<Vec<AttendeeRow>>> {
        if self.done {
            return Ok(None);
        }
        let read = self
            .reader
            .batch(self.event_id, &self.filter, self.after, BATCH)
            .await;
        let rows = match read {
            Ok(rows) => rows,
            Err(e) => {
                self.done = true;
                return Err(e);
            }
        };
        self.done = (rows.len() as i64) < BATCH;
        match rows.last() {
            Some(last) => self.after = (last.registration_id, last.participant_id),
            None => return Ok(None),
        }
        Ok(Some(rows))
    }
}
