//! `POST /api/v1/events/{slug}/messages` and `GET` (staff): messages to a filtered group of
//! attendees, previewed or sent through the outbox.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::broadcasts::{self, Input};
use crate::context::Ctx;
use crate::core::error::Result;
use crate::domain::token;
use crate::web::extract::{ApiJson, Role, StaffAuth};

/// Body of `POST /api/v1/events/{slug}/messages`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    /// One line; the email's subject is the event's title, a colon and this.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub subject: String,
    /// Plain text; blank lines separate paragraphs.
    #[schema(
        min_length = 1,
        max_length = 10000,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub body: String,
    /// Registration status; without it, every registration still live (not cancelled,
    /// expired or rejected).
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::RegistrationStatus>)]
    pub status: Option<String>,
    /// Offering key: registrations with at least one participant on it.
    #[serde(default)]
    pub offering: Option<String>,
    /// `yes` or `no`: registrations with at least one participant checked in (or not).
    #[serde(default)]
    #[schema(pattern = "^(yes|no)$")]
    pub checked_in: Option<String>,
    /// Sending the same key twice sends the message once (safe retries).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub idempotency_key: Option<String>,
    /// `true` renders the message for its first recipient and sends nothing.
    #[serde(default)]
    pub preview: bool,
}

/// An email as a recipient would get it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmailPreviewJson {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Answer to a preview.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessagePreviewJson {
    /// Registrations (one email each) the message would go to.
    pub recipients: usize,
    pub sample: Option<EmailPreviewJson>,
}

/// A sent message.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageJson {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub status: Option<String>,
    pub offering: Option<String>,
    pub checked_in: Option<bool>,
    pub recipients: i64,
    pub sent_by: String,
    pub created_at: String,
    /// Emails per outbox state, e.g. `{"sent": 480, "queued": 20}`.
    pub deliveries: std::collections::BTreeMap<String, i64>,
    /// `true` when this answer repeats an earlier send with the same idempotency key.
    pub repeated: bool,
}

fn message_json(
    m: crate::db::messages::MessageRow,
    deliveries: Vec<(String, i64)>,
    repeated: bool,
) -> MessageJson {
    MessageJson {
        id: m.id,
        subject: m.subject,
        body: m.body,
        status: m.filter_status,
        offering: m.filter_offering,
        checked_in: m.filter_checked_in,
        recipients: m.recipients,
        sent_by: m.created_by,
        created_at: m.created_at.to_rfc3339(),
        deliveries: deliveries.into_iter().collect(),
        repeated,
    }
}

/// Preview a message to a filtered group of attendees, or send it (one email per
/// registration, delivered at the installation's message rate).
#[utoipa::path(post, path = "/api/v1/events/{slug}/messages", tag = "messages",
    params(("slug" = String, Path, description = "Event slug")),
    request_body = MessageBody, security(("bearer" = [])),
    responses((status = 201, body = MessageJson, description = "Queued"),
        (status = 200, body = MessagePreviewJson, description = "Preview, or a repeated send"),
        (status = 409, body = crate::core::error::ErrorBody, description = "No recipient matches"),
        (status = 422, body = crate::core::error::ErrorBody)))]
pub async fn create_message(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<MessageBody>,
) -> Result<(StatusCode, Json<serde_json::Value>)> {
    staff.require(Role::Staff)?;
    let event = crate::events::read::find(&ctx, &slug).await?;
    let draft = broadcasts::parse(
        &ctx,
        &event,
        &Input {
            subject: &body.subject,
            body: &body.body,
            status: body.status.as_deref(),
            offering: body.offering.as_deref(),
            checked_in: body.checked_in.as_deref(),
        },
    )
    .await?;
    if body.preview {
        let p = broadcasts::preview(&ctx, &event, &draft).await?;
        let json = MessagePreviewJson {
            recipients: p.recipients,
            sample: p.sample.map(|(to, r)| EmailPreviewJson {
                to,
                subject: r.subject,
                text: r.text,
                html: r.html,
            }),
        };
        return Ok((
            StatusCode::OK,
            Json(serde_json::to_value(json).map_err(anyhow::Error::from)?),
        ));
    }
    let key = body.idempotency_key.unwrap_or_else(token::generate);
    let sent = broadcasts::send(&ctx, &event, &draft, &key, &staff.actor()).await?;
    let status = if sent.repeated {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let deliveries = broadcasts::deliveries(&ctx, event.id, sent.message.id).await?;
    let json = message_json(sent.message, deliveries, sent.repeated);
    Ok((
        status,
        Json(serde_json::to_value(json).map_err(anyhow::Error::from)?),
    ))
}

/// The messages sent to an event's attendees, newest first, with delivery counts.
#[utoipa::path(get, path = "/api/v1/events/{slug}/messages", tag = "messages",
    params(("slug" = String, Path, description = "Event slug")), security(("bearer" = [])),
    responses((status = 200, body = Vec<MessageJson>)))]
pub async fn list_messages(
    State(ctx): State<Ctx>,
    staff: StaffAuth,
    Path(slug): Path<String>,
) -> Result<Json<Vec<MessageJson>>> {
    staff.require(Role::Staff)?;
    let event = crate::events::read::find(&ctx, &slug).await?;
    Ok(Json(
        broadcasts::list(&ctx, event.id)
            .await?
            .into_iter()
            .map(|s| message_json(s.message, s.deliveries, false))
            .collect(),
    ))
}
