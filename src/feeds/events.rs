//! The events a published plan puts in each person's feed, for every kind of plan: one function
//! per kind, [`plan_events`] choosing. The store's publication compares them with what it
//! published before; it never looks inside a plan itself.
//!
//! Pure, like the rest of `feeds`: no I/O, and no dependency on the store.

use super::ics::{self, Event};
use crate::planning::eps::EpsPlan;
use crate::planning::workshops::WorkshopPlan;
use crate::planning::{AnyPlan, WeekPlan};

/// `(person code, event)` for every event `plan` publishes, sequence 0 and confirmed (the
/// publication sets both).
pub fn plan_events(plan: &AnyPlan) -> Vec<(String, Event)> {
    match plan {
        AnyPlan::Rota(week) => rota_events(week),
        AnyPlan::EpsYear(year) => eps_events(year),
        AnyPlan::Workshops(year) => workshop_events(year),
    }
}

/// A workshop year's events: each session in its facilitator's feed, as « Atelier FA-04 –
/// <theme>, séance k/n » at its site, the group's code and size in its description: never a
/// child's code, a family or a situation.
fn workshop_events(plan: &WorkshopPlan) -> Vec<(String, Event)> {
    plan.groups
        .iter()
        .flat_map(|group| {
            (0..group.dates.len()).map(move |i| {
                (
                    group.facilitator.clone(),
                    workshop_event(plan.year, group, i),
                )
            })
        })
        .collect()
}

/// The event of session `i` (from 0) of `group`.
pub fn workshop_event(
    year: crate::planning::SchoolYear,
    group: &crate::planning::workshops::WorkshopGroup,
    i: usize,
) -> Event {
    Event {
        uid: format!("atelier-{year}-{}@parcours", group.session_code(i)),
        sequence: 0,
        status: ics::EventStatus::Confirmed,
        start: group.start(i),
        end: group.end(i),
        summary: format!(
            "Atelier {} – {}, séance {}/{}",
            group.workshop,
            group.theme,
            i + 1,
            group.dates.len()
        ),
        location: group.place.clone(),
        description: format!(
            "Groupe {} : {} enfant(s) inscrit(s). La liste de présence est dans Parcours.",
            group.code,
            group.children.len()
        ),
    }
}

/// An EPS year's events: each meeting in the feed of everyone it brings together (members
/// required and invited, the coordinator, the référents), as « EPS <name> » at its site: never
/// a child, a family or a situation.
fn eps_events(plan: &EpsPlan) -> Vec<(String, Event)> {
    plan.live()
        .flat_map(|meeting| {
            let event = eps_event(plan.year, meeting);
            meeting
                .attendees
                .iter()
                .map(move |a| (a.code.clone(), event.clone()))
        })
        .collect()
}

/// The event of one EPS meeting (also the single-meeting invitation).
pub fn eps_event(
    year: crate::planning::SchoolYear,
    meeting: &crate::planning::eps::EpsMeeting,
) -> Event {
    Event {
        uid: format!("eps-{year}-{}@parcours", meeting.code),
        sequence: 0,
        status: ics::EventStatus::Confirmed,
        start: meeting.start(),
        end: meeting.end(),
        summary: meeting.eps_name.clone(),
        location: meeting.place.clone(),
        description: format!(
            "Réunion {} de l'année de l'{} (période {}).",
            meeting.rank, meeting.eps_name, meeting.period
        ),
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
