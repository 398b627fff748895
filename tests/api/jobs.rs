use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_error, spawn_app, spawn_app_with};

#[tokio::test]
async fn an_unpaid_hold_expires_after_its_time_and_the_seat_goes_to_the_waitlist() {
    // The event's own hold: the short hold of unconfirmed addresses is off here (it has its
    // own test in production.rs).
    let app = spawn_app_with(|s| s.unconfirmed_hold_minutes = 0, false).await;
    let slug = app
        .create_event(json!({"capacity": 1, "hold_minutes": 60, "offer_minutes": 120}))
        .await;
    let held = app.register(&slug, "adult", &["A"]).await;
    let waiting = app.register(&slug, "adult", &["B"]).await;
    let (held, waiting) = (
        held["token"].as_str().unwrap(),
        waiting["token"].as_str().unwrap(),
    );

    app.advance(Duration::minutes(59));
    assert_eq!(
        app.run_pending_jobs().await,
        0,
        "nothing is due before the hold ends"
    );
    assert_eq!(app.status_of(held).await, "pending_payment");

    app.advance(Duration::minutes(2));
    assert_eq!(app.run_pending_jobs().await, 1);
    assert_eq!(app.status_of(held).await, "expired");
    assert_eq!(app.status_of(waiting).await, "offered");

    // The offer runs out too; with nobody else waiting the seat is simply free again.
    app.advance(Duration::minutes(121));
    assert_eq!(app.run_pending_jobs().await, 1);
    assert_eq!(app.status_of(waiting).await, "expired");
    assert_eq!(app.event(&slug).await["seats_left"], 1);
    app.assert_seat_counters_match(&slug).await;
}

#[tokio::test]
async fn an_expired_offer_moves_on_to_the_next_in_line() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"capacity": 1, "offer_minutes": 60}))
        .await;
    let first = app.register(&slug, "free", &["A"]).await;
    let second = app.register(&slug, "free", &["B"]).await;
    let third = app.register(&slug, "free", &["C"]).await;
    app.cancel(first["token"].as_str().unwrap()).await;
    let (second, third) = (
        second["token"].as_str().unwrap(),
        third["token"].as_str().unwrap(),
    );
    assert_eq!(app.status_of(second).await, "offered");

    app.advance(Duration::minutes(61));
    app.run_pending_jobs().await;
    assert_eq!(app.status_of(second).await, "expired");
    assert_eq!(app.status_of(third).await, "offered");
    app.assert_seat_counters_match(&slug).await;
    let late = app
        .post(&format!("/api/v1/registrations/{second}/claim"), &json!({}))
        .await;
    assert_error(late, StatusCode::CONFLICT, "no_open_offer", None).await;
}

#[tokio::test]
async fn a_claim_after_the_deadline_but_before_the_job_ran_is_refused() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"capacity": 1, "offer_minutes": 60}))
        .await;
    let first = app.register(&slug, "free", &["A"]).await;
    let second = app.register(&slug, "free", &["B"]).await;
    app.cancel(first["token"].as_str().unwrap()).await;
    app.advance(Duration::minutes(61));
    let late = app
        .post(
            &format!(
                "/api/v1/registrations/{}/claim",
                second["token"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await;
    assert_error(late, StatusCode::CONFLICT, "offer_expired", None).await;
    // When the job runs, the offer expires.
    app.run_pending_jobs().await;
    assert_eq!(
        app.registration(second["token"].as_str().unwrap()).await["status"],
        "expired"
    );
}

#[tokio::test]
async fn a_hold_that_was_paid_in_time_is_not_expired_by_its_job() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"hold_minutes": 60})).await;
    let token = app.register(&slug, "adult", &["A"]).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let pay = json!({"method": "cash", "amount": {"amount_minor": 2500, "currency": "EUR"}});
    app.staff_post(&format!("/api/v1/registrations/{token}/payments"), &pay)
        .await;
    app.advance(Duration::minutes(61));
    assert_eq!(
        app.run_pending_jobs().await,
        1,
        "the job runs and finds nothing to do"
    );
    assert_eq!(app.status_of(&token).await, "confirmed");
}

