//! The period a plan covers, its [`Horizon`]: an ISO week (the rota), a range of dates (a
//! workshop term, a day of rides) or a school year (the EPS meetings).
//!
//! A horizon has one canonical text, what [`Horizon`]'s `Display` writes and [`Horizon::parse`]
//! reads back: `2026-W49`, `2026-09-01/2026-10-16` (ISO 8601's interval notation), `2026-2027`.
//! The store keys plans by it. This module knows nothing of what is planned over the period.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use super::week::IsoWeek;
use crate::domain::FieldError;

/// A school year (année scolaire), named by the calendar years it spans: `2026-2027` runs from
/// 1 September 2026 to 31 August 2027 (the holidays inside it are the calendar's business).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchoolYear {
    first_year: i32,
}

impl SchoolYear {
    /// The school year starting in September of `first_year`.
    ///
    /// # Errors
    /// When the year has not four digits.
    pub fn starting(first_year: i32) -> Result<SchoolYear, FieldError> {
        if !(1000..=9998).contains(&first_year) {
            return Err(FieldError::new(format!(
                "{first_year} : une année à quatre chiffres est attendue"
            )));
        }
        Ok(SchoolYear { first_year })
    }

    /// The school year holding `date`: from September, the one starting that year.
    pub fn containing(date: NaiveDate) -> SchoolYear {
        let first_year = if date.month() >= 9 {
            date.year()
        } else {
            date.year() - 1
        };
        SchoolYear { first_year }
    }

    /// 1 September of its first year.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.first_year, 9, 1).expect("BUG: 1 September exists")
    }

    /// 31 August of its second year.
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.first_year + 1, 8, 31).expect("BUG: 31 August exists")
    }
}

impl fmt::Display for SchoolYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:04}", self.first_year, self.first_year + 1)
    }
}

/// A range of dates, first and last included, the first not after the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateRange {
    from: NaiveDate,
    to: NaiveDate,
}

impl DateRange {
    /// From `from` to `to`, both included.
    ///
    /// # Errors
    /// When `to` comes before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange, FieldError> {
        if to < from {
            return Err(FieldError::new(format!(
                "la période finit le {} avant de commencer le {}",
                to.format("%d/%m/%Y"),
                from.format("%d/%m/%Y")
            )));
        }
        Ok(DateRange { from, to })
    }

    /// Its first day.
    pub fn from(self) -> NaiveDate {
        self.from
    }

    /// Its last day.
    pub fn to(self) -> NaiveDate {
        self.to
    }
}

/// The period a plan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Horizon {
    /// An ISO week, Monday to Sunday: the rota of visits.
    Week(IsoWeek),
    /// A range of dates: a workshop term, a day of rides.
    Dates(DateRange),
    /// A school year: the EPS meetings.
    SchoolYear(SchoolYear),
}

impl Horizon {
    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        match self {
            Horizon::Week(week) => week.monday(),
            Horizon::Dates(range) => range.from(),
            Horizon::SchoolYear(year) => year.first_day(),
        }
    }

    /// Its last day.
    pub fn last_day(self) -> NaiveDate {
        match self {
            Horizon::Week(week) => week.sunday(),
            Horizon::Dates(range) => range.to(),
            Horizon::SchoolYear(year) => year.last_day(),
        }
    }

    /// Whether `date` falls in it.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }

    /// The week, when it is one.
    pub fn week(self) -> Option<IsoWeek> {
        match self {
            Horizon::Week(week) => Some(week),
            Horizon::Dates(_) | Horizon::SchoolYear(_) => None,
        }
    }

    /// French, for messages: « semaine 2026-W49 », « du 01/09/2026 au 16/10/2026 »,
    /// « année scolaire 2026-2027 ».
    pub fn french(self) -> String {
        match self {
            Horizon::Week(week) => format!("semaine {week}"),
            Horizon::Dates(range) if range.from == range.to => {
                format!("le {}", range.from.format("%d/%m/%Y"))
            }
            Horizon::Dates(range) => format!(
                "du {} au {}",
                range.from.format("%d/%m/%Y"),
                range.to.format("%d/%m/%Y")
            ),
            Horizon::SchoolYear(year) => format!("année scolaire {year}"),
        }
    }

    /// Reads the canonical text back: `2026-W49`, `2026-09-01/2026-10-16` or `2026-2027`.
    ///
    /// # Errors
    /// When the text is none of them, names a week that does not exist, a range that ends
    /// before it starts, or two years that do not follow each other.
    pub fn parse(text: &str) -> Result<Horizon, FieldError> {
        let bad = || {
            let shown: String = text.chars().take(30).collect();
            FieldError::new(format!(
                "« {shown} » n'est pas une période de plan (2026-W49, 2026-09-01/2026-10-16 ou \
                 2026-2027)"
            ))
        };
        if text.contains("-W") {
            return IsoWeek::parse(text).map(Horizon::Week);
        }
        if let Some((from, to)) = text.split_once('/') {
            let date = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| bad());
            return DateRange::new(date(from)?, date(to)?).map(Horizon::Dates);
        }
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() == 9 && digits(0..4) && b[4] == b'-' && digits(5..9) {
            let first: i32 = text[0..4].parse().map_err(|_| bad())?;
            let second: i32 = text[5..9].parse().map_err(|_| bad())?;
            if second != first + 1 {
                return Err(FieldError::new(format!(
                    "« {text} » : une année scolaire va d'une année à la suivante (2026-2027)"
                )));
            }
            return SchoolYear::starting(first).map(Horizon::SchoolYear);
        }
        Err(bad())
    }
}

