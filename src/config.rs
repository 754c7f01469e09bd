//! Settings: each value comes from a flag or a `PARCOURS_*` variable, read once in `main`.
//! Defaults run the demo (an SQLite file in the current directory).

use std::fmt;

/// Default database: an SQLite file in the current directory, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://parcours.db";

/// Settings shared by every command.
#[derive(Clone, clap::Args)]
pub struct Settings {
    /// Database URL: `sqlite://FILE` (default `sqlite://parcours.db`) or `postgres://…`.
    #[arg(long, env = "PARCOURS_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

impl Settings {
    /// Settings for tests and embedding: the given database URL.
    pub fn with_database_url(url: impl Into<String>) -> Settings {
        Settings {
            database_url: Some(url.into()),
        }
    }

    /// The database URL in force.
    pub fn database_url(&self) -> &str {
        self.database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL)
    }

    /// The file of an SQLite URL (`None` for PostgreSQL or an in-memory database).
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        let url = self.database_url();
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or(rest);
        (!path.is_empty() && !path.starts_with(":memory:")).then(|| path.into())
    }
}

/// Hides the password of a URL (`postgres://user:secret@host` → `postgres://user:***@host`).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_url(self.database_url()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_a_database_password() {
        let s = Settings::with_database_url("postgres://parcours:s3cret@db:5432/pre");
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("parcours:***@db"), "{shown}");
    }

    #[test]
    fn the_sqlite_file_is_read_from_the_url() {
        assert_eq!(
            Settings::with_database_url("sqlite://a/b.db?mode=rwc").sqlite_file(),
            Some("a/b.db".into())
        );
        assert_eq!(
            Settings::with_database_url("sqlite::memory:").sqlite_file(),
            None
        );
        assert_eq!(
            Settings::with_database_url("postgres://x@y/z").sqlite_file(),
            None
        );
    }
}
