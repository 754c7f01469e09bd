//! Checks across records and files: duplicate codes, a code given to records of two kinds,
//! references to unknown records (naming both; an unavailability's person may be a professional,
//! a coordinator, a référent or a site), a last visit after today, a QPV outside its family's commune, agenda entries (a fixed visit by someone else than
//! the family's référent, two engagements of one référent at the same time), a current
//! assignment that breaks a référent's language or caseload (warnings: it is the team's present,
//! not an input error).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike as _, Duration, NaiveDate, Utc};

use crate::domain::{
    AgendaEntry, AgendaKind, Code, MeetingPlace, SectorKind, Territory, Weekday, to_paris,
};

use super::{Issue, Lined, Parsed, known};
use crate::domain::files;

struct Checker<'a> {
    errors: &'a mut Vec<Issue>,
}

impl Checker<'_> {
    fn push(&mut self, file: &str, line: usize, column: &str, value: &str, message: String) {
        self.errors.push(Issue {
            file: file.to_owned(),
            line: Some(line),
            column: Some(column.to_owned()),
            value: Some(value.to_owned()),
            message,
        });
    }

    /// An error unless `target` is among `known`.
    #[allow(clippy::too_many_arguments)]
    fn reference(
        &mut self,
        file: &str,
        line: usize,
        column: &str,
        record: &str,
        target: &Code,
        known: &BTreeSet<Code>,
        target_what: &str,
        target_file: &str,
    ) {
        if !known.contains(target) {
            self.push(
                file,
                line,
                column,
                target.as_str(),
                format!(
                    "{record} : {target_what} « {target} » {} ({} de {target_file} et de la base)",
                    agree(target_what, "inconnu"),
                    agree(target_what, "absent"),
                ),
            );
        }
    }

    fn duplicates<T>(&mut self, file: &str, records: &[Lined<T>], code: fn(&T) -> &Code) {
        let mut first: BTreeMap<&Code, usize> = BTreeMap::new();
        for r in records {
            let c = code(&r.record);
            if let Some(line) = first.get(c) {
                self.push(
                    file,
                    r.line,
                    if file == files::COMMUNES {
                        "insee"
                    } else {
                        "code"
                    },
                    c.as_str(),
                    format!("code « {c} » en double (déjà ligne {line})"),
                );
            } else {
                first.insert(c, r.line);
            }
        }
    }
}

/// The kinds of records that have a code, in reading order: file, code column, and the kind
/// with its article, for « le code X est déjà celui d'un référent ».
const KINDS: [(&str, &str, &str); 16] = [
    (files::COMMUNES, "insee", "une commune"),
    (files::QPVS, "code", "un QPV"),
    (files::SCHOOLS, "code", "une école"),
    (files::SITES, "code", "un lieu neutre"),
    (files::COORDINATORS, "code", "une coordinatrice"),
    (files::REFERENTS, "code", "un référent"),
    (files::FAMILIES, "code", "une famille"),
    (files::CHILDREN, "code", "un enfant"),
    (files::PROFESSIONALS, "code", "un·e professionnel·le"),
    (files::EPS, "code", "une EPS"),
    (files::WORKSHOPS, "code", "un atelier"),
    (files::APPOINTMENTS, "code", "un rendez-vous de santé"),
    (files::DRIVERS, "code", "un chauffeur"),
    (files::VEHICLES, "code", "un véhicule"),
    (files::AGENDA, "code", "un engagement de l'agenda"),
    (files::UNAVAILABILITIES, "code", "une indisponibilité"),
];

/// The codes of one kind of records, with their lines (`None` for records in the database).
type KindCodes<'a> = Vec<(Option<usize>, &'a Code)>;

fn lined_codes<T>(records: &[Lined<T>], code: fn(&T) -> &Code) -> KindCodes<'_> {
    records
        .iter()
        .map(|l| (Some(l.line), code(&l.record)))
        .collect()
}

