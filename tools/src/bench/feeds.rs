//! `parcours-dev bench feeds`: a référent's calendar feed under load (issue 6). From nothing, it
//! imports the reference territory into a fresh SQLite database, plans and publishes week
//! 2026-W49 and subscribes R-01; starts the real server (`parcours serve`) as a child process,
//! so that its memory is its own, and nginx serving the very same bytes as a static file; then
//! runs `wrk` against each, one after the other: a plain GET (200) and a conditional GET with
//! the server's ETag (304). It prints a Markdown table: requests per second, median and 99th
//! percentile latency, errors, bytes per response and the server's CPU time per request, with
//! the Parcours/nginx ratios and the server's peak resident set under load. Before the runs it
//! times, in its own process, the steps of the feed handler one request after the other
//! (token lookup, events query, calendar writing, ETag), to show where a request's time goes.
//!
//! Both tools must be installed (`apt-get install wrk nginx-light`); the command says so when
//! one is missing rather than installing anything. Children are stopped with SIGTERM (the
//! `kill` command: this crate has no `unsafe`) on every path, errors and panics included.

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail, ensure};
use chrono::Utc;

use parcours::domain::Code;
use parcours::feeds::token;
use parcours::planning::{IsoWeek, PlanOptions, plan_week};
use parcours::store::Store;

/// Whose feed is measured.
const PERSON: &str = "R-01";

/// How often the server's resident set is sampled during its runs.
const RSS_SAMPLE_EVERY: Duration = Duration::from_millis(200);

/// How long a child may take to start listening, or to stop after SIGTERM.
const CHILD_GRACE: Duration = Duration::from_secs(30);

/// What `parcours-dev bench feeds` was asked.
#[derive(Debug, Clone)]
pub struct FeedsOptions {
    /// Length of each of the four runs.
    pub duration: Duration,
    /// Connections wrk keeps open.
    pub connections: u32,
    /// wrk's threads.
    pub threads: u32,
    /// Folder for the database, the files nginx serves, wrk's raw output and `summary.md`;
    /// a temporary folder, removed at the end, when `None`.
    pub out: Option<PathBuf>,
}

