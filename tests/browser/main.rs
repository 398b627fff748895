//! End-to-end tests in Debian's headless Chromium, driven over WebDriver (chromedriver), with
//! the axe-core accessibility check (WCAG 2.1 A and AA rules) on every page visited and a
//! check that each page fits a 360 px wide screen.
//!
//! Needs `chromium`, `chromium-driver` and `npm ci --prefix tests/browser`; run with
//! `cargo test --features browser-tests --test browser`. With `TWINNING_SCREENSHOTS=DIR` the
//! main pages are saved as PNG files in DIR (that is how `docs/screenshots/` is made).

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use helpers::{TestApp, spawn_app};

/// A chromedriver process and a browser session on it.
struct Chrome {
    client: Client,
    driver: Child,
    app: String,
    _profile: tempfile::TempDir,
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

async fn chrome(app: &TestApp) -> Chrome {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let driver_path =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_owned());
    let driver = Command::new(&driver_path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {driver_path} ({e}): apt-get install chromium chromium-driver")
        });
    let profile = tempfile::tempdir().expect("profile dir");
    let caps = json!({
        "goog:chromeOptions": {
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned()),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }
    });
    let caps = caps.as_object().expect("object").clone();
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = None;
    for _ in 0..100 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                return Chrome {
                    client,
                    driver,
                    app: app.address.clone(),
                    _profile: profile,
                };
            }
            Err(e) => {
                last_error = Some(e);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    panic!("chromedriver did not start: {last_error:?}");
}

impl Chrome {
    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.app))
            .await
            .expect("navigates");
    }

    async fn text(&self) -> String {
        self.client
            .find(Locator::Css("main"))
            .await
            .expect("main")
            .text()
            .await
            .expect("text")
    }

    async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("url")
            .path()
            .to_owned()
    }

    async fn fill(&self, css: &str, value: &str) {
        let e = self.client.find(Locator::Css(css)).await.expect(css);
        e.clear().await.expect("clear");
        e.send_keys(value).await.expect("type");
    }

    /// Sets a field's value directly (date inputs take typed keys in the browser's locale).
    async fn set(&self, css: &str, value: &str) {
        self.client
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1];",
                vec![css.into(), value.into()],
            )
            .await
            .expect("value set");
    }

    /// Clicks something that does not leave the page (a checkbox).
    async fn tick(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .expect("click");
    }

    /// Clicks a link or button and waits for the next page to load.
    async fn click(&self, css: &str) {
        self.navigate_by(Locator::Css(css), css).await;
    }

    /// Clicks the link with this text and waits for the next page.
    async fn click_link(&self, text: &str) {
        self.navigate_by(Locator::LinkText(text), text).await;
    }

    async fn navigate_by(&self, locator: Locator<'_>, what: &str) {
        let old = self.client.find(Locator::Css("main")).await.expect("main");
        self.client
            .find(locator)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"))
            .click()
            .await
            .expect("click");
        for _ in 0..200 {
            if old.tag_name().await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("clicking {what} did not load a page");
    }

    /// Runs axe-core on the page and fails on any WCAG 2.1 A/AA violation; then checks the
    /// page fits 360 px without sideways scrolling.
    async fn check(&self, name: &str) {
        let axe = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/browser/node_modules/axe-core/axe.min.js"
        ))
        .expect("axe-core installed: npm ci --prefix tests/browser");
        self.client.execute(&axe, vec![]).await.expect("axe loads");
        let violations = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                   .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                       nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))
                   .catch(e => done([{id: 'axe-error', help: String(e)}]));",
                vec![],
            )
            .await
            .expect("axe runs");
        assert_eq!(
            violations,
            json!([]),
            "{name}: accessibility violations:\n{violations:#}"
        );
        self.client.set_window_size(360, 800).await.expect("resize");
        let overflow = self
            .client
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .expect("measure");
        self.client
            .set_window_size(1280, 1000)
            .await
            .expect("resize");
        assert!(
            overflow.as_i64().unwrap_or(1) <= 0,
            "{name}: wider than a 360 px screen by {overflow} px"
        );
    }

    /// Saves a screenshot when `TWINNING_SCREENSHOTS` names a directory.
    async fn screenshot(&self, name: &str) {
        let Ok(dir) = std::env::var("TWINNING_SCREENSHOTS") else {
            return;
        };
        let height = self
            .client
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(1000)
            .clamp(600, 2400);
        self.client
            .set_window_size(1280, height as u32)
            .await
            .expect("resize");
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(format!("{dir}/{name}.png"), png).expect("screenshot saved");
        self.client
            .set_window_size(1280, 1000)
            .await
            .expect("resize");
    }

    async fn close(self) {
        let client = self.client.clone();
        client.close().await.expect("browser closes");
    }
}

