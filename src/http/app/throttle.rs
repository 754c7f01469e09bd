//! Sign-in attempts slowed down: after [`FREE_ATTEMPTS`] failed sign-ins on one login, each
//! further attempt waits, twice as long after each failure (1 s, 2 s, 4 s… at most
//! [`MAX_WAIT`]), counted from the last failure; an attempt made sooner is refused without
//! looking at the password. A success clears the login's count; a count untouched for
//! [`FORGET_AFTER`] is forgotten. Kept in the server's memory, per login (known or not, so
//! that the answer says nothing of whether a login exists).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Failures allowed on a login before attempts wait.
pub const FREE_ATTEMPTS: u32 = 3;

/// The longest wait between two attempts.
pub const MAX_WAIT: Duration = Duration::seconds(60);

/// A login's failures are forgotten this long after the last one.
pub const FORGET_AFTER: Duration = Duration::minutes(15);

/// At most this many logins are followed; beyond, the oldest counts are dropped first.
const MAX_FOLLOWED: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
}

/// The failed sign-ins of the server, per login.
#[derive(Debug, Default)]
pub struct SignInThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

impl SignInThrottle {
    /// How long `login` must still wait at `now` before an attempt is looked at; `None` when
    /// it may try.
    pub fn wait(&self, login: &str, now: DateTime<Utc>) -> Option<Duration> {
        let failures = self.failures.lock().expect("throttle lock");
        let f = failures.get(&login.to_lowercase())?;
        if f.count < FREE_ATTEMPTS {
            return None;
        }
        let exponent = (f.count - FREE_ATTEMPTS).min(10);
        let wait = Duration::seconds(1_i64 << exponent).min(MAX_WAIT);
        let left = f.last + wait - now;
        (left > Duration::zero()).then_some(left)
    }

    /// Counts a failed attempt on `login` at `now`.
    pub fn failed(&self, login: &str, now: DateTime<Utc>) {
        let mut failures = self.failures.lock().expect("throttle lock");
        failures.retain(|_, f| now - f.last < FORGET_AFTER);
        if failures.len() >= MAX_FOLLOWED {
            let oldest = failures
                .iter()
                .min_by_key(|(_, f)| f.last)
                .map(|(login, _)| login.clone());
            if let Some(oldest) = oldest {
                failures.remove(&oldest);
            }
        }
        let f = failures.entry(login.to_lowercase()).or_insert(Failures {
            count: 0,
            last: now,
        });
        f.count = f.count.saturating_add(1);
        f.last = now;
    }

    /// Clears `login`'s failures after a successful sign-in.
    pub fn succeeded(&self, login: &str) {
        self.failures
            .lock()
            .expect("throttle lock")
            .remove(&login.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn attempts_wait_longer_after_each_failure_beyond_the_free_ones() {
        let t = SignInThrottle::default();
        for i in 0..FREE_ATTEMPTS {
            assert_eq!(t.wait("Claire", at(i64::from(i))), None);
            t.failed("Claire", at(i64::from(i)));
        }
        // Third failure at t=2: one second to wait, whatever the case of the login.
        assert_eq!(t.wait("claire", at(2)), Some(Duration::seconds(1)));
        assert_eq!(t.wait("CLAIRE", at(3)), None);
        t.failed("claire", at(3));
        assert_eq!(t.wait("claire", at(3)), Some(Duration::seconds(2)));
        for s in 4..20 {
            t.failed("claire", at(s));
        }
        assert_eq!(t.wait("claire", at(19)), Some(MAX_WAIT));
        // Another login is not slowed.
        assert_eq!(t.wait("marc", at(19)), None);
        // A success clears the count.
        t.succeeded("Claire");
        assert_eq!(t.wait("claire", at(19)), None);
    }

    #[test]
    fn failures_are_forgotten_after_a_quarter_of_an_hour() {
        let t = SignInThrottle::default();
        for s in 0..5 {
            t.failed("a", at(s));
        }
        assert!(t.wait("a", at(5)).is_some());
        // Counted on, a sixth failure would mean 8 s to wait; forgotten, it is the first.
        let later = at(5) + FORGET_AFTER;
        t.failed("a", later);
        assert_eq!(t.wait("a", later), None);
    }
}
