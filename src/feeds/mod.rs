//! Calendar feeds: iCalendar text for a person's week, built from a plan (DESIGN.md,
//! confidentiality: family code, commune and place type only), and the secret tokens of feed
//! URLs and API users.

pub mod ics;
pub mod token;
mod vtimezone;
