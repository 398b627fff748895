//! Which columns an export has: every column, the event's questions, and saved presets.

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, Result};
use crate::db::events::EventRow;
use crate::domain::question::{self, Question};

/// Every column an export can have, in order: (key, header).
/// The column after which the event's questions come.
pub(super) const NOTES: &str = "notes";

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

/// The column presets saved for event `event_id`, by name.
pub async fn presets(ctx: &Ctx, event_id: i64) -> Result<Vec<crate::db::messages::PresetRow>> {
    Ok(crate::db::messages::presets(&ctx.db, event_id).await?)
}
