//! The app's stylesheet and script, embedded in the binary: served with a content hash in
//! their address and cached for a year, so that a new version is fetched at once and an old
//! one never again. Nothing is fetched from elsewhere.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse as _, Response};
use sha2::{Digest as _, Sha256};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
    /// The first 12 hex digits of the body's SHA-256.
    hash: String,
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    [
        (
            "app.css",
            "text/css; charset=utf-8",
            include_str!("assets/app.css"),
        ),
        (
            "app.js",
            "text/javascript; charset=utf-8",
            include_str!("assets/app.js"),
        ),
        ("icon.svg", "image/svg+xml", include_str!("assets/icon.svg")),
    ]
    .into_iter()
    .map(|(name, content_type, body)| Asset {
        name,
        content_type,
        body,
        hash: format!("{:x}", Sha256::digest(body.as_bytes()))[..12].to_owned(),
    })
    .collect()
});

/// The address of asset `name` (`app.css`), with its hash: `/static/app.3f2a…css`.
pub(super) fn url(name: &str) -> String {
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name)
        .expect("BUG: an embedded asset's name");
    let (stem, ext) = name
        .split_once('.')
        .expect("BUG: an asset has an extension");
    format!("/static/{stem}.{}.{ext}", asset.hash)
}

/// `GET /static/{file}`: an asset by its hashed name; anything else a bare 404.
pub(super) async fn serve(Path(file): Path<String>) -> Response {
    let found = ASSETS.iter().find(|a| {
        let (stem, ext) = a
            .name
            .split_once('.')
            .expect("BUG: an asset has an extension");
        file == format!("{stem}.{}.{ext}", a.hash)
    });
    let Some(asset) = found else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
            (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        asset.body,
    )
        .into_response()
}
