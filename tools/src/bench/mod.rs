//! Benchmarks of solution quality, for developers: `parcours-dev bench vrptw` runs the routing
//! engine on VRPLIB instances (the 56 Solomon ones) against best-known solutions and PyVRP,
//! and `parcours-dev bench scaling` measures it on Solomon-like instances of growing size
//! (issue 4, STYLE.md §12).
//!
//! This module reads the instance files, writes solutions and the summary, and runs PyVRP in a
//! venv; the solver itself only sees parsed problems. Timing benchmarks of hot paths live in
//! `solver/benches/`.

mod eps;
mod feeds;
mod horizon;
mod pyvrp;
mod scaling;
mod synthetic;
mod table;
mod vrptw;
mod week;
mod workshops;

pub use eps::{EpsRun, measure_eps, run_eps_bench};
pub use feeds::{FeedsBenchError, FeedsOptions, run_feeds_bench};
pub use horizon::run_horizon_bench;
pub use scaling::{ScalingError, ScalingOptions, ScalingRun, measure, run_scaling};
pub use synthetic::solomon_like;
pub use vrptw::{BenchError, SolveFn, VrptwOptions, VrptwReport, run_vrptw};
pub use week::{WeekRun, measure_week, run_week_bench, scaled_territory};
pub use workshops::{WorkshopRun, measure_workshops, run_workshops_bench};
