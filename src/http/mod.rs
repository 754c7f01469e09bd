//! The HTTP server (`parcours serve`): the calendar feeds référents subscribe to, a health check,
//! and the JSON API under `/api/v1` (bearer tokens, one role each; its OpenAPI 3 document at
//! `/api/openapi.json`, generated from the handlers).
//!
//! [`router`] is pure, for tests that call it directly; [`serve`] runs it on a bound listener
//! until a shutdown future completes (STYLE.md §6). Requests are traced with their method, the
//! route they matched (`/feeds/{file}`, never the token itself) and a request number, so that
//! logs carry no personal data and no secret.

mod error;
mod extract;
mod families;
mod feeds;
pub mod fuzzing;
mod health;
mod jobs;
mod me;
mod openapi;
mod rides;
mod subscriptions;
mod territory;
mod visits;
mod weeks;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use chrono::{DateTime, Utc};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::{ApiError, ErrorBody, FieldIssue};
pub use extract::{AppJson, Caller};
pub use feeds::FeedCache;
pub use jobs::Jobs;

use crate::store::Store;

/// How long a request may take before the server answers 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a rendered feed is served from memory: a publication or revocation made by another
/// process (the CLI, a second server) reaches the feeds within this time.
pub const FEED_CACHE: Duration = Duration::from_secs(2);

/// The largest request body accepted (a family's record is far smaller).
pub const BODY_LIMIT_BYTES: usize = 256 * 1024;

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
    /// Rendered feeds.
    pub feeds: Arc<FeedCache>,
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
            feeds: Arc::new(FeedCache::new(ttl)),
        }
    }
}

/// Every route, with tracing, a request timeout and a body size limit.
pub fn router(state: AppState) -> Router {
    let counter = Arc::new(AtomicU64::new(0));
    // Calendar apps poll the feeds all day: their answers are logged at debug level (failures
    // still show as errors), the API's at info.
    let feeds = traced(
        Router::new().route("/feeds/{file}", get(feeds::feed)),
        Level::DEBUG,
        counter.clone(),
    );
    let api = Router::new()
        .route("/health", get(health::health))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/v1/me", get(me::me))
        .route("/api/v1/territory", get(territory::territory))
        .route("/api/v1/rides", get(rides::rides))
        .route(
            "/api/v1/families/{code}",
            get(families::get).put(families::put),
        )
        .route("/api/v1/weeks/{week}/publish", post(weeks::publish))
        .route("/api/v1/weeks/{week}/plans", post(jobs::start))
        .route("/api/v1/weeks/{week}/visits/{family}", post(visits::update))
        .route("/api/v1/jobs/{id}", get(jobs::status).delete(jobs::cancel))
        .route(
            "/api/v1/weeks/{week}/referents/{code}",
            get(weeks::referent_week),
        )
        .route("/api/v1/feed-subscriptions", post(subscriptions::create))
        .route(
            "/api/v1/feed-subscriptions/{id}",
            delete(subscriptions::revoke),
        );
    feeds
        .merge(traced(api, Level::INFO, counter))
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
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

/// Serves `app` on `listener` until `shutdown` completes, then lets requests in flight finish.
///
/// # Errors
/// An I/O error of the listener.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        // Without a handler there is nothing to wait for: run until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
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
