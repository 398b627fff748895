//! Attendee exports as CSV and XLSX, read in batches so memory stays flat however long the
//! list.
//!
//! Every cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return) arrives as text, OWASP's rule against formula injection: in CSV
//! with a leading apostrophe, in XLSX as a string cell carrying Excel's quote-prefix flag.

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::Result;
use crate::db::events::EventRow;
use crate::db::export::{self, AttendeeFilter, AttendeeRow};
use crate::domain::TimeZone;
use crate::domain::question::{self, Answers};

mod batches;
mod columns;
mod to_csv;
mod to_xlsx;

use batches::Batches;
pub use columns::{
    COLUMNS, Column, all_columns, delete_preset, parse_columns, preset_columns, presets,
    save_preset,
};
pub use to_csv::attendees_csv;
pub use to_xlsx::attendees_xlsx;

pub use crate::domain::text::safe_cell;

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

/// A row's answers, read only when an answer column is exported.
fn row_answers(row: &AttendeeRow, columns: &[Column]) -> Answers {
    if columns.iter().any(|c| matches!(c, Column::Answer { .. })) {
        question::answers_from_stored(&row.answers)
    } else {
        Answers::new()
    }
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

#[cfg(test)]
mod tests {
    use super::columns::NOTES;
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
