//! One CSV file of an import, as `parcours import` reads it: decoding, `;` rows, the record
//! parser of that file and the cross-file checks against the `mini` case. The first byte picks
//! the file (its index in `import::FILES`), the rest is its content.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use parcours::import::{self, FILES, Source};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = FILES[usize::from(pick) % FILES.len()];
    let source = Source::from_files(vec![(name.to_owned(), bytes.to_vec())]);
    let validation = import::validate(
        &source,
        common::mini(),
        parcours::reference::MONDAY,
    );
    // Every message is rendered, as the CLI and the API show them.
    for issue in validation.errors.iter().chain(&validation.warnings) {
        let _ = issue.to_string();
    }
});