/// Why the benchmark did not run.
#[derive(Debug, thiserror::Error)]
pub enum FeedsBenchError {
    /// wrk or nginx is not installed, or the options cannot work: the message says what to do.
    #[error("{0}")]
    BadInput(String),
    /// Anything else: database, server, nginx or wrk failing.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Runs the benchmark and returns the Markdown summary (also written to `OUT/summary.md`).
/// `exe` is the `parcours` binary the server runs from (by default the one beside
/// `parcours-dev`, so that the product itself is measured).
///
/// # Errors
/// [`FeedsBenchError::BadInput`] when a tool is missing or the options are impossible;
/// [`FeedsBenchError::Failed`] for everything else.
pub async fn run_feeds_bench(
    options: &FeedsOptions,
    exe: &Path,
) -> Result<String, FeedsBenchError> {
    ensure_bad_input(
        options.threads >= 1 && options.connections >= options.threads,
        "--connections doit être au moins --threads (wrk ouvre au moins une connexion par thread) \
         / --connections must be at least --threads",
    )?;
    ensure_bad_input(
        options.duration >= Duration::from_secs(1),
        "--duration : au moins 1 seconde / at least 1 second",
    )?;
    let tools = Tools::find()?;
    ensure_bad_input(
        exe.is_file(),
        &format!(
            "binaire parcours introuvable ({}) : construisez-le (« cargo build --release \
             --workspace ») ou donnez --parcours CHEMIN / parcours binary not found: build it \
             (`cargo build --release --workspace`) or pass --parcours PATH",
            exe.display()
        ),
    )?;
    let (dir, _cleanup) = match &options.out {
        Some(dir) => (dir.clone(), None),
        None => {
            let dir =
                std::env::temp_dir().join(format!("parcours-bench-feeds-{}", std::process::id()));
            (dir.clone(), Some(RemoveOnDrop(dir)))
        }
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    eprintln!(
        "Préparation : territoire de référence, semaine planifiée et publiée ({})…",
        dir.display()
    );
    let prepared = prepare(&dir).await?;
    let options = options.clone();
    let exe = exe.to_owned();
    let summary =
        tokio::task::spawn_blocking(move || measure(&options, &exe, &tools, &dir, &prepared))
            .await
            .context("the bench task failed")??;
    Ok(summary)
}

fn ensure_bad_input(condition: bool, message: &str) -> Result<(), FeedsBenchError> {
    if condition {
        Ok(())
    } else {
        Err(FeedsBenchError::BadInput(message.to_owned()))
    }
}

/// Removes a temporary folder when dropped.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The external programs, found on `PATH` (and in the `sbin` folders, where nginx lives).
struct Tools {
    wrk: PathBuf,
    nginx: PathBuf,
}

impl Tools {
    fn find() -> Result<Tools, FeedsBenchError> {
        let wrk = find_program("wrk").ok_or_else(|| {
            FeedsBenchError::BadInput(
                "wrk introuvable : installez-le (Debian, Ubuntu : « sudo apt-get install wrk » ; \
                 macOS : « brew install wrk »).\n\
                 wrk not found: install it (Debian, Ubuntu: `sudo apt-get install wrk`; macOS: \
                 `brew install wrk`)."
                    .to_owned(),
            )
        })?;
        let nginx = find_program("nginx").ok_or_else(|| {
            FeedsBenchError::BadInput(
                "nginx introuvable : installez-le (Debian, Ubuntu : « sudo apt-get install \
                 nginx-light » ou « nginx » ; macOS : « brew install nginx ») ; il n'a pas besoin \
                 d'être démarré, le banc le lance lui-même.\n\
                 nginx not found: install it (Debian, Ubuntu: `sudo apt-get install nginx-light` \
                 or `nginx`; macOS: `brew install nginx`); it need not run, the benchmark starts \
                 its own."
                    .to_owned(),
            )
        })?;
        Ok(Tools { wrk, nginx })
    }

    /// `wrk debian/4.1.0-3+b2`, from `wrk -v`.
    fn wrk_version(&self) -> String {
        let output = Command::new(&self.wrk).arg("-v").output();
        let text = output
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let words: Vec<&str> = text.split_whitespace().take(2).collect();
        if words.len() == 2 {
            words.join(" ")
        } else {
            "wrk".to_owned()
        }
    }

    /// `nginx/1.22.1`, from `nginx -v` (which writes to stderr).
    fn nginx_version(&self) -> String {
        let output = Command::new(&self.nginx).arg("-v").output();
        output
            .ok()
            .and_then(|o| {
                let text = String::from_utf8_lossy(&o.stderr).into_owned();
                text.split_whitespace().last().map(str::to_owned)
            })
            .unwrap_or_else(|| "nginx".to_owned())
    }
}

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/local/sbin", "/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The database, ready to serve R-01's feed.
struct Prepared {
    url: String,
    token: String,
    week: IsoWeek,
    breakdown: Breakdown,
}

/// A fresh database with the reference territory, its week planned (default settings, as
/// `parcours plan`) and published, and a feed subscription for R-01.
async fn prepare(dir: &Path) -> anyhow::Result<Prepared> {
    let db = dir.join("parcours.db");
    for suffix in ["", "-wal", "-shm"] {
        let mut file = db.clone().into_os_string();
        file.push(suffix);
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing {}", db.display()));
            }
            _ => {}
        }
    }
    let url = format!("sqlite://{}", db.display());
    let store = Store::connect(&url)
        .await
        .context("creating the database")?;
    store.migrate().await.context("migrating the database")?;
    let source = crate::fixtures::source(crate::fixtures::REFERENCE_SEED);
    let report = parcours::import::import(&store, &source, crate::fixtures::REFERENCE_MONDAY)
        .await
        .context("importing the reference territory")?;
    ensure!(
        report.counts.is_some(),
        "BUG: the reference territory does not import"
    );
    let territory = store
        .load_territory()
        .await
        .context("reading the territory")?;
    let week = IsoWeek::containing(crate::fixtures::REFERENCE_MONDAY);
    let mut plan_options = PlanOptions::new(week);
    plan_options.travel = store
        .load_travel_overrides()
        .await
        .context("reading the travel times")?;
    let seed = plan_options.seed;
    let outcome =
        tokio::task::spawn_blocking(move || plan_week(&territory, &plan_options, &mut |_| {}))
            .await
            .context("the planning task failed")?
            .context("planning the week")?;
    store
        .save_plan(&outcome.plan, seed)
        .await
        .context("storing the plan")?;
    store
        .publish(parcours::planning::PlanKind::Rota, week, None, Utc::now())
        .await
        .context("publishing the week")?
        .ok_or_else(|| anyhow!("BUG: the week just planned has no plan to publish"))?;
    let raw = token::generate().context("drawing a feed token")?;
    let person = Code::parse(PERSON).expect("BUG: R-01 is a code");
    store
        .add_feed(&person, &token::hash(&raw))
        .await
        .context("subscribing R-01")?;
    let breakdown = breakdown(&store, &raw).await?;
    store.close().await;
    Ok(Prepared {
        url,
        token: raw,
        week,
        breakdown,
    })
}

