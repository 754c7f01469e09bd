//! The territory (territoire): communes, QPV, schools, neutral sites, and the aggregate of every
//! record a PRE team keeps.

use super::values::keyword_enum;
use super::{
    AgendaEntry, Child, Code, Coordinator, Driver, Eps, Family, FreeTime, FreeTimeLevel, GeoPoint,
    HealthAppointment, Orientation, Professional, PublicHoliday, Referent, SchoolHoliday,
    TerritorySettings, Unavailability, Vehicle, WeeklyAvailability, Workshop,
};

/// Commune, identified by its INSEE code.
#[derive(Debug, Clone, PartialEq)]
pub struct Commune {
    /// INSEE code (`59606`).
    pub insee: Code,
    /// Name (`Valenciennes`).
    pub name: String,
    /// Town centre.
    pub location: GeoPoint,
}

/// QPV (quartier prioritaire de la politique de la ville), inside one commune.
#[derive(Debug, Clone, PartialEq)]
pub struct Qpv {
    /// QPV code.
    pub code: Code,
    /// Name.
    pub name: String,
    /// Commune it lies in.
    pub commune: Code,
    /// Centre of the quartier.
    pub centre: GeoPoint,
    /// Approximate radius in metres, for maps and for placing synthetic families.
    pub radius_m: u32,
}

keyword_enum!(
    /// School level (niveau d'école).
    SchoolLevel, "un niveau d'école", {
        /// maternelle (ages 2–6)
        Nursery => "maternelle",
        /// élémentaire (ages 6–11)
        Elementary => "elementaire",
        /// primaire: maternelle and élémentaire together
        Primary => "primaire",
        /// collège (ages 11–15)
        Secondary => "college",
    }
);

keyword_enum!(
    /// Éducation prioritaire network of a school.
    EducationPriority, "un réseau d'éducation prioritaire", {
        /// REP
        Rep => "rep",
        /// REP+
        RepPlus => "rep+" | "rep plus",
    }
);

/// School (école, établissement).
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// UAI or local code.
    pub code: Code,
    /// Name.
    pub name: String,
    /// Level taught.
    pub level: SchoolLevel,
    /// REP / REP+ network, if any.
    pub priority: Option<EducationPriority>,
    /// Commune.
    pub commune: Code,
    /// School group (groupe scolaire), if any.
    pub group: Option<String>,
    /// Where it is.
    pub location: GeoPoint,
}

keyword_enum!(
    /// Kind of neutral site.
    SiteKind, "un type de lieu", {
        /// centre social
        SocialCentre => "centre_social" | "centre social",
        /// médiathèque
        Library => "mediatheque",
        /// a room in a school
        SchoolRoom => "ecole" | "salle_ecole",
        /// mairie or mairie annexe
        TownHall => "mairie" | "mairie_annexe",
        /// anything else
        Other => "autre",
    }
);

/// Neutral site (lieu neutre): where a family can be met away from home, where EPS meet and
/// workshops run.
#[derive(Debug, Clone, PartialEq)]
pub struct NeutralSite {
    /// Code.
    pub code: Code,
    /// Name.
    pub name: String,
    /// Kind of place.
    pub kind: SiteKind,
    /// Commune.
    pub commune: Code,
    /// Where it is.
    pub location: GeoPoint,
    /// Opening hours.
    pub opening_hours: WeeklyAvailability,
    /// People it holds at once.
    pub capacity: u32,
}

/// Where a family prefers to be met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeetingPlace {
    /// At home (domicile).
    Home,
    /// At a neutral site.
    Site(Code),
}

/// Every record of one PRE territory, as imported or as loaded from the store, each list sorted
/// by code (the calendar's by date).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Territory {
    /// Communes.
    pub communes: Vec<Commune>,
    /// Quartiers prioritaires.
    pub qpvs: Vec<Qpv>,
    /// Schools.
    pub schools: Vec<School>,
    /// Neutral sites.
    pub sites: Vec<NeutralSite>,
    /// Coordinators.
    pub coordinators: Vec<Coordinator>,
    /// Référents de parcours.
    pub referents: Vec<Referent>,
    /// Families followed.
    pub families: Vec<Family>,
    /// Children.
    pub children: Vec<Child>,
    /// Partner professionals.
    pub professionals: Vec<Professional>,
    /// EPS.
    pub eps: Vec<Eps>,
    /// Workshops (fiches-action).
    pub workshops: Vec<Workshop>,
    /// Children oriented to a workshop, sorted by workshop, date, then child
    /// ([`Orientation::sort_key`]), one per child and workshop.
    pub orientations: Vec<Orientation>,
    /// The children's free time by school level as imported (`temps_libre.csv`), by level; a
    /// level not imported has its built-in one ([`FreeTime::default_for`]).
    pub free_time: Vec<FreeTime>,
    /// Health appointments.
    pub appointments: Vec<HealthAppointment>,
    /// Référents' fixed engagements of the coming weeks (agenda).
    pub agenda: Vec<AgendaEntry>,
    /// When people cannot attend a meeting and sites are closed (indisponibilités), sorted by
    /// person, then start, then code (as imported and as loaded).
    pub unavailabilities: Vec<Unavailability>,
    /// Drivers.
    pub drivers: Vec<Driver>,
    /// Vehicles.
    pub vehicles: Vec<Vehicle>,
    /// Its name and school-holiday zone, once `territoire.csv` is imported.
    pub settings: Option<TerritorySettings>,
    /// Public holidays, by date.
    pub public_holidays: Vec<PublicHoliday>,
    /// School holidays of every zone imported, by zone then start.
    pub school_holidays: Vec<SchoolHoliday>,
}

impl Territory {
    /// Family `code`, if it is followed.
    pub fn family(&self, code: &Code) -> Option<&Family> {
        self.families.iter().find(|f| &f.code == code)
    }

    /// The name of commune `insee`, if it was imported.
    pub fn commune_name(&self, insee: &Code) -> Option<&str> {
        self.communes
            .iter()
            .find(|c| &c.insee == insee)
            .map(|c| c.name.as_str())
    }

    /// The free-time level of `child`: her school's level at her age, not at school without one.
    pub fn free_time_level(&self, child: &Child) -> FreeTimeLevel {
        child
            .school
            .as_ref()
            .and_then(|code| self.schools.iter().find(|s| &s.code == code))
            .map_or(FreeTimeLevel::Unschooled, |s| {
                FreeTimeLevel::of_school(s.level, child.age)
            })
    }

    /// When `child` is free for a workshop: `(school weeks, holidays)`, her level's as imported
    /// or built in, her own `temps_libre` replacing the school weeks'.
    pub fn free_time_of(&self, child: &Child) -> (WeeklyAvailability, WeeklyAvailability) {
        let level = self.free_time_level(child);
        let of_level = self
            .free_time
            .iter()
            .find(|f| f.level == level)
            .cloned()
            .unwrap_or_else(|| FreeTime::default_for(level));
        (
            child.free_time.clone().unwrap_or(of_level.school_weeks),
            of_level.holidays,
        )
    }

    /// The health appointments that need a ride (aide à la mobilité), by start, then code.
    pub fn rides(&self) -> Vec<&HealthAppointment> {
        let mut rides: Vec<_> = self.appointments.iter().filter(|a| a.needs_ride).collect();
        rides.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.code.cmp(&b.code)));
        rides
    }
}
