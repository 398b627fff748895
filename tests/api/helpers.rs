//! The test harness: every test starts the app on its own database (a SQLite temp file, or a
//! fresh PostgreSQL database when `TEST_DATABASE_URL` is set) and drains jobs explicitly.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Duration;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use twinning::app::startup::Application;
use twinning::context::Ctx;
use twinning::core::clock::Clock;
use twinning::core::config::Settings;

/// A running application for one test.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// HTTP client.
    pub client: reqwest::Client,
    /// The application's context (database, queue, clock).
    pub ctx: Ctx,
    /// A bearer token of an admin.
    pub admin_token: String,
    /// Database URL of this app.
    pub database_url: String,
    /// Whether the real apalis workers run (then due jobs may still be on their way).
    workers: bool,
    _dir: TempDir,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A database URL of its own for one test.
pub async fn fresh_database_url(dir: &TempDir) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(server) if !server.is_empty() => {
            let name = format!(
                "twinning_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed),
                rand_suffix()
            );
            let admin = sqlx::PgPool::connect(&server)
                .await
                .expect("TEST_DATABASE_URL must be reachable");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&admin)
                .await
                .expect("creating test database");
            admin.close().await;
            let (base, query) = server
                .split_once('?')
                .map_or((server.as_str(), None), |(b, q)| (b, Some(q)));
            let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
            match query {
                Some(q) => format!("{base}/{name}?{q}"),
                None => format!("{base}/{name}"),
            }
        }
        _ => format!("sqlite://{}", dir.path().join("twinning.db").display()),
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
}

/// Starts the app (without background workers: tests drain the queue themselves).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}, false).await
}

/// Starts the app with adjusted settings, optionally with the real apalis workers.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings), workers: bool) -> TestApp {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,apalis=error".into()),
        )
        .with_test_writer()
        .try_init();
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database_url(&dir).await;
    let mut settings = Settings::for_database(database_url.clone());
    adjust(&mut settings);
    let app = Application::build(settings, Clock::system(), workers)
        .await
        .expect("app builds");
    let address = format!("http://{}", app.local_addr());
    let ctx = app.ctx().clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    twinning::staff_accounts::create_staff(
        &ctx,
        new_staff("admin@example.org", "admin", "a long test password"),
        None,
    )
    .await
    .expect("admin created");
    let admin_token = twinning::staff_accounts::create_token(&ctx, "admin@example.org")
        .await
        .expect("token");
    TestApp {
        address,
        client: reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()
            .expect("client"),
        ctx,
        admin_token,
        database_url,
        workers,
        _dir: dir,
        _shutdown: tx,
    }
}

/// A test that leaves work in the queue fails (STYLE habit 8): every job due by the app's
/// clock must have run, and none may have failed. Checked from a thread of its own, on a
/// connection of its own, since `Drop` cannot await.
impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let url = self.database_url.clone();
        let now = self.ctx.clock.now();
        let left = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let queue = twinning::infra::queue::JobQueue::connect(&url).await?;
                twinning::worker::leftover_jobs(&queue, now).await
            })
        })
        .join()
        .expect("the leftover check ran")
        .expect("the queue can be read");
        assert!(
            left.failed.is_empty(),
            "the test left failed jobs: {:?}",
            left.failed
        );
        assert!(
            self.workers || left.due.is_empty(),
            "the test left due jobs that never ran (call run_pending_jobs): {:?}",
            left.due
        );
    }
}