/// Mean microseconds of each step of a feed request, without HTTP.
#[derive(Debug, Clone, Copy)]
struct Breakdown {
    /// A bare `select 1`: the floor of any query.
    ping: f64,
    /// The token's hash looked up among the subscriptions.
    lookup: f64,
    /// The person's events read.
    events: f64,
    /// The calendar written.
    render: f64,
    /// The ETag: SHA-256 of the body.
    etag: f64,
}

/// Requests timed, after as many again to warm up.
const BREAKDOWN_REQUESTS: u32 = 1000;

/// The work of the feed handler (`src/http/feeds.rs`), step by step, one request after the
/// other on the same store calls, timed in this process: what a request costs before HTTP.
async fn breakdown(store: &Store, raw: &str) -> anyhow::Result<Breakdown> {
    let mut total = [Duration::ZERO; 5];
    for round in 0..2 * BREAKDOWN_REQUESTS {
        let mut step = [Duration::ZERO; 5];
        let t = Instant::now();
        store.ping().await.context("select 1")?;
        step[0] = t.elapsed();
        let t = Instant::now();
        let person = store
            .feed_person(&token::hash(raw))
            .await
            .context("looking the token up")?
            .ok_or_else(|| anyhow!("BUG: the token just added is unknown"))?;
        step[1] = t.elapsed();
        let t = Instant::now();
        let feed = store
            .feed(&person, Utc::now())
            .await
            .context("reading the feed")?;
        step[2] = t.elapsed();
        let t = Instant::now();
        let published = feed.last_modified.unwrap_or(chrono::DateTime::UNIX_EPOCH);
        let body = parcours::feeds::ics::write(
            &parcours::feeds::ics::Calendar {
                name: format!("Parcours – {person}"),
                events: feed.events,
            },
            published,
        );
        step[3] = t.elapsed();
        let t = Instant::now();
        let etag = format!("\"{}\"", &token::hash(&body)[..32]);
        step[4] = t.elapsed();
        std::hint::black_box(etag);
        if round >= BREAKDOWN_REQUESTS {
            for (sum, s) in total.iter_mut().zip(step) {
                *sum += s;
            }
        }
    }
    let mean = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(BREAKDOWN_REQUESTS);
    Ok(Breakdown {
        ping: mean(total[0]),
        lookup: mean(total[1]),
        events: mean(total[2]),
        render: mean(total[3]),
        etag: mean(total[4]),
    })
}

/// A child process stopped with SIGTERM when dropped (SIGKILL if it lingers).
struct Running {
    name: &'static str,
    child: Child,
}

impl Running {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Fails when the child has exited.
    fn check_alive(&mut self) -> anyhow::Result<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => bail!("{} exited: {status}", self.name),
            Err(e) => Err(e).with_context(|| format!("watching {}", self.name)),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(None)) {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + CHILD_GRACE;
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        eprintln!("{} ne s'arrête pas après SIGTERM : SIGKILL.", self.name);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `parcours serve` on a free loopback port; its address is read from the first line of its
/// stderr, the rest of which (a log line per request) is read and dropped.
fn start_server(exe: &Path, url: &str) -> anyhow::Result<(Running, SocketAddr)> {
    let child = Command::new(exe)
        .args(["--database-url", url, "serve", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting parcours serve")?;
    let mut server = Running {
        name: "parcours serve",
        child,
    };
    let stderr = server.child.stderr.take().expect("BUG: stderr is piped");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stderr);
        let mut seen = String::new();
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => {
                    let _ = tx.send(Err(seen));
                    return;
                }
                Ok(_) => {
                    if let Some(addr) = listening_address(&line) {
                        let _ = tx.send(Ok(addr));
                        break;
                    }
                    seen.push_str(&line);
                }
            }
        }
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    match rx.recv_timeout(CHILD_GRACE) {
        Ok(Ok(addr)) => Ok((server, addr)),
        Ok(Err(seen)) => {
            let _ = server.check_alive();
            bail!("parcours serve did not start:\n{seen}")
        }
        Err(_) => bail!(
            "parcours serve did not print its address within {} s",
            CHILD_GRACE.as_secs()
        ),
    }
}

/// The address in « Parcours écoute sur http://127.0.0.1:40123 (base : …) ».
fn listening_address(line: &str) -> Option<SocketAddr> {
    let rest = line.split("écoute sur http://").nth(1)?;
    rest.split_whitespace().next()?.parse().ok()
}

