//! One parser per file of docs/data-format.md: its columns and how a row becomes a domain
//! record. Cross-file references are checked later, in `references`.

use crate::domain::{
    AgendaEntry, AgendaKind, Child, ClassLevel, Code, Commune, Coordinator, Driver,
    EducationPriority, Eps, Family, FieldError, FreeTime, FreeTimeLevel, GeoPoint,
    HealthAppointment, HealthKind, Language, LunchBreak, MeetingPlace, NeutralSite, Orientation,
    OrientationSource, ParcoursStatus, Professional, PublicHoliday, Qpv, Referent, School,
    SchoolHoliday, SchoolLevel, SchoolZone, SectorCriterion, SiteKind, TerritorySettings,
    TimeRange, TravelMode, Unavailability, Vehicle, VisitFrequency, WeeklyAvailability, Workshop,
    WorkshopAudience, WorkshopPeriod, WorkshopScope, parse_bool, parse_date, parse_insee,
    parse_list, parse_paris_datetime, parse_paris_from, parse_paris_until,
};
use crate::store::TravelOverride;

use super::csv_file::{Column, RowReader, opt, parse_count, req};

/// Parses a comma-separated list of codes.
fn codes(text: &str) -> Result<Vec<Code>, FieldError> {
    list_of(text, Code::parse)
}

