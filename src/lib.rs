//! Parcours: the planner of a Programme de Réussite Éducative team.
//!
//! The application crate: domain types, storage, import of coordinators' spreadsheets,
//! reports and the command line. Planning algorithms live in the `parcours-solver` crate, which
//! this crate feeds; benchmarks and the reference-territory generator, for developers only, in
//! `parcours-dev` (`tools/`).

pub mod cli;
pub mod config;
pub mod domain;
pub mod feeds;
pub mod http;
pub mod import;
pub mod planning;
pub mod reference;
pub mod report;
pub mod store;
pub mod telemetry;
