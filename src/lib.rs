//! Parcours: the planner of a Programme de Réussite Éducative team.
//!
//! The application crate: domain types, storage, import of coordinators' spreadsheets, the
//! reference-territory generator, reports and the command line. Planning algorithms live in
//! the `parcours-solver` crate, which this crate feeds.

pub mod bench;
pub mod cli;
pub mod config;
pub mod domain;
pub mod feeds;
pub mod fixtures;
pub mod http;
pub mod import;
pub mod planning;
pub mod report;
pub mod store;
pub mod telemetry;
