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
    assert_eq!(user.role, "checkin");
    assert!(twinning::staff::verify_password(
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
