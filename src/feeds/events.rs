//! The events a published plan puts in each person's feed, for every kind of plan: one function
//! per kind, [`plan_events`] choosing. The store's publication compares them with what it
//! published before; it never looks inside a plan itself.
//!
//! Pure, like the rest of `feeds`: no I/O, and no dependency on the store.

use super::ics::{self, Event};
use crate::planning::{AnyPlan, WeekPlan};

/// `(person code, event)` for every event `plan` publishes, sequence 0 and confirmed (the
/// publication sets both).
pub fn plan_events(plan: &AnyPlan) -> Vec<(String, Event)> {
    match plan {
        AnyPlan::Rota(week) => rota_events(week),
    }
}

/// A rota's events: each référent's calendar ([`ics::referent_calendar`], which leaves her
/// private appointments out), in her feed.
fn rota_events(plan: &WeekPlan) -> Vec<(String, Event)> {
    plan.referents
        .iter()
        .flat_map(|week| {
            ics::referent_calendar(week)
                .events
                .into_iter()
                .map(|event| (week.code.clone(), event))
        })
        .collect()
}
