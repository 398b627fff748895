//! Load tool: drives a running `twinning serve` over HTTP and reports registrations per
//! second, latency percentiles, a capacity rush, and the server's peak memory.
//!
//! ```sh
//! benches/run.sh                      # builds, starts a fresh server, runs this, stops it
//! cargo bench --bench load -- --url http://127.0.0.1:8080 --token TOKEN [--server-pid PID]
//! ```

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde_json::{Value, json};

struct Args {
    url: String,
    token: String,
    server_pid: Option<u32>,
    levels: Vec<usize>,
    requests_per_level: usize,
    rush: usize,
    rush_seats: usize,
    /// Confirmation emails to send through the server's SMTP pipeline (0 = skip).
    emails: usize,
    /// Requests per page and concurrency in the page benchmark (0 = skip).
    pages: usize,
    /// `Accept-Language` of the page requests (`es`, `de`); none = the server's default.
    page_language: Option<String>,
    /// Participants checked in by the door benchmark (0 = skip).
    checkins: usize,
    /// Participants in the export benchmark (0 = skip).
    export: usize,
    /// Port of the SMTP sink this tool runs (the server's SMTP_URL must point at it).
    smtp_port: u16,
    /// What the measured registrations are.
    mix: Mix,
}

/// The registrations of the throughput levels.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mix {
    /// Paid later: one adult (three in four) or an adult and a free child; seats held, a
    /// `received` email and a hold-expiry job.
    Later,
    /// One free participant: confirmed at once, with the confirmation email and its codes.
    Free,
    /// Five participants paying later (two adults, three children).
    Five,
}