fn stored_codes<T>(records: &[T], code: fn(&T) -> &Code) -> KindCodes<'_> {
    records.iter().map(|r| (None, code(r))).collect()
}

/// The codes of every kind of `p`, in the order of [`KINDS`].
fn batch_codes(p: &Parsed) -> [KindCodes<'_>; 16] {
    [
        lined_codes(&p.communes, |r| &r.insee),
        lined_codes(&p.qpvs, |r| &r.code),
        lined_codes(&p.schools, |r| &r.code),
        lined_codes(&p.sites, |r| &r.code),
        lined_codes(&p.coordinators, |r| &r.code),
        lined_codes(&p.referents, |r| &r.code),
        lined_codes(&p.families, |r| &r.code),
        lined_codes(&p.children, |r| &r.code),
        lined_codes(&p.professionals, |r| &r.code),
        lined_codes(&p.eps, |r| &r.code),
        lined_codes(&p.workshops, |r| &r.code),
        lined_codes(&p.appointments, |r| &r.code),
        lined_codes(&p.drivers, |r| &r.code),
        lined_codes(&p.vehicles, |r| &r.code),
        lined_codes(&p.agenda, |r| &r.code),
        lined_codes(&p.unavailabilities, |r| &r.code),
    ]
}

/// The codes of every kind of `t`, in the order of [`KINDS`].
fn territory_codes(t: &Territory) -> [KindCodes<'_>; 16] {
    [
        stored_codes(&t.communes, |r| &r.insee),
        stored_codes(&t.qpvs, |r| &r.code),
        stored_codes(&t.schools, |r| &r.code),
        stored_codes(&t.sites, |r| &r.code),
        stored_codes(&t.coordinators, |r| &r.code),
        stored_codes(&t.referents, |r| &r.code),
        stored_codes(&t.families, |r| &r.code),
        stored_codes(&t.children, |r| &r.code),
        stored_codes(&t.professionals, |r| &r.code),
        stored_codes(&t.eps, |r| &r.code),
        stored_codes(&t.workshops, |r| &r.code),
        stored_codes(&t.appointments, |r| &r.code),
        stored_codes(&t.drivers, |r| &r.code),
        stored_codes(&t.vehicles, |r| &r.code),
        stored_codes(&t.agenda, |r| &r.code),
        stored_codes(&t.unavailabilities, |r| &r.code),
    ]
}

