//! The match workflow: proposed → host_accepted → confirmed, declined, expired, cancelled;
//! the privacy rule (no surname, address, phone or email of the other side before both have
//! accepted); overrides; reminders and deadlines; the placements export.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::exchanges::{approved_household, exchange, profile, register_visitor, visitor_id};
use crate::helpers::{TestApp, assert_error, spawn_app};

/// What the other side must not learn before confirmation.
const HOST_SECRETS: &[&str] = &["Gil", "Calle Mayor", "host@example.org", "+34 600 000 000"];
const VISITOR_SECRETS: &[&str] = &[
    "Carter",
    "visitor@example.org",
    "sarah@example.org",
    "+1 419 555 0100",
];

struct Setup {
    app: TestApp,
    slug: String,
    household: i64,
    registration: i64,
}

/// An exchange with one approved household (Carmen Gil, a dog) and one minor visitor (Tom
/// Carter) whose guardian Sarah has an email and a phone.
async fn setup() -> Setup {
    let app = spawn_app().await;
    let slug = exchange(&app).await;
    let household = approved_household(
        &app,
        "Carmen Gil",
        json!({"pets": [{"species": "dog", "indoors": true}], "area": "Casco histórico",
            "members": [{"name": "Carmen Gil", "born_on": "1975-01-01"}, {"name": "Pablo Gil", "born_on": "2014-05-05"}]}),
    )
    .await;
    let minor = profile(
        json!({"born_on": "2015-03-01", "allergies": [{"agent": "pollen", "severity": "mild"}],
        "guardian": {"name": "Sarah Carter", "email": "sarah@example.org", "phone": "+1 419 555 0100"},
        // Carmen is the household's only adult.
        "consents": ["single_adult_household"]}),
    );
    let registration = visitor_id(&app, &slug, "Tom Carter", minor).await;
    Setup {
        app,
        slug,
        household,
        registration,
    }
}

/// Staff propose Tom to Carmen's household (201 asserted).
async fn propose_the_pair(s: &Setup) -> reqwest::Response {
    let response = propose_pair(s).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response
}

/// Proposes the setup's party with its household.
async fn propose_pair(s: &Setup) -> reqwest::Response {
    propose(
        s,
        json!({"registration": s.registration, "household": s.household}),
    )
    .await
}

async fn propose(s: &Setup, body: Value) -> reqwest::Response {
    s.app
        .staff_post(&format!("/api/v1/events/{}/matches", s.slug), &body)
        .await
}

/// Every email of `kind` (full bodies).
pub async fn emails(app: &TestApp, kind: &str) -> Vec<Value> {
    let list: Vec<Value> = app.list_all(&format!("/api/v1/outbox?kind={kind}")).await;
    let mut out = Vec::new();
    for e in list {
        out.push(
            app.staff_get(&format!("/api/v1/outbox/{}", e["id"]))
                .await
                .json()
                .await
                .unwrap(),
        );
    }
    out
}

pub fn link_in(email: &Value) -> String {
    link_to(email, "/m/")
}

/// The first link in `email`'s text whose path starts with `prefix` (e.g. `/g/`), as a path.
pub fn link_to(email: &Value, prefix: &str) -> String {
    let text = email["body_text"].as_str().unwrap();
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("a link to {prefix}: {text}"));
    text[start..].split_whitespace().next().unwrap().to_owned()
}

/// The one link to answer among `list` (the others are copies without it).
fn answer_link(list: &[Value]) -> String {
    let with: Vec<&Value> = list
        .iter()
        .filter(|e| e["body_text"].as_str().unwrap().contains("/m/"))
        .collect();
    assert_eq!(with.len(), 1, "{list:?}");
    link_in(with[0])
}

fn assert_private(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !text.contains(s),
            "{what} shows {s:?} before confirmation:\n{text}"
        );
    }
}

async fn matches(s: &Setup) -> Vec<Value> {
    s.app
        .list_all(&format!("/api/v1/events/{}/matches", s.slug))
        .await
}

