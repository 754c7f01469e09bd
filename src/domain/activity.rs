//! What the team organises besides home visits: EPS, collective workshops, health appointments.

use chrono::{DateTime, Utc};

use super::values::keyword_enum;
use super::{Code, FieldError, GeoPoint, WeeklyAvailability};

/// EPS (équipe pluridisciplinaire de soutien): partner professionals of one quartier who meet
/// several times a year, led by a coordinator.
#[derive(Debug, Clone, PartialEq)]
pub struct Eps {
    /// Code.
    pub code: Code,
    /// Name.
    pub name: String,
    /// Commune of the quartier.
    pub commune: Code,
    /// Quartier (QPV), if any.
    pub qpv: Option<Code>,
    /// Coordinator who leads it.
    pub coordinator: Code,
    /// Usual meeting site.
    pub site: Option<Code>,
    /// Member professionals, sorted.
    pub members: Vec<Code>,
}

keyword_enum!(
    /// Reach of a workshop.
    WorkshopScope, "une portée d'atelier", {
        /// open to the families of every commune
        Intercommunal => "intercommunal" | "intercommunale",
        /// for one commune
        Local => "local" | "locale",
    }
);

keyword_enum!(
    /// When a workshop runs.
    WorkshopPeriod, "une période", {
        /// school weeks
        School => "scolaire",
        /// school holidays
        Holidays => "vacances",
    }
);

/// Collective workshop (action collective, fiche-action).
#[derive(Debug, Clone, PartialEq)]
pub struct Workshop {
    /// Code.
    pub code: Code,
    /// Theme.
    pub theme: String,
    /// Intercommunal or local.
    pub scope: WorkshopScope,
    /// Commune of a local workshop.
    pub commune: Option<Code>,
    /// Sessions in the cycle.
    pub sessions: u32,
    /// Length of one session, in minutes.
    pub session_minutes: u32,
    /// Smallest and largest group.
    pub group_size: (u32, u32),
    /// Children's age range.
    pub ages: (u32, u32),
    /// Facilitator: a professional's or a référent's code.
    pub facilitator: Code,
    /// Possible sites.
    pub sites: Vec<Code>,
    /// Preferred times.
    pub preferred_times: WeeklyAvailability,
    /// School weeks or holidays.
    pub period: WorkshopPeriod,
}

impl Workshop {
    /// Cross-field rules: `(field, error)` for each broken one.
    pub fn check(&self) -> Vec<(&'static str, FieldError)> {
        let mut errors = Vec::new();
        if self.group_size.0 > self.group_size.1 {
            errors.push((
                "taille_max",
                FieldError::new(format!(
                    "taille maximale ({}) inférieure à la taille minimale ({})",
                    self.group_size.1, self.group_size.0
                )),
            ));
        }
        if self.ages.0 > self.ages.1 {
            errors.push((
                "age_max",
                FieldError::new(format!(
                    "âge maximal ({}) inférieur à l'âge minimal ({})",
                    self.ages.1, self.ages.0
                )),
            ));
        }
        if self.scope == WorkshopScope::Local && self.commune.is_none() {
            errors.push((
                "insee",
                FieldError::new("un atelier local doit avoir une commune"),
            ));
        }
        errors
    }
}

keyword_enum!(
    /// Kind of care (health data: stored, never published).
    HealthKind, "un type de rendez-vous", {
        /// speech therapist
        SpeechTherapy => "orthophoniste" | "orthophonie",
        /// CMP
        Cmp => "cmp",
        /// CMPP
        Cmpp => "cmpp",
        /// ophthalmologist
        Ophthalmology => "ophtalmologue" | "ophtalmologie",
        /// psychomotor therapist
        Psychomotricity => "psychomotricien" | "psychomotricite",
        /// anything else
        Other => "autre",
    }
);

/// A child's health appointment (rendez-vous de santé), possibly needing a ride.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthAppointment {
    /// Code.
    pub code: Code,
    /// Child.
    pub child: Code,
    /// Kind of care (health data).
    pub kind: HealthKind,
    /// Name of the care place: it often names the kind of care (health data), so logistics
    /// staff are not shown it (issue #13).
    pub place_name: String,
    /// Street address of the care place (`12 rue de Famars`), without the commune.
    pub address: Option<String>,
    /// Commune of the care place.
    pub commune: Code,
    /// Where it is.
    pub location: GeoPoint,
    /// Start, as an instant (entered in Europe/Paris local time).
    pub start: DateTime<Utc>,
    /// Length in minutes.
    pub minutes: u32,
    /// A ride is needed (aide à la mobilité).
    pub needs_ride: bool,
    /// The child travels in a wheelchair.
    pub wheelchair: bool,
}

keyword_enum!(
    /// What holds a référent's time at a fixed hour of the week (`agenda.csv`).
    AgendaKind, "un type d'engagement", {
        /// team meeting (réunion d'équipe)
        TeamMeeting => "reunion_equipe" | "reunion" | "reunion d'equipe",
        /// EPS meeting
        Eps => "eps",
        /// workshop session
        Workshop => "atelier",
        /// training
        Training => "formation",
        /// the référent's own appointment: it blocks the time and is never published
        Personal => "personnel",
        /// a home or site visit to a family fixed at this time (visite fixée)
        Visit => "visite",
    }
);

/// A fixed engagement of a référent (engagement d'agenda): the rota plans around it, and a
/// fixed visit is planned exactly then.
#[derive(Debug, Clone, PartialEq)]
pub struct AgendaEntry {
    /// Code.
    pub code: Code,
    /// The référent whose time it holds.
    pub referent: Code,
    /// What it is.
    pub kind: AgendaKind,
    /// Start, as an instant (entered in Europe/Paris local time).
    pub start: DateTime<Utc>,
    /// Length in minutes.
    pub minutes: u32,
    /// Where it takes place: a neutral site; `None` at her base, or for a visit at the family's
    /// meeting place.
    pub site: Option<Code>,
    /// The family of a fixed visit (only for [`AgendaKind::Visit`]).
    pub family: Option<Code>,
}
