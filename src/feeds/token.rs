//! Secret tokens for feed URLs and API users: drawn from the operating system's random source,
//! shown once, stored only as their SHA-256 hash (DESIGN.md, confidentiality; STYLE.md §6).
//!
//! This module neither stores nor logs a token: the caller shows the raw token to the person it
//! is for and hands only [`hash`] to the store.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// Random bytes in a token: 256 bits, well above the 128 the issue requires.
const TOKEN_BYTES: usize = 32;

/// A new token: 32 random bytes from the operating system, as 64 lowercase hex digits (safe in a
/// URL path and in an `Authorization` header).
///
/// # Errors
/// When the operating system cannot provide random bytes.
pub fn generate() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(hex(&bytes))
}

/// The SHA-256 of the raw token, as 64 lowercase hex digits: what the store keeps and looks
/// tokens up by. A fast hash is enough: the token has 256 random bits, so there is nothing to
/// guess from the hash.
pub fn hash(raw: &str) -> String {
    hex(&Sha256::digest(raw.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_lower_hex(text: &str) -> bool {
        text.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    }

    #[test]
    fn a_token_is_64_lowercase_hex_digits() {
        let token = generate().unwrap();
        assert_eq!(token.len(), 64);
        assert!(is_lower_hex(&token), "{token}");
    }

    #[test]
    fn two_tokens_differ() {
        assert_ne!(generate().unwrap(), generate().unwrap());
    }

    #[test]
    fn the_hash_is_the_sha256_of_the_token_in_lowercase_hex() {
        // FIPS 180-2, appendix B.1, and the empty message.
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let token = generate().unwrap();
        assert_eq!(hash(&token).len(), 64);
        assert!(is_lower_hex(&hash(&token)));
        assert_ne!(hash(&token), token);
    }
}
