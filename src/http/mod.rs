//! The HTTP server (`parcours serve`): the calendar feeds référents subscribe to, a health check,
//! and the JSON API under `/api/v1` (bearer tokens, one role each; its OpenAPI 3.1 document at
//! `/api/openapi.json`, generated from the handlers' route list).
//!
//! [`router`] is pure, for tests that call it directly; [`serve`] runs it on a bound listener
//! until a shutdown future completes (STYLE.md §6), with the [`ConnectionLimits`] that keep a
//! slow or silent client from holding a connection, or the shutdown, for long (issue 13). Requests are traced with their method, the
//! route they matched (`/feeds/{file}`, never the token itself) and a request number, so that
//! logs carry no personal data and no secret.

mod absences;
mod app;
mod eps;
mod error;
mod extract;
mod families;
mod feeds;
pub mod fuzzing;
mod health;
mod horizon;
mod jobs;
mod me;
mod openapi;
mod pins;
mod rides;
mod solve_slot;
mod subscriptions;
mod territory;
mod visits;
mod weeks;
mod workshops;

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tower::ServiceExt as _;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

pub use app::{IMPORT_LIMIT_BYTES, SESSION_LIFETIME, password, throttle};
pub use error::{ApiError, ErrorBody, FieldIssue};
pub use extract::{AppJson, AppQuery, Caller};
pub use feeds::FeedCache;
pub use jobs::{JOB_RETENTION, Jobs, PLAN_QUEUE_LIMIT};
pub use solve_slot::{SolveSlot, Solved};

use crate::store::Store;

/// How long a request may take before the server answers 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a rendered feed is served from memory: a publication or revocation made by another
/// process (the CLI, a second server) reaches the feeds within this time.
pub const FEED_CACHE: Duration = Duration::from_secs(2);

/// The largest request body accepted (a family's record is far smaller).
pub const BODY_LIMIT_BYTES: usize = 256 * 1024;

/// How long a request's head (request line and headers) may take to arrive, counted from when
/// the server starts waiting for it (the connection opened, or the previous answer was sent).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(20);

/// How long a connection may stay silent while no request is being answered (a kept-alive
/// connection between requests, or a client that stopped sending) before it is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// On shutdown, how long requests in flight get to finish before every connection is closed.
pub const SHUTDOWN_DRAIN: Duration = Duration::from_secs(10);

/// How long connections may be slow, silent, or linger at shutdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// [`HEADER_READ_TIMEOUT`] by default.
    pub header_read: Duration,
    /// [`IDLE_TIMEOUT`] by default.
    pub idle: Duration,
    /// [`SHUTDOWN_DRAIN`] by default.
    pub drain: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            header_read: HEADER_READ_TIMEOUT,
            idle: IDLE_TIMEOUT,
            drain: SHUTDOWN_DRAIN,
        }
    }
}

/// The clock the server reads: the real one, or a fixed instant in tests.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Now.
    pub clock: Clock,
    /// Planning jobs.
    pub jobs: Arc<jobs::Jobs>,
    /// The one solve at a time: plan jobs and visit reports alike, reports first.
    pub solve_slot: Arc<SolveSlot>,
    /// Rendered feeds.
    pub feeds: Arc<FeedCache>,
    /// Held while a visit report is applied: this server applies a week's reports one at a
    /// time (another server's are caught by the store's check of the published version).
    pub reports: Arc<tokio::sync::Mutex<()>>,
    /// The web app's failed sign-ins, per login.
    pub signins: Arc<throttle::SignInThrottle>,
    /// The eight-week simulations (one at a time).
    pub simulations: Arc<horizon::Simulations>,
}

impl AppState {
    /// The state of a server on `store` with the real clock, keeping rendered feeds
    /// [`FEED_CACHE`].
    pub fn new(store: Store) -> AppState {
        AppState::with_feed_cache(store, FEED_CACHE)
    }

