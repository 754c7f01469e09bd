//! The territory's calendar, as imported: its school-holiday zone (`territoire.csv`), French
//! public holidays (`jours_feries.csv`) and the school holidays of each zone
//! (`vacances_scolaires.csv`). The calendar is data, not code (DESIGN.md): a PRE in any zone, in
//! any year its team has imported, can be planned.

use std::fmt;

use chrono::NaiveDate;

use super::{FieldError, fold};

/// School-holiday zone (zone de vacances scolaires), set by the académie: Lille and Amiens are
/// zone B, Toulouse (Montauban) zone C, Lyon and Bordeaux zone A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SchoolZone {
    /// zone A
    A,
    /// zone B
    B,
    /// zone C
    C,
}

impl SchoolZone {
    /// Every zone, in order.
    pub const ALL: [SchoolZone; 3] = [SchoolZone::A, SchoolZone::B, SchoolZone::C];

    /// The letter, as written in files and stored (`B`).
    pub fn key(self) -> &'static str {
        match self {
            SchoolZone::A => "A",
            SchoolZone::B => "B",
            SchoolZone::C => "C",
        }
    }

    /// Parses `A`, `b`, `zone C` (case and spaces ignored).
    ///
    /// # Errors
    /// A French message naming the accepted zones.
    pub fn parse(text: &str) -> Result<SchoolZone, FieldError> {
        let folded = fold(text);
        let letter = folded.strip_prefix("zone").unwrap_or(&folded).trim();
        SchoolZone::ALL
            .into_iter()
            .find(|z| z.key().eq_ignore_ascii_case(letter))
            .ok_or_else(|| {
                FieldError::new(format!(
                    "« {} » n'est pas une zone de vacances scolaires (A, B ou C)",
                    text.trim()
                ))
            })
    }
}

impl fmt::Display for SchoolZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What the team says about its territory as a whole (`territoire.csv`, one row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerritorySettings {
    /// The PRE's name (`PRE de Montauban`).
    pub name: String,
    /// The school-holiday zone its schools follow.
    pub zone: SchoolZone,
}

/// A public holiday (jour férié).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicHoliday {
    /// The day.
    pub date: NaiveDate,
    /// Its name (`Noël`).
    pub name: String,
}

/// School holidays of one zone: from the first day without classes to the eve of the day
/// classes resume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolHoliday {
    /// The zone they are for.
    pub zone: SchoolZone,
    /// Their name (`Vacances de Noël`).
    pub label: String,
    /// First day without classes.
    pub start: NaiveDate,
    /// The day classes resume (not a holiday): the holidays are `start..resume`.
    pub resume: NaiveDate,
}

/// The longest school holidays Parcours accepts, in days: summer holidays last about nine
/// weeks; a longer stretch is a typing error (a year off by one) that would make every week a
/// holiday week.
pub const SCHOOL_HOLIDAY_MAX_DAYS: i64 = 92;

impl SchoolHoliday {
    /// Whether `date` falls in these holidays.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.resume
    }

    /// Whether these holidays and `other` (of the same zone) share a day.
    pub fn overlaps(&self, other: &SchoolHoliday) -> bool {
        self.zone == other.zone && self.start < other.resume && other.start < self.resume
    }

    /// The errors of these holidays' dates: `(column, error)`.
    pub fn check(&self) -> Vec<(&'static str, FieldError)> {
        let days = (self.resume - self.start).num_days();
        if days <= 0 {
            vec![(
                "reprise",
                FieldError::new(format!(
                    "la reprise des cours ({}) doit venir après le premier jour de vacances ({})",
                    self.resume, self.start
                )),
            )]
        } else if days > SCHOOL_HOLIDAY_MAX_DAYS {
            vec![(
                "reprise",
                FieldError::new(format!(
                    "{days} jours de vacances du {} au {} : plus de {SCHOOL_HOLIDAY_MAX_DAYS} \
                     jours, vérifiez les dates",
                    self.start, self.resume
                )),
            )]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn zones_are_read_as_a_letter_with_or_without_the_word_zone() {
        for (text, zone) in [
            ("A", SchoolZone::A),
            (" b ", SchoolZone::B),
            ("Zone C", SchoolZone::C),
        ] {
            assert_eq!(SchoolZone::parse(text), Ok(zone), "{text}");
        }
        let e = SchoolZone::parse("D").unwrap_err().to_string();
        assert_eq!(
            e,
            "« D » n'est pas une zone de vacances scolaires (A, B ou C)"
        );
        assert!(SchoolZone::parse("").is_err());
    }

    #[test]
    fn holidays_run_from_their_first_day_to_the_eve_of_the_day_classes_resume() {
        let christmas = SchoolHoliday {
            zone: SchoolZone::C,
            label: "Vacances de Noël".to_owned(),
            start: d(2026, 12, 19),
            resume: d(2027, 1, 4),
        };
        assert!(christmas.contains(d(2026, 12, 19)));
        assert!(christmas.contains(d(2027, 1, 3)));
        assert!(!christmas.contains(d(2027, 1, 4)));
        assert!(christmas.check().is_empty());
        let backwards = SchoolHoliday {
            resume: d(2026, 12, 19),
            ..christmas.clone()
        };
        assert_eq!(backwards.check()[0].0, "reprise");
        let a_year_off = SchoolHoliday {
            resume: d(2028, 1, 4),
            ..christmas
        };
        assert!(
            a_year_off.check()[0]
                .1
                .to_string()
                .contains("vérifiez les dates")
        );
    }
}
