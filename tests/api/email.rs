//! Emails: content, held mode, delivery through outages, permanent failures, crash recovery,
//! reminders, and two workers draining one queue.

use chrono::Duration;
use mail_parser::MimeHeaders;
use reqwest::StatusCode;
use serde_json::{Value, json};
use twinning::core::config::Secret;

use crate::helpers::{TestApp, assert_error, spawn_app, spawn_app_with};
use crate::smtp::{SmtpPort, SmtpServer};

async fn app_with_smtp(url: String) -> TestApp {
    spawn_app_with(|s| s.smtp_url = Some(Secret(url)), false).await
}

async fn outbox(app: &TestApp, query: &str) -> Vec<Value> {
    app.list_all(&format!("/api/v1/outbox{query}")).await
}

async fn register_as(app: &TestApp, slug: &str, email: &str, offering: &str) -> Value {
    let body = json!({"contact": {"name": "Lucía Fernández", "email": email, "language": "en"},
        "participants": [{"name": "Lucía Fernández", "offering": offering}], "payment": "later"});
    let response = app
        .post(&format!("/api/v1/events/{slug}/registrations"), &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_confirmed_registration_is_emailed_with_a_calendar_file_and_the_private_link() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(smtp.url()).await;
    let slug = app
        .create_event(json!({"title": "Toledo Festival", "venue": "Promenade Park", "timezone": "America/New_York",
            "starts_at": "2031-03-01T19:00", "ends_at": "2031-03-01T22:30", "custom_email_text": "Bring a coat.\n\nParking is free."}))
        .await;
    let created = register_as(&app, &slug, "lucia@example.org", "free").await;
    assert_eq!(app.run_pending_jobs().await, 1);

    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, vec!["lucia@example.org"]);
    let message = received[0].parsed();
    assert_eq!(message.subject(), Some("Confirmed: Toledo Festival"));
    let text = message.body_text(0).unwrap();
    let html = message.body_html(0).unwrap();
    let link = created["manage_url"].as_str().unwrap();
    assert!(
        text.contains(link),
        "text part has the private link: {text}"
    );
    assert!(
        html.contains(&format!("href=\"{link}\"")),
        "html part links it"
    );
    assert!(
        text.contains("Saturday 1 March 2031, 19:00–22:30 (America/New_York)"),
        "{text}"
    );
    assert!(
        text.contains("Bring a coat.") && html.contains("Parking is free."),
        "custom text in both parts"
    );
    assert!(message.message_id().is_some() && message.date().is_some());

    let ics = message
        .attachments()
        .find(|a| a.is_content_type("text", "calendar"))
        .expect("calendar attachment");
    let calendar: icalendar::Calendar = std::str::from_utf8(ics.contents())
        .unwrap()
        .parse()
        .expect("valid iCalendar");
    let event = calendar
        .components
        .iter()
        .find_map(|c| c.as_event())
        .expect("a VEVENT");
    use icalendar::{Component, EventLike};
    assert_eq!(event.get_summary(), Some("Toledo Festival"));
    assert_eq!(event.get_location(), Some("Promenade Park"));
    match event.get_start() {
        Some(icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::WithTimezone {
            date_time,
            tzid,
        })) => {
            assert_eq!(tzid, "America/New_York");
            assert_eq!(date_time.to_string(), "2031-03-01 19:00:00");
        }
        other => panic!("start should be a local time with a zone: {other:?}"),
    }

    // The check-in code's QR image travels with the HTML part (multipart/related), which
    // shows it by its Content-ID.
    let images: Vec<_> = message
        .parts
        .iter()
        .filter(|p| p.is_content_type("image", "png"))
        .collect();
    assert_eq!(images.len(), 1, "one participant, one QR image");
    let cid = images[0].content_id().expect("a Content-ID");
    assert!(html.contains(&format!("src=\"cid:{cid}\"")), "{html}");
    assert!(images[0].contents().starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(String::from_utf8_lossy(&received[0].raw).contains("multipart/related"));

    let listed = outbox(&app, "?status=sent&kind=confirmed").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["recipient"], "lucia@example.org");
    assert!(listed[0]["has_calendar"].as_bool().unwrap());
}

