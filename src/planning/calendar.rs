//! Public and school holidays of the territory, as its team imported them
//! (`jours_feries.csv`, `vacances_scolaires.csv`, and its zone in `territoire.csv`): the
//! calendar is data, not code (DESIGN.md). A week the imported calendar does not cover cannot
//! be planned: a visit could land on a holiday nobody told Parcours about.

use std::collections::BTreeMap;

use chrono::{Datelike as _, NaiveDate};

use super::IsoWeek;
use crate::domain::files::{PUBLIC_HOLIDAYS, SCHOOL_HOLIDAYS, TERRITORY};
use crate::domain::{PublicHoliday, SchoolHoliday, SchoolZone, Territory};

/// The public holidays and the school holidays of the territory's zone.
#[derive(Debug, Clone, Default)]
pub struct Holidays {
    /// The territory's zone, `None` until `territoire.csv` is imported.
    zone: Option<SchoolZone>,
    public: BTreeMap<NaiveDate, String>,
    /// The zone's holidays, by start: (label, first day without school, day classes resume).
    school: Vec<(String, NaiveDate, NaiveDate)>,
}

impl Holidays {
    /// The calendar of `territory`: its public holidays, and the school holidays of its zone.
    pub fn of(territory: &Territory) -> Holidays {
        Holidays::new(
            territory.settings.as_ref().map(|s| s.zone),
            &territory.public_holidays,
            &territory.school_holidays,
        )
    }

    /// The calendar of a territory in `zone`: every public holiday, and the school holidays of
    /// that zone only.
    pub fn new(
        zone: Option<SchoolZone>,
        public: &[PublicHoliday],
        school: &[SchoolHoliday],
    ) -> Holidays {
        let mut school: Vec<(String, NaiveDate, NaiveDate)> = school
            .iter()
            .filter(|h| Some(h.zone) == zone)
            .map(|h| (h.label.clone(), h.start, h.resume))
            .collect();
        school.sort_by_key(|(_, start, _)| *start);
        Holidays {
            zone,
            public: public.iter().map(|h| (h.date, h.name.clone())).collect(),
            school,
        }
    }

    /// The public holiday on `date`, if any.
    pub fn public_holiday(&self, date: NaiveDate) -> Option<&str> {
        self.public.get(&date).map(String::as_str)
    }

    /// The school holiday `date` falls in, if any (from its first day off to the eve of the
    /// day classes resume).
    pub fn school_holiday(&self, date: NaiveDate) -> Option<&str> {
        self.school
            .iter()
            .find(|(_, start, resume)| *start <= date && date < *resume)
            .map(|(label, _, _)| label.as_str())
    }

    /// The first day off of each of the zone's school holidays, ascending.
    pub fn school_holiday_starts(&self) -> Vec<NaiveDate> {
        self.school.iter().map(|(_, start, _)| *start).collect()
    }

    /// Whether the public holidays of `date`'s year are known (the calendar lists one at least).
    fn knows_public(&self, date: NaiveDate) -> bool {
        self.public.keys().any(|d| d.year() == date.year())
    }

