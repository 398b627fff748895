//! The `twinning-worker` process runs due jobs against the same database as the web process.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use twinning::core::clock::Clock;
use twinning::core::config::Settings;
use twinning::domain::{EmailAddress, Language, PaymentChoice, PersonName};
use twinning::registrations::{self, Actor, NewRegistration};

async fn database_url(dir: &tempfile::TempDir) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(server) if !server.is_empty() => {
            static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let name = format!(
                "twinning_test_worker_{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            );
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

/// Creates a published event in Berlin from `fields` (slug, title, times, offerings ...) and
/// registers Ana on its first offering.
async fn event_with_one_registration(
    ctx: &twinning::context::Ctx,
    fields: serde_json::Value,
    payment: Option<PaymentChoice>,
) -> registrations::Submitted {
    let mut event =
        serde_json::json!({"kind": "event", "timezone": "Europe/Berlin", "status": "published"});
    for (k, v) in fields.as_object().unwrap() {
        event[k] = v.clone();
    }
    let slug = event["slug"].as_str().unwrap().to_owned();
    let offering = event["offerings"][0]["key"].as_str().unwrap().to_owned();
    let body: twinning::web::api::events::EventBody = serde_json::from_value(event).unwrap();
    let draft = twinning::web::api::events::build_draft(body, None).unwrap();
    twinning::events::create(ctx, &draft, &Actor::System)
        .await
        .unwrap();
    let new = NewRegistration {
        contact_name: PersonName::parse("Ana").unwrap(),
        contact_email: EmailAddress::parse("ana@example.org").unwrap(),
        contact_phone: String::new(),
        language: Language::parse("de").unwrap(),
        participants: vec![twinning::registrations::NewParticipant::new(
            PersonName::parse("Ana").unwrap(),
            offering,
        )],
        accept_consents: true,
        payment,
    };
    registrations::submit(ctx, &slug, new, None).await.unwrap()
}

#[tokio::test]
async fn the_worker_process_expires_a_hold_that_ran_out() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(&dir).await;
    // A clock 31 minutes in the past: the registration's 30-minute hold is over already.
    let clock = Clock::system();
    clock.advance(chrono::Duration::minutes(-31));
    let ctx = twinning::app::startup::connect(Settings::for_database(url.clone()), clock)
        .await
        .unwrap();
    let submitted = event_with_one_registration(
        &ctx,
        serde_json::json!({
            "slug": "concert", "title": "Concert", "starts_at": "2031-05-01T19:00",
            "ends_at": "2031-05-01T22:00", "capacity": 1, "hold_minutes": 30,
            "offerings": [{"key": "adult", "name": "Adult", "price": {"amount_minor": 1500, "currency": "EUR"}}]
        }),
        Some(PaymentChoice::Later),
    )
    .await;
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
        if status != twinning::domain::RegistrationStatus::PendingPayment
            || Instant::now() > deadline
        {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    worker.kill().ok();
    worker.wait().ok();
    assert_eq!(
        status,
        twinning::domain::RegistrationStatus::Expired,
        "the worker expired the hold within 30 s"
    );
}

/// A minimal SMTP server that takes its time to accept each message (`delay` after the data),
/// counting the messages it accepted.
fn slow_smtp_server(
    delay: Duration,
) -> (
    u16,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    std::sync::mpsc::Receiver<()>,
) {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::atomic::Ordering;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (data_seen, data_rx) = std::sync::mpsc::channel();
    let counter = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let counter = counter.clone();
            let data_seen = data_seen.clone();
            std::thread::spawn(move || {
                let mut out = stream.try_clone().unwrap();
                let mut lines = BufReader::new(stream);
                let _ = out.write_all(b"220 slow.test ESMTP\r\n");
                let mut line = String::new();
                let mut in_data = false;
                while lines.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                    let reply: &[u8] = if in_data {
                        if line == ".\r\n" {
                            in_data = false;
                            let _ = data_seen.send(());
                            std::thread::sleep(delay);
                            counter.fetch_add(1, Ordering::SeqCst);
                            b"250 2.0.0 accepted\r\n"
                        } else {
                            b""
                        }
                    } else {
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        match verb.as_str() {
                            "EHLO" | "HELO" => b"250 slow.test\r\n",
                            "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 2.1.0 ok\r\n",
                            "DATA" => {
                                in_data = true;
                                b"354 go ahead\r\n"
                            }
                            "QUIT" => {
                                let _ = out.write_all(b"221 bye\r\n");
                                break;
                            }
                            _ => b"502 5.5.2 not implemented\r\n",
                        }
                    };
                    if !reply.is_empty() {
                        let _ = out.write_all(reply);
                    }
                    line.clear();
                }
            });
        }
    });
    (port, accepted, data_rx)
}

#[tokio::test]
async fn sigterm_lets_the_worker_finish_the_email_it_is_sending_then_exit() {
    graceful_shutdown(false).await;
}

#[tokio::test]
async fn sigterm_lets_the_sweep_finish_an_email_whose_job_was_lost() {
    graceful_shutdown(true).await;
}

/// Starts a worker on one due confirmation email, sends SIGTERM while the SMTP server is still
/// accepting it, and checks the worker exits cleanly with the email sent once and recorded.
/// With `lose_job`, the delivery job is deleted first (as after a crash between commit and
/// push), so the periodic sweep is the one sending.
async fn graceful_shutdown(lose_job: bool) {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(&dir).await;
    let (port, accepted, data_seen) = slow_smtp_server(Duration::from_secs(3));
    let smtp_url = format!("smtp://127.0.0.1:{port}?tls=none");
    let mut settings = Settings::for_database(url.clone());
    settings.smtp_url = Some(twinning::core::config::Secret(smtp_url.clone()));
    let ctx = twinning::app::startup::connect(settings, Clock::system())
        .await
        .unwrap();
    event_with_one_registration(
        &ctx,
        serde_json::json!({
            "slug": "picnic", "title": "Picnic", "starts_at": "2031-05-01T12:00",
            "ends_at": "2031-05-01T16:00",
            "offerings": [{"key": "free", "name": "Free", "price": {"amount_minor": 0, "currency": "EUR"}}]
        }),
        None,
    )
    .await;
    if lose_job {
        if url.starts_with("sqlite") {
            let queue = url.replace("twinning.db", "twinning.queue.db");
            let pool = sqlx::SqlitePool::connect(&queue).await.unwrap();
            sqlx::query("DELETE FROM Jobs")
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        } else {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            sqlx::query("DELETE FROM apalis.jobs")
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }

    let mut worker = Command::new(env!("CARGO_BIN_EXE_twinning-worker"))
        .env("DATABASE_URL", &url)
        .env("SMTP_URL", &smtp_url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("twinning-worker starts");
    // Wait until the message is on the wire, then ask the worker to stop.
    tokio::task::spawn_blocking(move || data_seen.recv_timeout(Duration::from_secs(30)))
        .await
        .unwrap()
        .expect("the worker started sending within 30 s");
    let killed = Command::new("kill")
        .args(["-TERM", &worker.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = worker.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the worker did not stop within 30 s of SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "clean exit after SIGTERM: {status:?}");
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
    let rows = twinning::db::outbox::list(&ctx.db, &Default::default(), 10)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].status,
        twinning::domain::OutboxStatus::Sent,
        "the email in flight was finished and recorded"
    );
}
