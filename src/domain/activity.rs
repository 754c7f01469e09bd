//! What the team organises besides home visits: EPS, collective workshops, health appointments.

use std::ops::RangeInclusive;

use chrono::{DateTime, NaiveDate, Utc};

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
    /// Meetings per school year (`reunions`, default 4, at least 1).
    pub meetings_per_year: u32,
    /// Length of one meeting in minutes (`duree_min`, default 120; 30..=480).
    pub meeting_minutes: u32,
    /// Members whose presence is required (`requis`), sorted; the other members are invited
    /// (wished, not required). Column absent or empty: every member is required. Each must be
    /// one of `members`.
    pub required: Vec<Code>,
    /// PRE référents who attend its meetings (`referents`, → referents.csv), sorted; may be
    /// empty.
    pub referents: Vec<Code>,
    /// Other sites where it may meet besides `site` (`lieux_alternatifs`, → lieux.csv), in the
    /// file's order, without `site` itself.
    pub alternative_sites: Vec<Code>,
    /// When it meets, if it restricts it (`horaires`, same syntax as other weekly availability
    /// columns, e.g. "lundi 12:00-13:30, jeudi 12:00-13:30"); None = whenever its members are
    /// available.
    pub hours: Option<WeeklyAvailability>,
    /// Least days between two of its meetings (`espacement_min_jours`); None = at most one
    /// meeting per period between school holidays.
    pub min_spacing_days: Option<u32>,
}

impl Eps {
    /// Meetings per school year when `reunions` is not given.
    pub const DEFAULT_MEETINGS_PER_YEAR: u32 = 4;
    /// Most meetings per school year: one a school week (36 weeks).
    pub const MAX_MEETINGS_PER_YEAR: u32 = 36;
    /// Length of a meeting in minutes when `duree_min` is not given.
    pub const DEFAULT_MEETING_MINUTES: u32 = 120;
    /// Shortest and longest meeting, in minutes.
    pub const MEETING_MINUTES: RangeInclusive<u32> = 30..=480;
    /// Least and most days between two meetings (`espacement_min_jours`).
    pub const SPACING_DAYS: RangeInclusive<u32> = 1..=365;

    /// The members invited but not required, in the order of `members`.
    pub fn invited(&self) -> impl Iterator<Item = &Code> {
        self.members
            .iter()
            .filter(move |m| !self.required.contains(m))
    }

