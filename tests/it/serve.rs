//! `parcours serve` as a référent's calendar app sees it: a published week comes through her
//! feed with the headers that let the app poll cheaply (304), an unknown or revoked address
//! gets a bare 404, a re-published change raises the event's SEQUENCE, and real calendar
//! parsers accept the feed fetched over HTTP.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

use crate::helpers::{fixture, parcours};

/// How a test server differs from `parcours serve`'s defaults.
#[derive(Default)]
pub(crate) struct ServerOptions {
    /// How long rendered feeds are kept (zero: not at all).
    pub(crate) feed_cache: std::time::Duration,
    /// Timeouts of connections and of the shutdown.
    pub(crate) limits: parcours::http::ConnectionLimits,
    /// The planning jobs (default: the server's own limits).
    pub(crate) jobs: Option<parcours::http::Jobs>,
    /// A fixed time for the server's clock (default: the real one).
    pub(crate) now: Option<chrono::DateTime<chrono::Utc>>,
}

/// A server on a fresh port, in its own thread and runtime; stopped (gracefully) on drop.
pub(crate) struct TestServer {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// A server that reads the database at every poll (no feed cache), so that a change made
    /// by another process shows at once.
    pub(crate) fn start(url: &str) -> TestServer {
        TestServer::start_with(url, std::time::Duration::ZERO)
    }

    /// A server whose clock reads `now` (in Europe/Paris local time), with no feed cache.
    pub(crate) fn start_at(url: &str, now: &str) -> TestServer {
        let local = chrono::NaiveDateTime::parse_from_str(now, "%Y-%m-%dT%H:%M").unwrap();
        TestServer::start_configured(
            url,
            ServerOptions {
                now: Some(parcours::domain::paris_instant(local).unwrap()),
                ..ServerOptions::default()
            },
        )
    }

    /// A server keeping rendered feeds `feed_cache`.
    pub(crate) fn start_with(url: &str, feed_cache: std::time::Duration) -> TestServer {
        TestServer::start_configured(
            url,
            ServerOptions {
                feed_cache,
                ..ServerOptions::default()
            },
        )
    }

    /// A server with `options`.
    pub(crate) fn start_configured(url: &str, options: ServerOptions) -> TestServer {
        let (address_tx, address_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let url = url.to_owned();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let store = parcours::store::Store::connect(&url).await.unwrap();
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                address_tx.send(listener.local_addr().unwrap()).unwrap();
                let mut state =
                    parcours::http::AppState::with_feed_cache(store, options.feed_cache);
                if let Some(jobs) = options.jobs {
                    state.jobs = std::sync::Arc::new(jobs);
                }
                if let Some(now) = options.now {
                    state.clock = std::sync::Arc::new(move || now);
                }
                let app = parcours::http::router(state);
                let stopped = async {
                    let _ = stopped.await;
                };
                parcours::http::serve_with(listener, app, stopped, options.limits)
                    .await
                    .unwrap();
            });
        });
        // The listener is bound before the address is sent: no waiting for start-up.
        let addr = address_rx.recv().unwrap();
        TestServer {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Its address.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        get(self.addr, path, headers)
    }

    /// `method path` with `headers` and a body, if any.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        request(self.addr, method, path, headers, body)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// An HTTP/1.1 answer.
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// Lower-case names.
    pub(crate) headers: BTreeMap<String, String>,
    pub(crate) body: String,
}

/// `GET path` with `Connection: close`, read to the end.
fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Reply {
    request(addr, "GET", path, headers, None)
}

/// `method path` with `Connection: close` and a body if any, read to the end.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or(""));
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    reply(raw)
}

