//! The Europe/Paris VTIMEZONE component (RFC 5545 §3.6.5) that every feed carries, so that a
//! client without a tz database (ical.js, Thunderbird) reads `TZID=Europe/Paris` times right.
//!
//! It states the EU rule in force since 1996: summer time (CEST, +02:00) from the last Sunday
//! of March at 02:00 local, winter time (CET, +01:00) from the last Sunday of October at 03:00
//! local, both at 01:00 UTC. It owns these lines only; it must not read the clock or the
//! system tz database (the tests compare it with chrono-tz instead).

/// The TZID parameter value that event times use.
pub(super) const TZID: &str = "Europe/Paris";

/// Content lines of the component, unfolded (none exceeds 75 octets).
pub(super) const EUROPE_PARIS: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Paris",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Duration, NaiveDate, Offset, TimeZone, Weekday};
    use chrono_tz::Europe::Paris;

    use super::*;

    fn last_sunday(year: i32, month: u32) -> NaiveDate {
        let mut d = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap() - Duration::days(1);
        while d.weekday() != Weekday::Sun {
            d -= Duration::days(1);
        }
        d
    }

    fn paris_offset_hours(utc: chrono::NaiveDateTime) -> i32 {
        Paris
            .from_utc_datetime(&utc)
            .offset()
            .fix()
            .local_minus_utc()
            / 3600
    }

    #[test]
    fn the_rules_change_the_offset_when_the_tz_database_does_from_2000_to_2040() {
        for year in 2000..=2040 {
            for (month, before, after) in [(3, 1, 2), (10, 2, 1)] {
                // Both changes happen at 01:00 UTC on the last Sunday of the month.
                let change = last_sunday(year, month).and_hms_opt(1, 0, 0).unwrap();
                assert_eq!(paris_offset_hours(change - Duration::seconds(1)), before);
                assert_eq!(paris_offset_hours(change), after, "{year}-{month}");
            }
        }
    }

    #[test]
    fn the_component_has_a_daylight_and_a_standard_rule_on_the_last_sundays() {
        let text = EUROPE_PARIS.join("\n");
        assert!(text.contains("BEGIN:DAYLIGHT\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200"));
        assert!(text.contains("BEGIN:STANDARD\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100"));
        // The DTSTARTs are themselves last Sundays, at 02:00 and 03:00 local.
        assert_eq!(
            last_sunday(1970, 3),
            NaiveDate::from_ymd_opt(1970, 3, 29).unwrap()
        );
        assert_eq!(
            last_sunday(1970, 10),
            NaiveDate::from_ymd_opt(1970, 10, 25).unwrap()
        );
        assert!(EUROPE_PARIS.iter().all(|l| l.len() <= 75));
        assert_eq!(EUROPE_PARIS[1], format!("TZID:{TZID}"));
    }
}
