//! iCalendar (RFC 5545) text of a calendar feed: a general [`Calendar`] of [`Event`]s, reusable
//! for référents, EPS members, drivers…, its writer [`write()`], and [`referent_calendar`], which
//! turns a référent's planned week into events.
//!
//! Pure: the publication time is an argument and the same input gives the same bytes. What an
//! event says follows DESIGN.md's confidentiality rule: a family code, a commune, a place type,
//! never a person's name, an address or coordinates (a feed goes to third-party calendar
//! services). Text is French. Times are Europe/Paris wall-clock, written with
//! `TZID=Europe/Paris` and the matching VTIMEZONE (STYLE.md §9), never floating.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::vtimezone;
use crate::planning::{DayRoute, PlaceKind, ReferentWeek, Stop, StopKind};

/// RFC 5545 §3.1: a content line is at most 75 octets, CRLF excluded.
const MAX_LINE_OCTETS: usize = 75;

/// Whether an event takes place (RFC 5545 §3.8.1.11, `STATUS` of a VEVENT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    /// It takes place.
    Confirmed,
    /// It was called off; kept in the feed so that subscribed clients remove it.
    Cancelled,
}

impl EventStatus {
    fn ical(self) -> &'static str {
        match self {
            EventStatus::Confirmed => "CONFIRMED",
            EventStatus::Cancelled => "CANCELLED",
        }
    }
}

/// One calendar event (VEVENT). Texts are plain; [`write()`] escapes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable identifier across publications (`visite-2026-W49-F-0001@parcours`).
    pub uid: String,
    /// Revision: increases each time the event changes (RFC 5545 §3.8.7.4).
    pub sequence: u32,
    /// Whether it takes place.
    pub status: EventStatus,
    /// Local Europe/Paris start.
    pub start: NaiveDateTime,
    /// Local Europe/Paris end, after the start.
    pub end: NaiveDateTime,
    /// Title (`Visite F-0001 – Valenciennes`).
    pub summary: String,
    /// Commune and place type, never an address (`Valenciennes (domicile)`).
    pub location: String,
    /// Details, free of personal data.
    pub description: String,
}

/// A named set of events: one feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// Name shown by the calendar app (`X-WR-CALNAME`).
    pub name: String,
    /// Events, in any order ([`write()`] sorts them).
    pub events: Vec<Event>,
}

