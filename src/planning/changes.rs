//! What changed between two versions of a week's plan, per référent: visits moved (day or time
//! changed), dropped, added (issue 15). The one source of every re-plan's report: the CLI's
//! French text and `--json`, the API's job report and a visit report's answer all read it, so
//! what a re-plan says it changed is exactly the difference between the two stored versions.
//!
//! Pure: it compares two [`WeekPlan`]s and reads nothing else.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::plan::{StopKind, WeekPlan};

/// A visit of one référent that is in both versions at different times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovedVisit {
    /// Family code.
    pub family: String,
    /// Its start in the earlier version, local time.
    pub from: NaiveDateTime,
    /// Its start in the later version, local time.
    pub to: NaiveDateTime,
}

/// A visit of one référent that only one version has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlacedVisit {
    /// Family code.
    pub family: String,
    /// Its start in the version that has it, local time.
    pub start: NaiveDateTime,
    /// For a visit dropped: why the later version does not place it with her (French), when it
    /// says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What changed in one référent's week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferentChanges {
    /// Code.
    pub referent: String,
    /// Visits at another day or time, by family.
    pub moved: Vec<MovedVisit>,
    /// Visits of hers the later version no longer makes, by family.
    pub dropped: Vec<PlacedVisit>,
    /// Visits of hers only the later version makes, by family.
    pub added: Vec<PlacedVisit>,
}

/// What changed between two versions of a week's plan: one entry per référent with a change,
/// in code order; empty when the two place the same visits at the same times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct PlanChanges {
    /// Per référent.
    pub referents: Vec<ReferentChanges>,
}

impl PlanChanges {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.referents.is_empty()
    }

    /// Visits moved, all référents together.
    pub fn moved(&self) -> usize {
        self.referents.iter().map(|r| r.moved.len()).sum()
    }

    /// Visits dropped, all référents together.
    pub fn dropped(&self) -> usize {
        self.referents.iter().map(|r| r.dropped.len()).sum()
    }

    /// Visits added, all référents together.
    pub fn added(&self) -> usize {
        self.referents.iter().map(|r| r.added.len()).sum()
    }

    /// What changed for `referent`, if anything.
    pub fn of(&self, referent: &str) -> Option<&ReferentChanges> {
        self.referents.iter().find(|r| r.referent == referent)
    }
}

/// Start of each visit of `plan`, by (référent, family).
fn starts(plan: &WeekPlan) -> BTreeMap<(&str, &str), NaiveDateTime> {
    let mut out = BTreeMap::new();
    for r in &plan.referents {
        for stop in r.days.iter().flat_map(|d| &d.stops) {
            if let StopKind::Visit { family } = &stop.kind {
                out.insert((r.code.as_str(), family.as_str()), stop.start);
            }
        }
    }
    out
}

/// What changed from `before` to `after`, per référent. A visit that changes référent is
/// dropped by one and added by the other.
pub fn changes(before: &WeekPlan, after: &WeekPlan) -> PlanChanges {
    let (old, new) = (starts(before), starts(after));
    let mut per: BTreeMap<&str, ReferentChanges> = BTreeMap::new();
    for (&(r, family), &from) in &old {
        match new.get(&(r, family)) {
            Some(&to) if to == from => {}
            Some(&to) => of(&mut per, r).moved.push(MovedVisit {
                family: family.to_owned(),
                from,
                to,
            }),
            None => of(&mut per, r).dropped.push(PlacedVisit {
                family: family.to_owned(),
                start: from,
                reason: why_dropped(after, r, family),
            }),
        }
    }
    for (&(r, family), &start) in &new {
        if !old.contains_key(&(r, family)) {
            of(&mut per, r).added.push(PlacedVisit {
                family: family.to_owned(),
                start,
                reason: None,
            });
        }
    }
    PlanChanges {
        referents: per.into_values().collect(),
    }
}

/// The changes of référent `r`, created empty when she has none yet.
fn of<'m, 'p>(
    per: &'m mut BTreeMap<&'p str, ReferentChanges>,
    r: &'p str,
) -> &'m mut ReferentChanges {
    per.entry(r).or_insert_with(|| ReferentChanges {
        referent: r.to_owned(),
        moved: Vec::new(),
        dropped: Vec::new(),
        added: Vec::new(),
    })
}

