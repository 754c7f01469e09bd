//! Parcours solver: pure, synchronous, deterministic planning for PRE teams.
//!
//! This crate knows nothing of files, HTTP, databases or async code. Each planning problem takes
//! a validated problem value and returns a solution value; every solve has a seed and limits and
//! gives the same answer for the same input, seed and limits (STYLE.md §8).
#![warn(missing_docs)]

pub mod assign;
pub mod ids;
pub mod limits;
pub mod milp;
pub mod rng;
pub mod rota;
pub mod routing;
pub mod travel;
pub mod units;
