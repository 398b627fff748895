//! Attendee exports as CSV and XLSX, read in batches so memory stays flat however long the
//! list.
//!
//! Every cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return) arrives as text, OWASP's rule against formula injection: in CSV
//! with a leading apostrophe, in XLSX as a string cell carrying Excel's quote-prefix flag.

use std::collections::HashMap;
use std::io::Seek;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Format, Workbook};

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::db::events::EventRow;
use crate::db::export::{self, AttendeeFilter, AttendeeRow, ExportReader};
use crate::domain::question::{self, Answers, Question};
use crate::domain::{Currency, TimeZone};
use crate::email::compose::money;

/// Participants read per database round trip.
const BATCH: i64 = 1_000;

/// Every column an export can have, in order: (key, header).
/// The column after which the event's questions come.
const NOTES: &str = "notes";

pub const COLUMNS: &[(&str, &str)] = &[
    ("reference", "Reference"),
    ("status", "Status"),
    ("participant", "Participant"),
    ("offering", "Offering"),
    ("contact", "Contact"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("language", "Language"),
    (NOTES, "Diet and accessibility"),
    ("price", "Price"),
    ("paid", "Paid (registration)"),
    ("due", "Due (registration)"),
    ("checked_in", "Checked in"),
    ("registered", "Registered"),
    ("host_household", "Host household"),
];

/// One column of an export: a fixed one (an index into [`COLUMNS`]) or the answers to one of
/// the event's questions (key `q:<question key>`, headed by the question).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Fixed(usize),
    Answer { key: String, label: String },
}

impl Column {
    /// The key used in `columns=` and in saved presets.
    pub fn key(&self) -> String {
        match self {
            Column::Fixed(i) => COLUMNS[*i].0.to_owned(),
            Column::Answer { key, .. } => format!("q:{key}"),
        }
    }

    /// The header cell.
    pub fn header(&self) -> &str {
        match self {
            Column::Fixed(i) => COLUMNS[*i].1,
            Column::Answer { label, .. } => label,
        }
    }
}

/// Every column an event's export can have, in order: the fixed ones with the answers to its
/// questions after the notes.
pub fn all_columns(questions: &[Question]) -> Vec<Column> {
    let mut out = Vec::new();
    for (i, (key, _)) in COLUMNS.iter().enumerate() {
        out.push(Column::Fixed(i));
        if *key == NOTES {
            out.extend(questions.iter().map(|q| Column::Answer {
                key: q.key.clone(),
                label: q.label.clone(),
            }));
        }
    }
    out
}

/// Parses a comma-separated column choice for an event with `questions`; empty means all.
pub fn parse_columns(list: Option<&str>, questions: &[Question]) -> Result<Vec<Column>> {
    let all = all_columns(questions);
    let Some(list) = list.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(all);
    };
    list.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|key| {
            all.iter().find(|c| c.key() == key).cloned().ok_or_else(|| {
                AppError::field(
                    "columns",
                    format!(
                        "unknown column {key:?}; choose from: {}",
                        all.iter().map(Column::key).collect::<Vec<_>>().join(", ")
                    ),
                )
            })
        })
        .collect()
}

/// The columns of a saved preset; columns that no longer exist (a question removed since)
/// are left out.
pub fn preset_columns(stored: &str, questions: &[Question]) -> Vec<Column> {
    stored
        .split(',')
        .filter_map(|key| parse_columns(Some(key), questions).ok())
        .flatten()
        .collect()
}

