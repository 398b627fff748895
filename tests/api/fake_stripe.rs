//! A fake Stripe API for the tests: it speaks Stripe's wire format (form-encoded requests with
//! bracketed keys, bearer authentication, `Idempotency-Key`, complete JSON objects as the real
//! API returns them, Stripe's error shape) for the few endpoints Twinning calls, keeps what it
//! was sent, and lets a test play the payer and the dashboard (pay, settle or fail a delayed
//! payment, expire, dispute, refund by hand).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

/// The secret key the app is configured with.
pub const SECRET_KEY: &str = "sk_test_twinning_fake";
/// The webhook signing secret the app is configured with.
pub const WEBHOOK_SECRET: &str = "whsec_twinning_fake";

/// How session creation answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Normally.
    #[default]
    Normal,
    /// With Stripe's 500 `api_error`.
    Fail,
    /// Not at all for longer than the app waits.
    Hang,
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: &'static str,
    pub path: String,
    /// Form fields as sent (`line_items[0][price_data][unit_amount]` ...).
    pub form: HashMap<String, String>,
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Default)]
struct Inner {
    mode: Mode,
    next: u64,
    sessions: HashMap<String, Value>,
    charges: HashMap<String, Value>,
    refunds: Vec<Value>,
    /// Idempotency key → the answer given the first time.
    answered: HashMap<String, Value>,
    requests: Vec<Request>,
    /// State new refunds get.
    refund_status: String,
}

/// A running fake.
#[derive(Clone)]
pub struct FakeStripe {
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl FakeStripe {
    /// Starts the fake on a free port.
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner {
            refund_status: "succeeded".to_owned(),
            ..Default::default()
        }));
        let app = Router::new()
            .route("/v1/checkout/sessions", post(create_session))
            .route("/v1/checkout/sessions/{id}", get(get_session))
            .route("/v1/refunds", post(create_refund).get(list_refunds))
            .route("/v1/charges/{id}", get(get_charge))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, inner }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap())
    }

    /// Sets how session creation answers.
    pub fn set_mode(&self, mode: Mode) {
        self.with(|i| i.mode = mode);
    }

    /// Makes new refunds start `pending` (as for some payment methods) instead of `succeeded`.
    pub fn refunds_start_pending(&self) {
        self.with(|i| i.refund_status = "pending".to_owned());
    }

    /// Every request received on `path` with `method`.
    pub fn requests(&self, method: &str, path: &str) -> Vec<Request> {
        self.with(|i| {
            i.requests
                .iter()
                .filter(|r| r.method == method && r.path == path)
                .cloned()
                .collect()
        })
    }

    /// Every session created, oldest first.
    pub fn sessions(&self) -> Vec<Value> {
        self.with(|i| {
            let mut all: Vec<Value> = i.sessions.values().cloned().collect();
            all.sort_by_key(|s| s["created"].as_i64());
            all.sort_by_key(|s| s["id"].as_str().unwrap()[8..].parse::<u64>().unwrap());
            all
        })
    }

    /// The session id in a `payment_url`.
    pub fn session_id(&self, payment_url: &str) -> String {
        self.with(|i| {
            i.sessions
                .values()
                .find(|s| s["url"] == payment_url)
                .map(|s| s["id"].as_str().unwrap().to_owned())
                .expect("a session with this url")
        })
    }

    /// Every refund, oldest first.
    pub fn refunds(&self) -> Vec<Value> {
        self.with(|i| i.refunds.clone())
    }

    fn id(i: &mut Inner, prefix: &str) -> String {
        i.next += 1;
        format!("{prefix}_test_{}", i.next)
    }

    /// The payer completes session `id` with a card: paid at once. Returns the PaymentIntent.
    pub fn pay(&self, id: &str) -> String {
        self.complete(id, "paid")
    }

    /// The payer completes session `id` with a delayed method (a bank debit): unpaid for now.
    pub fn complete_unpaid(&self, id: &str) -> String {
        self.complete(id, "unpaid")
    }

    /// The delayed payment of session `id` settles.
    pub fn settle(&self, id: &str) {
        self.with(|i| {
            let s = i.sessions.get_mut(id).expect("session");
            s["payment_status"] = json!("paid");
        });
    }

    fn complete(&self, id: &str, payment_status: &str) -> String {
        self.with(|i| {
            let pi = Self::id(i, "pi");
            let charge = Self::id(i, "ch");
            let s = i.sessions.get_mut(id).expect("session");
            s["status"] = json!("complete");
            s["payment_status"] = json!(payment_status);
            s["payment_intent"] = json!(pi);
            let (amount, currency) = (s["amount_total"].clone(), s["currency"].clone());
            i.charges.insert(
                charge.clone(),
                charge_json(
                    &charge,
                    &pi,
                    amount.as_i64().unwrap(),
                    currency.as_str().unwrap(),
                ),
            );
            pi
        })
    }

    /// Session `id` runs out without payment.
    pub fn expire(&self, id: &str) {
        self.with(|i| {
            i.sessions.get_mut(id).expect("session")["status"] = json!("expired");
        });
    }

    /// The charge of PaymentIntent `pi`.
    pub fn charge_of(&self, pi: &str) -> String {
        self.with(|i| {
            i.charges
                .values()
                .find(|c| c["payment_intent"] == pi)
                .map(|c| c["id"].as_str().unwrap().to_owned())
                .expect("a charge")
        })
    }

    /// The payer disputes charge `id` with their bank.
    pub fn dispute(&self, id: &str) {
        self.with(|i| i.charges.get_mut(id).expect("charge")["disputed"] = json!(true));
    }

    /// Someone refunds `amount` of `pi` in Stripe's dashboard.
    pub fn dashboard_refund(&self, pi: &str, amount: i64) -> String {
        self.with(|i| {
            let id = Self::id(i, "re");
            let currency = i
                .charges
                .values()
                .find(|c| c["payment_intent"] == pi)
                .map(|c| c["currency"].clone())
                .expect("a charge");
            let refund = refund_json(
                &id,
                pi,
                amount,
                currency.as_str().unwrap(),
                "succeeded",
                json!({}),
            );
            i.refunds.push(refund);
            id
        })
    }

    /// Stripe reports refund `id` in state `status` from now on.
    pub fn set_refund_status(&self, id: &str, status: &str) {
        self.with(|i| {
            let r = i
                .refunds
                .iter_mut()
                .find(|r| r["id"] == id)
                .expect("refund");
            r["status"] = json!(status);
        });
    }
}

