//! Checks of the calendar's files across their rows: one territory in `territoire.csv`, one
//! name per public holiday, school holidays of one zone that do not overlap; and warnings for a
//! calendar the planning could not use (a year with too few public holidays, no school holidays
//! for the territory's zone).
//!
//! The calendar's files replace what they describe (docs/data-format.md): `jours_feries.csv`
//! the public holidays of each year it lists, `vacances_scolaires.csv` the school holidays of
//! each zone it lists. The rows of one file are thus checked against each other only.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use chrono::Datelike as _;

use super::{Issue, Lined, Parsed};
use crate::domain::files::{PUBLIC_HOLIDAYS, SCHOOL_HOLIDAYS, TERRITORY};
use crate::domain::{SchoolHoliday, SchoolZone, Territory};

/// Public holidays of a year in metropolitan France; Alsace-Moselle and overseas have more.
const METROPOLITAN_PUBLIC_HOLIDAYS: usize = 11;

fn issue(file: &str, line: usize, column: &str, value: String, message: String) -> Issue {
    Issue {
        file: file.to_owned(),
        line: Some(line),
        column: Some(column.to_owned()),
        value: Some(value),
        message,
    }
}

/// Runs the calendar's checks of `p` against itself and `existing`.
pub(super) fn check(
    p: &Parsed,
    existing: &Territory,
    errors: &mut Vec<Issue>,
    warnings: &mut Vec<Issue>,
) {
    if let Some((first, extra)) = p.settings.split_first() {
        for l in extra {
            errors.push(issue(
                TERRITORY,
                l.line,
                "nom",
                l.record.name.clone(),
                format!(
                    "{TERRITORY} décrit un seul territoire : une seule ligne est attendue (le \
                     territoire est déjà décrit ligne {})",
                    first.line
                ),
            ));
        }
    }

    let mut by_date = BTreeMap::new();
    for l in &p.public_holidays {
        match by_date.entry(l.record.date) {
            Entry::Vacant(slot) => {
                slot.insert(l.line);
            }
            Entry::Occupied(first) => errors.push(issue(
                PUBLIC_HOLIDAYS,
                l.line,
                "date",
                l.record.date.to_string(),
                format!(
                    "le {} est déjà un jour férié de ce fichier (ligne {})",
                    l.record.date,
                    first.get()
                ),
            )),
        }
    }
    let mut per_year: BTreeMap<i32, (usize, usize)> = BTreeMap::new();
    for l in &p.public_holidays {
        let entry = per_year.entry(l.record.date.year()).or_insert((l.line, 0));
        entry.1 += 1;
    }
    for (year, (line, count)) in per_year {
        if count < METROPOLITAN_PUBLIC_HOLIDAYS {
            warnings.push(issue(
                PUBLIC_HOLIDAYS,
                line,
                "date",
                year.to_string(),
                format!(
                    "{year} : {count} jour(s) férié(s) seulement, la métropole en compte \
                     {METROPOLITAN_PUBLIC_HOLIDAYS} : l'année est-elle complète ? (les jours \
                     fériés de {year} déjà en base sont remplacés par ceux du fichier)"
                ),
            ));
        }
    }

    overlaps(&p.school_holidays, errors);
    zone_without_holidays(p, existing, warnings);
}

/// School holidays of one zone do not overlap: the later row of two that share a day is refused,
/// naming the other.
fn overlaps(rows: &[Lined<SchoolHoliday>], errors: &mut Vec<Issue>) {
    let mut sorted: Vec<&Lined<SchoolHoliday>> = rows.iter().collect();
    sorted.sort_by_key(|l| (l.record.zone, l.record.start, l.line));
    // The holidays that end last among those already seen in the zone.
    let mut reach: Option<&Lined<SchoolHoliday>> = None;
    for l in sorted {
        match reach {
            Some(other) if other.record.overlaps(&l.record) => {
                let (later, earlier) = if l.line > other.line {
                    (l, other)
                } else {
                    (other, l)
                };
                errors.push(issue(
                    SCHOOL_HOLIDAYS,
                    later.line,
                    "debut",
                    later.record.start.to_string(),
                    format!(
                        "zone {} : « {} » (du {} à la reprise du {}) chevauche « {} » (ligne {}, \
                         du {} à la reprise du {})",
                        later.record.zone,
                        later.record.label,
                        later.record.start,
                        later.record.resume,
                        earlier.record.label,
                        earlier.line,
                        earlier.record.start,
                        earlier.record.resume
                    ),
                ));
                if l.record.resume > other.record.resume {
                    reach = Some(l);
                }
            }
            _ => reach = Some(l),
        }
    }
}