/// A code names one record across all kinds (issue #13): a feed reading « Visite E-0001 » or a
/// `trajets.csv` line must not have to guess whether it is a family or a child. A record of the
/// batch whose code another kind already holds (in the database, or earlier in reading order in
/// the batch) is refused on its code column.
fn codes_across_kinds(c: &mut Checker<'_>, p: &Parsed, existing: &Territory) {
    let mut owner: BTreeMap<&Code, (usize, Option<usize>)> = BTreeMap::new();
    for (kind, codes) in territory_codes(existing).into_iter().enumerate() {
        for (_, code) in codes {
            owner.entry(code).or_insert((kind, None));
        }
    }
    for (kind, codes) in batch_codes(p).into_iter().enumerate() {
        let (file, column, _) = KINDS[kind];
        for (line, code) in codes {
            let line = line.expect("BUG: batch records have a line");
            match owner.get(code) {
                Some(&(other, origin)) if other != kind => {
                    let (other_file, _, what) = KINDS[other];
                    let where_ = match origin {
                        Some(l) => format!("{other_file}, ligne {l}"),
                        None => "déjà en base".to_owned(),
                    };
                    c.push(
                        file,
                        line,
                        column,
                        code.as_str(),
                        format!(
                            "le code {code} est déjà celui d'{what} ({where_}) : un code ne \
                             désigne qu'une fiche, tous fichiers confondus"
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    owner.insert(code, (kind, Some(line)));
                }
            }
        }
    }
}

/// A last visit is in the past: a date after `today` would keep the family from falling due.
fn last_visits_in_the_past(c: &mut Checker<'_>, p: &Parsed, today: NaiveDate) {
    for l in &p.families {
        let r = &l.record;
        if let Some(last) = r.last_visit
            && last > today
        {
            c.push(
                files::FAMILIES,
                l.line,
                "derniere_visite",
                &last.to_string(),
                format!(
                    "famille {} : la dernière visite ({}) est dans le futur (nous sommes le {})",
                    r.code,
                    last.format("%d/%m/%Y"),
                    today.format("%d/%m/%Y")
                ),
            );
        }
    }
}

/// Runs every cross-record check of `p` against itself and `existing`, on `today` (Europe/Paris).
pub(crate) fn check(
    p: &Parsed,
    existing: &Territory,
    today: NaiveDate,
    errors: &mut Vec<Issue>,
    warnings: &mut Vec<Issue>,
) {
    let mut c = Checker { errors };
    c.duplicates(files::COMMUNES, &p.communes, |r| &r.insee);
    c.duplicates(files::QPVS, &p.qpvs, |r| &r.code);
    c.duplicates(files::SCHOOLS, &p.schools, |r| &r.code);
    c.duplicates(files::SITES, &p.sites, |r| &r.code);
    c.duplicates(files::COORDINATORS, &p.coordinators, |r| &r.code);
    c.duplicates(files::REFERENTS, &p.referents, |r| &r.code);
    c.duplicates(files::FAMILIES, &p.families, |r| &r.code);
    c.duplicates(files::CHILDREN, &p.children, |r| &r.code);
    c.duplicates(files::PROFESSIONALS, &p.professionals, |r| &r.code);
    c.duplicates(files::EPS, &p.eps, |r| &r.code);
    c.duplicates(files::WORKSHOPS, &p.workshops, |r| &r.code);
    c.duplicates(files::APPOINTMENTS, &p.appointments, |r| &r.code);
    c.duplicates(files::DRIVERS, &p.drivers, |r| &r.code);
    c.duplicates(files::VEHICLES, &p.vehicles, |r| &r.code);
    c.duplicates(files::AGENDA, &p.agenda, |r| &r.code);
    c.duplicates(files::UNAVAILABILITIES, &p.unavailabilities, |r| &r.code);
    codes_across_kinds(&mut c, p, existing);
    last_visits_in_the_past(&mut c, p, today);

    let e = existing;
    let communes = known(recs(&p.communes), e.communes.iter(), |r| &r.insee);
    let qpv_commune: BTreeMap<Code, Code> = e
        .qpvs
        .iter()
        .chain(p.qpvs.iter().map(|l| &l.record))
        .map(|q| (q.code.clone(), q.commune.clone()))
        .collect();
    let qpvs: BTreeSet<Code> = qpv_commune.keys().cloned().collect();
    let schools = known(recs(&p.schools), e.schools.iter(), |r| &r.code);
    let sites = known(recs(&p.sites), e.sites.iter(), |r| &r.code);
    let coordinators = known(recs(&p.coordinators), e.coordinators.iter(), |r| &r.code);
    let referents = known(recs(&p.referents), e.referents.iter(), |r| &r.code);
    let families = known(recs(&p.families), e.families.iter(), |r| &r.code);
    let children = known(recs(&p.children), e.children.iter(), |r| &r.code);
    let professionals = known(recs(&p.professionals), e.professionals.iter(), |r| &r.code);
    let drivers = known(recs(&p.drivers), e.drivers.iter(), |r| &r.code);

    const COMMUNE: (&str, &str) = ("commune", files::COMMUNES);
    for l in &p.qpvs {
        let r = &l.record;
        let who = format!("QPV {}", r.code);
        c.reference(
            files::QPVS,
            l.line,
            "insee",
            &who,
            &r.commune,
            &communes,
            COMMUNE.0,
            COMMUNE.1,
        );
    }
    for l in &p.schools {
        let r = &l.record;
        let who = format!("école {}", r.code);
        c.reference(
            files::SCHOOLS,
            l.line,
            "insee",
            &who,
            &r.commune,
            &communes,
            COMMUNE.0,
            COMMUNE.1,
        );
    }
    for l in &p.sites {
        let r = &l.record;
        let who = format!("lieu {}", r.code);
        c.reference(
            files::SITES,
            l.line,
            "insee",
            &who,
            &r.commune,
            &communes,
            COMMUNE.0,
            COMMUNE.1,
        );
    }
    for l in &p.coordinators {
        let r = &l.record;
        let who = format!("coordinatrice {}", r.code);
        if let Some(site) = &r.site {
            c.reference(
                files::COORDINATORS,
                l.line,
                "lieu",
                &who,
                site,
                &sites,
                "lieu",
                files::SITES,
            );
        }
        for commune in &r.communes {
            c.reference(
                files::COORDINATORS,
                l.line,
                "communes",
                &who,
                commune,
                &communes,
                COMMUNE.0,
                COMMUNE.1,
            );
        }
    }
    for l in &p.referents {
        let r = &l.record;
        let who = format!("référent {}", r.code);
        c.reference(
            files::REFERENTS,
            l.line,
            "insee",
            &who,
            &r.commune,
            &communes,
            COMMUNE.0,
            COMMUNE.1,
        );
        for s in &r.sectors {
            let code = crate::domain::Code::parse(&s.value).ok();
            match (s.kind, code) {
                (SectorKind::Commune, Some(code)) => c.reference(
                    files::REFERENTS,
                    l.line,
                    "secteurs",
                    &who,
                    &code,
                    &communes,
                    COMMUNE.0,
                    COMMUNE.1,
                ),
                (SectorKind::Qpv, Some(code)) => c.reference(
                    files::REFERENTS,
                    l.line,
                    "secteurs",
                    &who,
                    &code,
                    &qpvs,
                    "QPV",
                    files::QPVS,
                ),
                _ => {}
            }
        }
    }
    for l in &p.families {
        let r = &l.record;
        let who = format!("famille {}", r.code);
        let f = files::FAMILIES;
        c.reference(
            f, l.line, "insee", &who, &r.commune, &communes, COMMUNE.0, COMMUNE.1,
        );
        if let Some(q) = &r.qpv {
            match qpv_commune.get(q) {
                None => c.reference(f, l.line, "qpv", &who, q, &qpvs, "QPV", files::QPVS),
                Some(commune) if *commune != r.commune => c.push(
                    f,
                    l.line,
                    "qpv",
                    q.as_str(),
                    format!(
                        "{who} : le QPV « {q} » est dans la commune {commune}, pas dans {}",
                        r.commune
                    ),
                ),
                Some(_) => {}
            }
        }
        if let MeetingPlace::Site(site) = &r.meeting_place {
            c.reference(f, l.line, "lieu", &who, site, &sites, "lieu", files::SITES);
        }
        if let Some((referent, _)) = &r.referent {
            c.reference(
                f,
                l.line,
                "referent",
                &who,
                referent,
                &referents,
                "référent",
                files::REFERENTS,
            );
        }
    }
    for l in &p.children {
        let r = &l.record;
        let who = format!("enfant {}", r.code);
        c.reference(
            files::CHILDREN,
            l.line,
            "famille",
            &who,
            &r.family,
            &families,
            "famille",
            files::FAMILIES,
        );
        if let Some(school) = &r.school {
            c.reference(
                files::CHILDREN,
                l.line,
                "ecole",
                &who,
                school,
                &schools,
                "école",
                files::SCHOOLS,
            );
        }
    }
    for l in &p.eps {
        let r = &l.record;
        let who = format!("EPS {}", r.code);
        let f = files::EPS;
        c.reference(
            f, l.line, "insee", &who, &r.commune, &communes, COMMUNE.0, COMMUNE.1,
        );
        if let Some(q) = &r.qpv {
            c.reference(f, l.line, "qpv", &who, q, &qpvs, "QPV", files::QPVS);
        }
        c.reference(
            f,
            l.line,
            "coordinateur",
            &who,
            &r.coordinator,
            &coordinators,
            "coordinatrice",
            files::COORDINATORS,
        );
        if let Some(site) = &r.site {
            c.reference(f, l.line, "lieu", &who, site, &sites, "lieu", files::SITES);
        }
        for m in &r.members {
            c.reference(
                f,
                l.line,
                "membres",
                &who,
                m,
                &professionals,
                "professionnel·le",
                files::PROFESSIONALS,
            );
        }
        for referent in &r.referents {
            c.reference(
                f,
                l.line,
                "referents",
                &who,
                referent,
                &referents,
                "référent",
                files::REFERENTS,
            );
        }
        for site in &r.alternative_sites {
            c.reference(
                f,
                l.line,
                "lieux_alternatifs",
                &who,
                site,
                &sites,
                "lieu",
                files::SITES,
            );
        }
    }
    let facilitators: BTreeSet<Code> = professionals.union(&referents).cloned().collect();
    for l in &p.workshops {
        let r = &l.record;
        let who = format!("atelier {}", r.code);
        let f = files::WORKSHOPS;
        if let Some(commune) = &r.commune {
            c.reference(
                f, l.line, "insee", &who, commune, &communes, COMMUNE.0, COMMUNE.1,
            );
        }
        c.reference(
            f,
            l.line,
            "animateur",
            &who,
            &r.facilitator,
            &facilitators,
            "animateur",
            "professionnels.csv ou referents.csv",
        );
        for s in &r.sites {
            c.reference(f, l.line, "lieux", &who, s, &sites, "lieu", files::SITES);
        }
    }
    for l in &p.appointments {
        let r = &l.record;
        let who = format!("rendez-vous {}", r.code);
        let f = files::APPOINTMENTS;
        c.reference(
            f,
            l.line,
            "enfant",
            &who,
            &r.child,
            &children,
            "enfant",
            files::CHILDREN,
        );
        c.reference(
            f, l.line, "insee", &who, &r.commune, &communes, COMMUNE.0, COMMUNE.1,
        );
    }
    for l in &p.drivers {
        let r = &l.record;
        let who = format!("chauffeur {}", r.code);
        c.reference(
            files::DRIVERS,
            l.line,
            "insee",
            &who,
            &r.commune,
            &communes,
            COMMUNE.0,
            COMMUNE.1,
        );
    }
    for l in &p.vehicles {
        let r = &l.record;
        if let Some(d) = &r.driver {
            let who = format!("véhicule {}", r.code);
            c.reference(
                files::VEHICLES,
                l.line,
                "chauffeur",
                &who,
                d,
                &drivers,
                "chauffeur",
                files::DRIVERS,
            );
        }
    }
    for l in &p.agenda {
        let r = &l.record;
        let who = format!("engagement {}", r.code);
        let f = files::AGENDA;
        c.reference(
            f,
            l.line,
            "referent",
            &who,
            &r.referent,
            &referents,
            "référent",
            files::REFERENTS,
        );
        if let Some(site) = &r.site {
            c.reference(f, l.line, "lieu", &who, site, &sites, "lieu", files::SITES);
        }
        if let Some(family) = &r.family {
            c.reference(
                f,
                l.line,
                "famille",
                &who,
                family,
                &families,
                "famille",
                files::FAMILIES,
            );
        }
    }
    agenda_checks(p, existing, &mut c, &referents, warnings);

    // Whose time an unavailability holds: a person who attends meetings, or a site.
    let persons: BTreeSet<Code> = [&professionals, &coordinators, &referents, &sites]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    for l in &p.unavailabilities {
        let r = &l.record;
        c.reference(
            files::UNAVAILABILITIES,
            l.line,
            "personne",
            &format!("indisponibilité {}", r.code),
            &r.person,
            &persons,
            "personne",
            "professionnels.csv, coordinateurs.csv, referents.csv, lieux.csv",
        );
    }

    orientation_checks(p, existing, &mut c, &children, warnings);
    let mut levels = BTreeMap::new();
    for l in &p.free_time {
        let level = l.record.level;
        if let Some(first) = levels.insert(level, l.line) {
            c.push(
                files::FREE_TIME,
                l.line,
                "niveau",
                level.key(),
                format!("niveau « {level} » en double (déjà ligne {first})"),
            );
        }
    }

    if !p.travel.is_empty() {
        let located: BTreeSet<Code> = [
            &communes, &qpvs, &schools, &sites, &referents, &families, &drivers,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        for l in &p.travel {
            let r = &l.record;
            let who = format!("trajet {} → {}", r.from, r.to);
            c.reference(
                files::TRAVEL,
                l.line,
                "from",
                &who,
                &r.from,
                &located,
                "lieu",
                "aucun fichier",
            );
            c.reference(
                files::TRAVEL,
                l.line,
                "to",
                &who,
                &r.to,
                &located,
                "lieu",
                "aucun fichier",
            );
        }
    }

    current_assignment_warnings(p, existing, warnings);
}

/// An orientation names a known child and workshop, once per pair in the file; a child outside
/// the workshop's age range is a warning (the EPS may know better; the planner will not enrol
/// her and says why).
fn orientation_checks(
    p: &Parsed,
    existing: &Territory,
    c: &mut Checker<'_>,
    children: &BTreeSet<Code>,
    warnings: &mut Vec<Issue>,
) {
    let workshops: BTreeMap<&Code, &crate::domain::Workshop> = existing
        .workshops
        .iter()
        .chain(p.workshops.iter().map(|l| &l.record))
        .map(|w| (&w.code, w))
        .collect();
    let ages: BTreeMap<&Code, u32> = existing
        .children
        .iter()
        .chain(p.children.iter().map(|l| &l.record))
        .map(|e| (&e.code, e.age))
        .collect();
    let workshop_codes: BTreeSet<Code> = workshops.keys().map(|c| (*c).clone()).collect();
    let mut first: BTreeMap<(&Code, &Code), usize> = BTreeMap::new();
    let f = files::ORIENTATIONS;
    for l in &p.orientations {
        let r = &l.record;
        let who = format!("orientation de {} vers {}", r.child, r.workshop);
        c.reference(
            f,
            l.line,
            "enfant",
            &who,
            &r.child,
            children,
            "enfant",
            files::CHILDREN,
        );
        c.reference(
            f,
            l.line,
            "atelier",
            &who,
            &r.workshop,
            &workshop_codes,
            "atelier",
            files::WORKSHOPS,
        );
        if let Some(line) = first.insert((&r.child, &r.workshop), l.line) {
            c.push(
                f,
                l.line,
                "atelier",
                r.workshop.as_str(),
                format!("{who} : en double (déjà ligne {line}) : un enfant est orienté une fois vers un atelier"),
            );
        }
        if let (Some(w), Some(&age)) = (workshops.get(&r.workshop), ages.get(&r.child))
            && !w.admits_age(age)
        {
            warnings.push(Issue {
                file: f.to_owned(),
                line: Some(l.line),
                column: Some("enfant".to_owned()),
                value: Some(r.child.as_str().to_owned()),
                message: format!(
                    "{who} : {age} ans, hors de la tranche d'âge de l'atelier ({} à {} ans) : \
                     il ne pourra pas y être inscrit",
                    w.ages.0, w.ages.1
                ),
            });
        }
    }
}

/// Where an agenda entry comes from: a line of this import, or the database (an entry the
/// import does not replace stays as it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    Stored,
    Line(usize),
}

/// `lundi 30/11/2026 09:00–10:30`, the local time span of an entry, for messages.
fn local_span(start: DateTime<Utc>, minutes: u32) -> String {
    let from = to_paris(start);
    let to = to_paris(start + Duration::minutes(i64::from(minutes)));
    format!(
        "{} {}–{}",
        Weekday::from_chrono(from.weekday()).french(),
        from.format("%d/%m/%Y %H:%M"),
        to.format("%H:%M")
    )
}

/// A fixed visit is made by the family's current référent; two engagements of one référent
/// never overlap, counting those already stored that this import does not replace.
fn agenda_checks(
    p: &Parsed,
    existing: &Territory,
    c: &mut Checker<'_>,
    referents: &BTreeSet<Code>,
    warnings: &mut Vec<Issue>,
) {
    let f = files::AGENDA;
    // The family's référent after this import: the batch's record wins over the stored one.
    let mut followed_by: BTreeMap<&Code, Option<&Code>> = BTreeMap::new();
    for family in existing
        .families
        .iter()
        .chain(p.families.iter().map(|l| &l.record))
    {
        followed_by.insert(&family.code, family.referent.as_ref().map(|(r, _)| r));
    }
    for l in &p.agenda {
        let r = &l.record;
        let (AgendaKind::Visit, Some(family)) = (r.kind, &r.family) else {
            continue;
        };
        if !referents.contains(&r.referent) {
            continue; // already reported as unknown
        }
        match followed_by.get(family) {
            None => {} // unknown family, already reported
            Some(None) => c.push(
                f,
                l.line,
                "referent",
                r.referent.as_str(),
                format!(
                    "engagement {} : la famille {family} n'a pas de référent (familles.csv) : \
                     une visite fixée est faite par son référent",
                    r.code
                ),
            ),
            Some(Some(current)) if **current != r.referent => c.push(
                f,
                l.line,
                "referent",
                r.referent.as_str(),
                format!(
                    "engagement {} : la famille {family} est suivie par {current}, pas par {}",
                    r.code, r.referent
                ),
            ),
            Some(Some(_)) => {}
        }
    }

    // A stored fixed visit whose family this import gives to another référent: the entry stays
    // as stored, so say it.
    let replaced: BTreeSet<&Code> = p.agenda.iter().map(|l| &l.record.code).collect();
    for stored in existing
        .agenda
        .iter()
        .filter(|e| !replaced.contains(&e.code))
    {
        let Some(family) = &stored.family else {
            continue;
        };
        let Some(l) = p.families.iter().find(|l| &l.record.code == family) else {
            continue;
        };
        let now = l.record.referent.as_ref().map(|(r, _)| r);
        if now != Some(&stored.referent) {
            warnings.push(Issue {
                file: files::FAMILIES.to_owned(),
                line: Some(l.line),
                column: Some("referent".to_owned()),
                value: Some(now.map(ToString::to_string).unwrap_or_default()),
                message: format!(
                    "famille {family} : la visite fixée {} ({}) déjà en base reste au \
                     référent {} ; réimportez agenda.csv pour la corriger",
                    stored.code,
                    local_span(stored.start, stored.minutes),
                    stored.referent
                ),
            });
        }
    }

    // Overlaps, per référent, in order of start; on equal starts the stored entry comes first,
    // so that the error lands on a line of the import.
    let mut entries: Vec<(Origin, &AgendaEntry)> = existing
        .agenda
        .iter()
        .filter(|e| !replaced.contains(&e.code))
        .map(|e| (Origin::Stored, e))
        .chain(p.agenda.iter().map(|l| (Origin::Line(l.line), &l.record)))
        .collect();
    entries.sort_by(|a, b| (&a.1.referent, a.1.start, a.0).cmp(&(&b.1.referent, b.1.start, b.0)));
    let end = |e: &AgendaEntry| e.start + Duration::minutes(i64::from(e.minutes));
    let longest = Duration::minutes(
        entries
            .iter()
            .map(|e| i64::from(e.1.minutes))
            .max()
            .unwrap_or(0),
    );
    for (i, &(origin, entry)) in entries.iter().enumerate() {
        // Earlier entries of the same référent that may still run when this one starts.
        let earlier = entries[..i]
            .iter()
            .rev()
            .take_while(|(_, other)| {
                other.referent == entry.referent && other.start + longest > entry.start
            })
            .filter(|(_, other)| end(other) > entry.start);
        for &(other_origin, other) in earlier {
            // The error goes on the later entry, or on the earlier one when only it is imported.
            let (line, at_fault, (clash_origin, clash)) = match (origin, other_origin) {
                (Origin::Line(line), _) => (line, entry, (other_origin, other)),
                (Origin::Stored, Origin::Line(line)) => (line, other, (origin, entry)),
                (Origin::Stored, Origin::Stored) => continue,
            };
            let stored = if clash_origin == Origin::Stored {
                " (déjà en base)"
            } else {
                ""
            };
            c.push(
                f,
                line,
                "debut",
                &to_paris(at_fault.start)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                format!(
                    "engagement {} ({}) : chevauche l'engagement {}{stored} ({}) du même \
                     référent {}",
                    at_fault.code,
                    local_span(at_fault.start, at_fault.minutes),
                    clash.code,
                    local_span(clash.start, clash.minutes),
                    at_fault.referent
                ),
            );
        }
    }
}

/// The current assignment is the team's present: a family whose référent does not speak its
/// language, or a référent over her maximum caseload, is worth knowing, not an input error.
fn current_assignment_warnings(p: &Parsed, existing: &Territory, warnings: &mut Vec<Issue>) {
    let referents: BTreeMap<&Code, &crate::domain::Referent> = existing
        .referents
        .iter()
        .chain(p.referents.iter().map(|l| &l.record))
        .map(|r| (&r.code, r))
        .collect();
    let mut caseload: BTreeMap<&Code, u32> = BTreeMap::new();
    let batch_codes: BTreeSet<&Code> = p.families.iter().map(|l| &l.record.code).collect();
    for f in existing
        .families
        .iter()
        .filter(|f| !batch_codes.contains(&f.code))
    {
        if let Some((r, _)) = &f.referent {
            *caseload.entry(r).or_default() += 1;
        }
    }
    for l in &p.families {
        let f = &l.record;
        let Some((code, _)) = &f.referent else {
            continue;
        };
        *caseload.entry(code).or_default() += 1;
        if let Some(r) = referents.get(code)
            && !r.speaks(&f.language)
        {
            warnings.push(Issue {
                file: files::FAMILIES.to_owned(),
                line: Some(l.line),
                column: Some("referent".to_owned()),
                value: Some(code.to_string()),
                message: format!(
                    "famille {} : le référent {code} ne parle pas {} (langue de la famille)",
                    f.code,
                    f.language.french_name()
                ),
            });
        }
    }
    for (code, n) in caseload {
        if let Some(r) = referents.get(code)
            && n > r.max_caseload
        {
            warnings.push(Issue {
                file: files::REFERENTS.to_owned(),
                line: None,
                column: Some("charge_max".to_owned()),
                value: Some(r.max_caseload.to_string()),
                message: format!(
                    "référent {code} : suit {n} familles, au-delà de sa charge maximale ({})",
                    r.max_caseload
                ),
            });
        }
    }
}

/// The records of a parsed file, without their line numbers.
fn recs<T>(lined: &[Lined<T>]) -> impl Iterator<Item = &T> {
    lined.iter().map(|l| &l.record)
}

/// `adjective` agreed with `noun`: « commune inconnue », « référent inconnu », « professionnel·le
/// inconnu·e ».
fn agree(noun: &str, adjective: &str) -> String {
    const FEMININE: [&str; 5] = ["commune", "école", "famille", "EPS", "personne"];
    if noun.contains('·') {
        format!("{adjective}·e")
    } else if FEMININE.iter().any(|f| noun.starts_with(f)) {
        format!("{adjective}e")
    } else {
        adjective.to_owned()
    }
}