/// Why `after` no longer has référent `r` visit `family`, when it says.
fn why_dropped(after: &WeekPlan, r: &str, family: &str) -> Option<String> {
    if let Some(unmet) = after.unmet.iter().find(|u| u.family == family) {
        return Some(unmet.reason.clone());
    }
    if after.cancelled.iter().any(|c| c == family) {
        return Some("visite annulée cette semaine".to_owned());
    }
    after
        .assignment
        .iter()
        .find(|(f, _)| f == family)
        .filter(|(_, to)| to != r)
        .map(|(_, to)| format!("suivie par {to} dans ce plan"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planning::plan::{DayRoute, PlaceKind, ReferentWeek, Stop, UnmetVisit};
    use crate::planning::{IsoWeek, PlanMethod};

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, day)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
    }

    fn stop(family: &str, start: NaiveDateTime) -> Stop {
        Stop {
            id: format!("visite-2026-W49-{family}"),
            kind: StopKind::Visit {
                family: family.to_owned(),
            },
            start,
            end: start + chrono::Duration::hours(1),
            commune: "59606".to_owned(),
            commune_name: "Valenciennes".to_owned(),
            place: PlaceKind::Home,
            point: (50.0, 3.0),
            travel_minutes: 10,
            travel_meters: 5000,
            confirmed: false,
        }
    }

    /// A week: per référent, her visits `(family, start)`, all on the days they fall on.
    fn week(referents: &[(&str, &[(&str, NaiveDateTime)])], unmet: &[&str]) -> WeekPlan {
        WeekPlan {
            week: IsoWeek::parse("2026-W49").unwrap(),
            method: PlanMethod::Optimised,
            referents: referents
                .iter()
                .map(|(code, visits)| {
                    let mut days: Vec<DayRoute> = Vec::new();
                    for &(family, start) in visits.iter() {
                        let stop = stop(family, start);
                        match days.iter_mut().find(|d| d.date == start.date()) {
                            Some(day) => day.stops.push(stop),
                            None => days.push(DayRoute {
                                date: start.date(),
                                leave: None,
                                back: None,
                                lunch: None,
                                stops: vec![stop],
                                return_minutes: 0,
                                return_meters: 0,
                            }),
                        }
                    }
                    ReferentWeek {
                        code: (*code).to_owned(),
                        name: String::new(),
                        travel_mode: "voiture".to_owned(),
                        base: (50.0, 3.0),
                        working_minutes: 0,
                        days,
                    }
                })
                .collect(),
            unmet: unmet
                .iter()
                .map(|f| UnmetVisit {
                    family: (*f).to_owned(),
                    referent: Some("R-01".to_owned()),
                    reason: "semaine pleine".to_owned(),
                    ..UnmetVisit::default()
                })
                .collect(),
            assignment: Vec::new(),
            cancelled: Vec::new(),
        }
    }

    #[test]
    fn the_same_week_has_no_changes() {
        let plan = week(&[("R-01", &[("F-1", at(1, 9)), ("F-2", at(3, 14))])], &[]);
        assert!(changes(&plan, &plan.clone()).is_empty());
    }

    #[test]
    fn a_visit_at_another_time_is_moved_one_gone_is_dropped_with_why_and_a_new_one_is_added() {
        let before = week(
            &[
                (
                    "R-01",
                    &[("F-1", at(1, 9)), ("F-2", at(3, 14)), ("F-3", at(3, 16))],
                ),
                ("R-02", &[("F-4", at(2, 10))]),
            ],
            &[],
        );
        let after = week(
            &[
                (
                    "R-01",
                    &[("F-1", at(1, 9)), ("F-2", at(3, 15)), ("F-5", at(4, 9))],
                ),
                ("R-02", &[("F-4", at(2, 10))]),
            ],
            &["F-3"],
        );
        let c = changes(&before, &after);
        assert_eq!(c.referents.len(), 1);
        let r = c.of("R-01").unwrap();
        assert_eq!(
            r.moved,
            vec![MovedVisit {
                family: "F-2".into(),
                from: at(3, 14),
                to: at(3, 15)
            }]
        );
        assert_eq!(r.dropped.len(), 1);
        assert_eq!(r.dropped[0].family, "F-3");
        assert_eq!(r.dropped[0].reason.as_deref(), Some("semaine pleine"));
        assert_eq!(r.added[0].family, "F-5");
        assert_eq!((c.moved(), c.dropped(), c.added()), (1, 1, 1));
    }

    #[test]
    fn a_visit_that_changes_referent_is_dropped_by_one_and_added_by_the_other() {
        let before = week(&[("R-01", &[("F-1", at(1, 9))]), ("R-02", &[])], &[]);
        let after = week(&[("R-01", &[]), ("R-02", &[("F-1", at(1, 9))])], &[]);
        let c = changes(&before, &after);
        assert_eq!(c.of("R-01").unwrap().dropped[0].family, "F-1");
        assert_eq!(c.of("R-02").unwrap().added[0].family, "F-1");
        assert!(c.of("R-02").unwrap().moved.is_empty());
    }
}
