//! Passwords of the web app's sign-in: hashed with Argon2id (the RustCrypto `argon2` crate's
//! defaults: 19 MiB, 2 passes), a random salt each, stored as a PHC string; never stored or
//! logged in clear.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 10;

/// The longest: beyond, hashing is only a way to make the server work.
pub const MAX_LENGTH: usize = 256;

/// Why a password is refused, in French.
///
/// # Errors
/// When it is shorter than [`MIN_LENGTH`] or longer than [`MAX_LENGTH`] characters.
pub fn check(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        return Err(format!(
            "le mot de passe doit compter au moins {MIN_LENGTH} caractères ({n} donnés)"
        ));
    }
    if n > MAX_LENGTH {
        return Err(format!(
            "le mot de passe doit compter au plus {MAX_LENGTH} caractères"
        ));
    }
    Ok(())
}

/// The Argon2id PHC string of `password`, with a fresh random salt.
///
/// # Errors
/// When the system's random source fails.
pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0_u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("random source: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| format!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("hashing: {e}"))
}

/// Whether `password` is the one `phc` was made from. A hash that does not parse matches
/// nothing.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash no password was made from, to verify against when the login is unknown: the
/// answer then takes as long as for a known login with a wrong password.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("no password is this one").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_hash_only() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterz", &h));
        assert!(!verify("correct horse battery", "not a hash"));
        // Two hashes of one password differ: each has its salt.
        assert_ne!(h, hash("correct horse battery").unwrap());
    }

    #[test]
    fn short_and_overlong_passwords_are_refused_in_french() {
        assert!(check("court").unwrap_err().contains("au moins 10"));
        assert!(check(&"x".repeat(300)).is_err());
        assert!(check("dix lettres").is_ok());
    }
}