/// nginx serving `www` on a free loopback port: one process (`master_process off`), one
/// worker, no access log, sendfile, ETag, `text/calendar` for everything.
fn start_nginx(nginx: &Path, dir: &Path, www: &Path) -> anyhow::Result<(Running, SocketAddr)> {
    let home = dir.join("nginx");
    std::fs::create_dir_all(home.join("body"))
        .with_context(|| format!("creating {}", home.display()))?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .context("finding a free port for nginx")?
        .port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let q = |p: &Path| format!("\"{}\"", p.display().to_string().replace('"', "\\\""));
    let error_log = home.join("error.log");
    let config = format!(
        "daemon off;\n\
         master_process off;\n\
         worker_processes 1;\n\
         pid {pid};\n\
         error_log {error_log} warn;\n\
         events {{ worker_connections 4096; }}\n\
         http {{\n\
         \x20   access_log off;\n\
         \x20   default_type text/calendar;\n\
         \x20   etag on;\n\
         \x20   sendfile on;\n\
         \x20   client_body_temp_path {body};\n\
         \x20   server {{\n\
         \x20       listen {addr};\n\
         \x20       root {root};\n\
         \x20   }}\n\
         }}\n",
        pid = q(&home.join("nginx.pid")),
        error_log = q(&error_log),
        body = q(&home.join("body")),
        root = q(www),
    );
    let conf = home.join("nginx.conf");
    std::fs::write(&conf, config).with_context(|| format!("writing {}", conf.display()))?;
    let stderr_file = std::fs::File::create(home.join("stderr.log"))
        .with_context(|| format!("creating {}", home.display()))?;
    let child = Command::new(nginx)
        .arg("-p")
        .arg(&home)
        .arg("-e")
        .arg(&error_log)
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr_file)
        .spawn()
        .context("starting nginx")?;
    let mut running = Running {
        name: "nginx",
        child,
    };
    let deadline = Instant::now() + CHILD_GRACE;
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok((running, addr));
        }
        if let Err(e) = running.check_alive() {
            let log = std::fs::read_to_string(&error_log).unwrap_or_default();
            let stderr = std::fs::read_to_string(home.join("stderr.log")).unwrap_or_default();
            return Err(e.context(format!("nginx did not start:\n{stderr}{log}")));
        }
        ensure!(
            Instant::now() < deadline,
            "nginx did not listen on {addr} within {} s",
            CHILD_GRACE.as_secs()
        );
        thread::sleep(Duration::from_millis(50));
    }
}

/// One HTTP/1.1 answer.
struct Reply {
    status: u16,
    /// Lower-case names.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `GET path` with `Connection: close`, read to the end.
fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> anyhow::Result<Reply> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10))
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        let _ = write!(request, "{name}: {value}\r\n");
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .with_context(|| format!("reading the answer of {addr}"))?;
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow!("{addr}: no end of headers in the answer"))?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow!("{addr}: no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let reply = Reply {
        status,
        headers,
        body: Vec::new(),
    };
    ensure!(
        reply.header("transfer-encoding").is_none(),
        "{addr}: chunked answer"
    );
    if let Some(length) = reply.header("content-length").and_then(|v| v.parse().ok()) {
        body.truncate(length);
    }
    Ok(Reply { body, ..reply })
}

