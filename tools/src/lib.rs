//! `parcours-dev`: Parcours' tools for developers, not part of the product (STYLE.md §1, §12).
//! Benchmarks of solution quality and speed against peers, and the generator of the synthetic
//! reference territory committed in `fixtures/territory`. It uses the `parcours` library's
//! public API and the `parcours-solver` crate; the `parcours` binary carries none of this.

// clap shows the doc comments of `cli` as the terminal's help, where `OUT/<NAME>.sol` is a
// placeholder, not an HTML tag.
#![allow(rustdoc::invalid_html_tags)]

pub mod bench;
pub mod cli;
pub mod fixtures;
