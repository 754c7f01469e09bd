//! Every feed the tests produce, read back by the `icalendar` crate (the design card's parser,
//! not ours) and compared with the plan it comes from: UID, start, end, status, sequence and
//! summary (issue 14). A feed the crate cannot read, a time that is not Europe/Paris, or an
//! event that is not in the plan fails the test that fetched it.

use chrono::{DateTime, NaiveDateTime};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};
use parcours::planning::{ReferentWeek, StopKind};
use serde_json::Value;

/// One VEVENT as the crate reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FeedEvent {
    pub(crate) uid: String,
    pub(crate) start: NaiveDateTime,
    pub(crate) end: NaiveDateTime,
    /// `CONFIRMED` or `CANCELLED`.
    pub(crate) status: String,
    pub(crate) sequence: u32,
    pub(crate) summary: String,
}

impl FeedEvent {
    pub(crate) fn is_confirmed(&self) -> bool {
        self.status == "CONFIRMED"
    }
}

/// What the plan says a référent's calendar shows for one of her stops.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct PlannedEvent {
    pub(crate) uid: String,
    pub(crate) start: NaiveDateTime,
    pub(crate) end: NaiveDateTime,
    pub(crate) summary: String,
}

/// Reads a feed with the `icalendar` crate; panics, naming the defect, if it cannot.
pub(crate) fn parse(body: &str) -> Vec<FeedEvent> {
    let calendar: icalendar::Calendar = body
        .parse()
        .unwrap_or_else(|e| panic!("the icalendar crate cannot read the feed: {e}\n{body}"));
    calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .map(|e| {
            let uid = e.get_uid().expect("every event has a UID").to_owned();
            let status = match e.property_value("STATUS") {
                Some(s @ ("CONFIRMED" | "CANCELLED")) => s.to_owned(),
                other => panic!("{uid}: STATUS {other:?}"),
            };
            FeedEvent {
                start: paris(&uid, "DTSTART", e.get_start()),
                end: paris(&uid, "DTEND", e.get_end()),
                sequence: e
                    .get_sequence()
                    .unwrap_or_else(|| panic!("{uid}: no SEQUENCE")),
                summary: e
                    .get_summary()
                    .unwrap_or_else(|| panic!("{uid}: no SUMMARY"))
                    .to_owned(),
                status,
                uid,
            }
        })
        .collect()
}

/// A local Europe/Paris time, as every feed time must be (never floating, never a bare date).
fn paris(uid: &str, field: &str, value: Option<DatePerhapsTime>) -> NaiveDateTime {
    match value {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }))
            if tzid == "Europe/Paris" =>
        {
            date_time
        }
        other => panic!("{uid}: {field} is not a Europe/Paris time: {other:?}"),
    }
}

/// The events a référent's planned week puts in her feed: every stop but her private
/// appointments, with the UID, times and title a référent reads.
pub(crate) fn planned(week: &ReferentWeek) -> Vec<PlannedEvent> {
    let mut events: Vec<PlannedEvent> = week
        .days
        .iter()
        .flat_map(|d| &d.stops)
        .filter_map(|s| {
            let title = match &s.kind {
                StopKind::Visit { family } => format!("Visite {family}"),
                StopKind::Fixed { private: true, .. } => return None,
                StopKind::Fixed { label, .. } => label.clone(),
            };
            Some(PlannedEvent {
                uid: format!("{}@parcours", s.id),
                start: s.start,
                end: s.end,
                summary: format!("{title} – {}", s.commune_name),
            })
        })
        .collect();
    events.sort();
    events
}

/// The same from the API's answer for a référent's published week, as a coordinator reads it
/// (`GET /api/v1/weeks/{week}/referents/{code}`: her private appointments are not in it).
pub(crate) fn planned_from_api(week: &Value) -> Vec<PlannedEvent> {
    let time = |v: &Value| {
        let text = v.as_str().expect("a stop time is text");
        DateTime::parse_from_rfc3339(text)
            .unwrap_or_else(|e| panic!("{text} is not RFC 3339: {e}"))
            .naive_local()
    };
    let mut events: Vec<PlannedEvent> = week["days"]
        .as_array()
        .expect("a week has days")
        .iter()
        .flat_map(|d| d["stops"].as_array().expect("a day has stops"))
        .map(|s| {
            let title = match s["family"].as_str() {
                Some(family) => format!("Visite {family}"),
                None => s["label"].as_str().expect("a stop has a label").to_owned(),
            };
            PlannedEvent {
                uid: format!("{}@parcours", s["id"].as_str().expect("a stop has an id")),
                start: time(&s["start"]),
                end: time(&s["end"]),
                summary: format!("{title} – {}", s["commune_name"].as_str().unwrap()),
            }
        })
        .collect();
    events.sort();
    events
}

/// Asserts that the feed's confirmed events are exactly the plan's, and that every other event
/// is a cancellation of something the plan no longer holds. Returns the parsed events.
pub(crate) fn assert_feed_shows(body: &str, planned: &[PlannedEvent]) -> Vec<FeedEvent> {
    let events = parse(body);
    let mut confirmed: Vec<PlannedEvent> = events
        .iter()
        .filter(|e| e.is_confirmed())
        .map(|e| PlannedEvent {
            uid: e.uid.clone(),
            start: e.start,
            end: e.end,
            summary: e.summary.clone(),
        })
        .collect();
    confirmed.sort();
    assert_eq!(
        confirmed, planned,
        "the feed's confirmed events are not the plan's"
    );
    for e in events.iter().filter(|e| !e.is_confirmed()) {
        assert!(
            planned.iter().all(|p| p.uid != e.uid),
            "{} is both planned and cancelled",
            e.uid
        );
        assert!(e.sequence > 0, "{}: a cancellation raises SEQUENCE", e.uid);
    }
    let mut uids: Vec<&str> = events.iter().map(|e| e.uid.as_str()).collect();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), events.len(), "a UID appears twice in the feed");
    events
}
