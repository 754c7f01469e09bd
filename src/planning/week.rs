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
    /// Parses `2026-W49` exactly: a four-digit year, `-W`, a two-digit week that exists in that
    /// year (W53 only in the years that have one). Nothing else is taken for a week (issue 13:
    /// `2026w49`, `2026-W049` or `+2026-W49` were read as 2026-W49).
    ///
    /// # Errors
    /// When the text is not an ISO week or the week does not exist in that year.
    pub fn parse(text: &str) -> Result<IsoWeek, FieldError> {
        let bad = || {
            // A path or a flag can be long: echo only its start.
            let shown: String = text.chars().take(20).collect();
            let cut = if shown.len() < text.len() { "…" } else { "" };
            FieldError::new(format!(
                "« {shown}{cut} » n'est pas une semaine ISO (format AAAA-Wss, ex. 2026-W49)"
            ))
        };
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 8 || !digits(0..4) || &b[4..6] != b"-W" || !digits(6..8) {
            return Err(bad());
        }
        let year: i32 = text[0..4].parse().map_err(|_| bad())?;
        let week: u32 = text[6..8].parse().map_err(|_| bad())?;
        NaiveDate::from_isoywd_opt(year, week, ChronoWeekday::Mon)
            .map(|monday| IsoWeek { monday })
            .ok_or_else(|| {
                FieldError::new(format!("la semaine {week:02} n'existe pas en {year:04}"))
            })
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

    /// The week after.
    pub fn next(self) -> IsoWeek {
        IsoWeek {
            monday: self.monday + Days::new(7),
        }
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let iso = self.monday.iso_week();
        write!(f, "{:04}-W{:02}", iso.year(), iso.week())
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

    #[test]
    fn only_the_exact_yyyy_www_form_is_a_week() {
        for lax in [
            "2026w49",
            "2026-w49",
            "2026W49",
            "2026-W049",
            "2026-W+49",
            "+2026-W49",
            " 2026-W49",
            "2026-W49 ",
            "26-W49",
            "02026-W49",
            "2026-W4",
            "2026-W00",
            "2026-W٤٩",
        ] {
            let err = IsoWeek::parse(lax).expect_err(lax).to_string();
            assert!(
                err.contains("n'est pas une semaine ISO") || err.contains("n'existe pas"),
                "{lax}: {err}"
            );
        }
        assert_eq!(IsoWeek::parse("2026-W49").unwrap().to_string(), "2026-W49");
    }

    #[test]
    fn week_53_exists_only_in_the_years_that_have_one() {
        // 2026 starts on a Thursday: it has 53 weeks; 2027 has 52.
        assert_eq!(
            IsoWeek::parse("2026-W53").unwrap().monday(),
            NaiveDate::from_ymd_opt(2026, 12, 28).unwrap()
        );
        assert!(
            IsoWeek::parse("2027-W53")
                .unwrap_err()
                .to_string()
                .contains("la semaine 53 n'existe pas en 2027")
        );
    }

    #[test]
    fn a_year_before_1000_is_written_with_four_digits() {
        assert_eq!(IsoWeek::parse("0000-W01").unwrap().to_string(), "0000-W01");
        assert_eq!(IsoWeek::parse("0987-W10").unwrap().to_string(), "0987-W10");
    }
}