    /// Cross-field rules: `(field, error)` for each broken one.
    pub fn check(&self) -> Vec<(&'static str, FieldError)> {
        let mut errors = Vec::new();
        for r in self.required.iter().filter(|r| !self.members.contains(r)) {
            errors.push((
                "requis",
                FieldError::new(format!(
                    "EPS {} : « {r} » est requis·e mais ne fait pas partie des membres (colonne \
                     membres) : ajoutez-le·la aux membres ou retirez-le·la des requis",
                    self.code
                )),
            ));
        }
        if let Some(hours) = &self.hours
            && !hours
                .windows()
                .iter()
                .any(|w| w.range.minutes() >= self.meeting_minutes)
        {
            errors.push((
                "horaires",
                FieldError::new(format!(
                    "EPS {} : aucune plage des horaires « {hours} » ne tient une réunion de {} \
                     min (duree_min)",
                    self.code, self.meeting_minutes
                )),
            ));
        }
        errors
    }
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

keyword_enum!(
    /// Who a workshop gathers (`public`).
    WorkshopAudience, "un public d'atelier", {
        /// the children (enfants): each child's free time applies
        Children => "enfants" | "enfant",
        /// a parents' group (groupe de parents): the children's free time does not apply
        Parents => "parents",
        /// parents with their children (parents-enfants): the child's free time applies
        Families => "familles" | "famille" | "parents-enfants",
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
    /// Who it gathers (`public`, default the children).
    pub audience: WorkshopAudience,
    /// Farthest a family may live from its site, road kilometres (`distance_max_km`, 1–50);
    /// `None` for the default of its scope ([`Workshop::max_distance_meters`]).
    pub max_distance_km: Option<u32>,
}

impl Workshop {
    /// Farthest a family may live from a local workshop's site when `distance_max_km` is
    /// empty, road kilometres: within the commune, about 3 km (issue 18).
    pub const LOCAL_DISTANCE_KM: u32 = 3;
    /// Farthest a family may live from an intercommunal workshop's site when
    /// `distance_max_km` is empty, road kilometres: about 10 km (issue 18).
    pub const INTERCOMMUNAL_DISTANCE_KM: u32 = 10;
    /// Accepted values of `distance_max_km`, kilometres.
    pub const MAX_DISTANCE_KM: RangeInclusive<u32> = 1..=50;

    /// Farthest a family may live from the workshop's site, road metres: `distance_max_km`, or
    /// [`Workshop::LOCAL_DISTANCE_KM`] / [`Workshop::INTERCOMMUNAL_DISTANCE_KM`] by scope.
    pub fn max_distance_meters(&self) -> u32 {
        let km = self.max_distance_km.unwrap_or(match self.scope {
            WorkshopScope::Local => Workshop::LOCAL_DISTANCE_KM,
            WorkshopScope::Intercommunal => Workshop::INTERCOMMUNAL_DISTANCE_KM,
        });
        km.saturating_mul(1000)
    }

    /// Whether a child of `age` is in its age range (`age_min`–`age_max`).
    pub fn admits_age(&self, age: u32) -> bool {
        (self.ages.0..=self.ages.1).contains(&age)
    }

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
    /// Who oriented a child to a workshop (`origine`).
    OrientationSource, "une origine d'orientation", {
        /// the EPS (équipe pluridisciplinaire de soutien)
        Eps => "eps",
        /// the child's référent de parcours
        Referent => "referent" | "referente",
    }
);

/// A child's orientation to a workshop (orientation vers une action collective,
/// `orientations.csv`): identified by the pair (child, workshop), which has no code of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orientation {
    /// The child oriented (→ enfants.csv).
    pub child: Code,
    /// The workshop she is oriented to (→ ateliers.csv).
    pub workshop: Code,
    /// Date of the orientation.
    pub date: NaiveDate,
    /// The EPS marked her as a priority (`prioritaire`).
    pub priority: bool,
    /// Who oriented her (`origine`, default the EPS).
    pub by: OrientationSource,
}

impl Orientation {
    /// The order of `Territory::orientations`: by workshop, date, then child.
    pub fn sort_key(&self) -> (&Code, NaiveDate, &Code) {
        (&self.workshop, self.date, &self.child)
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
    /// Placed by a published plan of Parcours (an EPS meeting of the year), not typed in
    /// `agenda.csv`: that plan puts it in her feed itself, so her rota's calendar leaves it
    /// out. Never stored.
    pub from_plan: bool,
}

/// An unavailability (indisponibilité, `indisponibilites.csv`): a stretch of time when a
/// person cannot attend a meeting (training, leave, a school trip), or a site is closed (works).
#[derive(Debug, Clone, PartialEq)]
pub struct Unavailability {
    /// Code of the record (`IND-001`).
    pub code: Code,
    /// Whose: a professional, a coordinator, a référent (P-, C-, R- codes) or a site (LN-,
    /// closed for works).
    pub person: Code,
    /// From (instant, entered as Europe/Paris local time), included.
    pub from: DateTime<Utc>,
    /// To (instant), excluded.
    pub to: DateTime<Utc>,
    /// Why, for the coordinator only (« formation », « congé », « sortie scolaire »,
    /// « travaux »); never shown in feeds.
    pub reason: Option<String>,
}

impl Unavailability {
    /// Cross-field rules: `(field, error)` for each broken one.
    pub fn check(&self) -> Vec<(&'static str, FieldError)> {
        let mut errors = Vec::new();
        if self.to <= self.from {
            errors.push((
                "fin",
                FieldError::new(format!(
                    "indisponibilité {} : la fin ({}) ne vient pas après le début ({})",
                    self.code,
                    shown_end(self.to),
                    shown_start(self.from)
                )),
            ));
        }
        errors
    }
}

/// `20/11/2026`, or `20/11/2026 14:00` when it does not start a day.
fn shown_start(t: DateTime<Utc>) -> String {
    let local = super::to_paris(t);
    if local.time() == chrono::NaiveTime::MIN {
        local.format("%d/%m/%Y").to_string()
    } else {
        local.format("%d/%m/%Y %H:%M").to_string()
    }
}

/// `16/11/2026 inclus` for the midnight that ends that day, else `16/11/2026 12:00`.
fn shown_end(t: DateTime<Utc>) -> String {
    let local = super::to_paris(t);
    if local.time() == chrono::NaiveTime::MIN {
        let day = local.date().pred_opt().unwrap_or(local.date());
        format!("{} inclus", day.format("%d/%m/%Y"))
    } else {
        local.format("%d/%m/%Y %H:%M").to_string()
    }
}
