//! What a publication changes in the feeds, decided without the database: the events a plan of
//! any kind publishes ([`crate::feeds::plan_events`]), compared with the events a previous
//! publication stored, give the rows to insert, update and cancel (RFC 5545 §3.8.7.4:
//! `SEQUENCE` grows by one at each change).
//!
//! Events are keyed by (person code, UID), not UID alone: a visit that moves to another
//! référent is cancelled in the first one's feed and added to the second one's. Each stored
//! event remembers the plan (kind, horizon) that last published it: a publication cancels only
//! the events its own plan published before. This module does no I/O; `queries.rs` loads the
//! stored events and writes the changes in one transaction.

use std::collections::BTreeMap;

use crate::feeds::ics::{Event, EventStatus};
use crate::planning::AnyPlan;

/// (person code, UID): what identifies a feed event.
pub(super) type Key = (String, String);

/// (kind key, horizon text): the plan that published an event (`("rota", "2026-W49")`).
pub(super) type PlanKey = (String, String);

/// A feed event as a publication stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredEvent {
    /// `feed_event_id`.
    pub id: i64,
    /// Code of the person whose feed shows it.
    pub person: String,
    /// The plan that last published it.
    pub plan: PlanKey,
    /// The event, with its stored sequence and status.
    pub event: Event,
}

/// The stored events a publication compares with: those its plan published before, and those
/// of other plans that share a key with one it publishes.
#[derive(Debug, Default)]
pub(super) struct Stored {
    events: BTreeMap<Key, StoredEvent>,
}

impl Stored {
    pub(super) fn new() -> Stored {
        Stored::default()
    }

    pub(super) fn insert(&mut self, stored: StoredEvent) {
        let key = (stored.person.clone(), stored.event.uid.clone());
        self.events.insert(key, stored);
    }

    pub(super) fn contains(&self, person: &str, uid: &str) -> bool {
        self.events
            .contains_key(&(person.to_owned(), uid.to_owned()))
    }
}

/// One row to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Change {
    /// A new event: sequence 0, confirmed.
    Insert {
        /// Code of the person whose feed shows it.
        person: String,
        /// The event.
        event: Event,
    },
    /// An event whose content changed, or that comes back after a cancellation: the stored
    /// row takes `event` (its sequence already raised) and is confirmed again.
    Update {
        /// `feed_event_id`.
        id: i64,
        /// The event, with its new sequence.
        event: Event,
    },
    /// An event the new plan no longer has: cancelled, with this new sequence.
    Cancel {
        /// `feed_event_id`.
        id: i64,
        /// The stored sequence plus one.
        sequence: u32,
    },
}

/// The rows a publication writes, and what they amount to.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Diff {
    /// In key order.
    pub changes: Vec<Change>,
    /// Events new to their person's feed.
    pub added: usize,
    /// Events whose content changed, or that were cancelled and come back.
    pub changed: usize,
    /// Events the plan published before and no longer has, cancelled now.
    pub cancelled: usize,
    /// Events published exactly as stored.
    pub unchanged: usize,
}

/// The events `plan` publishes, by (person code, UID).
pub(super) fn planned_events(plan: &AnyPlan) -> BTreeMap<Key, Event> {
    let mut events = BTreeMap::new();
    for (person, event) in crate::feeds::plan_events(plan) {
        let key = (person, event.uid.clone());
        if events.contains_key(&key) {
            // Event UIDs are unique within a person's plan by construction; a duplicate would
            // be a planning bug, and the first one is kept.
            tracing::warn!(person = %key.0, uid = %key.1, "duplicate event in a plan");
            continue;
        }
        events.insert(key, event);
    }
    events
}

/// Whether two events say the same thing (times and texts; sequence and status aside).
fn same_content(a: &Event, b: &Event) -> bool {
    a.start == b.start
        && a.end == b.end
        && a.summary == b.summary
        && a.location == b.location
        && a.description == b.description
}