impl From<IsoWeek> for Horizon {
    fn from(week: IsoWeek) -> Horizon {
        Horizon::Week(week)
    }
}

impl From<SchoolYear> for Horizon {
    fn from(year: SchoolYear) -> Horizon {
        Horizon::SchoolYear(year)
    }
}

impl fmt::Display for Horizon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Horizon::Week(week) => write!(f, "{week}"),
            Horizon::Dates(range) => write!(f, "{}/{}", range.from, range.to),
            Horizon::SchoolYear(year) => write!(f, "{year}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_horizon_reads_back_from_its_canonical_text() {
        let horizons = [
            Horizon::Week(IsoWeek::parse("2026-W49").unwrap()),
            Horizon::Dates(DateRange::new(date(2026, 9, 1), date(2026, 10, 16)).unwrap()),
            Horizon::Dates(DateRange::new(date(2026, 12, 2), date(2026, 12, 2)).unwrap()),
            Horizon::SchoolYear(SchoolYear::starting(2026).unwrap()),
        ];
        let texts: Vec<String> = horizons.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "2026-W49",
                "2026-09-01/2026-10-16",
                "2026-12-02/2026-12-02",
                "2026-2027"
            ]
        );
        for (horizon, text) in horizons.iter().zip(&texts) {
            assert_eq!(Horizon::parse(text).unwrap(), *horizon, "{text}");
        }
    }

    #[test]
    fn a_horizon_covers_its_days_and_no_other() {
        let week = Horizon::Week(IsoWeek::parse("2026-W49").unwrap());
        assert_eq!(
            (week.first_day(), week.last_day()),
            (date(2026, 11, 30), date(2026, 12, 6))
        );
        let year = Horizon::SchoolYear(SchoolYear::containing(date(2027, 3, 15)));
        assert_eq!(year.to_string(), "2026-2027");
        assert!(year.contains(date(2026, 9, 1)) && year.contains(date(2027, 8, 31)));
        assert!(!year.contains(date(2027, 9, 1)));
        assert_eq!(
            SchoolYear::containing(date(2026, 9, 1)),
            SchoolYear::starting(2026).unwrap()
        );
    }

    #[test]
    fn a_range_that_ends_before_it_starts_or_years_that_do_not_follow_are_refused_in_french() {
        let backwards = Horizon::parse("2026-10-16/2026-09-01").unwrap_err();
        assert!(
            backwards.to_string().contains("avant de commencer"),
            "{backwards}"
        );
        let gap = Horizon::parse("2026-2028").unwrap_err();
        assert!(gap.to_string().contains("à la suivante"), "{gap}");
        assert!(Horizon::parse("2026-W54").is_err());
        assert!(Horizon::parse("l'an prochain").is_err());
        assert_eq!(
            Horizon::parse("2026-09-01/2026-10-16").unwrap().french(),
            "du 01/09/2026 au 16/10/2026"
        );
    }
}