    /// The same, keeping rendered feeds `ttl` (zero: every poll reads the database).
    pub fn with_feed_cache(store: Store, ttl: Duration) -> AppState {
        AppState {
            store,
            clock: Arc::new(Utc::now),
            jobs: Arc::default(),
            solve_slot: Arc::default(),
            feeds: Arc::new(FeedCache::new(ttl)),
            reports: Arc::default(),
            signins: Arc::default(),
            simulations: Arc::default(),
        }
    }
}

/// Every route, with tracing, a request timeout and a body size limit; every error answered
/// in [`ErrorBody`]'s JSON shape but the bare 404s.
///
/// The API's operations are declared once, by their handlers' `#[utoipa::path]` (method, path,
/// roles), and registered with `routes!` in each resource's `router()`: the router and the
/// OpenAPI document served at `/api/openapi.json` both come from that one list. Each operation
/// checks the caller's role, as its `security` names it, before its handler runs (issue 13: a
/// wrong role gets 403 whatever it sends, before a byte of its body is read).
pub fn router(state: AppState) -> Router {
    let (api, doc) = operations().split_for_parts();
    let doc = openapi::finish(doc);
    let guard = extract::Guard::new(state.clone(), &doc);
    let counter = Arc::new(AtomicU64::new(0));
    // Calendar apps poll the feeds all day: their answers are logged at debug level (failures
    // still show as errors), the API's at info.
    let feeds = traced(
        Router::new().route("/feeds/{file}", get(feeds::feed)),
        Level::DEBUG,
        counter.clone(),
    );
    let api = api
        .route_layer(middleware::from_fn_with_state(guard, extract::guard))
        .route("/api/openapi.json", openapi::served(&doc));
    let pages = traced(app::router(), Level::INFO, counter.clone());
    // The import page takes the folder's files: a limit of its own.
    let import = traced(app::import_router(), Level::INFO, counter.clone())
        .layer(RequestBodyLimitLayer::new(app::IMPORT_LIMIT_BYTES));
    feeds
        .merge(traced(api, Level::INFO, counter))
        .merge(pages)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .merge(import)
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn(errors_as_json))
}

/// The OpenAPI 3.1 document of the API, as `/api/openapi.json` serves it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    openapi::finish(operations().into_openapi())
}

/// The API's operations, resource by resource: the one route list.
fn operations() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(health::router())
        .merge(me::router())
        .merge(territory::router())
        .merge(rides::router())
        .merge(families::router())
        .merge(weeks::router())
        .merge(horizon::router())
        .merge(pins::router())
        .merge(jobs::router())
        .merge(visits::router())
        .merge(subscriptions::router())
        .merge(absences::router())
        .merge(eps::router())
        .merge(workshops::router())
}

/// A path that does not decode to UTF-8 names nothing here: a bare 404, like any unknown
/// address. An error answered outside the handlers (the body limit's 413, a 405, the timeout's
/// 503, an extractor's 400) gets the JSON body every other error has.
async fn errors_as_json(request: Request, next: Next) -> Response {
    if !is_utf8_path(request.uri().path()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let response = next.run(request).await;
    error::json_error(response.status(), response.headers()).unwrap_or(response)
}

/// Whether `path`, percent-decoded, is UTF-8 (`/feeds/%C3%28.ics` is not).
fn is_utf8_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    let hex = |i: usize| bytes.get(i).and_then(|b| char::from(*b).to_digit(16));
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                decoded.push(u8::try_from(high * 16 + low).expect("BUG: two hex digits"));
                i += 3;
            }
            (b, _, _) => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&decoded).is_ok()
}

/// `routes` with request tracing at `level`: a span with the method, the route it matched (not
/// the URI: a feed's URI holds its token) and a request number; the answer's status and latency.
fn traced(routes: Router<AppState>, level: Level, counter: Arc<AtomicU64>) -> Router<AppState> {
    routes.layer(
        TraceLayer::new_for_http()
            .on_request(DefaultOnRequest::new().level(Level::DEBUG))
            .on_response(DefaultOnResponse::new().level(level))
            .make_span_with(move |request: &Request| {
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or("(no route)", MatchedPath::as_str);
                let id = counter.fetch_add(1, Ordering::Relaxed);
                let method = request.method();
                if level == Level::DEBUG {
                    tracing::debug_span!("request", id, %method, route)
                } else {
                    tracing::info_span!("request", id, %method, route)
                }
            }),
    )
}