/// Everything measured, and the text.
fn measure(
    options: &FeedsOptions,
    exe: &Path,
    tools: &Tools,
    dir: &Path,
    prepared: &Prepared,
) -> anyhow::Result<String> {
    let (mut server, server_addr) = start_server(exe, &prepared.url)?;
    let feed_path = format!("/feeds/{}.ics", prepared.token);
    let first = get(server_addr, &feed_path, &[])?;
    ensure!(
        first.status == 200,
        "the feed answered {} instead of 200",
        first.status
    );
    ensure!(
        first.body.starts_with(b"BEGIN:VCALENDAR"),
        "the feed is not a calendar"
    );
    let parcours_etag = first
        .header("etag")
        .ok_or_else(|| anyhow!("the feed has no ETag"))?
        .to_owned();
    let events = count(&first.body, b"BEGIN:VEVENT");
    let www = dir.join("www");
    std::fs::create_dir_all(&www).with_context(|| format!("creating {}", www.display()))?;
    std::fs::write(www.join("feed.ics"), &first.body).context("writing www/feed.ics")?;
    let idle_kib = status_kib(server.pid(), "VmRSS");

    let (mut nginx, nginx_addr) = start_nginx(&tools.nginx, dir, &www)?;
    let copy = get(nginx_addr, "/feed.ics", &[])?;
    ensure!(
        copy.status == 200 && copy.body == first.body,
        "nginx does not serve the feed's bytes (status {})",
        copy.status
    );
    let nginx_etag = copy
        .header("etag")
        .ok_or_else(|| anyhow!("nginx sent no ETag"))?
        .to_owned();
    for (addr, path, etag, who) in [
        (server_addr, feed_path.as_str(), &parcours_etag, "Parcours"),
        (nginx_addr, "/feed.ics", &nginx_etag, "nginx"),
    ] {
        let status = get(addr, path, &[("If-None-Match", etag)])?.status;
        ensure!(
            status == 304,
            "{who} answered {status} to If-None-Match with its ETag"
        );
    }

    let server_url = format!("http://{server_addr}{feed_path}");
    let nginx_url = format!("http://{nginx_addr}/feed.ics");
    let runs = [
        ("Parcours 200", &server_url, None, Target::Parcours),
        ("nginx 200", &nginx_url, None, Target::Nginx),
        (
            "Parcours 304",
            &server_url,
            Some(parcours_etag.as_str()),
            Target::Parcours,
        ),
        (
            "nginx 304",
            &nginx_url,
            Some(nginx_etag.as_str()),
            Target::Nginx,
        ),
    ];
    let mut rows = Vec::new();
    let mut peak_sampled_kib = 0;
    for (i, (label, url, etag, target)) in runs.into_iter().enumerate() {
        if i > 0 {
            // Let the sockets of the last run close.
            thread::sleep(Duration::from_secs(2));
        }
        server.check_alive()?;
        nginx.check_alive()?;
        let pid = match target {
            Target::Parcours => server.pid(),
            Target::Nginx => nginx.pid(),
        };
        eprintln!("{label} : {} s…", options.duration.as_secs());
        let file = format!("wrk-{}.txt", label.to_ascii_lowercase().replace(' ', "-"));
        let (report, cpu, peak) = run_wrk(tools, options, url, etag, pid, &dir.join(file))
            .with_context(|| format!("run « {label} »"))?;
        if let Target::Parcours = target {
            peak_sampled_kib = peak_sampled_kib.max(peak.unwrap_or(0));
        }
        if etag.is_some() {
            ensure!(
                report.bytes_per_request() < first.body.len() as f64 / 2.0,
                "run « {label} »: about {:.0} bytes per answer: the conditional GETs were \
                 answered in full, not 304",
                report.bytes_per_request()
            );
        }
        rows.push(Row {
            label,
            report,
            cpu_seconds: cpu,
        });
    }
    server.check_alive()?;
    let hwm_kib = status_kib(server.pid(), "VmHWM");
    drop(nginx);
    drop(server);

    let context = Context {
        week: prepared.week,
        events,
        bytes: first.body.len(),
        wrk: tools.wrk_version(),
        nginx: tools.nginx_version(),
        machine: machine(),
        idle_kib,
        peak_sampled_kib,
        hwm_kib,
        breakdown: prepared.breakdown,
    };
    let summary = summary(options, &context, &rows);
    std::fs::write(dir.join("summary.md"), &summary).context("writing summary.md")?;
    Ok(summary)
}

#[derive(Clone, Copy)]
enum Target {
    Parcours,
    Nginx,
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// One wrk run against `url`; meanwhile the resident set of `pid` is sampled. Returns wrk's
/// figures, the CPU seconds `pid` used during the run and the largest resident set sampled
/// (KiB). wrk's output is kept in `raw`.
fn run_wrk(
    tools: &Tools,
    options: &FeedsOptions,
    url: &str,
    etag: Option<&str>,
    pid: u32,
    raw: &Path,
) -> anyhow::Result<(WrkReport, Option<f64>, Option<u64>)> {
    let mut command = Command::new(&tools.wrk);
    command
        .arg("-t")
        .arg(options.threads.to_string())
        .arg("-c")
        .arg(options.connections.to_string())
        .arg("-d")
        .arg(format!("{}s", options.duration.as_secs()))
        .arg("--latency");
    if let Some(etag) = etag {
        command.arg("-H").arg(format!("If-None-Match: {etag}"));
    }
    command.arg(url);
    let cpu_before = cpu_seconds(pid);
    let stop = AtomicBool::new(false);
    let (output, peak) = thread::scope(|scope| {
        let sampler = scope.spawn(|| {
            let mut peak = None;
            while !stop.load(Ordering::Relaxed) {
                if let Some(kib) = status_kib(pid, "VmRSS") {
                    peak = Some(peak.unwrap_or(0).max(kib));
                }
                thread::sleep(RSS_SAMPLE_EVERY);
            }
            peak
        });
        let output = command.output();
        stop.store(true, Ordering::Relaxed);
        (output, sampler.join().unwrap_or(None))
    });
    let cpu = cpu_seconds(pid)
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let output = output.context("running wrk")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    std::fs::write(raw, format!("{stdout}{stderr}"))
        .with_context(|| format!("writing {}", raw.display()))?;
    ensure!(
        output.status.success(),
        "wrk failed ({}): {stdout}{stderr}",
        output.status
    );
    let report = WrkReport::parse(&stdout).map_err(|e| anyhow!("{e}:\n{stdout}"))?;
    Ok((report, cpu, peak))
}

/// A `kB` line of `/proc/PID/status` (`VmRSS`, `VmHWM`).
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// User and system CPU seconds of a process (`/proc/PID/stat`, in clock ticks of 1/100 s,
/// Linux's USER_HZ).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line; the state (field 3) comes first.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) as f64 / 100.0)
}

