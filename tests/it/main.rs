//! Integration tests: the real binary and the real store, on temporary SQLite files (one test
//! binary, so one link).

mod api;
mod api_document;
mod api_limits;
mod calendar;
mod demo;
mod eps;
mod eps_api;
mod feeds;
mod helpers;
mod import;
mod plan;
mod replan;
mod reports;
mod rules;
mod serve;
pub(crate) mod store;
mod web;
mod workshops;
mod workshops_api;
