//! Attendee exports as CSV.

use axum::body::{Body, Bytes};
use axum::response::Response;

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::Result;
use crate::db::events::EventRow;
use crate::db::export::{AttendeeFilter, AttendeeRow};
use crate::domain::TimeZone;
use crate::domain::question::Answers;
use crate::email::compose::money;

use super::{
    Batches, Column, Value, audit_export, download, row_answers, safe_cell, value, zone_of,
};

pub(super) fn csv_cell(
    row: &AttendeeRow,
    column: &Column,
    answers: &Answers,
    zone: &TimeZone,
) -> String {
    match value(row, column, answers) {
        Value::Text(text) => safe_cell(&text),
        Value::Number(n) => n.to_string(),
        Value::Money(minor) => money(minor, &row.currency),
        Value::Time(t) => t
            .map(|t| zone.to_local(t).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
    }
}

pub(super) fn csv_writer(capacity: usize) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(capacity))
}

/// The CSV export of `event`'s participants selected by `filter`, audited as `actor`'s.
pub async fn attendees_csv(
    ctx: &Ctx,
    event: &EventRow,
    filter: AttendeeFilter,
    columns: Vec<Column>,
    bom: bool,
    actor: &Actor,
) -> Result<Response> {
    audit_export(ctx, event, "csv", &filter, &columns, actor).await?;
    let mut head = if bom {
        vec![0xEF, 0xBB, 0xBF]
    } else {
        Vec::new()
    };
    let mut writer = csv_writer(256);
    // Writing to memory cannot fail.
    let _ = writer.write_record(columns.iter().map(Column::header));
    head.extend(writer.into_inner().unwrap_or_default());
    let zone = zone_of(event);
    let batches = Batches::start(ctx, event.id, filter).await?;
    let body = futures::stream::unfold(batches, move |mut batches| {
        let columns = columns.clone();
        async move {
            match batches.next().await {
                Ok(None) => None,
                Ok(Some(rows)) => {
                    let mut writer = csv_writer(rows.len() * 160);
                    for row in &rows {
                        let answers = row_answers(row, &columns);
                        let _ = writer.write_record(
                            columns.iter().map(|c| csv_cell(row, c, &answers, &zone)),
                        );
                    }
                    let out = writer.into_inner().unwrap_or_default();
                    Some((Ok::<_, std::io::Error>(Bytes::from(out)), batches))
                }
                Err(e) => {
                    tracing::error!(error = format!("{e:#}"), "export failed midway");
                    Some((Err(std::io::Error::other("export failed")), batches))
                }
            }
        }
    });
    let head = futures::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(head)) });
    use futures::StreamExt;
    Ok(download(
        "text/csv; charset=utf-8",
        format!("{}-attendees.csv", event.slug),
        Body::from_stream(head.chain(body)),
    ))
}