/// The sample's minor (Lena): her registration's id and her guardian's token.
async fn sample_guardian(app: &TestApp) -> (i64, String) {
    let db = &app.ctx.db;
    let event = twinning::db::events::find_by_slug(db, "delmenhorst-delegation")
        .await
        .unwrap()
        .expect("the sample exchange");
    let lena = twinning::db::registrations::list_for_event(db, event.id, None)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.contact_email == "lena@example.org")
        .expect("Lena's registration");
    let guardian = twinning::db::guardians::of_registration(db, lena.id)
        .await
        .unwrap()
        .remove(0);
    (lena.id, guardian.token)
}

async fn sample_app() -> TestApp {
    let app = spawn_app().await;
    twinning::app::sample::load_if_empty(&app.ctx)
        .await
        .expect("sample site loads");
    app
}

#[tokio::test]
async fn a_visitor_switches_to_spanish_and_registers_entirely_in_spanish() {
    let app = sample_app().await;
    let c = chrome(&app).await;
    c.goto("/").await;
    c.click("a[hreflang=es]").await;
    assert_eq!(c.path().await, "/");
    let text = c.text().await;
    assert!(text.contains("Próximos eventos e intercambios"), "{text}");
    c.check("home in Spanish").await;

    c.click_link("Festival de Toledo, España").await;
    let text = c.text().await;
    assert!(text.contains("Ven con toda la familia"), "{text}");
    c.check("event page in Spanish").await;
    c.click_link("Inscribirme").await;
    c.click("button.primary").await;
    let text = c.text().await;
    assert!(text.contains("Corrige estos"), "{text}");
    assert!(text.contains("Tu nombre: no puede estar vacío"), "{text}");
    c.check("registration form with errors in Spanish").await;

    assert!(
        text.contains("Talla de la camiseta del festival") && text.contains("Entrada general"),
        "the event's own questions and tickets in Spanish: {text}"
    );
    c.screenshot("register-errors-es").await;
    c.fill("#contact-name", "Lucía Fernández").await;
    c.fill("#contact-email", "lucia@example.org").await;
    c.fill("#participants-0-name", "Lucía Fernández").await;
    c.tick("#consent-0").await;
    c.click("button.primary").await;
    assert!(c.path().await.starts_with("/r/"));
    let text = c.text().await;
    assert!(
        text.contains("Confirmada") && text.contains("Código de acceso"),
        "{text}"
    );
    c.check("private page in Spanish").await;
    c.screenshot("private-page-es").await;
}

