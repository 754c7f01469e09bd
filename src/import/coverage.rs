//! The import's warnings about what the team can cover once the import is written (issue 15):
//! families nobody can visit, families whose référent cannot visit them (the plan moves them,
//! unless pinned), families pinned or kept outside their référent's sector. The rules are the planner's
//! ([`crate::planning::coverage`]), applied to the stored territory with the batch laid over
//! it; they never block an import.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::Issue;
use crate::domain::files;
use crate::domain::{Code, Territory, TravelOverride};
use crate::planning::{IsoWeek, coverage};

/// `existing` with the records of `batch` laid over it, by code.
fn overlay<T: Clone>(existing: &[T], batch: &[T], code: fn(&T) -> &Code) -> Vec<T> {
    let mut by_code: BTreeMap<&Code, &T> = existing.iter().map(|r| (code(r), r)).collect();
    for r in batch {
        by_code.insert(code(r), r);
    }
    by_code.into_values().cloned().collect()
}

/// The warnings, on `familles.csv` (with the line when the family is in the import), in family
/// code order. `lines` gives the line of each family of the batch.
pub(super) fn warnings(
    batch: &Territory,
    existing: &Territory,
    travel: &[TravelOverride],
    today: NaiveDate,
    lines: &BTreeMap<Code, usize>,
) -> Vec<Issue> {
    let merged = Territory {
        schools: overlay(&existing.schools, &batch.schools, |r| &r.code),
        sites: overlay(&existing.sites, &batch.sites, |r| &r.code),
        referents: overlay(&existing.referents, &batch.referents, |r| &r.code),
        families: overlay(&existing.families, &batch.families, |r| &r.code),
        children: overlay(&existing.children, &batch.children, |r| &r.code),
        ..Territory::default()
    };
    if merged.families.is_empty() || merged.referents.is_empty() {
        return Vec::new();
    }
    // A territory the planner refuses is reported as errors already.
    let Ok(found) = coverage::coverage(&merged, IsoWeek::containing(today), travel) else {
        return Vec::new();
    };
    found
        .into_iter()
        .map(|w| {
            let line = lines.get(&w.family).copied();
            Issue {
                file: files::FAMILIES.to_owned(),
                line,
                column: Some(w.field.to_owned()),
                value: None,
                message: w.message,
            }
        })
        .collect()
}