/// The changes that make the stored events of `plan` those of `planned`:
/// - a key not stored is inserted (sequence 0);
/// - a key stored with the same content, confirmed, by the same plan, is left alone;
/// - a key stored with other content, or cancelled, or by another plan, is updated with the
///   sequence plus one;
/// - a confirmed stored event of `plan` whose key is not planned is cancelled, sequence plus one
///   (one already cancelled is left alone).
pub(super) fn diff(plan: &PlanKey, planned: &BTreeMap<Key, Event>, stored: &Stored) -> Diff {
    let mut diff = Diff::default();
    for (key, event) in planned {
        match stored.events.get(key) {
            None => {
                diff.added += 1;
                diff.changes.push(Change::Insert {
                    person: key.0.clone(),
                    event: Event {
                        sequence: 0,
                        status: EventStatus::Confirmed,
                        ..event.clone()
                    },
                });
            }
            Some(old)
                if old.event.status == EventStatus::Confirmed
                    && old.plan == *plan
                    && same_content(&old.event, event) =>
            {
                diff.unchanged += 1;
            }
            Some(old) => {
                diff.changed += 1;
                diff.changes.push(Change::Update {
                    id: old.id,
                    event: Event {
                        sequence: old.event.sequence.saturating_add(1),
                        status: EventStatus::Confirmed,
                        ..event.clone()
                    },
                });
            }
        }
    }
    for (key, old) in &stored.events {
        if old.plan == *plan
            && old.event.status == EventStatus::Confirmed
            && !planned.contains_key(key)
        {
            diff.cancelled += 1;
            diff.changes.push(Change::Cancel {
                id: old.id,
                sequence: old.event.sequence.saturating_add(1),
            });
        }
    }
    diff
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveDateTime};

    use super::*;

    /// `day` days after Monday 30 November 2026, at `h` o'clock.
    fn at(day: i64, h: u32) -> NaiveDateTime {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        (monday + chrono::Duration::days(day))
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn event(uid: &str, start: NaiveDateTime) -> Event {
        Event {
            uid: uid.to_owned(),
            sequence: 0,
            status: EventStatus::Confirmed,
            start,
            end: start + chrono::Duration::minutes(45),
            summary: format!("Visite {uid}"),
            location: "Valenciennes (domicile)".to_owned(),
            description: "Famille.".to_owned(),
        }
    }

    fn planned(events: &[(&str, Event)]) -> BTreeMap<Key, Event> {
        events
            .iter()
            .map(|(person, e)| (((*person).to_owned(), e.uid.clone()), e.clone()))
            .collect()
    }

    fn stored(rows: &[(i64, &str, &str, Event)]) -> Stored {
        let mut stored = Stored::new();
        for (id, person, week, event) in rows {
            stored.insert(StoredEvent {
                id: *id,
                person: (*person).to_owned(),
                plan: rota(week),
                event: event.clone(),
            });
        }
        stored
    }

    fn rota(week: &str) -> PlanKey {
        ("rota".to_owned(), week.to_owned())
    }

    const W49: &str = "2026-W49";

    #[test]
    fn a_first_publication_inserts_every_event_at_sequence_0() {
        let plan = planned(&[
            ("R-01", event("a", at(0, 9))),
            ("R-02", event("b", at(1, 9))),
        ]);
        let diff = diff(&rota(W49), &plan, &Stored::new());
        assert_eq!(
            (diff.added, diff.changed, diff.cancelled, diff.unchanged),
            (2, 0, 0, 0)
        );
        assert!(
            diff.changes
                .iter()
                .all(|c| matches!(c, Change::Insert { event, .. } if event.sequence == 0))
        );
    }

    #[test]
    fn the_same_events_again_write_nothing() {
        let a = event("a", at(0, 9));
        let diff = diff(
            &rota(W49),
            &planned(&[("R-01", a.clone())]),
            &stored(&[(1, "R-01", W49, Event { sequence: 3, ..a })]),
        );
        assert_eq!(diff.changes, []);
        assert_eq!(diff.unchanged, 1);
    }

    #[test]
    fn a_moved_event_is_updated_with_the_next_sequence_and_a_dropped_one_is_cancelled() {
        let a = event("a", at(0, 9));
        let b = event("b", at(1, 9));
        let moved = event("a", at(0, 11));
        let diff = diff(
            &rota(W49),
            &planned(&[("R-01", moved.clone())]),
            &stored(&[(1, "R-01", W49, a), (2, "R-01", W49, b)]),
        );
        assert_eq!(
            diff.changes,
            [
                Change::Update {
                    id: 1,
                    event: Event {
                        sequence: 1,
                        ..moved
                    }
                },
                Change::Cancel { id: 2, sequence: 1 },
            ]
        );
        assert_eq!((diff.changed, diff.cancelled), (1, 1));
    }

    #[test]
    fn a_cancelled_event_stays_as_it_is_until_it_comes_back_with_the_next_sequence() {
        let a = event("a", at(0, 9));
        let cancelled = Event {
            sequence: 1,
            status: EventStatus::Cancelled,
            ..a.clone()
        };
        let rows = [(1, "R-01", W49, cancelled)];
        let without = diff(&rota(W49), &BTreeMap::new(), &stored(&rows));
        assert_eq!(without, Diff::default());

        let back = diff(&rota(W49), &planned(&[("R-01", a.clone())]), &stored(&rows));
        assert_eq!(
            back.changes,
            [Change::Update {
                id: 1,
                event: Event { sequence: 2, ..a }
            }]
        );
    }

    #[test]
    fn an_event_given_to_another_person_leaves_the_first_feed_and_enters_the_second() {
        let a = event("a", at(0, 9));
        let diff = diff(
            &rota(W49),
            &planned(&[("R-02", a.clone())]),
            &stored(&[(1, "R-01", W49, a.clone())]),
        );
        assert_eq!(
            diff.changes,
            [
                Change::Insert {
                    person: "R-02".to_owned(),
                    event: a
                },
                Change::Cancel { id: 1, sequence: 1 },
            ]
        );
    }

    #[test]
    fn events_of_other_weeks_are_never_cancelled_and_one_moved_into_the_week_is_updated() {
        let other = event("other", at(0, 9));
        let moved = event("agenda-AG-1", at(2, 9));
        let diff = diff(
            &rota(W49),
            &planned(&[("R-01", moved.clone())]),
            &stored(&[
                (1, "R-01", "2026-W48", other),
                (
                    2,
                    "R-01",
                    "2026-W48",
                    Event {
                        start: at(0, 14),
                        ..moved.clone()
                    },
                ),
            ]),
        );
        assert_eq!(
            diff.changes,
            [Change::Update {
                id: 2,
                event: Event {
                    sequence: 1,
                    ..moved
                }
            }]
        );
    }

    #[test]
    fn a_plan_never_cancels_the_events_another_kind_of_plan_published_over_the_same_days() {
        let mut stored = Stored::new();
        stored.insert(StoredEvent {
            id: 1,
            person: "R-01".to_owned(),
            plan: ("eps_year".to_owned(), "2026-2027".to_owned()),
            event: event("eps-E-01", at(1, 14)),
        });
        let diff = diff(&rota(W49), &BTreeMap::new(), &stored);
        assert_eq!(diff, Diff::default());
    }
}
