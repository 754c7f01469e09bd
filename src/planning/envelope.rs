//! A stored plan of any kind: its [`PlanKind`] (what problem it solves), its [`Horizon`] (the
//! period), the [`PlanMethod`] that made it, and its body as JSON with the body's format
//! version — the [`PlanEnvelope`] the store keeps, the jobs save and publication opens.
//!
//! Each kind has one body type implementing [`PlanBody`] (the rota's is [`WeekPlan`]) and one
//! variant in [`AnyPlan`], for the code that handles plans of every kind (publication, feeds).
//! A new planning problem is a new variant of [`PlanKind`] and [`AnyPlan`], its body type, and
//! its events in `feeds::plan_events`: no new table, no new publication.
//!
//! Formats: each kind says which body format it writes and the oldest it still reads. A body of
//! another kind, of a format newer than this version of Parcours knows (written by a later
//! one) or older than it reads is refused with a [`BodyError`] naming both, never a panic.
//!
//! Pure: no I/O. The store keeps the envelope's fields in columns and never parses the body.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::eps::EpsPlan;
use super::horizon::Horizon;
use super::plan::{PlanMethod, WeekPlan};
use super::workshops::WorkshopPlan;

/// What a plan plans.
///
/// The rota, the EPS meetings and the workshops; next, as one more variant, `RidesDay` (the
/// rides of one day, a one-day [`Horizon::Dates`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlanKind {
    /// Tournées: the week's home visits of every référent, around her fixed engagements
    /// ([`WeekPlan`], over a [`Horizon::Week`]).
    Rota,
    /// The EPS meetings of a school year ([`EpsPlan`], over a [`Horizon::SchoolYear`]).
    EpsYear,
    /// The collective workshops of a school year: groups, slots, sites, dates and children
    /// ([`WorkshopPlan`], over a [`Horizon::SchoolYear`]).
    Workshops,
}

impl PlanKind {
    /// Every kind.
    pub const ALL: [PlanKind; 3] = [PlanKind::Rota, PlanKind::EpsYear, PlanKind::Workshops];

    /// Stable key, as stored and in the API (`rota`).
    pub const fn key(self) -> &'static str {
        match self {
            PlanKind::Rota => "rota",
            PlanKind::EpsYear => "eps_year",
            PlanKind::Workshops => "workshops",
        }
    }

    /// The kind of a key, `None` for a key this version of Parcours does not know.
    pub fn parse(key: &str) -> Option<PlanKind> {
        PlanKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// French name, for messages (« tournées »).
    pub const fn french(self) -> &'static str {
        match self {
            PlanKind::Rota => "tournées",
            PlanKind::EpsYear => "réunions d'EPS",
            PlanKind::Workshops => "ateliers collectifs",
        }
    }

    /// The body format this version writes.
    ///
    /// Rota: 1 until issue 14, when the body's `kind` (optimised or baseline) became `method`;
    /// 2 since.
    pub const fn format(self) -> u32 {
        match self {
            PlanKind::Rota => 2,
            PlanKind::EpsYear => 1,
            PlanKind::Workshops => 1,
        }
    }

    /// The oldest body format this version still reads.
    pub const fn oldest_format(self) -> u32 {
        match self {
            // Format 1 reads as format 2: `WeekPlan` takes `kind` as an alias of `method`.
            PlanKind::Rota => 1,
            PlanKind::EpsYear => 1,
            PlanKind::Workshops => 1,
        }
    }
}

impl fmt::Display for PlanKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Headline figures of a plan, stored beside its body for listings: what it places (visits,
/// meetings, sessions, rides), what it leaves unmet, and its travel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanFigures {
    /// Items placed.
    pub placed: i64,
    /// Items left unmet.
    pub unmet: i64,
    /// Travel, minutes (0 for a kind without travel).
    pub travel_minutes: i64,
    /// Travel, metres.
    pub travel_meters: i64,
}

/// The body of one kind of plan.
pub trait PlanBody: Serialize + DeserializeOwned {
    /// Its kind.
    const KIND: PlanKind;

    /// The period it covers.
    fn horizon(&self) -> Horizon;

    /// How it was made.
    fn method(&self) -> PlanMethod;

    /// Its headline figures.
    fn figures(&self) -> PlanFigures;

    /// As a plan of any kind.
    fn into_any(self) -> AnyPlan;
}

