//! Local time in Europe/Paris: weekdays in French, `HH:MM` times, weekly windows, dates, and the
//! conversion of a local date-time to an instant that refuses DST gaps and overlaps.
//!
//! Nothing here shifts a time silently (DESIGN.md, "Rules every part follows").

use std::fmt;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;

use super::FieldError;

/// Day of the week (jour), Monday first, written in French.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    /// lundi
    Monday,
    /// mardi
    Tuesday,
    /// mercredi
    Wednesday,
    /// jeudi
    Thursday,
    /// vendredi
    Friday,
    /// samedi
    Saturday,
    /// dimanche
    Sunday,
}

impl Weekday {
    /// All days, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// French name, lowercase (`lundi`).
    pub fn french(self) -> &'static str {
        match self {
            Weekday::Monday => "lundi",
            Weekday::Tuesday => "mardi",
            Weekday::Wednesday => "mercredi",
            Weekday::Thursday => "jeudi",
            Weekday::Friday => "vendredi",
            Weekday::Saturday => "samedi",
            Weekday::Sunday => "dimanche",
        }
    }

    /// 0 for Monday … 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The chrono weekday.
    pub fn to_chrono(self) -> chrono::Weekday {
        match self {
            Weekday::Monday => chrono::Weekday::Mon,
            Weekday::Tuesday => chrono::Weekday::Tue,
            Weekday::Wednesday => chrono::Weekday::Wed,
            Weekday::Thursday => chrono::Weekday::Thu,
            Weekday::Friday => chrono::Weekday::Fri,
            Weekday::Saturday => chrono::Weekday::Sat,
            Weekday::Sunday => chrono::Weekday::Sun,
        }
    }

    /// From a chrono weekday.
    pub fn from_chrono(day: chrono::Weekday) -> Weekday {
        Weekday::ALL[day.num_days_from_monday() as usize]
    }

    /// Parses a French day name or its three-letter abbreviation, any case, accents optional.
    pub fn parse(text: &str) -> Result<Weekday, FieldError> {
        let key = super::fold(text);
        let day = match key.as_str() {
            "lundi" | "lun" => Weekday::Monday,
            "mardi" | "mar" => Weekday::Tuesday,
            "mercredi" | "mer" => Weekday::Wednesday,
            "jeudi" | "jeu" => Weekday::Thursday,
            "vendredi" | "ven" => Weekday::Friday,
            "samedi" | "sam" => Weekday::Saturday,
            "dimanche" | "dim" => Weekday::Sunday,
            _ => {
                return Err(FieldError::new(format!(
                    "« {text} » n'est pas un jour de la semaine (lundi, mardi, … dimanche)"
                )));
            }
        };
        Ok(day)
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.french())
    }
}

/// A wall-clock time of day, in minutes after midnight (0..=1440; 24:00 ends a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(u16);

impl LocalTime {
    /// Midnight at the start of the day.
    pub const MIDNIGHT: LocalTime = LocalTime(0);

    /// From minutes after midnight.
    ///
    /// # Errors
    /// When `minutes` is past 24:00.
    pub fn from_minutes(minutes: u32) -> Result<LocalTime, FieldError> {
        if minutes > 24 * 60 {
            return Err(FieldError::new(format!(
                "{minutes} minutes dépasse la fin de la journée"
            )));
        }
        Ok(LocalTime(minutes as u16))
    }

    /// Minutes after midnight.
    pub fn minutes(self) -> u32 {
        u32::from(self.0)
    }

    /// Parses `HH:MM` (also `H:MM` and `HHhMM`), 00:00 to 24:00.
    pub fn parse(text: &str) -> Result<LocalTime, FieldError> {
        let t = text.trim();
        let bad = || FieldError::new(format!("« {text} » n'est pas une heure au format HH:MM"));
        let (h, m) = t.split_once([':', 'h', 'H']).ok_or_else(bad)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: u32 = h.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        if m >= 60 || h > 24 || (h == 24 && m > 0) {
            return Err(FieldError::new(format!(
                "« {text} » n'est pas une heure valide (00:00 à 24:00)"
            )));
        }
        Ok(LocalTime((h * 60 + m) as u16))
    }