impl TestApp {
    /// `GET path` without credentials.
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }

    /// `GET path` as admin.
    pub async fn staff_get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.address))
            .bearer_auth(&self.admin_token)
            .send()
            .await
            .expect("request sent")
    }

    /// Every item of the staff list at `path` (as admin), walking its pages by their `next`
    /// cursors.
    pub async fn list_all(&self, path: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let separator = if path.contains('?') { '&' } else { '?' };
            let url = match &cursor {
                Some(c) => format!("{path}{separator}cursor={c}"),
                None => path.to_owned(),
            };
            let response = self.staff_get(&url).await;
            assert_eq!(response.status(), StatusCode::OK, "listing {url}");
            let page: Value = response.json().await.expect("json");
            items.extend(
                page["items"]
                    .as_array()
                    .expect("a page of items")
                    .iter()
                    .cloned(),
            );
            match page["next"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return items,
            }
        }
    }

    /// `POST path` with a JSON body, without credentials.
    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(format!("{}{path}", self.address))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// The participant cancels registration `token` (`POST /api/v1/registrations/{token}/cancel`).
    pub async fn cancel(&self, token: &str) -> Response {
        self.post(&format!("/api/v1/registrations/{token}/cancel"), &json!({}))
            .await
    }

    /// `POST path` with a JSON body and a bearer token.
    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> Response {
        self.client
            .post(format!("{}{path}", self.address))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// `POST path` with a JSON body as admin.
    pub async fn staff_post(&self, path: &str, body: &Value) -> Response {
        self.post_as(&self.admin_token.clone(), path, body).await
    }

    /// `POST path` with a JSON body as admin, with `Idempotency-Key: key`.
    pub async fn staff_post_with_key(&self, path: &str, key: &str, body: &Value) -> Response {
        self.client
            .post(format!("{}{path}", self.address))
            .bearer_auth(&self.admin_token)
            .header("idempotency-key", key)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// `PATCH path` with a JSON body as admin.
    pub async fn staff_patch(&self, path: &str, body: &Value) -> Response {
        self.client
            .patch(format!("{}{path}", self.address))
            .bearer_auth(&self.admin_token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Creates a staff user with `role` and returns a token for them.
    pub async fn token_for(&self, email: &str, role: &str) -> String {
        twinning::staff_accounts::create_staff(
            &self.ctx,
            new_staff(email, role, "another long password"),
            None,
        )
        .await
        .expect("staff");
        twinning::staff_accounts::create_token(&self.ctx, email)
            .await
            .expect("token")
    }

    /// Creates a published event from `overrides` on top of sensible defaults; returns its slug.
    pub async fn create_event(&self, overrides: Value) -> String {
        let mut body = json!({
            "slug": format!("event-{}", COUNTER.fetch_add(1, Ordering::Relaxed)),
            "kind": "event",
            "title": "Sister city festival",
            "timezone": "Europe/Madrid",
            "starts_at": "2031-06-01T18:00",
            "ends_at": "2031-06-01T23:00",
            "status": "published",
            "payment_options": ["later"],
            "offerings": [
                {"key": "adult", "name": "Adult", "price": {"amount_minor": 2500, "currency": "EUR"}},
                {"key": "free", "name": "Child", "price": {"amount_minor": 0, "currency": "EUR"}}
            ]
        });
        merge(&mut body, overrides);
        let response = self.staff_post("/api/v1/events", &body).await;
        let status = response.status();
        let json: Value = response.json().await.expect("json");
        assert_eq!(status, StatusCode::CREATED, "creating event failed: {json}");
        json["slug"].as_str().expect("slug").to_owned()
    }

    /// Registers `names` (one participant each, on `offering`) in one registration, accepting
    /// the event's consent statements.
    pub async fn register(&self, slug: &str, offering: &str, names: &[&str]) -> Value {
        let participants: Vec<Value> = names
            .iter()
            .map(|n| json!({"name": n, "offering": offering}))
            .collect();
        let body = json!({
            "contact": {"name": names[0], "email": "contact@example.org", "language": "en"},
            "participants": participants,
            "payment": "later",
            "accept_consents": true
        });
        let response = self
            .post(&format!("/api/v1/events/{slug}/registrations"), &body)
            .await;
        let status = response.status();
        let json: Value = response.json().await.expect("json");
        assert_eq!(status, StatusCode::CREATED, "registration failed: {json}");
        json
    }

    /// The HTML of page `path` fetched with one extra request header (`accept-language`,
    /// `cookie` ...).
    pub async fn page_with(&self, path: &str, (name, value): (&str, &str)) -> String {
        self.client
            .get(format!("{}{path}", self.address))
            .header(name, value)
            .send()
            .await
            .expect("request sent")
            .text()
            .await
            .expect("body")
    }

    /// The registration behind `token`, as its holder sees it.
    pub async fn registration(&self, token: &str) -> Value {
        let response = self.get(&format!("/api/v1/registrations/{token}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("json")
    }

    /// The status of the registration behind `token`.
    pub async fn status_of(&self, token: &str) -> String {
        self.registration(token).await["status"]
            .as_str()
            .expect("status")
            .to_owned()
    }

    /// The registration behind `token`, as staff see it (history, dispute flag ...).
    pub async fn staff_view(&self, token: &str) -> Value {
        let response = self
            .staff_get(&format!("/api/v1/registrations/{token}"))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("json")
    }

    /// The text of the one email of `kind` in the outbox (fails the test unless exactly one).
    pub async fn email_text(&self, kind: &str) -> String {
        let all: Vec<Value> = self.list_all(&format!("/api/v1/outbox?kind={kind}")).await;
        assert_eq!(all.len(), 1, "one {kind} email: {all:?}");
        let one: Value = self
            .staff_get(&format!("/api/v1/outbox/{}", all[0]["id"]))
            .await
            .json()
            .await
            .expect("json");
        one["body_text"].as_str().expect("text").to_owned()
    }

    /// The event as the public API shows it.
    pub async fn event(&self, slug: &str) -> Value {
        self.staff_get(&format!("/api/v1/events/{slug}"))
            .await
            .json()
            .await
            .expect("json")
    }

    /// The database id of event `slug`.
    pub async fn event_id(&self, slug: &str) -> i64 {
        twinning::db::events::find_by_slug(&self.ctx.db, slug)
            .await
            .expect("event read")
            .expect("event exists")
            .id
    }

    /// Asserts that the stored held-seat counters of event `slug` equal a recount from its
    /// registrations.
    pub async fn assert_seat_counters_match(&self, slug: &str) {
        let event = twinning::db::events::find_by_slug(&self.ctx.db, slug)
            .await
            .unwrap()
            .expect("event");
        let offerings = twinning::db::events::offerings(&self.ctx.db, event.id)
            .await
            .unwrap();
        let counters = twinning::db::events::HeldSeats::of(&event, &offerings);
        let recount = twinning::db::events::recount_held(&self.ctx.db, event.id)
            .await
            .unwrap();
        assert_eq!(
            counters, recount,
            "held-seat counters drifted from the registrations"
        );
    }

    /// Moves the application clock forward.
    pub fn advance(&self, by: Duration) {
        self.ctx.clock.advance(by);
    }

    /// Runs every job due by the application clock; fails the test if any job fails.
    pub async fn run_pending_jobs(&self) -> usize {
        twinning::worker::run_due_jobs(&self.ctx)
            .await
            .expect("jobs run without failing")
    }
}

/// Overwrites keys of `base` with those of `overrides` (one level deep).
pub fn merge(base: &mut Value, overrides: Value) {
    if let (Some(b), Value::Object(o)) = (base.as_object_mut(), overrides) {
        for (k, v) in o {
            b.insert(k, v);
        }
    }
}

/// Asserts an error response: status, code, and optionally that `field` is named.
pub async fn assert_error(
    response: Response,
    status: StatusCode,
    code: &str,
    field: Option<&str>,
) -> Value {
    let actual = response.status();
    let body: Value = response.json().await.expect("error bodies are JSON");
    assert_eq!(actual, status, "unexpected status; body: {body}");
    assert_eq!(body["error"]["code"], code, "unexpected code; body: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "error has a message: {body}"
    );
    if let Some(field) = field {
        assert!(
            body["error"]["fields"][field].is_string(),
            "field {field} should be named; body: {body}"
        );
    }
    body
}

/// A browser-like client: keeps cookies, does not follow redirects, and fills in the
/// anti-forgery field of the last page it loaded.
pub struct Browser {
    address: String,
    client: reqwest::Client,
    /// The `csrf` field of the last page that had one.
    pub csrf: String,
}

/// A page as the browser received it.
pub struct Page {
    pub status: StatusCode,
    /// `Location` of a redirect.
    pub location: Option<String>,
    pub body: String,
    pub content_type: String,
}

impl TestApp {
    /// A fresh browser with no cookies.
    pub fn browser(&self) -> Browser {
        Browser {
            address: self.address.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            csrf: String::new(),
        }
    }

    /// A fresh browser whose requests all carry `name: value` (a forwarding header, say).
    pub fn browser_with_header(&self, name: &'static str, value: &str) -> Browser {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(name, value.parse().expect("header value"));
        Browser {
            address: self.address.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .default_headers(headers)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            csrf: String::new(),
        }
    }

    /// A browser signed in to the staff console as a new user with `role`.
    pub async fn staff_browser(&self, email: &str, role: &str) -> Browser {
        twinning::staff_accounts::create_staff(
            &self.ctx,
            new_staff(email, role, "a long test password"),
            None,
        )
        .await
        .expect("staff user");
        let mut b = self.browser();
        b.get("/staff/login").await;
        let page = b
            .submit(
                "/staff/login",
                &[("email", email), ("password", "a long test password")],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            page.body
        );
        b
    }
}

impl Browser {
    async fn page(&mut self, response: Response) -> Page {
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = response.text().await.expect("body");
        if let Some(csrf) = field_value(&body, "csrf") {
            self.csrf = csrf;
        }
        Page {
            status,
            location,
            body,
            content_type,
        }
    }

    /// `GET path`.
    pub async fn get(&mut self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent");
        self.page(response).await
    }

    /// Submits a form to `path` with `fields` plus the anti-forgery field of the last page.
    pub async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf.clone();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(path, &all).await
    }

    /// Posts exactly `fields` (no anti-forgery field added).
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .form(fields)
            .send()
            .await
            .expect("request sent");
        self.page(response).await
    }
}

/// The `value` of the first input named `name` in `html`.
pub fn field_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// A staff user to create with a known password.
pub fn new_staff(email: &str, role: &str, password: &str) -> twinning::staff_accounts::NewStaff {
    twinning::staff_accounts::NewStaff {
        email: email.to_owned(),
        name: String::new(),
        role: twinning::domain::Role::parse(role).expect("a role"),
        password: Some(password.to_owned()),
    }
}
