//! The `twinning-worker` process runs due jobs against the same database as the web process.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use twinning::clock::Clock;
use twinning::config::Settings;
use twinning::domain::{EmailAddress, Language, PaymentChoice, PersonName};
use twinning::registrations::{self, Actor, NewRegistration};

async fn database_url(dir: &tempfile::TempDir) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(server) if !server.is_empty() => {
            let name = format!("twinning_test_worker_{}", std::process::id());
            let admin = sqlx::PgPool::connect(&server)
                .await
                .expect("TEST_DATABASE_URL reachable");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&admin)
                .await
                .expect("create db");
            let base = server.split('?').next().unwrap_or(&server);
            format!("{}/{name}", base.rsplit_once('/').map_or(base, |(b, _)| b))
        }
        _ => format!("sqlite://{}", dir.path().join("twinning.db").display()),
    }
}

#[tokio::test]
async fn the_worker_process_expires_a_hold_that_ran_out() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(&dir).await;
    // A clock 31 minutes in the past: the registration's 30-minute hold is over already.
    let clock = Clock::system();
    clock.advance(chrono::Duration::minutes(-31));
    let ctx = twinning::startup::connect(Settings::for_database(url.clone()), clock)
        .await
        .unwrap();
    let body: twinning::web::api::events::EventBody = serde_json::from_value(serde_json::json!({
        "slug": "concert", "kind": "event", "title": "Concert", "timezone": "Europe/Berlin",
        "starts_at": "2031-05-01T19:00", "ends_at": "2031-05-01T22:00", "status": "published",
        "capacity": 1, "hold_minutes": 30,
        "offerings": [{"key": "adult", "name": "Adult", "price": {"amount_minor": 1500, "currency": "EUR"}}]
    }))
    .unwrap();
    let draft = twinning::web::api::events::build_draft(body, None).unwrap();
    twinning::events::create(&ctx, &draft, &Actor::System)
        .await
        .unwrap();
    let new = NewRegistration {
        contact_name: PersonName::parse("Ana").unwrap(),
        contact_email: EmailAddress::parse("ana@example.org").unwrap(),
        language: Language::parse("de").unwrap(),
        participants: vec![twinning::registrations::NewParticipant::new(
            PersonName::parse("Ana").unwrap(),
            "adult",
        )],
        accept_consents: true,
        payment: Some(PaymentChoice::Later),
    };
    let submitted = registrations::submit(&ctx, "concert", new).await.unwrap();
    assert_eq!(submitted.status.as_str(), "pending_payment");

    let mut worker = Command::new(env!("CARGO_BIN_EXE_twinning-worker"))
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("twinning-worker starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        let status = registrations::find(&ctx, &submitted.token)
            .await
            .unwrap()
            .status;
        if status != "pending_payment" || Instant::now() > deadline {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    worker.kill().ok();
    worker.wait().ok();
    assert_eq!(status, "expired", "the worker expired the hold within 30 s");
}