/// Sends `bytes` as they are and reads the answer until the server closes the connection
/// (or resets it: a server refusing a body does not read the rest of it).
pub(crate) fn exchange(addr: SocketAddr, bytes: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let _ = stream.write_all(bytes);
    let mut raw = Vec::new();
    let mut buf = [0; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    reply(raw)
}

fn reply(raw: Vec<u8>) -> Reply {
    let text = String::from_utf8(raw).expect("a UTF-8 answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    // A header sent twice (`set-cookie`) keeps each value, one per line.
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in lines.filter_map(|l| l.split_once(':')) {
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
        headers
            .entry(name)
            .and_modify(|v| {
                v.push('\n');
                v.push_str(value);
            })
            .or_insert_with(|| value.to_owned());
    }
    assert_ne!(
        headers.get("transfer-encoding").map(String::as_str),
        Some("chunked"),
        "this little client reads whole bodies only"
    );
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

pub(crate) fn run_ok(args: &[&str], url: &str) -> String {
    let out = parcours(args, url);
    assert!(
        out.status.success(),
        "parcours {args:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `mini` imported into the database at `url` and its week 2026-W49 planned (not published).
pub(crate) fn planned_mini(url: &str) {
    planned(url, "cases/mini");
}

/// The fixture `fixture` (a folder under `fixtures/`) imported into the database at `url` and
/// its week 2026-W49 planned (not published).
pub(crate) fn planned(url: &str, fixture_dir: &str) {
    run_ok(&["import", fixture(fixture_dir).to_str().unwrap()], url);
    let plan = [
        "plan",
        "--week",
        "2026-W49",
        "--quiet",
        "--iterations",
        "2000",
    ];
    run_ok(&plan, url);
}

/// `parcours feed add --person PERSON`: the subscription's number and its feed's path.
pub(crate) fn add_feed(url: &str, person: &str) -> (String, String) {
    let printed = run_ok(&["feed", "add", "--person", person], url);
    let id: String = printed
        .split("n° ")
        .nth(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
        .expect("feed add prints the subscription's number");
    let token = printed
        .split("/feeds/")
        .nth(1)
        .and_then(|rest| rest.split(".ics").next())
        .expect("feed add prints the feed's address");
    assert_eq!(token.len(), 64, "{printed}");
    assert!(printed.contains("webcal://"), "{printed}");
    (id, format!("/feeds/{token}.ics"))
}

/// `mini` imported, W49 planned and published, and R-01's feed path.
fn published_mini(dir: &Path) -> (String, String) {
    let url = format!("sqlite://{}", dir.join("serve.db").display());
    planned_mini(&url);
    run_ok(&["publish", "--week", "2026-W49"], &url);
    let (_, path) = add_feed(&url, "R-01");
    (url, path)
}

#[test]
fn a_published_week_reaches_the_feed_with_the_headers_calendar_apps_poll_with() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let (url, path) = published_mini(dir.path());
    let server = TestServer::start(&url);

    // Act
    let first = server.get(&path, &[]);

    // Assert: the calendar, with what lets an app poll cheaply.
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        first.headers["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert!(first.headers["cache-control"].contains("max-age"));
    let etag = first.headers["etag"].clone();
    let modified = first.headers["last-modified"].clone();
    assert!(modified.ends_with(" GMT"), "{modified}");
    let body = &first.body;
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(body.contains("X-WR-CALNAME:Parcours – R-01\r\n"));
    assert!(body.contains("REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
    assert!(body.contains("X-PUBLISHED-TTL:PT1H\r\n"));
    assert!(body.contains("TZID:Europe/Paris") && body.contains("BEGIN:DAYLIGHT"));
    assert!(body.matches("BEGIN:VEVENT").count() > 0, "{body}");
    // Read back by the icalendar crate: R-01's published week, event for event.
    let plan =
        crate::helpers::latest_plan(&url, "2026-W49", parcours::planning::PlanMethod::Optimised);
    let r01 = plan.referents.iter().find(|w| w.code == "R-01").unwrap();
    crate::feeds::assert_feed_shows(body, &crate::feeds::planned(r01));
    // Confidentiality: no child's or référent's name, no note.
    let territory = crate::helpers::load(&url);
    for child in &territory.children {
        assert!(
            !body.contains(child.code.as_str()),
            "a child's code in the feed"
        );
    }
    for r in &territory.referents {
        assert!(!body.contains(&r.name), "{} named in the feed", r.name);
    }
    // Polling again: the same bytes, and 304 with either validator.
    assert_eq!(server.get(&path, &[]).body, first.body);
    let again = server.get(&path, &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.headers["etag"], etag);
    let since = server.get(&path, &[("If-Modified-Since", &modified)]);
    assert_eq!(since.status, 304);
    assert_eq!(
        server.get(&path, &[("If-None-Match", "\"other\"")]).status,
        200
    );
}

#[test]
fn an_unknown_or_revoked_feed_address_gets_a_bare_404() {
    let dir = tempfile::tempdir().unwrap();
    let (url, path) = published_mini(dir.path());
    let server = TestServer::start(&url);
    assert_eq!(server.get(&path, &[]).status, 200);

    let unknown = server.get(&format!("/feeds/{}.ics", "0".repeat(64)), &[]);
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.is_empty(), "{}", unknown.body);

    run_ok(&["feed", "revoke", "--person", "R-01"], &url);
    let revoked = server.get(&path, &[]);
    assert_eq!(revoked.status, 404);
    assert!(revoked.body.is_empty());
}

#[test]
fn a_republished_change_raises_the_sequence_and_a_dropped_visit_is_cancelled() {
    // Arrange: R-01's week published; then R-01 is absent on each day she has a visit.
    let dir = tempfile::tempdir().unwrap();
    let (url, path) = published_mini(dir.path());
    let server = TestServer::start(&url);
    let before = server.get(&path, &[]);
    assert!(!before.body.contains("SEQUENCE:1"));
    let days: Vec<String> = before
        .body
        .lines()
        .filter_map(|l| l.strip_prefix("DTSTART;TZID=Europe/Paris:"))
        .map(|d| format!("{}-{}-{}", &d[0..4], &d[4..6], &d[6..8]))
        .collect();
    let mut args = vec![
        "plan",
        "--week",
        "2026-W49",
        "--quiet",
        "--iterations",
        "2000",
    ];
    let absences: Vec<String> = days.iter().map(|d| format!("R-01:{d}")).collect();
    for a in &absences {
        args.extend(["--absent", a.as_str()]);
    }
    run_ok(&args, &url);

    // Act: not published yet, then published.
    let unpublished = server.get(&path, &[]);
    run_ok(&["publish", "--week", "2026-W49"], &url);
    let after = server.get(&path, &[("If-None-Match", &before.headers["etag"])]);

    // Assert
    assert_eq!(
        unpublished.body, before.body,
        "an unpublished plan reached the feed"
    );
    assert_eq!(after.status, 200, "the change did not reach the feed");
    assert!(after.body.contains("STATUS:CANCELLED"), "{}", after.body);
    assert!(after.body.contains("SEQUENCE:1"), "{}", after.body);
}

#[test]
fn the_feed_over_http_passes_ical_check() {
    let Some(script) = crate::plan::ical_check() else {
        println!("skipped: ical-check not found beside the repository (../shared/tools)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (url, path) = published_mini(dir.path());
    let server = TestServer::start(&url);
    let feed_url = server.url(&path);
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg(&feed_url)
        .args(["--tz", "Europe/Paris"])
        .output()
        .expect("bash runs ical-check");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "ical-check refused the feed:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("PASS conditional-get-304"), "{report}");
}

#[test]
fn health_answers_with_the_database_backend() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("health.db").display());
    run_ok(&["migrate"], &url);
    let server = TestServer::start(&url);
    let reply = server.get("/health", &[]);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, r#"{"status":"ok","database":"SQLite"}"#);
}

#[test]
fn the_server_stops_cleanly_on_sigterm() {
    // Arrange: the real binary on a free port.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("sigterm.db").display());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_parcours"))
        .args(["--database-url", &url, "serve", "--listen", "127.0.0.1:0"])
        .env_remove("RUST_LOG")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
    let addr: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .parse()
        .unwrap();
    assert_eq!(get(addr, "/health", &[]).status, 200);

    // Act
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    // Assert
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("s'est arrêté"), "{rest}");
}

#[test]
fn a_cached_feed_follows_what_this_server_publishes_or_revokes_at_once() {
    // Arrange: a server keeping feeds in memory, as `parcours serve` does.
    let dir = tempfile::tempdir().unwrap();
    let (url, path) = published_mini(dir.path());
    let server = TestServer::start_with(&url, parcours::http::FEED_CACHE);
    let before = server.get(&path, &[]);
    assert_eq!(server.get(&path, &[]).body, before.body);
    let coordinator = run_ok(
        &["user", "add", "--role", "coordinator", "--person", "C-01"],
        &url,
    );
    let auth = format!("Bearer {}", coordinator.lines().last().unwrap().trim());
    let mut args = vec![
        "plan",
        "--week",
        "2026-W49",
        "--quiet",
        "--iterations",
        "2000",
    ];
    args.extend(["--absent", "R-01:2026-12-01", "--absent", "R-01:2026-12-02"]);
    run_ok(&args, &url);

    // Act: published through this server.
    let published = server.request(
        "POST",
        "/api/v1/weeks/2026-W49/publish",
        &[("Authorization", &auth)],
        None,
    );
    assert_eq!(published.status, 200, "{}", published.body);

    // Assert: the next poll has the new week; a revocation through this server is a 404 at once.
    let after = server.get(&path, &[]);
    assert_ne!(
        after.body, before.body,
        "a stale feed was served after a publication"
    );
    let (id, r02_path) = add_feed(&url, "R-02");
    assert_eq!(server.get(&r02_path, &[]).status, 200);
    let revoke = format!("/api/v1/feed-subscriptions/{id}");
    assert_eq!(
        server
            .request("DELETE", &revoke, &[("Authorization", &auth)], None)
            .status,
        204
    );
    assert_eq!(server.get(&r02_path, &[]).status, 404);
}

/// Whether the server closes a connection that sent `first` and then nothing, within `wait`
/// (whatever it answered before).
fn closed_within(addr: SocketAddr, first: &[u8], wait: std::time::Duration) -> bool {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(first).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) => return e.kind() == std::io::ErrorKind::ConnectionReset,
        }
    }
}

const HALF_A_HEAD: &[u8] = b"GET /health HTTP/1.1\r\nHost: parcours\r\nAccept: appl";

#[test]
fn a_half_sent_request_head_is_closed_after_the_header_read_timeout() {
    // Arrange: a short header-read timeout, a long idle one (so only the first can close it).
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("slow.db").display());
    run_ok(&["migrate"], &url);
    let server = TestServer::start_configured(
        &url,
        ServerOptions {
            limits: parcours::http::ConnectionLimits {
                header_read: std::time::Duration::from_millis(300),
                idle: std::time::Duration::from_secs(120),
                drain: std::time::Duration::from_secs(1),
            },
            ..ServerOptions::default()
        },
    );

    // Act and assert: the server closes the connection (the read does not time out).
    assert!(
        closed_within(
            server.addr(),
            HALF_A_HEAD,
            std::time::Duration::from_secs(20)
        ),
        "a half-sent head kept its connection open"
    );
    assert_eq!(get(server.addr(), "/health", &[]).status, 200);
}

#[test]
fn a_kept_alive_connection_left_silent_is_closed_after_the_idle_timeout() {
    // Arrange: a short idle timeout, a long header-read one.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("idle.db").display());
    run_ok(&["migrate"], &url);
    let server = TestServer::start_configured(
        &url,
        ServerOptions {
            limits: parcours::http::ConnectionLimits {
                header_read: std::time::Duration::from_secs(120),
                idle: std::time::Duration::from_millis(300),
                drain: std::time::Duration::from_secs(1),
            },
            ..ServerOptions::default()
        },
    );

    // Act: one whole request, kept alive, then silence.
    let request = b"GET /health HTTP/1.1\r\nHost: parcours\r\n\r\n";

    // Assert: answered, then closed.
    assert!(
        closed_within(server.addr(), request, std::time::Duration::from_secs(20)),
        "an idle kept-alive connection stayed open"
    );
    // A connection that never sends a byte is idle too.
    assert!(closed_within(
        server.addr(),
        b"",
        std::time::Duration::from_secs(20)
    ));
}

#[test]
fn sigterm_stops_the_server_within_the_drain_time_even_with_a_half_sent_request() {
    // Arrange: the real binary, with timeouts longer than the test so that only the shutdown
    // can end the connection.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("drain.db").display());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_parcours"))
        .args(["--database-url", &url, "serve", "--listen", "127.0.0.1:0"])
        .args(["--header-read-timeout", "600", "--idle-timeout", "600"])
        .args(["--shutdown-drain", "1"])
        .env_remove("RUST_LOG")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
    let addr: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .parse()
        .unwrap();
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(HALF_A_HEAD).unwrap();
    // The server has read it once an answer on another connection came back.
    assert_eq!(get(addr, "/health", &[]).status, 200);

    // Act
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    // Assert: gone well before the timeouts (a generous bound for a 1 s drain on a busy machine).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the server still ran 30 s after SIGTERM, held by a half-sent request");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("s'est arrêté"), "{rest}");
    drop(slow);
}