#[tokio::test]
async fn a_match_goes_from_proposal_to_confirmation_and_contacts_are_released_only_then() {
    let s = setup().await;
    let response = propose_the_pair(&s).await;
    let m: Value = response.json().await.unwrap();
    assert_eq!(m["state"], "proposed");

    // The host's email: a minimal profile of the party, in the host's language.
    let proposed = emails(&s.app, "match_proposed").await;
    assert_eq!(proposed.len(), 1);
    assert_eq!(proposed[0]["recipient"], "host@example.org");
    let text = proposed[0]["body_text"].as_str().unwrap();
    assert!(text.contains("Tom, edad 15–17"), "{text}");
    assert!(
        text.contains("polen") || text.contains("pollen"),
        "needs that matter at home: {text}"
    );
    assert_private("the host's email", text, VISITOR_SECRETS);
    assert_private(
        "the host's email",
        proposed[0]["body_html"].as_str().unwrap(),
        VISITOR_SECRETS,
    );

    // Opening the link (or a mail scanner doing so) changes nothing.
    let host_link = link_in(&proposed[0]);
    let mut host = s.app.browser();
    let page = host.get(&host_link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_private("the host's page", &page.body, VISITOR_SECRETS);
    assert_eq!(matches(&s).await[0]["state"], "proposed");
    // The visitor cannot answer before the host.
    let done = host.submit(&host_link, &[("action", "accept")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(matches(&s).await[0]["state"], "host_accepted");

    // The visitor's side (the guardian, for a minor) gets the household's minimal profile.
    // Tom is 16: his guardian answers, and Tom (the registration's contact) gets a copy
    // without the link.
    let offered = emails(&s.app, "match_offered").await;
    let mut to: Vec<&str> = offered
        .iter()
        .map(|e| e["recipient"].as_str().unwrap())
        .collect();
    to.sort_unstable();
    assert_eq!(to, vec!["sarah@example.org", "visitor@example.org"]);
    let copy = offered
        .iter()
        .find(|e| e["recipient"] == "visitor@example.org")
        .unwrap()["body_text"]
        .as_str()
        .unwrap();
    assert!(!copy.contains("/m/"), "the minor cannot answer: {copy}");
    assert!(copy.contains("Sarah Carter"), "who answers: {copy}");
    let offered: Vec<Value> = offered
        .into_iter()
        .filter(|e| e["recipient"] == "sarah@example.org")
        .collect();
    let text = offered[0]["body_text"].as_str().unwrap();
    assert!(
        text.contains("Carmen, Pablo") && text.contains("Casco histórico") && text.contains("dog"),
        "{text}"
    );
    assert!(text.contains("Household: 1 adult, 1 child"), "{text}");
    assert_private("the visitor's email", text, HOST_SECRETS);
    let visitor_link = link_in(&offered[0]);
    assert_ne!(visitor_link, host_link);
    let mut visitor = s.app.browser();
    let page = visitor.get(&visitor_link).await;
    assert_private("the visitor's page", &page.body, HOST_SECRETS);
    // The host's link no longer answers.
    let again = host.submit(&host_link, &[("action", "decline")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let done = visitor.submit(&visitor_link, &[("action", "accept")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(matches(&s).await[0]["state"], "confirmed");

    // Both sides now get the introduction with full names and contacts.
    let intros = emails(&s.app, "match_confirmed").await;
    assert_eq!(intros.len(), 3, "host, guardian and the minor's copy");
    let to_host = intros
        .iter()
        .find(|e| e["recipient"] == "host@example.org")
        .unwrap()["body_text"]
        .as_str()
        .unwrap()
        .to_owned();
    let to_visitor = intros
        .iter()
        .find(|e| e["recipient"] == "sarah@example.org")
        .unwrap()["body_text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        to_host.contains("Tom Carter") && to_host.contains("sarah@example.org"),
        "{to_host}"
    );
    assert!(
        to_visitor.contains("Carmen Gil")
            && to_visitor.contains("Calle Mayor 1")
            && to_visitor.contains("+34 600 000 000"),
        "{to_visitor}"
    );
    let page = visitor.get(&visitor_link).await;
    assert!(
        page.body.contains("Calle Mayor 1"),
        "the address once confirmed: {}",
        page.body
    );

    // The history records who did what; the board keeps the pair.
    let history: Vec<String> = matches(&s).await[0]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}:{}",
                h["to"].as_str().unwrap(),
                h["actor"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            "proposed:staff:admin@example.org",
            "host_accepted:host",
            "confirmed:visitor"
        ]
    );
    let suggestion: Value = s
        .app
        .staff_get(&format!("/api/v1/events/{}/matching", s.slug))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(suggestion["placements"][0]["locked"], true);

    // The placements export.
    let csv = s
        .app
        .staff_get(&format!("/api/v1/events/{}/placements.csv", s.slug))
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let body = csv.text().await.unwrap();
    assert!(body.starts_with("match,state,registration"), "{body}");
    assert!(
        body.contains("confirmed") && body.contains("Tom Carter") && body.contains("Carmen Gil"),
        "{body}"
    );
}

#[tokio::test]
async fn a_declined_pair_goes_back_to_the_pool_staff_are_told_and_it_is_not_suggested_again() {
    let s = setup().await;
    assert_eq!(propose_pair(&s).await.status(), StatusCode::CREATED);
    let link = link_in(&emails(&s.app, "match_proposed").await[0]);
    let mut host = s.app.browser();
    host.get(&link).await;
    let done = host
        .submit(
            &link,
            &[
                ("action", "decline"),
                ("reason", "My mother is visiting that week"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let m = &matches(&s).await[0];
    assert_eq!(m["state"], "declined");
    assert_eq!(
        m["decline_reason"], "My mother is visiting that week",
        "staff see why"
    );
    assert!(
        m["history"].to_string().find("mother").is_none(),
        "the history keeps the reason private"
    );
    let staff = emails(&s.app, "match_closed").await;
    assert!(
        !staff.is_empty()
            && staff[0]["body_text"]
                .as_str()
                .unwrap()
                .contains("The host declined")
    );
    let suggestion: Value = s
        .app
        .staff_get(&format!("/api/v1/events/{}/matching", s.slug))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        suggestion["placements"].as_array().unwrap().is_empty(),
        "{suggestion}"
    );
    assert!(
        suggestion["unplaced"][0]["ruled_out"][0]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("declined"),
        "{suggestion}"
    );
    let again = propose_pair(&s).await;
    assert_error(again, StatusCode::CONFLICT, "constraint_failed", None).await;
}

#[tokio::test]
async fn a_hard_rule_is_overridden_only_with_a_written_reason_which_is_audited() {
    let s = setup().await;
    // Tom develops a severe dog allergy: the household has a dog.
    let allergic = profile(json!({"allergies": [{"agent": "dogs", "severity": "severe"}]}));
    let lena = visitor_id(&s.app, &s.slug, "Lena Vogel", allergic).await;
    let refused = propose(&s, json!({"registration": lena, "household": s.household})).await;
    let body = assert_error(refused, StatusCode::CONFLICT, "constraint_failed", None).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("severe dogs allergy"),
        "{body}"
    );
    let forced = propose(&s, json!({"registration": lena, "household": s.household, "override_reason": "The dog lives with the grandparents during the exchange"})).await;
    assert_eq!(forced.status(), StatusCode::CREATED);
    let m: Value = forced.json().await.unwrap();
    assert_eq!(
        m["override_reason"],
        "The dog lives with the grandparents during the exchange"
    );
    let audit =
        twinning::db::audit::list(&s.app.ctx.db, None, Some("match.override"), None, None, 10)
            .await
            .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0]
            .after_json
            .as_deref()
            .unwrap()
            .contains("grandparents")
    );
    // One active match per party, and no more parties than the household takes.
    assert_error(
        propose(&s, json!({"registration": lena, "household": s.household})).await,
        StatusCode::CONFLICT,
        "already_matched",
        None,
    )
    .await;
    assert_error(
        propose_pair(&s).await,
        StatusCode::CONFLICT,
        "household_full",
        None,
    )
    .await;
    assert_error(
        propose(
            &s,
            json!({"registration": 999_999, "household": s.household}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("registration"),
    )
    .await;
    // Staff cancel; the household has room again.
    let id = m["id"].as_i64().unwrap();
    let cancelled = s
        .app
        .staff_post(
            &format!("/api/v1/matches/{id}/cancel"),
            &json!({"reason": "Family emergency"}),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::NO_CONTENT);
    assert_eq!(propose_pair(&s).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn hosts_are_reminded_after_two_days_and_a_day_before_the_deadline_then_the_match_expires() {
    let s = setup().await;
    assert_eq!(propose_pair(&s).await.status(), StatusCode::CREATED);
    let sweep = || async { twinning::worker::sweep(&s.app.ctx).await.unwrap() };
    sweep().await;
    assert!(
        emails(&s.app, "match_reminder").await.is_empty(),
        "no reminder at once"
    );
    s.app.advance(Duration::hours(49));
    sweep().await;
    sweep().await;
    assert_eq!(
        emails(&s.app, "match_reminder").await.len(),
        1,
        "one reminder after 48 hours"
    );
    s.app.advance(Duration::hours(48));
    sweep().await;
    let reminders = emails(&s.app, "match_reminder").await;
    assert_eq!(reminders.len(), 2, "and one a day before the deadline");
    assert_private(
        "a reminder",
        reminders[1]["body_text"].as_str().unwrap(),
        VISITOR_SECRETS,
    );
    s.app.advance(Duration::hours(24));
    sweep().await;
    let m = &matches(&s).await[0];
    assert_eq!(m["state"], "expired");
    assert!(
        emails(&s.app, "match_closed").await[0]["body_text"]
            .as_str()
            .unwrap()
            .contains("did not answer in time")
    );
    // Too late to answer, and the party is back in the pool.
    let link = link_in(&emails(&s.app, "match_proposed").await[0]);
    let mut host = s.app.browser();
    let page = host.get(&link).await;
    assert!(
        !page.body.contains("value=\"accept\""),
        "no buttons after the deadline"
    );
    let suggestion: Value = s
        .app
        .staff_get(&format!("/api/v1/events/{}/matching", s.slug))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(suggestion["placements"][0]["locked"], false, "{suggestion}");
}

#[tokio::test]
async fn staff_propose_from_the_board_override_with_a_reason_and_cancel() {
    let s = setup().await;
    let mut b = s
        .app
        .staff_browser("coordinator@example.org", "staff")
        .await;
    let board = b.get(&format!("/staff/events/{}/matching", s.slug)).await;
    assert!(
        board.body.contains("Propose every new suggestion"),
        "{}",
        board.body
    );
    let done = b
        .submit(
            &format!("/staff/events/{}/matching/propose-all", s.slug),
            &[],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(matches(&s).await.len(), 1);
    let board = b.get(&format!("/staff/events/{}/matching", s.slug)).await;
    assert!(
        board
            .body
            .contains("proposed by staff:coordinator@example.org"),
        "{}",
        board.body
    );
    // Proposing the same party again is refused with the reason on the board.
    let (reg, household) = (s.registration.to_string(), s.household.to_string());
    let again = b
        .submit(
            &format!("/staff/events/{}/matching/propose", s.slug),
            &[
                ("registration", reg.as_str()),
                ("household", household.as_str()),
                ("override_reason", ""),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("already has a match"), "{}", again.body);
    let id = matches(&s).await[0]["id"].as_i64().unwrap().to_string();
    let cancelled = b
        .submit(
            &format!("/staff/events/{}/matching/cancel", s.slug),
            &[("match", id.as_str()), ("reason", "Dates changed")],
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    assert_eq!(matches(&s).await[0]["state"], "cancelled");
    // A pair breaking a rule: refused without a reason, proposed with one.
    let (other, _) = crate::hosts::apply(
        &s.app,
        json!({"contact": {"name": "Elena Mora", "email": "e@example.org"}}),
    )
    .await;
    let other = other.to_string();
    let refused = b
        .submit(
            &format!("/staff/events/{}/matching/propose", s.slug),
            &[
                ("registration", reg.as_str()),
                ("household", other.as_str()),
                ("override_reason", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.contains("household not approved"),
        "{}",
        refused.body
    );
    let forced = b
        .submit(
            &format!("/staff/events/{}/matching/propose", s.slug),
            &[
                ("registration", reg.as_str()),
                ("household", other.as_str()),
                ("override_reason", "Approval visit done, paperwork pending"),
            ],
        )
        .await;
    assert_eq!(forced.status, StatusCode::SEE_OTHER, "{}", forced.body);
    let board = b.get(&format!("/staff/events/{}/matching", s.slug)).await;
    assert!(
        board
            .body
            .contains("override: Approval visit done, paperwork pending"),
        "{}",
        board.body
    );
}

#[tokio::test]
async fn a_minor_goes_to_a_single_adult_household_only_with_the_guardians_consent() {
    let s = setup().await;
    let no_consent = profile(json!({"born_on": "2016-08-08", "allergies": [],
        "guardian": {"name": "Ben Stone", "email": "ben@example.org"}}));
    let mia = visitor_id(&s.app, &s.slug, "Mia Stone", no_consent).await;
    let refused = propose(&s, json!({"registration": mia, "household": s.household})).await;
    let body = assert_error(refused, StatusCode::CONFLICT, "constraint_failed", None).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("single-adult household"),
        "{body}"
    );
    // Tom's guardian agreed: he can be proposed.
    assert_eq!(propose_pair(&s).await.status(), StatusCode::CREATED);
}

/// Proposes the setup's pair and has both sides accept through their links.
async fn confirm(s: &Setup) {
    assert_eq!(propose_pair(s).await.status(), StatusCode::CREATED);
    let mut b = s.app.browser();
    let host = link_in(&emails(&s.app, "match_proposed").await[0]);
    b.get(&host).await;
    assert_eq!(
        b.submit(&host, &[("action", "accept")]).await.status,
        StatusCode::SEE_OTHER
    );
    let visitor = answer_link(&emails(&s.app, "match_offered").await);
    b.get(&visitor).await;
    assert_eq!(
        b.submit(&visitor, &[("action", "accept")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(matches(s).await[0]["state"], "confirmed");
}

#[tokio::test]
async fn both_sides_are_reminded_fourteen_and_two_days_before_arrival() {
    let s = setup().await;
    confirm(&s).await;
    // The attendee export names each visitor's host household once confirmed.
    let csv = s
        .app
        .staff_get(&format!("/api/v1/events/{}/attendees.csv", s.slug))
        .await
        .text()
        .await
        .unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "Host household")
        .expect("a host household column");
    let tom = lines.find(|l| l.contains("Tom Carter")).unwrap();
    assert_eq!(tom.split(',').nth(col), Some("Carmen Gil"), "{csv}");
    let sweep = || async { twinning::worker::sweep(&s.app.ctx).await.unwrap() };
    sweep().await;
    assert!(
        emails(&s.app, "match_arrival").await.is_empty(),
        "years ahead: nothing yet"
    );
    // The exchange starts on 1 June 2031 (Madrid): move to noon, Madrid time, 13 days before
    // (a whole number of days from now would land on another date at some hours of the day,
    // since Madrid is on summer time in May and not in winter).
    use chrono::TimeZone as _;
    let target = chrono_tz::Europe::Madrid
        .with_ymd_and_hms(2031, 5, 19, 12, 0, 0)
        .unwrap()
        .with_timezone(&chrono::Utc);
    s.app.advance(target - s.app.ctx.clock.now());
    sweep().await;
    sweep().await;
    let first = emails(&s.app, "match_arrival").await;
    assert_eq!(
        first.len(),
        3,
        "host, guardian and the minor's copy, once: {first:?}"
    );
    assert!(
        first
            .iter()
            .all(|e| e["subject"].as_str().unwrap().contains("13")),
        "{first:?}"
    );
    let to_host = first
        .iter()
        .find(|e| e["recipient"] == "host@example.org")
        .unwrap();
    assert!(
        to_host["body_text"]
            .as_str()
            .unwrap()
            .contains("sarah@example.org"),
        "the contacts again"
    );
    s.app.advance(Duration::days(11));
    sweep().await;
    assert_eq!(
        emails(&s.app, "match_arrival").await.len(),
        6,
        "and two days before"
    );
}

#[tokio::test]
async fn staff_set_how_much_each_preference_counts() {
    let s = setup().await;
    let path = format!("/api/v1/events/{}/matching/weights", s.slug);
    let put = |body: Value| {
        let app = &s.app;
        let path = path.clone();
        async move {
            app.client
                .put(format!("{}{path}", app.address))
                .bearer_auth(&app.admin_token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let before: Value = s
        .app
        .staff_get(&format!("/api/v1/events/{}/matching", s.slug))
        .await
        .json()
        .await
        .unwrap();
    assert!(before["placements"][0]["score"].as_i64().unwrap() > 0);
    let response = put(json!({"language": 0, "interests": 0, "household_fit": 0, "load": 0})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let after: Value = response.json().await.unwrap();
    assert_eq!(after["weights"]["language"], 0);
    assert_eq!(after["placements"][0]["score"], 0, "{after}");
    assert_error(
        put(json!({"language": 101, "interests": 0, "household_fit": 0, "load": 0})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("language"),
    )
    .await;
    // The board form does the same.
    let mut b = s
        .app
        .staff_browser("coordinator@example.org", "staff")
        .await;
    b.get(&format!("/staff/events/{}/matching", s.slug)).await;
    let saved = b
        .submit(
            &format!("/staff/events/{}/matching/weights", s.slug),
            &[
                ("language", "20"),
                ("interests", "1"),
                ("household_fit", "8"),
                ("load", "3"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let now: Value = s
        .app
        .staff_get(&format!("/api/v1/events/{}/matching", s.slug))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["weights"]["language"], 20);
}

#[tokio::test]
async fn stays_hosted_in_earlier_exchanges_count_against_a_household() {
    let s = setup().await;
    confirm(&s).await;
    let next = exchange(&s.app).await;
    let response =
        register_visitor(&s.app, &next, "Ana Ruiz", profile(json!({"allergies": []}))).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let m: Value = s
        .app
        .staff_get(&format!("/api/v1/events/{next}/matching"))
        .await
        .json()
        .await
        .unwrap();
    let placement = &m["placements"][0];
    assert_eq!(
        placement["household"]["id"].as_i64(),
        Some(s.household),
        "{m}"
    );
    assert_eq!(
        placement["breakdown"]["load"], -3,
        "one stay hosted before, at the default weight: {m}"
    );
}

#[tokio::test]
async fn staff_exclude_a_pair_with_a_reason_and_the_suggestion_is_re_run_without_it() {
    let s = setup().await;
    let path = format!("/api/v1/events/{}/exclusions", s.slug);
    let missing = json!({"registration": s.registration, "household": s.household, "reason": " "});
    assert_error(
        s.app.staff_post(&path, &missing).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("reason"),
    )
    .await;
    let response = s.app.staff_post(&path, &json!({"registration": s.registration, "household": s.household, "reason": "Families know each other"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let m: Value = response.json().await.unwrap();
    assert!(m["placements"].as_array().unwrap().is_empty(), "{m}");
    assert!(
        m["unplaced"][0]["ruled_out"][0]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("excluded"),
        "{m}"
    );
    assert_error(
        propose_pair(&s).await,
        StatusCode::CONFLICT,
        "constraint_failed",
        None,
    )
    .await;
    let audit =
        twinning::db::audit::list(&s.app.ctx.db, None, Some("match.exclude"), None, None, 10)
            .await
            .unwrap();
    assert!(
        audit[0]
            .after_json
            .as_deref()
            .unwrap()
            .contains("Families know each other")
    );
}

#[tokio::test]
async fn the_board_excludes_a_suggested_pair() {
    let s = setup().await;
    let mut b = s
        .app
        .staff_browser("coordinator@example.org", "staff")
        .await;
    let board = b.get(&format!("/staff/events/{}/matching", s.slug)).await;
    assert!(board.body.contains("/matching/exclude"), "{}", board.body);
    let (reg, household) = (s.registration.to_string(), s.household.to_string());
    let done = b
        .submit(
            &format!("/staff/events/{}/matching/exclude", s.slug),
            &[
                ("registration", reg.as_str()),
                ("household", household.as_str()),
                ("reason", "Too far from school"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let board = b.get(&format!("/staff/events/{}/matching", s.slug)).await;
    assert!(
        board.body.contains("declined or excluded before"),
        "{}",
        board.body
    );
}

#[tokio::test]
async fn a_wrong_answer_gets_a_clear_page_and_a_repeated_sweep_sends_nothing_twice() {
    let s = setup().await;
    assert_eq!(propose_pair(&s).await.status(), StatusCode::CREATED);
    let link = link_in(&emails(&s.app, "match_proposed").await[0]);
    let mut host = s.app.browser();
    host.get(&link).await;
    let odd = host.submit(&link, &[("action", "maybe")]).await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", odd.body);
    assert_eq!(matches(&s).await[0]["state"], "proposed");
    s.app.advance(Duration::days(6));
    for _ in 0..3 {
        twinning::worker::sweep(&s.app.ctx).await.unwrap();
    }
    assert_eq!(matches(&s).await[0]["state"], "expired");
    assert_eq!(
        emails(&s.app, "match_closed").await.len(),
        1,
        "staff told once"
    );
}

/// The statuses of every email of `kind`.
async fn statuses(app: &TestApp, kind: &str) -> Vec<String> {
    emails(app, kind)
        .await
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_household_suspended_after_the_proposal_cannot_accept_and_nobody_is_introduced() {
    let s = setup().await;
    propose_the_pair(&s).await;
    let host_link = link_in(&emails(&s.app, "match_proposed").await[0]);
    let suspended = s
        .app
        .staff_post(
            &format!("/api/v1/hosts/{}/suspend", s.household),
            &json!({"reason": "concern raised by a neighbour"}),
        )
        .await;
    assert_eq!(suspended.status(), StatusCode::OK);

    // The suspension itself withdrew the match, with the rule as its reason.
    let m = &matches(&s).await[0];
    assert_eq!(m["state"], "withdrawn", "{m}");
    let last = m["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["to"], "withdrawn");
    assert!(
        last["reason"].as_str().unwrap().contains("not approved"),
        "{last}"
    );
    // The proposal not yet delivered is cancelled; staff are told why.
    assert_eq!(statuses(&s.app, "match_proposed").await, vec!["cancelled"]);
    let staff = emails(&s.app, "match_closed").await;
    assert!(
        staff.iter().any(|e| e["body_text"]
            .as_str()
            .unwrap()
            .contains("Withdrawn: household not approved")),
        "{staff:?}"
    );

    // Each side is told in neutral words, never why.
    let told = emails(&s.app, "match_withdrawn").await;
    let mut to: Vec<&str> = told
        .iter()
        .map(|e| e["recipient"].as_str().unwrap())
        .collect();
    to.sort_unstable();
    // The proposal never reached the visitor's side: only the host hears of it.
    assert_eq!(to, vec!["host@example.org"]);
    for e in &told {
        let text = e["body_text"].as_str().unwrap();
        assert!(
            !text.contains("approved") && !text.contains("aprobad"),
            "{text}"
        );
        assert!(!text.contains("/m/"), "no link to answer: {text}");
    }
    assert!(
        told.iter().any(|e| e["body_text"]
            .as_str()
            .unwrap()
            .contains("no puede seguir adelante")),
        "the host hears in Spanish"
    );

    // The host still presses Accept: nothing moves, the page says it cannot go ahead.
    let mut host = s.app.browser();
    let done = host.submit(&host_link, &[("action", "accept")]).await;
    assert_ne!(
        done.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        done.body
    );
    assert_eq!(matches(&s).await[0]["state"], "withdrawn");
    let page = host.get(&host_link).await;
    assert!(
        page.body.contains("no puede seguir adelante"),
        "{}",
        page.body
    );
    assert_private("the host's page", &page.body, VISITOR_SECRETS);
    assert!(emails(&s.app, "match_offered").await.is_empty());
    assert!(emails(&s.app, "match_confirmed").await.is_empty());
}

#[tokio::test]
async fn accepting_re_checks_the_pair_with_fresh_data() {
    let s = setup().await;
    propose_pair(&s).await;
    let host_link = link_in(&emails(&s.app, "match_proposed").await[0]);
    // Staff record a later check that is not clear for the only adult.
    let host: Value = s
        .app
        .staff_get(&format!("/api/v1/hosts/{}", s.household))
        .await
        .json()
        .await
        .unwrap();
    let adult = host["members"][0]["id"].clone();
    let recorded = s
        .app
        .staff_post(
            &format!("/api/v1/hosts/{}/screenings", s.household),
            &json!({"member_id": adult, "kind": "criminal_record", "outcome": "not_clear",
                "completed_on": s.app.ctx.clock.now().date_naive().to_string(), "reference": "new conviction"}),
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::CREATED);
    let m = &matches(&s).await[0];
    assert_eq!(m["state"], "withdrawn", "{m}");
    let mut host = s.app.browser();
    let done = host.submit(&host_link, &[("action", "accept")]).await;
    assert_ne!(done.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(matches(&s).await[0]["state"], "withdrawn");
    assert!(emails(&s.app, "match_confirmed").await.is_empty());
}

#[tokio::test]
async fn a_placed_registration_that_is_cancelled_takes_its_match_with_it() {
    let s = setup().await;
    propose_pair(&s).await;
    let reg = twinning::db::registrations::get(&s.app.ctx.db, s.registration)
        .await
        .unwrap()
        .unwrap();
    twinning::registrations::cancel(
        &s.app.ctx,
        &reg.token,
        twinning::registrations::Actor::Participant,
        twinning::domain::TransitionReason::CancelledByParticipant,
        None,
    )
    .await
    .unwrap();
    let m = &matches(&s).await[0];
    assert_eq!(m["state"], "withdrawn", "{m}");
    assert_eq!(statuses(&s.app, "match_proposed").await, vec!["cancelled"]);
}

#[tokio::test]
async fn moving_the_exchange_past_the_households_dates_withdraws_its_match() {
    let s = setup().await;
    propose_pair(&s).await;
    // The household is available until 20 June; the exchange moves to July.
    let moved = s
        .app
        .staff_patch(
            &format!("/api/v1/events/{}", s.slug),
            &json!({"starts_at": "2031-07-01T09:00", "ends_at": "2031-07-11T18:00"}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let m = &matches(&s).await[0];
    assert_eq!(m["state"], "withdrawn", "{m}");
    let last = m["history"].as_array().unwrap().last().unwrap().clone();
    assert!(
        last["reason"]
            .as_str()
            .unwrap()
            .contains("not available for every night"),
        "{last}"
    );
}

/// The placements export neutralises spreadsheet formulas (DESIGN section 6), here in a
/// household's area.
#[tokio::test]
async fn the_placements_export_neutralises_formulas() {
    let app = spawn_app().await;
    let slug = exchange(&app).await;
    let household = approved_household(
        &app,
        "Carmen Gil",
        json!({"area": "=HYPERLINK(\"http://x\",\"y\")"}),
    )
    .await;
    let registration = visitor_id(&app, &slug, "Ana Ruiz", profile(json!({}))).await;
    let proposed = app
        .staff_post(
            &format!("/api/v1/events/{slug}/matches"),
            &json!({"registration": registration, "household": household}),
        )
        .await;
    assert_eq!(proposed.status(), StatusCode::CREATED);
    let body = app
        .staff_get(&format!("/api/v1/events/{slug}/placements.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("'=HYPERLINK("), "{body}");
    assert!(
        !body.contains(",=HYPERLINK(") && !body.contains(",\"=HYPERLINK("),
        "{body}"
    );
}
