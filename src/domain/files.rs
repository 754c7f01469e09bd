//! The files of docs/data-format.md, named once: the import reads them, the store counts what
//! each wrote, the fixture generator writes them and the tests check the documentation lists
//! each of them.

/// `communes.csv`: communes of the territory.
pub const COMMUNES: &str = "communes.csv";
/// `qpv.csv`: quartiers prioritaires.
pub const QPVS: &str = "qpv.csv";
/// `ecoles.csv`: schools.
pub const SCHOOLS: &str = "ecoles.csv";
/// `lieux.csv`: neutral sites.
pub const SITES: &str = "lieux.csv";
/// `coordinateurs.csv`: territory coordinators.
pub const COORDINATORS: &str = "coordinateurs.csv";
/// `referents.csv`: référents de parcours.
pub const REFERENTS: &str = "referents.csv";
/// `familles.csv`: families followed.
pub const FAMILIES: &str = "familles.csv";
/// `enfants.csv`: children.
pub const CHILDREN: &str = "enfants.csv";
/// `professionnels.csv`: partner professionals.
pub const PROFESSIONALS: &str = "professionnels.csv";
/// `eps.csv`: équipes pluridisciplinaires de soutien.
pub const EPS: &str = "eps.csv";
/// `ateliers.csv`: collective workshops.
pub const WORKSHOPS: &str = "ateliers.csv";
/// `orientations.csv`: children oriented to a workshop by the EPS or their référent.
pub const ORIENTATIONS: &str = "orientations.csv";
/// `temps_libre.csv`: when the children of each school level are free for a workshop.
pub const FREE_TIME: &str = "temps_libre.csv";
/// `rendez_vous_sante.csv`: children's health appointments.
pub const APPOINTMENTS: &str = "rendez_vous_sante.csv";
/// `chauffeurs.csv`: drivers.
pub const DRIVERS: &str = "chauffeurs.csv";
/// `vehicules.csv`: vehicles.
pub const VEHICLES: &str = "vehicules.csv";
/// `agenda.csv`: référents' fixed engagements.
pub const AGENDA: &str = "agenda.csv";
/// `indisponibilites.csv`: when professionals, coordinators and référents cannot attend a
/// meeting, and when sites are closed.
pub const UNAVAILABILITIES: &str = "indisponibilites.csv";
/// `trajets.csv`: travel times from a routing engine.
pub const TRAVEL: &str = "trajets.csv";
/// `territoire.csv`: the territory's name and school-holiday zone.
pub const TERRITORY: &str = "territoire.csv";
/// `jours_feries.csv`: public holidays.
pub const PUBLIC_HOLIDAYS: &str = "jours_feries.csv";
/// `vacances_scolaires.csv`: school holidays of each zone.
pub const SCHOOL_HOLIDAYS: &str = "vacances_scolaires.csv";

/// Every file, in reading order (a record may refer to an earlier file): the people and places
/// first, then the calendar.
pub const FILES: [&str; 22] = [
    COMMUNES,
    QPVS,
    SCHOOLS,
    SITES,
    COORDINATORS,
    REFERENTS,
    FAMILIES,
    CHILDREN,
    PROFESSIONALS,
    EPS,
    WORKSHOPS,
    ORIENTATIONS,
    FREE_TIME,
    APPOINTMENTS,
    DRIVERS,
    VEHICLES,
    AGENDA,
    UNAVAILABILITIES,
    TRAVEL,
    TERRITORY,
    PUBLIC_HOLIDAYS,
    SCHOOL_HOLIDAYS,
];

/// The calendar's files: written by hand or from the Ministry's calendar, never generated with
/// the synthetic people.
pub const CALENDAR_FILES: [&str; 3] = [TERRITORY, PUBLIC_HOLIDAYS, SCHOOL_HOLIDAYS];
