//! `GET /feeds/{token}.ics`: one person's calendar, built from the published plans only. Calendar
//! apps poll it: `ETag` and `Last-Modified` let them ask "changed?" and get a bodiless 304.
//! An unknown or revoked token gets a bare 404 that tells nothing.
//!
//! A feed is rendered from the database once and then served from memory for a second or two
//! ([`FeedCache`]): polls cost no query, and a publication or revocation made through this
//! server is seen at once, one made elsewhere within the cache's time.

use axum::extract::{Path, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::{ApiError, AppState};
use crate::feeds::ics::{self, Calendar};
use crate::feeds::token;

/// Calendar apps may reuse a feed this long before asking again (they mostly poll hourly,
/// as the feed's `REFRESH-INTERVAL` says).
const CACHE_CONTROL_VALUE: &str = "private, max-age=300";

/// A rendered feed, kept in memory for [`FeedCache::ttl`]: what a calendar app's polls get
/// without touching the database.
#[derive(Clone)]
struct Rendered {
    body: axum::body::Bytes,
    etag: String,
    published: DateTime<Utc>,
    at: Instant,
}

/// Rendered feeds by token hash, each kept for `ttl` (unknown tokens are not kept: they are
/// looked up each time).
/// A publication or a revocation made through this server clears it; one made by another
/// process (the CLI, a second server) reaches the feeds within `ttl`.
pub struct FeedCache {
    ttl: Duration,
    entries: RwLock<HashMap<String, Rendered>>,
}

impl FeedCache {
    /// A cache keeping feeds `ttl` (zero: no caching).
    pub fn new(ttl: Duration) -> FeedCache {
        FeedCache {
            ttl,
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// Forgets every feed: something was published or revoked.
    pub fn clear(&self) {
        self.entries.write().expect("feed cache lock").clear();
    }

    fn get(&self, hash: &str) -> Option<Rendered> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().expect("feed cache lock");
        entries
            .get(hash)
            .filter(|r| r.at.elapsed() < self.ttl)
            .cloned()
    }

    fn put(&self, hash: String, rendered: Rendered) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.write().expect("feed cache lock");
        // Bounded: one entry per subscription that polls; expired ones go when it grows.
        if entries.len() >= 10_000 {
            let ttl = self.ttl;
            entries.retain(|_, r| r.at.elapsed() < ttl);
        }
        entries.insert(hash, rendered);
    }
}

pub(super) async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: HeaderMap,
) -> Result<Response, ApiError> {
    // `{token}.ics`; the bare token works too (some apps drop the extension).
    let raw = file.strip_suffix(".ics").unwrap_or(&file);
    if raw.is_empty() || raw.len() > 256 {
        return Err(ApiError::NotFound);
    }
    let hash = token::hash(raw);
    let rendered = match state.feeds.get(&hash) {
        Some(rendered) => rendered,
        None => {
            let rendered = render(&state, &hash).await?.ok_or(ApiError::NotFound)?;
            state.feeds.put(hash, rendered.clone());
            rendered
        }
    };
    let mut headers = HeaderMap::new();
    headers.insert(ETAG, header(&rendered.etag));
    headers.insert(LAST_MODIFIED, header(&http_date(rendered.published)));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL_VALUE));
    if not_modified(&request, &rendered.etag, rendered.published) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    Ok((StatusCode::OK, headers, rendered.body).into_response())
}

/// The feed of the subscription whose token hashes to `hash`, from the database: `None` for an
/// unknown or revoked token.
async fn render(state: &AppState, hash: &str) -> Result<Option<Rendered>, ApiError> {
    let Some(person) = state.store.feed_person(hash).await? else {
        return Ok(None);
    };
    let feed = state.store.feed(&person, (state.clock)()).await?;
    // The body depends on the published events only, so that polling gives the same bytes and
    // the same ETag until something is published.
    let published = feed.last_modified.unwrap_or(DateTime::UNIX_EPOCH);
    let body = ics::write(
        &Calendar {
            name: format!("Parcours – {person}"),
            events: feed.events,
        },
        published,
    );
    let etag = format!("\"{}\"", &token::hash(&body)[..32]);
    Ok(Some(Rendered {
        body: body.into(),
        etag,
        published,
        at: Instant::now(),
    }))
}

fn header(value: &str) -> HeaderValue {
    HeaderValue::from_str(value).expect("BUG: ETags and HTTP dates are visible ASCII")
}

/// RFC 9110 §5.6.7 IMF-fixdate: `Fri, 27 Nov 2026 16:00:00 GMT`.
fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// RFC 9110 §13.1: `If-None-Match` decides when present (weak comparison); otherwise
/// `If-Modified-Since`, to the second.
fn not_modified(request: &HeaderMap, etag: &str, published: DateTime<Utc>) -> bool {
    if let Some(value) = request.get(IF_NONE_MATCH) {
        return value.to_str().is_ok_and(|v| {
            v.split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
        });
    }
    request
        .get(IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| published.timestamp() <= since.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: axum::http::HeaderName, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn a_matching_etag_or_a_later_date_means_not_modified() {
        let published = DateTime::parse_from_rfc3339("2026-11-27T16:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let etag = "\"abc\"";
        assert_eq!(http_date(published), "Fri, 27 Nov 2026 16:00:00 GMT");
        assert!(not_modified(
            &headers(IF_NONE_MATCH, "\"abc\""),
            etag,
            published
        ));
        assert!(not_modified(
            &headers(IF_NONE_MATCH, "\"x\", W/\"abc\""),
            etag,
            published
        ));
        assert!(!not_modified(
            &headers(IF_NONE_MATCH, "\"old\""),
            etag,
            published
        ));
        let since = |v: &str| headers(IF_MODIFIED_SINCE, v);
        assert!(not_modified(
            &since("Fri, 27 Nov 2026 16:00:00 GMT"),
            etag,
            published
        ));
        assert!(!not_modified(
            &since("Fri, 27 Nov 2026 15:59:59 GMT"),
            etag,
            published
        ));
        assert!(!not_modified(&since("pas une date"), etag, published));
        // If-None-Match wins over If-Modified-Since.
        let mut both = since("Fri, 27 Nov 2026 17:00:00 GMT");
        both.insert(IF_NONE_MATCH, HeaderValue::from_static("\"old\""));
        assert!(!not_modified(&both, etag, published));
        assert!(!not_modified(&HeaderMap::new(), etag, published));
    }
}
