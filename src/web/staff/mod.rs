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

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, State};
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
use crate::core::net::ClientIp;
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

/// Limits on signing in. Attempts are counted per client address (any account) and per
/// account *from that address*, so nobody can lock a real user out by failing on their
/// account from elsewhere; and password checks (argon2id, about 19 MiB each) run at most
/// [`PASSWORD_CHECKS`] at a time, the rest answered 503 with `Retry-After`.
#[derive(Debug, Clone)]
pub struct LoginLimiter {
    by_client: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    by_account: Arc<DefaultKeyedRateLimiter<(String, IpAddr)>>,
    checks: Arc<tokio::sync::Semaphore>,
}

/// Password checks running at once, at most.
pub const PASSWORD_CHECKS: usize = 4;

/// Why a sign-in attempt may not go ahead.
enum Refused {
    TooMany,
    Busy,
}

impl LoginLimiter {
    /// `n` attempts per minute on one account from one client address, three times that from
    /// one address over all accounts (bursts of the same size).
    pub fn per_minute(n: u32) -> Self {
        let n = NonZeroU32::new(n.max(1)).expect("at least 1");
        let per_client = n.saturating_mul(NonZeroU32::new(3).expect("3"));
        Self {
            by_client: Arc::new(governor::RateLimiter::keyed(Quota::per_minute(per_client))),
            by_account: Arc::new(governor::RateLimiter::keyed(Quota::per_minute(n))),
            checks: Arc::new(tokio::sync::Semaphore::new(PASSWORD_CHECKS)),
        }
    }

    /// Counts an attempt on `email` from `client`; a permit to check the password if allowed.
    fn admit(
        &self,
        client: ClientIp,
        email: &str,
    ) -> std::result::Result<tokio::sync::OwnedSemaphorePermit, Refused> {
        let ip = client.limit_key();
        let client_ok = self.by_client.check_key(&ip).is_ok();
        let account_ok = self.by_account.check_key(&(email.to_owned(), ip)).is_ok();
        if self.by_client.len() > 100_000 {
            self.by_client.retain_recent();
            self.by_account.retain_recent();
        }
        if !(client_ok && account_ok) {
            return Err(Refused::TooMany);
        }
        self.checks
            .clone()
            .try_acquire_owned()
            .map_err(|_| Refused::Busy)
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
    client: Option<axum::Extension<ClientIp>>,
    csrf: CsrfToken,
    form: FormData,
) -> PageResult {
    csrf.verify(&form)?;
    let email = form.get("email").trim().to_lowercase();
    let client = client.map_or(ClientIp(IpAddr::from([0, 0, 0, 0])), |c| c.0);
    let page = |problem: &str| LoginPage {
        l: Layout::public(&ctx, "Staff sign-in"),
        csrf: csrf.0.clone(),
        email: email.clone(),
        problem: Some(problem.to_owned()),
    };
    let permit = match limiter.admit(client, &email) {
        Ok(permit) => permit,
        Err(refused) => {
            let (status, problem, retry) = match refused {
                Refused::TooMany => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many sign-in attempts. Please wait a minute and try again.",
                    "60",
                ),
                Refused::Busy => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Many people are signing in right now. Please try again in a moment.",
                    "1",
                ),
            };
            let mut r = render_with(status, &page(problem));
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static(retry));
            return Ok(r);
        }
    };
    let signed_in = crate::staff_accounts::sign_in(&ctx, &email, form.get("password")).await?;
    drop(permit);
    let Some(session) = signed_in else {
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

/// Rows a staff list page shows at once; an "Older" link leads to the next ones.
pub(crate) const ROWS_PER_PAGE: usize = 200;

/// Cuts `rows` (fetched newest first with one row more than [`ROWS_PER_PAGE`]) to a page, and
/// gives the link to the older rows when there are more: `path` with `filters` and
/// `before=<the last id shown>`.
pub(crate) fn older_page<T>(
    rows: &mut Vec<T>,
    id: impl Fn(&T) -> i64,
    path: &str,
    filters: &[(&str, &str)],
) -> Option<String> {
    if rows.len() <= ROWS_PER_PAGE {
        return None;
    }
    rows.truncate(ROWS_PER_PAGE);
    let last = id(rows.last()?).to_string();
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in filters.iter().filter(|(_, v)| !v.is_empty()) {
        query.append_pair(k, v);
    }
    query.append_pair("before", &last);
    Some(format!("{path}?{}", query.finish()))
}

#[cfg(test)]
mod paging_tests {
    use super::*;

    #[test]
    fn a_full_page_links_to_the_older_rows_keeping_the_filters() {
        let mut rows: Vec<i64> = (1..=ROWS_PER_PAGE as i64 + 1).rev().collect();
        let link = older_page(
            &mut rows,
            |r| *r,
            "/staff/outbox",
            &[
                ("status", "failed"),
                ("kind", ""),
                ("recipient", "ana+1@example.org"),
            ],
        );
        assert_eq!(rows.len(), ROWS_PER_PAGE);
        assert_eq!(
            link.as_deref(),
            Some("/staff/outbox?status=failed&recipient=ana%2B1%40example.org&before=2")
        );
        let mut last_page: Vec<i64> = (1..=ROWS_PER_PAGE as i64).collect();
        assert_eq!(
            older_page(&mut last_page, |r| *r, "/staff/audit", &[]),
            None
        );
        assert_eq!(last_page.len(), ROWS_PER_PAGE);
    }
}