fn parse_args() -> Args {
    let mut args = Args {
        url: "http://127.0.0.1:8080".into(),
        token: String::new(),
        server_pid: None,
        levels: vec![1, 8, 32],
        requests_per_level: 4000,
        rush: 500,
        rush_seats: 100,
        emails: 0,
        pages: 2000,
        page_language: None,
        checkins: 2000,
        export: 0,
        smtp_port: 2525,
        mix: Mix::Later,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => args.url = value(),
            "--token" => args.token = value(),
            "--server-pid" => args.server_pid = Some(value().parse().expect("pid")),
            "--concurrency" => {
                args.levels = value()
                    .split(',')
                    .filter(|c| *c != "none")
                    .map(|c| c.parse().expect("number"))
                    .collect()
            }
            "--requests" => args.requests_per_level = value().parse().expect("number"),
            "--rush" => args.rush = value().parse().expect("number"),
            "--rush-seats" => args.rush_seats = value().parse().expect("number"),
            "--emails" => args.emails = value().parse().expect("number"),
            "--pages" => args.pages = value().parse().expect("number"),
            "--page-language" => args.page_language = Some(value()),
            "--checkins" => args.checkins = value().parse().expect("number"),
            "--export" => args.export = value().parse().expect("number"),
            "--smtp-port" => args.smtp_port = value().parse().expect("port"),
            "--mix" => {
                args.mix = match value().as_str() {
                    "later" => Mix::Later,
                    "free" => Mix::Free,
                    "five" => Mix::Five,
                    other => panic!("--mix later|free|five, not {other}"),
                }
            }
            "--bench" => {} // passed by `cargo bench`
            "--help" | "-h" => {
                println!(
                    "load --url URL --token STAFF_TOKEN [--server-pid PID] [--concurrency 1,8,32] \
                     [--requests 4000] [--rush 500] [--rush-seats 100] [--pages 2000 [--page-language es]] [--checkins 2000] [--export 100000] [--emails 5000 --smtp-port 2525] [--mix later|free|five]"
                );
                std::process::exit(0);
            }
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(
        !args.token.is_empty(),
        "--token is required (twinning admin create-token)"
    );
    args
}

async fn create_event(client: &reqwest::Client, args: &Args, slug: &str, capacity: Option<usize>) {
    let body = json!({
        "slug": slug, "kind": "event", "title": "Load test", "timezone": "Europe/Madrid",
        "starts_at": "2031-06-01T18:00", "ends_at": "2031-06-01T23:00", "status": "published",
        "capacity": capacity, "payment_options": ["later"],
        "offerings": [
            {"key": "adult", "name": "Adult", "price": {"amount_minor": 2500, "currency": "EUR"}},
            {"key": "child", "name": "Child", "price": {"amount_minor": 0, "currency": "EUR"}}
        ]
    });
    let response = client
        .post(format!("{}/api/v1/events", args.url))
        .bearer_auth(&args.token)
        .json(&body)
        .send()
        .await
        .expect("server answers");
    assert!(
        response.status().is_success(),
        "creating event: {}",
        response.text().await.unwrap_or_default()
    );
}

fn registration(i: usize, mix: Mix) -> Value {
    let person =
        |who: &str, offering: &str| json!({"name": format!("{who} {i}"), "offering": offering});
    // Mostly single adults (pay later: holds seats and queues an expiry job), some families.
    let participants: Vec<Value> = match (mix, i % 4) {
        (Mix::Free, _) => vec![person("Guest", "child")],
        (Mix::Five, _) => vec![
            person("Parent", "adult"),
            person("Second parent", "adult"),
            person("Child", "child"),
            person("Second child", "child"),
            person("Third child", "child"),
        ],
        (Mix::Later, 3) => vec![
            json!({"name": format!("Parent {i}"), "offering": "adult"}),
            json!({"name": format!("Child {i}"), "offering": "child"}),
        ],
        (Mix::Later, _) => vec![person("Guest", "adult")],
    };
    let mut body = json!({"contact": {"name": format!("Guest {i}"), "email": format!("guest{i}@example.org"), "language": "en"},
        "participants": participants});
    if mix != Mix::Free {
        body["payment"] = json!("later");
    }
    body
}

/// Fires `total` registrations with `concurrency` in flight; returns (elapsed, histogram µs, statuses).
async fn run_level(
    client: &reqwest::Client,
    url: &str,
    mix: Mix,
    concurrency: usize,
    total: usize,
) -> (Duration, Histogram<u64>, usize) {
    let (client, url) = (client.clone(), url.to_owned());
    drive(concurrency, total, 201, move |i| {
        client.post(&url).json(&registration(i, mix))
    })
    .await
}

/// Sends `total` requests made by `make(i)` with `concurrency` in flight; returns (elapsed,
/// histogram µs, answers other than `expected`).
async fn drive(
    concurrency: usize,
    total: usize,
    expected: u16,
    make: impl Fn(usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
) -> (Duration, Histogram<u64>, usize) {
    drive_paced(concurrency, total, expected, Duration::ZERO, false, make).await
}

/// [`drive`] with each of the `concurrency` clients waiting `pause` between its requests.
async fn drive_paced(
    concurrency: usize,
    total: usize,
    expected: u16,
    pause: Duration,
    stagger: bool,
    make: impl Fn(usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
) -> (Duration, Histogram<u64>, usize) {
    let make = Arc::new(make);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let make = make.clone();
        let next = next.clone();
        // Staggered workers start spread over one pause, like independent people; otherwise
        // they all fire at the same instant every round (a synchronised burst).
        let delay = if stagger {
            pause * worker as u32 / concurrency as u32
        } else {
            Duration::ZERO
        };
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
            let mut errors = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let t = Instant::now();
                let response = make(i).send().await;
                let ok = matches!(&response, Ok(r) if r.status().as_u16() == expected);
                if let Ok(r) = response {
                    let _ = r.bytes().await;
                }
                hist.record(t.elapsed().as_micros() as u64)
                    .expect("in range");
                if !ok {
                    errors += 1;
                }
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
            }
            (hist, errors)
        }));
    }
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
    let mut errors = 0;
    for task in tasks {
        let (h, e) = task.await.expect("task");
        hist.add(h).expect("same bounds");
        errors += e;
    }
    (started.elapsed(), hist, errors)
}

