//! Calendar feeds: iCalendar text for a person's week, built from a plan (DESIGN.md,
//! confidentiality: family code, commune and place type only), the events a published plan of
//! any kind gives each person ([`plan_events`]), and the secret tokens of feed URLs and API
//! users. This module does not import the store (issue 14, checked by `.ci/run`): the store
//! calls it.

pub mod events;
pub mod ics;
pub mod token;
mod vtimezone;

pub use events::plan_events;
