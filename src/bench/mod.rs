//! Benchmarks of solution quality, for developers: `parcours bench vrptw` runs the routing
//! engine on VRPLIB instances (the 56 Solomon ones) against best-known solutions and PyVRP
//! (issue 4, STYLE.md §12).
//!
//! This module reads the instance files, writes solutions and the summary, and runs PyVRP in a
//! venv; the solver itself only sees parsed problems. Timing benchmarks of hot paths live in
//! `solver/benches/`.

mod pyvrp;
mod table;
mod vrptw;

pub use vrptw::{BenchError, SolveFn, VrptwOptions, VrptwReport, run_vrptw};
