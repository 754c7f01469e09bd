//! Calendar feeds: iCalendar text for a person's week, built from a plan (DESIGN.md,
//! confidentiality: family code, commune and place type only).

pub mod ics;
mod vtimezone;
