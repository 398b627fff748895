//! Creating, editing, publishing and cancelling an event.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::form::{EventFormPage, EventInput, OfferingInput};
use super::list::event_by_slug;
use super::translations::TranslationInput;
use crate::context::Ctx;
use crate::core::error::{AppError, FieldErrors};
use crate::db::events::EventRow;
use crate::domain::EventStatus;
use crate::domain::event::input::{EventBody, build_draft};
use crate::events::stored_draft;
use crate::web::extract::Role;
use crate::web::pages::forms::FormData;
use crate::web::pages::{PageError, PageResult, render, render_with};
use crate::web::staff::{StaffSession, back_to};

/// `GET /staff/events/new`.
pub async fn new_event_form(State(ctx): State<Ctx>, session: StaffSession) -> PageResult {
    session.require(Role::Staff)?;
    Ok(render(&EventFormPage {
        l: session.layout(&ctx, "New event"),
        csrf: session.csrf.clone(),
        editing: None,
        v: EventInput {
            translations: TranslationInput::all(&ctx.settings.default_language),
            ..EventInput::blank()
        },
        errors: FieldErrors::new(),
    }))
}

/// Handles the "add an offering" button, or validates and saves.
async fn save(
    ctx: &Ctx,
    session: &StaffSession,
    form: &FormData,
    editing: Option<EventRow>,
) -> PageResult {
    let mut v = EventInput::from_form(form, &ctx.settings.default_language);
    let title = if editing.is_some() {
        "Edit event"
    } else {
        "New event"
    };
    let mut page = EventFormPage {
        l: session.layout(ctx, title),
        csrf: session.csrf.clone(),
        editing: editing.as_ref().map(|e| e.slug.clone()),
        v: EventInput::default(),
        errors: FieldErrors::new(),
    };
    if form.get("action") == "add-offering" {
        let currency = v
            .offerings
            .last()
            .map_or("USD".to_owned(), |o| o.currency.clone());
        v.offerings.push(OfferingInput {
            currency,
            price: "0.00".to_owned(),
            ..Default::default()
        });
        page.v = v;
        return Ok(render(&page));
    }
    let mut errors = FieldErrors::new();
    let body = v.body(editing.is_none(), &mut errors);
    let base = match &editing {
        Some(row) => Some(stored_draft(ctx, row).await?),
        None => None,
    };
    let outcome = match build_draft(body, base) {
        Ok(draft) if errors.is_empty() => {
            let saved = match &editing {
                Some(row) => crate::events::update(ctx, row.id, &draft, &session.actor()).await,
                None => crate::events::create(ctx, &draft, &session.actor()).await,
            };
            saved.map(|()| draft.slug.as_str().to_owned())
        }
        Ok(_) => Err(AppError::Validation(FieldErrors::new())),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(slug) => Ok(back_to(&format!("/staff/events/{slug}"))),
        Err(AppError::Validation(more)) => {
            errors.extend(more);
            page.errors = errors;
            page.v = v;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::Conflict { message, .. }) => {
            errors.insert("slug".to_owned(), message);
            page.errors = errors;
            page.v = v;
            Ok(render_with(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(PageError(e)),
    }
}

/// `POST /staff/events/new`.
pub async fn create_event(
    State(ctx): State<Ctx>,
    session: StaffSession,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    save(&ctx, &session, &form, None).await
}

/// `GET /staff/events/{slug}/edit`.
pub async fn edit_event_form(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
) -> PageResult {
    session.require(Role::Staff)?;
    let row = event_by_slug(&ctx, &slug).await?;
    let (offerings, partner) = crate::events::read::offerings_and_partner(&ctx, &row).await?;
    Ok(render(&EventFormPage {
        l: session.layout(&ctx, format!("Edit {}", row.title)),
        csrf: session.csrf.clone(),
        editing: Some(row.slug.clone()),
        v: EventInput::from_row(
            &row,
            &offerings,
            partner.as_ref(),
            &ctx.settings.default_language,
        ),
        errors: FieldErrors::new(),
    }))
}

/// `POST /staff/events/{slug}/edit`.
pub async fn update_event(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    let row = event_by_slug(&ctx, &slug).await?;
    save(&ctx, &session, &form, Some(row)).await
}

/// `POST /staff/events/{slug}/status`: publish, return to draft, or cancel (which emails
/// every registrant, so it needs a ticked confirmation).
pub async fn change_status(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(slug): Path<String>,
    form: FormData,
) -> PageResult {
    session.require(Role::Staff)?;
    session.verify(&form)?;
    let row = event_by_slug(&ctx, &slug).await?;
    let status = EventStatus::parse(form.get("status"))
        .map_err(|_| AppError::field("status", "must be published, draft or cancelled"))?;
    if status == EventStatus::Cancelled && !form.has("confirm") {
        return Err(AppError::conflict(
            "confirmation_needed",
            "Tick the box to confirm the cancellation: every registrant is emailed.",
        )
        .into());
    }
    let base = stored_draft(&ctx, &row).await?;
    let draft = build_draft(
        EventBody {
            status: Some(status.to_string()),
            ..Default::default()
        },
        Some(base),
    )?;
    crate::events::update(&ctx, row.id, &draft, &session.actor()).await?;
    Ok(back_to(&format!("/staff/events/{slug}")))
}