#[tokio::test]
async fn without_smtp_every_email_is_held_in_the_outbox_for_staff_to_read() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"capacity": 1})).await;
    let first = register_as(&app, &slug, "a@example.org", "adult").await;
    register_as(&app, &slug, "b@example.org", "adult").await;
    assert_eq!(app.run_pending_jobs().await, 0, "nothing to deliver");
    let held = outbox(&app, "?status=held").await;
    let kinds: Vec<&str> = held.iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["waitlisted", "received"], "newest first");
    assert!(
        held[1]["body_text"]
            .as_str()
            .unwrap()
            .contains(first["manage_url"].as_str().unwrap())
    );
    assert!(held[1]["body_text"].as_str().unwrap().contains("25.00 EUR"));
    let one: Value = app
        .staff_get(&format!("/api/v1/outbox/{}", held[1]["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert!(one["body_html"].as_str().unwrap().contains("<html"));
    assert_eq!(outbox(&app, "?recipient=b@example.org").await.len(), 1);
    let resend = app
        .staff_post(
            &format!("/api/v1/outbox/{}/resend", held[0]["id"]),
            &json!({}),
        )
        .await;
    assert_error(resend, StatusCode::CONFLICT, "no_smtp", None).await;
    assert_error(
        app.get("/api/v1/outbox").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        None,
    )
    .await;
    assert_error(
        app.staff_get("/api/v1/outbox?status=lost").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("status"),
    )
    .await;
}

#[tokio::test]
async fn an_email_due_while_smtp_is_down_is_delivered_exactly_once_when_it_is_back() {
    let port = SmtpPort::reserve();
    let app = app_with_smtp(port.url()).await;
    let slug = app.create_event(json!({})).await;
    register_as(&app, &slug, "lucia@example.org", "free").await;
    app.run_pending_jobs().await;
    let row = &outbox(&app, "").await[0];
    assert_eq!(row["status"], "retrying");
    assert_eq!(row["attempts"], 1);
    assert!(row["last_error"].as_str().is_some());

    app.advance(Duration::seconds(30));
    assert_eq!(
        app.run_pending_jobs().await,
        0,
        "the first retry waits a minute"
    );
    let smtp = port.start();
    app.advance(Duration::seconds(31));
    app.run_pending_jobs().await;
    twinning::worker::sweep(&app.ctx).await.unwrap();
    app.advance(Duration::hours(30));
    app.run_pending_jobs().await;
    twinning::worker::sweep(&app.ctx).await.unwrap();
    assert_eq!(smtp.received().len(), 1, "delivered once");
    let row = &outbox(&app, "").await[0];
    assert_eq!(row["status"], "sent");
    assert_eq!(row["attempts"], 2);
}

#[tokio::test]
async fn temporary_failures_back_off_and_give_up_after_the_retry_window() {
    let port = SmtpPort::reserve();
    let app = spawn_app_with(
        |s| {
            s.smtp_url = Some(Secret(port.url()));
            s.email_retry_hours = 3;
        },
        false,
    )
    .await;
    let slug = app.create_event(json!({})).await;
    register_as(&app, &slug, "lucia@example.org", "free").await;
    let mut waits = Vec::new();
    for _ in 0..10 {
        app.run_pending_jobs().await;
        let row = &outbox(&app, "").await[0];
        if row["status"] != "retrying" {
            break;
        }
        let next =
            chrono::DateTime::parse_from_rfc3339(row["next_attempt_at"].as_str().unwrap()).unwrap();
        let wait = next.with_timezone(&chrono::Utc) - app.ctx.clock.now();
        waits.push((wait.num_seconds() + 30) / 60);
        app.advance(wait + Duration::seconds(1));
    }
    assert_eq!(
        waits,
        [1, 2, 4, 8, 16, 32, 60],
        "minutes between attempts double up to an hour"
    );
    let row = &outbox(&app, "").await[0];
    assert_eq!(row["status"], "failed", "given up after the 3-hour window");
}

#[tokio::test]
async fn a_550_rejection_fails_at_once_without_retries_and_staff_see_it() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(smtp.url()).await;
    let slug = app.create_event(json!({})).await;
    register_as(&app, &slug, "nobody@bounce.example.org", "free").await;
    app.run_pending_jobs().await;
    app.advance(Duration::hours(3));
    app.run_pending_jobs().await;
    twinning::worker::sweep(&app.ctx).await.unwrap();
    let failed = outbox(&app, "?status=failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["attempts"], 1, "no retries");
    assert!(
        failed[0]["last_error"].as_str().unwrap().contains("550"),
        "{}",
        failed[0]
    );
    assert!(smtp.received().is_empty());
    let stats: Value = app
        .staff_get("/api/v1/outbox/stats")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stats["failed"], 1, "{stats}");
    assert_eq!(stats["by_status"]["sent"], 0);

    // Staff can fix things and resend; the same Message-ID goes out.
    let resend = app
        .staff_post(
            &format!("/api/v1/outbox/{}/resend", failed[0]["id"]),
            &json!({}),
        )
        .await;
    assert_eq!(resend.status(), StatusCode::OK);
    // The server still refuses: the resent email fails again, after one more attempt.
    app.run_pending_jobs().await;
    let again: Value = app
        .staff_get(&format!("/api/v1/outbox/{}", failed[0]["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["status"], "failed", "{again}");
    assert_eq!(again["attempts"], 2, "{again}");
}

#[tokio::test]
async fn a_worker_stopped_after_the_server_accepted_causes_at_most_one_resend_with_the_same_message_id()
 {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(smtp.url()).await;
    let slug = app.create_event(json!({})).await;
    register_as(&app, &slug, "lucia@example.org", "free").await;
    app.run_pending_jobs().await;
    assert_eq!(smtp.received().len(), 1);
    // The worker died before it could record `sent`: the row is still `sending`.
    let id = outbox(&app, "").await[0]["id"].as_i64().unwrap();
    let stuck_since = app.ctx.clock.now();
    match &app.ctx.db {
        twinning::db::Db::Sqlite(p) => {
            sqlx::query("UPDATE outbox SET status = 'sending', updated_at = $2 WHERE id = $1")
                .bind(id)
                .bind(stuck_since)
                .execute(&p.write)
                .await
                .map(|_| ())
        }
        twinning::db::Db::Postgres(p) => {
            sqlx::query("UPDATE outbox SET status = 'sending', updated_at = $2 WHERE id = $1")
                .bind(id)
                .bind(stuck_since)
                .execute(p)
                .await
                .map(|_| ())
        }
    }
    .unwrap();
    twinning::worker::sweep(&app.ctx).await.unwrap();
    assert_eq!(
        smtp.received().len(),
        1,
        "a row that may still be in flight is left alone"
    );
    app.advance(Duration::minutes(11));
    twinning::worker::sweep(&app.ctx).await.unwrap();
    twinning::worker::sweep(&app.ctx).await.unwrap();
    app.run_pending_jobs().await;
    let received = smtp.received();
    assert_eq!(received.len(), 2, "exactly one extra delivery");
    assert_eq!(
        received[0].parsed().message_id(),
        received[1].parsed().message_id(),
        "with the same Message-ID"
    );
    assert_eq!(outbox(&app, "").await[0]["status"], "sent");
}

#[tokio::test]
async fn every_state_change_sends_the_right_email() {
    let smtp = SmtpServer::start();
    // The event's own hold throughout: the short hold of unconfirmed addresses is off here
    // (production::seats_held_for_an_unconfirmed_address_... holds that one).
    let app = spawn_app_with(
        |s| {
            s.smtp_url = Some(Secret(smtp.url()));
            s.unconfirmed_hold_minutes = 0;
        },
        false,
    )
    .await;
    let slug = app
        .create_event(
            json!({"capacity": 1, "hold_minutes": 60, "offer_minutes": 60, "title": "Gala"}),
        )
        .await;
    let first = register_as(&app, &slug, "first@example.org", "adult").await;
    let second = register_as(&app, &slug, "second@example.org", "adult").await;
    app.advance(Duration::minutes(29));
    twinning::worker::sweep(&app.ctx).await.unwrap();
    app.run_pending_jobs().await;
    assert_eq!(
        smtp.received().len(),
        2,
        "no payment reminder before half the hold has passed"
    );
    app.advance(Duration::minutes(2));
    twinning::worker::sweep(&app.ctx).await.unwrap(); // payment reminder halfway through the hold
    twinning::worker::sweep(&app.ctx).await.unwrap(); // ... only once
    app.run_pending_jobs().await;
    app.advance(Duration::minutes(30));
    app.run_pending_jobs().await; // hold expiry, offer
    let t2 = second["token"].as_str().unwrap();
    app.post(&format!("/api/v1/registrations/{t2}/claim"), &json!({}))
        .await;
    let pay = json!({"method": "cash", "amount": {"amount_minor": 2500, "currency": "EUR"}});
    app.staff_post(&format!("/api/v1/registrations/{t2}/payments"), &pay)
        .await;
    app.post(
        &format!("/api/v1/registrations/{t2}/cancel"),
        &json!({"reason": "ill"}),
    )
    .await;
    app.run_pending_jobs().await;
    let _ = first;

    let subjects = |to: &str| -> Vec<String> {
        smtp.received()
            .iter()
            .filter(|m| m.to == [to])
            .map(|m| m.parsed().subject().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        subjects("first@example.org"),
        [
            "Registration received: Gala",
            "Payment reminder: Gala",
            "Your seats were released: Gala"
        ]
    );
    assert_eq!(
        subjects("second@example.org"),
        [
            "On the waiting list: Gala",
            "Seats available for you: Gala",
            "Registration received: Gala",
            "Confirmed: Gala",
            "Cancelled: Gala"
        ]
    );
    let cancelled = smtp
        .received()
        .into_iter()
        .rfind(|m| m.to == ["second@example.org"])
        .unwrap();
    assert!(cancelled.parsed().body_text(0).unwrap().contains("(ill)"));
    // The payment reminder says how to pay later: the amount and the payment reference (no
    // instructions are configured here, so who to ask).
    let reference = app.registration(first["token"].as_str().unwrap()).await["payment_reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let reminder = smtp
        .received()
        .into_iter()
        .find(|m| m.parsed().subject() == Some("Payment reminder: Gala"))
        .unwrap();
    let text = reminder.parsed().body_text(0).unwrap().into_owned();
    assert!(
        text.contains(&format!("payment reference {reference}")),
        "{text}"
    );
    assert!(text.contains("We will tell you where to pay"), "{text}");
    assert!(!text.contains("card"), "{text}");
    let offer = smtp
        .received()
        .into_iter()
        .find(|m| m.parsed().subject() == Some("Seats available for you: Gala"))
        .unwrap();
    assert!(
        offer
            .parsed()
            .body_text(0)
            .unwrap()
            .contains(&format!("/offers/{t2}"))
    );
}

#[tokio::test]
async fn staff_hear_about_registrations_awaiting_approval() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(smtp.url()).await;
    let slug = app
        .create_event(json!({"approval_required": true, "title": "Exchange"}))
        .await;
    register_as(&app, &slug, "lucia@example.org", "adult").await;
    app.run_pending_jobs().await;
    let mut to: Vec<String> = smtp.received().iter().map(|m| m.to[0].clone()).collect();
    to.sort();
    assert_eq!(to, ["admin@example.org", "lucia@example.org"]);
    let staff_mail = smtp
        .received()
        .into_iter()
        .find(|m| m.to == ["admin@example.org"])
        .unwrap();
    assert_eq!(
        staff_mail.parsed().subject(),
        Some("To review: Lucía Fernández for Exchange")
    );
}

#[tokio::test]
async fn moving_or_cancelling_an_event_tells_its_attendees() {
    let app = spawn_app().await;
    let slug = app.create_event(json!({"venue": "Town hall"})).await;
    register_as(&app, &slug, "a@example.org", "free").await;
    let gone = register_as(&app, &slug, "b@example.org", "free").await;
    app.cancel(gone["token"].as_str().unwrap()).await;
    app.staff_patch(
        &format!("/api/v1/events/{slug}"),
        &json!({"starts_at": "2031-06-02T18:00", "ends_at": "2031-06-02T23:00"}),
    )
    .await;
    let changed = outbox(&app, "?kind=event_changed").await;
    assert_eq!(changed.len(), 1, "only the live registration hears of it");
    let text = changed[0]["body_text"].as_str().unwrap();
    assert!(
        text.contains("Monday 2 June 2031") && text.contains("Before: Sunday 1 June 2031"),
        "{text}"
    );
    app.staff_patch(
        &format!("/api/v1/events/{slug}"),
        &json!({"title": "Renamed only"}),
    )
    .await;
    assert_eq!(
        outbox(&app, "?kind=event_changed").await.len(),
        1,
        "a title change is not news"
    );
    app.staff_patch(
        &format!("/api/v1/events/{slug}"),
        &json!({"status": "cancelled"}),
    )
    .await;
    assert_eq!(outbox(&app, "?kind=event_cancelled").await.len(), 1);
}

#[tokio::test]
async fn reminders_go_once_to_confirmed_registrations_follow_date_changes_and_catch_up() {
    let app = spawn_app().await;
    let now = app
        .ctx
        .clock
        .now()
        .with_timezone(&chrono_tz::Europe::Madrid);
    let start = (now + Duration::days(10))
        .format("%Y-%m-%dT18:00")
        .to_string();
    let end = (now + Duration::days(10))
        .format("%Y-%m-%dT22:00")
        .to_string();
    let slug = app.create_event(json!({"timezone": "Europe/Madrid", "starts_at": start, "ends_at": end, "reminders": [7, 1]})).await;
    register_as(&app, &slug, "yes@example.org", "free").await;
    let gone = register_as(&app, &slug, "no@example.org", "free").await;
    app.cancel(gone["token"].as_str().unwrap()).await;

    twinning::worker::sweep(&app.ctx).await.unwrap();
    assert!(
        outbox(&app, "?kind=reminder").await.is_empty(),
        "nothing due 10 days ahead"
    );

    // The worker was down over the 7-day due time; it catches up three days late.
    app.advance(Duration::days(6));
    twinning::worker::sweep(&app.ctx).await.unwrap();
    twinning::worker::sweep(&app.ctx).await.unwrap();
    let sent = outbox(&app, "?kind=reminder").await;
    assert_eq!(sent.len(), 1, "once, and not to the cancelled registration");
    assert_eq!(sent[0]["recipient"], "yes@example.org");
    assert!(sent[0]["subject"].as_str().unwrap().ends_with("in 7 days"));

    // Moved a week later: the 7-day reminder for the new date comes in a week.
    let new_start = (now + Duration::days(17))
        .format("%Y-%m-%dT18:00")
        .to_string();
    let new_end = (now + Duration::days(17))
        .format("%Y-%m-%dT22:00")
        .to_string();
    app.staff_patch(
        &format!("/api/v1/events/{slug}"),
        &json!({"starts_at": new_start, "ends_at": new_end}),
    )
    .await;
    twinning::worker::sweep(&app.ctx).await.unwrap();
    assert_eq!(outbox(&app, "?kind=reminder").await.len(), 1);
    // An hour past the new 7-day due time (09:00 in Madrid, 7 days before the new date),
    // whatever time of day the test runs at.
    let due = (now + Duration::days(10))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_local_timezone(chrono_tz::Europe::Madrid)
        .single()
        .unwrap()
        .with_timezone(&chrono::Utc);
    app.advance(due + Duration::hours(1) - app.ctx.clock.now());
    twinning::worker::sweep(&app.ctx).await.unwrap();
    assert_eq!(
        outbox(&app, "?kind=reminder").await.len(),
        2,
        "the new date's 7-day reminder"
    );
    app.advance(Duration::days(6));
    twinning::worker::sweep(&app.ctx).await.unwrap();
    let sent = outbox(&app, "?kind=reminder").await;
    assert_eq!(sent.len(), 3);
    assert!(sent[0]["subject"].as_str().unwrap().ends_with("tomorrow"));
    app.advance(Duration::days(2));
    twinning::worker::sweep(&app.ctx).await.unwrap();
    assert_eq!(
        outbox(&app, "?kind=reminder").await.len(),
        3,
        "nothing after the start"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_draining_a_thousand_emails_send_each_once() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(smtp.url()).await;
    let slug = app.create_event(json!({})).await;
    for chunk in (0..1000).collect::<Vec<_>>().chunks(50) {
        futures::future::join_all(chunk.iter().map(|i| {
            let (app, slug, email) = (&app, &slug, format!("guest{i}@example.org"));
            async move { register_as(app, slug, &email, "free").await }
        }))
        .await;
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut workers = Vec::new();
    for _ in 0..2 {
        let ctx = app.ctx.clone();
        let mut rx = stop_rx.clone();
        workers.push(tokio::spawn(async move {
            let queue = ctx.queue.clone();
            twinning::worker::run_workers(&queue, ctx, async move {
                let _ = rx.wait_for(|s| *s).await;
            })
            .await
        }));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while smtp.received().len() < 1000 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // Let any duplicate that was in flight arrive before counting.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    stop_tx.send(true).unwrap();
    for w in workers {
        let _ = w.await;
    }
    let received = smtp.received();
    let mut ids: Vec<String> = received
        .iter()
        .map(|m| m.parsed().message_id().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(received.len(), 1000, "every email delivered, none twice");
    assert_eq!(ids.len(), 1000);
    assert_eq!(outbox(&app, "?status=sent&limit=500").await.len(), 1000);
}

#[tokio::test]
async fn a_family_paying_later_is_told_the_amount_its_reference_and_where_to_pay() {
    let app = spawn_app_with(
        |s| {
            s.payment_instructions = Some(
                "Bank transfer to Toledo Sister Cities\\nIBAN DE89 3704 0044 0532 0130 00\\nBIC COBADEFFXXX"
                    .to_owned(),
            )
        },
        false,
    )
    .await;
    let slug = app.create_event(json!({"title": "Gala"})).await;
    let created = register_as(&app, &slug, "family@example.org", "adult").await;
    let token = created["token"].as_str().unwrap();
    let reg = app.registration(token).await;
    let reference = reg["payment_reference"].as_str().unwrap().to_owned();
    assert!(
        reference.starts_with("TW-") && reference.len() == "TW-AAAB-XX".len(),
        "{reference}"
    );
    // The received email (held here: no SMTP server) and the private page say the same.
    let held = outbox(&app, "?kind=received").await;
    let text = held[0]["body_text"].as_str().unwrap();
    assert!(text.contains("Amount due: 25.00"), "{text}");
    assert!(
        text.contains(&format!("payment reference {reference}")),
        "{text}"
    );
    assert!(text.contains("IBAN DE89 3704 0044 0532 0130 00") && text.contains("BIC COBADEFFXXX"));
    assert!(
        !text.contains("card"),
        "a family paying later is not sent to a card page: {text}"
    );
    let page = app.get(&format!("/r/{token}")).await.text().await.unwrap();
    assert!(page.contains(&reference), "{page}");
    assert!(
        page.contains("IBAN DE89 3704 0044 0532 0130 00<br>"),
        "{page}"
    );
    // A registration with nothing to pay has no reference.
    let free = register_as(&app, &slug, "free@example.org", "free").await;
    let free = app.registration(free["token"].as_str().unwrap()).await;
    assert!(free.get("payment_reference").is_none(), "{free}");
}