    /// The chrono time; 24:00 has none and gives `None`.
    pub fn to_naive(self) -> Option<chrono::NaiveTime> {
        chrono::NaiveTime::from_hms_opt(self.minutes() / 60, self.minutes() % 60, 0)
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A time range within one day, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeRange {
    start: LocalTime,
    end: LocalTime,
}

impl TimeRange {
    /// A range that ends after it starts.
    ///
    /// # Errors
    /// When `end <= start`, in French, naming the range.
    pub fn new(start: LocalTime, end: LocalTime) -> Result<TimeRange, FieldError> {
        if end <= start {
            return Err(FieldError::new(format!(
                "la plage {start}-{end} finit avant de commencer"
            )));
        }
        Ok(TimeRange { start, end })
    }

    /// Parses `HH:MM-HH:MM` (an en dash or `à` also separate the two times).
    pub fn parse(text: &str) -> Result<TimeRange, FieldError> {
        let t = text.trim();
        let (a, b) = t
            .split_once(['-', '–'])
            .or_else(|| t.split_once(" à "))
            .ok_or_else(|| {
                FieldError::new(format!(
                    "« {text} » n'est pas une plage au format HH:MM-HH:MM"
                ))
            })?;
        TimeRange::new(LocalTime::parse(a)?, LocalTime::parse(b)?)
    }

    /// Start of the range.
    pub fn start(self) -> LocalTime {
        self.start
    }

    /// End of the range.
    pub fn end(self) -> LocalTime {
        self.end
    }

    /// Length in minutes.
    pub fn minutes(self) -> u32 {
        self.end.minutes() - self.start.minutes()
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// One recurring weekly window: a day and a time range (plage hebdomadaire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WeeklyWindow {
    /// Day of the week.
    pub day: Weekday,
    /// Time range on that day.
    pub range: TimeRange,
}

/// A set of weekly windows (disponibilités, horaires), sorted by day then time, overlaps merged
/// only if the input had them identical.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeeklyAvailability(Vec<WeeklyWindow>);

impl WeeklyAvailability {
    /// From windows; sorts them and removes exact duplicates.
    pub fn new(mut windows: Vec<WeeklyWindow>) -> WeeklyAvailability {
        windows.sort();
        windows.dedup();
        WeeklyAvailability(windows)
    }

    /// Parses `lundi 09:00-12:00, mercredi 14:00-17:00 18:00-19:00`.
    ///
    /// Each comma-separated item is a day followed by one or more ranges. Overlapping windows on
    /// the same day are rejected: they are almost always a typing error.
    pub fn parse(text: &str) -> Result<WeeklyAvailability, FieldError> {
        let mut windows = Vec::new();
        for item in text.split([',', '\n']) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let mut words = item.split_whitespace();
            let day_word = words
                .next()
                .expect("BUG: a non-empty trimmed item has a word");
            let day = Weekday::parse(day_word)?;
            let mut any = false;
            for word in words {
                windows.push(WeeklyWindow {
                    day,
                    range: TimeRange::parse(word)?,
                });
                any = true;
            }
            if !any {
                return Err(FieldError::new(format!(
                    "« {item} » : il manque la plage horaire après « {day_word} » (ex. {day} 09:00-12:00)"
                )));
            }
        }
        if windows.is_empty() {
            return Err(FieldError::new(
                "aucune plage horaire (ex. « lundi 09:00-12:00, mercredi 14:00-17:00 »)".to_owned(),
            ));
        }
        let availability = WeeklyAvailability::new(windows);
        for pair in availability.0.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if a.day == b.day && b.range.start < a.range.end {
                return Err(FieldError::new(format!(
                    "les plages {} {} et {} se chevauchent",
                    a.day, a.range, b.range
                )));
            }
        }
        Ok(availability)
    }

    /// The windows, sorted by day then start.
    pub fn windows(&self) -> &[WeeklyWindow] {
        &self.0
    }

    /// The windows of one day.
    pub fn on(&self, day: Weekday) -> impl Iterator<Item = TimeRange> + '_ {
        self.0.iter().filter(move |w| w.day == day).map(|w| w.range)
    }