impl PlanBody for WeekPlan {
    const KIND: PlanKind = PlanKind::Rota;

    fn horizon(&self) -> Horizon {
        Horizon::Week(self.week)
    }

    fn method(&self) -> PlanMethod {
        self.method
    }

    fn figures(&self) -> PlanFigures {
        PlanFigures {
            placed: self.visits() as i64,
            unmet: self.unmet.len() as i64,
            travel_minutes: self.travel_minutes(),
            travel_meters: self.travel_meters(),
        }
    }

    fn into_any(self) -> AnyPlan {
        AnyPlan::Rota(self)
    }
}

/// A plan of any kind, opened.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyPlan {
    /// A week's rota.
    Rota(WeekPlan),
    /// A school year's EPS meetings.
    EpsYear(EpsPlan),
    /// A school year's collective workshops.
    Workshops(WorkshopPlan),
}

impl AnyPlan {
    /// Its kind.
    pub fn kind(&self) -> PlanKind {
        match self {
            AnyPlan::Rota(_) => PlanKind::Rota,
            AnyPlan::EpsYear(_) => PlanKind::EpsYear,
            AnyPlan::Workshops(_) => PlanKind::Workshops,
        }
    }

    /// The period it covers.
    pub fn horizon(&self) -> Horizon {
        match self {
            AnyPlan::Rota(plan) => plan.horizon(),
            AnyPlan::EpsYear(plan) => plan.horizon(),
            AnyPlan::Workshops(plan) => plan.horizon(),
        }
    }
}

/// Why a stored body cannot be opened. French: a coordinator meets it after going back to an
/// older version of Parcours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// The stored kind is unknown to this version (a later one wrote it).
    #[error(
        "plan de sorte « {kind} », inconnue de cette version de Parcours : mettez Parcours à jour"
    )]
    UnknownKind {
        /// The stored key.
        kind: String,
    },
    /// A body of another kind than the one asked for.
    #[error("plan de {found}, pas de {expected}")]
    WrongKind {
        /// The kind asked for (French).
        expected: &'static str,
        /// The kind stored (French).
        found: &'static str,
    },
    /// A body written by a later version of Parcours.
    #[error(
        "plan de {kind} au format {format}, plus récent que cette version de Parcours (format \
         {newest} au plus) : mettez Parcours à jour"
    )]
    NewerFormat {
        /// The kind (French).
        kind: &'static str,
        /// The stored format.
        format: i64,
        /// The newest format this version reads.
        newest: u32,
    },
    /// A format older than this version still reads.
    #[error(
        "plan de {kind} au format {format}, que cette version de Parcours ne lit plus (format \
         {oldest} au moins)"
    )]
    OlderFormat {
        /// The kind (French).
        kind: &'static str,
        /// The stored format.
        format: i64,
        /// The oldest format this version reads.
        oldest: u32,
    },
    /// The body does not read as its format says.
    #[error("plan de {kind} illisible : {message}")]
    Body {
        /// The kind (French).
        kind: &'static str,
        /// What the JSON reader said.
        message: String,
    },
}

/// A plan as stored: kind, horizon, method, format version, body (JSON) and headline figures.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanEnvelope {
    /// What it plans.
    pub kind: PlanKind,
    /// The period it covers.
    pub horizon: Horizon,
    /// How it was made.
    pub method: PlanMethod,
    /// The format of `body`, as [`PlanKind::format`] was when it was written.
    pub format: i64,
    /// The plan, as JSON: stops carry codes, never names.
    pub body: String,
    /// Its headline figures.
    pub figures: PlanFigures,
}

impl PlanEnvelope {
    /// `plan`, sealed in the format this version writes.
    pub fn of<B: PlanBody>(plan: &B) -> PlanEnvelope {
        PlanEnvelope {
            kind: B::KIND,
            horizon: plan.horizon(),
            method: plan.method(),
            format: i64::from(B::KIND.format()),
            body: serde_json::to_string(plan).expect("BUG: a plan always serialises"),
            figures: plan.figures(),
        }
    }

