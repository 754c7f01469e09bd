//! People: référents, coordinators, families, children, partner professionals, drivers, and the
//! vehicles drivers use.

use chrono::NaiveDate;

use super::values::keyword_enum;
use super::{
    Code, FieldError, GeoPoint, Language, LunchBreak, MeetingPlace, SchoolLevel, SectorCriterion,
    WeeklyAvailability,
};

keyword_enum!(
    /// How a référent travels.
    TravelMode, "un mode de déplacement", {
        /// car (voiture)
        Car => "voiture",
        /// public transport
        PublicTransport => "transports" | "transport" | "bus",
        /// bicycle
        Bike => "velo",
        /// on foot
        Walk => "pied" | "a pied",
    }
);

/// Référent de parcours: follows families, visits them at home or at a neutral site.
#[derive(Debug, Clone, PartialEq)]
pub struct Referent {
    /// Code (`R-01`).
    pub code: Code,
    /// Display name (synthetic in fixtures).
    pub name: String,
    /// Commune of the home base.
    pub commune: Code,
    /// Home base: where her day starts and ends.
    pub base: GeoPoint,
    /// Working days and hours.
    pub working_hours: WeeklyAvailability,
    /// Working time in percent of full time (100 = full time).
    pub working_time_pct: u32,
    /// Lunch break, if she takes one inside her working hours.
    pub lunch: Option<LunchBreak>,
    /// Target caseload, in families.
    pub target_caseload: u32,
    /// Maximum caseload, in families.
    pub max_caseload: u32,
    /// Sector criteria (empty: the whole territory).
    pub sectors: Vec<SectorCriterion>,
    /// Languages she can hold a visit in besides French.
    pub languages: Vec<Language>,
    /// How she travels.
    pub travel_mode: TravelMode,
}

impl Referent {
    /// Cross-field rules: `(field, error)` for each broken one.
    pub fn check(&self) -> Vec<(&'static str, FieldError)> {
        let mut errors = Vec::new();
        if self.max_caseload < self.target_caseload {
            errors.push((
                "charge_max",
                FieldError::new(format!(
                    "la charge maximale ({}) est inférieure à la charge cible ({})",
                    self.max_caseload, self.target_caseload
                )),
            ));
        }
        errors
    }

    /// Does she speak this language (French always)?
    pub fn speaks(&self, language: &Language) -> bool {
        language.code() == "fr" || self.languages.contains(language)
    }
}

/// Coordinator (coordinatrice de territoire).
#[derive(Debug, Clone, PartialEq)]
pub struct Coordinator {
    /// Code.
    pub code: Code,
    /// Display name.
    pub name: String,
    /// Communes she coordinates.
    pub communes: Vec<Code>,
    /// Her office (`lieu`, → lieux.csv), if given: where her driving to meetings starts and
    /// ends.
    pub site: Option<Code>,
}

keyword_enum!(
    /// How often a family is visited.
    VisitFrequency, "une fréquence de visite", {
        /// every week
        Weekly => "hebdomadaire" | "semaine",
        /// every other week
        Fortnightly => "quinzaine" | "bimensuelle" | "toutes les deux semaines",
        /// every month
        Monthly => "mensuelle" | "mois",
    }
);

impl VisitFrequency {
    /// Days between two visits.
    pub fn interval_days(self) -> u32 {
        match self {
            VisitFrequency::Weekly => 7,
            VisitFrequency::Fortnightly => 14,
            VisitFrequency::Monthly => 28,
        }
    }

    /// Average visits per month (4.33 weeks), in hundredths, for integer arithmetic.
    pub fn visits_per_month_x100(self) -> u32 {
        match self {
            VisitFrequency::Weekly => 433,
            VisitFrequency::Fortnightly => 217,
            VisitFrequency::Monthly => 108,
        }
    }
}

/// Family (famille): the visit unit. Identified by a pseudonymous code, never a name.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    /// Pseudonymous code (`F-0001`).
    pub code: Code,
    /// Commune.
    pub commune: Code,
    /// QPV, if the family lives in one.
    pub qpv: Option<Code>,
    /// Home location.
    pub location: GeoPoint,
    /// When the family can be visited.
    pub availability: WeeklyAvailability,
    /// Where it prefers to be met.
    pub meeting_place: MeetingPlace,
    /// Language the visit needs.
    pub language: Language,
    /// Current référent and since when.
    pub referent: Option<(Code, NaiveDate)>,
    /// The team has decided the family keeps its current référent (référent fixé): the
    /// assignment never moves it.
    pub referent_pinned: bool,
    /// Visit frequency.
    pub frequency: VisitFrequency,
    /// Date of the last visit.
    pub last_visit: Option<NaiveDate>,
    /// Visit length in minutes.
    pub visit_minutes: u32,
}