/// Writes `cal` as iCalendar text published at `published_at` (`DTSTAMP`, `LAST-MODIFIED`).
///
/// Lines end with CRLF and are folded at 75 octets without splitting a UTF-8 character;
/// events come sorted by start then UID, so the same calendar and instant give the same bytes.
/// Local times are written as they are: the plan has already refused DST gaps and overlaps
/// (`domain::time::paris_instant`), and nothing here shifts them.
pub fn write(cal: &Calendar, published_at: DateTime<Utc>) -> String {
    let stamp = published_at.format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Parcours//Parcours//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_line(&mut out, line);
    }
    push_line(
        &mut out,
        &format!("X-WR-CALNAME:{}", escape_text(&cal.name)),
    );
    push_line(&mut out, &format!("X-WR-TIMEZONE:{}", vtimezone::TZID));
    // RFC 7986 §5.7, and the older property Outlook and Apple Calendar read.
    push_line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    push_line(&mut out, "X-PUBLISHED-TTL:PT1H");
    for line in vtimezone::EUROPE_PARIS {
        push_line(&mut out, line);
    }

    let mut events: Vec<&Event> = cal.events.iter().collect();
    events.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
    for e in events {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", escape_text(&e.uid)));
        push_line(&mut out, &format!("DTSTAMP:{stamp}"));
        push_line(&mut out, &format!("LAST-MODIFIED:{stamp}"));
        push_line(&mut out, &format!("DTSTART;{}", local_time(e.start)));
        push_line(&mut out, &format!("DTEND;{}", local_time(e.end)));
        push_line(&mut out, &format!("SEQUENCE:{}", e.sequence));
        push_line(&mut out, &format!("STATUS:{}", e.status.ical()));
        push_line(&mut out, &format!("SUMMARY:{}", escape_text(&e.summary)));
        push_line(&mut out, &format!("LOCATION:{}", escape_text(&e.location)));
        push_line(
            &mut out,
            &format!("DESCRIPTION:{}", escape_text(&e.description)),
        );
        push_line(&mut out, "TRANSP:OPAQUE");
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

/// A référent's calendar for a planned week: one confirmed event (sequence 0) per stop, her
/// private appointments left out (they are in her own calendar already), and so are the EPS
/// meetings of a published year (their own publication puts them in her feed).
///
/// The feed layer merges weeks and raises `sequence` when a republished stop changes. The
/// stop ids carry the week, so UIDs (`{stop.id}@parcours`) stay unique across weeks. Her
/// display name is left out: the calendar is named after her code.
pub fn referent_calendar(week: &ReferentWeek) -> Calendar {
    let events = week
        .days
        .iter()
        .flat_map(|day| {
            day.stops
                .iter()
                .enumerate()
                .filter(|(_, stop)| {
                    !matches!(
                        stop.kind,
                        StopKind::Fixed { private: true, .. }
                            | StopKind::Fixed {
                                published_apart: true,
                                ..
                            }
                    )
                })
                .map(move |(i, stop)| stop_event(day, i, stop))
        })
        .collect();
    Calendar {
        name: format!("Parcours – tournée {}", week.code),
        events,
    }
}

/// The event of the `index`-th stop of `day`: family code, commune, place type and travel.
fn stop_event(day: &DayRoute, index: usize, stop: &Stop) -> Event {
    let place = match &stop.place {
        PlaceKind::Home => "domicile".to_owned(),
        PlaceKind::Base => "bureau".to_owned(),
        PlaceKind::Site { code, kind } => format!("{kind} {code}"),
    };
    let commune = &stop.commune_name;
    let (summary, what) = match &stop.kind {
        StopKind::Visit { family } => {
            let visit = match &stop.place {
                PlaceKind::Home => "visite à domicile".to_owned(),
                PlaceKind::Base => "visite au bureau".to_owned(),
                PlaceKind::Site { .. } => format!("visite en lieu neutre ({place})"),
            };
            (
                format!("Visite {family} – {commune}"),
                format!("Famille {family}, {visit}."),
            )
        }
        StopKind::Fixed { label, .. } => (format!("{label} – {commune}"), format!("{label}.")),
    };
    let from = if index == 0 {
        "la base"
    } else {
        "l'étape précédente"
    };
    let mut description = format!(
        "{what} Trajet depuis {from} : {} ({}).",
        duration_fr(stop.travel_minutes),
        km_fr(stop.travel_meters)
    );
    if index + 1 == day.stops.len() {
        let _ = write!(
            description,
            " Retour à la base : {} ({}).",
            duration_fr(day.return_minutes),
            km_fr(day.return_meters)
        );
    }
    Event {
        uid: format!("{}@parcours", stop.id),
        sequence: 0,
        status: EventStatus::Confirmed,
        start: stop.start,
        end: stop.end,
        summary,
        location: format!("{commune} ({place})"),
        description,
    }
}

/// `TZID=Europe/Paris:20261130T091500`.
fn local_time(t: NaiveDateTime) -> String {
    format!("TZID={}:{}", vtimezone::TZID, t.format("%Y%m%dT%H%M%S"))
}

/// `12` → `12 min`, `65` → `1 h 05`.
fn duration_fr(minutes: i64) -> String {
    if minutes < 60 {
        format!("{minutes} min")
    } else {
        format!("{} h {:02}", minutes / 60, minutes % 60)
    }
}

/// `5340` → `5,3 km` (to the nearest 100 m, decimal comma).
fn km_fr(meters: i64) -> String {
    let tenths = (meters.max(0) + 50) / 100;
    format!("{},{} km", tenths / 10, tenths % 10)
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): `\` `;` `,` and newlines. Other control
/// characters are not allowed in TEXT and are left out; a tab is kept.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded (RFC 5545 §3.1): at most 75 octets per physical line,
/// continuation lines start with one space, and a fold never splits a UTF-8 character.
fn push_line(out: &mut String, line: &str) {
    let mut rest = line;
    let mut room = MAX_LINE_OCTETS;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // The leading space of a continuation line counts.
        room = MAX_LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    fn published() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 16, 5, 0).unwrap()
    }

    #[allow(clippy::too_many_arguments)]
    fn stop(
        id: &str,
        kind: StopKind,
        start: NaiveDateTime,
        minutes: i64,
        commune_name: &str,
        place: PlaceKind,
        point: (f64, f64),
        travel: (i64, i64),
    ) -> Stop {
        Stop {
            id: id.to_owned(),
            kind,
            start,
            end: start + chrono::Duration::minutes(minutes),
            commune: "59606".to_owned(),
            commune_name: commune_name.to_owned(),
            place,
            point,
            travel_minutes: travel.0,
            travel_meters: travel.1,
            confirmed: false,
        }
    }

    fn visit(family: &str) -> StopKind {
        StopKind::Visit {
            family: family.to_owned(),
        }
    }

    fn day(stops: Vec<Stop>, back: (i64, i64)) -> DayRoute {
        let date = stops[0].start.date();
        DayRoute {
            date,
            leave: Some(stops[0].start),
            back: stops.last().map(|s| s.end),
            lunch: None,
            stops,
            return_minutes: back.0,
            return_meters: back.1,
        }
    }

    /// R-01's week 49: a home visit and a neutral-site visit on Monday, an EPS on Tuesday.
    fn week() -> ReferentWeek {
        let monday = day(
            vec![
                stop(
                    "visite-2026-W49-F-0001",
                    visit("F-0001"),
                    at(2026, 11, 30, 9, 15),
                    60,
                    "Valenciennes",
                    PlaceKind::Home,
                    (50.357_113, 3.523_872),
                    (12, 5_340),
                ),
                stop(
                    "visite-2026-W49-F-0007",
                    visit("F-0007"),
                    at(2026, 11, 30, 10, 40),
                    45,
                    "Anzin",
                    PlaceKind::Site {
                        code: "LN-04".to_owned(),
                        kind: "centre social".to_owned(),
                    },
                    (50.371_946, 3.505_127),
                    (9, 3_020),
                ),
            ],
            (14, 6_480),
        );
        let tuesday = day(
            vec![stop(
                "eps-2026-W49-EPS-03",
                StopKind::Fixed {
                    label: "Réunion EPS".to_owned(),
                    code: "AG-003".to_owned(),
                    private: false,
                    published_apart: false,
                },
                at(2026, 12, 1, 14, 0),
                120,
                "Denain",
                PlaceKind::Site {
                    code: "LN-09".to_owned(),
                    kind: "mairie annexe".to_owned(),
                },
                (50.329_384, 3.395_742),
                (75, 21_960),
            )],
            (75, 21_960),
        );
        ReferentWeek {
            code: "R-01".to_owned(),
            name: "Camille Lefebvre".to_owned(),
            travel_mode: "voiture".to_owned(),
            base: (50.358_227, 3.517_604),
            working_minutes: 35 * 60,
            days: vec![monday, tuesday],
        }
    }

    fn event(uid: &str, start: NaiveDateTime, summary: &str) -> Event {
        Event {
            uid: uid.to_owned(),
            sequence: 0,
            status: EventStatus::Confirmed,
            start,
            end: start + chrono::Duration::minutes(60),
            summary: summary.to_owned(),
            location: "Valenciennes (domicile)".to_owned(),
            description: "Famille F-0001.".to_owned(),
        }
    }

    /// The text of each VEVENT, unfolded, lines joined with `\n`.
    fn event_blocks(ics: &str) -> Vec<String> {
        let unfolded = ics.replace("\r\n ", "");
        unfolded
            .split("BEGIN:VEVENT\r\n")
            .skip(1)
            .map(|b| b.split("END:VEVENT").next().unwrap().replace("\r\n", "\n"))
            .collect()
    }

    /// The design card's `icalendar` crate, an independent parser, reads back every event
    /// field for field: escaping, folding inside multi-byte letters, Europe/Paris times, a
    /// cancellation's status and sequence.
    #[test]
    fn the_icalendar_crate_reads_back_every_event_as_written() {
        // Arrange: the week's three events and a cancelled one whose texts need escaping and
        // folding.
        let mut cal = referent_calendar(&week());
        let mut cancelled = event(
            "atelier-2026-W49-AT-01@parcours",
            at(2026, 12, 2, 14, 0),
            "Atelier « parentalité », séance 2 ; école Émile-Zola \\ Saint-Saulve – où l'on \
             prépare l'entrée en 6e",
        );
        cancelled.status = EventStatus::Cancelled;
        cancelled.sequence = 3;
        cancelled.end = at(2026, 12, 2, 16, 30);
        cancelled.description =
            "Ligne 1\nLigne 2, fin ; « ééééééééééééééééééééééééééééé ».".to_owned();
        cal.events.push(cancelled);

        // Act
        let ics = write(&cal, published());
        let parsed: icalendar::Calendar = ics.parse().expect("the icalendar crate reads the feed");

        // Assert
        let read: Vec<&icalendar::Event> = parsed
            .components
            .iter()
            .filter_map(|c| match c {
                icalendar::CalendarComponent::Event(e) => Some(e),
                _ => None,
            })
            .collect();
        assert_eq!(read.len(), cal.events.len());
        let paris = |t: NaiveDateTime| {
            Some(icalendar::DatePerhapsTime::DateTime(
                icalendar::CalendarDateTime::WithTimezone {
                    date_time: t,
                    tzid: "Europe/Paris".to_owned(),
                },
            ))
        };
        for e in &cal.events {
            use icalendar::{Component as _, EventLike as _};
            let r = read
                .iter()
                .find(|r| r.get_uid() == Some(e.uid.as_str()))
                .unwrap_or_else(|| panic!("{} not read back", e.uid));
            assert_eq!(r.get_start(), paris(e.start), "{}", e.uid);
            assert_eq!(r.get_end(), paris(e.end), "{}", e.uid);
            assert_eq!(r.get_sequence(), Some(e.sequence), "{}", e.uid);
            let status = match e.status {
                EventStatus::Confirmed => icalendar::EventStatus::Confirmed,
                EventStatus::Cancelled => icalendar::EventStatus::Cancelled,
            };
            assert_eq!(r.get_status(), Some(status), "{}", e.uid);
            assert_eq!(r.get_summary(), Some(e.summary.as_str()), "{}", e.uid);
            assert_eq!(r.get_location(), Some(e.location.as_str()), "{}", e.uid);
            assert_eq!(
                r.get_description(),
                Some(e.description.as_str()),
                "{}",
                e.uid
            );
            assert_eq!(r.get_timestamp(), Some(published()), "{}", e.uid);
        }
    }

    #[test]
    fn a_home_visit_is_one_event_with_the_family_code_commune_place_type_and_travel() {
        // Arrange
        let cal = referent_calendar(&week());

        // Act
        let ics = write(&cal, published());

        // Assert
        let blocks = event_blocks(&ics);
        assert_eq!(blocks.len(), 3);
        assert_eq!(
            blocks[0],
            "UID:visite-2026-W49-F-0001@parcours\n\
             DTSTAMP:20261123T160500Z\n\
             LAST-MODIFIED:20261123T160500Z\n\
             DTSTART;TZID=Europe/Paris:20261130T091500\n\
             DTEND;TZID=Europe/Paris:20261130T101500\n\
             SEQUENCE:0\n\
             STATUS:CONFIRMED\n\
             SUMMARY:Visite F-0001 – Valenciennes\n\
             LOCATION:Valenciennes (domicile)\n\
             DESCRIPTION:Famille F-0001\\, visite à domicile. Trajet depuis la base : 12 \
             min (5\\,3 km).\n\
             TRANSP:OPAQUE\n"
        );
        assert!(ics.contains("X-WR-CALNAME:Parcours – tournée R-01\r\n"));
    }

    #[test]
    fn a_neutral_site_visit_names_the_site_kind_and_code_and_the_last_stop_the_way_back() {
        let ics = write(&referent_calendar(&week()), published());
        let b = &event_blocks(&ics)[1];
        assert!(b.contains("SUMMARY:Visite F-0007 – Anzin\n"), "{b}");
        assert!(b.contains("LOCATION:Anzin (centre social LN-04)\n"), "{b}");
        assert!(
            b.contains(
                "DESCRIPTION:Famille F-0007\\, visite en lieu neutre (centre social LN-04). \
                 Trajet depuis l'étape précédente : 9 min (3\\,0 km). \
                 Retour à la base : 14 min (6\\,5 km).\n"
            ),
            "{b}"
        );
    }

    #[test]
    fn a_fixed_appointment_is_shown_with_its_label() {
        let ics = write(&referent_calendar(&week()), published());
        let b = &event_blocks(&ics)[2];
        assert!(b.contains("SUMMARY:Réunion EPS – Denain\n"), "{b}");
        assert!(b.contains("LOCATION:Denain (mairie annexe LN-09)\n"), "{b}");
        assert!(b.contains("DESCRIPTION:Réunion EPS. Trajet depuis la base : 1 h 15 (22\\,0 km)."));
    }

    #[test]
    fn a_private_appointment_holds_her_time_but_is_not_published() {
        let mut week = week();
        let before = event_blocks(&write(&referent_calendar(&week), published())).len();
        let day = week.days.iter_mut().find(|d| !d.stops.is_empty()).unwrap();
        let mut private = day.stops[0].clone();
        private.id = "agenda-AG-099".to_owned();
        private.kind = StopKind::Fixed {
            label: "Indisponible".to_owned(),
            code: "AG-099".to_owned(),
            private: true,
            published_apart: false,
        };
        day.stops.push(private);
        let ics = write(&referent_calendar(&week), published());
        assert_eq!(event_blocks(&ics).len(), before);
        assert!(!ics.contains("AG-099") && !ics.contains("Indisponible"));
    }

    #[test]
    fn the_calendar_has_the_feed_headers_and_the_paris_timezone_before_the_events() {
        let ics = write(&referent_calendar(&week()), published());
        let expected_head = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Parcours//Parcours//FR",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:Parcours – tournée R-01",
            "X-WR-TIMEZONE:Europe/Paris",
            "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
            "X-PUBLISHED-TTL:PT1H",
            "BEGIN:VTIMEZONE",
        ];
        let lines: Vec<&str> = ics.split("\r\n").collect();
        assert_eq!(&lines[..expected_head.len()], &expected_head);
        assert!(ics.find("END:VTIMEZONE").unwrap() < ics.find("BEGIN:VEVENT").unwrap());
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        // CRLF everywhere: no bare LF.
        assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
    }

    #[test]
    fn long_accented_lines_fold_at_75_octets_without_splitting_a_character() {
        // Arrange: 2-octet `é` and 3-octet `–` placed so that naive cuts would split them.
        let mut e = event("u1@parcours", at(2026, 11, 30, 9, 0), "Visite F-0001");
        e.description = "Réunion préparatoire – éléments à évoquer : santé, école, été. ".repeat(6);
        let cal = Calendar {
            name: "Parcours – tournée R-01".to_owned(),
            events: vec![e.clone()],
        };

        // Act
        let ics = write(&cal, published());

        // Assert
        let mut folded = 0;
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
            if line.starts_with(' ') {
                folded += 1;
            }
        }
        assert!(folded >= 5);
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}\r\n", escape_text(&e.description))));
    }

    #[test]
    fn a_fold_is_placed_before_a_character_that_would_cross_octet_75() {
        let mut out = String::new();
        // 74 ASCII octets then `é` (2 octets): the line may not end in the middle of it.
        let line = format!("{}é{}", "a".repeat(74), "b".repeat(10));
        push_line(&mut out, &line);
        assert_eq!(
            out,
            format!("{}\r\n é{}\r\n", "a".repeat(74), "b".repeat(10))
        );
        let mut exact = String::new();
        push_line(&mut exact, &"x".repeat(75));
        assert_eq!(exact, format!("{}\r\n", "x".repeat(75)));
    }

    #[test]
    fn commas_semicolons_backslashes_and_newlines_are_escaped() {
        assert_eq!(
            escape_text("a,b;c\\d\ne\r\nf\rg\u{7}h"),
            "a\\,b\\;c\\\\d\\ne\\nf\\ngh"
        );
        let mut e = event(
            "u1@parcours",
            at(2026, 11, 30, 9, 0),
            "Atelier ; parents, enfants",
        );
        e.location = "Anzin (centre social LN-04)\nsalle 2".to_owned();
        let ics = write(
            &Calendar {
                name: "Tournée, R-01".to_owned(),
                events: vec![e],
            },
            published(),
        );
        assert!(ics.contains("SUMMARY:Atelier \\; parents\\, enfants\r\n"));
        assert!(ics.contains("LOCATION:Anzin (centre social LN-04)\\nsalle 2\r\n"));
        assert!(ics.contains("X-WR-CALNAME:Tournée\\, R-01\r\n"));
    }

    #[test]
    fn events_either_side_of_a_dst_change_keep_their_paris_wall_clock_times() {
        // 2026-03-30 is the day after the switch to summer time; 2026-12-01 is in winter time.
        let cal = Calendar {
            name: "Parcours – tournée R-01".to_owned(),
            events: vec![
                event("hiver@parcours", at(2026, 12, 1, 9, 30), "Visite F-0002"),
                event("ete@parcours", at(2026, 3, 30, 9, 30), "Visite F-0001"),
            ],
        };
        let ics = write(&cal, published());
        let blocks = event_blocks(&ics);
        assert!(blocks[0].contains("DTSTART;TZID=Europe/Paris:20260330T093000\n"));
        assert!(blocks[0].contains("DTEND;TZID=Europe/Paris:20260330T103000\n"));
        assert!(blocks[1].contains("DTSTART;TZID=Europe/Paris:20261201T093000\n"));
        // Never UTC or floating: every event time carries the TZID.
        for line in blocks.iter().flat_map(|b| b.lines()) {
            if line.starts_with("DTSTART") || line.starts_with("DTEND") {
                assert!(line.contains(";TZID=Europe/Paris:"), "{line}");
            }
        }
    }

    #[test]
    fn events_are_sorted_by_start_then_uid() {
        let nine = at(2026, 12, 2, 9, 0);
        let cal = Calendar {
            name: "x".to_owned(),
            events: vec![
                event("c@parcours", at(2026, 12, 3, 8, 0), "c"),
                event("b@parcours", nine, "b"),
                event("a@parcours", nine, "a"),
            ],
        };
        let ics = write(&cal, published());
        let uids: Vec<&str> = ics
            .split("\r\n")
            .filter(|l| l.starts_with("UID:"))
            .collect();
        assert_eq!(uids, ["UID:a@parcours", "UID:b@parcours", "UID:c@parcours"]);
    }

    #[test]
    fn a_cancelled_event_keeps_its_uid_with_a_higher_sequence() {
        let mut e = event(
            "visite-2026-W49-F-0001@parcours",
            at(2026, 11, 30, 9, 0),
            "Visite",
        );
        e.status = EventStatus::Cancelled;
        e.sequence = 2;
        let ics = write(
            &Calendar {
                name: "x".to_owned(),
                events: vec![e],
            },
            published(),
        );
        assert!(ics.contains("SEQUENCE:2\r\nSTATUS:CANCELLED\r\n"));
    }

    #[test]
    fn the_referent_feed_carries_no_name_address_or_coordinates() {
        // Arrange
        let w = week();

        // Act
        let ics = write(&referent_calendar(&w), published()).replace("\r\n ", "");

        // Assert: her name, and no digits of any point (stops or base).
        assert!(!ics.contains("Camille"));
        assert!(!ics.contains("Lefebvre"));
        let points = w
            .days
            .iter()
            .flat_map(|d| d.stops.iter().map(|s| s.point))
            .chain([w.base]);
        for (lat, lon) in points {
            for coordinate in [lat, lon] {
                let digits = format!("{coordinate:.4}");
                let decimals = digits.split('.').nth(1).unwrap();
                assert!(!ics.contains(&digits), "{digits} leaked");
                assert!(!ics.contains(decimals), "{decimals} leaked");
            }
        }
        // The only free texts are those the plan allows: code, commune, place type, label.
        for line in ics.split("\r\n").filter(|l| l.starts_with("SUMMARY:")) {
            assert!(
                line.starts_with("SUMMARY:Visite F-") || line.starts_with("SUMMARY:Réunion EPS"),
                "{line}"
            );
        }
    }

    #[test]
    fn the_same_plan_and_publication_time_give_byte_identical_text() {
        let a = write(&referent_calendar(&week()), published());
        let b = write(&referent_calendar(&week()), published());
        assert_eq!(a.as_bytes(), b.as_bytes());
        let later = write(
            &referent_calendar(&week()),
            published() + chrono::Duration::hours(1),
        );
        assert_ne!(a, later, "DTSTAMP follows the publication time");
    }

    #[test]
    fn travel_is_written_in_french_units() {
        assert_eq!(duration_fr(0), "0 min");
        assert_eq!(duration_fr(59), "59 min");
        assert_eq!(duration_fr(65), "1 h 05");
        assert_eq!(km_fr(5_340), "5,3 km");
        assert_eq!(km_fr(5_360), "5,4 km");
        assert_eq!(km_fr(0), "0,0 km");
    }

    /// Writes a sample feed for `/work/shared/tools/ical-check` (STYLE.md §9):
    /// `cargo test --lib -p parcours feeds::ics -- --ignored --nocapture`, then
    /// `check.sh $TMPDIR/sample.ics --tz Europe/Paris --expect-events 7`.
    #[test]
    #[ignore = "writes a sample feed to the temp dir for ical-check"]
    fn writes_a_sample_feed_for_ical_check() {
        let mut cal = referent_calendar(&week());
        // Either side of the 2027 changes (28 March, 31 October), inside ical-check's window.
        cal.events.push(event(
            "ete-2027@parcours",
            at(2027, 3, 29, 9, 30),
            "Visite F-0003 – Marly",
        ));
        cal.events.push(event(
            "hiver-2027@parcours",
            at(2027, 3, 26, 9, 30),
            "Visite F-0003 – Marly",
        ));
        let mut cancelled = event(
            "visite-2026-W49-F-0012@parcours",
            at(2026, 12, 2, 14, 0),
            "Visite F-0012 – Saint-Saulve",
        );
        cancelled.status = EventStatus::Cancelled;
        cancelled.sequence = 1;
        cancelled.description =
            "Famille F-0012, visite à domicile ; annulée : la famille a demandé un report à la \
             semaine suivante, après l'équipe éducative de l'école élémentaire."
                .to_owned();
        cal.events.push(cancelled);
        cal.events.push(event(
            "automne-2027@parcours",
            at(2027, 11, 2, 16, 45),
            "Visite F-0004 – Onnaing",
        ));
        let path = std::env::temp_dir().join("sample.ics");
        std::fs::write(&path, write(&cal, published())).unwrap();
        println!("{} events written to {}", cal.events.len(), path.display());
    }
}
