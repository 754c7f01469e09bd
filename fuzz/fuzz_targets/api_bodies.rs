//! The API's JSON request bodies: each input is read as every body type, the way its handler
//! reads and checks it (`parcours::http::fuzzing`).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use parcours::http::fuzzing::{Body, read_body};

fuzz_target!(|data: &[u8]| {
    for body in Body::ALL {
        let _ = read_body(body, data, common::mini());
    }
});
