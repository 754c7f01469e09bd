//! Validated domain types: codes, places, people, activities, local times.
//!
//! Every type here is valid by construction: parsing goes through `parse` / `TryFrom` and
//! returns a [`FieldError`] whose message is French and says what is wrong with the value. This
//! module knows nothing of files, databases or HTTP; the import and the store wrap these errors
//! with the record and field they came from.

mod activity;
mod calendar;
pub mod files;
mod free_time;
mod geo;
mod people;
mod territory;
mod time;
mod values;

pub use activity::{
    AgendaEntry, AgendaKind, Eps, HealthAppointment, HealthKind, Orientation, OrientationSource,
    Unavailability, Workshop, WorkshopAudience, WorkshopPeriod, WorkshopScope,
};
pub use calendar::{
    PublicHoliday, SCHOOL_HOLIDAY_MAX_DAYS, SchoolHoliday, SchoolZone, TerritorySettings,
};
pub use free_time::{FreeTime, FreeTimeLevel};
pub use geo::{GeoPoint, TravelOverride};
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
    parse_paris_datetime, parse_paris_from, parse_paris_until, to_paris,
};
pub use values::{
    Code, Language, LunchBreak, SectorCriterion, SectorKind, parse_bool, parse_insee, parse_list,
};

use std::fmt;

/// What is wrong with one value, in French, for the person who typed it.
///
/// Values quoted in the message between « and » are cut to [`ECHO_MAX_CHARS`] characters (issue
/// #13: a 200 KB code was echoed whole in its 422).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError(String);

impl FieldError {
    /// An error with a French message; quoted values longer than [`ECHO_MAX_CHARS`] are cut.
    pub fn new(message: impl Into<String>) -> FieldError {
        FieldError(cut_quoted(&message.into()))
    }
}

/// The most characters of a user's value that a message repeats.
pub const ECHO_MAX_CHARS: usize = 40;

/// A user's value as a message may repeat it: at most [`ECHO_MAX_CHARS`] characters, then `…`.
pub fn echo(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(ECHO_MAX_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// `message` with every span quoted between « and » passed through [`echo`].
fn cut_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(512));
    let mut rest = message;
    while let Some(open) = rest.find('«') {
        let (before, from_quote) = rest.split_at(open + '«'.len_utf8());
        out.push_str(before);
        match from_quote.find('»') {
            Some(close) => {
                let quoted = &from_quote[..close];
                // Keep the spaces that frame the value (`« x »`) and cut what is inside.
                let inner = quoted.trim_matches(' ');
                let lead = &quoted[..quoted.len() - quoted.trim_start_matches(' ').len()];
                let trail = &quoted[quoted.trim_end_matches(' ').len()..];
                out.push_str(lead);
                out.push_str(&echo(inner));
                if !inner.is_empty() {
                    out.push_str(trail);
                }
                rest = &from_quote[close..];
            }
            None => {
                out.push_str(&echo(from_quote));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_quoted_value_is_cut_with_an_ellipsis_and_a_short_one_kept() {
        let long = "x".repeat(200_000);
        let e = FieldError::new(format!("le code « {long} » dépasse 32 caractères"));
        assert_eq!(
            e.to_string(),
            format!("le code « {}… » dépasse 32 caractères", "x".repeat(40))
        );
        let short = FieldError::new("« lundi 18:00-09:00 » : la plage finit avant de commencer");
        assert_eq!(
            short.to_string(),
            "« lundi 18:00-09:00 » : la plage finit avant de commencer"
        );
        assert_eq!(FieldError::new("« »").to_string(), "« »");
        assert_eq!(FieldError::new("ouvert « abc").to_string(), "ouvert « abc");
        assert_eq!(echo(&"é".repeat(41)), format!("{}…", "é".repeat(40)));
    }
}
