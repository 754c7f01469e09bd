//! What both targets share: the `mini` case as the records a database already holds, so that
//! fuzzed records that refer to communes, référents or sites reach the cross-file checks.

use std::path::Path;
use std::sync::OnceLock;

use parcours::domain::Territory;
use parcours::import::{self, Source};

/// `fixtures/cases/mini`, validated, read once per process.
pub fn mini() -> &'static Territory {
    static MINI: OnceLock<Territory> = OnceLock::new();
    MINI.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/cases/mini");
        let source = Source::from_dir(&dir).expect("fixtures/cases/mini is readable");
        let validation = import::validate(
            &source,
            &Territory::default(),
            parcours::reference::MONDAY,
        );
        assert!(
            validation.is_valid(),
            "mini is valid: {:?}",
            validation.errors
        );
        validation.batch().clone()
    })
}