    /// The body, as a plan of kind `B`.
    ///
    /// # Errors
    /// [`BodyError::WrongKind`] for another kind, [`BodyError::NewerFormat`] or
    /// [`BodyError::OlderFormat`] for a format this version does not read,
    /// [`BodyError::Body`] when the JSON does not read.
    pub fn open<B: PlanBody>(&self) -> Result<B, BodyError> {
        if self.kind != B::KIND {
            return Err(BodyError::WrongKind {
                expected: B::KIND.french(),
                found: self.kind.french(),
            });
        }
        let kind = self.kind.french();
        let (oldest, newest) = (self.kind.oldest_format(), self.kind.format());
        if self.format > i64::from(newest) {
            return Err(BodyError::NewerFormat {
                kind,
                format: self.format,
                newest,
            });
        }
        if self.format < i64::from(oldest) {
            return Err(BodyError::OlderFormat {
                kind,
                format: self.format,
                oldest,
            });
        }
        serde_json::from_str(&self.body).map_err(|e| BodyError::Body {
            kind,
            message: e.to_string(),
        })
    }

    /// The body, as a plan of its kind.
    ///
    /// # Errors
    /// As [`PlanEnvelope::open`].
    pub fn decode(&self) -> Result<AnyPlan, BodyError> {
        match self.kind {
            PlanKind::Rota => self.open::<WeekPlan>().map(PlanBody::into_any),
            PlanKind::EpsYear => self.open::<EpsPlan>().map(PlanBody::into_any),
            PlanKind::Workshops => self.open::<WorkshopPlan>().map(PlanBody::into_any),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planning::IsoWeek;

    fn week_plan() -> WeekPlan {
        WeekPlan {
            week: IsoWeek::parse("2026-W49").unwrap(),
            method: PlanMethod::Optimised,
            referents: Vec::new(),
            unmet: Vec::new(),
            assignment: vec![("F-0001".into(), "R-01".into())],
            cancelled: Vec::new(),
        }
    }

    #[test]
    fn a_rota_is_sealed_with_its_week_and_the_current_format_and_opens_back() {
        let plan = week_plan();
        let envelope = PlanEnvelope::of(&plan);
        assert_eq!(envelope.kind, PlanKind::Rota);
        assert_eq!(envelope.horizon.to_string(), "2026-W49");
        assert_eq!(envelope.format, 2);
        assert_eq!(envelope.open::<WeekPlan>().unwrap(), plan);
        assert_eq!(envelope.decode().unwrap(), AnyPlan::Rota(plan));
    }

    #[test]
    fn a_format_1_body_with_kind_instead_of_method_still_opens() {
        let mut envelope = PlanEnvelope::of(&week_plan());
        envelope.format = 1;
        envelope.body = envelope.body.replace("\"method\"", "\"kind\"");
        envelope.body = envelope.body.replace("\"optimised\"", "\"baseline\"");
        assert!(
            envelope.body.contains("\"kind\":\"baseline\""),
            "{}",
            envelope.body
        );
        let plan: WeekPlan = envelope.open().unwrap();
        assert_eq!(plan.method, PlanMethod::Baseline);
    }

    #[test]
    fn a_body_of_a_newer_format_is_refused_in_french_naming_both_formats() {
        let mut envelope = PlanEnvelope::of(&week_plan());
        envelope.format = 3;
        let refused = envelope.decode().unwrap_err();
        assert!(matches!(
            refused,
            BodyError::NewerFormat {
                format: 3,
                newest: 2,
                ..
            }
        ));
        assert_eq!(
            refused.to_string(),
            "plan de tournées au format 3, plus récent que cette version de Parcours (format 2 \
             au plus) : mettez Parcours à jour"
        );
        envelope.format = 0;
        assert!(matches!(
            envelope.open::<WeekPlan>(),
            Err(BodyError::OlderFormat {
                format: 0,
                oldest: 1,
                ..
            })
        ));
    }

    #[test]
    fn a_body_that_does_not_read_is_an_error_not_a_panic() {
        let mut envelope = PlanEnvelope::of(&week_plan());
        envelope.body = "{\"week\": 49}".into();
        let refused = envelope.open::<WeekPlan>().unwrap_err();
        assert!(
            refused
                .to_string()
                .starts_with("plan de tournées illisible"),
            "{refused}"
        );
    }

    #[test]
    fn every_kind_key_reads_back_and_an_unknown_one_is_none() {
        for kind in PlanKind::ALL {
            assert_eq!(PlanKind::parse(kind.key()), Some(kind));
            assert!(kind.oldest_format() <= kind.format());
        }
        assert_eq!(PlanKind::parse("workshop_term"), None);
    }
}
