//! The staff console under `/staff/`: sign-in, sessions, and the pages of each role.
//!
//! A session is a random token in an HttpOnly, SameSite=Lax cookie (Secure over https); the
//! database keeps only its SHA-256 and a per-session anti-forgery token that every staff form
//! repeats. Sign-in attempts are rate limited per client address and per email.

pub mod audit;
pub mod door;
pub mod events;
pub mod hosts;
pub mod messages;
pub mod outbox;
pub mod registrations;
pub mod users;

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use governor::{DefaultKeyedRateLimiter, Quota};

use super::extract::Role;
use super::pages::forms::{CsrfToken, FormData, cookie, set_cookie};
use super::pages::{Layout, PageError, PageResult, StaffNav, render, render_with};
use crate::context::Ctx;
use crate::core::actor::Actor;
use crate::core::error::AppError;
use crate::domain::OutboxStatus;
use crate::domain::token;

/// Cookie carrying the staff session.
pub const SESSION_COOKIE: &str = "twinning_session";
pub use crate::staff_accounts::SESSION_HOURS;

/// Routes of the console.
pub fn router() -> Router<Ctx> {
    Router::new()
        .route("/staff/", get(dashboard))
        .route("/staff", get(|| async { Redirect::permanent("/staff/") }))
        .route("/staff/login", get(login_form).post(login_submit))
        .route("/staff/logout", post(logout))
        .merge(events::router())
        .route(
            "/staff/events/{slug}/messages/new",
            get(messages::new_message),
        )
        .route(
            "/staff/events/{slug}/messages",
            post(messages::post_message),
        )
        .route(
            "/staff/events/{slug}/checkin",
            get(door::door_page).post(door::door_code),
        )
        .route(
            "/staff/events/{slug}/checkin/counts",
            get(door::door_counts),
        )
        .route(
            "/staff/events/{slug}/checkin/{participant}/{action}",
            post(door::door_tap),
        )
        .route(
            "/staff/events/{slug}/registrations",
            get(registrations::list_registrations),
        )
        .route(
            "/staff/registrations/{id}",
            get(registrations::registration_detail),
        )
        .route(
            "/staff/registrations/{id}/{action}",
            post(registrations::registration_action),
        )
        .route(
            "/staff/users",
            get(users::list_users).post(users::create_user),
        )
        .route("/staff/users/{id}", post(users::update_user))
        .route("/staff/audit", get(audit::audit_log))
        .route("/staff/hosts", get(hosts::list_hosts))
        .route("/staff/events/{slug}/matching", get(hosts::matching_board))
        .route(
            "/staff/events/{slug}/matching/{action}",
            post(hosts::matching_action),
        )
        .route("/staff/hosts/{id}", get(hosts::host_detail))
        .route("/staff/hosts/{id}/{action}", post(hosts::host_action))
        .route("/staff/outbox", get(outbox::list_outbox))
        .route("/staff/outbox/{id}", get(outbox::outbox_detail))
        .route("/staff/outbox/{id}/{action}", post(outbox::outbox_action))
}

/// A signed-in staff member, from the session cookie. Without a valid session the request is
/// redirected to the sign-in page.
#[derive(Debug, Clone)]
pub struct StaffSession {
    /// Staff user id.
    pub user_id: i64,
    /// Their email.
    pub email: String,
    /// Their role.
    pub role: Role,
    /// The session's anti-forgery token.
    pub csrf: String,
}

impl StaffSession {
    /// Fails with 403 unless the role is at least `min`.
    pub fn require(&self, min: Role) -> Result<(), PageError> {
        if self.role >= min {
            Ok(())
        } else {
            Err(PageError(AppError::Forbidden))
        }
    }

    /// Checks the `csrf` field of a staff form against this session's token.
    pub fn verify(&self, form: &FormData) -> Result<(), PageError> {
        let sent = form.get("csrf");
        if sent.len() == self.csrf.len() && token::matches(sent, &self.csrf) {
            Ok(())
        } else {
            Err(PageError(AppError::Csrf))
        }
    }

    /// The layout of a staff page.
    pub fn layout(&self, ctx: &Ctx, title: impl Into<String>) -> Layout {
        Layout {
            title: title.into(),
            org_name: ctx.settings.org_name.clone(),
            lang: "en".to_owned(),
            staff: Some(StaffNav {
                email: self.email.clone(),
                csrf: self.csrf.clone(),
                can_manage: self.role >= Role::Staff,
                is_admin: self.role >= Role::Admin,
            }),
        }
    }

    /// This staff member as the actor of a change.
    pub fn actor(&self) -> Actor {
        Actor::Staff {
            id: self.user_id,
            email: self.email.clone(),
        }
    }
}

impl FromRequestParts<Ctx> for StaffSession {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, Self::Rejection> {
        let presented = cookie(&parts.headers, SESSION_COOKIE)
            .filter(|v| token::selector(v).is_some())
            .ok_or(PageError(AppError::Unauthorized))?;
        let row = crate::staff_accounts::session(ctx, presented)
            .await?
            .ok_or(PageError(AppError::Unauthorized))?;
        let role = row.role;
        Ok(Self {
            user_id: row.user_id,
            email: row.email,
            role,
            csrf: row.csrf_token,
        })
    }
}