/// Saves the column choice `columns` (comma-separated keys) of `event` as preset `name`,
/// replacing one of the same name.
pub async fn save_preset(
    ctx: &Ctx,
    event: &EventRow,
    name: &str,
    columns: &str,
    actor: &Actor,
) -> Result<()> {
    let keys: Vec<String> = parse_columns(Some(columns), &question::from_stored(&event.questions))?
        .iter()
        .map(Column::key)
        .collect();
    let columns = keys.join(",");
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    crate::db::messages::save_preset(&mut tx, event.id, name, &columns, &actor.label(), now)
        .await?;
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        "export.preset_saved",
        &format!("event:{}", event.id),
        None,
        Some(&serde_json::json!({ "name": name, "columns": keys })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes preset `name` of `event`.
pub async fn delete_preset(ctx: &Ctx, event: &EventRow, name: &str, actor: &Actor) -> Result<()> {
    let mut tx = ctx.db.begin().await?;
    if !crate::db::messages::delete_preset(&mut tx, event.id, name).await? {
        return Err(AppError::NotFound);
    }
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        "export.preset_deleted",
        &format!("event:{}", event.id),
        Some(&serde_json::json!({ "name": name })),
        None,
        ctx.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Neutralises a cell a spreadsheet would run as a formula.
pub fn safe_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// One cell's value, typed so XLSX can store numbers, amounts and times as such.
enum Value {
    Text(String),
    Number(i64),
    /// An amount in minor units of the row's currency.
    Money(i64),
    Time(Option<DateTime<Utc>>),
}

fn value(row: &AttendeeRow, column: &Column, answers: &Answers) -> Value {
    let index = match column {
        Column::Fixed(i) => *i,
        Column::Answer { key, .. } => {
            return Value::Text(answers.get(key).cloned().unwrap_or_default());
        }
    };
    match COLUMNS[index].0 {
        "reference" => Value::Number(row.registration_id),
        "status" => Value::Text(row.status.clone()),
        "participant" => Value::Text(row.name.clone()),
        "offering" => Value::Text(row.offering_name.clone()),
        "contact" => Value::Text(row.contact_name.clone()),
        "email" => Value::Text(row.contact_email.clone()),
        "phone" => Value::Text(row.contact_phone.clone()),
        "language" => Value::Text(row.language.clone()),
        "notes" => Value::Text(row.notes.clone()),
        "price" => Value::Money(row.price_minor),
        "paid" => Value::Money(row.paid_minor),
        "due" => Value::Money((row.total_minor - row.paid_minor).max(0)),
        "checked_in" => Value::Time(row.checked_in_at),
        "registered" => Value::Time(Some(row.created_at)),
        "host_household" => Value::Text(row.host_household.clone().unwrap_or_default()),
        _ => Value::Text(String::new()),
    }
}

fn csv_cell(row: &AttendeeRow, column: &Column, answers: &Answers, zone: &TimeZone) -> String {
    match value(row, column, answers) {
        Value::Text(text) => safe_cell(&text),
        Value::Number(n) => n.to_string(),
        Value::Money(minor) => money(minor, &row.currency),
        Value::Time(t) => t
            .map(|t| zone.to_local(t).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
    }
}

/// A row's answers, read only when an answer column is exported.
fn row_answers(row: &AttendeeRow, columns: &[Column]) -> Answers {
    if columns.iter().any(|c| matches!(c, Column::Answer { .. })) {
        question::answers_from_stored(&row.answers)
    } else {
        Answers::new()
    }
}

fn csv_writer(capacity: usize) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(capacity))
}

/// Writes the audit entry of an export before it starts.
async fn audit_export(
    ctx: &Ctx,
    event: &EventRow,
    format: &str,
    filter: &AttendeeFilter,
    columns: &[Column],
    actor: &Actor,
) -> Result<()> {
    let rows = export::count(&ctx.db, event.id, filter).await?;
    let mut tx = ctx.db.begin().await?;
    crate::db::audit::audit(
        &mut tx,
        &actor.label(),
        &format!("export.{format}"),
        &format!("event:{}", event.id),
        None,
        Some(&serde_json::json!({
            "status": filter.status, "offering": filter.offering, "checked_in": filter.checked_in,
            "columns": columns.iter().map(Column::key).collect::<Vec<_>>(), "rows": rows,
        })),
        ctx.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn download(content_type: &str, filename: String, body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

fn zone_of(event: &EventRow) -> TimeZone {
    TimeZone::parse(&event.timezone).unwrap_or(TimeZone(chrono_tz::UTC))
}

/// An event's participants selected by a filter, read [`BATCH`] at a time on one connection
/// held for the whole export (and, on SQLite, one worker thread), in key order.
struct Batches {
    reader: ExportReader,
    event_id: i64,
    filter: AttendeeFilter,
    /// The last (registration, participant) read.
    after: (i64, i64),
    done: bool,
}

impl Batches {
    async fn start(ctx: &Ctx, event_id: i64, filter: AttendeeFilter) -> anyhow::Result<Self> {
        Ok(Self {
            reader: ExportReader::acquire(&ctx.db).await?,
            event_id,
            filter,
            after: (0, 0),
            done: false,
        })
    }

    /// The next batch; `None` once the list is finished (or after an error).
    async fn next(&mut self) -> anyhow::Result<Option<Vec<AttendeeRow>>> {
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

/// The XLSX export: a workbook with one sheet, a bold frozen header row with filters, amounts
/// as numbers in the event's currency and times as dates in its time zone. Rows are written in
/// rust_xlsxwriter's constant-memory mode (flushed to a temporary file as they come), on a
/// blocking thread fed batch by batch from the database, and the finished file is streamed
/// from disk: memory stays flat however long the list.
pub async fn attendees_xlsx(
    ctx: &Ctx,
    event: &EventRow,
    filter: AttendeeFilter,
    columns: Vec<Column>,
    actor: &Actor,
) -> Result<Response> {
    audit_export(ctx, event, "xlsx", &filter, &columns, actor).await?;
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<AttendeeRow>>(2);
    let zone = zone_of(event);
    let sheet_columns = columns.clone();
    let writer = tokio::task::spawn_blocking(move || -> anyhow::Result<std::fs::File> {
        let mut sheet = XlsxSheet::new(&sheet_columns)?;
        while let Some(rows) = receiver.blocking_recv() {
            for row in &rows {
                sheet.write_row(row, &zone)?;
            }
        }
        sheet.finish()
    });
    let mut batches = Batches::start(ctx, event.id, filter).await?;
    while let Some(rows) = batches.next().await? {
        // A closed channel means the writer failed; its error is reported below.
        if sender.send(rows).await.is_err() {
            break;
        }
    }
    drop(sender);
    drop(batches);
    let file = writer
        .await
        .map_err(|e| anyhow::anyhow!("xlsx writer stopped: {e}"))??;
    let file = tokio::fs::File::from_std(file);
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("{}-attendees.xlsx", event.slug),
        Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024)),
    ))
}

/// A number format showing an amount in `currency` (`#,##0.00 "EUR"`), and the number of
/// minor units in one major unit.
fn amount_format(currency: &str) -> (Format, f64) {
    let digits = Currency::parse(currency).map_or(2, |c| c.minor_digits());
    let decimals = if digits == 0 {
        String::new()
    } else {
        format!(".{}", "0".repeat(usize::from(digits)))
    };
    (
        Format::new().set_num_format(format!("#,##0{decimals} \"{currency}\"")),
        10_f64.powi(i32::from(digits)),
    )
}

/// One worksheet being written.
struct XlsxSheet {
    workbook: Workbook,
    columns: Vec<Column>,
    row: u32,
    text: Format,
    quoted: Format,
    /// Amount format per currency, with its scale (minor units per major unit).
    amounts: HashMap<String, (Format, f64)>,
    time: Format,
}

impl XlsxSheet {
    fn new(columns: &[Column]) -> anyhow::Result<Self> {
        let mut workbook = Workbook::new();
        let header = Format::new().set_bold().set_background_color("#E4E7EB");
        let sheet = workbook.add_worksheet_with_constant_memory();
        sheet.set_name("Attendees")?;
        for (i, column) in columns.iter().enumerate() {
            sheet.write_string_with_format(0, i as u16, column.header(), &header)?;
            let width = match column.key().as_str() {
                "reference" | "status" | "language" | "price" | "paid" | "due" => 14.0,
                "checked_in" | "registered" => 18.0,
                "notes" => 40.0,
                _ => 26.0,
            };
            sheet.set_column_width(i as u16, width)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(Self {
            workbook,
            columns: columns.to_vec(),
            row: 0,
            text: Format::new(),
            // Excel's own "this is text" flag: shown as typed, never evaluated, and kept as
            // text when the cell is edited.
            quoted: Format::new().set_quote_prefix(),
            amounts: HashMap::new(),
            time: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
        })
    }

    fn write_row(&mut self, row: &AttendeeRow, zone: &TimeZone) -> anyhow::Result<()> {
        self.row += 1;
        let r = self.row;
        let (amount, scale) = self
            .amounts
            .entry(row.currency.clone())
            .or_insert_with(|| amount_format(&row.currency));
        let answers = row_answers(row, &self.columns);
        let sheet = self.workbook.worksheet_from_index(0)?;
        for (i, column) in self.columns.iter().enumerate() {
            let c = i as u16;
            match value(row, column, &answers) {
                Value::Text(text) if text.is_empty() => {}
                Value::Text(text) => {
                    let format = if safe_cell(&text) == text {
                        &self.text
                    } else {
                        &self.quoted
                    };
                    sheet.write_string_with_format(r, c, &text, format)?;
                }
                Value::Number(n) => {
                    sheet.write_number(r, c, n as f64)?;
                }
                Value::Money(minor) => {
                    sheet.write_number_with_format(r, c, minor as f64 / *scale, amount)?;
                }
                Value::Time(None) => {}
                Value::Time(Some(t)) => {
                    sheet.write_datetime_with_format(
                        r,
                        c,
                        zone.to_local(t).naive_local(),
                        &self.time,
                    )?;
                }
            }
        }
        Ok(())
    }

    fn finish(mut self) -> anyhow::Result<std::fs::File> {
        let last_column = self.columns.len().saturating_sub(1) as u16;
        let sheet = self.workbook.worksheet_from_index(0)?;
        sheet.autofilter(0, 0, self.row, last_column)?;
        let mut file = tempfile::tempfile()?;
        self.workbook.save_to_writer(&mut file)?;
        file.seek(std::io::SeekFrom::Start(0))?;
        Ok(file)
    }
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
            parse_columns(Some("participant, email"), &[]).unwrap(),
            vec![Column::Fixed(2), Column::Fixed(5)]
        );
        assert_eq!(parse_columns(None, &[]).unwrap().len(), COLUMNS.len());
        assert!(parse_columns(Some("password"), &[]).is_err());
    }

    #[test]
    fn questions_add_answer_columns_after_the_notes() {
        let questions = question::parse_lines("T-shirt size: S / M *\nArrival").unwrap();
        let all = parse_columns(None, &questions).unwrap();
        assert_eq!(all.len(), COLUMNS.len() + 2);
        let notes = all.iter().position(|c| c.key() == NOTES).unwrap();
        assert_eq!(all[notes + 1].key(), "q:t-shirt-size");
        assert_eq!(all[notes + 1].header(), "T-shirt size");
        assert_eq!(
            parse_columns(Some("participant,q:arrival"), &questions).unwrap()[1].header(),
            "Arrival"
        );
        assert!(parse_columns(Some("q:gone"), &questions).is_err());
        assert_eq!(
            preset_columns("participant,q:gone,q:arrival", &questions).len(),
            2,
            "a preset skips columns of removed questions"
        );
    }
}