fn charge_json(id: &str, pi: &str, amount: i64, currency: &str) -> Value {
    json!({
        "id": id, "object": "charge", "amount": amount, "amount_captured": amount, "amount_refunded": 0,
        "billing_details": {"address": null, "email": null, "name": null, "phone": null, "tax_id": null},
        "captured": true, "created": 1_900_000_000, "currency": currency, "disputed": false,
        "livemode": false, "metadata": {}, "paid": true, "payment_intent": pi, "refunded": false,
        "status": "succeeded"
    })
}

fn refund_json(
    id: &str,
    pi: &str,
    amount: i64,
    currency: &str,
    status: &str,
    metadata: Value,
) -> Value {
    json!({
        "id": id, "object": "refund", "amount": amount, "created": 1_900_000_000, "currency": currency,
        "payment_intent": pi, "status": status, "metadata": metadata, "reason": null
    })
}

fn stripe_error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"type": kind, "message": message}})),
    )
        .into_response()
}

/// Checks the bearer key and records the request; `Err` is the answer to give instead.
fn receive(
    i: &mut Inner,
    method: &'static str,
    path: String,
    headers: &HeaderMap,
    body: &str,
) -> Result<Request, Box<Response>> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    if auth != Some(&format!("Bearer {SECRET_KEY}")) {
        return Err(Box::new(stripe_error(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            "Invalid API Key provided",
        )));
    }
    let form: HashMap<String, String> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let request = Request {
        method,
        path,
        form,
        idempotency_key: headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    i.requests.push(request.clone());
    Ok(request)
}

