//! `GET /api/v1/events/{slug}/attendees.csv` and `.xlsx` (staff): the attendee list.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;

use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::{AppError, FieldCollector, Result};
use crate::db::export::AttendeeFilter;
use crate::domain::RegistrationStatus;
use crate::domain::question::Question;
use crate::exports::{Column, attendees_csv, attendees_xlsx, parse_columns, preset_columns};
use crate::web::extract::{Role, StaffAuth};

/// Export options from a query string: `status`, `offering`, `checked_in` (`yes`/`no`),
/// `columns` (comma-separated or repeated) or `preset` (a saved column choice), `bom` (`1`
/// adds a byte-order mark for Excel).
pub struct ExportOptions {
    pub filter: AttendeeFilter,
    pub columns: Vec<Column>,
    /// Whether `columns` was given (else every column, or the preset's).
    pub columns_given: bool,
    /// A saved column choice of the event, by name.
    pub preset: Option<String>,
    pub bom: bool,
}

impl ExportOptions {
    /// Parses the query string for an event asking `questions`, naming any bad parameter.
    pub fn parse(query: Option<&str>, questions: &[Question]) -> Result<Self> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, v)| k == name && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_owned())
        };
        let mut f = FieldCollector::default();
        let status = get("status");
        if let Some(s) = &status {
            f.take("status", RegistrationStatus::parse(s));
        }
        let checked_in = match get("checked_in").as_deref() {
            None => None,
            Some("yes" | "true" | "1") => Some(true),
            Some("no" | "false" | "0") => Some(false),
            Some(_) => {
                f.add("checked_in", "must be yes or no");
                None
            }
        };
        let columns: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == "columns")
            .map(|(_, v)| v.as_str())
            .collect();
        let columns_raw_empty = columns.iter().all(|c| c.trim().is_empty());
        let columns = match parse_columns(Some(&columns.join(",")), questions) {
            Ok(c) => c,
            Err(AppError::Validation(fields)) => {
                for (k, v) in fields {
                    f.add(k, v);
                }
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        f.finish()?;
        Ok(Self {
            filter: AttendeeFilter {
                status,
                offering: get("offering"),
                checked_in,
            },
            columns_given: !columns_raw_empty,
            columns,
            preset: get("preset"),
            bom: matches!(get("bom").as_deref(), Some("1" | "yes" | "true")),
        })
    }
}

/// The file formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

/// Exports an event's attendees for `actor` (staff or admin).
pub async fn export_event(
    ctx: &Ctx,
    slug: &str,
    query: Option<&str>,
    format: Format,
    actor: &Actor,
) -> Result<Response> {
    let event = crate::events::read::find(ctx, slug).await?;
    let questions = crate::domain::question::from_stored(&event.questions);
    let mut options = ExportOptions::parse(query, &questions)?;
    if let Some(name) = options.preset.as_deref().filter(|_| !options.columns_given) {
        let presets = crate::exports::presets(ctx, event.id).await?;
        let preset = presets
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| AppError::field("preset", format!("no preset named {name:?}")))?;
        options.columns = preset_columns(&preset.columns, &questions);
    }
    match format {
        Format::Csv => {
            attendees_csv(
                ctx,
                &event,
                options.filter,
                options.columns,
                options.bom,
                actor,
            )
            .await
        }
        Format::Xlsx => attendees_xlsx(ctx, &event, options.filter, options.columns, actor).await,
    }
}

/// The attendee list of an event as CSV, one row per participant (staff; streamed).
#[utoipa::path(get, path = "/api/v1/events/{slug}/attendees.csv", tag = "exports",
    params(("slug" = String, Path, description = "Event slug"),
        ("status" = Option<crate::domain::RegistrationStatus>, Query, description = "Registration status"),
        ("offering" = Option<String>, Query, description = "Offering key"),
        ("checked_in" = Option<String>, Query, pattern = "^(yes|no)$", description = "yes or no"),
        ("columns" = Option<String>, Query, pattern = r"^(reference|status|participant|offering|contact|email|phone|language|notes|price|paid|due|checked_in|registered|host_household|q:[a-z0-9_-]+)(,(reference|status|participant|offering|contact|email|phone|language|notes|price|paid|due|checked_in|registered|host_household|q:[a-z0-9_-]+))*$", description = "Comma-separated column keys (default all); `q:` and a question key for the answers to a question of the event"),
        ("preset" = Option<String>, Query, description = "Name of a saved column choice (instead of columns)"),
        ("bom" = Option<String>, Query, pattern = "^(0|1|yes|no|true|false)$", description = "1 adds a UTF-8 byte-order mark for Excel")),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", description = "The list"),
        (status = 403, body = crate::core::error::ErrorBody), (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn attendees_csv_api(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    staff.require(Role::Staff)?;
    export_event(&ctx, &slug, query.as_deref(), Format::Csv, &staff.actor()).await
}

/// The attendee list of an event as an Excel workbook: typed cells (numbers, amounts in the
/// event's currency, dates in its time zone), a frozen header row with filters (staff).
#[utoipa::path(get, path = "/api/v1/events/{slug}/attendees.xlsx", tag = "exports",
    params(("slug" = String, Path, description = "Event slug"),
        ("status" = Option<crate::domain::RegistrationStatus>, Query, description = "Registration status"),
        ("offering" = Option<String>, Query, description = "Offering key"),
        ("checked_in" = Option<String>, Query, pattern = "^(yes|no)$", description = "yes or no"),
        ("columns" = Option<String>, Query, pattern = r"^(reference|status|participant|offering|contact|email|phone|language|notes|price|paid|due|checked_in|registered|host_household|q:[a-z0-9_-]+)(,(reference|status|participant|offering|contact|email|phone|language|notes|price|paid|due|checked_in|registered|host_household|q:[a-z0-9_-]+))*$", description = "Comma-separated column keys (default all); `q:` and a question key for the answers to a question of the event")),
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The list"),
        (status = 403, body = crate::core::error::ErrorBody), (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn attendees_xlsx_api(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    staff.require(Role::Staff)?;
    export_event(&ctx, &slug, query.as_deref(), Format::Xlsx, &staff.actor()).await
}
