//! ISO 8601 weeks (`2026-W49`): the unit a coordinator plans.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday as ChronoWeekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::FieldError;

/// An ISO week: Monday to Sunday, numbered as ISO 8601 does (week 1 holds the first Thursday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    monday: NaiveDate,
}

impl IsoWeek {
    /// Parses `2026-W49` (also `2026-w49` and `2026W49`).
    ///
    /// # Errors
    /// When the text is not an ISO week or the week does not exist in that year.
    pub fn parse(text: &str) -> Result<IsoWeek, FieldError> {
        let t = text.trim();
        let bad = || {
            FieldError::new(format!(
                "« {text} » n'est pas une semaine ISO (format AAAA-Wss, ex. 2026-W49)"
            ))
        };
        let (year, week) = t.split_once(['W', 'w']).ok_or_else(bad)?;
        let year: i32 = year.trim_end_matches('-').parse().map_err(|_| bad())?;
        let week: u32 = week.parse().map_err(|_| bad())?;
        NaiveDate::from_isoywd_opt(year, week, ChronoWeekday::Mon)
            .map(|monday| IsoWeek { monday })
            .ok_or_else(|| FieldError::new(format!("la semaine {week} n'existe pas en {year}")))
    }

    /// The week holding `date`.
    pub fn containing(date: NaiveDate) -> IsoWeek {
        let back = u64::from(date.weekday().num_days_from_monday());
        IsoWeek {
            monday: date - Days::new(back),
        }
    }

    /// Its Monday.
    pub fn monday(self) -> NaiveDate {
        self.monday
    }

    /// Its Sunday.
    pub fn sunday(self) -> NaiveDate {
        self.monday + Days::new(6)
    }

    /// Monday to Sunday.
    pub fn dates(self) -> impl Iterator<Item = NaiveDate> {
        (0..7).map(move |d| self.monday + Days::new(d))
    }

    /// Whether `date` falls in the week.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.monday <= date && date <= self.sunday()
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let iso = self.monday.iso_week();
        write!(f, "{}-W{:02}", iso.year(), iso.week())
    }
}

impl Serialize for IsoWeek {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IsoWeek {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<IsoWeek, D::Error> {
        let text = String::deserialize(deserializer)?;
        IsoWeek::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_49_of_2026_runs_from_monday_30_november_to_sunday_6_december() {
        let w = IsoWeek::parse("2026-W49").unwrap();
        assert_eq!(w.monday(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(w.sunday(), NaiveDate::from_ymd_opt(2026, 12, 6).unwrap());
        assert_eq!(w.to_string(), "2026-W49");
        assert_eq!(IsoWeek::containing(w.sunday()), w);
    }

    #[test]
    fn week_one_may_start_in_the_previous_year() {
        let w = IsoWeek::parse("2026-W01").unwrap();
        assert_eq!(w.monday(), NaiveDate::from_ymd_opt(2025, 12, 29).unwrap());
        assert_eq!(w.to_string(), "2026-W01");
    }

    #[test]
    fn a_week_that_does_not_exist_or_bad_text_is_rejected_in_french() {
        assert!(
            IsoWeek::parse("2026-W54")
                .unwrap_err()
                .to_string()
                .contains("n'existe pas")
        );
        assert!(IsoWeek::parse("semaine 49").is_err());
        assert!(IsoWeek::parse("2026-W").is_err());
    }
}