#[tokio::test]
async fn a_participant_registers_a_group_of_two_and_downloads_the_calendar_file() {
    let app = sample_app().await;
    let c = chrome(&app).await;
    c.goto("/").await;
    c.check("home").await;
    c.screenshot("home").await;
    assert!(c.text().await.contains("Festival of Toledo, Spain"));

    c.click("main a[href=\"/partners/toledo-spain\"]").await;
    assert_eq!(c.path().await, "/partners/toledo-spain");
    c.check("partner page").await;

    c.goto("/").await;
    c.click_link("Festival of Toledo, Spain").await;
    assert_eq!(c.path().await, "/events/toledo-spain-festival");
    c.check("event page").await;
    c.screenshot("event").await;

    c.click_link("Register").await;
    c.check("registration form").await;
    // Submitting the empty form: a summary at the top and a message by each field.
    c.click("button.primary").await;
    let text = c.text().await;
    assert!(text.contains("Please correct"), "{text}");
    c.check("registration form with errors").await;
    c.screenshot("register-errors").await;

    c.fill("#contact-name", "Ana García").await;
    c.fill("#contact-email", "ana@example.org").await;
    c.fill("#participants-0-name", "Ana García").await;
    c.click("button[value=add]").await;
    // What was typed survives the round trip that adds a row.
    let kept = c
        .client
        .find(Locator::Css("#contact-email"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("ana@example.org"));
    c.fill("#participants-1-name", "Luis García").await;
    c.tick("#consent-0").await;
    c.click("button.primary").await;
    let path = c.path().await;
    assert!(
        path.starts_with("/r/"),
        "lands on the private page, not {path}"
    );
    let text = c.text().await;
    assert!(text.contains("Confirmed"), "{text}");
    assert!(text.contains("Luis García"));
    c.check("private page").await;
    c.screenshot("private-page").await;

    let ics = c
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const link = document.querySelector('a[href$=\"calendar.ics\"]');
             fetch(link.href).then(r => r.text().then(t => done({type: r.headers.get('content-type'), body: t})))
               .catch(e => done({error: String(e)}));",
            vec![],
        )
        .await
        .expect("download");
    assert!(
        ics["type"]
            .as_str()
            .unwrap_or("")
            .starts_with("text/calendar"),
        "{ics}"
    );
    let body = ics["body"].as_str().unwrap_or("");
    assert!(body.contains("BEGIN:VCALENDAR") && body.contains("SUMMARY:Festival of Toledo"));

    c.click_link("Cancel this registration").await;
    assert!(c.text().await.contains("no refund is due"));
    c.check("cancel confirmation").await;
    c.close().await;
}

#[tokio::test]
async fn a_visitor_on_a_full_event_joins_the_waitlist_and_claims_a_freed_seat() {
    let app = sample_app().await;
    let c = chrome(&app).await;
    c.goto("/events/delmenhorst-youth-orchestra").await;
    assert!(c.text().await.contains("The event is full"));
    c.click_link("Join the waitlist").await;
    c.fill("#contact-name", "Kim Lee").await;
    c.fill("#contact-email", "kim@example.org").await;
    c.fill("#participants-0-name", "Kim Lee").await;
    c.click("button.primary").await;
    let text = c.text().await;
    assert!(text.contains("On the waitlist"), "{text}");
    c.check("waitlisted private page").await;
    let token = c.path().await.trim_start_matches("/r/").to_owned();

    // Two people cancel: the first in line and then the visitor get offers, and the visitor
    // claims the seat on the offer page.
    let holders = twinning::db::registrations::list_for_event(
        &app.ctx.db,
        twinning::db::events::find_by_slug(&app.ctx.db, "delmenhorst-youth-orchestra")
            .await
            .unwrap()
            .unwrap()
            .id,
        Some("pending_payment"),
    )
    .await
    .unwrap();
    for holder in &holders[..2] {
        twinning::registrations::cancel(
            &app.ctx,
            &holder.token,
            twinning::registrations::Actor::Participant,
            twinning::domain::TransitionReason::CancelledByParticipant,
            None,
        )
        .await
        .unwrap();
    }
    c.goto(&format!("/offers/{token}")).await;
    assert!(c.text().await.contains("A seat is free for you"));
    c.check("offer page").await;
    c.click("button.primary").await;
    let text = c.text().await;
    assert!(text.contains("Awaiting payment"), "{text}");
    c.close().await;
}