/// Check-in at the door: `args.checkins` free participants, then 20 scanners checking them in
/// at once, each with its own codes.
async fn checkins_benchmark(client: &reqwest::Client, args: &Args, run: u32) {
    let slug = format!("door-{run}");
    create_event(client, args, &slug, None).await;
    let url = format!("{}/api/v1/events/{slug}/registrations", args.url);
    let register = {
        let (client, url) = (client.clone(), url.clone());
        move |i: usize| {
            client.post(&url).json(&json!({
                "contact": {"name": format!("Guest {i}"), "email": format!("door{i}@example.org")},
                "participants": [{"name": format!("Guest {i}"), "offering": "child"}]}))
        }
    };
    let (_, _, errors) = drive(8, args.checkins, 201, register).await;
    assert_eq!(errors, 0, "registrations for the door benchmark failed");
    let list: Value = client
        .get(format!("{url}?status=confirmed"))
        .bearer_auth(&args.token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let codes: Arc<Vec<String>> = Arc::new(
        list.as_array()
            .expect("array")
            .iter()
            .flat_map(|r| r["participants"].as_array().cloned().unwrap_or_default())
            .filter_map(|p| p["checkin_code"].as_str().map(str::to_owned))
            .collect(),
    );
    let total = codes.len();
    let (client, base, token) = (client.clone(), args.url.clone(), args.token.clone());
    let third = total / 3;
    // Paced: each of 20 scanners scans every 100 ms (200 scans/s at the door, more than any
    // door sees): first as independent volunteers (starts spread over 100 ms), then all 20
    // firing in the same instant every round (the worst case: the 20th waits for 19 writes).
    // Then flat out, for the ceiling.
    for (label, offset, count, pause, stagger) in [
        (
            "20 independent scanners, one scan each per 100 ms",
            0,
            third,
            Duration::from_millis(100),
            true,
        ),
        (
            "20 scanners in lockstep, one burst of 20 per 100 ms",
            third,
            third,
            Duration::from_millis(100),
            false,
        ),
        (
            "20 scanners flat out",
            2 * third,
            total - 2 * third,
            Duration::ZERO,
            false,
        ),
    ] {
        let (client, base, token, codes) =
            (client.clone(), base.clone(), token.clone(), codes.clone());
        let scan = move |i: usize| {
            client
                .post(format!("{base}/api/v1/checkins"))
                .bearer_auth(&token)
                .json(&json!({"code": codes[offset + i]}))
        };
        let (elapsed, hist, errors) = drive_paced(20, count, 201, pause, stagger, scan).await;
        println!();
        println!(
            "check-in, {label}: {count} check-ins in {:.2} s ({:.0}/s); p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {errors} not 201",
            elapsed.as_secs_f64(),
            count as f64 / elapsed.as_secs_f64(),
            hist.value_at_quantile(0.50) as f64 / 1000.0,
            hist.value_at_quantile(0.99) as f64 / 1000.0,
            hist.max() as f64 / 1000.0,
        );
    }
}

/// Exports `args.export` participants (registrations of five) as CSV and as XLSX and times
/// each download, reading the server's RSS meanwhile.
async fn export_benchmark(client: &reqwest::Client, args: &Args, run: u32) {
    let slug = format!("export-{run}");
    create_event(client, args, &slug, None).await;
    let url = format!("{}/api/v1/events/{slug}/registrations", args.url);
    let register = {
        let (client, url) = (client.clone(), url.clone());
        move |i: usize| {
            let participants: Vec<Value> = (0..5)
                .map(|j| json!({"name": format!("Guest {i}-{j}"), "offering": "child", "notes": "vegetarian"}))
                .collect();
            client.post(&url).json(&json!({
                "contact": {"name": format!("Family {i}"), "email": format!("family{i}@example.org")},
                "participants": participants}))
        }
    };
    let started = Instant::now();
    let (_, _, errors) = drive(16, args.export / 5, 201, register).await;
    assert_eq!(errors, 0, "registrations for the export benchmark failed");
    println!();
    println!(
        "export: {} participants registered in {:.1} s",
        args.export,
        started.elapsed().as_secs_f64()
    );
    for format in ["csv", "xlsx"] {
        timed_download(client, args, &slug, format).await;
    }
}

/// Downloads one export of event `slug`, timing it and sampling the server's RSS meanwhile.
async fn timed_download(client: &reqwest::Client, args: &Args, slug: &str, format: &str) {
    let rss_before = rss_mb(args.server_pid, "VmRSS:");
    let sampling = Arc::new(AtomicUsize::new(1));
    let max_kb = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let (sampling, max_kb, pid) = (sampling.clone(), max_kb.clone(), args.server_pid);
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) == 1 {
                if let Some(mb) = rss_mb(pid, "VmRSS:") {
                    max_kb.fetch_max((mb * 1024.0) as usize, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    let started = Instant::now();
    let response = client
        .get(format!(
            "{}/api/v1/events/{slug}/attendees.{format}",
            args.url
        ))
        .bearer_auth(&args.token)
        .send()
        .await
        .expect("export answers");
    assert_eq!(response.status().as_u16(), 200);
    let first_byte = started.elapsed();
    let body = response.bytes().await.expect("body");
    let elapsed = started.elapsed();
    sampling.store(0, Ordering::Relaxed);
    let _ = sampler.await;
    // Count the rows received (after the timing): lines of the CSV, rows of the workbook.
    let rows = if format == "csv" {
        body.iter().filter(|b| **b == b'\n').count() - 1
    } else {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(body.to_vec()))
                .expect("a valid workbook");
        book.worksheet_range("Attendees")
            .expect("the sheet")
            .height()
            - 1
    };
    println!(
        "export: {format} of {rows} rows, {:.1} MB, first byte after {:.0} ms, complete in {:.2} s; server RSS {} MB before, at most {:.1} MB during",
        body.len() as f64 / 1e6,
        first_byte.as_secs_f64() * 1000.0,
        elapsed.as_secs_f64(),
        rss_before.map_or("?".into(), |m| format!("{m:.1}")),
        max_kb.load(Ordering::Relaxed) as f64 / 1024.0,
    );
}

/// Page latency: the event page, the registration form, the home page and a private page,
/// each fetched `total` times at concurrency 1 and 8.
async fn pages_benchmark(client: &reqwest::Client, args: &Args, run: u32) {
    let slug = format!("pages-{run}");
    create_event(client, args, &slug, Some(500)).await;
    // Some registrations so the pages show real seat counts.
    let url = format!("{}/api/v1/events/{slug}/registrations", args.url);
    run_level(client, &url, Mix::Later, 4, 200).await;
    // The private page speaks the registration's language.
    let mut body = registration(1, Mix::Later);
    if let Some(lang) = &args.page_language {
        body["contact"]["language"] = json!(lang);
    }
    let created: Value = client
        .post(&url)
        .json(&body)
        .send()
        .await
        .expect("registered")
        .json()
        .await
        .expect("json");
    let token = created["token"].as_str().unwrap_or_default().to_owned();
    println!();
    println!("| page | concurrency | requests | pages/s | p50 ms | p99 ms | non-200 |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, path) in [
        ("event page", format!("/events/{slug}")),
        ("registration form", format!("/events/{slug}/register")),
        ("home", "/".to_owned()),
        ("private page", format!("/r/{token}")),
    ] {
        for c in [1, 8] {
            let page_url = format!("{}{path}", args.url);
            let client = client.clone();
            let language = args.page_language.clone().unwrap_or_default();
            let make = move |_| {
                let request = client.get(&page_url);
                if language.is_empty() {
                    request
                } else {
                    request.header("accept-language", language.as_str())
                }
            };
            drive(c, 200, 200, make.clone()).await;
            let (elapsed, hist, errors) = drive(c, args.pages, 200, make).await;
            println!(
                "| {name} | {c} | {} | {:.0} | {:.2} | {:.2} | {errors} |",
                args.pages,
                args.pages as f64 / elapsed.as_secs_f64(),
                hist.value_at_quantile(0.50) as f64 / 1000.0,
                hist.value_at_quantile(0.99) as f64 / 1000.0,
            );
        }
    }
}

fn peak_rss_mb(pid: Option<u32>) -> Option<f64> {
    rss_mb(pid, "VmHWM:")
}

/// A memory line of `/proc/PID/status` (`VmRSS:` now, `VmHWM:` peak) in MB.
fn rss_mb(pid: Option<u32>, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let args = parse_args();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .build()
        .expect("client");
    let run = std::process::id();

    if !args.levels.is_empty() {
        println!(
            "| concurrency | requests | registrations/s | p50 ms | p99 ms | max ms | non-201 |"
        );
        println!("|---:|---:|---:|---:|---:|---:|---:|");
    }
    for &c in &args.levels {
        let slug = format!("load-{run}-c{c}");
        create_event(&client, &args, &slug, None).await;
        let url = format!("{}/api/v1/events/{slug}/registrations", args.url);
        // Warm up connections and caches.
        run_level(&client, &url, args.mix, c, c * 10).await;
        let (elapsed, hist, errors) =
            run_level(&client, &url, args.mix, c, args.requests_per_level).await;
        println!(
            "| {c} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {errors} |",
            args.requests_per_level,
            args.requests_per_level as f64 / elapsed.as_secs_f64(),
            hist.value_at_quantile(0.50) as f64 / 1000.0,
            hist.value_at_quantile(0.99) as f64 / 1000.0,
            hist.max() as f64 / 1000.0,
        );
    }

    if args.rush > 0 {
        rush(&client, &args, run).await;
    }
    if args.pages > 0 {
        pages_benchmark(&client, &args, run).await;
    }
    if args.checkins > 0 {
        checkins_benchmark(&client, &args, run).await;
    }
    if args.export > 0 {
        export_benchmark(&client, &args, run).await;
    }
    if args.emails > 0 {
        email_benchmark(&client, &args).await;
    }
    if let Some(mb) = peak_rss_mb(args.server_pid) {
        println!("server peak RSS (VmHWM): {mb:.1} MB");
    }
}

/// Everyone at once on a small event.
async fn rush(client: &reqwest::Client, args: &Args, run: u32) {
    let slug = format!("rush-{run}");
    create_event(client, args, &slug, Some(args.rush_seats)).await;
    let url = format!("{}/api/v1/events/{slug}/registrations", args.url);
    let started = Instant::now();
    let answers = futures::future::join_all((0..args.rush).map(|i| {
        let client = client.clone();
        let url = url.clone();
        async move {
            let body = json!({"contact": {"name": format!("Rush {i}"), "email": format!("rush{i}@example.org")},
                "participants": [{"name": format!("Rush {i}"), "offering": "adult"}], "payment": "later"});
            let response = client.post(&url).json(&body).send().await.expect("answered");
            let status = response.status().as_u16();
            let json: Value = response.json().await.unwrap_or(Value::Null);
            (status, json["status"].as_str().unwrap_or("").to_owned())
        }
    }))
    .await;
    let elapsed = started.elapsed();
    let held = answers
        .iter()
        .filter(|(_, s)| s == "pending_payment" || s == "confirmed")
        .count();
    let waitlisted = answers.iter().filter(|(_, s)| s == "waitlisted").count();
    let other = answers.len() - held - waitlisted;
    let event: Value = client
        .get(format!("{}/api/v1/events/{slug}", args.url))
        .send()
        .await
        .expect("event")
        .json()
        .await
        .expect("json");
    println!();
    println!(
        "rush: {} simultaneous registrations on {} seats answered in {:.0} ms; {held} hold seats, {waitlisted} waitlisted, {other} other; server reports seats_left = {}",
        args.rush,
        args.rush_seats,
        elapsed.as_secs_f64() * 1000.0,
        event["seats_left"]
    );
}

/// Registers `emails` free participants (each confirmation is one email) and measures how
/// fast the server's workers deliver them to this tool's SMTP sink.
async fn email_benchmark(client: &reqwest::Client, args: &Args) {
    let listener =
        std::net::TcpListener::bind(("127.0.0.1", args.smtp_port)).expect("SMTP sink port free");
    let count = common::start_sink(listener);
    let slug = format!("emails-{}", std::process::id());
    create_event(client, args, &slug, None).await;
    let url = format!("{}/api/v1/events/{slug}/registrations", args.url);
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (client, url, next, total) = (client.clone(), url.clone(), next.clone(), args.emails);
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let body = json!({"contact": {"name": format!("Guest {i}"), "email": format!("mail{i}@example.org")},
                    "participants": [{"name": format!("Guest {i}"), "offering": "child"}]});
                let _ = client.post(&url).json(&body).send().await.map(|r| r.status());
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let queued_in = started.elapsed();
    let deadline = Instant::now() + Duration::from_secs(300);
    while count.load(Ordering::Relaxed) < args.emails && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let total = started.elapsed();
    let delivered = count.load(Ordering::Relaxed);
    println!();
    println!(
        "emails: {} confirmations registered in {:.1} s; {delivered} delivered to the SMTP sink {:.1} s after the first registration ({:.0} emails/s end to end)",
        args.emails,
        queued_in.as_secs_f64(),
        total.as_secs_f64(),
        delivered as f64 / total.as_secs_f64()
    );
}