    /// Total minutes per week.
    pub fn weekly_minutes(&self) -> u32 {
        self.0.iter().map(|w| w.range.minutes()).sum()
    }

    /// True when no window is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for WeeklyAvailability {
    /// Canonical form: one item per day, `lundi 09:00-12:00 14:00-17:00, mercredi 14:00-18:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut previous: Option<Weekday> = None;
        for w in &self.0 {
            if previous == Some(w.day) {
                write!(f, " {}", w.range)?;
            } else {
                if previous.is_some() {
                    f.write_str(", ")?;
                }
                write!(f, "{} {}", w.day, w.range)?;
            }
            previous = Some(w.day);
        }
        Ok(())
    }
}

/// Parses a date `AAAA-MM-JJ` or `JJ/MM/AAAA`.
pub fn parse_date(text: &str) -> Result<NaiveDate, FieldError> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .map_err(|_| {
            FieldError::new(format!(
                "« {text} » n'est pas une date valide (AAAA-MM-JJ ou JJ/MM/AAAA)"
            ))
        })
}

/// Parses a local Europe/Paris date and time (`AAAA-MM-JJ HH:MM` or `JJ/MM/AAAA HH:MM`) and
/// returns the instant, refusing times that do not exist or happen twice on a DST change day.
pub fn parse_paris_datetime(text: &str) -> Result<DateTime<Utc>, FieldError> {
    let t = text.trim();
    let (date, time) = t.split_once([' ', 'T']).ok_or_else(|| {
        FieldError::new(format!(
            "« {text} » n'est pas une date et heure (AAAA-MM-JJ HH:MM)"
        ))
    })?;
    let date = parse_date(date)?;
    let time = LocalTime::parse(time)?;
    let naive_time = time.to_naive().ok_or_else(|| {
        FieldError::new(format!(
            "« {text} » : 24:00 n'est pas une heure de début, écrivez 00:00 le lendemain"
        ))
    })?;
    paris_instant(date.and_time(naive_time))
}

/// Parses the start of a stretch of time: a date `AAAA-MM-JJ` (from 00:00 that day) or a local
/// date and time as [`parse_paris_datetime`] reads it, with the same refusal of DST gaps and
/// overlaps.
pub fn parse_paris_from(text: &str) -> Result<DateTime<Utc>, FieldError> {
    parse_paris_bound(text, 0)
}

/// Parses the end of a stretch of time, excluded: a date `AAAA-MM-JJ` means to the end of that
/// day (00:00 the next day), a local date and time that very instant.
pub fn parse_paris_until(text: &str) -> Result<DateTime<Utc>, FieldError> {
    parse_paris_bound(text, 1)
}

/// A date alone is midnight `days_after` days later; a date and time is read as such.
fn parse_paris_bound(text: &str, days_after: u64) -> Result<DateTime<Utc>, FieldError> {
    let t = text.trim();
    if !t.contains([' ', 'T']) {
        let date = parse_date(t).map_err(|_| {
            FieldError::new(format!(
                "« {text} » n'est ni une date (AAAA-MM-JJ) ni une date et heure (AAAA-MM-JJ HH:MM)"
            ))
        })?;
        let day = date
            .checked_add_days(chrono::Days::new(days_after))
            .ok_or_else(|| FieldError::new(format!("« {text} » : date hors limites")))?;
        return paris_instant(day.and_time(chrono::NaiveTime::MIN));
    }
    parse_paris_datetime(t)
}