async fn create_session(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mode = inner.lock().unwrap().mode;
    match mode {
        Mode::Fail => {
            return stripe_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "api_error",
                "An unknown error occurred",
            );
        }
        Mode::Hang => {
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        }
        Mode::Normal => {}
    }
    let mut i = inner.lock().unwrap();
    let request = match receive(
        &mut i,
        "POST",
        "/v1/checkout/sessions".into(),
        &headers,
        &body,
    ) {
        Ok(r) => r,
        Err(response) => return *response,
    };
    if let Some(key) = &request.idempotency_key
        && let Some(first) = i.answered.get(key)
    {
        return Json(first.clone()).into_response();
    }
    let f = &request.form;
    let mut amount = 0;
    let mut n = 0;
    while let Some(unit) = f.get(&format!("line_items[{n}][price_data][unit_amount]")) {
        let qty: i64 = f
            .get(&format!("line_items[{n}][quantity]"))
            .map_or(1, |q| q.parse().unwrap());
        amount += unit.parse::<i64>().unwrap() * qty;
        n += 1;
    }
    if n == 0 || f.get("mode").map(String::as_str) != Some("payment") {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "line_items and mode=payment are required",
        );
    }
    let id = FakeStripe::id(&mut i, "cs");
    let currency = f["line_items[0][price_data][currency]"].clone();
    let metadata: HashMap<String, String> = f
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("metadata[")
                .and_then(|k| k.strip_suffix(']'))
                .map(|k| (k.to_owned(), v.clone()))
        })
        .collect();
    let session = json!({
        "id": id, "object": "checkout.session", "mode": "payment", "status": "open", "payment_status": "unpaid",
        "url": format!("https://checkout.stripe.test/c/pay/{id}"),
        "amount_total": amount, "amount_subtotal": amount, "currency": currency,
        "client_reference_id": f.get("client_reference_id"), "customer_email": f.get("customer_email"),
        "success_url": f.get("success_url"), "cancel_url": f.get("cancel_url"),
        "expires_at": f.get("expires_at").map(|e| e.parse::<i64>().unwrap()),
        "created": chrono::Utc::now().timestamp(), "livemode": false, "metadata": metadata,
        "locale": f.get("locale"), "payment_intent": null,
        "automatic_tax": {"enabled": false, "liability": null, "provider": null, "status": null},
        "custom_fields": [], "custom_text": {"after_submit": null, "shipping_address": null, "submit": null, "terms_of_service_acceptance": null},
        "payment_method_types": ["card"], "shipping_options": []
    });
    i.sessions.insert(id.clone(), session.clone());
    if let Some(key) = request.idempotency_key {
        i.answered.insert(key, session.clone());
    }
    Json(session).into_response()
}

async fn get_session(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut i = inner.lock().unwrap();
    if let Err(response) = receive(
        &mut i,
        "GET",
        format!("/v1/checkout/sessions/{id}"),
        &headers,
        "",
    ) {
        return *response;
    }
    match i.sessions.get(&id) {
        Some(s) => Json(s.clone()).into_response(),
        None => stripe_error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            &format!("No such checkout.session: '{id}'"),
        ),
    }
}

async fn create_refund(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut i = inner.lock().unwrap();
    let request = match receive(&mut i, "POST", "/v1/refunds".into(), &headers, &body) {
        Ok(r) => r,
        Err(response) => return *response,
    };
    if let Some(key) = &request.idempotency_key
        && let Some(first) = i.answered.get(key)
    {
        return Json(first.clone()).into_response();
    }
    let pi = request
        .form
        .get("payment_intent")
        .cloned()
        .unwrap_or_default();
    let Some(charge) = i
        .charges
        .values()
        .find(|c| c["payment_intent"] == pi.as_str())
        .cloned()
    else {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            &format!("No such payment_intent: '{pi}'"),
        );
    };
    let amount: i64 = request
        .form
        .get("amount")
        .map_or(charge["amount"].as_i64().unwrap(), |a| a.parse().unwrap());
    let refunded: i64 = i
        .refunds
        .iter()
        .filter(|r| r["payment_intent"] == pi.as_str() && r["status"] != "failed")
        .map(|r| r["amount"].as_i64().unwrap())
        .sum();
    if refunded + amount > charge["amount"].as_i64().unwrap() {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "Refund amount is greater than the unrefunded amount",
        );
    }
    let id = FakeStripe::id(&mut i, "re");
    let metadata: HashMap<String, String> = request
        .form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("metadata[")
                .and_then(|k| k.strip_suffix(']'))
                .map(|k| (k.to_owned(), v.clone()))
        })
        .collect();
    let status = i.refund_status.clone();
    let refund = refund_json(
        &id,
        &pi,
        amount,
        charge["currency"].as_str().unwrap(),
        &status,
        json!(metadata),
    );
    i.refunds.push(refund.clone());
    if let Some(key) = request.idempotency_key {
        i.answered.insert(key, refund.clone());
    }
    Json(refund).into_response()
}

async fn list_refunds(
    State(inner): State<Arc<Mutex<Inner>>>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let mut i = inner.lock().unwrap();
    if let Err(response) = receive(&mut i, "GET", "/v1/refunds".into(), &headers, "") {
        return *response;
    }
    let pi = q.get("payment_intent").cloned().unwrap_or_default();
    let data: Vec<Value> = i
        .refunds
        .iter()
        .filter(|r| r["payment_intent"] == pi.as_str())
        .cloned()
        .collect();
    Json(json!({"object": "list", "data": data, "has_more": false, "url": "/v1/refunds"}))
        .into_response()
}

async fn get_charge(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut i = inner.lock().unwrap();
    if let Err(response) = receive(&mut i, "GET", format!("/v1/charges/{id}"), &headers, "") {
        return *response;
    }
    match i.charges.get(&id) {
        Some(c) => Json(c.clone()).into_response(),
        None => stripe_error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            &format!("No such charge: '{id}'"),
        ),
    }
}
