//! The `twinning` command line, run as a real process.

use std::io::Write;
use std::process::{Command, Stdio};

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

fn twinning(database_url: &str, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_twinning"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("twinning runs");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn admin_commands_create_staff_and_tokens_that_work_against_the_api() {
    let app = spawn_app().await;
    let url = app.database_url.clone();
    let (ok, out, err) = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            twinning(
                &url,
                &[
                    "admin",
                    "create-staff",
                    "--email",
                    "maria@example.org",
                    "--role",
                    "staff",
                ],
                Some("a piped password 123\n"),
            )
        }
    })
    .await
    .unwrap();
    assert!(ok, "create-staff failed: {out} {err}");
    assert!(
        !out.contains("a piped password"),
        "a given password is not echoed"
    );

    let (ok, token, err) = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            twinning(
                &url,
                &["admin", "create-token", "--email", "maria@example.org"],
                None,
            )
        }
    })
    .await
    .unwrap();
    assert!(ok, "create-token failed: {err}");
    let token = token.trim();
    assert_eq!(token.len(), 43);

    let slug = app.create_event(json!({})).await;
    let listed = app
        .client
        .get(format!(
            "{}/api/v1/events/{slug}/registrations",
            app.address
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);

    let (ok, _, err) = tokio::task::spawn_blocking(move || {
        twinning(
            &url,
            &[
                "admin",
                "create-staff",
                "--email",
                "maria@example.org",
                "--role",
                "staff",
            ],
            None,
        )
    })
    .await
    .unwrap();
    assert!(!ok, "a duplicate email is refused");
    assert!(err.contains("exists already"), "{err}");
}

#[tokio::test]
async fn create_staff_without_a_password_prints_a_generated_one() {
    let app = spawn_app().await;
    let url = app.database_url.clone();
    let (ok, out, err) = tokio::task::spawn_blocking(move || {
        twinning(
            &url,
            &[
                "admin",
                "create-staff",
                "--email",
                "door@example.org",
                "--role",
                "checkin",
            ],
            None,
        )
    })
    .await
    .unwrap();
    assert!(ok, "{err}");
    let password = out.trim().rsplit(' ').next().unwrap();
    assert!(password.len() >= 20, "{out}");
    let user = twinning::db::staff::find_by_email(&app.ctx.db, "door@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, twinning::domain::Role::Checkin);
    assert!(twinning::staff_accounts::verify_password(
        password,
        &user.password_hash
    ));
}

#[test]
fn help_documents_every_setting() {
    let out = Command::new(env!("CARGO_BIN_EXE_twinning"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "DATABASE_URL",
        "TWINNING_BIND",
        "TWINNING_BASE_URL",
        "TWINNING_REGISTRATIONS_PER_MINUTE",
        "TWINNING_SAMPLE_DATA",
    ] {
        assert!(help.contains(var), "{var} missing from --help");
    }
}

/// DESIGN section 6: logs carry no secrets. A real `twinning serve` process logs at debug level
/// while a visitor registers and opens the private page, the offer page and the calendar file,
/// and staff sign in with a password and a session and use an API token; none of those secrets
/// appears in its output.
#[tokio::test]
async fn the_server_log_never_contains_tokens_passwords_or_session_cookies() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database_url(&dir).await;
    let password = "correct horse battery staple 42";
    let (ok, _, err) = twinning(&url, &["migrate"], None);
    assert!(ok, "{err}");
    let (ok, _, err) = twinning(
        &url,
        &[
            "admin",
            "create-staff",
            "--email",
            "boss@example.org",
            "--role",
            "admin",
        ],
        Some(password),
    );
    assert!(ok, "{err}");
    let (ok, api_token, err) = twinning(
        &url,
        &["admin", "create-token", "--email", "boss@example.org"],
        None,
    );
    assert!(ok, "{err}");
    let api_token = api_token.trim().to_owned();

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_twinning"))
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("TWINNING_BIND", format!("127.0.0.1:{port}"))
        .env("TWINNING_SAMPLE_DATA", "never")
        .env("RUST_LOG", "debug")
        .env("STRIPE_SECRET_KEY", "sk_test_never_in_the_log_4242")
        .env("STRIPE_WEBHOOK_SECRET", "whsec_never_in_the_log_4242")
        .env("STRIPE_API_BASE", "http://127.0.0.1:9/")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("twinning serve starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for _ in 0..100 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let event = json!({"slug": "concert", "kind": "event", "title": "Concert", "timezone": "Europe/Madrid",
        "starts_at": "2031-06-01T18:00", "ends_at": "2031-06-01T23:00", "status": "published",
        "offerings": [{"key": "free", "name": "Free", "price": {"amount_minor": 0, "currency": "EUR"}}]});
    let r = client
        .post(format!("{base}/api/v1/events"))
        .bearer_auth(&api_token)
        .json(&event)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: serde_json::Value = client
        .post(format!("{base}/api/v1/events/concert/registrations"))
        .json(
            &json!({"contact": {"name": "Ana", "email": "ana@example.org"},
            "participants": [{"name": "Ana", "offering": "free"}]}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    for path in [
        format!("/r/{token}"),
        format!("/r/{token}/calendar.ics"),
        format!("/offers/{token}"),
        format!("/api/v1/registrations/{token}"),
    ] {
        let r = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let login = client
        .get(format!("{base}/staff/login"))
        .send()
        .await
        .unwrap();
    let page = login.text().await.unwrap();
    let csrf = crate::helpers::field_value(&page, "csrf").unwrap();
    let r = client
        .post(format!("{base}/staff/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "boss@example.org"),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .and_then(|v| v.split_once('='))
        .map(|(_, v)| v.to_owned())
        .unwrap();
    let r = client.get(format!("{base}/staff/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // A forged webhook is refused (and logged as refused), a household applies and opens its page.
    let r = client
        .post(format!("{base}/webhooks/stripe"))
        .header("stripe-signature", "t=1,v1=00")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let applied: serde_json::Value = client
        .post(format!("{base}/api/v1/hosts"))
        .json(&crate::hosts::application(json!({})))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let household = applied["token"].as_str().unwrap().to_owned();
    let r = client
        .get(format!("{base}/h/{household}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
    let output = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        output.contains("/r/{token}"),
        "requests are logged by route (the test reads the real log):\n{output}"
    );
    for (what, secret) in [
        ("registration token", token.as_str()),
        ("API token", api_token.as_str()),
        ("password", password),
        ("session cookie", session.as_str()),
        ("anti-forgery token", csrf.as_str()),
        ("Stripe secret key", "sk_test_never_in_the_log_4242"),
        ("Stripe webhook secret", "whsec_never_in_the_log_4242"),
        ("household token", household.as_str()),
    ] {
        assert!(!output.contains(secret), "the log contains the {what}");
    }
}
