//! Attendee exports as XLSX.

use std::collections::HashMap;
use std::io::Seek;

use axum::body::Body;
use axum::response::Response;
use rust_xlsxwriter::{Format, Workbook};

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::Result;
use crate::db::events::EventRow;
use crate::db::export::{AttendeeFilter, AttendeeRow};
use crate::domain::{Currency, TimeZone};

use super::{
    Batches, Column, Value, audit_export, download, row_answers, safe_cell, value, zone_of,
};

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
pub(super) fn amount_format(currency: &str) -> (Format, f64) {
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
pub(super) struct XlsxSheet {
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