/// The territory's zone, as it will be after the import, has school holidays: without them no
/// week can be planned.
fn zone_without_holidays(p: &Parsed, existing: &Territory, warnings: &mut Vec<Issue>) {
    if p.settings.is_empty() && p.school_holidays.is_empty() {
        return;
    }
    let zone = match p.settings.first() {
        Some(l) => Some((l.record.zone, Some(l.line))),
        None => existing.settings.as_ref().map(|s| (s.zone, None)),
    };
    let Some((zone, line)) = zone else {
        return;
    };
    let imported: Vec<SchoolZone> = p.school_holidays.iter().map(|l| l.record.zone).collect();
    let has_holidays = if imported.is_empty() {
        existing.school_holidays.iter().any(|h| h.zone == zone)
    } else {
        // The zones the file lists replace the stored ones; the others stay.
        imported.contains(&zone)
            || existing
                .school_holidays
                .iter()
                .any(|h| h.zone == zone && !imported.contains(&h.zone))
    };
    if !has_holidays {
        warnings.push(Issue {
            file: match line {
                Some(_) => TERRITORY.to_owned(),
                None => SCHOOL_HOLIDAYS.to_owned(),
            },
            line,
            column: Some("zone".to_owned()),
            value: Some(zone.to_string()),
            message: format!(
                "aucune vacance scolaire de la zone {zone}, celle du territoire (ni dans \
                 {SCHOOL_HOLIDAYS} ni en base) : aucune semaine ne pourra être planifiée"
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::super::{Source, validate};
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn source(files: &[(&str, &str)]) -> Source {
        Source::from_files(
            files
                .iter()
                .map(|(name, text)| ((*name).to_owned(), text.as_bytes().to_vec()))
                .collect(),
        )
    }

    #[test]
    fn overlapping_holidays_of_one_zone_are_refused_on_the_later_line_and_other_zones_may_share_days()
     {
        // Arrange: B's Christmas twice (the second a week later), C's on the same days.
        let text = "zone;nom;debut;reprise\n\
                    B;Vacances de Noël;2026-12-19;2027-01-04\n\
                    C;Vacances de Noël;2026-12-19;2027-01-04\n\
                    B;Noël (corrigé);2026-12-26;2027-01-11\n\
                    B;Vacances d'hiver;2027-02-20;2027-03-08\n";

        // Act
        let v = validate(
            &source(&[(SCHOOL_HOLIDAYS, text)]),
            &Territory::default(),
            today(),
        );

        // Assert
        assert_eq!(v.errors.len(), 1, "{:?}", v.errors);
        let e = &v.errors[0];
        assert_eq!((e.line, e.column.as_deref()), (Some(4), Some("debut")));
        assert_eq!(
            e.message,
            "zone B : « Noël (corrigé) » (du 2026-12-26 à la reprise du 2027-01-11) chevauche \
             « Vacances de Noël » (ligne 2, du 2026-12-19 à la reprise du 2027-01-04)"
        );
    }

    #[test]
    fn one_territory_one_name_per_holiday_and_a_zone_without_holidays_is_a_warning() {
        // Act
        let v = validate(
            &source(&[
                (TERRITORY, "nom;zone\nPRE de Montauban;C\nPRE bis;B\n"),
                (
                    PUBLIC_HOLIDAYS,
                    "date;nom\n2027-01-01;Jour de l'an\n01/01/2027;Nouvel an\n",
                ),
                (
                    SCHOOL_HOLIDAYS,
                    "zone;nom;debut;reprise\nB;Vacances de Noël;2026-12-19;2027-01-04\n",
                ),
            ]),
            &Territory::default(),
            today(),
        );

        // Assert
        let errors: Vec<(&str, Option<usize>, Option<&str>)> = v
            .errors
            .iter()
            .map(|e| (e.file.as_str(), e.line, e.column.as_deref()))
            .collect();
        assert_eq!(
            errors,
            vec![
                (TERRITORY, Some(3), Some("nom")),
                (PUBLIC_HOLIDAYS, Some(3), Some("date"))
            ],
            "{:?}",
            v.errors
        );
        let warned = |what: &str| v.warnings.iter().any(|w| w.message.contains(what));
        assert!(
            warned("2027 : 2 jour(s) férié(s) seulement"),
            "{:?}",
            v.warnings
        );
        assert!(
            warned("aucune vacance scolaire de la zone C"),
            "{:?}",
            v.warnings
        );
    }
}