    /// The days the zone's school holidays are known for: from the first day of its first
    /// holidays to the last day of its last ones.
    fn school_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.school.iter().map(|(_, start, _)| *start).min()?;
        let last = self.school.iter().map(|(_, _, resume)| *resume).max()?;
        Some((first, last.pred_opt().unwrap_or(last)))
    }

    fn knows_school(&self, date: NaiveDate) -> bool {
        self.school_span()
            .is_some_and(|(first, last)| first <= date && date <= last)
    }

    /// Whether every day of `week` is covered: its public holidays are known, and so are the
    /// school holidays of the territory's zone.
    ///
    /// # Errors
    /// A French message naming the days not covered and what to import
    /// (« le calendrier importé ne couvre pas du 2028-09-01 au 2028-09-03 : … »).
    pub fn check_week(&self, week: IsoWeek) -> Result<(), String> {
        let missing: Vec<NaiveDate> = week
            .dates()
            .filter(|&d| !self.knows_public(d) || !self.knows_school(d))
            .collect();
        let (Some(first), Some(last)) = (missing.first(), missing.last()) else {
            return Ok(());
        };
        let mut years: Vec<i32> = missing
            .iter()
            .filter(|&&d| !self.knows_public(d))
            .map(|d| d.year())
            .collect();
        years.dedup();
        let mut wanted = Vec::new();
        if !years.is_empty() {
            let years: Vec<String> = years.iter().map(|y| format!("{y:04}")).collect();
            wanted.push(format!(
                "les jours fériés de {} ({PUBLIC_HOLIDAYS})",
                years.join(" et ")
            ));
        }
        if missing.iter().any(|&d| !self.knows_school(d)) {
            wanted.push(match (self.zone, self.school_span()) {
                (None, _) => format!(
                    "la zone de vacances scolaires du territoire ({TERRITORY}, colonne zone : A, B \
                     ou C)"
                ),
                (Some(zone), None) => format!(
                    "les vacances scolaires de la zone {zone} ({SCHOOL_HOLIDAYS} n'en donne aucune)"
                ),
                (Some(zone), Some((from, to))) => format!(
                    "les vacances scolaires de la zone {zone} de cette période ({SCHOOL_HOLIDAYS} \
                     ne les donne que du {from} au {to})"
                ),
            });
        }
        Err(format!(
            "le calendrier importé ne couvre pas du {first} au {last} : importer {}",
            wanted.join(" et ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TerritorySettings;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn week(text: &str) -> IsoWeek {
        IsoWeek::parse(text).unwrap()
    }

    fn school(zone: SchoolZone, label: &str, start: NaiveDate, resume: NaiveDate) -> SchoolHoliday {
        SchoolHoliday {
            zone,
            label: label.to_owned(),
            start,
            resume,
        }
    }

    /// Zone C's territory: Christmas 2026 and New Year's Day 2027, Christmas holidays 2026 in
    /// zones B and C, winter 2027 in zone B only.
    fn territory(zone: Option<SchoolZone>) -> Territory {
        Territory {
            settings: zone.map(|zone| TerritorySettings {
                name: "PRE de Montauban".to_owned(),
                zone,
            }),
            public_holidays: vec![
                PublicHoliday {
                    date: d(2026, 12, 25),
                    name: "Noël".to_owned(),
                },
                PublicHoliday {
                    date: d(2027, 1, 1),
                    name: "Jour de l'an".to_owned(),
                },
            ],
            school_holidays: vec![
                school(SchoolZone::B, "Noël B", d(2026, 12, 19), d(2027, 1, 4)),
                school(SchoolZone::B, "Hiver B", d(2027, 2, 20), d(2027, 3, 8)),
                school(SchoolZone::C, "Noël C", d(2026, 12, 19), d(2027, 1, 4)),
                school(SchoolZone::C, "Hiver C", d(2027, 2, 6), d(2027, 2, 22)),
            ],
            ..Territory::default()
        }
    }

    #[test]
    fn only_the_school_holidays_of_the_territorys_zone_count() {
        let h = Holidays::of(&territory(Some(SchoolZone::C)));
        assert_eq!(h.public_holiday(d(2026, 12, 25)), Some("Noël"));
        assert_eq!(h.public_holiday(d(2026, 12, 3)), None);
        assert_eq!(h.school_holiday(d(2027, 2, 10)), Some("Hiver C"));
        assert_eq!(h.school_holiday(d(2027, 3, 1)), None);
        assert_eq!(h.school_holiday(d(2027, 2, 22)), None);
    }

    #[test]
    fn a_week_is_planned_only_when_the_calendar_covers_each_of_its_days() {
        let h = Holidays::of(&territory(Some(SchoolZone::C)));
        assert_eq!(h.check_week(week("2027-W06")), Ok(()));
        // Zone C's holidays are known up to 21 February 2027 (classes resume on the 22nd).
        assert_eq!(
            h.check_week(week("2027-W08")),
            Err(
                "le calendrier importé ne couvre pas du 2027-02-22 au 2027-02-28 : importer les \
                 vacances scolaires de la zone C de cette période (vacances_scolaires.csv ne les \
                 donne que du 2026-12-19 au 2027-02-21)"
                    .to_owned()
            )
        );
        // 2026-W53 ends on Sunday 3 January 2027: both years are known. 2027-W52 ends in 2028,
        // whose public holidays are not.
        assert_eq!(
            Holidays::of(&territory(Some(SchoolZone::B))).check_week(week("2026-W53")),
            Ok(())
        );
        let refused = h.check_week(week("2027-W52")).unwrap_err();
        assert!(
            refused.starts_with("le calendrier importé ne couvre pas du 2027-12-27 au 2028-01-02"),
            "{refused}"
        );
        assert!(
            refused.contains("les jours fériés de 2028 (jours_feries.csv)"),
            "{refused}"
        );
    }

    #[test]
    fn without_a_zone_no_week_is_covered_and_the_message_says_which_file_gives_it() {
        let refused = Holidays::of(&territory(None))
            .check_week(week("2027-W06"))
            .unwrap_err();
        assert_eq!(
            refused,
            "le calendrier importé ne couvre pas du 2027-02-08 au 2027-02-14 : importer la zone de \
             vacances scolaires du territoire (territoire.csv, colonne zone : A, B ou C)"
        );
        let refused = Holidays::of(&territory(Some(SchoolZone::A)))
            .check_week(week("2027-W06"))
            .unwrap_err();
        assert!(
            refused.contains("zone A (vacances_scolaires.csv n'en donne aucune)"),
            "{refused}"
        );
    }
}
