//! Attendee exports as CSV, streamed in batches so memory stays flat however long the list.
//!
//! Every cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return) is written with a leading apostrophe, OWASP's rule against CSV
//! injection; names like `=HYPERLINK(...)` arrive as text.

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::db::events::EventRow;
use crate::db::export::{self, AttendeeFilter, AttendeeRow, ExportReader};
use crate::domain::TimeZone;
use crate::email::compose::money;
use crate::error::{AppError, Result};
use crate::registrations::Actor;
use crate::state::Ctx;

/// Participants read per database round trip.
const BATCH: i64 = 1_000;

/// Every column an export can have, in order: (key, header).
pub const COLUMNS: &[(&str, &str)] = &[
    ("reference", "Reference"),
    ("status", "Status"),
    ("participant", "Participant"),
    ("offering", "Offering"),
    ("contact", "Contact"),
    ("email", "Email"),
    ("language", "Language"),
    ("notes", "Diet and accessibility"),
    ("price", "Price"),
    ("paid", "Paid (registration)"),
    ("due", "Due (registration)"),
    ("checked_in", "Checked in"),
    ("registered", "Registered"),
];

/// Parses a comma-separated column choice; empty means all.
pub fn parse_columns(list: Option<&str>) -> Result<Vec<usize>> {
    let Some(list) = list.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok((0..COLUMNS.len()).collect());
    };
    list.split(',')
        .map(|key| {
            COLUMNS
                .iter()
                .position(|(k, _)| *k == key.trim())
                .ok_or_else(|| {
                    AppError::field(
                        "columns",
                        format!(
                            "unknown column {key:?}; choose from: {}",
                            COLUMNS
                                .iter()
                                .map(|(k, _)| *k)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })
        })
        .collect()
}

/// Neutralises a cell a spreadsheet would run as a formula.
pub fn safe_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

fn cell(row: &AttendeeRow, column: usize, zone: &TimeZone) -> String {
    let local =
        |t: chrono::DateTime<chrono::Utc>| zone.to_local(t).format("%Y-%m-%d %H:%M").to_string();
    let value = match COLUMNS[column].0 {
        "reference" => row.registration_id.to_string(),
        "status" => row.status.clone(),
        "participant" => row.name.clone(),
        "offering" => row.offering_name.clone(),
        "contact" => row.contact_name.clone(),
        "email" => row.contact_email.clone(),
        "language" => row.language.clone(),
        "notes" => row.notes.clone(),
        "price" => money(row.price_minor, &row.currency),
        "paid" => money(row.paid_minor, &row.currency),
        "due" => money((row.total_minor - row.paid_minor).max(0), &row.currency),
        "checked_in" => row.checked_in_at.map(local).unwrap_or_default(),
        "registered" => local(row.created_at),
        _ => String::new(),
    };
    safe_cell(&value)
}

fn csv_writer(capacity: usize) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(capacity))
}

/// The CSV export of `event`'s participants selected by `filter`, audited as `actor`'s.
pub async fn attendees_csv(
    ctx: &Ctx,
    event: &EventRow,
    filter: AttendeeFilter,
    columns: Vec<usize>,
    bom: bool,
    actor: &Actor,
) -> Result<Response> {
    let rows = export::count(&ctx.db, event.id, &filter).await?;
    let mut tx = ctx.db.begin().await?;
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        "export.csv",
        &format!("event:{}", event.id),
        None,
        Some(&serde_json::json!({
            "status": filter.status, "offering": filter.offering, "checked_in": filter.checked_in,
            "columns": columns.iter().map(|c| COLUMNS[*c].0).collect::<Vec<_>>(), "rows": rows,
        })),
        ctx.clock.now(),
    )
    .await?;
    tx.commit().await?;

    let mut head = if bom {
        vec![0xEF, 0xBB, 0xBF]
    } else {
        Vec::new()
    };
    let mut writer = csv_writer(256);
    // Writing to memory cannot fail.
    let _ = writer.write_record(columns.iter().map(|c| COLUMNS[*c].1));
    head.extend(writer.into_inner().unwrap_or_default());
    let zone = TimeZone::parse(&event.timezone).unwrap_or(TimeZone(chrono_tz::UTC));
    let reader = ExportReader::acquire(&ctx.db).await?;
    let event_id = event.id;
    // State: the connection, the last participant id, and whether the list is finished.
    let body = futures::stream::unfold((reader, 0_i64, false), move |(mut reader, after, done)| {
        let (filter, columns) = (filter.clone(), columns.clone());
        async move {
            if done {
                return None;
            }
            match reader.batch(event_id, &filter, after, BATCH).await {
                Ok(rows) => {
                    let last = rows.last().map_or(after, |r| r.participant_id);
                    let mut writer = csv_writer(rows.len() * 160);
                    for row in &rows {
                        let _ = writer.write_record(columns.iter().map(|c| cell(row, *c, &zone)));
                    }
                    let out = writer.into_inner().unwrap_or_default();
                    let finished = (rows.len() as i64) < BATCH;
                    Some((
                        Ok::<_, std::io::Error>(Bytes::from(out)),
                        (reader, last, finished),
                    ))
                }
                Err(e) => {
                    tracing::error!(error = format!("{e:#}"), "export failed midway");
                    Some((
                        Err(std::io::Error::other("export failed")),
                        (reader, after, true),
                    ))
                }
            }
        }
    });
    let head = futures::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(head)) });
    use futures::StreamExt;
    let filename = format!("{}-attendees.csv", event.slug);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(head.chain(body)),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        assert_eq!(
            safe_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        for bad in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(safe_cell(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(safe_cell("Ana García"), "Ana García");
    }

    #[test]
    fn columns_are_chosen_by_key() {
        assert_eq!(
            parse_columns(Some("participant, email")).unwrap(),
            vec![2, 5]
        );
        assert_eq!(parse_columns(None).unwrap().len(), COLUMNS.len());
        assert!(parse_columns(Some("password")).is_err());
    }
}