/// Per-address and per-email limits on sign-in attempts.
#[derive(Debug, Clone)]
pub struct LoginLimiter {
    by_ip: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    by_email: Arc<DefaultKeyedRateLimiter<String>>,
}

impl LoginLimiter {
    /// `n` attempts per minute per address and per email (bursts of `n`).
    pub fn per_minute(n: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least 1"));
        Self {
            by_ip: Arc::new(governor::RateLimiter::keyed(quota)),
            by_email: Arc::new(governor::RateLimiter::keyed(quota)),
        }
    }

    fn allow(&self, ip: IpAddr, email: &str) -> bool {
        let ip_ok = self.by_ip.check_key(&ip).is_ok();
        let email_ok = self.by_email.check_key(&email.to_lowercase()).is_ok();
        if self.by_ip.len() > 100_000 {
            self.by_ip.retain_recent();
            self.by_email.retain_recent();
        }
        ip_ok && email_ok
    }
}

#[derive(Template)]
#[template(path = "staff/login.html")]
struct LoginPage {
    l: Layout,
    csrf: String,
    email: String,
    problem: Option<String>,
}

/// `GET /staff/login`.
pub async fn login_form(State(ctx): State<Ctx>, csrf: CsrfToken) -> Response {
    render(&LoginPage {
        l: Layout::public(&ctx, "Staff sign-in"),
        csrf: csrf.0,
        email: String::new(),
        problem: None,
    })
}

/// `POST /staff/login`: checks the password (argon2id) and starts a session.
pub async fn login_submit(
    State(ctx): State<Ctx>,
    axum::Extension(limiter): axum::Extension<LoginLimiter>,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    csrf: CsrfToken,
    form: FormData,
) -> PageResult {
    csrf.verify(&form)?;
    let email = form.get("email").trim().to_lowercase();
    let ip = connect.map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.0.ip());
    let page = |problem: &str| LoginPage {
        l: Layout::public(&ctx, "Staff sign-in"),
        csrf: csrf.0.clone(),
        email: email.clone(),
        problem: Some(problem.to_owned()),
    };
    if !limiter.allow(ip, &email) {
        let mut r = render_with(
            StatusCode::TOO_MANY_REQUESTS,
            &page("Too many sign-in attempts. Please wait a minute and try again."),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
        return Ok(r);
    }
    let Some(session) = crate::staff_accounts::sign_in(&ctx, &email, form.get("password")).await?
    else {
        return Ok(render_with(
            StatusCode::UNAUTHORIZED,
            &page("The email or password is not right, or the account is deactivated."),
        ));
    };
    let mut response = Redirect::to("/staff/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            &ctx,
            SESSION_COOKIE,
            &session,
            "/staff",
            Some(SESSION_HOURS * 3600),
        ),
    );
    Ok(response)
}

/// `POST /staff/logout`: ends the session.
pub async fn logout(
    State(ctx): State<Ctx>,
    session: StaffSession,
    headers: HeaderMap,
    form: FormData,
) -> PageResult {
    session.verify(&form)?;
    if let Some(presented) = cookie(&headers, SESSION_COOKIE) {
        crate::staff_accounts::sign_out(&ctx, presented).await?;
    }
    let mut response = Redirect::to("/staff/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&ctx, SESSION_COOKIE, "", "/staff", Some(0)),
    );
    Ok(response)
}

/// One event on the dashboard.
struct DashboardEvent {
    slug: String,
    title: String,
    when: String,
    status: String,
    held: i64,
    capacity: String,
    awaiting: i64,
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage {
    l: Layout,
    events: Vec<DashboardEvent>,
    failed_emails: i64,
    held_emails: i64,
    can_manage: bool,
}

/// `GET /staff/`: upcoming events with seats and pending work; failed emails need attention.
pub async fn dashboard(State(ctx): State<Ctx>, session: StaffSession) -> PageResult {
    let now = ctx.clock.now();
    let mut upcoming: Vec<_> = crate::events::read::all(&ctx)
        .await?
        .into_iter()
        .filter(|e| e.ends_at >= now)
        .collect();
    upcoming.sort_by_key(|e| e.starts_at);
    let awaiting = if session.role >= Role::Staff {
        crate::registrations::read::count_by_event(
            &ctx,
            crate::domain::RegistrationStatus::AwaitingApproval,
        )
        .await?
    } else {
        Default::default()
    };
    let mut events = Vec::new();
    for e in upcoming {
        let awaiting = awaiting.get(&e.id).copied().unwrap_or(0);
        events.push(DashboardEvent {
            when: crate::email::compose::event_when(&e),
            capacity: e.capacity.map_or("unlimited".to_owned(), |c| c.to_string()),
            held: e.seats_held,
            slug: e.slug,
            title: e.title,
            status: e.status.to_string(),
            awaiting,
        });
    }
    let counts = crate::email::counts(&ctx).await?;
    let count = |s: OutboxStatus| {
        counts
            .iter()
            .find(|(status, _)| *status == s)
            .map_or(0, |(_, n)| *n)
    };
    Ok(render(&DashboardPage {
        l: session.layout(&ctx, "Dashboard"),
        events,
        failed_emails: count(OutboxStatus::Failed),
        held_emails: count(OutboxStatus::Held),
        can_manage: session.role >= Role::Staff,
    }))
}

/// Redirects back to a console page after a form was handled.
pub fn back_to(path: &str) -> Response {
    Redirect::to(path).into_response()
}