/// `2 cores (Intel(R) Xeon(R) …), Linux 6.1.0`.
fn machine() -> String {
    let cores = thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|k| format!(", Linux {}", k.trim()))
        .unwrap_or_default();
    format!("{cores} cores ({model}){kernel}")
}

/// What wrk prints at the end of a run (with `--latency`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WrkReport {
    /// Requests completed.
    pub requests: u64,
    /// Length of the run, seconds.
    pub seconds: f64,
    /// Bytes read (headers and bodies), as wrk rounds them.
    pub bytes: f64,
    /// `Requests/sec`.
    pub requests_per_second: f64,
    /// Median latency, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
    /// Socket errors: connect, read, write, timeout.
    pub socket_errors: [u64; 4],
    /// Answers with a status outside 2xx and 3xx.
    pub non_2xx_3xx: u64,
}

impl WrkReport {
    /// Parses wrk 4's report.
    pub(crate) fn parse(text: &str) -> Result<WrkReport, String> {
        let mut requests = None;
        let mut requests_per_second = None;
        let (mut p50_ms, mut p99_ms) = (None, None);
        let mut socket_errors = [0; 4];
        let mut non_2xx_3xx = 0;
        for line in text.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("Requests/sec:") {
                requests_per_second = rest.trim().parse::<f64>().ok();
            } else if let Some(rest) = line.strip_prefix("50%") {
                p50_ms = parse_duration_ms(rest.trim());
            } else if let Some(rest) = line.strip_prefix("99%") {
                p99_ms = parse_duration_ms(rest.trim());
            } else if let Some(rest) = line.strip_prefix("Socket errors:") {
                // `connect 0, read 0, write 0, timeout 0`
                for (slot, part) in socket_errors.iter_mut().zip(rest.split(',')) {
                    *slot = part
                        .split_whitespace()
                        .nth(1)
                        .and_then(|n| n.parse().ok())
                        .ok_or_else(|| format!("unreadable wrk line « {line} »"))?;
                }
            } else if let Some(rest) = line.strip_prefix("Non-2xx or 3xx responses:") {
                non_2xx_3xx = rest
                    .trim()
                    .parse()
                    .map_err(|_| format!("unreadable wrk line « {line} »"))?;
            } else if let Some((count, rest)) = line.split_once(" requests in ") {
                // `1128010 requests in 10.10s, 0.92GB read`
                let (time, read) = rest
                    .split_once(", ")
                    .ok_or_else(|| format!("unreadable wrk line « {line} »"))?;
                let read = read.strip_suffix(" read").unwrap_or(read);
                requests = Some((
                    count.trim().parse::<u64>().map_err(|e| e.to_string())?,
                    parse_duration_ms(time).ok_or_else(|| format!("unreadable time « {time} »"))?
                        / 1000.0,
                    parse_bytes(read).ok_or_else(|| format!("unreadable size « {read} »"))?,
                ));
            }
        }
        let missing = |what: &str| format!("wrk's report has no {what}");
        let (requests, seconds, bytes) = requests.ok_or_else(|| missing("request count"))?;
        Ok(WrkReport {
            requests,
            seconds,
            bytes,
            requests_per_second: requests_per_second.ok_or_else(|| missing("Requests/sec"))?,
            p50_ms: p50_ms.ok_or_else(|| missing("50% latency (run it with --latency)"))?,
            p99_ms: p99_ms.ok_or_else(|| missing("99% latency (run it with --latency)"))?,
            socket_errors,
            non_2xx_3xx,
        })
    }

    fn bytes_per_request(&self) -> f64 {
        self.bytes / self.requests.max(1) as f64
    }

    /// `0`, or what went wrong: `12 non-2xx/3xx, timeout 3`.
    fn errors(&self) -> String {
        let mut parts = Vec::new();
        if self.non_2xx_3xx > 0 {
            parts.push(format!("{} non-2xx/3xx", self.non_2xx_3xx));
        }
        for (name, n) in ["connect", "read", "write", "timeout"]
            .iter()
            .zip(self.socket_errors)
        {
            if n > 0 {
                parts.push(format!("{name} {n}"));
            }
        }
        if parts.is_empty() {
            "0".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// wrk's times: `689.00us`, `1.72ms`, `2.01s`, `1.50m`, `1.00h`; in milliseconds.
fn parse_duration_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let n: f64 = number.parse().ok()?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return None,
    };
    Some(n * factor)
}

