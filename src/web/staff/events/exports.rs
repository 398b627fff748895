//! Attendee exports (CSV and XLSX) from the staff pages.

use axum::extract::{Path, State};

use super::list::event_by_slug;
use crate::context::Ctx;
use crate::core::error::AppError;
use crate::web::api::exports::{Format, export_event};
use crate::web::extract::Role;
use crate::web::pages::PageResult;
use crate::web::pages::forms::FormData;
use crate::web::staff::{StaffSession, back_to};

/// `GET /staff/events/{slug}/attendees.csv?...`: the export, with the session's rights.
pub async fn export_attendees(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> PageResult {
    session.require(Role::Staff)?;
    Ok(export_event(&ctx, &slug, query.as_deref(), Format::Csv, &session.actor()).await?)
}

/// `GET /staff/events/{slug}/attendees.xlsx?...`: the Excel export.
pub async fn export_attendees_xlsx(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> PageResult {
    session.require(Role::Staff)?;
    Ok(export_event(
        &ctx,
        &slug,
        query.as_deref(),
        Format::Xlsx,
        &session.actor(),
    )
    .await?)
}

/// `POST /staff/events/{slug}/export`: the export form on the event page. `action` is `csv`
/// or `xlsx` (download with the chosen filters and columns), `save_preset` (keep the chosen
/// columns under `preset_name`) or `delete_preset:NAME`.
pub async fn export_form(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    let row = event_by_slug(&ctx, &slug).await?;
    let action = form.get("action");
    let columns = form.all("columns").join(",");
    // The serializer is not `Send`: finish it before any await.
    let query = {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for name in ["status", "offering", "checked_in", "bom"] {
            if !form.get(name).is_empty() {
                query.append_pair(name, form.get(name));
            }
        }
        query.append_pair("columns", &columns);
        query.finish()
    };
    match action {
        "csv" => Ok(export_event(&ctx, &slug, Some(&query), Format::Csv, &session.actor()).await?),
        "xlsx" => {
            Ok(export_event(&ctx, &slug, Some(&query), Format::Xlsx, &session.actor()).await?)
        }
        "save_preset" => {
            let name = crate::domain::Title::parse(form.get("preset_name"))
                .map_err(|e| AppError::field("preset_name", e.to_string()))?;
            if columns.is_empty() {
                return Err(AppError::field("columns", "choose at least one column").into());
            }
            crate::exports::save_preset(&ctx, &row, name.as_str(), &columns, &session.actor())
                .await?;
            let target = form_urlencoded::Serializer::new(String::new())
                .append_pair("preset", name.as_str())
                .finish();
            Ok(back_to(&format!("/staff/events/{slug}?{target}#export")))
        }
        other => match other.strip_prefix("delete_preset:") {
            Some(name) => {
                crate::exports::delete_preset(&ctx, &row, name, &session.actor()).await?;
                Ok(back_to(&format!("/staff/events/{slug}#export")))
            }
            None => Err(AppError::field("action", "unknown action").into()),
        },
    }
}