#[tokio::test]
async fn staff_sign_in_find_a_registration_record_a_payment_and_the_participant_sees_it() {
    let app = sample_app().await;
    let c = chrome(&app).await;
    c.goto("/staff/").await;
    assert_eq!(c.path().await, "/staff/login");
    c.check("sign-in page").await;
    c.fill("#email", "admin@example.org").await;
    c.fill("#password", "a long test password").await;
    c.click("button.primary").await;
    assert_eq!(c.path().await, "/staff/");
    c.check("staff dashboard").await;
    c.screenshot("staff-dashboard").await;

    c.click_link("Delmenhorst Youth Orchestra in concert").await;
    c.check("event dashboard").await;
    c.screenshot("staff-event").await;
    c.click_link("Registrations").await;
    c.fill("#q", "garcía").await;
    c.click("form[role=search] button").await;
    let text = c.text().await;
    assert!(
        text.contains("Ana García") && !text.contains("Jonas Becker"),
        "{text}"
    );
    c.check("registrations list").await;
    c.click_link("Ana García").await;
    assert!(c.text().await.contains("pending_payment"));
    c.check("registration detail").await;
    c.fill("#pay-reference", "BANK-2031-17").await;
    c.click("form[action$=\"/payment\"] button").await;
    let text = c.text().await;
    assert!(
        text.contains("confirmed") && text.contains("BANK-2031-17"),
        "{text}"
    );
    assert!(text.contains("Record a refund"), "{text}");
    c.check("registration detail with the refund form").await;
    c.screenshot("staff-registration").await;

    c.click_link("open as the participant sees it").await;
    let text = c.text().await;
    assert!(text.contains("Confirmed"), "{text}");

    for (path, name) in [
        ("/staff/events", "events list"),
        ("/staff/events/new", "new event form"),
        (
            "/staff/events/toledo-spain-festival/edit",
            "edit event form",
        ),
        ("/staff/users", "staff users"),
        ("/staff/audit", "audit log"),
        (
            "/staff/events/delmenhorst-youth-orchestra/checkin?q=garc",
            "check-in page",
        ),
        ("/staff/outbox", "outbox"),
    ] {
        c.goto(path).await;
        c.check(name).await;
    }
    c.click("table a[href^=\"/staff/outbox/\"]").await;
    c.check("one email").await;
    // A message to the concert's attendees: write, preview as the first recipient sees it.
    c.goto("/staff/events/delmenhorst-youth-orchestra/messages/new")
        .await;
    c.check("message form").await;
    c.fill("#m-subject", "Doors open at 19:00").await;
    c.fill("#m-body", "Please come early: seating is unreserved.")
        .await;
    c.click("button[value=preview]").await;
    let text = c.text().await;
    assert!(text.contains("will get this message"), "{text}");
    c.check("message preview").await;
    // An invalid event form keeps its values and is accessible too.
    c.goto("/staff/events/new").await;
    c.click("button.primary").await;
    assert!(c.text().await.contains("Please correct"));
    c.check("event form with errors").await;
    let sign_out: Value = c
        .client
        .execute(
            "return document.querySelector('form[action=\"/staff/logout\"]') !== null;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(sign_out, json!(true));
    c.close().await;
}

/// Every page, as the server sent it (including forms re-rendered with errors), passes the Nu
/// HTML Checker (the W3C validator, `vnu.jar` from npm, run on this machine's Java).
#[tokio::test]
async fn every_page_is_valid_html() {
    let app = sample_app().await;
    let festival = "toledo-spain-festival";
    let created = app.register(festival, "general", &["Mei Tanaka"]).await;
    let confirmed = created["token"].as_str().unwrap().to_owned();
    let created = app.register(festival, "gala-dinner", &["Sam Okafor"]).await;
    let pending = created["token"].as_str().unwrap().to_owned();
    let reg_id = twinning::registrations::find(&app.ctx, &pending)
        .await
        .unwrap()
        .id;

    let mut pages: Vec<(String, String)> = Vec::new();
    let mut b = app.browser();
    for path in [
        "/".to_owned(),
        "/?partner=toledo-spain".to_owned(),
        format!("/events/{festival}"),
        "/events/delmenhorst-youth-orchestra".to_owned(),
        format!("/events/{festival}/register"),
        format!("/events/{festival}/register?participants=3"),
        format!("/r/{confirmed}"),
        format!("/r/{pending}"),
        format!("/r/{pending}/cancel"),
        format!("/offers/{pending}"),
        "/partners/toyohashi".to_owned(),
        "/no-such-page".to_owned(),
        "/staff/login".to_owned(),
    ] {
        let page = b.get(&path).await;
        pages.push((path, page.body));
    }
    b.get(&format!("/events/{festival}/register")).await;
    let errors = b
        .submit(
            &format!("/events/{festival}/register"),
            &[
                ("contact.email", "nope"),
                ("participants[0].name", ""),
                ("action", "register"),
            ],
        )
        .await;
    assert_eq!(errors.status.as_u16(), 422);
    pages.push(("register with errors".to_owned(), errors.body));

    // The same public pages in Spanish and German.
    for lang in ["es", "de"] {
        b.get(&format!("/language/{lang}?back=/")).await;
        for path in [
            "/".to_owned(),
            format!("/events/{festival}"),
            format!("/events/{festival}/register"),
            format!("/r/{confirmed}"),
            format!("/r/{pending}"),
            format!("/r/{pending}/cancel"),
            format!("/offers/{pending}"),
            "/partners/toledo-spain".to_owned(),
            "/no-such-page".to_owned(),
        ] {
            let page = b.get(&path).await;
            assert!(
                page.body.contains(&format!("<html lang=\"{lang}\">")),
                "{path}"
            );
            pages.push((format!("{path} ({lang})"), page.body));
        }
    }

    // A paid registration: the staff page shows the ledger and the refund form.
    let paid = app.register(festival, "gala-dinner", &["Ana Paid"]).await;
    let paid_token = paid["token"].as_str().unwrap().to_owned();
    let pay = json!({"method": "cash", "amount": {"amount_minor": 4500, "currency": "USD"}});
    let response = app
        .staff_post(
            &format!("/api/v1/registrations/{paid_token}/payments"),
            &pay,
        )
        .await;
    assert!(response.status().is_success());
    let paid_id = twinning::registrations::find(&app.ctx, &paid_token)
        .await
        .unwrap()
        .id;
    let page = b.get(&format!("/r/{paid_token}/cancel")).await;
    pages.push(("cancel page with a refund".to_owned(), page.body));

    let mut staff = app.staff_browser("valid@example.org", "admin").await;
    let page = staff.get(&format!("/staff/registrations/{paid_id}")).await;
    assert!(page.body.contains("Record a refund"), "{}", page.body);
    pages.push((
        "paid registration with the refund form".to_owned(),
        page.body,
    ));
    for path in [
        "/staff/".to_owned(),
        "/staff/events".to_owned(),
        "/staff/events/new".to_owned(),
        format!("/staff/events/{festival}"),
        format!("/staff/events/{festival}/edit"),
        format!("/staff/events/{festival}/registrations"),
        format!("/staff/registrations/{reg_id}"),
        "/staff/users".to_owned(),
        "/staff/audit".to_owned(),
        "/staff/outbox".to_owned(),
        "/staff/outbox/1".to_owned(),
        format!("/staff/events/{festival}/checkin?q=mei"),
        format!("/staff/events/{festival}/messages/new"),
    ] {
        let page = staff.get(&path).await;
        assert_eq!(page.status.as_u16(), 200, "{path}");
        pages.push((path, page.body));
    }
    // The exchange: a guardian's page (answered, and with errors), a household's own page,
    // and the staff pages of a household and of a minor's registration.
    let (lena_id, guardian_token) = sample_guardian(&app).await;
    let household = twinning::db::hosts::list(&app.ctx.db, None)
        .await
        .unwrap()
        .remove(0);
    let mut public = app.browser();
    for path in [
        format!("/g/{guardian_token}"),
        format!("/h/{}", household.token),
    ] {
        let page = public.get(&path).await;
        assert_eq!(page.status.as_u16(), 200, "{path}");
        pages.push((path, page.body));
    }
    public.get(&format!("/g/{guardian_token}")).await;
    let errors = public
        .submit(&format!("/g/{guardian_token}"), &[("decision", "confirm")])
        .await;
    assert_eq!(errors.status.as_u16(), 422);
    pages.push(("guardian page with errors".to_owned(), errors.body));
    for path in [
        format!("/staff/hosts/{}", household.id),
        "/staff/hosts".to_owned(),
        format!("/staff/registrations/{lena_id}"),
    ] {
        let page = staff.get(&path).await;
        assert_eq!(page.status.as_u16(), 200, "{path}");
        pages.push((path, page.body));
    }
    let preview = staff
        .submit(
            &format!("/staff/events/{festival}/messages"),
            &[
                ("form_key", "valid-html-preview"),
                ("status", ""),
                ("subject", "Parking"),
                ("body", "Park behind the museum."),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(preview.status.as_u16(), 200);
    pages.push(("message preview".to_owned(), preview.body));
    staff.get("/staff/events/new").await;
    let errors = staff
        .submit("/staff/events/new", &[("title", ""), ("action", "save")])
        .await;
    assert_eq!(errors.status.as_u16(), 422);
    pages.push(("event form with errors".to_owned(), errors.body));

    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, (path, body)) in pages.iter().enumerate() {
        let file = dir.path().join(format!("page-{i}.html"));
        std::fs::write(&file, body).unwrap();
        files.push((file, path.clone()));
    }
    let vnu = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/browser/node_modules/vnu-jar/build/dist/vnu.jar"
    );
    let output = Command::new("java")
        .args(["-jar", vnu, "--errors-only", "--format", "gnu"])
        .args(files.iter().map(|(f, _)| f))
        .output()
        .expect("java runs the Nu HTML Checker (npm ci --prefix tests/browser)");
    let mut report = String::from_utf8_lossy(&output.stderr).into_owned();
    report.push_str(&String::from_utf8_lossy(&output.stdout));
    for (file, path) in &files {
        report = report.replace(&file.display().to_string(), path);
    }
    assert!(output.status.success(), "invalid HTML:\n{report}");
}

#[tokio::test]
async fn a_family_applies_to_host_from_the_home_page_and_sees_its_household_page() {
    let app = sample_app().await;
    let c = chrome(&app).await;
    c.goto("/").await;
    c.click("a[href=\"/host\"]").await;
    assert_eq!(c.path().await, "/host");
    c.check("host application form").await;
    c.click("button.primary").await;
    let text = c.text().await;
    assert!(
        text.contains("Your name: must not be empty") || text.contains("must not be empty"),
        "{text}"
    );
    c.check("host application form with errors").await;
    c.fill("#contact-name", "Ana Ruiz").await;
    c.fill("#contact-email", "ana@example.org").await;
    c.fill("#address", "Calle Ancha 3, Toledo").await;
    c.fill("#members-0-name", "Ana Ruiz").await;
    // The name to show starts as the first word of the name typed.
    let shown = c
        .client
        .execute(
            "return document.getElementById('members-0-display-name').value;",
            vec![],
        )
        .await
        .expect("reads the field");
    assert_eq!(shown, json!("Ana"));
    c.set("#members-0-born-on", "1975-03-09").await;
    c.tick("#pets input[value=dog]").await;
    c.set("#available-0-from", "2031-06-01").await;
    c.set("#available-0-to", "2031-06-10").await;
    c.click("button.primary").await;
    assert!(c.path().await.starts_with("/h/"), "{}", c.text().await);
    let text = c.text().await;
    assert!(text.contains("Thank you for applying to host"), "{text}");
    assert!(text.contains("still to do: Ana Ruiz"), "{text}");
    c.check("household page").await;
    c.screenshot("household-page").await;

    // The sample's minor: her guardian's own page, and with a wrong answer.
    let (_, token) = sample_guardian(&app).await;
    c.goto(&format!("/g/{token}")).await;
    c.check("guardian page").await;
    c.tick("input[name=\"consents.single_adult_household\"][value=refuse]")
        .await;
    c.fill("#emergency-phone", "").await;
    c.click("button.primary").await;
    c.check("guardian page with errors").await;
    c.close().await;
}