/// wrk's sizes: `512.00B`, `94.31MB`, `5.49GB` (powers of 1024); in bytes.
fn parse_bytes(text: &str) -> Option<f64> {
    let text = text.strip_suffix('B')?;
    let (number, power) = match text.chars().last()? {
        'K' => (&text[..text.len() - 1], 1),
        'M' => (&text[..text.len() - 1], 2),
        'G' => (&text[..text.len() - 1], 3),
        'T' => (&text[..text.len() - 1], 4),
        'P' => (&text[..text.len() - 1], 5),
        _ => (text, 0),
    };
    Some(number.parse::<f64>().ok()? * 1024f64.powi(power))
}

/// One line of the table.
struct Row {
    label: &'static str,
    report: WrkReport,
    /// CPU seconds of the server process during the run.
    cpu_seconds: Option<f64>,
}

/// What the summary says besides the rows.
struct Context {
    week: IsoWeek,
    events: usize,
    bytes: usize,
    wrk: String,
    nginx: String,
    machine: String,
    idle_kib: Option<u64>,
    peak_sampled_kib: u64,
    hwm_kib: Option<u64>,
    breakdown: Breakdown,
}

fn summary(options: &FeedsOptions, c: &Context, rows: &[Row]) -> String {
    let mib = |kib: u64| kib as f64 / 1024.0;
    let mut out = format!(
        "Feed of {PERSON}, week {} published ({} events, {} bytes), SQLite; `parcours serve` \
         (release build, default logging) against {} serving the same file (one process, \
         `worker_processes 1`, access log off, sendfile, ETag). Load: {} on loopback, {} \
         connections, {} wrk thread(s), {} s per run, one run after the other; 304 rows send \
         `If-None-Match` with the server's ETag.\n\
         Machine: {}.\n\n\
         | run | requests/s | p50 ms | p99 ms | errors | bytes/response | server CPU µs/request |\n\
         |---|---|---|---|---|---|---|\n",
        c.week,
        c.events,
        c.bytes,
        c.nginx,
        c.wrk,
        options.connections,
        options.threads,
        options.duration.as_secs(),
        c.machine,
    );
    for row in rows {
        let r = &row.report;
        let cpu = row.cpu_seconds.map_or("?".to_owned(), |s| {
            format!("{:.0}", s * 1e6 / r.requests.max(1) as f64)
        });
        let _ = writeln!(
            out,
            "| {} | {:.0} | {:.2} | {:.2} | {} | {:.0} | {cpu} |",
            row.label,
            r.requests_per_second,
            r.p50_ms,
            r.p99_ms,
            r.errors(),
            r.bytes_per_request(),
        );
    }
    let rate = |label: &str| {
        rows.iter()
            .find(|r| r.label == label)
            .map(|r| r.report.requests_per_second)
    };
    let ratio = |ours: &str, theirs: &str| match (rate(ours), rate(theirs)) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.1} %", 100.0 * a / b),
        _ => "?".to_owned(),
    };
    let _ = write!(
        out,
        "\nParcours / nginx, requests/s: 200 {}, 304 {}.\n\
         Server peak resident set under load: {:.1} MiB (largest VmRSS sampled every {} ms \
         during its two runs; VmHWM {}; {} idle before the runs).\n\
         One request's work without HTTP, timed in the bench process on the handler's store \
         calls, one request after the other (mean of {}): token lookup {:.0} µs, events query \
         {:.0} µs, calendar writing {:.0} µs, ETag (SHA-256 of the body) {:.0} µs; a bare \
         `select 1` takes {:.0} µs.\n\n\
         Command: `parcours-dev bench feeds --duration {} --connections {} --threads {}`\n",
        ratio("Parcours 200", "nginx 200"),
        ratio("Parcours 304", "nginx 304"),
        mib(c.peak_sampled_kib),
        RSS_SAMPLE_EVERY.as_millis(),
        c.hwm_kib
            .map_or("?".to_owned(), |k| format!("{:.1} MiB", mib(k))),
        c.idle_kib
            .map_or("?".to_owned(), |k| format!("{:.1} MiB", mib(k))),
        BREAKDOWN_REQUESTS,
        c.breakdown.lookup,
        c.breakdown.events,
        c.breakdown.render,
        c.breakdown.etag,
        c.breakdown.ping,
        options.duration.as_secs(),
        options.connections,
        options.threads,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// wrk 4.1.0 (Debian 12) against nginx serving a 27 kB file, verbatim.
    const WRK_200: &str = "Running 2s test @ http://127.0.0.1:18089/feed.ics
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.45ms    1.68ms  12.69ms   85.95%
    Req/Sec    30.70k     8.29k   47.58k    75.00%
  Latency Distribution
     50%  689.00us
     75%    1.72ms
     90%    3.76ms
     99%    8.16ms
  122370 requests in 2.01s, 3.11GB read
Requests/sec:  60973.76
Transfer/sec:      1.55GB
";

    /// The same wrk against a missing file (404s), verbatim.
    const WRK_404: &str = "Running 2s test @ http://127.0.0.1:18089/missing.ics
  2 threads and 200 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.14ms    1.42ms  10.80ms   78.68%
    Req/Sec    48.49k    12.35k   70.85k    62.50%
  Latency Distribution
     50%    1.83ms
     75%    2.57ms
     90%    3.77ms
     99%    7.65ms
  193097 requests in 2.01s, 56.72MB read
  Non-2xx or 3xx responses: 193097
Requests/sec:  95986.45
Transfer/sec:     28.19MB
";

    #[test]
    fn a_real_wrk_report_is_read_with_its_percentiles_in_milliseconds() {
        let r = WrkReport::parse(WRK_200).unwrap();
        assert_eq!(r.requests, 122_370);
        assert!((r.seconds - 2.01).abs() < 1e-9);
        assert!((r.bytes - 3.11 * 1024f64.powi(3)).abs() < 1.0);
        assert!((r.requests_per_second - 60_973.76).abs() < 1e-9);
        assert!((r.p50_ms - 0.689).abs() < 1e-9);
        assert!((r.p99_ms - 8.16).abs() < 1e-9);
        assert_eq!(r.errors(), "0");
        // 27,019-byte body plus headers.
        assert!((r.bytes_per_request() - 27_290.0).abs() < 100.0);
    }

    #[test]
    fn non_2xx_answers_and_socket_errors_are_reported() {
        let r = WrkReport::parse(WRK_404).unwrap();
        assert_eq!(r.non_2xx_3xx, 193_097);
        assert!((r.p50_ms - 1.83).abs() < 1e-9);
        assert_eq!(r.errors(), "193097 non-2xx/3xx");
        // wrk prints this line only when a socket error happened (its format string).
        let with_socket_errors = WRK_200.replace(
            "Requests/sec:",
            "  Socket errors: connect 0, read 3, write 0, timeout 17\nRequests/sec:",
        );
        let r = WrkReport::parse(&with_socket_errors).unwrap();
        assert_eq!(r.socket_errors, [0, 3, 0, 17]);
        assert_eq!(r.errors(), "read 3, timeout 17");
    }

    #[test]
    fn a_report_without_latency_distribution_is_refused() {
        let without: String = WRK_200
            .lines()
            .filter(|l| !l.trim_start().starts_with("50%"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(WrkReport::parse(&without).unwrap_err().contains("50%"));
        assert!(WrkReport::parse("").is_err());
    }

    #[test]
    fn wrk_units_are_converted() {
        assert_eq!(parse_duration_ms("250.00us"), Some(0.25));
        assert_eq!(parse_duration_ms("2.00s"), Some(2000.0));
        assert_eq!(parse_duration_ms("1.50m"), Some(90_000.0));
        assert_eq!(parse_duration_ms("12"), None);
        assert_eq!(parse_bytes("512.00B"), Some(512.0));
        assert_eq!(parse_bytes("1.50KB"), Some(1536.0));
        assert_eq!(parse_bytes("2.00MB"), Some(2.0 * 1024.0 * 1024.0));
        assert_eq!(parse_bytes("12"), None);
    }

    #[test]
    fn the_server_address_is_read_from_its_first_line() {
        assert_eq!(
            listening_address(
                "Parcours écoute sur http://127.0.0.1:40123 (base : sqlite:///tmp/p.db). Ctrl-C pour arrêter.\n"
            ),
            Some("127.0.0.1:40123".parse().unwrap())
        );
        assert_eq!(
            listening_address("2026-11-27T22:00:00Z INFO migrated\n"),
            None
        );
    }
}