/// The instant of a local Europe/Paris date-time.
///
/// # Errors
/// When the local time does not exist (clocks spring forward) or is ambiguous (clocks fall back).
pub fn paris_instant(local: NaiveDateTime) -> Result<DateTime<Utc>, FieldError> {
    let shown = local.format("%d/%m/%Y %H:%M");
    match Paris.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::None => Err(FieldError::new(format!(
            "l'heure locale {shown} n'existe pas à Paris (passage à l'heure d'été) : choisissez une autre heure"
        ))),
        LocalResult::Ambiguous(_, _) => Err(FieldError::new(format!(
            "l'heure locale {shown} existe deux fois à Paris (passage à l'heure d'hiver) : choisissez une autre heure"
        ))),
    }
}

/// The local Europe/Paris date-time of an instant.
pub fn to_paris(instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(&Paris).naive_local()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_availability_round_trips_through_its_canonical_text() {
        let a =
            WeeklyAvailability::parse("mercredi 14:00-18:00, lun 9:00-12:00 14:00-16:30").unwrap();
        assert_eq!(
            a.to_string(),
            "lundi 09:00-12:00 14:00-16:30, mercredi 14:00-18:00"
        );
        assert_eq!(WeeklyAvailability::parse(&a.to_string()).unwrap(), a);
        assert_eq!(a.weekly_minutes(), 180 + 150 + 240);
    }

    #[test]
    fn a_window_that_ends_before_it_starts_is_rejected_in_french() {
        let err = WeeklyAvailability::parse("lundi 18:00-09:00").unwrap_err();
        assert_eq!(
            err.to_string(),
            "la plage 18:00-09:00 finit avant de commencer"
        );
    }

    #[test]
    fn overlapping_windows_and_unknown_days_are_rejected() {
        assert!(WeeklyAvailability::parse("lundi 09:00-12:00 11:00-13:00").is_err());
        assert!(WeeklyAvailability::parse("monday 09:00-12:00").is_err());
        assert!(WeeklyAvailability::parse("lundi").is_err());
        assert!(WeeklyAvailability::parse("  ").is_err());
    }

    #[test]
    fn times_accept_french_spellings_and_reject_nonsense() {
        assert_eq!(LocalTime::parse("9h30").unwrap().minutes(), 570);
        assert_eq!(LocalTime::parse("24:00").unwrap().minutes(), 1440);
        for bad in ["25:00", "12:60", "1230", "ab:cd", "24:01", ""] {
            assert!(LocalTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_local_time_in_the_spring_gap_is_rejected_not_shifted() {
        let err = parse_paris_datetime("2027-03-28 02:30").unwrap_err();
        assert!(err.to_string().contains("n'existe pas"), "{err}");
    }

    #[test]
    fn a_local_time_in_the_autumn_overlap_is_rejected_as_ambiguous() {
        let err = parse_paris_datetime("2026-10-25 02:30").unwrap_err();
        assert!(err.to_string().contains("existe deux fois"), "{err}");
    }

    #[test]
    fn a_date_alone_starts_at_midnight_and_ends_at_the_next_midnight() {
        let from = parse_paris_from("2026-11-16").unwrap();
        let until = parse_paris_until("16/11/2026").unwrap();
        assert_eq!(from.to_rfc3339(), "2026-11-15T23:00:00+00:00");
        assert_eq!(until.to_rfc3339(), "2026-11-16T23:00:00+00:00");
        let at = parse_paris_until("2026-11-16 12:30").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-16T11:30:00+00:00");
        assert!(
            parse_paris_from("2027-03-28 02:30")
                .unwrap_err()
                .to_string()
                .contains("n'existe pas")
        );
        assert!(parse_paris_until("lundi").is_err());
    }

    #[test]
    fn an_ordinary_local_time_maps_to_the_right_instant() {
        let t = parse_paris_datetime("03/12/2026 14:30").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-03T13:30:00+00:00");
        let summer = parse_paris_datetime("2027-06-01 09:00").unwrap();
        assert_eq!(summer.to_rfc3339(), "2027-06-01T07:00:00+00:00");
        assert_eq!(to_paris(summer).format("%H:%M").to_string(), "09:00");
    }
}