keyword_enum!(
    /// Class (classe) of a schooled child.
    ClassLevel, "une classe", {
        /// toute petite section
        Tps => "tps",
        /// petite section
        Ps => "ps",
        /// moyenne section
        Ms => "ms",
        /// grande section
        Gs => "gs",
        /// CP
        Cp => "cp",
        /// CE1
        Ce1 => "ce1",
        /// CE2
        Ce2 => "ce2",
        /// CM1
        Cm1 => "cm1",
        /// CM2
        Cm2 => "cm2",
        /// sixième
        Sixth => "6e" | "6eme" | "sixieme",
        /// cinquième
        Fifth => "5e" | "5eme" | "cinquieme",
        /// quatrième
        Fourth => "4e" | "4eme" | "quatrieme",
        /// troisième
        Third => "3e" | "3eme" | "troisieme",
    }
);

impl ClassLevel {
    /// The school level that teaches this class.
    pub fn school_level(self) -> SchoolLevel {
        match self {
            ClassLevel::Tps | ClassLevel::Ps | ClassLevel::Ms | ClassLevel::Gs => {
                SchoolLevel::Nursery
            }
            ClassLevel::Cp
            | ClassLevel::Ce1
            | ClassLevel::Ce2
            | ClassLevel::Cm1
            | ClassLevel::Cm2 => SchoolLevel::Elementary,
            _ => SchoolLevel::Secondary,
        }
    }
}

keyword_enum!(
    /// Where a child stands in the PRE parcours.
    ParcoursStatus, "un statut de parcours", {
        /// orienté (referred)
        Referred => "oriente",
        /// examiné en EPS
        ReviewedInEps => "examine_eps" | "examine en eps",
        /// contrat signé
        ContractSigned => "contrat_signe" | "contrat signe",
        /// suivi actif
        Active => "suivi_actif" | "suivi actif",
        /// sorti (left the programme)
        Left => "sorti",
    }
);

/// Child (enfant): the reporting unit, aged 2–16. Identified by a pseudonymous code.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    /// Pseudonymous code (`E-0001`).
    pub code: Code,
    /// Family.
    pub family: Code,
    /// Age in years.
    pub age: u32,
    /// School, if schooled.
    pub school: Option<Code>,
    /// Class, if schooled.
    pub class: Option<ClassLevel>,
    /// Parcours status.
    pub status: ParcoursStatus,
    /// Her own free time in school weeks (`temps_libre`), when it is not her level's (a child
    /// at a sports club on Wednesdays): in the holidays her level's applies.
    pub free_time: Option<WeeklyAvailability>,
}

impl Child {
    /// Youngest age the PRE follows.
    pub const MIN_AGE: u32 = 2;
    /// Oldest age the PRE follows.
    pub const MAX_AGE: u32 = 16;

    /// Checks an age against the PRE's 2–16 range (DOMAIN.md §1).
    pub fn check_age(age: u32) -> Result<u32, FieldError> {
        if !(Child::MIN_AGE..=Child::MAX_AGE).contains(&age) {
            return Err(FieldError::new(format!(
                "âge {age} ans hors du public du PRE ({} à {} ans)",
                Child::MIN_AGE,
                Child::MAX_AGE
            )));
        }
        Ok(age)
    }
}

/// Partner professional (professionnel partenaire): a member of one or more EPS.
#[derive(Debug, Clone, PartialEq)]
pub struct Professional {
    /// Code.
    pub code: Code,
    /// Display name.
    pub name: String,
    /// Function (`enseignante`, `infirmière scolaire`, …).
    pub function: String,
    /// Institution.
    pub institution: Option<String>,
    /// When she can attend meetings.
    pub availability: WeeklyAvailability,
}

/// Driver (chauffeur) for mobility help.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    /// Code.
    pub code: Code,
    /// Display name.
    pub name: String,
    /// Commune of the base.
    pub commune: Code,
    /// Base.
    pub base: GeoPoint,
    /// Working hours.
    pub working_hours: WeeklyAvailability,
}

/// Vehicle (véhicule) used for rides.
#[derive(Debug, Clone, PartialEq)]
pub struct Vehicle {
    /// Code.
    pub code: Code,
    /// Usual driver.
    pub driver: Option<Code>,
    /// Passenger seats.
    pub seats: u32,
    /// Child seats among them.
    pub child_seats: u32,
    /// Takes a wheelchair.
    pub wheelchair: bool,
}

keyword_enum!(
    /// Role of an API user (DESIGN.md, confidentiality: each user sees only what her role
    /// needs). Stored as its English key; the French names are accepted on input.
    Role, "un rôle", {
        /// coordinatrice de territoire: the territory, plans, publication, feed subscriptions
        Coordinator => "coordinator" | "coordinatrice" | "coordinateur",
        /// référent de parcours: her own week and visits
        Referent => "referent",
        /// logistics staff: rides and the drivers' day
        Logistics => "logistics" | "logistique",
    }
);
