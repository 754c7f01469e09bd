//! The children's free time (temps libre) by school level, as data (`temps_libre.csv`, issue
//! 18): when a child of each level can come to a workshop, in school weeks and in the school
//! holidays, and the built-in defaults that apply to a level the territory has not imported.
//!
//! Which level a child is of, and her own free time overriding it, is the territory's business
//! ([`super::Territory::free_time_of`]).

use super::values::keyword_enum;
use super::{SchoolLevel, WeeklyAvailability};

keyword_enum!(
    /// A school level, as the children's free time depends on it (niveau, `temps_libre.csv`).
    FreeTimeLevel, "un niveau de temps libre", {
        /// not at school (non scolarisé): toddlers of 2–3, a child out of school
        Unschooled => "non_scolarise" | "non scolarise" | "non-scolarise",
        /// maternelle
        Nursery => "maternelle",
        /// élémentaire
        Elementary => "elementaire",
        /// collège
        Secondary => "college",
    }
);

impl FreeTimeLevel {
    /// The level of a child at a school of `level` aged `age`: a primary school (maternelle and
    /// élémentaire together) is maternelle below 6, élémentaire from 6.
    pub fn of_school(level: SchoolLevel, age: u32) -> FreeTimeLevel {
        match level {
            SchoolLevel::Nursery => FreeTimeLevel::Nursery,
            SchoolLevel::Elementary => FreeTimeLevel::Elementary,
            SchoolLevel::Primary if age < 6 => FreeTimeLevel::Nursery,
            SchoolLevel::Primary => FreeTimeLevel::Elementary,
            SchoolLevel::Secondary => FreeTimeLevel::Secondary,
        }
    }
}

/// When the children of one level are free for a workshop (temps libre): in school weeks and in
/// the school holidays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeTime {
    /// The level.
    pub level: FreeTimeLevel,
    /// Free time in school weeks (`scolaire`).
    pub school_weeks: WeeklyAvailability,
    /// Free time in the school holidays (`vacances`).
    pub holidays: WeeklyAvailability,
}

/// Built-in free time of a child not at school, in school weeks and holidays alike.
const UNSCHOOLED: &str = "lundi 09:00-18:30, mardi 09:00-18:30, mercredi 09:00-18:30, \
     jeudi 09:00-18:30, vendredi 09:00-18:30, samedi 09:00-12:30";
/// Built-in free time of maternelle and élémentaire in school weeks: after 16:30, Wednesday
/// afternoon, Saturday morning (issue 18).
const PRIMARY_SCHOOL_WEEKS: &str = "lundi 16:30-18:30, mardi 16:30-18:30, \
     mercredi 13:30-18:30, jeudi 16:30-18:30, vendredi 16:30-18:30, samedi 09:00-12:30";
/// Built-in free time of collège in school weeks: after 17:00, Wednesday afternoon, Saturday
/// morning (issue 18).
const SECONDARY_SCHOOL_WEEKS: &str = "lundi 17:00-18:30, mardi 17:00-18:30, \
     mercredi 13:30-18:30, jeudi 17:00-18:30, vendredi 17:00-18:30, samedi 09:00-12:30";
/// Built-in free time of schoolchildren in the school holidays: any weekday, Saturday morning.
const SCHOOL_HOLIDAYS: &str = "lundi 09:00-18:00, mardi 09:00-18:00, mercredi 09:00-18:00, \
     jeudi 09:00-18:00, vendredi 09:00-18:00, samedi 09:00-12:30";

fn windows(text: &str) -> WeeklyAvailability {
    WeeklyAvailability::parse(text).expect("BUG: the built-in free time parses")
}

impl FreeTime {
    /// The built-in free time of `level`, which applies while `temps_libre.csv` has not given
    /// it (docs/data-format.md): maternelle and élémentaire free after 16:30 and on Wednesday
    /// afternoon, collège after 17:00 and on Wednesday afternoon, schoolchildren any weekday in
    /// the holidays, Saturday morning for all; a child not at school any weekday.
    pub fn default_for(level: FreeTimeLevel) -> FreeTime {
        let (school_weeks, holidays) = match level {
            FreeTimeLevel::Unschooled => (UNSCHOOLED, UNSCHOOLED),
            FreeTimeLevel::Nursery | FreeTimeLevel::Elementary => {
                (PRIMARY_SCHOOL_WEEKS, SCHOOL_HOLIDAYS)
            }
            FreeTimeLevel::Secondary => (SECONDARY_SCHOOL_WEEKS, SCHOOL_HOLIDAYS),
        };
        FreeTime {
            level,
            school_weeks: windows(school_weeks),
            holidays: windows(holidays),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_free_time_is_the_documented_one() {
        let shown = |level| {
            let f = FreeTime::default_for(level);
            (f.school_weeks.to_string(), f.holidays.to_string())
        };
        let (school, holidays) = shown(FreeTimeLevel::Secondary);
        assert_eq!(
            school,
            "lundi 17:00-18:30, mardi 17:00-18:30, mercredi 13:30-18:30, jeudi 17:00-18:30, \
             vendredi 17:00-18:30, samedi 09:00-12:30"
        );
        assert_eq!(
            holidays,
            "lundi 09:00-18:00, mardi 09:00-18:00, mercredi 09:00-18:00, jeudi 09:00-18:00, \
             vendredi 09:00-18:00, samedi 09:00-12:30"
        );
        assert_eq!(
            shown(FreeTimeLevel::Nursery),
            shown(FreeTimeLevel::Elementary)
        );
        let (school, holidays) = shown(FreeTimeLevel::Unschooled);
        assert_eq!(school, holidays);
        assert!(school.starts_with("lundi 09:00-18:30"), "{school}");
    }

    #[test]
    fn levels_read_with_or_without_accents_and_show_their_key() {
        assert_eq!(
            FreeTimeLevel::parse("Non scolarisé").unwrap(),
            FreeTimeLevel::Unschooled
        );
        assert_eq!(
            FreeTimeLevel::parse("Élémentaire").unwrap(),
            FreeTimeLevel::Elementary
        );
        assert_eq!(FreeTimeLevel::Secondary.to_string(), "college");
        let e = FreeTimeLevel::parse("lycee").unwrap_err().to_string();
        assert!(
            e.contains("non_scolarise, maternelle, elementaire, college"),
            "{e}"
        );
    }
}