#[tokio::test]
async fn a_late_offline_payment_confirms_if_seats_are_free_and_is_refused_if_not() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"capacity": 1, "hold_minutes": 60}))
        .await;
    let token = app.register(&slug, "adult", &["A"]).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.advance(Duration::minutes(61));
    app.run_pending_jobs().await;
    assert_eq!(app.status_of(&token).await, "expired");
    let pay = json!({"method": "transfer", "amount": {"amount_minor": 2500, "currency": "EUR"}});
    let response = app
        .staff_post(&format!("/api/v1/registrations/{token}/payments"), &pay)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        app.status_of(&token).await,
        "confirmed",
        "the seat was still free"
    );
    app.assert_seat_counters_match(&slug).await;

    let other = app
        .create_event(json!({"capacity": 1, "hold_minutes": 60}))
        .await;
    let late = app.register(&other, "adult", &["B"]).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.advance(Duration::minutes(61));
    app.run_pending_jobs().await;
    app.register(&other, "free", &["C"]).await;
    let response = app
        .staff_post(&format!("/api/v1/registrations/{late}/payments"), &pay)
        .await;
    assert_error(response, StatusCode::CONFLICT, "no_seats", None).await;
    let reg: Value = app
        .staff_get(&format!("/api/v1/registrations/{late}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reg["status"], "expired");
    assert_eq!(
        reg["amount_paid"]["amount_minor"], 0,
        "nothing recorded for a refused payment"
    );
}

#[tokio::test]
async fn the_sweep_expires_a_hold_whose_job_was_lost() {
    let app = spawn_app().await;
    let slug = app
        .create_event(json!({"capacity": 1, "hold_minutes": 60}))
        .await;
    let token = app.register(&slug, "adult", &["A"]).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let waiting = app.register(&slug, "adult", &["B"]).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Simulate a crash between commit and push: the queued job never made it.
    match &app.ctx.queue {
        twinning::infra::queue::JobQueue::Sqlite(pool) => sqlx::query("DELETE FROM Jobs")
            .execute(pool)
            .await
            .map(|_| ()),
        twinning::infra::queue::JobQueue::Postgres(pool) => sqlx::query("DELETE FROM apalis.jobs")
            .execute(pool)
            .await
            .map(|_| ()),
    }
    .unwrap();
    app.advance(Duration::minutes(61));
    assert_eq!(app.run_pending_jobs().await, 0);
    assert_eq!(app.status_of(&token).await, "pending_payment");
    assert_eq!(twinning::worker::sweep(&app.ctx).await.unwrap(), 1);
    assert_eq!(app.status_of(&token).await, "expired");
    assert_eq!(app.status_of(&waiting).await, "offered");
}

#[tokio::test]
async fn the_real_worker_runs_due_jobs_in_the_background() {
    let app = spawn_app_with(|_| {}, true).await;
    let slug = app.create_event(json!({"hold_minutes": 30})).await;
    let created = app.register(&slug, "adult", &["A"]).await;
    let token = created["token"].as_str().unwrap();
    let regs: Vec<Value> = app
        .list_all(&format!("/api/v1/events/{slug}/registrations"))
        .await;
    assert_eq!(regs.len(), 1);
    app.advance(Duration::minutes(31));
    // The job queued at registration is due 30 real minutes from now; queue one due now, as
    // the apalis worker would see it once that time has come.
    let id = registration_id(&app, token).await;
    app.ctx
        .queue
        .push(
            &twinning::core::job::Job::from(twinning::core::job::ExpireHold {
                registration_id: id,
            }),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if app.status_of(token).await == "expired" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the worker did not run the job within 30 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn registration_id(app: &crate::helpers::TestApp, token: &str) -> i64 {
    let selector = &token[..twinning::domain::token::SELECTOR_LEN];
    twinning::db::registrations::find_by_selector(&app.ctx.db, selector)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Jobs of `status` in the queue.
async fn jobs_with_status(app: &crate::helpers::TestApp, status: &str) -> i64 {
    match &app.ctx.queue {
        twinning::infra::queue::JobQueue::Sqlite(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM Jobs WHERE status = $1")
                .bind(status)
                .fetch_one(pool)
                .await
        }
        twinning::infra::queue::JobQueue::Postgres(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM apalis.jobs WHERE status = $1")
                .bind(status)
                .fetch_one(pool)
                .await
        }
    }
    .unwrap()
}

#[tokio::test]
async fn the_sweep_removes_finished_jobs_after_a_week_and_keeps_those_still_to_run() {
    let app = spawn_app_with(|s| s.unconfirmed_hold_minutes = 0, false).await;
    let slug = app
        .create_event(json!({"capacity": 5, "hold_minutes": 60}))
        .await;
    app.register(&slug, "adult", &["A"]).await;
    app.advance(Duration::minutes(61));
    assert_eq!(app.run_pending_jobs().await, 1, "the hold ran out");
    let later = app.register(&slug, "adult", &["B"]).await;
    let done = jobs_with_status(&app, "Done").await;
    let pending = jobs_with_status(&app, "Pending").await;
    assert!(done >= 1 && pending >= 1, "done {done}, pending {pending}");
    twinning::worker::sweep(&app.ctx).await.unwrap();
    assert_eq!(
        jobs_with_status(&app, "Done").await,
        done,
        "kept for a week"
    );
    app.advance(Duration::days(8));
    twinning::worker::sweep(&app.ctx).await.unwrap();
    assert_eq!(jobs_with_status(&app, "Done").await, 0, "gone after a week");
    assert_eq!(
        jobs_with_status(&app, "Pending").await,
        pending,
        "a job still to run stays"
    );
    // B's hold ran out during the eight days; the sweep expired it, its job is a no-op now.
    assert_eq!(
        app.status_of(later["token"].as_str().unwrap()).await,
        "expired"
    );
    app.run_pending_jobs().await;
}
