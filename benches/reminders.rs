//! Reminder benchmark: 5,000 confirmed registrations, the clock moved past the reminder's due
//! time, one sweep, and the time until an SMTP sink has all 5,000 reminders.
//!
//! ```sh
//! cargo bench --bench reminders                                   # SQLite in a temp dir
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinning_bench_rem cargo bench --bench reminders
//! ```
//! The database must not exist yet for PostgreSQL runs (it is created).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use twinning::core::clock::Clock;
use twinning::core::config::{Secret, Settings};
use twinning::domain::{EmailAddress, Language, PaymentChoice, PersonName};
use twinning::registrations::{self, Actor, NewRegistration};

async fn wait_for(count: &AtomicUsize, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(600);
    while count.load(Ordering::Relaxed) < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("BENCH_REMINDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = common::start_sink(listener);

    let dir = tempfile::tempdir().unwrap();
    let url = match std::env::var("BENCH_DATABASE_URL") {
        Ok(url) => {
            let (server, name) = url.rsplit_once('/').unwrap();
            let admin = sqlx::PgPool::connect(&format!("{server}/postgres"))
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&admin)
            .await
            .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&admin)
                .await
                .unwrap();
            url
        }
        Err(_) => format!("sqlite://{}", dir.path().join("bench.db").display()),
    };
    let mut settings = Settings::for_database(url.clone());
    settings.smtp_url = Some(Secret(format!("smtp://127.0.0.1:{port}?tls=none")));
    settings.email_concurrency = 64;
    let clock = Clock::system();
    let app = twinning::app::startup::Application::build(settings, clock.clone(), true)
        .await
        .unwrap();
    let ctx = app.ctx().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));

    let start = (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%Y-%m-%dT18:00")
        .to_string();
    let end = (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%Y-%m-%dT22:00")
        .to_string();
    let body: twinning::domain::event::input::EventBody = serde_json::from_value(serde_json::json!({
        "slug": "reminded", "kind": "event", "title": "Reminder benchmark", "timezone": "UTC",
        "starts_at": start, "ends_at": end, "status": "published", "reminders": [1],
        "offerings": [{"key": "free", "name": "Free", "price": {"amount_minor": 0, "currency": "EUR"}}]
    }))
    .unwrap();
    let draft = twinning::domain::event::input::build_draft(body, None).unwrap();
    twinning::events::create(&ctx, &draft, &Actor::System)
        .await
        .unwrap();
    for i in 0..n {
        let name = PersonName::parse(&format!("Guest {i}")).unwrap();
        let new = NewRegistration {
            contact_name: name.clone(),
            contact_email: EmailAddress::parse(&format!("guest{i}@example.org")).unwrap(),
            contact_phone: String::new(),
            language: Language::parse("en").unwrap(),
            participants: vec![twinning::registrations::NewParticipant::new(name, "free")],
            accept_consents: true,
            payment: Some(PaymentChoice::Later),
        };
        registrations::submit(&ctx, "reminded", new, None)
            .await
            .unwrap();
    }
    wait_for(&count, n).await;
    assert_eq!(count.load(Ordering::Relaxed), n, "confirmations delivered");

    clock.advance(chrono::Duration::days(2) + chrono::Duration::hours(1));
    let started = Instant::now();
    let queued = twinning::email::reminders::queue_due(&ctx).await.unwrap();
    let queued_n = queued.len();
    let queued_in = started.elapsed();
    // The application clock is two days ahead of the real one the queue schedules by: due now.
    let queued: Vec<_> = queued
        .into_iter()
        .map(|s| twinning::core::job::Scheduled {
            run_at: chrono::Utc::now(),
            ..s
        })
        .collect();
    ctx.queue.push_all(&queued).await;
    wait_for(&count, 2 * n).await;
    let total = started.elapsed();
    println!(
        "database: {}; {queued_n} reminders queued in {:.1} s; {} delivered {:.1} s after the sweep began ({:.0} emails/s)",
        url.split(':').next().unwrap_or(""),
        queued_in.as_secs_f64(),
        count.load(Ordering::Relaxed) - n,
        total.as_secs_f64(),
        (count.load(Ordering::Relaxed) - n) as f64 / total.as_secs_f64()
    );
    let _ = stop.send(());
    let _ = server.await;
}