/// Serves `app` on `listener` with the default [`ConnectionLimits`] until `shutdown` completes.
///
/// # Errors
/// None yet: a failed `accept` is logged and retried.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    serve_with(listener, app, shutdown, ConnectionLimits::default()).await
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting, lets the
/// requests in flight finish for at most `limits.drain` and closes every connection left.
///
/// Our own loop rather than `axum::serve`, whose graceful shutdown waits for every connection,
/// however long a client keeps one (issue 13: a half-sent request head held it for good).
///
/// # Errors
/// None yet: a failed `accept` is logged and retried.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: ConnectionLimits,
) -> io::Result<()> {
    let (closing, closed) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, app.clone(), limits, closed.clone()));
                }
                // The client gave up before we took its connection.
                Err(e) if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
                ) => {}
                // Out of file descriptors, most likely: give the open connections time to end.
                Err(e) => {
                    tracing::error!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = closing.send(true);
    let drained = tokio::time::timeout(limits.drain, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            "connections still open after the drain time: closed"
        );
    }
    connections.shutdown().await;
    Ok(())
}

/// One client connection, HTTP/1.1 with keep-alive, until it closes, breaks a limit or the
/// server shuts down (then it ends after its request in flight, if any).
async fn connection(
    stream: TcpStream,
    app: Router,
    limits: ConnectionLimits,
    mut closing: tokio::sync::watch::Receiver<bool>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        stream,
        activity: activity.clone(),
    });
    let answering = activity.clone();
    let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
        let app = app.clone();
        let busy = Busy::new(answering.clone());
        async move {
            let response = app.oneshot(request.map(Body::new)).await;
            drop(busy);
            response
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let mut conn = std::pin::pin!(builder.serve_connection(io, service));
    let mut shutting_down = false;
    loop {
        let quiet_until = activity.quiet_until(limits.idle);
        tokio::select! {
            ended = conn.as_mut() => {
                if let Err(e) = ended {
                    tracing::debug!(error = %e, "connection ended");
                }
                return;
            }
            _ = closing.changed(), if !shutting_down => {
                shutting_down = true;
                conn.as_mut().graceful_shutdown();
            }
            () = tokio::time::sleep_until(quiet_until.into()) => {
                if activity.is_idle(limits.idle) {
                    tracing::debug!("idle connection closed");
                    return;
                }
            }
        }
    }
}

/// When a connection last read or wrote a byte or finished an answer, and how many requests it
/// is answering: what the idle timeout looks at.
struct Activity {
    opened: Instant,
    /// Milliseconds after `opened`.
    last_ms: AtomicU64,
    answering: AtomicUsize,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            opened: Instant::now(),
            last_ms: AtomicU64::new(0),
            answering: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// When the connection becomes idle if nothing happens meanwhile.
    fn quiet_until(&self, idle: Duration) -> Instant {
        self.opened + Duration::from_millis(self.last_ms.load(Ordering::Relaxed)) + idle
    }

    fn is_idle(&self, idle: Duration) -> bool {
        self.answering.load(Ordering::Relaxed) == 0 && Instant::now() >= self.quiet_until(idle)
    }
}

/// A request being answered: the connection is not idle meanwhile.
struct Busy(Arc<Activity>);

impl Busy {
    fn new(activity: Arc<Activity>) -> Busy {
        activity.answering.fetch_add(1, Ordering::Relaxed);
        activity.touch();
        Busy(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch();
        self.0.answering.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A client's stream that records its activity.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Completes on Ctrl-C or SIGTERM. The SIGTERM handler is installed when this is called, not
/// when the future is first polled: a SIGTERM that comes as soon as the server answers (a busy
/// machine, a supervisor stopping it at once) still shuts it down gracefully. Call it inside
/// the runtime.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    async move {
        let ctrl_c = async {
            // Without a handler there is nothing to wait for: run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        let terminate = async {
            match terminate {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = terminate => {},
        }
    }
}
