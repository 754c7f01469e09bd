//! Validated domain types: codes, places, people, activities, local times.
//!
//! Every type here is valid by construction: parsing goes through `parse` / `TryFrom` and
//! returns a [`FieldError`] whose message is French and says what is wrong with the value. This
//! module knows nothing of files, databases or HTTP; the import and the store wrap these errors
//! with the record and field they came from.

mod activity;
mod geo;
mod people;
mod territory;
mod time;
mod values;

pub use activity::{
    AgendaEntry, AgendaKind, Eps, HealthAppointment, HealthKind, Workshop, WorkshopPeriod,
    WorkshopScope,
};
pub use geo::GeoPoint;
pub use people::{
    Child, ClassLevel, Coordinator, Driver, Family, ParcoursStatus, Professional, Referent, Role,
    TravelMode, Vehicle, VisitFrequency,
};
pub use territory::{
    Commune, EducationPriority, MeetingPlace, NeutralSite, Qpv, School, SchoolLevel, SiteKind,
    Territory,
};
pub use time::{
    LocalTime, TimeRange, Weekday, WeeklyAvailability, WeeklyWindow, paris_instant, parse_date,
    parse_paris_datetime, to_paris,
};
pub use values::{Code, Language, LunchBreak, SectorCriterion, SectorKind, parse_bool, parse_list};

use std::fmt;

/// What is wrong with one value, in French, for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError(String);

impl FieldError {
    /// An error with a French message.
    pub fn new(message: impl Into<String>) -> FieldError {
        FieldError(message.into())
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FieldError {}

/// Lowercase, accents removed, trimmed: how column names and keywords are compared.
pub fn fold(text: &str) -> String {
    text.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            c => c,
        })
        .collect()
}
