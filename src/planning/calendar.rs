//! Public and school holidays, read from the reference data shipped with Parcours
//! (`fixtures/reference/`, copied from `shared/data/territory/`): the calendar is data, not code
//! (DESIGN.md).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::IsoWeek;

/// French public holidays and the territory's school holidays (zone B).
#[derive(Debug, Clone, Default)]
pub struct Holidays {
    public: BTreeMap<NaiveDate, String>,
    /// (label, first day without school, day classes resume).
    school: Vec<(String, NaiveDate, NaiveDate)>,
}

const PUBLIC_CSV: &str = include_str!("../../fixtures/reference/public_holidays_fr.csv");
const SCHOOL_CSV: &str = include_str!("../../fixtures/reference/school_holidays_zone_b.csv");

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

impl Holidays {
    /// The reference calendar: French public holidays 2025–2027 and zone B school holidays.
    pub fn reference() -> Holidays {
        let public = PUBLIC_CSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let (d, name) = line.split_once(',')?;
                Some((date(d)?, name.trim().to_owned()))
            })
            .collect();
        let school = SCHOOL_CSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut fields = line.rsplitn(3, ',');
                let end = date(fields.next()?)?;
                let start = date(fields.next()?)?;
                Some((fields.next()?.trim().to_owned(), start, end))
            })
            .collect();
        Holidays { public, school }
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
            .find(|(_, start, end)| *start <= date && date < *end)
            .map(|(label, _, _)| label.as_str())
    }

    /// Whether the calendar covers `date` (public holidays are known for that year).
    pub fn covers(&self, date: NaiveDate) -> bool {
        use chrono::Datelike as _;
        self.public.keys().any(|d| d.year() == date.year())
    }

    /// A year of `week` (its Monday's or its Sunday's) whose public holidays are not known:
    /// such a week cannot be planned (a visit could land on a holiday).
    pub fn unknown_year(&self, week: IsoWeek) -> Option<i32> {
        use chrono::Datelike as _;
        [week.monday(), week.sunday()]
            .into_iter()
            .find(|d| !self.covers(*d))
            .map(|d| d.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn christmas_and_the_christmas_school_holidays_are_known() {
        let h = Holidays::reference();
        assert_eq!(h.public_holiday(d(2026, 12, 25)), Some("Noël"));
        assert_eq!(h.public_holiday(d(2026, 12, 3)), None);
        assert!(h.school_holiday(d(2026, 12, 23)).unwrap().contains("Noël"));
        assert_eq!(h.school_holiday(d(2026, 12, 3)), None);
        assert!(h.covers(d(2027, 1, 4)));
    }

    #[test]
    fn a_week_is_known_only_when_both_its_years_are() {
        let h = Holidays::reference();
        let week = |t: &str| IsoWeek::parse(t).unwrap();
        assert_eq!(h.unknown_year(week("2026-W49")), None);
        assert_eq!(h.unknown_year(week("9999-W01")), Some(9999));
        // 2027-W52 ends on 2 January 2028.
        assert_eq!(h.unknown_year(week("2027-W52")), Some(2028));
    }
}