/// Parses a comma-separated list of codes, keeping their order (without repeats).
fn ordered_codes(text: &str) -> Result<Vec<Code>, FieldError> {
    let mut out: Vec<Code> = Vec::new();
    for item in parse_list(text) {
        let code = Code::parse(item)?;
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

/// Parses a comma-separated list of INSEE codes.
fn insee_codes(text: &str) -> Result<Vec<Code>, FieldError> {
    list_of(text, parse_insee)
}

fn list_of(
    text: &str,
    parse: fn(&str) -> Result<Code, FieldError>,
) -> Result<Vec<Code>, FieldError> {
    let mut out: Vec<Code> = parse_list(text)
        .into_iter()
        .map(parse)
        .collect::<Result<_, _>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

/// Reads the `latitude` and `longitude` columns as one point; errors land on the column at fault.
fn location(r: &mut RowReader<'_>) -> Option<GeoPoint> {
    let lat = r.req("latitude", GeoPoint::parse_degrees)?;
    let lon = r.req("longitude", GeoPoint::parse_degrees)?;
    match GeoPoint::new(lat, lon) {
        Ok(p) => Some(p),
        Err(e) => {
            // Blame the coordinate that is out of range (latitude when both are).
            let column = if (41.2..=51.2).contains(&lat) {
                "longitude"
            } else {
                "latitude"
            };
            r.fail(column, e);
            None
        }
    }
}

fn name(r: &mut RowReader<'_>) -> Option<String> {
    r.text("nom")
}

pub(crate) const COMMUNES: &[Column] =
    &[req("insee"), req("nom"), req("latitude"), req("longitude")];

pub(crate) fn commune(r: &mut RowReader<'_>) -> Option<Commune> {
    let insee = r.req("insee", parse_insee);
    let name = name(r);
    let location = location(r);
    Some(Commune {
        insee: insee?,
        name: name?,
        location: location?,
    })
}

pub(crate) const QPVS: &[Column] = &[
    req("code"),
    req("nom"),
    req("insee"),
    req("latitude"),
    req("longitude"),
    opt("rayon_m"),
];

pub(crate) fn qpv(r: &mut RowReader<'_>) -> Option<Qpv> {
    let code = r.req("code", Code::parse);
    let name = name(r);
    let commune = r.req("insee", parse_insee);
    let centre = location(r);
    let radius = r.opt("rayon_m", parse_count);
    Some(Qpv {
        code: code?,
        name: name?,
        commune: commune?,
        centre: centre?,
        radius_m: radius?.unwrap_or(600),
    })
}

pub(crate) const SCHOOLS: &[Column] = &[
    req("code"),
    req("nom"),
    req("niveau"),
    opt("education_prioritaire"),
    req("insee"),
    opt("groupe_scolaire"),
    req("latitude"),
    req("longitude"),
];

pub(crate) fn school(r: &mut RowReader<'_>) -> Option<School> {
    let code = r.req("code", Code::parse);
    let name = name(r);
    let level = r.req("niveau", SchoolLevel::parse);
    let priority = r.opt("education_prioritaire", EducationPriority::parse);
    let commune = r.req("insee", parse_insee);
    let group = r.opt("groupe_scolaire", |s| Ok(s.to_owned()));
    let location = location(r);
    Some(School {
        code: code?,
        name: name?,
        level: level?,
        priority: priority?,
        commune: commune?,
        group: group?,
        location: location?,
    })
}

pub(crate) const SITES: &[Column] = &[
    req("code"),
    req("nom"),
    req("type"),
    req("insee"),
    req("latitude"),
    req("longitude"),
    req("horaires"),
    req("capacite"),
];

pub(crate) fn site(r: &mut RowReader<'_>) -> Option<NeutralSite> {
    let code = r.req("code", Code::parse);
    let name = name(r);
    let kind = r.req("type", SiteKind::parse);
    let commune = r.req("insee", parse_insee);
    let location = location(r);
    let hours = r.req("horaires", WeeklyAvailability::parse);
    let capacity = r.req("capacite", |s| {
        let c = parse_count(s)?;
        if c == 0 {
            return Err(FieldError::new(
                "la capacité doit être d'au moins 1 personne",
            ));
        }
        Ok(c)
    });
    Some(NeutralSite {
        code: code?,
        name: name?,
        kind: kind?,
        commune: commune?,
        location: location?,
        opening_hours: hours?,
        capacity: capacity?,
    })
}

pub(crate) const COORDINATORS: &[Column] = &[req("code"), req("nom"), opt("communes"), opt("lieu")];

pub(crate) fn coordinator(r: &mut RowReader<'_>) -> Option<Coordinator> {
    let code = r.req("code", Code::parse);
    let name = name(r);
    let communes = r.opt("communes", insee_codes);
    let site = r.opt("lieu", Code::parse);
    Some(Coordinator {
        code: code?,
        name: name?,
        communes: communes?.unwrap_or_default(),
        site: site?,
    })
}

pub(crate) const REFERENTS: &[Column] = &[
    req("code"),
    req("nom"),
    req("insee"),
    req("latitude"),
    req("longitude"),
    req("horaires"),
    opt("quotite"),
    opt("pause"),
    opt("pause_min"),
    req("charge_cible"),
    req("charge_max"),
    opt("secteurs"),
    opt("langues"),
    opt("deplacement"),
];

pub(crate) fn referent(r: &mut RowReader<'_>) -> Option<Referent> {
    let code = r.req("code", Code::parse);
    let name = name(r);
    let commune = r.req("insee", parse_insee);
    let base = location(r);
    let hours = r.req("horaires", WeeklyAvailability::parse);
    let pct = r.opt("quotite", |s| {
        let p = parse_count(s.trim_end_matches('%'))?;
        if !(1..=100).contains(&p) {
            return Err(FieldError::new(format!("quotité {p} % hors de 1 à 100 %")));
        }
        Ok(p)
    });
    let window = r.opt("pause", TimeRange::parse);
    let minutes = r.opt("pause_min", parse_count);
    let lunch = match (window.flatten(), minutes.flatten()) {
        (Some(w), Some(m)) => match LunchBreak::new(w, m) {
            Ok(l) => Some(Some(l)),
            Err(e) => {
                r.fail("pause_min", e);
                None
            }
        },
        (Some(_), None) => {
            r.fail("pause_min", "la durée de la pause (minutes) manque");
            None
        }
        (None, Some(_)) => {
            r.fail("pause", "la plage de la pause manque (ex. 12:00-14:00)");
            None
        }
        (None, None) => Some(None),
    };
    let target = r.req("charge_cible", parse_count);
    let max = r.req("charge_max", parse_count);
    let sectors = r.opt("secteurs", |s| {
        parse_list(s)
            .into_iter()
            .map(SectorCriterion::parse)
            .collect::<Result<Vec<_>, _>>()
    });
    let languages = r.opt("langues", |s| {
        let mut l: Vec<Language> = parse_list(s)
            .into_iter()
            .map(Language::parse)
            .collect::<Result<_, _>>()?;
        l.retain(|l| l.code() != "fr");
        l.sort();
        l.dedup();
        Ok(l)
    });
    let mode = r.opt("deplacement", TravelMode::parse);
    let referent = Referent {
        code: code?,
        name: name?,
        commune: commune?,
        base: base?,
        working_hours: hours?,
        working_time_pct: pct?.unwrap_or(100),
        lunch: lunch?,
        target_caseload: target?,
        max_caseload: max?,
        sectors: {
            let mut s = sectors?.unwrap_or_default();
            s.sort();
            s.dedup();
            s
        },
        languages: languages?.unwrap_or_default(),
        travel_mode: mode?.unwrap_or(TravelMode::Car),
    };
    cross_checks(r, referent.check())?;
    Some(referent)
}

/// Reports a record's cross-field errors; `None` when there were any.
fn cross_checks(r: &mut RowReader<'_>, errors: Vec<(&'static str, FieldError)>) -> Option<()> {
    let ok = errors.is_empty();
    for (column, e) in errors {
        r.fail(column, e);
    }
    ok.then_some(())
}

pub(crate) const FAMILIES: &[Column] = &[
    req("code"),
    req("insee"),
    opt("qpv"),
    req("latitude"),
    req("longitude"),
    req("disponibilites"),
    opt("lieu"),
    opt("langue"),
    opt("referent"),
    opt("referent_depuis"),
    req("frequence"),
    opt("derniere_visite"),
    opt("duree_visite_min"),
    opt("referent_fixe"),
];

pub(crate) fn family(r: &mut RowReader<'_>) -> Option<Family> {
    let code = r.req("code", Code::parse);
    let commune = r.req("insee", parse_insee);
    let qpv = r.opt("qpv", Code::parse);
    let location = location(r);
    let availability = r.req("disponibilites", WeeklyAvailability::parse);
    let place = r.opt("lieu", |s| {
        if crate::domain::fold(s) == "domicile" {
            Ok(MeetingPlace::Home)
        } else {
            Code::parse(s).map(MeetingPlace::Site)
        }
    });
    let language = r.opt("langue", Language::parse);
    let referent = r.opt("referent", Code::parse);
    let since = r.opt("referent_depuis", parse_date);
    let frequency = r.req("frequence", VisitFrequency::parse);
    let last = r.opt("derniere_visite", parse_date);
    let minutes = r.opt("duree_visite_min", |s| {
        let m = parse_count(s)?;
        if !(15..=240).contains(&m) {
            return Err(FieldError::new(format!(
                "une visite de {m} min est hors de 15 à 240 min"
            )));
        }
        Ok(m)
    });
    let pinned = r.opt("referent_fixe", parse_bool);
    let referent = match (referent?, since?) {
        (Some(code), Some(date)) => Some((code, date)),
        (Some(_), None) => {
            r.fail(
                "referent_depuis",
                "date manquante : depuis quand ce référent suit-il la famille ?",
            );
            return None;
        }
        (None, Some(_)) => {
            r.fail("referent", "une date est donnée sans référent");
            return None;
        }
        (None, None) => None,
    };
    let pinned = pinned?.unwrap_or(false);
    if pinned && referent.is_none() {
        r.fail(
            "referent_fixe",
            "référent fixé sans référent : indiquez le référent (colonnes referent et \
             referent_depuis) ou écrivez non",
        );
        return None;
    }
    Some(Family {
        code: code?,
        commune: commune?,
        qpv: qpv?,
        location: location?,
        availability: availability?,
        meeting_place: place?.unwrap_or(MeetingPlace::Home),
        language: language?.unwrap_or_else(Language::french),
        referent,
        referent_pinned: pinned,
        frequency: frequency?,
        last_visit: last?,
        visit_minutes: minutes?.unwrap_or(60),
    })
}

pub(crate) const CHILDREN: &[Column] = &[
    req("code"),
    req("famille"),
    req("age"),
    opt("ecole"),
    opt("classe"),
    req("statut"),
    opt("temps_libre"),
];

pub(crate) fn child(r: &mut RowReader<'_>) -> Option<Child> {
    let code = r.req("code", Code::parse);
    let family = r.req("famille", Code::parse);
    let age = r.req("age", |s| Child::check_age(parse_count(s)?));
    let school = r.opt("ecole", Code::parse);
    let class = r.opt("classe", ClassLevel::parse);
    let status = r.req("statut", ParcoursStatus::parse);
    let free_time = r.opt("temps_libre", WeeklyAvailability::parse);
    Some(Child {
        code: code?,
        family: family?,
        age: age?,
        school: school?,
        class: class?,
        status: status?,
        free_time: free_time?,
    })
}

pub(crate) const PROFESSIONALS: &[Column] = &[
    req("code"),
    req("nom"),
    req("fonction"),
    opt("structure"),
    req("disponibilites"),
];

pub(crate) fn professional(r: &mut RowReader<'_>) -> Option<Professional> {
    let code = r.req("code", Code::parse);
    let name = name(r);
    let function = r.text("fonction");
    let institution = r.opt("structure", |s| Ok(s.to_owned()));
    let availability = r.req("disponibilites", WeeklyAvailability::parse);
    Some(Professional {
        code: code?,
        name: name?,
        function: function?,
        institution: institution?,
        availability: availability?,
    })
}

pub(crate) const EPS: &[Column] = &[
    req("code"),
    req("nom"),
    req("insee"),
    opt("qpv"),
    req("coordinateur"),
    opt("lieu"),
    req("membres"),
    opt("reunions"),
    opt("duree_min"),
    opt("requis"),
    opt("referents"),
    opt("lieux_alternatifs"),
    opt("horaires"),
    opt("espacement_min_jours"),
];

pub(crate) fn eps(r: &mut RowReader<'_>) -> Option<Eps> {
    let code = r.req("code", Code::parse);
    let name = name(r);
    let commune = r.req("insee", parse_insee);
    let qpv = r.opt("qpv", Code::parse);
    let coordinator = r.req("coordinateur", Code::parse);
    let site = r.opt("lieu", Code::parse);
    let members = r.req("membres", codes);
    let meetings = r.opt("reunions", |s| {
        let n = parse_count(s)?;
        if !(1..=Eps::MAX_MEETINGS_PER_YEAR).contains(&n) {
            return Err(FieldError::new(format!(
                "{n} réunion(s) par an : de 1 à {} (une par semaine d'école) attendues",
                Eps::MAX_MEETINGS_PER_YEAR
            )));
        }
        Ok(n)
    });
    let minutes = r.opt("duree_min", |s| {
        let m = parse_count(s)?;
        if !Eps::MEETING_MINUTES.contains(&m) {
            return Err(FieldError::new(format!(
                "une réunion de {m} min est hors de {} à {} min",
                Eps::MEETING_MINUTES.start(),
                Eps::MEETING_MINUTES.end()
            )));
        }
        Ok(m)
    });
    let required = r.opt("requis", codes);
    let referents = r.opt("referents", codes);
    let alternative_sites = r.opt("lieux_alternatifs", ordered_codes);
    let hours = r.opt("horaires", WeeklyAvailability::parse);
    let spacing = r.opt("espacement_min_jours", |s| {
        let d = parse_count(s)?;
        if !Eps::SPACING_DAYS.contains(&d) {
            return Err(FieldError::new(format!(
                "un espacement de {d} jour(s) est hors de {} à {} jours",
                Eps::SPACING_DAYS.start(),
                Eps::SPACING_DAYS.end()
            )));
        }
        Ok(d)
    });
    let (site, members) = (site?, members?);
    // No `requis` column, or an empty cell: every member is required.
    let required = required?.unwrap_or_else(|| members.clone());
    let mut alternative_sites = alternative_sites?.unwrap_or_default();
    alternative_sites.retain(|s| Some(s) != site.as_ref());
    let eps = Eps {
        code: code?,
        name: name?,
        commune: commune?,
        qpv: qpv?,
        coordinator: coordinator?,
        site,
        members,
        meetings_per_year: meetings?.unwrap_or(Eps::DEFAULT_MEETINGS_PER_YEAR),
        meeting_minutes: minutes?.unwrap_or(Eps::DEFAULT_MEETING_MINUTES),
        required,
        referents: referents?.unwrap_or_default(),
        alternative_sites,
        hours: hours?,
        min_spacing_days: spacing?,
    };
    cross_checks(r, eps.check())?;
    Some(eps)
}

pub(crate) const WORKSHOPS: &[Column] = &[
    req("code"),
    req("theme"),
    req("portee"),
    opt("insee"),
    req("seances"),
    req("duree_min"),
    req("taille_min"),
    req("taille_max"),
    req("age_min"),
    req("age_max"),
    req("animateur"),
    req("lieux"),
    req("creneaux"),
    opt("periode"),
    opt("public"),
    opt("distance_max_km"),
];

pub(crate) fn workshop(r: &mut RowReader<'_>) -> Option<Workshop> {
    let positive = |s: &str| {
        let n = parse_count(s)?;
        if n == 0 {
            return Err(FieldError::new("doit être au moins 1"));
        }
        Ok(n)
    };
    let code = r.req("code", Code::parse);
    let theme = r.text("theme");
    let scope = r.req("portee", WorkshopScope::parse);
    let commune = r.opt("insee", parse_insee);
    let sessions = r.req("seances", positive);
    let minutes = r.req("duree_min", positive);
    let size_min = r.req("taille_min", positive);
    let size_max = r.req("taille_max", positive);
    let age_min = r.req("age_min", |s| Child::check_age(parse_count(s)?));
    let age_max = r.req("age_max", |s| Child::check_age(parse_count(s)?));
    let facilitator = r.req("animateur", Code::parse);
    let sites = r.req("lieux", codes);
    let times = r.req("creneaux", WeeklyAvailability::parse);
    let period = r.opt("periode", WorkshopPeriod::parse);
    let audience = r.opt("public", WorkshopAudience::parse);
    let distance = r.opt("distance_max_km", |s| {
        let km = parse_count(s)?;
        if !Workshop::MAX_DISTANCE_KM.contains(&km) {
            return Err(FieldError::new(format!(
                "une distance de {km} km n'est pas plausible ({} à {} km)",
                Workshop::MAX_DISTANCE_KM.start(),
                Workshop::MAX_DISTANCE_KM.end()
            )));
        }
        Ok(km)
    });
    let workshop = Workshop {
        code: code?,
        theme: theme?,
        scope: scope?,
        commune: commune?,
        sessions: sessions?,
        session_minutes: minutes?,
        group_size: (size_min?, size_max?),
        ages: (age_min?, age_max?),
        facilitator: facilitator?,
        sites: sites?,
        preferred_times: times?,
        period: period?.unwrap_or(WorkshopPeriod::School),
        audience: audience?.unwrap_or(WorkshopAudience::Children),
        max_distance_km: distance?,
    };
    cross_checks(r, workshop.check())?;
    Some(workshop)
}

pub(crate) const ORIENTATIONS: &[Column] = &[
    req("enfant"),
    req("atelier"),
    req("date"),
    opt("prioritaire"),
    opt("origine"),
];

pub(crate) fn orientation(r: &mut RowReader<'_>) -> Option<Orientation> {
    let child = r.req("enfant", Code::parse);
    let workshop = r.req("atelier", Code::parse);
    let date = r.req("date", parse_date);
    let priority = r.opt("prioritaire", parse_bool);
    let by = r.opt("origine", OrientationSource::parse);
    Some(Orientation {
        child: child?,
        workshop: workshop?,
        date: date?,
        priority: priority?.unwrap_or(false),
        by: by?.unwrap_or(OrientationSource::Eps),
    })
}

pub(crate) const FREE_TIME: &[Column] = &[req("niveau"), req("scolaire"), req("vacances")];

pub(crate) fn free_time(r: &mut RowReader<'_>) -> Option<FreeTime> {
    let level = r.req("niveau", FreeTimeLevel::parse);
    let school_weeks = r.req("scolaire", WeeklyAvailability::parse);
    let holidays = r.req("vacances", WeeklyAvailability::parse);
    Some(FreeTime {
        level: level?,
        school_weeks: school_weeks?,
        holidays: holidays?,
    })
}

pub(crate) const APPOINTMENTS: &[Column] = &[
    req("code"),
    req("enfant"),
    req("type"),
    req("lieu_nom"),
    opt("adresse"),
    req("insee"),
    req("latitude"),
    req("longitude"),
    req("debut"),
    req("duree_min"),
    opt("transport"),
    opt("fauteuil"),
];

pub(crate) fn appointment(r: &mut RowReader<'_>) -> Option<HealthAppointment> {
    let code = r.req("code", Code::parse);
    let child = r.req("enfant", Code::parse);
    let kind = r.req("type", HealthKind::parse);
    let place_name = r.text("lieu_nom");
    let address = r.opt("adresse", |s| Ok(s.to_owned()));
    let commune = r.req("insee", parse_insee);
    let location = location(r);
    let start = r.req("debut", parse_paris_datetime);
    let minutes = r.req("duree_min", |s| {
        let m = parse_count(s)?;
        if m == 0 || m > 8 * 60 {
            return Err(FieldError::new(format!(
                "une durée de {m} min n'est pas plausible (1 à 480)"
            )));
        }
        Ok(m)
    });
    let ride = r.opt("transport", parse_bool);
    let wheelchair = r.opt("fauteuil", parse_bool);
    Some(HealthAppointment {
        code: code?,
        child: child?,
        kind: kind?,
        place_name: place_name?,
        address: address?,
        commune: commune?,
        location: location?,
        start: start?,
        minutes: minutes?,
        needs_ride: ride?.unwrap_or(false),
        wheelchair: wheelchair?.unwrap_or(false),
    })
}

pub(crate) const AGENDA: &[Column] = &[
    req("code"),
    req("referent"),
    req("type"),
    req("debut"),
    req("duree_min"),
    opt("lieu"),
    opt("famille"),
];

/// Shortest and longest engagement, in minutes: a quick call is not worth blocking, a full
/// working day (10 h) is the most one entry may hold.
pub(crate) const AGENDA_MINUTES: std::ops::RangeInclusive<u32> = 5..=600;

pub(crate) fn agenda_entry(r: &mut RowReader<'_>) -> Option<AgendaEntry> {
    let code = r.req("code", Code::parse);
    let referent = r.req("referent", Code::parse);
    let kind = r.req("type", AgendaKind::parse);
    let start = r.req("debut", parse_paris_datetime);
    let minutes = r.req("duree_min", |s| {
        let m = parse_count(s)?;
        if !AGENDA_MINUTES.contains(&m) {
            return Err(FieldError::new(format!(
                "une durée de {m} min est hors de {} à {} min",
                AGENDA_MINUTES.start(),
                AGENDA_MINUTES.end()
            )));
        }
        Ok(m)
    });
    let site = r.opt("lieu", Code::parse);
    let family = r.opt("famille", Code::parse);
    let (kind, site, family) = (kind?, site?, family?);
    match (kind, &site, &family) {
        (AgendaKind::Visit, _, None) => {
            r.fail(
                "famille",
                "une visite fixée (type visite) doit nommer la famille visitée",
            );
            return None;
        }
        (AgendaKind::Visit, Some(_), Some(_)) => {
            r.fail(
                "lieu",
                "une visite a lieu là où la famille est rencontrée (domicile ou son lieu \
                 habituel, familles.csv) : laissez lieu vide",
            );
            return None;
        }
        (AgendaKind::Visit, None, Some(_)) => {}
        (other, _, Some(_)) => {
            r.fail(
                "famille",
                format!(
                    "seule une visite (type visite) nomme une famille, pas un engagement de \
                     type {other} : laissez famille vide"
                ),
            );
            return None;
        }
        (_, _, None) => {}
    }
    Some(AgendaEntry {
        code: code?,
        referent: referent?,
        kind,
        start: start?,
        minutes: minutes?,
        site,
        family,
        from_plan: false,
    })
}

pub(crate) const UNAVAILABILITIES: &[Column] = &[
    req("code"),
    req("personne"),
    req("debut"),
    req("fin"),
    opt("motif"),
];

pub(crate) fn unavailability(r: &mut RowReader<'_>) -> Option<Unavailability> {
    let code = r.req("code", Code::parse);
    let person = r.req("personne", Code::parse);
    let from = r.req("debut", parse_paris_from);
    let to = r.req("fin", parse_paris_until);
    let reason = r.opt("motif", |s| Ok(s.to_owned()));
    let unavailability = Unavailability {
        code: code?,
        person: person?,
        from: from?,
        to: to?,
        reason: reason?,
    };
    cross_checks(r, unavailability.check())?;
    Some(unavailability)
}

pub(crate) const DRIVERS: &[Column] = &[
    req("code"),
    req("nom"),
    req("insee"),
    req("latitude"),
    req("longitude"),
    req("horaires"),
];

pub(crate) fn driver(r: &mut RowReader<'_>) -> Option<Driver> {
    let code = r.req("code", Code::parse);
    let name = name(r);
    let commune = r.req("insee", parse_insee);
    let base = location(r);
    let hours = r.req("horaires", WeeklyAvailability::parse);
    Some(Driver {
        code: code?,
        name: name?,
        commune: commune?,
        base: base?,
        working_hours: hours?,
    })
}

pub(crate) const VEHICLES: &[Column] = &[
    req("code"),
    opt("chauffeur"),
    req("places"),
    opt("sieges_enfant"),
    opt("fauteuil"),
];

pub(crate) fn vehicle(r: &mut RowReader<'_>) -> Option<Vehicle> {
    let code = r.req("code", Code::parse);
    let driver = r.opt("chauffeur", Code::parse);
    let seats = r.req("places", |s| {
        let n = parse_count(s)?;
        if n == 0 {
            return Err(FieldError::new("un véhicule a au moins 1 place passager"));
        }
        Ok(n)
    });
    let child_seats = r.opt("sieges_enfant", parse_count);
    let wheelchair = r.opt("fauteuil", parse_bool);
    let (seats, child_seats) = (seats?, child_seats?.unwrap_or(0));
    if child_seats > seats {
        r.fail(
            "sieges_enfant",
            format!("{child_seats} sièges enfant pour {seats} places"),
        );
        return None;
    }
    Some(Vehicle {
        code: code?,
        driver: driver?,
        seats,
        child_seats,
        wheelchair: wheelchair?.unwrap_or(false),
    })
}

pub(crate) const TRAVEL: &[Column] = &[req("from"), req("to"), req("minutes"), req("metres")];

pub(crate) fn travel(r: &mut RowReader<'_>) -> Option<TravelOverride> {
    let from = r.req("from", Code::parse);
    let to = r.req("to", Code::parse);
    let minutes = r.req("minutes", parse_count);
    let metres = r.req("metres", parse_count);
    Some(TravelOverride {
        from: from?,
        to: to?,
        minutes: minutes?,
        metres: metres?,
    })
}

pub(crate) const TERRITORY_SETTINGS: &[Column] = &[req("nom"), req("zone")];

pub(crate) fn territory_settings(r: &mut RowReader<'_>) -> Option<TerritorySettings> {
    let name = name(r);
    let zone = r.req("zone", SchoolZone::parse);
    Some(TerritorySettings {
        name: name?,
        zone: zone?,
    })
}

pub(crate) const PUBLIC_HOLIDAYS: &[Column] = &[req("date"), req("nom")];

pub(crate) fn public_holiday(r: &mut RowReader<'_>) -> Option<PublicHoliday> {
    let date = r.req("date", parse_date);
    let name = name(r);
    Some(PublicHoliday {
        date: date?,
        name: name?,
    })
}

pub(crate) const SCHOOL_HOLIDAYS: &[Column] =
    &[req("zone"), req("nom"), req("debut"), req("reprise")];

pub(crate) fn school_holiday(r: &mut RowReader<'_>) -> Option<SchoolHoliday> {
    let zone = r.req("zone", SchoolZone::parse);
    let label = name(r);
    let start = r.req("debut", parse_date);
    let resume = r.req("reprise", parse_date);
    let holiday = SchoolHoliday {
        zone: zone?,
        label: label?,
        start: start?,
        resume: resume?,
    };
    cross_checks(r, holiday.check())?;
    Some(holiday)
}
